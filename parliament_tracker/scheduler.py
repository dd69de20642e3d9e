"""The scheduler process and the job runner.

``flask scheduler run`` starts an APScheduler ``BlockingScheduler`` in its own process; it is
never started by ``create_app`` or ``wsgi.py``, so web workers never run jobs (APScheduler
FAQ). Job functions are module-level and take plain arguments (the job name); each run
happens inside ``with app.app_context():`` and is recorded in a ``JobRun`` row.

A per-job lock (PostgreSQL ``pg_try_advisory_xact_lock``; on SQLite a conditional UPDATE on
a ``job_locks`` row) keeps two processes from running the same job body at once, and a
skipped run is logged. Exactly-once delivery does not depend on that lock: it comes from
the unique notification rows (see ``notifications.services.queue``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import signal
import socket
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy.dialects import sqlite

from parliament_tracker.db import now_utc, refresh_statistics, rowcount, today_local
from parliament_tracker.edge import run_job as run_in_unit_of_work
from parliament_tracker.enums import N_
from parliament_tracker.extensions import db
from parliament_tracker.notifications import digest, job_board
from parliament_tracker.notifications import jobs as job_bodies
from parliament_tracker.notifications.contribution_notices import overdue as contribution_overdue
from parliament_tracker.notifications.models import JobLock, JobRun, JobStatus, SchedulerHeartbeat
from parliament_tracker.notifications.standard_line_notices import expiring as standard_lines_expiring
from parliament_tracker.records import exports as woo_exports
from parliament_tracker.records import retention
from parliament_tracker.tk import sync as tk_sync

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    #: takes the day (and, for a job that ``resumes``, the previous step's counts)
    func: Callable[..., dict[str, Any]]
    #: marked with N_: the jobs page shows it in the reader's language
    description: str
    #: a lock row older than this is taken over (a crashed process on SQLite)
    lock_seconds: int = 3600
    #: the body does one step per unit of work and reports ``{"more": True}`` while work
    #: remains: the run repeats it (each step committed, so its progress is visible), at most
    #: ``max_steps`` times; the next run goes on
    max_steps: int = 1
    #: a stepping body that takes the previous step's counts as its second argument and goes on
    #: from there (its cursor and running totals); the first step gets none
    resumes: bool = False


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job("reminders", job_bodies.reminders, N_("Reminders N working days before milestones and due dates")),
        Job("escalation", job_bodies.escalation, N_("Missed milestones and due dates to directors and registrars"),
            max_steps=1000, resumes=True),
        Job("contributions_overdue", contribution_overdue, N_("Contributions: reminders before the due date; overdue ones to the asker, the contributor and the director(s) asked")),
        Job("standard_lines", standard_lines_expiring, N_("Remind owners N working days before their standard line expires")),
        Job("weekly_digest", digest.weekly_digest, N_("Friday overview per director: Monday late list, next week, waiting"),
            max_steps=1000, resumes=True),
        Job("prune_bodies", job_bodies.prune_bodies, N_("Delete the message bodies no notification refers to any more"),
            max_steps=1000, resumes=True),
        Job("daily_summary", job_bodies.daily_summary, N_("One e-mail per user who chose a daily summary of their notifications")),
        Job("send_outbox", job_bodies.send_outbox, N_("Send queued e-mails over SMTP (without SMTP: keep them in the outbox)")),
        Job("db_statistics", lambda _today: refresh_statistics(db.session), N_("Refresh the database's query-planner statistics (ANALYZE)")),
        # The Tweede Kamer jobs (parliament_tracker/tk/sync.py).
        Job("tk_watch", tk_sync.watch_job, N_("Tweede Kamer: register new written questions to the ministry, notify registrars")),
        Job("tk_reconcile", tk_sync.reconcile_job, N_("Tweede Kamer: answers, postponements and withdrawals of open cases")),
        Job("tk_events", tk_sync.events_job, N_("Tweede Kamer: budget and committee debates as events (moves, cancellations)")),
        # Records (parliament_tracker/records/).
        Job("woo_exports", woo_exports.step, N_("Woo files of searches: gather the documents step by step, then notify the requester"),
            max_steps=woo_exports.MAX_STEPS),
        Job("retention_proposal", retention.proposal_job, N_("Destruction list: closed cases past their retention period, for the archivist")),
    )
}

DEFAULT_SCHEDULES: dict[str, str | None] = {
    "reminders": "0 7 * * mon-fri",
    "escalation": "15 7 * * mon-fri",
    "contributions_overdue": "20 7 * * mon-fri",
    "standard_lines": "25 7 * * mon-fri",
    "weekly_digest": "0 8 * * fri",
    "send_outbox": "*/5 * * * *",
    "daily_summary": "0 17 * * mon-fri",
    "prune_bodies": "40 2 * * *",
    "db_statistics": "30 2 * * *",
    # New questions each hour of the working day; answers and debates once each morning.
    "tk_watch": "20 7-18 * * mon-fri",
    "tk_reconcile": "30 6 * * mon-fri",
    "tk_events": "45 6 * * mon-fri",
    # A Woo file asked for a search starts within a minute; the destruction list monthly.
    "woo_exports": "* * * * *",
    "retention_proposal": "0 3 1 * *",
}


def unknown_scheduled_jobs(app: Flask) -> list[str]:
    """Names in JOB_SCHEDULES that are not jobs (a typo, or a job removed in an upgrade)."""
    return sorted(set(app.config.get("JOB_SCHEDULES") or {}) - set(JOBS))


def schedules(app: Flask, *, strict: bool = True) -> dict[str, str | None]:
    """Crontab expression per job; a job set to null or "" in JOB_SCHEDULES is not scheduled.

    ``strict`` (the scheduler process, ``jobs list``): unknown names are an error, so a typo
    never silently leaves a job unscheduled. The admin pages pass False and show a warning.
    """
    configured = app.config.get("JOB_SCHEDULES") or {}
    unknown = unknown_scheduled_jobs(app)
    if unknown and strict:
        raise click.ClickException(f"JOB_SCHEDULES names unknown jobs: {', '.join(unknown)}")
    return {name: (configured[name] if name in configured else DEFAULT_SCHEDULES[name]) or None for name in JOBS}


def init_app(app: Flask) -> None:
    """At app creation: the jobs page and the Tweede Kamer page see the jobs through this board."""
    job_board.register(
        app,
        job_board.JobBoard(
            jobs=JOBS,
            schedules=lambda app: schedules(app, strict=False),
            unknown=unknown_scheduled_jobs,
            last_runs=last_runs,
            recent_runs=recent_runs,
            run_now=run_job,
        ),
    )


# -- locks ----------------------------------------------------------------------------------


def _holder() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _lock_key(name: str) -> int:
    # A stable signed 64-bit key per job name for pg advisory locks.
    return zlib.crc32(f"parliament_tracker.job.{name}".encode()) - 2**31


def _acquire(job: Job) -> bool:
    """Take the job's lock; False when another process holds it."""
    if db.session.get_bind().dialect.name == "postgresql":
        # Held until the job's transaction ends (commit or rollback).
        return bool(db.session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_lock_key(job.name)))))
    now = now_utc()
    db.session.execute(sqlite.insert(JobLock).values(name=job.name).on_conflict_do_nothing(index_elements=["name"]))
    taken = db.session.execute(
        sa.update(JobLock)
        .where(JobLock.name == job.name, sa.or_(JobLock.locked_until.is_(None), JobLock.locked_until < now))
        .values(locked_until=now + dt.timedelta(seconds=job.lock_seconds), holder=_holder()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()  # visible to the other process at once
    return rowcount(taken) == 1


def _release(job: Job) -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        return  # the advisory xact lock went with the transaction
    db.session.execute(
        sa.update(JobLock).where(JobLock.name == job.name, JobLock.holder == _holder()).values(locked_until=None, holder=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


# -- running one job ------------------------------------------------------------------------


def run_job(name: str, today: dt.date | None = None) -> JobRun:
    """Run one job now, in the current app context, and record it. Never raises for a
    failing job body: the error is logged and stored on the JobRun, and the next run retries."""
    job = JOBS[name]
    as_of = today or today_local()
    run = JobRun(job=name, as_of=as_of, status=JobStatus.running, started_at=now_utc(), counts={})
    db.session.add(run)
    db.session.commit()
    run_id = run.id
    locked = False
    try:
        locked = _acquire(job)
        if not locked:
            log.warning("job %s skipped: another process is running it", name)
            db.session.rollback()
            _finish(run_id, JobStatus.skipped, {"skipped": "locked by another process"}, None)
            return db.session.get(JobRun, run_id, populate_existing=True)  # type: ignore[return-value]
        # The job's body is one unit of work (committed, or rolled back on any error); the run
        # record and the lock around it are the scheduler's own bookkeeping.
        counts = run_in_unit_of_work(lambda: job.func(as_of))
        steps = 1
        while job.max_steps > 1 and counts.get("more") and steps < job.max_steps:
            counts = run_in_unit_of_work(functools.partial(_next_step, job, as_of, counts))
            steps += 1
        if job.max_steps > 1:
            counts = {**counts, "steps": steps}
        _finish(run_id, JobStatus.ok, counts, None)
        log.info("job %s (%s) done: %s", name, as_of, counts)
    except Exception:
        db.session.rollback()  # bookkeeping: whatever a failed lock attempt left
        error = traceback.format_exc()
        log.exception("job %s (%s) failed", name, as_of)
        _finish(run_id, JobStatus.failed, {}, error)
    finally:
        if locked:
            try:
                _release(job)
            except Exception:  # pragma: no cover - the lock expires on its own
                db.session.rollback()
                log.exception("could not release the lock of job %s", name)
    return db.session.get(JobRun, run_id, populate_existing=True)  # type: ignore[return-value]


def _next_step(job: Job, as_of: dt.date, previous: dict[str, Any]) -> dict[str, Any]:
    """One more step of a stepping job, in its own unit of work. On PostgreSQL the advisory lock
    went with the previous step's commit: it is taken again, and another process that took it in
    between (a second scheduler) goes on instead; the unique rows keep the work done once anyway."""
    if db.session.get_bind().dialect.name == "postgresql" and not _acquire(job):
        log.warning("job %s stopped after a step: another process took its lock", job.name)
        return {**previous, "more": False, "stopped": "locked by another process"}
    return job.func(as_of, previous) if job.resumes else job.func(as_of)


def _finish(run_id: int, status: JobStatus, counts: dict[str, Any], error: str | None) -> None:
    db.session.execute(
        sa.update(JobRun)
        .where(JobRun.id == run_id)
        .values(status=status, counts=counts, error=error, finished_at=now_utc()),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def recent_runs(limit: int = 100) -> list[JobRun]:
    return list(db.session.scalars(sa.select(JobRun).order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)))


def last_runs() -> dict[str, JobRun]:
    latest = sa.select(JobRun.job, sa.func.max(JobRun.id).label("id")).group_by(JobRun.job).subquery()
    return {r.job: r for r in db.session.scalars(sa.select(JobRun).join(latest, JobRun.id == latest.c.id))}


# -- the scheduler process ------------------------------------------------------------------

_APP: Flask | None = None
#: when this scheduler process started (its heartbeat row keeps it)
_STARTED_AT: dt.datetime | None = None


def beat(started_at: dt.datetime) -> None:
    """This process is alive: write its heartbeat row (``GET /health`` reads the newest)."""
    holder = _holder()
    now = now_utc()
    row = db.session.get(SchedulerHeartbeat, holder)
    if row is None:
        db.session.add(SchedulerHeartbeat(holder=holder, started_at=started_at, beat_at=now))
    else:
        row.started_at = started_at
        row.beat_at = now
    # Old processes' rows (another pid, a restart) are kept a day for the health page's count.
    db.session.execute(
        sa.delete(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at < now - dt.timedelta(days=1)),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def scheduled_heartbeat() -> None:
    """What APScheduler calls every SCHEDULER_HEARTBEAT_SECONDS."""
    app = _APP
    if app is None or _STARTED_AT is None:  # pragma: no cover - only inside ``flask scheduler run``
        return
    with app.app_context():
        try:
            beat(_STARTED_AT)
        except Exception:  # a database hiccup: the next beat tries again; /health sees the gap
            db.session.rollback()
            log.exception("could not write the scheduler heartbeat")
        finally:
            db.session.remove()


def scheduled_job(name: str) -> None:
    """What APScheduler calls: a module-level function with a plain argument."""
    app = _APP
    if app is None:  # pragma: no cover - only when called outside ``flask scheduler run``
        from parliament_tracker import create_app

        app = create_app()
    with app.app_context():
        try:
            run_job(name)
        except Exception:  # pragma: no cover - run_job records its own errors; this is the last net
            log.exception("job %s could not be run", name)
        finally:
            db.session.remove()


def build_scheduler(app: Flask) -> Any:
    from apscheduler.schedulers.blocking import BlockingScheduler
    from apscheduler.triggers.cron import CronTrigger

    tz = app.config.get("SCHEDULER_TIMEZONE", "Europe/Amsterdam")
    scheduler = BlockingScheduler(timezone=tz)
    for name, expression in schedules(app).items():
        if not expression:
            continue
        scheduler.add_job(
            scheduled_job,
            CronTrigger.from_crontab(expression, timezone=tz),
            args=[name],
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
            replace_existing=True,
        )
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler.add_job(
        scheduled_heartbeat,
        IntervalTrigger(seconds=int(app.config.get("SCHEDULER_HEARTBEAT_SECONDS") or 60), timezone=tz),
        id="_heartbeat",
        name="heartbeat",
        max_instances=1,
        coalesce=True,
        replace_existing=True,
    )
    return scheduler


scheduler_cli = AppGroup("scheduler", help="The scheduler process (run exactly one, beside the web server).")
jobs_cli = AppGroup("jobs", help="Scheduled jobs: list them, or run one now.")


@scheduler_cli.command("run")
def scheduler_run_command() -> None:
    """Run the scheduler in the foreground until stopped (Ctrl-C, SIGTERM)."""
    global _APP, _STARTED_AT
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    _APP = app
    _STARTED_AT = now_utc()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    scheduler = build_scheduler(app)
    for job in scheduler.get_jobs():
        click.echo(f"{job.id:15} {job.trigger}")
    beat(_STARTED_AT)
    click.echo("Scheduler running (Ctrl-C to stop).")

    def stop(signum: int, _frame: Any) -> None:
        # systemd stops with SIGTERM: let a running job finish its transaction, then exit.
        log.info("signal %s: stopping the scheduler after the running jobs", signum)
        scheduler.shutdown(wait=True)

    signal.signal(signal.SIGTERM, stop)
    with contextlib.suppress(KeyboardInterrupt, SystemExit):
        scheduler.start()
    click.echo("Scheduler stopped.")


@jobs_cli.command("list")
def jobs_list_command() -> None:
    """The jobs with their schedules and last run."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    last = {}
    try:
        last = last_runs()
    except sa.exc.SQLAlchemyError:  # database not migrated yet: still list the jobs
        db.session.rollback()
    for name, expression in schedules(app).items():
        run = last.get(name)
        when = f"last run {run.started_at:%Y-%m-%d %H:%M} UTC: {run.status.value}" if run else "never run"
        click.echo(f"{name:15} {expression or 'not scheduled':18} {JOBS[name].description} ({when})")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Run as if it were this day (YYYY-MM-DD).")
def jobs_run_command(name: str, today: dt.datetime | None) -> None:
    """Run job NAME now, once, and record it like a scheduled run."""
    run = run_job(name, today.date() if today else None)
    click.echo(f"{name} ({run.as_of.isoformat()}): {run.status.value} {run.counts}")
    if run.status == JobStatus.failed:
        click.echo(run.error or "", err=True)
        raise SystemExit(1)


@jobs_cli.command("unlock")
@click.argument("name", type=click.Choice(sorted(JOBS)))
def jobs_unlock_command(name: str) -> None:
    """Release job NAME's lock row after a crashed process (SQLite; PostgreSQL's advisory
    locks go away with the connection)."""
    result = db.session.execute(
        sa.update(JobLock).where(JobLock.name == name).values(locked_until=None, holder=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    click.echo(f"{name}: {'unlocked' if rowcount(result) else 'was not locked'}")
