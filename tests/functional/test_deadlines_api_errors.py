"""Refused deadline fields through the cases API (``committee_due_on``, ``given_due_on``,
``due_before_event``): a 422 naming the field, and nothing of the request is kept, also when
the case itself was already created or edited in the same request."""

import pytest
import sqlalchemy as sa

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.cases.models import Case
from parliament_tracker.deadlines.models import Deadline, Event

SEED = "2021Z19241"  # the seed committee request (no committee date, due 23 November)
OUT_OF_RANGE = ["2200-01-01", "1989-12-31", "9999-12-31", "0001-01-01"]


def _event_id(db, name):
    return db.session.scalar(db.select(Event.id).where(Event.name == name))


def snapshot(db, reference):
    """Everything a refused request might have half-written, as stored now."""
    db.session.expire_all()
    case = db.session.scalar(sa.select(Case).where(Case.reference == reference))
    if case is None:
        return None
    deadlines = db.session.execute(
        sa.select(Deadline.kind, Deadline.due_on, Deadline.practical_due_on, Deadline.rule, Deadline.computed_at)
        .where(Deadline.case_id == case.id)
        .order_by(Deadline.kind)
    ).all()
    return {
        "version": case.version,
        "subject": case.subject,
        "notes": case.notes,
        "committee_due_on": case.committee_due_on,
        "given_due_on": case.given_due_on,
        "due_before_event_id": case.due_before_event_id,
        "due_on": case.due_on,
        "practical_due_on": case.practical_due_on,
        "deadlines": [tuple(row) for row in deadlines],
    }


def totals(db):
    db.session.expire_all()
    return {
        "cases": db.session.scalar(sa.select(sa.func.count()).select_from(Case)),
        "audit": db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)),
        "deadlines": db.session.scalar(sa.select(sa.func.count()).select_from(Deadline)),
    }


def assert_refused(response, field):
    assert response.status_code == 422, (response.status_code, response.get_data(as_text=True))
    body = response.json
    assert body["error"]["status"] == 422 and body["error"]["message"]
    assert field in body["errors"], body
    return body["errors"][field]


@pytest.mark.parametrize("field", ["committee_due_on", "given_due_on"])
@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_create_with_a_date_out_of_range_registers_nothing(client, seed_case, api_token, db, field, value):
    headers = api_token("registrar")
    before = totals(db)
    body = {"reference": "2021Z20300", "kind": "committee_request", "subject": "Verzoek", "received_on": "2021-11-29", field: value}
    message = assert_refused(client.post("/api/v1/cases", json=body, headers=headers), field)
    assert "1990" in message and "2199" in message
    assert client.get("/api/v1/cases/2021Z20300", headers=headers).status_code == 404
    assert totals(db) == before, "the case, its deadlines and audit entries were rolled back"
    # The same request with a usable date registers the case.
    ok = client.post("/api/v1/cases", json={**body, field: "2021-12-20"}, headers=headers)
    assert ok.status_code == 201, ok.json
    assert ok.json[field] == "2021-12-20"


def test_create_with_a_recess_or_unknown_event_registers_nothing(client, seed_case, api_token, db):
    headers = api_token("registrar")
    before = totals(db)
    body = {"reference": "2021Z20301", "kind": "written_questions", "subject": "Vragen", "received_on": "2021-11-29"}
    recess = _event_id(db, "Kerstreces 2021")
    for value in (recess, 999999, "1", True):
        assert_refused(client.post("/api/v1/cases", json={**body, "due_before_event": value}, headers=headers), "due_before_event")
        assert client.get("/api/v1/cases/2021Z20301", headers=headers).status_code == 404
    assert totals(db) == before


@pytest.mark.parametrize(
    "bad",
    [
        {"committee_due_on": "2200-01-01"},
        {"committee_due_on": "1989-12-31"},
        {"given_due_on": "9999-12-31"},
        {"given_due_on": "1900-06-01"},
        {"committee_due_on": "morgen"},
        {"given_due_on": 20211206},
        {"due_before_event": 999999},
        {"due_before_event": "recess"},  # replaced by the recess's id below
        # a valid date applied first, then a refused one: the first must not stick either
        {"committee_due_on": "2021-12-06", "given_due_on": "2200-01-01"},
        {"committee_due_on": "2021-12-06", "due_before_event": "recess"},
    ],
)
def test_patch_with_a_refused_deadline_field_changes_nothing(client, seed_case, api_token, db, bad):
    headers = api_token("registrar")
    recess = _event_id(db, "Kerstreces 2021")
    bad = {k: (recess if v == "recess" else v) for k, v in bad.items()}
    refused_field = list(bad)[-1]
    got = client.get(f"/api/v1/cases/{SEED}", headers=headers).json
    before, counts = snapshot(db, SEED), totals(db)
    # Other fields in the same request (applied before the deadline fields) are rolled back too.
    body = {"version": got["version"], "subject": "Nieuw onderwerp", "notes": "gewijzigd", **bad}
    assert_refused(client.patch(f"/api/v1/cases/{SEED}", json=body, headers=headers), refused_field)
    assert snapshot(db, SEED) == before
    assert totals(db) == counts, "no audit entries or deadline rows from the refused request"
    again = client.get(f"/api/v1/cases/{SEED}", headers=headers).json
    assert again == got
    # The version read before still works: the refused request did not move it.
    ok = client.patch(f"/api/v1/cases/{SEED}", json={"version": got["version"], "committee_due_on": "2021-12-06"}, headers=headers)
    assert ok.status_code == 200, ok.json
    assert ok.json["committee_due_on"] == "2021-12-06" and ok.json["due_on"] == "2021-12-06"


def test_edge_dates_are_accepted(client, seed_case, api_token):
    headers = api_token("registrar")
    version = client.get(f"/api/v1/cases/{SEED}", headers=headers).json["version"]
    for field, value in (("given_due_on", "1990-01-01"), ("committee_due_on", "2199-12-31"), ("given_due_on", "2199-12-31")):
        ok = client.patch(f"/api/v1/cases/{SEED}", json={"version": version, field: value}, headers=headers)
        assert ok.status_code == 200, ok.json
        assert ok.json[field] == value
        version = ok.json["version"]


@pytest.mark.parametrize("field", ["committee_due_on", "given_due_on", "due_before_event"])
def test_any_refusal_of_the_deadline_services_is_a_422_naming_the_field(client, seed_case, api_token, db, monkeypatch, field):
    """A refusal of the deadline services after the case was already changed in the request
    (the API and the form both reach them through the case service's ``on_case_saved``): a 422
    with the field it names, never a 500, nothing kept."""
    from parliament_tracker.deadlines import services
    from parliament_tracker.errors import DomainError

    def refuse(case, actor=None, reason=""):
        case.notes = "half-written"
        raise DomainError("Deze datum kan niet.", {field: "Deze datum kan niet."})

    headers = api_token("registrar")
    got = client.get(f"/api/v1/cases/{SEED}", headers=headers).json
    before, counts = snapshot(db, SEED), totals(db)
    monkeypatch.setattr(services, "on_case_saved", refuse)
    value = _event_id(db, "Begrotingsbehandeling JenV 2022") if field == "due_before_event" else "2021-12-06"
    body = {"version": got["version"], "subject": "Nieuw onderwerp", field: value}
    message = assert_refused(client.patch(f"/api/v1/cases/{SEED}", json=body, headers=headers), field)
    assert message == "Deze datum kan niet."
    assert snapshot(db, SEED) == before and totals(db) == counts
