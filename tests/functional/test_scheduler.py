"""Scheduler jobs against the seed data, in frozen time: the right reminders on the right
days, nothing twice, escalations, the weekly digest, job runs, locks and the CLI."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import JobLock, JobRun, JobStatus, Notification, NotificationKind
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.scheduler import JOBS, Job, run_job, scheduled_job
from tests.tk_fake import FakeTK, serve_to_app

AMS = ZoneInfo("Europe/Amsterdam")
SEED = "2021Z19241"
K = NotificationKind


def at(day: dt.date, hour: int = 7):
    """Freeze the clock at ``hour`` o'clock in The Hague on ``day``."""
    return time_machine.travel(dt.datetime(day.year, day.month, day.day, hour, tzinfo=AMS), tick=False)


def days(first: dt.date, last: dt.date):
    while first <= last:
        yield first
        first += dt.timedelta(days=1)


@pytest.fixture
def staff(app, seed_case, users):
    """Addresses for the fixture users, and the director placed in the seed case's directorate."""
    with app.app_context():
        dgmi = seed_case.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
        for role in ("drafter", "director", "registrar"):
            user = seed_case.session.get(User, users[role].id)
            user.email = f"{role}@example.org"
            if role == "director":
                user.directorate = dgmi
        seed_case.session.commit()
    return users


@pytest.fixture
def scheduler_log(monkeypatch, caplog):
    """The scheduler's log; Alembic's fileConfig (migration tests) disables existing loggers."""
    import logging

    monkeypatch.setattr(logging.getLogger("parliament_tracker.scheduler"), "disabled", False)
    return caplog


def notifications(db, reference: str | None = None, kind: NotificationKind | None = None) -> list[Notification]:
    query = sa.select(Notification).order_by(Notification.id)
    if reference is not None:
        query = query.join(Case, Case.id == Notification.case_id).where(Case.reference == reference)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return list(db.session.scalars(query))


def test_seed_case_reminders_on_the_right_days_and_never_twice(app, seed_case, staff):
    """N = 2 working days: draft due Thu 11 Nov -> Tue 9 Nov; approval Tue 16 Nov -> Fri 12 Nov;
    signature Fri 19 Nov -> Wed 17 Nov; answer due Tue 23 Nov -> Fri 19 Nov."""
    assert app.config["REMINDER_WORKING_DAYS_BEFORE"] == 2
    for day in days(dt.date(2021, 11, 1), dt.date(2021, 11, 26)):
        with at(day), app.app_context():
            first = run_job("reminders")
            second = run_job("reminders")
            assert first.status == second.status == JobStatus.ok
            assert first.as_of == day
            assert second.counts.get("queued", 0) == 0, day
    with app.app_context():
        got = [(n.created_at.astimezone(AMS).date(), n.kind, n.due_on, n.user_id) for n in notifications(seed_case, SEED)]
    drafter = staff["drafter"].id
    assert got == [
        (dt.date(2021, 11, 9), K.reminder_draft, dt.date(2021, 11, 11), drafter),
        (dt.date(2021, 11, 12), K.reminder_approval, dt.date(2021, 11, 16), drafter),
        (dt.date(2021, 11, 17), K.reminder_signature, dt.date(2021, 11, 19), drafter),
        (dt.date(2021, 11, 19), K.reminder_due, dt.date(2021, 11, 23), drafter),
    ]
    with app.app_context():
        keys = [n.dedupe_key for n in notifications(seed_case)]
    assert len(keys) == len(set(keys))


def test_no_reminders_on_weekends_and_holidays(app, seed_case, staff):
    with app.app_context():
        saturday = run_job("reminders", dt.date(2021, 11, 13))
        christmas = run_job("reminders", dt.date(2021, 12, 27) - dt.timedelta(days=2))
        assert saturday.counts == christmas.counts == {"skipped": "not a working day"}
        assert notifications(seed_case) == []


def test_a_missed_day_is_caught_up_and_done_steps_are_not_reminded(app, seed_case, staff):
    with app.app_context():
        case = seed_case.session.scalar(sa.select(Case).where(Case.reference == SEED))
        # The drafter already sent the draft for review: no draft reminder, the rest stays.
        seed_case.session.execute(sa.update(Case).where(Case.id == case.id).values(status=CaseStatus.in_review))
        seed_case.session.commit()
        run_job("reminders", dt.date(2021, 11, 10))  # the scheduler was down on the 9th
        run_job("reminders", dt.date(2021, 11, 15))  # and on the 12th
        kinds = {(n.kind, n.due_on) for n in notifications(seed_case, SEED)}
    assert kinds == {(K.reminder_approval, dt.date(2021, 11, 16))}


def test_case_without_drafter_reminds_the_directorate_mailbox(app, seed_case, staff):
    with app.app_context():
        seed_case.session.execute(sa.update(Case).where(Case.reference == SEED).values(drafter_id=None))
        seed_case.session.commit()
        run_job("reminders", dt.date(2021, 11, 9))
        [n] = notifications(seed_case, SEED)
        assert n.user_id is None and [(d.channel, d.address) for d in n.deliveries] == [("email", "dgmi-kamerstukken@example.org")]
        assert n.recipient == "mail:dgmi-kamerstukken@example.org"
        assert "mailbox" in n.body_text or "postbus" in n.body_text


def test_closed_cases_get_nothing(app, seed_case, staff):
    with app.app_context():
        seed_case.session.execute(sa.update(Case).where(Case.reference == SEED).values(status=CaseStatus.withdrawn))
        seed_case.session.commit()
        for day in (dt.date(2021, 11, 9), dt.date(2021, 11, 30)):
            run_job("reminders", day)
            run_job("escalation", day)
        assert notifications(seed_case, SEED) == []


def test_preferences_are_respected_but_escalations_cannot_be_switched_off(app, seed_case, staff):
    with app.app_context():
        drafter = seed_case.session.get(User, staff["drafter"].id)
        director = seed_case.session.get(User, staff["director"].id)
        services.set_preferences(drafter, [K.reminder_due])
        services.set_preferences(director, [])  # tries to switch everything off
        seed_case.session.commit()
        # Escalations, the Tweede Kamer notices (tk_*) and the Woo file one asked for cannot be switched off.
        assert services.wanted_kinds(drafter) == {K.reminder_due, K.escalation, K.contribution_escalation, K.tk_new_case, K.tk_update, K.woo_export_ready}
        assert K.escalation in services.wanted_kinds(director)
        for day in (dt.date(2021, 11, 9), dt.date(2021, 11, 12), dt.date(2021, 11, 17), dt.date(2021, 11, 19)):
            run_job("reminders", day)
        assert [n.kind for n in notifications(seed_case, SEED)] == [K.reminder_due]
        run = run_job("escalation", dt.date(2021, 11, 24))
        assert run.status == JobStatus.ok
        escalated = {n.user_id for n in notifications(seed_case, SEED, K.escalation)}
        assert director.id in escalated


def test_escalation_to_director_and_registrar_once_per_missed_date(app, seed_case, staff):
    with app.app_context():
        run_job("escalation", dt.date(2021, 11, 11))  # the draft is due today: not missed yet
        assert notifications(seed_case, SEED, K.escalation) == []
        for _ in range(2):
            run_job("escalation", dt.date(2021, 11, 12))
        got = {(n.user_id, n.due_on) for n in notifications(seed_case, SEED, K.escalation)}
        assert got == {(staff["director"].id, dt.date(2021, 11, 11)), (staff["registrar"].id, dt.date(2021, 11, 11))}
        run_job("escalation", dt.date(2021, 11, 15))  # nothing new missed since
        assert len(notifications(seed_case, SEED, K.escalation)) == 2
        run_job("escalation", dt.date(2021, 11, 17))  # approval (16 Nov) missed as well
        later = [n for n in notifications(seed_case, SEED, K.escalation) if n.due_on == dt.date(2021, 11, 16)]
        assert len(later) == 2
        assert "2021Z19241" in later[0].subject and "/cases/2021Z19241" in later[0].body_html


def test_escalation_without_director_or_registrar_goes_to_the_mailbox_else_the_admins(app, seed_case, users):
    """Nobody to escalate to (no director of the directorate, no registrar): the directorate's
    mailbox gets it, without a mailbox the administrators; the run's counts say so."""
    with app.app_context():
        for role in ("director", "registrar"):
            seed_case.session.get(User, users[role].id).is_enabled = False
        admin = seed_case.session.get(User, users["admin"].id)
        admin.email = "admin@example.org"
        dgmi = seed_case.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
        assert dgmi.email  # the seed case's directorate has a mailbox
        seed_case.session.commit()
        run = run_job("escalation", dt.date(2021, 11, 12))
        assert run.status == JobStatus.ok, run.error
        [to_mailbox] = notifications(seed_case, SEED, K.escalation)
        assert to_mailbox.user_id is None and [d.address for d in to_mailbox.deliveries] == [dgmi.email]
        assert run.counts["to_mailbox"] >= 1 and run.counts["no_recipient"] == 0

        dgmi.email = None
        seed_case.session.commit()
        run = run_job("escalation", dt.date(2021, 11, 17))  # the approval date missed as well
        later = [n for n in notifications(seed_case, SEED, K.escalation) if n.due_on == dt.date(2021, 11, 16)]
        assert [n.user_id for n in later] == [admin.id]
        assert run.counts["to_admins"] >= 1 and run.counts["no_recipient"] == 0

        admin.is_enabled = False
        seed_case.session.commit()
        run = run_job("escalation", dt.date(2021, 11, 22))
        assert run.counts["no_recipient"] >= 1 and run.counts["to_admins"] == 0


def test_weekly_digest_lists_late_list_due_and_waiting_and_mentions_the_recess(app, seed_case, staff):
    with app.app_context():
        run = run_job("weekly_digest", dt.date(2021, 11, 26))  # Friday before 29 Nov
        assert run.status == JobStatus.ok and run.counts["queued"] == 1
        [digest] = notifications(seed_case, kind=K.weekly_digest)
        assert digest.user_id == staff["director"].id and digest.due_on == dt.date(2021, 11, 29)
        # 2021Z19601 (submitted 5 Nov, 3 weeks = 26 Nov) is on the Kamer's list on Monday 29 Nov.
        late_part = digest.body_text.split("\n\n")[3]
        assert "2021Z19601" in late_part
        assert "/cases/2021Z19601" in digest.body_html
        assert run_job("weekly_digest", dt.date(2021, 11, 26)).counts["queued"] == 0
        # The Friday before the Christmas recess (17 Dec 2021 - 10 Jan 2022) says so.
        run_job("weekly_digest", dt.date(2021, 12, 17))
        recess = [n for n in notifications(seed_case, kind=K.weekly_digest) if n.due_on == dt.date(2021, 12, 20)]
        assert len(recess) == 1 and "Kerstreces 2021" in recess[0].body_text


def test_failing_job_is_recorded_and_the_next_job_still_runs(app, seed_case, staff, monkeypatch, scheduler_log):
    def boom(today):
        raise RuntimeError("TK API down")

    monkeypatch.setitem(JOBS, "tk_events", Job("tk_events", boom, "broken"))
    monkeypatch.setattr("parliament_tracker.scheduler._APP", app)  # as `flask scheduler run` sets it
    scheduled_job("tk_events")  # what APScheduler calls: must not raise
    with app.app_context():
        failed = run_job("tk_events", dt.date(2021, 11, 9))
        assert failed.status == JobStatus.failed and "TK API down" in failed.error and failed.finished_at
        ok = run_job("reminders", dt.date(2021, 11, 9))
        assert ok.status == JobStatus.ok and ok.counts["queued"] > 0
        runs = seed_case.session.scalars(sa.select(JobRun).order_by(JobRun.id)).all()
        assert [(r.job, r.status) for r in runs] == [
            ("tk_events", JobStatus.failed),
            ("tk_events", JobStatus.failed),
            ("reminders", JobStatus.ok),
        ]
        assert all(r.started_at <= r.finished_at for r in runs)
    assert "TK API down" in scheduler_log.text
    monkeypatch.undo()
    # Retried next time: the real job works again (against the fake Tweede Kamer server).
    with serve_to_app(FakeTK(), app, monkeypatch, read_timeout=0.2), app.app_context():
        assert run_job("tk_events", dt.date(2021, 11, 10)).status == JobStatus.ok


def test_a_job_locked_by_another_process_is_skipped_and_logged(app, db, scheduler_log):
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect != "sqlite":
        pytest.skip("the lock row is the SQLite lock; PostgreSQL uses advisory locks (see test_scheduler_postgres)")
    from parliament_tracker.db import now_utc

    with app.app_context():
        db.session.add(JobLock(name="reminders", holder="other-host:1", locked_until=now_utc() + dt.timedelta(minutes=5)))
        db.session.commit()
        run = run_job("reminders", dt.date(2021, 11, 9))
        assert run.status == JobStatus.skipped
        db.session.execute(sa.update(JobLock).values(locked_until=now_utc() - dt.timedelta(seconds=1)))
        db.session.commit()
        assert run_job("reminders", dt.date(2021, 11, 9)).status == JobStatus.ok  # an expired lock is taken over
        lock = db.session.get(JobLock, "reminders")
        db.session.refresh(lock)
        assert lock.locked_until is None  # released after the run
        lock.locked_until, lock.holder = now_utc() + dt.timedelta(hours=1), "crashed-host:9"
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["jobs", "unlock", "reminders"])
    assert result.exit_code == 0 and "unlocked" in result.output
    with app.app_context():
        assert run_job("reminders", dt.date(2021, 11, 10)).status == JobStatus.ok
    assert "skipped" in scheduler_log.text


def test_cli_jobs_list_and_run(app, seed_case, staff):
    runner = app.test_cli_runner()
    listing = runner.invoke(args=["jobs", "list"])
    assert listing.exit_code == 0, listing.output
    for name in ("reminders", "escalation", "weekly_digest", "send_outbox", "db_statistics", "tk_watch", "tk_reconcile", "tk_events"):
        assert name in listing.output
    assert "0 8 * * fri" in listing.output
    assert "20 7-18 * * mon-fri" in listing.output, "tk_watch keeps its default schedule beside JOB_SCHEDULES"
    result = runner.invoke(args=["jobs", "run", "reminders", "--today", "2021-11-09"])
    assert result.exit_code == 0, result.output
    assert "reminders (2021-11-09): ok" in result.output
    again = runner.invoke(args=["jobs", "run", "reminders", "--today", "2021-11-09"])
    assert "'queued': 0" in again.output
    assert runner.invoke(args=["jobs", "run", "nope"]).exit_code != 0
    assert runner.invoke(args=["scheduler", "--help"]).exit_code == 0


def test_scheduler_is_built_only_on_demand_with_every_job(app):
    from parliament_tracker.scheduler import build_scheduler

    scheduler = build_scheduler(app)
    assert sorted(j.id for j in scheduler.get_jobs()) == sorted([*JOBS, "_heartbeat"])
    assert not scheduler.running
    reminders = next(j for j in scheduler.get_jobs() if j.id == "reminders")
    assert reminders.args == ("reminders",) and reminders.func.__module__ == "parliament_tracker.scheduler"


def test_messages_are_in_the_users_language(app, seed_case, staff):
    with app.app_context():
        drafter = seed_case.session.get(User, staff["drafter"].id)
        drafter.locale = "en"
        seed_case.session.commit()
        run_job("reminders", dt.date(2021, 11, 9))
        [to_drafter] = notifications(seed_case, SEED)
        seed_case.session.execute(sa.update(Case).where(Case.reference == "2021Z19601").values(drafter_id=None))
        seed_case.session.commit()
        run_job("reminders", dt.date(2021, 11, 10))
        [to_mailbox] = [n for n in notifications(seed_case, "2021Z19601") if n.user_id is None]
    assert to_drafter.locale == "en"
    assert to_drafter.subject == "Reminder 2021Z19241: draft answer ready by Thursday 11 November 2021"  # not this year: with the year
    assert to_mailbox.locale == "nl"
    assert to_mailbox.subject.startswith("Herinnering 2021Z19601: ")
    assert "functionele postbus" in to_mailbox.body_text


def test_the_removed_tk_sync_job_is_an_unknown_job(app, monkeypatch):
    import click

    from parliament_tracker.scheduler import schedules

    assert "tk_sync" not in JOBS and {"tk_watch", "tk_reconcile", "tk_events"} <= set(JOBS)
    assert "tk_sync" not in schedules(app)
    monkeypatch.setitem(app.config, "JOB_SCHEDULES", {"tk_sync": "0 6 * * mon-fri"})
    with pytest.raises(click.ClickException, match="JOB_SCHEDULES names unknown jobs: tk_sync"):
        schedules(app)


def test_admin_pages_warn_about_unknown_scheduled_jobs(app, login, monkeypatch):
    monkeypatch.setitem(app.config, "JOB_SCHEDULES", {"tk_sync": "0 6 * * mon-fri", "reminders": "0 9 * * mon-fri"})
    browser = login("admin")
    jobs = browser.get("/admin/jobs")
    assert jobs.status_code == 200
    assert "tk_sync" in jobs.text and 'role="alert"' in jobs.text
    assert "0 9 * * mon-fri" in jobs.text  # the known names still apply
    assert browser.get("/admin/tk").status_code == 200
