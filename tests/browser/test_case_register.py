"""End to end in a real browser: log in, register written questions, link, search, duplicates.

Elements are found by their ``id``/``name`` attributes, never by visible text: the UI is Dutch by
default and its translations change, the form field names do not.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import require_browser

require_browser()

from playwright.sync_api import expect  # noqa: E402

pytestmark = pytest.mark.browser

SCREENSHOT = "/tmp/browser-case.png"
NEW_REFERENCE = "2021Z20001"
SEED_REFERENCE = "2021Z19601"
SUBJECT_WORD = "zeewierkwekerijen"
QUESTIONS = """1. Bent u bekend met het bericht over de vergunningverlening aan zeewierkwekerijen in de Noordzee?

2. Hoeveel aanvragen zijn er sinds 2019 ingediend, en hoeveel daarvan zijn toegekend?

3. Bent u bereid de Kamer vóór 1 januari 2022 te informeren over de uitkomsten?"""


def _case_path(reference: str) -> re.Pattern[str]:
    return re.compile(rf"/cases/{reference}(#.*)?$")


def _register(page: Any, reference: str, subject: str) -> None:
    page.goto("/cases/new")
    page.fill("#reference", reference)
    page.select_option("#kind", "written_questions")
    page.fill("#subject", subject)
    page.fill("#received_on", "2021-11-23")
    page.fill("#questions_text", QUESTIONS)
    page.click("form.case-form button[type=submit]")
    # a date received over a year ago is asked about first; "Toch opslaan" keeps what was typed
    expect(page.locator(".date-warning")).to_be_focused()
    expect(page.locator("#subject")).to_have_value(subject)
    violations = axe_violations(page)
    assert violations == [], violations
    page.click("form.case-form button[name=confirmed_received_on]")


def test_register_link_search_and_duplicate(page: Any, log_in: Any) -> None:
    log_in("registrar")
    expect(page).to_have_url(re.compile(r"/me/worklist"))  # everyone lands on Mijn werk

    # Register: the reference typed in lower case with spaces around it is normalised.
    _register(page, " 2021z20001 ", f"Vragen over de vergunningen voor {SUBJECT_WORD} in de Noordzee")
    expect(page).to_have_url(_case_path(NEW_REFERENCE))
    expect(page.locator("h1 .reference")).to_have_text(NEW_REFERENCE)
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#questions ol.questions > li")).to_have_count(3)
    expect(page.locator("#q-3-text")).to_have_value(re.compile(r"^Bent u bereid de Kamer"))

    # Link it to the seed case as "related" (LinkType.related, "Related to").
    page.fill("form.link-form [name=reference]", SEED_REFERENCE.lower())
    page.select_option("form.link-form [name=link_type]", "related")
    page.click("form.link-form button[type=submit]")
    expect(page).to_have_url(_case_path(NEW_REFERENCE))
    expect(page.locator(f"#links ul.links a[href$='/cases/{SEED_REFERENCE}']")).to_be_visible()

    # ... and the link shows on the other case too.
    page.goto(f"/cases/{SEED_REFERENCE}")
    expect(page.locator(f"#links ul.links a[href$='/cases/{NEW_REFERENCE}']")).to_be_visible()

    # Search by the exact reference: straight to the case.
    page.goto("/cases")
    page.fill("#q", NEW_REFERENCE)
    page.press("#q", "Enter")
    expect(page).to_have_url(_case_path(NEW_REFERENCE))

    # Search by a word of the subject: the list shows it (and only it).
    page.goto("/cases")
    page.fill("#q", SUBJECT_WORD)
    page.press("#q", "Enter")
    expect(page).to_have_url(re.compile(r"/cases\?.*q=" + SUBJECT_WORD))
    rows = page.locator("table.cases tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.locator(f"a[href$='/cases/{NEW_REFERENCE}']")).to_be_visible()

    # Registering it again keeps the form as typed, links the existing case and saves nothing new.
    _register(page, " 2021 z 20001 ", "Dubbel geregistreerd")
    expect(page).to_have_url(re.compile(r"/cases/new$"))
    expect(page.locator("#subject")).to_have_value("Dubbel geregistreerd")
    expect(page.locator("#questions_text")).to_have_value(QUESTIONS)
    expect(page.locator("#reference-error")).to_be_visible()
    expect(page.locator("a.existing-case-link")).to_have_attribute("href", f"/cases/{NEW_REFERENCE}")
    page.goto(f"/cases/{NEW_REFERENCE}")
    expect(page.locator("p.subject")).to_contain_text(SUBJECT_WORD)
    expect(page.locator("#questions ol.questions > li")).to_have_count(3)

    page.goto(f"/cases/{NEW_REFERENCE}")
    page.screenshot(path=SCREENSHOT, full_page=True)


def test_wrong_password_stays_on_login(page: Any, live_server: Any) -> None:
    page.goto("/login")
    page.fill("#username", "registrar")
    page.fill("#password", "not-the-password")
    page.click("form button[type=submit].primary")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("#password")).to_have_value("")


def test_keyboard_skip_link_comes_first(page: Any, log_in: Any) -> None:
    for path in ("/login", None):
        if path is None:
            log_in("viewer")
            page.goto(f"/cases/{SEED_REFERENCE}")
        else:
            page.goto(path)
        page.locator("body").focus()
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        expect(focused).to_have_class(re.compile(r"\bskip-link\b"))
        expect(focused).to_have_attribute("href", "#main")
        expect(focused).to_be_visible()  # it shows itself when focused
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
