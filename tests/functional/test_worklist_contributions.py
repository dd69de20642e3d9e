"""Contributions in Mijn werk (the drafter asked, the drafter who asked, the director of the
directorate asked) and the contributions API (list, ask, answer), with the same service calls
as the pages. 'Today' is frozen in November 2021 (the seed case's dates)."""

from __future__ import annotations

import base64
import datetime as dt

import sqlalchemy as sa
import time_machine

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate
from tests import factories

MONDAY_22_NOV = dt.datetime(2021, 11, 22, 9, 0, tzinfo=dt.UTC)
THURSDAY_2_DEC = dt.datetime(2021, 12, 2, 9, 0, tzinfo=dt.UTC)
REF = factories.SEED_WRITTEN
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _people(app, make_user) -> dict[str, int]:
    """DGSenB with a drafter and a director; the conftest director leads DGMI."""
    with app.app_context():
        dgsenb = factories.directorate("DGSenB")
        dgmi = factories.directorate("DGMI")
        db.session.commit()
        ids = {"dgsenb": dgsenb.id, "dgmi": dgmi.id}
    ids["drafter2"] = make_user(Role.drafter, "drafter2", directorate=dgsenb).id
    ids["director2"] = make_user(Role.director, "director2", directorate=dgsenb).id
    return ids


def _worklist(client, headers, when=MONDAY_22_NOV) -> dict:
    with time_machine.travel(when, tick=False):
        body = client.get("/api/v1/me/worklist", headers=headers).json
    return {s["key"]: s for s in body["sections"]}


def _token(app, user_id: int) -> dict[str, str]:
    from parliament_tracker.auth.services import issue_token

    with app.app_context():
        token = issue_token(db.session.get(User, user_id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def test_asked_answered_and_back_through_the_api_and_the_worklists(app, client, seed_case, users, make_user, api_token, login):
    ids = _people(app, make_user)
    drafter, drafter2, director2 = api_token("drafter"), _token(app, ids["drafter2"]), _token(app, ids["director2"])

    with time_machine.travel(MONDAY_22_NOV, tick=False):
        asked = client.post(
            f"/api/v1/cases/{REF}/contributions", headers=drafter,
            json={"directorate": "DGSenB", "questions": [3, 2], "due_on": "2021-11-26", "request_text": "Graag een tekst voor vraag 2 en 3."},
        )
        to_person = client.post(
            f"/api/v1/cases/{REF}/contributions", headers=drafter,
            json={"user": "drafter2", "request_text": "Cijfers over 2020.", "due_on": "2021-11-30"},
        )
    assert asked.status_code == 201, asked.json
    assert asked.json["questions"] == [2, 3] and asked.json["directorate"] == "DGSenB" and asked.json["state"] == "asked"
    assert to_person.status_code == 201 and (to_person.json["directorate"], to_person.json["user"]) == ("DGSenB", "drafter2")
    first, second = asked.json["id"], to_person.json["id"]

    listed = client.get(f"/api/v1/cases/{REF}/contributions", headers=api_token("viewer"))
    assert [c["id"] for c in listed.json["items"]] == [first, second]

    # The drafter asked sees both (one of the directorate, one of them), due first first; the
    # other drafter of DGMI sees neither; the director of DGSenB sees both.
    mine = _worklist(client, drafter2)["contributions_asked"]
    assert [i["url"] for i in mine["items"]] == [f"/contributions/{first}", f"/contributions/{second}"]
    assert mine["items"][0]["kind"] == "contribution" and mine["items"][0]["due_on"] == "2021-11-26"
    assert _worklist(client, drafter)["contributions_asked"]["items"] == []
    theirs = _worklist(client, director2)["directorate_contributions"]
    assert (theirs["total"], [i["url"] for i in theirs["items"]]) == (2, [f"/contributions/{first}", f"/contributions/{second}"])
    # a week later the first is overdue: said in words, still listed first
    later = _worklist(client, director2, THURSDAY_2_DEC)["directorate_contributions"]
    assert [i["status"] for i in later["items"]] == ["Te laat", "Te laat"]
    with time_machine.travel(THURSDAY_2_DEC, tick=False):
        page = login("drafter").client.get("/me/worklist")
    assert page.status_code == 200

    # Answering: the drafter who asked may not; a bad body is refused with its fields; then the
    # drafter of DGSenB answers with a text and a file.
    refused = client.post(f"/api/v1/contributions/{first}/answer", headers=drafter, json={"text": "x"})
    assert refused.status_code == 403
    bad = client.post(f"/api/v1/contributions/{first}/answer", headers=drafter2, json={"text": 3, "filename": "a.pdf", "colour": "red"})
    assert bad.status_code == 422 and {"colour"} <= set(bad.json["errors"])
    bad = client.post(f"/api/v1/contributions/{first}/answer", headers=drafter2, json={"filename": "a.pdf", "content": "%%%"})
    assert bad.status_code == 422 and "content" in bad.json["errors"]
    empty = client.post(f"/api/v1/contributions/{first}/answer", headers=drafter2, json={"text": "  "})
    assert empty.status_code == 422 and "answer_text" in empty.json["errors"]
    with time_machine.travel(MONDAY_22_NOV + dt.timedelta(hours=2), tick=False):
        done = client.post(
            f"/api/v1/contributions/{first}/answer", headers=drafter2,
            json={"text": "Tekst van DGSenB.", "filename": "bijdrage.pdf", "content": base64.b64encode(PDF).decode()},
        )
    assert done.status_code == 200, done.json
    assert (done.json["state"], done.json["delivered_by"], done.json["answer_file"]) == ("delivered", "drafter2", "bijdrage.pdf")
    twice = client.post(f"/api/v1/contributions/{first}/answer", headers=drafter2, json={"text": "nog eens"})
    assert twice.status_code == 409

    assert [i["url"] for i in _worklist(client, drafter2)["contributions_asked"]["items"]] == [f"/contributions/{second}"]
    back = _worklist(client, drafter)["contributions_back"]
    assert [(i["url"], i["note"]) for i in back["items"]] == [(f"/contributions/{first}", "DGSenB")]
    assert client.get(f"/api/v1/contributions/{first}", headers=drafter).json["answer_text"] == "Tekst van DGSenB."
    with app.app_context():
        c = db.session.get(Contribution, first)
        assert c.state == ContributionState.delivered and c.answer_size == len(PDF)


def test_ask_refuses_bad_input_and_keeps_nothing(app, client, seed_case, users, make_user, api_token):
    _people(app, make_user)
    headers = api_token("drafter")
    url = f"/api/v1/cases/{REF}/contributions"
    cases = [
        ({"directorate": "NOPE", "request_text": "x"}, "directorate"),
        ({"user": "nobody", "request_text": "x"}, "user"),
        ({"directorate": "DGSenB", "request_text": "x", "due_on": "26-11-2021"}, "due_on"),
        ({"directorate": "DGSenB", "request_text": "x", "questions": "2"}, "questions"),
        ({"directorate": "DGSenB", "request_text": "x", "questions": [99]}, "question_numbers"),
        ({"directorate": "DGSenB", "external_email": "a@example.org", "request_text": "x"}, "contributor"),
        ({"directorate": "DGSenB", "request_text": ""}, "request_text"),
        ({"directorate": "DGSenB", "request_text": "x", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = client.post(url, headers=headers, json=body)
        assert answer.status_code == 422 and field in answer.json["errors"], (body, answer.json)
    assert client.post(url, headers=api_token("viewer"), json={"directorate": "DGSenB", "request_text": "x"}).status_code == 403
    assert client.post("/api/v1/cases/2099Z00001/contributions", headers=headers, json={"request_text": "x"}).status_code == 404
    assert client.get("/api/v1/contributions/999999", headers=headers).status_code == 404
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Contribution)) == 0
    doc = client.get("/api/v1/openapi.json").json
    assert {"/cases/{reference}/contributions", "/contributions/{contribution_id}", "/contributions/{contribution_id}/answer"} <= set(doc["paths"])
    assert "contribution" in doc["components"]["schemas"]["WorklistItem"]["properties"]["kind"]["enum"]


def test_the_worklist_page_shows_the_contribution_sections(app, client, seed_case, users, make_user, login):
    ids = _people(app, make_user)
    from parliament_tracker.contributions import services

    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == REF))
        asker = db.session.get(User, users["drafter"].id)
        services.ask(case, request_text="Graag cijfers.", directorate=db.session.get(Directorate, ids["dgsenb"]),
                     due_on=dt.date(2021, 11, 19), actor=asker)
        db.session.commit()
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        page = _browser(client, "director2").get("/me/worklist").text
    section = page.split('id="directorate_contributions"', 1)[1].split("</section>", 1)[0]
    assert "Bijdragen gevraagd aan mijn directie" in section and REF in section and "te laat" in section


def _browser(client, username: str):
    from tests.conftest import Browser

    browser = Browser(client)
    assert browser.login(username).status_code == 302
    return browser
