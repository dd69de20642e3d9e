"""The contributions API's withdraw and take-into-the-letter, with the same service calls as the
pages (tests/contract.py checks every response against the OpenAPI document)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
import time_machine

from parliament_tracker.audit.services import entries_for
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.extensions import db
from parliament_tracker.letters.models import Letter, LetterKind
from tests import factories

MONDAY_22_NOV = dt.datetime(2021, 11, 22, 9, 0, tzinfo=dt.UTC)
REF = factories.SEED_WRITTEN


def _token(app, user_id: int) -> dict[str, str]:
    from parliament_tracker.auth.services import issue_token

    with app.app_context():
        token = issue_token(db.session.get(User, user_id))
        db.session.commit()
    return {"Authorization": f"Bearer {token}"}


def _dgsenb_drafter(app, make_user) -> int:
    with app.app_context():
        dgsenb = factories.directorate("DGSenB")
        db.session.commit()
    return make_user(Role.drafter, "drafter2", directorate=dgsenb).id


def _ask(client, headers, **body) -> dict:
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        answer = client.post(f"/api/v1/cases/{REF}/contributions", headers=headers, json={"due_on": "2021-11-26", **body})
    assert answer.status_code == 201, answer.json
    return answer.json


def _draft_letter(app, users, reference: str, kind: LetterKind | None = LetterKind.answers) -> tuple[int, int]:
    with app.app_context():
        case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
        letter = factories.letter([case], kind, actor=db.session.get(User, users["drafter"].id))
        db.session.commit()
        return letter.id, letter.version


def test_withdraw_through_the_api(app, client, seed_case, users, api_token):
    drafter = api_token("drafter")
    c = _ask(client, drafter, external_email="expert@example.org", request_text="Graag uw cijfers.")
    url = f"/api/v1/contributions/{c['id']}/withdraw"

    assert client.post(url).status_code == 401
    assert client.post(url, headers=api_token("viewer")).status_code == 403
    assert client.post("/api/v1/contributions/999999/withdraw", headers=drafter).status_code == 404
    done = client.post(url, headers=drafter)
    assert done.status_code == 200, done.json
    assert done.json["state"] == "withdrawn" and done.json["id"] == c["id"]
    again = client.post(url, headers=drafter)
    assert again.status_code == 409 and set(again.json["errors"]) == {"state"}
    with app.app_context():
        stored = db.session.get(Contribution, c["id"])
        assert stored.state == ContributionState.withdrawn and stored.link_nonce is None
        actions = [e.action for e in entries_for(stored.case)]
        assert actions.count("case:contribution_withdrawn") == 1


def test_take_into_the_letter_through_the_api(app, client, seed_case, users, make_user, api_token):
    drafter, viewer = api_token("drafter"), api_token("viewer")
    drafter2 = _token(app, _dgsenb_drafter(app, make_user))
    c = _ask(client, drafter, directorate="DGSenB", questions=[3, 2], request_text="Graag een tekst voor vraag 2 en 3.")
    url = f"/api/v1/contributions/{c['id']}/take"
    letter_id, version = _draft_letter(app, users, REF)
    other_id, other_version = _draft_letter(app, users, factories.SEED, None)

    # not delivered yet: refused as a conflict
    early = client.post(url, headers=drafter, json={"letter": letter_id, "version": version})
    assert early.status_code == 409
    answered = client.post(f"/api/v1/contributions/{c['id']}/answer", headers=drafter2, json={"text": "Tekst van DGSenB."})
    assert answered.status_code == 200, answered.json

    assert client.post(url, json={"letter": letter_id, "version": version}).status_code == 401
    assert client.post(url, headers=viewer, json={"letter": letter_id, "version": version}).status_code == 403
    assert client.post("/api/v1/contributions/999999/take", headers=drafter, json={"letter": letter_id, "version": version}).status_code == 404
    assert client.post(url, headers=drafter, data="[]", content_type="application/json").status_code == 400
    for body, fields in [
        ({"letter": letter_id, "version": version, "colour": "red"}, {"colour"}),
        ({"letter": "één"}, {"letter", "version"}),
        ({"letter": True, "version": version}, {"letter"}),
        ({"letter": 999999, "version": version}, {"letter"}),
    ]:
        bad = client.post(url, headers=drafter, json=body)
        assert bad.status_code == 422 and set(bad.json["errors"]) == fields, (body, bad.json)
    stale = client.post(url, headers=drafter, json={"letter": letter_id, "version": version - 1})
    assert stale.status_code == 409
    elsewhere = client.post(url, headers=drafter, json={"letter": other_id, "version": other_version})
    assert elsewhere.status_code == 409

    taken = client.post(url, headers=drafter, json={"letter": letter_id, "version": version})
    assert taken.status_code == 200, taken.json
    assert taken.json["contribution"]["id"] == c["id"] and taken.json["letter"]["id"] == letter_id
    assert taken.json["letter"]["version"] > version
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        answers = {tuple(a["questions"]): a.get("text") for a in letter.answers}
        assert answers[(2, 3)] == "Tekst van DGSenB."
        case = db.session.scalar(sa.select(Case).where(Case.reference == REF))
        assert [e.action for e in entries_for(case)].count("case:contribution_taken") == 1
    # the version read before is stale now
    assert client.post(url, headers=drafter, json={"letter": letter_id, "version": version}).status_code == 409


def test_the_document_describes_withdraw_and_take(client):
    doc = client.get("/api/v1/openapi.json").json
    for path in ("/contributions/{contribution_id}/withdraw", "/contributions/{contribution_id}/take"):
        responses = doc["paths"][path]["post"]["responses"]
        assert {"200", "401", "403", "404", "409"} <= set(responses), path
    assert doc["components"]["schemas"]["ContributionTake"]["additionalProperties"] is False
    assert doc["components"]["schemas"]["ContributionTaken"]["required"] == ["contribution", "letter"]
