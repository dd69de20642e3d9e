"""A case follows its answer letter, whatever status it had, through the pages and the API.

in behandeling (drafting) when the letter is started, ter beoordeling (in_review) when it is
submitted, back to drafting when changes are requested or it is withdrawn, ter ondertekening
(awaiting_signature) when approved, beantwoord (answered, on the date sent) when sent. Each
step is a "case:status_changed" entry on the case's timeline.
"""

from __future__ import annotations

import datetime as dt

import pytest

from parliament_tracker.audit.services import entries_for
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases import status as case_status
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.organisation.models import Signatory

REFERENCE = "2026Z10001"


@pytest.fixture
def case_ref(app, db, users):
    """A registered committee request addressed to a signatory, nobody assigned yet."""
    with app.app_context():
        signatory = Signatory(office_title="De Minister van Justitie en Veiligheid", name="Test Minister")
        _db.session.add(signatory)
        case_services.create_case(
            case_services.CaseInput(
                reference=REFERENCE,
                kind=CaseKind.committee_request,
                subject="Verzoek om een brief over de stand van zaken",
                received_on=today_local() - dt.timedelta(days=3),
                addressed_to=signatory,
            ),
            actor=_db.session.merge(users["registrar"]),
        )
        _db.session.commit()
    return REFERENCE


def status(app) -> CaseStatus:
    with app.app_context():
        return _db.session.scalar(_db.select(Case.status).where(Case.reference == REFERENCE))


def set_status(app, value: CaseStatus) -> None:
    """As a case that was moved by hand (or before cases followed their letters)."""
    with app.app_context():
        _db.session.execute(_db.update(Case).where(Case.reference == REFERENCE).values(status=value))
        _db.session.commit()


def timeline(app) -> list[tuple[str, str]]:
    with app.app_context():
        case = _db.session.scalar(_db.select(Case).where(Case.reference == REFERENCE))
        entries = reversed(entries_for(case))
        return [list(e.details["changes"]["status"]) for e in entries if e.action == "case:status_changed"]


def answered_on(app) -> dt.date | None:
    with app.app_context():
        return _db.session.scalar(_db.select(Case.answered_on).where(Case.reference == REFERENCE))


def test_through_the_api(app, client, case_ref, users, api_token):
    assert status(app) == CaseStatus.registered
    r = client.post(f"/api/v1/cases/{case_ref}/letters", headers=api_token("drafter"), json={"kind": "kamerbrief", "body": "Hierbij de brief."})
    assert r.status_code == 201, r.json
    url = f"/api/v1/letters/{r.json['id']}"
    assert status(app) == CaseStatus.drafting
    set_status(app, CaseStatus.assigned)  # whatever status it had
    assert client.post(url + "/submit", headers=api_token("drafter"), json={"approvers": ["director"]}).status_code == 200
    assert status(app) == CaseStatus.in_review
    r = client.post(url + "/request-changes", headers=api_token("director"), json={"comment": "Korter."})
    assert r.status_code == 200 and r.json["status"] == "draft"
    assert status(app) == CaseStatus.drafting
    client.post(url + "/submit", headers=api_token("drafter"), json={"approvers": ["director"]})
    assert client.post(url + "/approve", headers=api_token("director"), json={}).status_code == 200
    assert status(app) == CaseStatus.awaiting_signature
    assert client.post(url + "/sign", headers=api_token("signatory_office")).status_code == 200
    assert status(app) == CaseStatus.awaiting_signature
    sent_on = today_local() - dt.timedelta(days=0)
    r = client.post(url + "/send", headers=api_token("registrar"), json={"sent_on": sent_on.isoformat()})
    assert r.status_code == 200, r.json
    assert status(app) == CaseStatus.answered and answered_on(app) == sent_on
    assert timeline(app) == [
        ["registered", "drafting"],
        ["assigned", "in_review"],
        ["in_review", "drafting"],
        ["drafting", "in_review"],
        ["in_review", "awaiting_signature"],
        ["awaiting_signature", "answered"],
    ]


def test_withdrawing_through_the_api(app, client, case_ref, users, api_token):
    r = client.post(f"/api/v1/cases/{case_ref}/letters", headers=api_token("drafter"), json={"kind": "kamerbrief", "body": "Tekst."})
    url = f"/api/v1/letters/{r.json['id']}"
    client.post(url + "/submit", headers=api_token("drafter"), json={"approvers": ["director"]})
    client.post(url + "/approve", headers=api_token("director"), json={})
    assert status(app) == CaseStatus.awaiting_signature
    assert client.post(url + "/withdraw", headers=api_token("viewer"), json={}).status_code == 403
    r = client.post(url + "/withdraw", headers=api_token("drafter"), json={"comment": "Wordt een andere brief."})
    assert r.status_code == 200 and r.json["status"] == "withdrawn", r.json
    assert status(app) == CaseStatus.drafting
    again = client.post(url + "/withdraw", headers=api_token("drafter"), json={})
    assert again.status_code == 409
    assert client.post(url + "/withdraw", headers=api_token("drafter"), json={"reason": "x"}).status_code == 422
    with app.app_context():
        entry = [e for e in entries_for(_db.session.get(Letter, r.json["id"])) if e.action == "letter:withdrawn"]
        assert len(entry) == 1 and entry[0].details["comment"] == "Wordt een andere brief."
    # A new answer letter starts the drafting again; sending it answers the case.
    r = client.post(f"/api/v1/cases/{case_ref}/letters", headers=api_token("drafter"), json={"kind": "kamerbrief", "body": "Nieuw."})
    assert r.status_code == 201 and status(app) == CaseStatus.drafting


def test_through_the_pages(app, client, case_ref, users, login):
    drafter = login("drafter")
    r = drafter.post(f"/cases/{case_ref}/letters/new", data={"kind": "kamerbrief"}, token_from=f"/cases/{case_ref}/letters/new")
    assert r.status_code == 302, r.text
    with app.app_context():
        letter_id = _db.session.scalar(_db.select(Letter.id).order_by(Letter.id.desc()))
    page = f"/letters/{letter_id}"
    assert status(app) == CaseStatus.drafting
    assert drafter.post(f"{page}/generate", token_from=page).status_code == 302
    set_status(app, CaseStatus.registered)  # whatever status it had
    assert drafter.post(f"{page}/submit", data={"approver_1": str(users["director"].id)}, token_from=page).status_code == 302
    assert status(app) == CaseStatus.in_review
    drafter.post("/logout", token_from="/cases")
    director = login("director")
    assert director.post(f"{page}/request-changes", data={"comment": "Anders."}, token_from=page).status_code == 302
    assert status(app) == CaseStatus.drafting
    assert "Wijzigingen gevraagd" in director.get(page).text  # the stage "changes requested"
    director.post("/logout", token_from="/cases")
    drafter = login("drafter")
    drafter.post(f"{page}/submit", data={"approver_1": str(users["director"].id)}, token_from=page)
    drafter.post("/logout", token_from="/cases")
    director = login("director")
    assert director.post(f"{page}/approve", data={"comment": ""}, token_from=page).status_code == 302
    assert status(app) == CaseStatus.awaiting_signature
    director.post("/logout", token_from="/cases")
    office = login("signatory_office")
    assert 'id="withdraw-form"' not in office.get(page).text  # not the office's to withdraw
    assert office.post(f"{page}/sign", data={"letter_date": today_local().isoformat()}, token_from=page).status_code == 302
    assert office.post(f"{page}/send", data={"sent_on": today_local().isoformat()}, token_from=page).status_code == 302
    assert status(app) == CaseStatus.answered and answered_on(app) == today_local()
    assert [tuple(t) for t in timeline(app)][-2:] == [("in_review", "awaiting_signature"), ("awaiting_signature", "answered")]
    with app.app_context():
        assert _db.session.get(Letter, letter_id).status == LetterStatus.sent


def test_withdraw_button_on_the_page(app, client, case_ref, users, login):
    drafter = login("drafter")
    drafter.post(f"/cases/{case_ref}/letters/new", data={"kind": "kamerbrief"}, token_from=f"/cases/{case_ref}/letters/new")
    with app.app_context():
        letter_id = _db.session.scalar(_db.select(Letter.id).order_by(Letter.id.desc()))
    page = f"/letters/{letter_id}"
    drafter.post(f"{page}/generate", token_from=page)
    drafter.post(f"{page}/submit", data={"approver_1": str(users["director"].id)}, token_from=page)
    assert status(app) == CaseStatus.in_review
    assert 'id="withdraw-form"' in drafter.get(page).text
    r = drafter.post(f"{page}/withdraw", data={"comment": "Vervalt."}, token_from=page)
    assert r.status_code == 302
    text = drafter.get(page).text
    assert 'id="letter-withdrawn"' in text and 'id="withdraw-form"' not in text and 'id="submit-form"' not in text
    assert status(app) == CaseStatus.drafting
    with app.app_context():
        assert _db.session.get(Letter, letter_id).status == LetterStatus.withdrawn
    # Nobody decides on a withdrawn letter any more.
    drafter.post("/logout", token_from="/cases")
    director = login("director")
    assert f"/letters/{letter_id}" not in director.get("/approvals").text
    r = director.post(f"{page}/approve", data={}, token_from=page)
    assert r.status_code == 303
    with app.app_context():
        assert _db.session.get(Letter, letter_id).status == LetterStatus.withdrawn


def test_a_closed_case_is_left_alone(app, client, case_ref, users, api_token):
    set_status(app, CaseStatus.no_reply_needed)
    r = client.post(f"/api/v1/cases/{case_ref}/letters", headers=api_token("drafter"), json={"kind": "kamerbrief", "body": "Tekst."})
    assert r.status_code == 201
    assert status(app) == CaseStatus.no_reply_needed and timeline(app) == []


def test_following_is_not_an_edit_and_never_overwrites_a_concurrent_move(app, db, case_ref, users):
    import sqlalchemy as sa

    from parliament_tracker.letters import services as letter_services
    from parliament_tracker.letters.models import LetterKind

    with app.app_context():
        case = _db.session.scalar(_db.select(Case).where(Case.reference == REFERENCE))
        version = case.version
        letter_services.start_letter([case], LetterKind.kamerbrief, actor=_db.session.merge(users["drafter"]))
        assert case.status == CaseStatus.drafting and case.version == version  # an open edit form stays valid
        _db.session.flush()
        assert _db.session.scalar(_db.select(Case.version).where(Case.id == case.id)) == version
        # Someone else moved the case in the meantime: the system's move is refused, not written over it.
        _db.session.execute(_db.update(Case).where(Case.id == case.id).values(status=CaseStatus.withdrawn), execution_options={"synchronize_session": False})
        with pytest.raises(sa.orm.exc.StaleDataError):
            case_status.system_transition(case, CaseStatus.in_review, actor=None, reason="test")
        _db.session.rollback()
