"""Accessibility in a real browser, with the app's Content-Security-Policy left on.

* axe-core (tests/browser/axe.py) checks every main page against WCAG 2.0/2.1 A and AA, in Dutch
  and in English, at desktop width and at 320 CSS px: zero violations.
* Reflow (WCAG 1.4.10): at 320 CSS px no page scrolls sideways (document scrollWidth <= 320).

One logged-in browser context per language is reused for every page (module-scoped).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.browser.axe import axe_violations
from tests.browser.conftest import DEMO_PASSWORD, require_browser

require_browser()

pytestmark = pytest.mark.browser

SEED_REFERENCE = "2021Z19601"

#: the main pages, as the admin (who may see every one) opens them
MAIN_PAGES = {
    "my-work": "/me/worklist",
    "cases": "/cases",
    "case": f"/cases/{SEED_REFERENCE}",
    "new-case": "/cases/new",
    "edit-case": f"/cases/{SEED_REFERENCE}/edit",
    "letter": "letter",  # the first letter of the demo, looked up
    "calendar": "/calendar",
    "calendar-agenda": "/calendar?view=agenda",
    "dashboard": "/dashboard",
    "approvals": "/approvals",
    "letters": "/letters",
    "notifications": "/notifications",
    "account": "/account",
    "admin": "/admin",
    "admin-users": "/admin/users",
    "admin-members": "/admin/members",
    "admin-new-user": "/admin/users/new",
    "admin-events": "/admin/deadlines/events",
    "admin-days-off": "/admin/deadlines/days-off",
    "letter-templates": "/letter-templates",
    "outbox": "/admin/outbox",
    "verify": "/verify",
    "retention": "/retention",
    "woo-exports": "/woo/exports",
}


def _path(live_server: Any, name: str) -> str:
    if MAIN_PAGES[name] != "letter":
        return MAIN_PAGES[name]
    from parliament_tracker.extensions import db
    from parliament_tracker.letters.models import Letter

    with live_server.app.app_context():
        letter_id = db.session.scalar(db.select(Letter.id).order_by(Letter.id))
        db.session.remove()
    return f"/letters/{letter_id}"


def _open_case(live_server: Any) -> str:
    """The reference of the demo's first open case."""
    from parliament_tracker.cases.models import Case
    from parliament_tracker.cases.workflow import CaseStatus
    from parliament_tracker.extensions import db

    with live_server.app.app_context():
        cases = db.session.scalars(db.select(Case).where(Case.status == CaseStatus.drafting).order_by(Case.id))
        reference = next(case.reference for case in cases)
        db.session.remove()
    return reference


def _reset_locale(live_server: Any, username: str) -> None:
    """Demo users follow the ``lang`` cookie only while their account names no language."""
    from parliament_tracker.auth.models import User
    from parliament_tracker.extensions import db

    with live_server.app.app_context():
        user = db.session.scalar(db.select(User).where(User.username == username))
        user.locale = None
        db.session.commit()
        db.session.remove()


@pytest.fixture(scope="module")
def sessions(chromium: Any, live_server: Any) -> Iterator[dict[str, Any]]:
    """A logged-in admin page per language (and an anonymous one per language for the login page)."""
    for username in ("admin", "registrar", "drafter"):
        _reset_locale(live_server, username)
    contexts = []
    pages: dict[str, Any] = {}
    host = live_server.url.split("//", 1)[1].split(":")[0]
    for lang in ("nl", "en"):
        for who in ("admin", "registrar", "drafter", None):
            context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
            context.set_default_timeout(15_000)
            context.add_cookies([{"name": "lang", "value": lang, "domain": host, "path": "/"}])
            page = context.new_page()
            if who:
                page.goto("/login")
                page.fill("#username", who)
                page.fill("#password", DEMO_PASSWORD)
                page.click("form button[type=submit].primary")
                page.wait_for_url(lambda url: "/login" not in url)
            contexts.append(context)
            pages[f"{lang}-{who or 'anonymous'}"] = page
    try:
        yield pages
    finally:
        for context in contexts:
            context.close()


def _open(page: Any, path: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(path)
    assert response is not None and response.status == 200, f"{path}: HTTP {response.status if response else '?'}"
    assert "'unsafe-inline'" not in (response.headers.get("content-security-policy") or "")


def _check_lang(page: Any, lang: str) -> None:
    assert page.evaluate("document.documentElement.lang") == lang


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", list(MAIN_PAGES))
def test_axe_finds_no_violations(sessions: dict[str, Any], live_server: Any, name: str, lang: str, width: int) -> None:
    page = sessions[f"{lang}-admin"]
    path = _path(live_server, name)
    _open(page, path, width)
    _check_lang(page, lang)
    violations = axe_violations(page)
    assert violations == [], f"{path} ({lang}, {width}px):\n" + json.dumps(violations, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
@pytest.mark.parametrize("lang", ["nl", "en"])
def test_axe_login_page(sessions: dict[str, Any], lang: str, width: int) -> None:
    page = sessions[f"{lang}-anonymous"]
    _open(page, "/login", width)
    _check_lang(page, lang)
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("who", ["registrar", "drafter"])
def test_axe_my_work_of_other_roles(sessions: dict[str, Any], who: str, lang: str, width: int) -> None:
    """Each role's own start page, with its own work on it."""
    page = sessions[f"{lang}-{who}"]
    _open(page, "/me/worklist", width)
    _check_lang(page, lang)
    assert page.locator("main table").count() > 0, "nothing on the worklist to check"
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations, indent=2, ensure_ascii=False)
    if width == 320:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320


def _overflow(page: Any) -> dict[str, Any]:
    """The page's width and the elements sticking out past the viewport (for the message)."""
    return page.evaluate(
        """() => {
          const width = document.documentElement.clientWidth;
          const wide = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.right > width + 1 && r.width > 0 && !(el.parentElement && el.parentElement.closest('.table-scroll'))) {
              wide.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '') + ' right=' + Math.round(r.right));
            }
          }
          return {scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 8)};
        }"""
    )


@pytest.mark.parametrize("name", [*MAIN_PAGES, "login"])
def test_no_sideways_scrolling_at_320px(sessions: dict[str, Any], live_server: Any, name: str) -> None:
    page = sessions["nl-anonymous" if name == "login" else "nl-admin"]
    _open(page, "/login" if name == "login" else _path(live_server, name), 320)
    found = _overflow(page)
    assert found["scrollWidth"] <= 320, found
    # the menu collapses behind its button and opens by keyboard
    if name != "login":
        toggle = page.locator(".menu-toggle")
        assert toggle.is_visible()
        assert not page.locator("#main-menu").is_visible()
        toggle.focus()
        page.keyboard.press("Enter")
        assert page.locator("#main-menu").is_visible()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_wide_tables_scroll_in_their_own_labelled_region(sessions: dict[str, Any]) -> None:
    page = sessions["nl-admin"]
    _open(page, "/cases", 320)
    region = page.locator(".table-scroll").first
    assert region.get_attribute("tabindex") == "0"
    assert region.get_attribute("role") == "region"
    assert region.get_attribute("aria-label") or region.get_attribute("aria-labelledby")
    assert page.evaluate("(el) => el.scrollWidth > el.clientWidth", region.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    # scrolled by keyboard: focus the region, arrow right
    region.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.wait_for_function("(el) => el.scrollLeft > 0", arg=region.element_handle())
    # where a table fits, its region leaves the tab order (and comes back when it no longer fits)
    _open(page, "/admin/deadlines/days-off", 1280)
    page.wait_for_function(
        "() => [...document.querySelectorAll('.table-scroll')].every("
        "r => r.hasAttribute('tabindex') === (r.scrollWidth > r.clientWidth + 1))"
    )
    assert page.locator(".table-scroll:not([tabindex])").count() > 0


def test_axe_runs_under_the_csp_and_reports_what_it_finds(sessions: dict[str, Any]) -> None:
    """The harness itself: under the app's CSP axe loads and a field without a label is reported."""
    page = sessions["nl-anonymous"]
    _open(page, "/login", 1280)
    page.evaluate("document.querySelector('main').appendChild(document.createElement('input'))")
    assert "label" in {v["id"] for v in axe_violations(page)}


@pytest.mark.parametrize("width", [1280, 320], ids=["desktop", "320px"])
def test_closing_confirmation_page(sessions: dict[str, Any], live_server: Any, width: int) -> None:
    """Withdrawing a case asks first, on a page of its own; going back changes nothing."""
    page = sessions["nl-admin"]
    reference = _open_case(live_server)  # the seed case is answered (history): an open one
    _open(page, f"/cases/{reference}", width)
    status = page.locator("h1 .status").inner_text()
    page.locator(".status-form button[name=target][value=withdrawn]").click()
    page.wait_for_selector("form.confirm-form")
    assert page.title().startswith("De status van")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("form.confirm-form a").click()
    page.wait_for_url(f"**/cases/{reference}")
    assert page.locator("h1 .status").inner_text() == status
