"""The edge (``parliament_tracker/edge.py``): one unit of work per page, API call, command and job.

An exception raised after a service changed rows leaves nothing stored; a refusal keeps what the
user typed on pages and is the documented JSON error on the API, with the status of its kind;
the API and the form reach the same service call (one audit entry, one recompute).
"""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.deadlines.models import Event, EventKind
from parliament_tracker.errors import DomainError, Kind


class Boom(RuntimeError):
    """Raised by a test after a service has changed rows."""


def count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def _form(**overrides):
    data = {
        "reference": "2021Z20001",
        "kind": "written_questions",
        "subject": "Vragen over de wachttijden bij de IND",
        "received_on": "2021-11-10",
        "confirmed_received_on": "2021-11-10",  # an old date, confirmed as "Toch opslaan" does
        "questions_text": "1. Bent u bekend met het bericht?",
        "version": "",
    }
    data.update(overrides)
    return data


def _boom_after(monkeypatch, module, name):
    """Make ``module.name`` do its work (change rows), then raise."""
    original = getattr(module, name)

    def changed_then_failed(*args, **kwargs):
        original(*args, **kwargs)
        raise Boom("after the rows changed")

    monkeypatch.setattr(module, name, changed_then_failed)


# -- an exception after a change keeps nothing --------------------------------------------------


def test_a_page_that_fails_after_the_service_changed_rows_stores_nothing(login, db, monkeypatch):
    from parliament_tracker.deadlines import services as deadline_services

    browser = login("registrar")
    before_cases, before_audit = count(db, Case), count(db, AuditEntry)
    # create_case added the case and its audit entry, then the recompute hook fails
    _boom_after(monkeypatch, deadline_services, "on_case_saved")
    with pytest.raises(Boom):
        browser.post("/cases/new", _form(), token_from="/cases/new")
    assert count(db, Case) == before_cases and count(db, AuditEntry) == before_audit


def test_an_api_call_that_fails_after_the_service_changed_rows_stores_nothing(client, db, api_token, monkeypatch):
    from parliament_tracker.deadlines import services as deadline_services

    headers = api_token("registrar")
    before_cases, before_audit = count(db, Case), count(db, AuditEntry)
    _boom_after(monkeypatch, deadline_services, "on_case_saved")
    body = {"reference": "2021Z20001", "kind": "written_questions", "subject": "Vragen", "received_on": "2021-11-10"}
    with pytest.raises(Boom):
        client.post("/api/v1/cases", json=body, headers=headers)
    assert count(db, Case) == before_cases and count(db, AuditEntry) == before_audit


def test_a_command_that_fails_after_the_service_changed_rows_stores_nothing(app, db, monkeypatch):
    from parliament_tracker.auth import services as auth_services

    before = count(db, User)
    _boom_after(monkeypatch, auth_services, "create_user")
    result = app.test_cli_runner().invoke(args=["users", "create", "jan", "--role", "viewer", "--password", "long-enough-pw"])
    assert isinstance(result.exception, Boom)
    assert count(db, User) == before
    with app.app_context():
        assert db.session.scalar(sa.select(User).where(User.username == "jan")) is None


def test_a_refused_command_is_a_click_error_and_stores_nothing(app, db):
    before = count(db, User)
    result = app.test_cli_runner().invoke(args=["users", "create", "jan", "--role", "viewer", "--password", "short"])
    assert result.exit_code == 1 and "at least" in result.output
    assert count(db, User) == before


def test_a_job_that_fails_after_changing_rows_stores_nothing_but_its_run_record(app, db, monkeypatch):
    from parliament_tracker import scheduler
    from parliament_tracker.notifications.models import JobStatus

    def body(today: dt.date):
        db.session.add(Event(kind=EventKind.other, name="Half-written", starts_on=today))
        db.session.flush()
        raise Boom("after the rows changed")

    monkeypatch.setitem(scheduler.JOBS, "reminders", scheduler.Job("reminders", body, "test"))
    with app.app_context():
        run = scheduler.run_job("reminders", dt.date(2021, 11, 10))
        assert run.status == JobStatus.failed and "Boom" in run.error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.name == "Half-written")) == 0


def test_a_job_that_succeeds_is_committed_once_by_the_runner(app, db, monkeypatch):
    from parliament_tracker import scheduler
    from parliament_tracker.notifications.models import JobStatus

    def body(today: dt.date):
        db.session.add(Event(kind=EventKind.other, name="Kept", starts_on=today))
        return {"added": 1}

    monkeypatch.setitem(scheduler.JOBS, "reminders", scheduler.Job("reminders", body, "test"))
    with app.app_context():
        assert scheduler.run_job("reminders", dt.date(2021, 11, 10)).status == JobStatus.ok
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event).where(Event.name == "Kept")) == 1


# -- refusals -------------------------------------------------------------------------------------


def test_a_refusal_on_a_page_keeps_the_input_and_stores_nothing(login, db, monkeypatch):
    """The case service refuses a reference that does not fit the kind: the form comes back with
    the message under the field and everything the user typed, and nothing is stored."""
    from parliament_tracker.cases import services

    calls = []
    original = services.create_case

    def spy(*args, **kwargs):
        calls.append(args)
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "create_case", spy)
    browser = login("registrar")
    subject = "Een onderwerp dat blijft staan"
    response = browser.post("/cases/new", _form(reference="2021Z2", subject=subject, kind="written_questions"), token_from="/cases/new")
    assert response.status_code == 422
    assert calls, "the refusal came from the service, not the form"
    assert subject in response.text and 'value="2021Z2"' in response.text
    assert count(db, Case) == 0


def test_a_conflict_at_commit_shows_only_the_refusal(login, client, db, api_token, monkeypatch):
    """The view announced "Link added.", then the commit found a concurrent change: the edge
    rolls back, the announcement is withdrawn and the user reads why nothing was saved."""
    from sqlalchemy.orm.exc import StaleDataError

    headers = api_token("registrar")
    for reference in ("2021Z20001", "2021Z20002"):
        body = {"reference": reference, "kind": "written_questions", "subject": "Vragen", "received_on": "2021-11-10"}
        assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 201
    browser = login("registrar")
    token_page = "/cases/2021Z20001"
    from tests.conftest import csrf_token

    token = csrf_token(client, token_page)

    def concurrent() -> None:
        raise StaleDataError("someone else saved this row first")

    monkeypatch.setattr(db.session, "commit", concurrent)
    response = browser.client.post(
        "/cases/2021Z20001/links", data={"reference": "2021Z20002", "link_type": "related", "csrf_token": token}
    )
    monkeypatch.undo()
    # the case page again, the refusal under the link form's reference field
    assert response.status_code == 409
    page = response
    assert 'id="reference-error"' in page.text
    assert "Someone else changed this at the same moment" in page.text or "op hetzelfde moment" in page.text
    assert "Link added." not in page.text and "Koppeling toegevoegd" not in page.text
    assert client.get("/api/v1/cases/2021Z20001", headers=headers).json["links"] == []


@pytest.mark.contract_exempt("linking cases is never unavailable (503); the test forces every kind")
@pytest.mark.parametrize(("kind", "status"), [(Kind.invalid, 422), (Kind.not_found, 404), (Kind.conflict, 409), (Kind.refused, 403), (Kind.unavailable, 503)])
def test_the_api_error_of_each_kind(client, db, api_token, monkeypatch, kind, status):
    """A DomainError raised after a change: the change is rolled back and the answer is the
    documented JSON error with the kind's status and the per-field messages."""
    from parliament_tracker.cases import links

    headers = api_token("registrar")
    body = {"reference": "2021Z20001", "kind": "written_questions", "subject": "Vragen", "received_on": "2021-11-10"}
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 201

    def refuse(case, *args, **kwargs):
        case.subject = "half-written"
        raise DomainError("Niet nu.", {"reference": "Deze niet."}, kind=kind)

    monkeypatch.setattr(links, "add_link", refuse)
    response = client.post("/api/v1/cases/2021Z20001/links", json={"reference": "2021Z20002"}, headers=headers)
    assert response.status_code == status
    assert response.json == {"error": {"status": status, "message": "Niet nu."}, "errors": {"reference": "Deze niet."}}
    assert client.get("/api/v1/cases/2021Z20001", headers=headers).json["subject"] == "Vragen"


def test_a_domain_error_without_fields_has_no_errors_member(client, db, api_token, monkeypatch):
    from parliament_tracker.cases import links

    headers = api_token("registrar")
    body = {"reference": "2021Z20001", "kind": "written_questions", "subject": "Vragen", "received_on": "2021-11-10"}
    assert client.post("/api/v1/cases", json=body, headers=headers).status_code == 201

    def refuse(*args, **kwargs):
        raise DomainError("Niet nu.", kind=Kind.conflict)

    monkeypatch.setattr(links, "remove_link", refuse)
    response = client.delete("/api/v1/cases/2021Z20001/links?reference=2021Z20002", headers=headers)
    assert response.status_code == 409 and response.json == {"error": {"status": 409, "message": "Niet nu."}}


# -- the same service call for the form and the API ---------------------------------------------------


def _counting(monkeypatch):
    """Count the recomputes of the deadline engine."""
    from parliament_tracker.deadlines import services

    calls = []
    original = services.recompute_case

    def counted(case, *args, **kwargs):
        calls.append(case.reference)
        return original(case, *args, **kwargs)

    monkeypatch.setattr(services, "recompute_case", counted)
    return calls


def _debate(app, db) -> int:
    with app.app_context():
        event = Event(kind=EventKind.plenary_debate, name="Debat", starts_on=dt.date(2021, 12, 14))
        db.session.add(event)
        db.session.commit()
        return event.id


def _case_audit(db, reference):
    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
    return db.session.scalars(
        sa.select(AuditEntry.action).where(AuditEntry.object_type == "case", AuditEntry.object_id == case.id)
    ).all()


def test_creating_a_case_through_the_api_audits_and_recomputes_once_like_the_form(app, client, db, login, api_token, monkeypatch):
    event_id = _debate(app, db)
    recomputes = _counting(monkeypatch)
    body = {
        "reference": "2021Z20001",
        "kind": "committee_request",
        "subject": "Verzoek",
        "received_on": "2021-11-29",
        "committee_due_on": "2021-12-06",
        "given_due_on": "2021-12-08",
        "due_before_event": event_id,
    }
    created = client.post("/api/v1/cases", json=body, headers=api_token("registrar"))
    assert created.status_code == 201, created.json
    assert created.json["committee_due_on"] == "2021-12-06" and created.json["due_before_event"] == event_id
    assert recomputes == ["2021Z20001"]
    assert _case_audit(db, "2021Z20001") == ["case:created"]

    recomputes.clear()
    browser = login("registrar")
    form = _form(
        reference="2021Z20002", kind="committee_request", subject="Verzoek", received_on="2021-11-29", confirmed_received_on="2021-11-29",
        committee_due_on="2021-12-06", given_due_on="2021-12-08", due_before_event_id=str(event_id),
    )
    assert browser.post("/cases/new", form, token_from="/cases/new").status_code == 302
    assert recomputes == ["2021Z20002"]
    assert _case_audit(db, "2021Z20002") == ["case:created"]


def test_editing_deadline_fields_through_the_api_audits_and_recomputes_once(app, client, db, api_token, monkeypatch):
    event_id = _debate(app, db)
    headers = api_token("registrar")
    body = {"reference": "2021Z20001", "kind": "committee_request", "subject": "Verzoek", "received_on": "2021-11-29"}
    version = client.post("/api/v1/cases", json=body, headers=headers).json["version"]
    recomputes = _counting(monkeypatch)
    patch = {"version": version, "subject": "Nieuw", "committee_due_on": "2021-12-06", "given_due_on": "2021-12-08", "due_before_event": event_id}
    response = client.patch("/api/v1/cases/2021Z20001", json=patch, headers=headers)
    assert response.status_code == 200, response.json
    assert recomputes == ["2021Z20001"]
    assert _case_audit(db, "2021Z20001").count("case:updated") == 1
    # the version in the answer is the stored one: a second edit with it is accepted
    again = client.patch("/api/v1/cases/2021Z20001", json={"version": response.json["version"], "subject": "Nog nieuwer"}, headers=headers)
    assert again.status_code == 200, again.json


def test_the_recess_rule_is_the_case_services_for_form_and_api(app, client, db, api_token):
    """One rule, one message: the API's refusal of a recess anchor is the case service's."""
    with app.app_context():
        recess = Event(kind=EventKind.recess, name="Reces", starts_on=dt.date(2021, 12, 17), ends_on=dt.date(2022, 1, 9))
        db.session.add(recess)
        db.session.commit()
        recess_id = recess.id
    body = {"reference": "2021Z20001", "kind": "committee_request", "subject": "Verzoek", "received_on": "2021-11-29", "due_before_event": recess_id}
    response = client.post("/api/v1/cases", json=body, headers={**api_token("registrar"), "Cookie": "lang=en"})
    assert response.status_code == 422
    assert response.json["errors"]["due_before_event"] in ("Choose a debate, not a recess.", "Kies een debat, geen reces.")
    assert count(db, Case) == 0
