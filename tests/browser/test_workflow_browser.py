"""The whole hand-over chain of a demo letter in a real browser: the drafter's letter that the
director sent back is made again and resubmitted; each next person is notified and finds the
letter in Mijn werk; the case page shows the case following the letter: in behandeling ->
ter beoordeling -> ter ondertekening -> beantwoord."""

from __future__ import annotations

import os
import re

import pytest

from tests.browser.conftest import require_browser

require_browser()

pytestmark = pytest.mark.browser


def _logout(page) -> None:
    page.context.clear_cookies()


def _submit(page, selector: str) -> None:
    """Press a form's button with the keyboard and wait for the page it leads to.

    Keyboard rather than a mouse click: the PDF preview above the forms can still change size
    after load, so a click at the button's earlier coordinates sometimes hits nothing.
    """
    page.wait_for_load_state("load")
    with page.expect_navigation():
        page.locator(selector).press("Enter")
    page.wait_for_load_state("load")


def _case_status(page, reference: str) -> str:
    """The status the case page shows in its heading."""
    page.goto(f"/cases/{reference}")
    return page.locator("main h1 .status").inner_text().strip()


def _sent_back_letter(live_server) -> tuple[int, str]:
    """The demo letter the director sent back to the drafter: its id and the case it answers."""
    from parliament_tracker.auth.models import User
    from parliament_tracker.extensions import db
    from parliament_tracker.letters.models import Letter, LetterStatus

    with live_server.app.app_context():
        letter = db.session.scalar(
            db.select(Letter).join(User, User.id == Letter.created_by_id)
            .where(Letter.status == LetterStatus.draft, User.username == "drafter").order_by(Letter.id)
        )
        found = letter.id, letter.cases[0].reference
        db.session.remove()
    return found


def _worklist_section(page, key: str) -> str:
    page.goto("/me/worklist")
    return page.locator(f"section#{key}").inner_html()


def _notifications(page) -> str:
    page.goto("/notifications")
    return page.locator("table.notifications").inner_text()


def test_resubmit_approve_sign_and_send_a_demo_letter(log_in, live_server):
    # On a fresh instance the demo load made the signing certificate (it signs its own letters).
    assert os.path.exists(live_server.app.config["SIGNING_PKCS12_PATH"])
    letter_id, reference = _sent_back_letter(live_server)
    url = f"/letters/{letter_id}"
    page = log_in("drafter")
    assert page.url.endswith("/me/worklist")  # everyone lands on Mijn werk
    assert url in _worklist_section(page, "sent_back")
    assert _case_status(page, reference) == "In behandeling"  # the letter was sent back
    page.goto(url)
    _submit(page, "form[action$='/generate'] button")
    page.wait_for_url(re.compile(rf"{url}#preview$"))
    options = page.locator("#approver_1 option").all_inner_texts()
    director = next(o for o in options if "Directeur" in o or "Director" in o or "director" in o.lower())
    page.select_option("#approver_1", label=director)
    _submit(page, "#submit-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{url}#workflow$"))
    assert page.locator("#decision-form").count() == 0
    assert _case_status(page, reference) == "Ter beoordeling"

    _logout(page)
    log_in("director")
    assert f"Brief voor {reference} wacht op uw goedkeuring" in _notifications(page)
    assert url in _worklist_section(page, "awaiting_approval")
    page.goto("/me/worklist")
    page.click(f"section#awaiting_approval a[href='{url}']")
    page.wait_for_url(re.compile(rf"{url}$"))
    page.fill("#comment", "Akkoord.")
    _submit(page, "#decision-form button.primary")
    page.wait_for_url(re.compile(rf"{url}#workflow$"))
    assert page.locator("#sign-form").count() == 0  # a director does not sign
    assert _case_status(page, reference) == "Ter ondertekening"

    _logout(page)
    log_in("signer")
    assert url in _worklist_section(page, "to_sign")
    assert f"Brief voor {reference} is goedgekeurd en wacht op ondertekening" in _notifications(page)
    page.goto(url)
    page.fill("#our_reference", "")
    _submit(page, "#sign-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{url}#workflow$"))
    facts = page.locator("#signature-facts").inner_text()
    assert re.search(r"\d{4}-\d{7}", facts)
    href = page.locator("#signature-facts a").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok and response.body().startswith(b"%PDF-")
    assert url not in _worklist_section(page, "to_sign")
    assert _case_status(page, reference) == "Ter ondertekening"  # signed, not yet sent

    _logout(page)
    log_in("registrar")
    assert url in _worklist_section(page, "to_send")
    assert f"Ondertekende brief voor {reference} is klaar voor verzending" in _notifications(page)
    page.goto(url)
    _submit(page, "#send-form button[type=submit]")
    page.wait_for_url(re.compile(rf"{url}#workflow$"))
    assert url not in _worklist_section(page, "to_send")
    assert _case_status(page, reference) == "Beantwoord"

    _logout(page)
    log_in("drafter")
    told = _notifications(page)
    assert f"De brief voor {reference} is ondertekend" in told and f"De brief voor {reference} is verzonden" in told
    assert not live_server.errors, live_server.errors
