"""Mijn werk: the page each user lands on, per role, and the same in the API; the user's
notifications in the API. 'Today' is frozen in November 2021 (the demo's dates)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.models import Letter, LetterKind
from parliament_tracker.notifications.models import Notification, NotificationKind

MONDAY_22_NOV = dt.datetime(2021, 11, 22, 9, 0, tzinfo=dt.UTC)
SEED = "2021Z19241"


def post(client, url, headers, json=None):
    return client.post(url, headers=headers, json=json if json is not None else {})


def section(body: dict, key: str) -> dict:
    return next(s for s in body["sections"] if s["key"] == key)


@pytest.fixture
def letter_id(app, seed_draft, users):
    with app.app_context():
        case = _db.session.scalar(sa.select(Case).where(Case.reference == SEED))
        _db.session.get(User, users["director"].id).directorate_id = case.lead_directorate_id
        letter = _db.session.scalar(sa.select(Letter).where(Letter.kind == LetterKind.kamerbrief).order_by(Letter.id))
        letter_services.generate_version(letter, actor=_db.session.get(User, users["drafter"].id))
        _db.session.commit()
        return letter.id


def test_login_lands_on_my_work(client, users):
    from tests.conftest import PASSWORD, csrf_token

    response = client.post("/login", data={"username": "drafter", "password": PASSWORD, "csrf_token": csrf_token(client)})
    assert response.headers["Location"].endswith("/me/worklist")
    assert client.get("/").headers["Location"].endswith("/me/worklist")


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_role_has_a_worklist(login, seed_draft, role):
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        page = login(role).get("/me/worklist")
    assert page.status_code == 200
    assert "<h1>Mijn werk</h1>" in page.text and 'aria-current="page">Mijn werk' in page.text
    assert page.text.count('<section class="worklist"') >= 2


def test_drafter_sees_my_cases_by_due_date_with_the_next_step(login, seed_draft, api_token, client):
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        body = client.get("/api/v1/me/worklist", headers=api_token("drafter")).json
        page = login("drafter").get("/me/worklist").text
    mine = section(body, "my_cases")
    dates = [i["due_on"] for i in mine["items"] if i["due_on"]]
    assert mine["total"] >= 2 and dates == sorted(dates)
    seed_item = next(i for i in mine["items"] if i["reference"] == SEED)
    assert seed_item["url"] == f"/cases/{SEED}"
    # The seed case is drafting; its next step not done is the draft (or a later one), dated.
    assert seed_item["step"] and seed_item["step_due_on"]
    assert f'href="/cases/{SEED}"' in page and seed_item["step"] in page


def test_the_chain_moves_the_letter_from_list_to_list(app, client, seed_draft, users, letter_id, api_token):
    url = f"/api/v1/letters/{letter_id}"

    def worklist(role: str) -> dict:
        with time_machine.travel(MONDAY_22_NOV, tick=False):
            return client.get("/api/v1/me/worklist", headers=api_token(role)).json

    assert section(worklist("director"), "awaiting_approval")["items"] == []
    post(client, url + "/submit", api_token("drafter"), {"approvers": ["director"]})
    waiting = section(worklist("director"), "awaiting_approval")
    assert [i["url"] for i in waiting["items"]] == [f"/letters/{letter_id}"]
    post(client, url + "/request-changes", api_token("director"), {"comment": "Kort antwoord op vraag 3."})
    back = section(worklist("drafter"), "sent_back")
    assert [(i["url"], i["note"]) for i in back["items"]] == [(f"/letters/{letter_id}", "Kort antwoord op vraag 3.")]
    post(client, url + "/submit", api_token("drafter"), {"approvers": ["director"]})
    assert section(worklist("drafter"), "sent_back")["items"] == []  # handled by resubmitting
    post(client, url + "/approve", api_token("director"))
    assert [i["url"] for i in section(worklist("signatory_office"), "to_sign")["items"]] == [f"/letters/{letter_id}"]
    post(client, url + "/sign", api_token("signatory_office"))
    assert section(worklist("signatory_office"), "to_sign")["items"] == []
    assert [i["url"] for i in section(worklist("registrar"), "to_send")["items"]] == [f"/letters/{letter_id}"]


def test_director_worklist_matches_the_approvals_page(app, client, seed_draft, users, letter_id, api_token, login):
    post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director", "admin"]})
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        browser = login("director")
        approvals = browser.get("/approvals").text
        mine = browser.get("/me/worklist").text
    listed = set(re.findall(r'href="/letters/(\d+)[#"]', approvals))
    waiting = mine.split('id="awaiting_approval"', 1)[1].split("</section>", 1)[0]
    assert listed == set(re.findall(r'href="/letters/(\d+)"', waiting)) == {str(letter_id)}


def test_registrar_and_director_sections(client, seed_draft, api_token):
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        registrar = client.get("/api/v1/me/worklist", headers=api_token("registrar")).json
        viewer = client.get("/api/v1/me/worklist", headers=api_token("viewer")).json
    assert [s["key"] for s in registrar["sections"]] == ["new_from_kamer", "not_assigned", "to_send", "overdue", "monday_list"]
    assert [s["key"] for s in viewer["sections"]] == ["overdue", "due_this_week"]
    overdue = section(registrar, "overdue")
    assert all(i["due_on"] < "2021-11-22" for i in overdue["items"]) and overdue["total"] >= len(overdue["items"])


def test_my_notifications_in_the_api(app, client, seed_draft, users, letter_id, api_token):
    post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    headers = api_token("director")
    body = client.get("/api/v1/me/notifications", headers=headers).json
    [item] = [i for i in body["items"] if i["kind"] == NotificationKind.approval_requested.value]
    assert body["unread"] >= 1 and item["url"].endswith(f"/letters/{letter_id}") and item["read_at"] is None
    read = post(client, f"/api/v1/me/notifications/{item['id']}/read", headers)
    assert read.status_code == 200 and read.json["read_at"]
    assert client.get("/api/v1/me/notifications", headers=headers).json["unread"] == body["unread"] - 1
    # someone else's notification is not mine to read
    with app.app_context():
        other = _db.session.scalar(sa.select(Notification.id).where(Notification.user_id != users["director"].id))
    assert post(client, f"/api/v1/me/notifications/{other}/read", headers).status_code == 404
    assert post(client, "/api/v1/me/notifications/read", headers).json["unread"] == 0
    assert client.get("/api/v1/me/notifications?limit=0", headers=headers).status_code == 422
    doc = client.get("/api/v1/openapi.json").json
    assert {"/me/worklist", "/me/notifications", "/me/notifications/{notification_id}/read"} <= set(doc["paths"])

