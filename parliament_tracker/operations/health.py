"""``GET /health``: is this installation alive? For load balancers and monitoring.

Each check answers ``{"ok": bool, ...}`` with figures, never user data:

- ``database``: a ``SELECT 1``;
- ``migrations``: the database's Alembic revision is the code's head (the heads are read from
  ``migrations/versions`` once per process and cached: parsing the scripts costs ~0.1 s);
- ``scheduler``: the newest scheduler heartbeat (``scheduler_heartbeats``) is recent;
- ``jobs``: every scheduled job ran successfully (``job_runs``, status ok) after the last time its
  crontab said it should have, counting only times since the scheduler process started;
- ``mail``: the oldest e-mail waiting in the outbox is younger than the limit (only with
  ``SMTP_HOST``: without it mail stays in the outbox by design).

The checks below the database are skipped when it cannot be reached. ``web_checks`` is the
subset for a load balancer (``GET /health/web``): a stopped scheduler must not take the web
servers out of rotation.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import threading
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Flask

from parliament_tracker.db import now_utc
from parliament_tracker.extensions import db
from parliament_tracker.notifications.models import Delivery, JobRun, JobStatus, SchedulerHeartbeat, in_outbox
from parliament_tracker.scheduler import schedules

log = logging.getLogger(__name__)

Check = Callable[[Flask, dt.datetime], dict[str, Any]]

_heads_lock = threading.Lock()
_heads: dict[str, frozenset[str]] = {}


def code_heads(directory: str) -> frozenset[str]:
    """The head revision(s) of the migration scripts in ``directory``, read once per process."""
    with _heads_lock:
        if directory not in _heads:
            from alembic.script import ScriptDirectory

            _heads[directory] = frozenset(ScriptDirectory(directory).get_heads())
        return _heads[directory]


def _iso(value: dt.datetime | None) -> str | None:
    return value.astimezone(dt.UTC).isoformat(timespec="seconds") if value is not None else None


def check_database(app: Flask, now: dt.datetime) -> dict[str, Any]:
    db.session.execute(sa.text("SELECT 1"))
    return {"ok": True}


def check_migrations(app: Flask, now: dt.datetime) -> dict[str, Any]:
    heads = code_heads(app.extensions["migrate"].directory)
    try:
        with db.session.begin_nested():
            current = frozenset(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    except sa.exc.SQLAlchemyError:
        return {"ok": False, "error": "no alembic_version table: run flask db upgrade", "code": sorted(heads)}
    ok = current == heads
    answer: dict[str, Any] = {"ok": ok, "database": sorted(current), "code": sorted(heads)}
    if not ok:
        answer["error"] = "the database is not at the code's migration head: run flask db upgrade"
    return answer


def _newest_heartbeat() -> SchedulerHeartbeat | None:
    return db.session.scalar(sa.select(SchedulerHeartbeat).order_by(SchedulerHeartbeat.beat_at.desc()).limit(1))


def check_scheduler(app: Flask, now: dt.datetime) -> dict[str, Any]:
    limit = int(app.config["HEALTH_HEARTBEAT_MAX_AGE_SECONDS"])
    newest = _newest_heartbeat()
    if newest is None:
        return {"ok": False, "error": "the scheduler has never reported (flask scheduler run)", "max_age_seconds": limit}
    age = (now - newest.beat_at).total_seconds()
    recent = db.session.scalar(
        sa.select(sa.func.count()).select_from(SchedulerHeartbeat).where(SchedulerHeartbeat.beat_at >= now - dt.timedelta(seconds=limit))
    )
    answer: dict[str, Any] = {
        "ok": age <= limit,
        "last_heartbeat": _iso(newest.beat_at),
        "age_seconds": int(age),
        "max_age_seconds": limit,
        "started_at": _iso(newest.started_at),
        # more than one: two scheduler processes run (harmless for the messages, but one too many)
        "processes": recent,
    }
    if age > limit:
        answer["error"] = "the scheduler's heartbeat is stale: is the scheduler process running?"
    return answer


#: windows searched backwards for a crontab's last firing (small first: cheap for */5)
_WINDOWS = (dt.timedelta(minutes=15), dt.timedelta(hours=3), dt.timedelta(days=2), dt.timedelta(days=8), dt.timedelta(days=32))


@functools.lru_cache(maxsize=64)
def _trigger(expression: str, timezone: str) -> Any:
    from apscheduler.triggers.cron import CronTrigger

    return CronTrigger.from_crontab(expression, timezone=timezone)


def last_fire_time(expression: str, timezone: str, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    """The last time in [start, end] a crontab expression fires, or None (not within 32 days).

    Crontabs fire on whole minutes: the answer is the same for every ``end`` within one minute,
    so it is kept per minute (the health check is asked every few seconds)."""
    return _last_fire_time(expression, timezone, start, end.replace(second=0, microsecond=0))


@functools.lru_cache(maxsize=256)
def _last_fire_time(expression: str, timezone: str, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
    trigger = _trigger(expression, timezone)
    for window in _WINDOWS:
        lower = max(start, end - window)
        fire = trigger.get_next_fire_time(None, lower)
        if fire is None or fire > end:
            if lower == start:
                return None
            continue
        last = fire
        while True:
            following = trigger.get_next_fire_time(last, last + dt.timedelta(seconds=1))
            if following is None or following > end:
                return last.astimezone(dt.UTC)
            last = following
    return None


def check_jobs(app: Flask, now: dt.datetime) -> dict[str, Any]:
    """Every scheduled job succeeded since the last time it was due (times since the scheduler
    process started, minus a grace for the run itself)."""
    grace = dt.timedelta(seconds=int(app.config["HEALTH_JOB_GRACE_SECONDS"]))
    newest = _newest_heartbeat()
    if newest is None:
        return {"ok": False, "error": "no scheduler heartbeat: job runs cannot be judged"}
    timezone = app.config.get("SCHEDULER_TIMEZONE", "Europe/Amsterdam")
    newest_ok = sa.select(JobRun.job, sa.func.max(JobRun.started_at)).where(JobRun.status == JobStatus.ok).group_by(JobRun.job)
    last_ok: dict[str, dt.datetime] = {job: at for job, at in db.session.execute(newest_ok)}
    late: dict[str, Any] = {}
    jobs: dict[str, Any] = {}
    for name, expression in schedules(app, strict=False).items():
        if not expression:
            continue
        due = last_fire_time(expression, timezone, newest.started_at, now - grace)
        ok_at = last_ok.get(name)
        # a run starts a moment after its time; one minute of slack
        fine = due is None or (ok_at is not None and ok_at >= due - dt.timedelta(minutes=1))
        jobs[name] = {"ok": fine, "due": _iso(due), "last_success": _iso(ok_at)}
        if not fine:
            late[name] = jobs[name]
    answer: dict[str, Any] = {"ok": not late, "jobs": jobs, "grace_seconds": int(grace.total_seconds())}
    if late:
        answer["error"] = "jobs without a successful run since they were due: " + ", ".join(sorted(late))
    return answer


def check_mail(app: Flask, now: dt.datetime) -> dict[str, Any]:
    limit = int(app.config["HEALTH_MAIL_MAX_AGE_SECONDS"])
    oldest = db.session.scalar(sa.select(sa.func.min(Delivery.created_at)).where(in_outbox()))
    age = int((now - oldest).total_seconds()) if oldest is not None else 0
    sending = bool(app.config.get("SMTP_HOST"))
    answer: dict[str, Any] = {
        "ok": not sending or age <= limit,
        "oldest_unsent": _iso(oldest),
        "age_seconds": age,
        "max_age_seconds": limit,
        "sending": sending,
    }
    if not answer["ok"]:
        answer["error"] = "e-mail waits in the outbox longer than the limit: is the mail server reachable?"
    return answer


ALL_CHECKS: dict[str, Check] = {
    "database": check_database,
    "migrations": check_migrations,
    "scheduler": check_scheduler,
    "jobs": check_jobs,
    "mail": check_mail,
}
WEB_CHECKS = ("database", "migrations")


def run_checks(app: Flask, names: tuple[str, ...] | None = None) -> tuple[bool, dict[str, Any]]:
    """Run the checks; (all ok, the JSON body). Never raises: a failing check is reported."""
    now = now_utc()
    results: dict[str, Any] = {}
    database_ok = True
    for name in names or tuple(ALL_CHECKS):
        if not database_ok:
            results[name] = {"ok": False, "error": "skipped: the database cannot be reached"}
            continue
        try:
            # each check in a savepoint: a failed statement is undone there and the next check
            # still has a usable transaction (only the edge ends the transaction itself)
            with db.session.begin_nested():
                results[name] = ALL_CHECKS[name](app, now)
        except Exception as exc:
            log.warning("health check %s failed", name, exc_info=True)
            # the type only: the message may name hosts or statements (the log has it all)
            results[name] = {"ok": False, "error": f"{type(exc).__name__} (see the application log)"}
            if name == "database":
                database_ok = False
    failed = [name for name, result in results.items() if not result["ok"]]
    body = {"status": "ok" if not failed else "failing", "failed": failed, "time": _iso(now), "checks": results}
    return not failed, body
