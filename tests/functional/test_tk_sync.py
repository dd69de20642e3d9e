"""The Tweede Kamer sync jobs (watch, reconcile, events) over real HTTP to the fake OData server."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.deadlines.models import Deadline, Event
from parliament_tracker.deadlines.rules import DeadlineKind
from parliament_tracker.notifications.models import JobRun, JobStatus, Notification, NotificationKind
from parliament_tracker.scheduler import run_job
from parliament_tracker.tk.models import TKSyncState
from parliament_tracker.tk.services import fetch
from parliament_tracker.tk.timestamps import parse_timestamp
from tests.tk_fake import FakeTK, load_fixture, serve_to_app, synthetic_written_questions


@pytest.fixture
def fake_tk(app, monkeypatch):
    with serve_to_app(FakeTK(page_size=5), app, monkeypatch, read_timeout=0.2) as fake:
        yield fake


def run(app, db, job: str, today: dt.date) -> SimpleNamespace:
    with app.app_context():
        result = run_job(job, today)
        snapshot = SimpleNamespace(status=result.status, counts=dict(result.counts or {}), error=result.error or "")
    db.session.expire_all()
    return snapshot


def count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def sync_state(db, key: str) -> TKSyncState | None:
    db.session.expire_all()
    return db.session.get(TKSyncState, key)


# -- watch --------------------------------------------------------------------------------------


def test_watch_registers_new_questions_once_and_advances_the_watermark(app, db, fake_tk, signatory, users):
    questions = synthetic_written_questions(14)
    fake_tk.zaken.extend(questions[:10])
    first = run(app, db, "tk_watch", dt.date(2021, 9, 10))
    assert first.status == JobStatus.ok, first.error
    # Every 5th is addressed to Financiën, so 8 of the 10 are ours.
    assert first.counts["new"] == 8 and first.counts["seen"] == 8
    assert count(db, Case) == 8
    case = db.session.scalar(sa.select(Case).where(Case.reference == "2021Z50001"))
    assert case.kind.value == "written_questions" and case.addressed_to_id == signatory.id
    assert [m.label for m in case.members] == ["Lid1 (D66)"]
    assert count(db, Case, Case.reference == "2021Z50000") == 0, "addressed to another ministry"
    # One notification per case for the registrar, rendered in Dutch.
    notes = db.session.scalars(sa.select(Notification).where(Notification.kind == NotificationKind.tk_new_case)).all()
    assert len(notes) == 8 and {n.user_id for n in notes} == {users["registrar"].id}
    assert any("2021Z50001" in n.subject and "Tweede Kamer" in n.subject for n in notes)
    # The watermark is the last ApiGewijzigdOp seen (Financiën's too: no need to see it again).
    state = sync_state(db, "watch")
    assert state.watermark == parse_timestamp(questions[9]["ApiGewijzigdOp"])
    assert state.last_error is None and state.last_success is not None

    second = run(app, db, "tk_watch", dt.date(2021, 9, 10))
    assert second.status == JobStatus.ok and second.counts["new"] == 0
    assert "ApiGewijzigdOp gt 2021-09-03T17:00:00" in fake_tk.requests[-1]["$filter"]
    assert count(db, Case) == 8 and count(db, Notification) == 8

    fake_tk.zaken.extend(questions[11:14])  # 11, 12, 13: all ours
    third = run(app, db, "tk_watch", dt.date(2021, 9, 20))
    assert third.counts["new"] == 3 and count(db, Case) == 11
    assert sync_state(db, "watch").watermark == parse_timestamp(questions[13]["ApiGewijzigdOp"])


def test_watch_skips_cases_registered_by_hand(app, db, fake_tk, signatory, users, seed_case):
    fake_tk.zaken.extend(load_fixture("zaak-2021Z19601-open"))
    result = run(app, db, "tk_watch", dt.date(2021, 11, 10))
    assert result.counts == {**result.counts, "new": 0, "existing": 1}
    assert count(db, Notification, Notification.kind == NotificationKind.tk_new_case) == 0


@pytest.mark.parametrize(
    ("fault", "options", "words"),
    [
        ("timeout", {"times": 3, "delay": 0.5}, "TKUnavailable"),
        ("status", {"times": 3, "status": 500}, "HTTP 500"),
        ("status", {"status": 400}, "TKError"),
        ("bad_json", {}, "TKBadResponse"),
        ("html", {}, "TKBadResponse"),
    ],
)
def test_watch_errors_change_nothing_and_are_recorded(app, db, fake_tk, signatory, users, fault, options, words):
    questions = synthetic_written_questions(6)
    fake_tk.zaken.extend(questions[:3])
    assert run(app, db, "tk_watch", dt.date(2021, 9, 10)).counts["new"] == 2
    watermark = sync_state(db, "watch").watermark
    fake_tk.zaken.extend(questions[3:])
    fake_tk.fail_next(fault, **options)
    failed = run(app, db, "tk_watch", dt.date(2021, 9, 10))
    assert failed.status == JobStatus.failed and words in failed.error
    assert count(db, Case) == 2 and count(db, Notification) == 2
    state = sync_state(db, "watch")
    assert state.watermark == watermark and words in state.last_error
    # The admin page explains it in Dutch.
    from tests.conftest import Browser

    browser = Browser(app.test_client())
    browser.login("admin")
    page = browser.get("/admin/tk")
    assert page.status_code == 200 and 'class="error" role="alert">De ' in page.text
    # The next run catches up.
    again = run(app, db, "tk_watch", dt.date(2021, 9, 10))
    assert again.status == JobStatus.ok and again.counts["new"] == 2 and count(db, Case) == 4
    assert sync_state(db, "watch").last_error is None


def test_watch_empty_answer_keeps_the_watermark(app, db, fake_tk, signatory, users):
    fake_tk.zaken.extend(synthetic_written_questions(3))
    run(app, db, "tk_watch", dt.date(2021, 9, 10))
    watermark = sync_state(db, "watch").watermark
    fake_tk.fail_next("empty")
    result = run(app, db, "tk_watch", dt.date(2021, 9, 10))
    assert result.status == JobStatus.ok and result.counts["new"] == 0
    assert sync_state(db, "watch").watermark == watermark


def test_watch_from_the_cli(app, db, fake_tk, signatory, users):
    fake_tk.zaken.extend(synthetic_written_questions(2))
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["jobs", "list"])
    assert "tk_watch" in listed.output and "tk_reconcile" in listed.output and "tk_events" in listed.output
    result = runner.invoke(args=["jobs", "run", "tk_watch", "--today", "2021-09-10"])
    assert result.exit_code == 0, result.output
    assert "tk_watch (2021-09-10): ok" in result.output and "'new': 1" in result.output


# -- reconcile ----------------------------------------------------------------------------------


def _case(db, reference: str) -> Case:
    db.session.expire_all()
    return db.session.scalar(sa.select(Case).where(Case.reference == reference))


def test_reconcile_records_the_postponement_and_the_answer(app, db, fake_tk, seed_case, users, login):
    drafter = login("drafter")
    written = _case(db, "2021Z19601")
    written.due_before_event = None  # as in the deadline page test: the 6 weeks then bind
    db.session.commit()
    version = _case(db, "2021Z19601").version
    fake_tk.zaken.extend(load_fixture("zaak-2021Z19601-uitstel-variant"))
    result = run(app, db, "tk_reconcile", dt.date(2021, 11, 29))
    assert result.status == JobStatus.ok, result.error
    assert result.counts["postponed"] == 1 and result.counts["postponements_recorded"] == 1
    case = _case(db, "2021Z19601")
    assert case.tk_postponed_on == dt.date(2021, 11, 26) and case.tk_answered_on is None
    assert case.postponed_on == dt.date(2021, 11, 26)
    assert case.practical_due_on == dt.date(2021, 12, 17)
    postponed = db.session.scalar(sa.select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == DeadlineKind.postponed_external))
    assert postponed.practical_due_on == dt.date(2021, 12, 17)
    assert case.tk_checked_at is not None
    assert case.version == version + 1, "only the recorded postponement is an edit; the TK columns are not"
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "case", AuditEntry.object_id == case.id))]
    assert "case:tk_reconciled" in actions and "case:postponed" in actions
    notes = db.session.scalars(sa.select(Notification).where(Notification.kind == NotificationKind.tk_update)).all()
    assert [(n.user_id, n.due_on) for n in notes] == [(users["drafter"].id, dt.date(2021, 11, 26))]

    page = drafter.get("/cases/2021Z19601")
    assert "De Tweede Kamer meldt: uitstelbericht gepubliceerd op vrijdag 26 november 2021." in page.text

    # Nothing new: nothing changes and nobody is told twice.
    again = run(app, db, "tk_reconcile", dt.date(2021, 11, 30))
    assert again.counts["changed"] == 0 and count(db, Notification) == 1

    # The answer arrives; by default the case is only told, not closed.
    fake_tk.zaken[:] = load_fixture("zaak-2021Z19601-answered")
    answered = run(app, db, "tk_reconcile", dt.date(2021, 12, 1))
    assert answered.counts["answered"] == 1 and answered.counts["marked_answered"] == 0
    case = _case(db, "2021Z19601")
    assert case.tk_answered_on == dt.date(2021, 11, 23) and case.status != CaseStatus.answered
    page = drafter.get("/cases/2021Z19601")
    assert "De Tweede Kamer meldt: antwoord gepubliceerd op dinsdag 23 november 2021." in page.text


def test_reconcile_can_mark_the_case_answered(app, db, fake_tk, seed_case, users, monkeypatch):
    monkeypatch.setitem(app.config, "TK_RECONCILE_MARK_ANSWERED", True)
    fake_tk.zaken.extend(load_fixture("zaak-2021Z19601-answered"))
    result = run(app, db, "tk_reconcile", dt.date(2021, 11, 29))
    assert result.counts["marked_answered"] == 1
    case = _case(db, "2021Z19601")
    assert case.status == CaseStatus.answered and case.answered_on == dt.date(2021, 11, 23)
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.object_type == "case", AuditEntry.object_id == case.id, AuditEntry.action == "case:status_changed").order_by(AuditEntry.id.desc())
    )
    assert entry.details["comment"].startswith("Tweede Kamer: antwoord gepubliceerd op 2021-11-23")


def test_reconcile_postponement_can_be_switched_off(app, db, fake_tk, seed_case, monkeypatch):
    monkeypatch.setitem(app.config, "TK_RECONCILE_RECORD_POSTPONEMENT", False)
    fake_tk.zaken.extend(load_fixture("zaak-2021Z19601-uitstel-variant"))
    run(app, db, "tk_reconcile", dt.date(2021, 11, 29))
    case = _case(db, "2021Z19601")
    assert case.tk_postponed_on == dt.date(2021, 11, 26) and case.postponed_on is None


def test_reconcile_error_changes_nothing(app, db, fake_tk, seed_case):
    fake_tk.zaken.extend(load_fixture("zaak-2021Z19601-uitstel-variant"))
    fake_tk.fail_next("status", status=503, times=3)
    result = run(app, db, "tk_reconcile", dt.date(2021, 11, 29))
    assert result.status == JobStatus.failed
    case = _case(db, "2021Z19601")
    assert case.tk_postponed_on is None and case.postponed_on is None and case.tk_checked_at is None
    assert "HTTP 503" in sync_state(db, "reconcile").last_error


def test_reconcile_asks_for_the_cases_in_batches_a_few_at_a_time(app, db, fake_tk, signatory, users, monkeypatch):
    fake_tk.zaken.extend(synthetic_written_questions(30))  # 24 addressed to us
    assert run(app, db, "tk_watch", dt.date(2021, 9, 10)).counts["new"] == 24
    references = sorted(db.session.scalars(sa.select(Case.reference)))
    # What the Kamer lists for each case, asked for one by one as the job once did.
    with app.app_context():
        expected = {ref: (d.answered_on, d.postponed_on, d.withdrawn_on) for ref in references if (d := fetch(ref)) is not None}
    assert len(expected) == 24 and any(v[0] for v in expected.values()) and any(v[1] for v in expected.values())
    monkeypatch.setitem(app.config, "TK_BATCH_SIZE", 5)
    monkeypatch.setitem(app.config, "TK_PARALLEL_REQUESTS", 3)
    fake_tk.latency = 0.05  # so the requests overlap even on a busy machine
    fake_tk.requests.clear()

    result = run(app, db, "tk_reconcile", dt.date(2021, 10, 20))

    assert result.status == JobStatus.ok, result.error
    assert len(fake_tk.requests) == result.counts["requests"] == 5  # ceil(24 / 5)
    assert 1 < fake_tk.max_in_flight <= 3
    assert result.counts["checked"] == result.counts["found"] == 24 and result.counts["failed"] == 0
    cases = {c.reference: c for c in db.session.scalars(sa.select(Case))}
    assert {ref: (c.tk_answered_on, c.tk_postponed_on, c.tk_withdrawn_on) for ref, c in cases.items()} == expected
    assert result.counts["answered"] == sum(1 for v in expected.values() if v[0])
    assert result.counts["postponed"] == sum(1 for v in expected.values() if v[1])
    assert all(c.tk_checked_at is not None for c in cases.values())


def test_reconcile_applies_the_batches_that_came_and_names_the_cases_that_did_not(app, db, fake_tk, seed_case, users, monkeypatch):
    fake_tk.zaken.extend(load_fixture("zaak-2021Z19601-uitstel-variant") + load_fixture("zaak-2021Z19241-commissieverzoek"))
    monkeypatch.setitem(app.config, "TK_BATCH_SIZE", 1)
    fake_tk.fail_matching("'2021Z19241'", "status", status=503, times=3)  # every attempt

    result = run(app, db, "tk_reconcile", dt.date(2021, 11, 29))

    assert result.status == JobStatus.ok, result.error
    counts = result.counts
    assert (counts["requests"], counts["failed_requests"], counts["failed"], counts["checked"]) == (2, 1, 1, 1)
    assert counts["failed_references"] == ["2021Z19241"]
    assert len(counts["errors"]) == 1 and counts["errors"][0].startswith("TKUnavailable:") and "HTTP 503" in counts["errors"][0]
    written = _case(db, "2021Z19601")
    assert written.tk_postponed_on == dt.date(2021, 11, 26) and written.tk_checked_at is not None
    assert counts["postponed"] == 1
    assert _case(db, "2021Z19241").tk_checked_at is None, "not read, so not checked: the next run tries it again"
    assert sync_state(db, "reconcile").last_counts["failed_references"] == ["2021Z19241"]

    again = run(app, db, "tk_reconcile", dt.date(2021, 11, 30))
    assert again.counts["failed"] == 0 and "failed_references" not in again.counts
    assert _case(db, "2021Z19241").tk_checked_at is not None


# -- events -------------------------------------------------------------------------------------


def _budget_activity(**changes):
    record = load_fixture("activiteit-begrotingsbehandeling-jenv-2022")[0]
    record.update(changes)
    return record


def test_events_import_matches_the_seed_event_then_follows_a_move_and_a_cancellation(app, db, fake_tk, seed_case, users, login):
    drafter = login("drafter")
    fake_tk.activiteiten.append(_budget_activity(Status="Gepland"))
    first = run(app, db, "tk_events", dt.date(2021, 11, 20))
    assert first.status == JobStatus.ok, first.error
    events = db.session.scalars(sa.select(Event).where(Event.kind == "budget_debate")).all()
    assert len(events) == 1, "the demo's budget debate got the Kamer's number, no duplicate"
    budget = events[0]
    assert budget.tk_number == "2021A99001" and budget.starts_on == dt.date(2021, 11, 24)
    written = _case(db, "2021Z19601")
    assert written.due_before_event_id == budget.id
    before_event = db.session.scalar(sa.select(Deadline).where(Deadline.case_id == written.id, Deadline.kind == DeadlineKind.before_event))
    old_due = before_event.practical_due_on

    # The Kamer moves the debate a week later.
    fake_tk.activiteiten[:] = [
        _budget_activity(
            Status="Verplaatst",
            Datum="2021-12-01T00:00:00+01:00",
            Aanvangstijd="2021-12-01T10:15:00+01:00",
            Eindtijd="2021-12-02T23:00:00+01:00",
            ApiGewijzigdOp="2021-11-27T08:00:00.0000000Z",
        )
    ]
    moved = run(app, db, "tk_events", dt.date(2021, 11, 27))
    assert moved.counts["moved"] == 1
    db.session.expire_all()
    budget = db.session.get(Event, budget.id)
    assert budget.starts_on == dt.date(2021, 12, 1) and budget.ends_on == dt.date(2021, 12, 2)
    before_event = db.session.scalar(sa.select(Deadline).where(Deadline.case_id == written.id, Deadline.kind == DeadlineKind.before_event))
    assert before_event.practical_due_on > old_due
    actions = [e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "case", AuditEntry.object_id == written.id))]
    assert "case:tk_event_moved" in actions and "case:deadlines_recomputed" in actions
    page = drafter.get("/cases/2021Z19601")
    assert "De Tweede Kamer heeft Begrotingsbehandeling JenV 2022 verplaatst" in page.text

    # Nothing new: no change.
    assert run(app, db, "tk_events", dt.date(2021, 11, 27)).counts["moved"] == 0

    # Cancelled: kept, renamed, and the anchored case is warned.
    fake_tk.activiteiten[0]["Status"] = "Geannuleerd"
    cancelled = run(app, db, "tk_events", dt.date(2021, 11, 28))
    assert cancelled.counts["cancelled"] == 1 and cancelled.counts["warned"] >= 1
    db.session.expire_all()
    assert db.session.get(Event, budget.id).name == "Begrotingsbehandeling JenV 2022 (geannuleerd)"
    page = drafter.get("/cases/2021Z19601")
    assert "De Tweede Kamer heeft Begrotingsbehandeling JenV 2022 geannuleerd" in page.text
    assert run(app, db, "tk_events", dt.date(2021, 11, 28)).counts["cancelled"] == 0


def test_events_creates_new_debates_and_skips_other_ministries(app, db, fake_tk):
    fake_tk.activiteiten.extend(
        [
            _budget_activity(),
            _budget_activity(Id="0f1a0000-2021-4000-8000-0000a0000002", Nummer="2021A99002", Onderwerp="Begroting Financiën 2022 (35925-IX)"),
            _budget_activity(
                Id="0f1a0000-2021-4000-8000-0000a0000003",
                Nummer="2021A99003",
                Soort="Commissiedebat",
                Onderwerp="Vreemdelingen- en asielbeleid",
                DatumSoort="Dag",
                Datum="2021-12-08T00:00:00+01:00",
                Aanvangstijd="2021-12-08T10:00:00+01:00",
                Eindtijd="2021-12-08T14:00:00+01:00",
                Voortouwnaam="Justitie en Veiligheid",
                Voortouwafkorting="J&V",
            ),
        ]
    )
    result = run(app, db, "tk_events", dt.date(2021, 11, 20))
    assert result.counts["created"] == 2
    rows = {e.tk_number: e for e in db.session.scalars(sa.select(Event))}
    assert set(rows) == {"2021A99001", "2021A99003"}
    assert rows["2021A99001"].dossier == "35925-VI" and rows["2021A99001"].kind == "budget_debate"
    assert rows["2021A99003"].kind == "committee_debate" and rows["2021A99003"].ends_on is None


# -- admin page ---------------------------------------------------------------------------------


def test_admin_page_runs_a_job_now(app, db, fake_tk, signatory, users, login, monkeypatch):
    monkeypatch.setitem(app.config, "TK_WATCH_FIRST_DAYS", 20 * 365)  # the button runs as of today
    fake_tk.zaken.extend(synthetic_written_questions(2))
    admin = login("admin")
    page = admin.get("/admin/tk")
    assert page.status_code == 200 and "Nu uitvoeren" in page.text
    done = admin.post("/admin/tk/run", {"job": "tk_watch"}, token_from="/admin/tk")
    assert done.status_code == 302
    assert count(db, Case) == 1
    page = admin.get("/admin/tk")
    assert "new=1" in page.text
    fake_tk.fail_next("timeout", times=3, delay=0.5)
    admin.post("/admin/tk/run", {"job": "tk_watch"}, token_from="/admin/tk")
    page = admin.get("/admin/tk")
    assert "time-out" in page.text
    refused = admin.post("/admin/tk/run", {"job": "reminders"}, token_from="/admin/tk")
    assert refused.status_code == 302 and count(db, JobRun, JobRun.job == "reminders") == 0


def test_the_three_jobs_run_one_after_another_on_the_same_data(app, db, fake_tk, seed_case):
    fake_tk.zaken.extend(load_fixture("zaak-2021Z19601-uitstel-variant"))
    fake_tk.activiteiten.append(_budget_activity())
    results = {job: run(app, db, job, dt.date(2021, 11, 29)) for job in ("tk_watch", "tk_reconcile", "tk_events")}
    assert {job: r.status for job, r in results.items()} == dict.fromkeys(results, JobStatus.ok), {j: r.error for j, r in results.items()}
    assert results["tk_watch"].counts["existing"] == 1
    assert results["tk_reconcile"].counts["postponed"] == 1
    assert results["tk_events"].counts["updated"] == 1
    assert {k for k, s in ((k, sync_state(db, k)) for k in ("watch", "reconcile", "events")) if s and s.last_success} == {"watch", "reconcile", "events"}


def test_watch_names_questions_it_could_not_register(app, db, fake_tk, signatory, users):
    questions = synthetic_written_questions(3)
    questions[1]["GestartOp"] = None  # no submission date: a person has to look at it
    fake_tk.zaken.extend(questions)
    result = run(app, db, "tk_watch", dt.date(2021, 9, 10))
    assert result.status == JobStatus.ok
    assert result.counts["new"] == 1 and result.counts["not_registered"] == 1
    assert result.counts["not_registered_references"] == ["2021Z50001"]
    assert sync_state(db, "watch").last_counts["not_registered_references"] == ["2021Z50001"]


def test_reconcile_stores_a_withdrawal(app, db, fake_tk, seed_case, users, login):
    zaak = load_fixture("zaak-2021Z19601-open")[0]
    notice = {**zaak["Document"][0], "Id": "0f1a0000-2021-4000-8000-00001960199a", "Soort": "Mededeling",
              "Titel": "Vragen ingetrokken", "Onderwerp": "Mededeling: de vragen zijn ingetrokken",
              "DocumentNummer": "2021D99699", "Datum": "2021-11-12T00:00:00+01:00"}
    zaak["Document"].append(notice)
    fake_tk.zaken.append(zaak)
    result = run(app, db, "tk_reconcile", dt.date(2021, 11, 15))
    assert result.counts["withdrawn"] == 1
    case = _case(db, "2021Z19601")
    assert case.tk_withdrawn_on == dt.date(2021, 11, 12) and case.status not in (CaseStatus.withdrawn, CaseStatus.answered)
    page = login("drafter").get("/cases/2021Z19601")
    assert "De Tweede Kamer meldt: vragen ingetrokken op vrijdag 12 november 2021." in page.text
    assert "Gegevens van de Tweede Kamer over deze zaak overgenomen." in page.text


def test_events_error_changes_nothing(app, db, fake_tk, seed_case):
    fake_tk.activiteiten.append(_budget_activity(Datum="2021-12-01T00:00:00+01:00", Aanvangstijd=None, Eindtijd=None))
    fake_tk.fail_next("body", payload={"value": "not a list"})
    result = run(app, db, "tk_events", dt.date(2021, 11, 20))
    assert result.status == JobStatus.failed
    budget = db.session.scalar(sa.select(Event).where(Event.name == "Begrotingsbehandeling JenV 2022"))
    assert budget.starts_on == dt.date(2021, 11, 24) and budget.tk_number is None
    assert sync_state(db, "events").last_error.startswith("TKBadResponse")


def _moved_to(day: str, changed_at: str) -> dict:
    return _budget_activity(
        Status="Verplaatst", Datum=f"{day}T00:00:00+01:00", Aanvangstijd=f"{day}T10:15:00+01:00", Eindtijd=f"{day}T23:00:00+01:00", ApiGewijzigdOp=changed_at
    )


def test_a_moved_debate_notifies_enabled_drafters_only(app, db, fake_tk, seed_case, users):
    fake_tk.activiteiten.append(_budget_activity(Status="Gepland"))
    assert run(app, db, "tk_events", dt.date(2021, 11, 20)).status == JobStatus.ok
    written = _case(db, "2021Z19601")
    drafter = db.session.get(type(users["drafter"]), users["drafter"].id)
    written.drafter_id = drafter.id
    drafter.is_enabled = False
    db.session.commit()

    def event_moved_notices():
        return db.session.scalar(
            sa.select(sa.func.count()).select_from(Notification).where(
                Notification.user_id == drafter.id, Notification.kind == NotificationKind.tk_update, Notification.case_id == written.id
            )
        )

    fake_tk.activiteiten[:] = [_moved_to("2021-12-01", "2021-11-27T08:00:00.0000000Z")]
    moved = run(app, db, "tk_events", dt.date(2021, 11, 27))
    assert moved.counts["moved"] == 1 and moved.counts["warned"] >= 1
    assert event_moved_notices() == 0
    # Enabled again, the next move reaches them.
    drafter.is_enabled = True
    db.session.commit()
    fake_tk.activiteiten[:] = [_moved_to("2021-12-08", "2021-11-29T08:00:00.0000000Z")]
    assert run(app, db, "tk_events", dt.date(2021, 11, 29)).counts["moved"] == 1
    assert event_moved_notices() == 1


# -- committees by full name, abbreviation and short name -------------------------------------------


def _jv_debate(number, **names):
    return _budget_activity(
        Id=f"0f1a0000-2021-4000-8000-0000a00000{number[-2:]}",
        Nummer=number,
        Soort="Commissiedebat",
        Onderwerp="Vreemdelingen- en asielbeleid",
        DatumSoort="Dag",
        Datum="2021-12-08T00:00:00+01:00",
        Aanvangstijd="2021-12-08T10:00:00+01:00",
        Eindtijd="2021-12-08T14:00:00+01:00",
        **names,
    )


JV = {"Voortouwnaam": "vaste commissie voor Justitie en Veiligheid", "Voortouwafkorting": "J&V", "Voortouwkortenaam": "Justitie en Veiligheid"}
FIN = {"Voortouwnaam": "vaste commissie voor Financiën", "Voortouwafkorting": "FIN", "Voortouwkortenaam": "Financiën"}


@pytest.mark.parametrize("configured", ["Justitie en Veiligheid", "J&V", "vaste commissie voor Justitie en Veiligheid"])
def test_committee_debates_match_on_full_name_abbreviation_or_short_name(app, db, fake_tk, monkeypatch, configured):
    """The Kamer's open data names the committee three ways; any one of them in the
    configuration finds its debates (the default "Justitie en Veiligheid" is the short name)."""
    monkeypatch.setitem(app.config, "TK_EVENT_COMMITTEES", [configured])
    fake_tk.activiteiten.extend([_jv_debate("2021A99011", **JV), _jv_debate("2021A99012", **FIN)])
    result = run(app, db, "tk_events", dt.date(2021, 11, 20))
    assert result.status == JobStatus.ok, result.error
    assert {e.tk_number for e in db.session.scalars(sa.select(Event))} == {"2021A99011"}


def test_committee_records_link_the_names_the_configuration_does_not_give(app, db, fake_tk, monkeypatch):
    """Configured as "J&V", a debate whose record carries only the full and short name is
    found through the committee record (name "vaste commissie …", abbreviation "J&V")."""
    from parliament_tracker.organisation.models import Committee

    db.session.add(Committee(name="vaste commissie voor Justitie en Veiligheid", abbreviation="J&V"))
    db.session.commit()
    monkeypatch.setitem(app.config, "TK_EVENT_COMMITTEES", ["J&V"])
    fake_tk.activiteiten.append(_jv_debate("2021A99021", Voortouwnaam=JV["Voortouwnaam"], Voortouwafkorting=None, Voortouwkortenaam=JV["Voortouwkortenaam"]))
    assert run(app, db, "tk_events", dt.date(2021, 11, 20)).counts["created"] == 1
    monkeypatch.setitem(app.config, "TK_EVENT_COMMITTEES", ["Financiën"])  # no record, no other name
    fake_tk.activiteiten[:] = [_jv_debate("2021A99022", **{**FIN, "Voortouwnaam": "vaste commissie voor Financiën"})]
    assert run(app, db, "tk_events", dt.date(2021, 11, 20)).counts["created"] == 1


def test_a_zaaks_committee_is_matched_on_abbreviation_or_short_name_not_duplicated(app, db):
    from parliament_tracker.organisation.models import Committee
    from parliament_tracker.tk.committees import committee_for, find_committee, query_names, short_name

    with app.app_context():
        jv = Committee(name="Justitie en Veiligheid", abbreviation=None)  # typed in by hand, short
        fin = Committee(name="vaste commissie voor Financiën", abbreviation="FIN")
        db.session.add_all([jv, fin])
        db.session.flush()
        assert committee_for("vaste commissie voor Justitie en Veiligheid", "J&V").id == jv.id
        assert committee_for("FIN").id == fin.id and find_committee(None, None, "financiën").id == fin.id
        assert find_committee("vaste commissie voor Defensie", "DEF") is None
        created = committee_for("vaste commissie voor Defensie", "DEF")
        assert created.id is not None and created.abbreviation == "DEF"
        assert committee_for("Defensie").id == created.id
        assert short_name("vaste commissie voor Justitie en Veiligheid") == "Justitie en Veiligheid"
        assert short_name("Tweede Kamer") == "Tweede Kamer"
        assert query_names(["FIN", "Tweede Kamer"]) == ["FIN", "vaste commissie voor Financiën", "Financiën", "Tweede Kamer"]
        db.session.rollback()


def test_reconcile_reads_a_zero_batch_or_parallel_setting_as_one(app, db, fake_tk, signatory, users, monkeypatch):
    fake_tk.zaken.extend(synthetic_written_questions(5))
    new = run(app, db, "tk_watch", dt.date(2021, 9, 10)).counts["new"]
    monkeypatch.setitem(app.config, "TK_BATCH_SIZE", 0)
    monkeypatch.setitem(app.config, "TK_PARALLEL_REQUESTS", 0)
    fake_tk.requests.clear()

    result = run(app, db, "tk_reconcile", dt.date(2021, 10, 20))

    assert result.status == JobStatus.ok, result.error
    assert new > 0 and len(fake_tk.requests) == result.counts["requests"] == new
    assert fake_tk.max_in_flight == 1 and result.counts["checked"] == new
