"""Where each role lands after logging in: its own "Mijn werk" (the sections of that role), and
the page it asked for when the login came from one (``next=``), never another site."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from parliament_tracker.auth.roles import Role
from tests.conftest import Browser

#: each role's start page: the sections of its Mijn werk, in order (worklist.queries.for_user)
START_SECTIONS = {
    Role.registrar: ["new_from_kamer", "not_assigned", "to_send", "overdue", "monday_list"],
    Role.drafter: ["my_cases", "questions_assigned", "sent_back", "contributions_asked", "contributions_back"],
    Role.director: ["awaiting_approval", "overdue", "due_this_week", "directorate_contributions", "my_cases",
                    "contributions_back"],
    Role.signatory_office: ["to_sign", "to_send"],
    Role.admin: ["awaiting_approval", "not_assigned", "overdue", "due_this_week", "to_sign", "to_send"],
    Role.viewer: ["overdue", "due_this_week"],
    # the archivist's own work (destruction lists) is on the retention page; Mijn werk is the overview
    Role.archivist: ["overdue", "due_this_week"],
}
ROLES = list(Role)


def _path(response) -> str:
    return urlsplit(response.headers["Location"]).path


def test_every_role_has_a_start_page():
    assert set(START_SECTIONS) == set(Role)


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_each_role_lands_on_its_own_start_page(client, users, role):
    browser = Browser(client)
    response = browser.login(users[role.value].username)
    assert response.status_code == 302 and _path(response) == "/me/worklist"
    page = browser.get("/me/worklist")
    assert page.status_code == 200 and "<h1>Mijn werk</h1>" in page.text
    assert re.findall(r'<section class="worklist" id="([a-z_]+)"', page.text) == START_SECTIONS[role]
    # The home page and the login page, once logged in, lead there too.
    assert _path(browser.get("/")) == "/me/worklist"
    assert _path(browser.get("/login")) == "/me/worklist"


@pytest.mark.parametrize("role", ROLES, ids=[r.value for r in ROLES])
def test_the_page_asked_for_wins_over_the_start_page(client, users, role):
    asked = client.get("/calendar?view=agenda")
    assert asked.status_code in (302, 303)
    login_url = asked.headers["Location"]
    assert _path(asked) == "/login" and "next=" in login_url
    from tests.conftest import PASSWORD, csrf_token

    token = csrf_token(client, login_url)
    response = client.post(login_url, data={"username": users[role.value].username, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/calendar?view=agenda")
    assert client.get("/calendar?view=agenda").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/x", "//evil.example/x", "http:/evil.example"])
def test_next_to_another_site_lands_on_the_start_page(client, users, target):
    from tests.conftest import PASSWORD, csrf_token

    token = csrf_token(client)
    response = client.post("/login", query_string={"next": target},
                           data={"username": "viewer", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302 and _path(response) == "/me/worklist"
    assert "evil" not in response.headers["Location"]
