"""A debate that moves or is cancelled has one result, whoever changed it: the same timeline
entry on the cases due before it and the same notice to the same people, whether an
administrator changed it (API) or the Kamer sync did."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.deadlines import events as deadline_events
from parliament_tracker.deadlines.models import Event, EventKind
from parliament_tracker.extensions import db as _db
from parliament_tracker.notifications.models import Notification, NotificationKind
from parliament_tracker.scheduler import run_job
from tests.tk_fake import FakeTK, load_fixture, serve_to_app

NAME = "Begrotingsbehandeling JenV 2022"


@pytest.fixture
def fake_tk(app, monkeypatch):
    with serve_to_app(FakeTK(page_size=5), app, monkeypatch, read_timeout=0.2) as fake:
        yield fake


def _activity(**changes):
    record = load_fixture("activiteit-begrotingsbehandeling-jenv-2022")[0]
    record.update(changes)
    return record


@pytest.fixture
def two(app, db, users):
    """Two equal debates, one the Kamer knows (its number), each with one case due before it."""
    with app.app_context():
        drafter = _db.session.merge(users["drafter"])
        ids = {}
        for label, reference, number in (("admin", "2021Z20001", None), ("kamer", "2021Z20002", "2021A99001")):
            event = deadline_events.save_event(
                None,
                {"kind": EventKind.budget_debate, "name": NAME, "starts_on": dt.date(2021, 11, 24), "ends_on": dt.date(2021, 11, 25), "tk_number": number},
            )
            case = case_services.create_case(
                case_services.CaseInput(
                    reference=reference,
                    kind=CaseKind.committee_request,
                    subject="Toezegging voor de begroting",
                    received_on=dt.date(2021, 11, 1),
                    drafter=drafter,
                    due_before_event=event,
                )
            )
            ids[label] = (event.id, case.id)
        _db.session.commit()
    return ids


def _entries(case_id: int, action: str) -> list[AuditEntry]:
    return list(_db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "case", AuditEntry.object_id == case_id, AuditEntry.action == action)))


def _notices(case_id: int) -> list[tuple]:
    """The debate notices about the case (its assignment hand-over notice is not one of them)."""
    rows = _db.session.scalars(
        sa.select(Notification)
        .where(Notification.case_id == case_id, Notification.kind == NotificationKind.tk_update)
        .order_by(Notification.user_id)
    )
    return [(n.user_id, n.kind, n.due_on, n.subject.replace("2021Z20002", "REF").replace("2021Z20001", "REF")) for n in rows]


def test_a_move_by_hand_and_by_the_kamer_give_the_same_entry_and_notice(app, db, client, fake_tk, two, users, api_token, login):
    admin_event, admin_case = two["admin"]
    _kamer_event, kamer_case = two["kamer"]
    r = client.patch(f"/api/v1/events/{admin_event}", headers=api_token("admin"), json={"starts_on": "2021-12-01", "ends_on": "2021-12-02"})
    assert r.status_code == 200, r.json
    fake_tk.activiteiten[:] = [
        _activity(Status="Verplaatst", Datum="2021-12-01T00:00:00+01:00", Aanvangstijd="2021-12-01T10:15:00+01:00",
                  Eindtijd="2021-12-02T23:00:00+01:00", ApiGewijzigdOp="2021-11-27T08:00:00.0000000Z")
    ]
    with app.app_context():
        assert run_job("tk_events", dt.date(2021, 11, 27)).counts["moved"] == 1
    _db.session.expire_all()
    by_hand, by_kamer = _entries(admin_case, "case:tk_event_moved"), _entries(kamer_case, "case:tk_event_moved")
    assert len(by_hand) == len(by_kamer) == 1
    assert by_hand[0].details == by_kamer[0].details == {
        "event": NAME, "changes": {"event_starts_on": ["2021-11-24", "2021-12-01"]}
    }
    assert by_hand[0].summary == by_kamer[0].summary
    assert by_hand[0].actor_id == users["admin"].id and by_kamer[0].actor_id is None
    drafter = users["drafter"].id
    assert _notices(admin_case) == _notices(kamer_case) == [(drafter, "tk_update", dt.date(2021, 12, 1), f"Debat verplaatst: {NAME} (REF)")]
    # The timeline names the Tweede Kamer only when the sync moved it.
    page = login("drafter")
    assert f"De Tweede Kamer heeft {NAME} verplaatst" in page.get("/cases/2021Z20002").text
    by_hand_page = page.get("/cases/2021Z20001").text
    assert f"{NAME} is verplaatst van" in by_hand_page and "De Tweede Kamer heeft" not in by_hand_page


def test_a_cancellation_by_hand_and_by_the_kamer_notify_the_same_people(app, db, client, fake_tk, two, users, api_token, login):
    admin_event, admin_case = two["admin"]
    kamer_event, kamer_case = two["kamer"]
    assert client.delete(f"/api/v1/events/{admin_event}", headers=api_token("registrar")).status_code == 200
    fake_tk.activiteiten[:] = [_activity(Status="Geannuleerd", ApiGewijzigdOp="2021-11-28T08:00:00.0000000Z")]
    with app.app_context():
        assert run_job("tk_events", dt.date(2021, 11, 28)).counts["cancelled"] == 1
    _db.session.expire_all()
    by_hand, by_kamer = _entries(admin_case, "case:tk_event_cancelled"), _entries(kamer_case, "case:tk_event_cancelled")
    assert len(by_hand) == len(by_kamer) == 1
    assert by_hand[0].details["event"] == by_kamer[0].details["event"] == NAME
    expected = sorted((uid, "tk_update", dt.date(2021, 11, 24), f"Debat geannuleerd: {NAME} (REF)") for uid in (users["drafter"].id, users["registrar"].id))
    assert _notices(admin_case) == _notices(kamer_case) == expected
    # Removed by hand, the case lost its anchor; cancelled by the Kamer, it keeps it, renamed.
    assert _db.session.get(Case, admin_case).due_before_event_id is None
    assert _db.session.get(Event, kamer_event).name == NAME + " (geannuleerd)"
    page = login("drafter")
    assert f"{NAME} is geannuleerd; deze zaak hoeft er niet meer vóór af." in page.get("/cases/2021Z20001").text
    assert f"De Tweede Kamer heeft {NAME} geannuleerd" in page.get("/cases/2021Z20002").text
