"""Per-question assignment of written questions: the service's rules and audit, the case
page's form (input kept on refusal), the drafter's worklist and the case API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine

from parliament_tracker.audit.describe import sentence
from parliament_tracker.audit.services import entries_for
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases import assignments
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.services import StaleCase
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate
from tests import factories

REF = factories.SEED_WRITTEN
MONDAY_22_NOV = dt.datetime(2021, 11, 22, 9, 0, tzinfo=dt.UTC)


def _written() -> Case:
    return db.session.scalar(sa.select(Case).where(Case.reference == REF))


@pytest.fixture
def people(app, seed_case, make_user) -> dict[str, int]:
    with app.app_context():
        dgsenb = factories.directorate("DGSenB")
        dgmi = factories.directorate("DGMI")
        db.session.commit()
        ids = {"dgsenb": dgsenb.id, "dgmi": dgmi.id}
    ids["drafter2"] = make_user(Role.drafter, "drafter2", directorate=dgsenb, display_name="Dora DGSenB").id
    return ids


def test_assign_checks_the_drafter_and_records_each_change(app, people, users):
    with app.app_context():
        case = _written()
        actor = db.session.get(User, users["director"].id)
        dgsenb = db.session.get(Directorate, people["dgsenb"])
        drafter2 = db.session.get(User, people["drafter2"])
        version = case.version
        A = assignments.Assignment
        # Someone of another directorate than the question's (here the case's DGMI), a viewer,
        # an unknown question: every problem named on its field, nothing changed.
        with pytest.raises(DomainError) as refused:
            assignments.assign_questions(
                case, {2: A(None, drafter2), 3: A(None, db.session.get(User, users["viewer"].id)), 99: A(dgsenb, None)},
                expected_version=version, actor=actor,
            )
        assert set(refused.value.errors) == {"a-2-drafter", "a-3-drafter", "a-99-directorate"}
        assert "DGMI" in refused.value.errors["a-2-drafter"]
        with pytest.raises(StaleCase):
            assignments.assign_questions(case, {2: A(dgsenb, drafter2)}, expected_version=version - 1, actor=actor)

        changed = assignments.assign_questions(
            case, {2: A(dgsenb, drafter2), 3: A(case.lead_directorate, case.drafter), 4: A(None, None)},
            expected_version=version, actor=actor,
        )
        assert [q.number for q in changed] == [2]  # the case's own choice is no assignment of its own
        q2, q3 = (next(q for q in case.questions if q.number == n) for n in (2, 3))
        assert (q2.directorate_id, q2.drafter_id) == (dgsenb.id, drafter2.id) and (q3.directorate_id, q3.drafter_id) == (None, None)
        assert assignments.effective_drafter(q3) == case.drafter and assignments.effective_directorate(q2) == dgsenb
        assert case.version == version + 1
        # Back to the case's: a second entry.
        assignments.assign_questions(case, {2: A(None, None)}, expected_version=case.version, actor=actor)
        db.session.flush()
        with app.test_request_context(headers={"Accept-Language": "nl"}):
            lines = [sentence(e) for e in entries_for(case) if e.action == "case:question_assigned"]
        assert sorted(lines) == [
            "Vraag 2 toegewezen aan DGSenB, Dora DGSenB.",
            "Vraag 2 volgt weer de directie en behandelaar van de zaak.",
        ], lines
        request = db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED))
        with pytest.raises(DomainError):
            assignments.assign_questions(request, {}, expected_version=request.version, actor=actor)
        db.session.rollback()


def _form(page: str) -> dict[str, str]:
    form = page.split('class="assignments-form"', 1)[1].split("</form>", 1)[0]
    data = dict(re.findall(r'name="(csrf_token|version)" value="([^"]*)"', form))
    for name, body in re.findall(r'<select id="[^"]+" name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        picked = re.search(r'<option value="([^"]*)" selected>', body)
        data[name] = picked.group(1) if picked else ""
    return data


def test_the_case_page_form_saves_and_keeps_what_was_chosen_on_refusal(app, client, people, users, login):
    browser = login("director")
    page = browser.get(f"/cases/{REF}").text
    assert 'id="question-assignments"' in page and "Zoals de zaak (DGMI)" in page
    data = _form(page)
    assert data["a-2-directorate"] == "" and data["a-2-drafter"] == ""

    # drafter2 (DGSenB) on question 2 without its directorate: refused, 422, the choice kept
    wrong = {**data, "a-2-drafter": str(people["drafter2"])}
    refused = client.post(f"/cases/{REF}/questions/assignments", data=wrong)
    assert refused.status_code == 422
    assert 'aria-invalid="true" aria-describedby="a-2-drafter-error"' in refused.text and "niet in DGMI" in refused.text
    assert _form(refused.text)["a-2-drafter"] == str(people["drafter2"])
    # an id that is not in the list
    bogus = client.post(f"/cases/{REF}/questions/assignments", data={**data, "a-3-directorate": "99999"})
    assert bogus.status_code == 422 and "Kies uit de lijst" in bogus.text and _form(bogus.text)["a-3-directorate"] == "99999"

    right = {**wrong, "a-2-directorate": str(people["dgsenb"])}
    saved = client.post(f"/cases/{REF}/questions/assignments", data=right)
    assert saved.status_code == 302 and saved.headers["Location"].endswith("#question-assignments")
    page = browser.get(f"/cases/{REF}").text
    row = page.split('id="question-2-assignment"', 1)[1].split("</tr>", 1)[0]
    assert "DGSenB, Dora DGSenB" in row and "eigen toewijzing" in row
    assert "Vraag 2 toegewezen aan DGSenB, Dora DGSenB." in page

    # the form read before the save is stale now: 409, the choice kept, nothing changed
    stale = client.post(f"/cases/{REF}/questions/assignments", data={**right, "a-3-directorate": str(people["dgsenb"])})
    assert stale.status_code == 409 and _form(stale.text)["a-3-directorate"] == str(people["dgsenb"])
    with app.app_context():
        q3 = next(q for q in _written().questions if q.number == 3)
        assert q3.directorate_id is None
    # a viewer sees the assignment but no form
    from tests.conftest import Browser

    other = Browser(app.test_client())
    assert other.login("viewer").status_code == 302
    viewer = other.get(f"/cases/{REF}").text
    assert "DGSenB, Dora DGSenB" in viewer and 'class="assignments-form"' not in viewer


def test_the_drafter_assigned_sees_the_questions_in_their_worklist(app, client, people, users, api_token):
    from parliament_tracker.auth.services import issue_token

    with app.app_context():
        case = _written()
        dgsenb, drafter2 = db.session.get(Directorate, people["dgsenb"]), db.session.get(User, people["drafter2"])
        A = assignments.Assignment
        assignments.assign_questions(case, {2: A(dgsenb, drafter2), 4: A(dgsenb, drafter2)}, expected_version=case.version, actor=None)
        headers = {"Authorization": f"Bearer {issue_token(drafter2)}"}
        db.session.commit()
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        mine = {s["key"]: s for s in client.get("/api/v1/me/worklist", headers=headers).json["sections"]}
        theirs = {s["key"]: s for s in client.get("/api/v1/me/worklist", headers=api_token("drafter")).json["sections"]}
    [item] = mine["questions_assigned"]["items"]
    assert (item["kind"], item["reference"], item["note"], item["url"]) == ("questions", REF, "Vragen 2, 4", f"/cases/{REF}#questions")
    # the case's own drafter leads the case: it is under my cases, not here
    assert theirs["questions_assigned"]["items"] == []


def test_the_case_api_shows_and_sets_the_assignment(app, client, people, users, api_token):
    headers = api_token("director")
    body = client.get(f"/api/v1/cases/{REF}", headers=headers).json
    q2 = next(q for q in body["questions"] if q["number"] == 2)
    assert (q2["directorate"], q2["drafter"], q2["own_assignment"]) == ("DGMI", "drafter", False)
    url = f"/api/v1/cases/{REF}/questions/2"
    bad = client.patch(url, headers=headers, json={"version": body["version"], "drafter": "drafter2"})
    assert bad.status_code == 422 and "drafter" in bad.json["errors"]
    unknown = client.patch(url, headers=headers, json={"version": body["version"], "directorate": "NOPE", "colour": 1})
    assert unknown.status_code == 422 and {"directorate", "colour"} <= set(unknown.json["errors"])
    assert client.patch(f"/api/v1/cases/{REF}/questions/99", headers=headers, json={"version": body["version"]}).status_code == 404
    assert client.patch(url, headers=headers, json={"version": body["version"] - 1, "directorate": "DGSenB"}).status_code == 409
    assert client.patch(url, headers=api_token("viewer"), json={"version": body["version"]}).status_code == 403
    ok = client.patch(url, headers=headers, json={"version": body["version"], "directorate": "DGSenB", "drafter": "drafter2"})
    assert ok.status_code == 200, ok.json
    q2 = next(q for q in ok.json["questions"] if q["number"] == 2)
    assert (q2["directorate"], q2["drafter"], q2["own_assignment"]) == ("DGSenB", "drafter2", True)
    assert ok.json["version"] == body["version"] + 1


def test_the_drafter_given_questions_is_notified_once_per_save(app, people, users):
    from parliament_tracker.notifications.models import Notification, NotificationKind

    def told() -> list[Notification]:
        return list(db.session.scalars(sa.select(Notification).where(Notification.kind == NotificationKind.case_assigned).order_by(Notification.id)))

    with app.app_context():
        case = _written()
        actor = db.session.get(User, users["director"].id)
        dgsenb, drafter2 = db.session.get(Directorate, people["dgsenb"]), db.session.get(User, people["drafter2"])
        A = assignments.Assignment
        assignments.assign_questions(case, {2: A(dgsenb, drafter2), 3: A(dgsenb, drafter2), 4: A(dgsenb, None)}, expected_version=case.version, actor=actor)
        first = told()
        assert [(n.user_id, n.recipient) for n in first] == [(drafter2.id, f"user:{drafter2.id}"), (None, "mail:dgsenb-kamerstukken@example.org")]
        assert first[0].subject == f"Vragen 2, 3 van {REF} zijn aan u toegewezen" and first[0].url.endswith("#question-assignments")
        # the same choices again: nothing changed, nobody told; back to the case's: nobody told
        assignments.assign_questions(case, {2: A(dgsenb, drafter2)}, expected_version=case.version, actor=actor)
        assignments.assign_questions(case, {3: A(None, None)}, expected_version=case.version, actor=actor)
        assert len(told()) == 2
        # question 3 given to them again later: a new hand-over
        assignments.assign_questions(case, {3: A(dgsenb, drafter2)}, expected_version=case.version, actor=actor)
        assert [n.subject for n in told()][2:] == [f"Vragen 3 van {REF} zijn aan u toegewezen"]
        db.session.rollback()
