"""Walk the main pages as each role over the demo data, for checks that look at every page
(one language at a time, forms marked): the pages, their visible text and their forms."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

#: pages every role opens (those a role may not see answer 403 and are left out)
MAIN_PAGES = [
    "/me/worklist", "/cases", "/cases?state=open&sort=due", "/cases/2021Z19601", "/cases/2021Z19241", "/cases/new",
    "/cases/2021Z19601/edit", "/cases/2021Z19601/contributions/new", "/calendar", "/calendar?view=week",
    "/calendar?view=agenda", "/dashboard", "/approvals", "/letters", "{letter}", "{letter}/edit", "/notifications",
    "/notifications/preferences", "/account", "/admin", "/admin/users", "/admin/members", "/admin/users/new",
    "/admin/deadlines/events", "/admin/deadlines/days-off", "/admin/deadlines/settings", "/letter-templates",
    "/admin/outbox", "/admin/jobs", "/admin/tk", "/verify",
]
ROLES = ["registrar", "drafter", "director", "signatory_office", "admin", "viewer"]


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    form_method: str


@dataclass
class Page:
    path: str
    role: str
    html: str
    #: visible text pieces (text nodes; aria-label, title, placeholder, alt), whitespace collapsed
    texts: list[str] = field(default_factory=list)
    controls: list[Control] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)


class _Reader(HTMLParser):
    SKIP = {"script", "style", "textarea", "code", "pre"}

    def __init__(self, page: Page) -> None:
        super().__init__(convert_charrefs=True)
        self.page = page
        self.skip = 0
        self.form_method = ""
        self.label_for: str | None = None
        self.label_text: list[str] = []

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v or "" for k, v in attrs_list}
        if tag in self.SKIP:
            self.skip += 1
        if tag == "form":
            self.form_method = attrs.get("method", "get").lower()
        if tag == "label" and attrs.get("for"):
            self.label_for, self.label_text = attrs["for"], []
        if tag in ("input", "select", "textarea"):
            self.page.controls.append(Control(tag, attrs, self.form_method))
        for name in ("aria-label", "title", "placeholder", "alt"):
            if attrs.get(name):
                self._text(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self._text(attrs["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skip:
            self.skip -= 1
        if tag == "form":
            self.form_method = ""
        if tag == "label" and self.label_for:
            self.page.labels[self.label_for] = " ".join(" ".join(self.label_text).split())
            self.label_for = None

    def handle_data(self, data: str) -> None:
        if self.label_for is not None:
            self.label_text.append(data)
        if not self.skip:
            self._text(data)

    def _text(self, text: str) -> None:
        text = " ".join(text.split())
        if text:
            self.page.texts.append(text)


def read(path: str, role: str, html: str) -> Page:
    page = Page(path, role, html)
    main = re.search(r"<body.*</body>", html, re.S)
    _Reader(page).feed(main.group(0) if main else html)
    return page


def first_letter_path(db: Any) -> str:
    """The demo's first draft letter: its page and its editor open for those who may edit (the
    2021 seed letter is sent, so its editor answers 409)."""
    from parliament_tracker.letters.models import Letter, LetterStatus

    draft = db.session.scalar(db.select(Letter.id).where(Letter.status == LetterStatus.draft).order_by(Letter.id))
    return f"/letters/{draft}"


def walk(client: Any, login: Any, db: Any, lang: str, roles: list[str] | None = None) -> Iterator[Page]:
    """Every main page each role may open, in ``lang``; then the login page."""
    letter = first_letter_path(db)
    for role in roles or ROLES:
        browser = login(role)
        if lang != "nl":
            browser.post(f"/language/{lang}", {"next": "/cases"}, token_from="/cases")
        for template in MAIN_PAGES:
            path = template.format(letter=letter)
            response = browser.get(path)
            if response.status_code in (403, 404):
                continue
            assert response.status_code == 200, (role, path, response.status_code)
            yield read(path, role, response.text)
        browser.post("/logout", token_from="/cases")
    client.set_cookie("lang", lang)
    yield read("/login", "anonymous", client.get("/login").text)
