"""Approve and sign the seed reply in a real browser; the case ends answered."""

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


def test_submit_approve_sign_and_send_the_seed_reply(log_in, live_server):
    from parliament_tracker.letters.engine.signing import make_dev_certificate

    cfg = live_server.app.config
    if not os.path.exists(cfg["SIGNING_PKCS12_PATH"]):  # what `flask demo load` does on a fresh instance
        make_dev_certificate(cfg["SIGNING_PKCS12_PATH"], cfg["SIGNING_PKCS12_PASSPHRASE"], "Demo signer")

    page = log_in("drafter")
    page.goto("/letters/1")
    _submit(page, "form[action$='/generate'] button")
    page.wait_for_url(re.compile(r"/letters/1#preview$"))
    options = page.locator("#approver_1 option").all_inner_texts()
    director = next(o for o in options if "Directeur" in o or "Director" in o or "director" in o.lower())
    page.select_option("#approver_1", label=director)
    _submit(page, "#submit-form button[type=submit]")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    assert page.locator("#decision-form").count() == 0

    _logout(page)
    log_in("director")
    page.goto("/approvals")
    page.click("a[href='/letters/1#workflow']")
    page.fill("#comment", "Akkoord.")
    _submit(page, "#decision-form button.primary")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    assert page.locator("#sign-form").count() == 0  # a director does not sign

    _logout(page)
    log_in("signer")
    page.goto("/letters/1")
    page.fill("#our_reference", "")
    _submit(page, "#sign-form button[type=submit]")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    facts = page.locator("#signature-facts").inner_text()
    assert re.search(r"\d{4}-\d{7}", facts)
    href = page.locator("#signature-facts a").get_attribute("href")
    response = page.request.get(live_server.url + href)
    assert response.ok and response.body().startswith(b"%PDF-")
    _submit(page, "#send-form button[type=submit]")
    page.wait_for_url(re.compile(r"/letters/1#workflow$"))
    page.goto("/cases/2021Z19241")
    assert "Beantwoord" in page.content() or "Answered" in page.content()
