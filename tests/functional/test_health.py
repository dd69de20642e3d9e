"""GET /health: 200 when everything is alive, 503 naming the failed checks otherwise."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa

from parliament_tracker.db import now_utc
from parliament_tracker.notifications.models import JobRun, JobStatus, SchedulerHeartbeat
from parliament_tracker.operations.health import code_heads, last_fire_time
from parliament_tracker.scheduler import JOBS


@pytest.fixture
def stamped(app: Any, db: Any) -> list[str]:
    """The test database as ``flask db upgrade`` leaves it: alembic_version at the code's head
    (the suite's database is made by create_all; this table goes with the rollback)."""
    heads = sorted(code_heads(app.extensions["migrate"].directory))
    db.session.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    for head in heads:
        db.session.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
    db.session.commit()
    return heads


def _heartbeat(db: Any, *, started_ago: dt.timedelta, beat_ago: dt.timedelta) -> None:
    now = now_utc()
    db.session.add(SchedulerHeartbeat(holder="sched:1", started_at=now - started_ago, beat_at=now - beat_ago))
    db.session.commit()


def test_healthy_installation_answers_200(client: Any, db: Any, stamped: list[str]) -> None:
    _heartbeat(db, started_ago=dt.timedelta(minutes=10), beat_ago=dt.timedelta(seconds=30))
    response = client.get("/health")
    assert response.status_code == 200, response.json
    body = response.json
    assert body["status"] == "ok" and body["failed"] == []
    assert body["checks"]["migrations"] == {"ok": True, "database": stamped, "code": stamped}
    assert body["checks"]["scheduler"]["ok"] and body["checks"]["scheduler"]["processes"] == 1
    assert response.headers["Cache-Control"] == "no-store"


def test_stale_heartbeat_fails_the_scheduler_check(client: Any, db: Any, stamped: list[str]) -> None:
    _heartbeat(db, started_ago=dt.timedelta(hours=1), beat_ago=dt.timedelta(minutes=10))
    response = client.get("/health")
    assert response.status_code == 503
    body = response.json
    assert body["status"] == "failing" and "scheduler" in body["failed"]
    scheduler = body["checks"]["scheduler"]
    assert scheduler["ok"] is False and scheduler["age_seconds"] >= 600 and scheduler["max_age_seconds"] == 300
    assert "stale" in scheduler["error"]
    # the load balancer's subset does not depend on the scheduler
    assert client.get("/health/web").status_code == 200


def test_no_scheduler_at_all_fails(client: Any, db: Any, stamped: list[str]) -> None:
    response = client.get("/health")
    assert response.status_code == 503
    assert {"scheduler", "jobs"} <= set(response.json["failed"])


def test_a_job_without_a_successful_run_since_it_was_due_fails(app: Any, client: Any, db: Any, stamped: list[str]) -> None:
    _heartbeat(db, started_ago=dt.timedelta(days=9), beat_ago=dt.timedelta(seconds=10))
    # send_outbox runs every 5 minutes: a failed run does not count, an old success neither
    now = now_utc()
    db.session.add(JobRun(job="send_outbox", as_of=now.date(), status=JobStatus.failed, started_at=now - dt.timedelta(minutes=40), counts={}))
    db.session.add(JobRun(job="send_outbox", as_of=now.date(), status=JobStatus.ok, started_at=now - dt.timedelta(hours=5), counts={}))
    db.session.commit()
    body = client.get("/health").json
    assert "jobs" in body["failed"]
    late = body["checks"]["jobs"]["jobs"]["send_outbox"]
    assert late["ok"] is False and late["last_success"] is not None
    # every scheduled job succeeded just now: the check passes
    for name in JOBS:
        db.session.add(JobRun(job=name, as_of=now.date(), status=JobStatus.ok, started_at=now_utc(), counts={}))
    db.session.commit()
    response = client.get("/health")
    assert response.status_code == 200, response.json["failed"]


def test_database_behind_the_code_fails_migrations(client: Any, db: Any, stamped: list[str]) -> None:
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    response = client.get("/health/web")
    assert response.status_code == 503
    assert response.json["failed"] == ["migrations"]
    assert response.json["checks"]["migrations"]["database"] == ["0001"]


def test_database_down_answers_503(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """An app whose database cannot be reached (a closed port): 503, the database named, the
    checks that need it skipped, and no 500 on the way."""
    from parliament_tracker import create_app

    monkeypatch.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    down = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "health-test",
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://postgres@127.0.0.1:9/nowhere?connect_timeout=2",
        }
    )
    client = down.test_client()
    for path in ("/health", "/health/web"):
        response = client.get(path)
        assert response.status_code == 503, response.data
        body = response.json
        assert body["failed"][0] == "database"
        assert body["checks"]["database"]["ok"] is False
        assert body["checks"]["database"]["error"].startswith("OperationalError")
        assert body["checks"]["migrations"]["error"].startswith("skipped")
    with down.app_context():
        from parliament_tracker.extensions import db as database

        database.engine.dispose()


def test_last_fire_time_of_crontabs() -> None:
    utc = dt.UTC
    end = dt.datetime(2026, 12, 7, 9, 2, tzinfo=utc)  # Monday 10:02 in Amsterdam
    start = end - dt.timedelta(days=30)
    assert last_fire_time("*/5 * * * *", "Europe/Amsterdam", start, end) == dt.datetime(2026, 12, 7, 9, 0, tzinfo=utc)
    # Friday 08:00 Amsterdam = 07:00 UTC
    assert last_fire_time("0 8 * * fri", "Europe/Amsterdam", start, end) == dt.datetime(2026, 12, 4, 7, 0, tzinfo=utc)
    # not since the scheduler started
    assert last_fire_time("0 8 * * fri", "Europe/Amsterdam", end - dt.timedelta(days=1), end) is None


def test_scheduler_beat_writes_one_row_per_process(app: Any, db: Any) -> None:
    from parliament_tracker.scheduler import beat

    started = now_utc() - dt.timedelta(minutes=3)
    with app.app_context():
        beat(started)
        first = db.session.scalars(sa.select(SchedulerHeartbeat)).all()
        beat(started)
        rows = db.session.scalars(sa.select(SchedulerHeartbeat)).all()
    assert len(first) == len(rows) == 1
    assert rows[0].started_at == started and rows[0].beat_at >= first[0].beat_at
