"""A database of its own for tests that compare answers with and without planner statistics.

The suite's shared database rolls every test back; statistics written by ANALYZE there would
reach other tests' plans. These tests get a fresh SQLite file (or, on a PostgreSQL run, a
scratch PostgreSQL database) and an app bound to it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from flask import Flask

from parliament_tracker import create_app
from parliament_tracker.extensions import db
from tests.conftest import scratch_postgres_database


def on_postgresql() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


@contextlib.contextmanager
def separate_app(tmp_path: Any, dialect: str, name: str = "plan") -> Iterator[Flask]:
    """An app on an empty database of its own (``dialect`` "sqlite" or "postgresql"), its
    schema created; an app context is pushed for the duration."""
    with contextlib.ExitStack() as stack:
        if dialect == "sqlite":
            url = f"sqlite:///{tmp_path}/{name}.sqlite"
        else:
            url = stack.enter_context(scratch_postgres_database(name))
        app = create_app(
            {"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test", "SERVER_NAME": "tracker.test", "WTF_CSRF_ENABLED": False}
        )
        with app.app_context():
            db.create_all()
            try:
                yield app
            finally:
                db.session.remove()
                db.engine.dispose()


def analyze() -> dict[str, Any]:
    """What the nightly ``db_statistics`` job does (run through the scheduler's job runner)."""
    import datetime as dt

    from parliament_tracker.notifications.models import JobStatus
    from parliament_tracker.scheduler import run_job

    run = run_job("db_statistics", dt.date(2026, 12, 7))
    assert run.status == JobStatus.ok, run.error
    return dict(run.counts)
