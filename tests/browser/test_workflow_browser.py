"""The whole hand-over chain of the seed reply in a real browser: each next person is notified
and finds the letter in Mijn werk; the case page shows the case following the letter: in
behandeling -> ter beoordeling -> ter ondertekening -> beantwoord."""

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


def _case_status(page) -> str:
    """The status the case page shows in its heading (the case the seed reply answers)."""
    page.goto("/cases/2021Z19241")
    return page.locator("main h1 .status").inner_text().strip()


def _worklist_section(page, key: str) -> str:
    page.goto("/me/worklist")
    return page.locator(f"section#{key}").inner_html()


def _notifications(page) -> str:
    page.goto("/notifications")
    return page.locator("table.notifications").inner_text()


def test_submit_approve_sign_and_send_the_seed_reply(log_in, live_server):
    from parliament_tracker.letters.engine.signing import make_dev_certificate

    cfg = live_server.app.config
    if not os.path.exists(cfg["SIGNING_PKCS12_PATH"]):  # what `flask demo load` does on a fresh instance
        make_dev_certificate(cfg["SIGNING_PKCS12_PATH"], cfg["SIGNING_PKCS12_PASSPHRASE"], "Demo signer")

    page = log_in("drafter")
    assert page.url.endswith("/me/worklist")  # everyone lands on Mijn werk
    assert _case_status(page) == "In behandeling"
    page.goto("/letters/1")
    _submit(page, "form[action$='/generate'] button")
    page.wait_for_url(re.compile(r"/letters/1#preview$"))
    options = page.locator("#approver_1 option").all_inner_texts()
    director = next(o for o in options if "Directeur" in o or "Director" in o or "director" in o.lower())
    page.select_option("#approver_1", label=director)
    _submit(page, "#submit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    assert page.locator("#decision-form").count() == 0
    assert _case_status(page) == "Ter beoordeling"

    _logout(page)
    log_in("director")
    assert "Brief voor 2021Z19241 wacht op uw goedkeuring" in _notifications(page)
    assert "/letters/1" in _worklist_section(page, "awaiting_approval")
    page.goto("/me/worklist")
    page.click("section#awaiting_approval a[href='/letters/1']")
    page.wait_for_url(re.compile(r"/letters/1$"))
    page.fill("#comment", "Akkoord.")
    _submit(page, "#decision-form button.primary")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    assert page.locator("#sign-form").count() == 0  # a director does not sign
    assert _case_status(page) == "Ter ondertekening"

    _logout(page)
    log_in("signer")
    assert "/letters/1" in _worklist_section(page, "to_sign")
    assert "Brief voor 2021Z19241 is goedgekeurd en wacht op ondertekening" in _notifications(page)
    page.goto("/letters/1")
    page.fill("#our_reference", "")
    _submit(page, "#sign-form button[type=submit]")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    facts = page.locator("#signature-facts").inner_text()
    assert re.search(r"\d{4}-\d{7}", facts)
    href = page.locator("#signature-facts a").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok and response.body().startswith(b"%PDF-")
    assert "/letters/1" not in _worklist_section(page, "to_sign")
    assert _case_status(page) == "Ter ondertekening"  # signed, not yet sent

    _logout(page)
    log_in("registrar")
    assert "/letters/1" in _worklist_section(page, "to_send")
    assert "Ondertekende brief voor 2021Z19241 is klaar voor verzending" in _notifications(page)
    page.goto("/letters/1")
    _submit(page, "#send-form button[type=submit]")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    assert "/letters/1" not in _worklist_section(page, "to_send")
    assert _case_status(page) == "Beantwoord"

    _logout(page)
    log_in("drafter")
    told = _notifications(page)
    assert "De brief voor 2021Z19241 is ondertekend" in told and "De brief voor 2021Z19241 is verzonden" in told
    assert not live_server.errors, live_server.errors
