"""Forms by keyboard, in Chromium with the app's CSP on (issue 17).

* Registering a case with the keyboard only: the members combobox (type, arrow down, Enter; a
  chip's remove button; a member not yet in the tracker added as typed) and a Dutch date
  (1-12-2026 is 1 December, whatever the browser's language); what was stored is read back.
* Without JavaScript the members field is still a plain multi-select that works.
* The session warning: shown (and announced, role=alert) before the form's session runs out;
  "Stay signed in" gets a fresh CSRF token, and the form then saves.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import DEMO_PASSWORD, require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser


def _stored(live_server: Any, reference: str) -> Any:
    from parliament_tracker.cases.models import Case
    from parliament_tracker.extensions import db

    with live_server.app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == reference))
        if case is None:
            return None
        found = {"received_on": case.received_on, "members": sorted(m.label for m in case.members), "subject": case.subject}
        db.session.remove()
        return found


def test_register_a_case_by_keyboard_with_two_members_and_a_dutch_date(page: Any, log_in: Any, live_server: Any) -> None:
    log_in("registrar")
    page.goto("/cases/new")
    keyboard = page.keyboard
    page.focus("#reference")  # as a Tab from the page would
    keyboard.type("2021Z20040")
    keyboard.press("Tab")  # kind: the first kind (written questions) stays chosen
    expect(page.locator("#kind")).to_be_focused()
    keyboard.press("Tab")
    expect(page.locator("#subject")).to_be_focused()
    keyboard.type("Vragen over de bewaking van de kust")
    keyboard.press("Tab")
    expect(page.locator("#received_on")).to_be_focused()
    keyboard.type("1-12-2026")

    # the members combobox: the select is hidden behind it, its label names the new input
    combobox = page.locator("#member_ids-combobox")
    expect(page.locator("#member_ids")).to_be_hidden()
    expect(page.locator("label[for='member_ids-combobox']")).to_have_count(1)
    combobox.focus()
    expect(combobox).to_have_attribute("role", "combobox")
    expect(combobox).to_have_attribute("aria-expanded", "false")

    keyboard.type("ellia")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    listbox = page.locator("#member_ids-listbox")
    # one match, then the offer to add the name as typed
    expect(listbox.locator("[role=option]")).to_have_count(2)
    expect(listbox.locator("[role=option]").first).to_have_text("Ellian (VVD)")
    keyboard.press("ArrowDown")
    active = combobox.get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    keyboard.press("Enter")  # takes the option; does not submit the form
    expect(page).to_have_url(re.compile(r"/cases/new$"))
    chips = page.locator("#member_ids-chips .chip")
    expect(chips).to_have_count(1)
    expect(chips.first).to_contain_text("Ellian (VVD)")
    expect(combobox).to_have_value("")
    expect(combobox).to_be_focused()

    # a second name; a typo is taken back with Backspace: the last chip's remove button
    keyboard.type("wilders")
    keyboard.press("ArrowDown")
    keyboard.press("Enter")
    expect(chips).to_have_count(2)
    keyboard.press("Backspace")
    remove = page.locator("#member_ids-chips .chip").last.locator("button")
    expect(remove).to_be_focused()
    expect(remove).to_have_attribute("aria-label", re.compile("Wilders"))
    keyboard.press("Enter")
    expect(chips).to_have_count(1)
    expect(combobox).to_be_focused()
    keyboard.type("nispen")
    keyboard.press("ArrowDown")
    keyboard.press("Enter")
    expect(chips).to_have_count(2)

    # a member the tracker does not know yet, added as typed
    keyboard.type("Bruinsma (NSC)")
    expect(listbox.locator(".combobox-new")).to_have_count(1)
    keyboard.press("ArrowUp")  # the last option: "add as typed"
    keyboard.press("Enter")
    expect(chips).to_have_count(3)
    expect(page.locator("#new_members")).to_have_value("Bruinsma (NSC)")
    # the combobox, open with its options and with chips, passes axe as well
    keyboard.type("van")
    expect(combobox).to_have_attribute("aria-expanded", "true")
    assert axe_violations(page) == []
    keyboard.press("Escape")
    expect(combobox).to_have_attribute("aria-expanded", "false")
    keyboard.press("Escape")  # a second Escape empties what was typed
    expect(combobox).to_have_value("")

    # Enter in the (closed) combobox submits the form, as in any text field
    keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/cases/2021Z20040$"))
    stored = _stored(live_server, "2021Z20040")
    assert stored is not None
    assert stored["received_on"] == dt.date(2026, 12, 1)
    assert stored["members"] == ["Bruinsma (NSC)", "Ellian (VVD)", "Van Nispen (SP)"]
    expect(page.locator("dl.facts")).to_contain_text("dinsdag 1 december")  # this year: the year is left out


def test_members_field_works_without_javascript(chromium: Any, live_server: Any) -> None:
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/login")
        page.fill("#username", "registrar")
        page.fill("#password", DEMO_PASSWORD)
        page.click("form button[type=submit].primary")
        page.goto("/cases/new")
        expect(page.locator("select#member_ids")).to_be_visible()
        expect(page.locator("#new_members")).to_be_visible()
        page.fill("#reference", "2021Z20041")
        page.fill("#subject", "Zonder JavaScript")
        page.fill("#received_on", "2-12-2026")
        page.select_option("#member_ids", label=["Podt (D66)", "Kuik (CDA)"])
        page.fill("#new_members", "Nieuw Lid (XYZ)")
        page.click("form.case-form button[type=submit]")
        expect(page).to_have_url(re.compile(r"/cases/2021Z20041$"))
    finally:
        context.close()
    stored = _stored(live_server, "2021Z20041")
    assert stored["members"] == ["Kuik (CDA)", "Nieuw Lid (XYZ)", "Podt (D66)"]
    assert stored["received_on"] == dt.date(2026, 12, 2)


def test_committee_combobox_chooses_one(page: Any, log_in: Any) -> None:
    log_in("registrar")
    page.goto("/cases/new")
    combobox = page.locator("#committee_id-combobox")
    combobox.focus()
    page.keyboard.type("justitie")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    value = page.locator("#committee_id").input_value()
    assert value not in ("", "None")
    expect(combobox).to_have_value(re.compile("Justitie"))


def test_session_warning_and_stay_signed_in(page: Any, log_in: Any, live_server: Any) -> None:
    lifetime = live_server.app.config["WTF_CSRF_TIME_LIMIT"]
    warn = live_server.app.config["SESSION_WARNING_SECONDS"]
    log_in("registrar")
    page.clock.install()
    page.goto("/cases/new")
    warning = page.locator("#session-warning")
    expect(warning).to_be_hidden()
    old_token = page.locator("form.case-form input[name=csrf_token]").input_value()
    page.fill("#reference", "2021Z20042")
    page.fill("#subject", "Sessie verlengd")
    page.fill("#received_on", "3-12-2026")

    page.clock.fast_forward((lifetime - warn + 5) * 1000)
    expect(warning).to_be_visible()
    expect(page.locator("#session-warning-text")).to_have_attribute("role", "alert")
    expect(page.locator("#session-warning-text")).to_contain_text("5 minuten")
    button = page.locator("#session-keepalive")
    button.focus()
    page.wait_for_timeout(1100)  # a token made in a later second differs from the page's
    with page.expect_response(lambda r: r.url.endswith("/session/keepalive")) as answer:
        page.keyboard.press("Enter")
    assert answer.value.status == 200
    expect(page.locator("#session-warning-text")).to_contain_text("verlengd")
    new_token = page.locator("form.case-form input[name=csrf_token]").input_value()
    assert new_token and new_token != old_token
    page.click("form.case-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/cases/2021Z20042$"))


def test_session_warning_says_when_it_ended(page: Any, log_in: Any, live_server: Any) -> None:
    log_in("registrar")
    page.clock.install()
    page.goto("/cases/new")
    page.clock.fast_forward((live_server.app.config["WTF_CSRF_TIME_LIMIT"] + 60) * 1000)
    expect(page.locator("#session-warning")).to_be_visible()
    expect(page.locator("#session-warning-text")).to_contain_text("verlopen")
    expect(page.locator("#session-keepalive")).to_be_hidden()


def test_error_summary_takes_the_focus_and_the_title_says_error(page: Any, log_in: Any) -> None:
    log_in("registrar")
    page.goto("/cases/new")
    page.fill("#received_on", "31-02-2026")
    page.click("form.case-form button[type=submit]")
    expect(page.locator(".error-summary")).to_be_focused()
    assert page.title().startswith("Fout: ")
    expect(page.locator("#received_on")).to_have_value("31-02-2026")


def test_character_count_updates(page: Any, log_in: Any) -> None:
    log_in("registrar")
    page.goto("/cases/new")
    count = page.locator("#reference-count")
    expect(count).to_contain_text("40")
    page.fill("#reference", "x" * 45)
    expect(count).to_contain_text("5 tekens te veel")
    expect(count).to_have_attribute("aria-live", "polite")


def test_refused_new_member_stays_in_view_with_its_error(page: Any, log_in: Any) -> None:
    log_in("registrar")
    page.goto("/cases/new")
    page.fill("#reference", "2021Z20043")
    page.fill("#subject", "Te lange naam")
    page.fill("#received_on", "4-12-2026")
    combobox = page.locator("#member_ids-combobox")
    combobox.focus()
    page.keyboard.type("Y" * 201)
    page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # submits
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#new_members-error")).to_be_visible()
    expect(page.locator("#new_members")).to_be_visible()
    expect(page.locator("#new_members")).to_have_value("Y" * 201)
    page.locator(".error-summary a[href='#new_members']").click()
    expect(page.locator("#new_members")).to_be_focused()
