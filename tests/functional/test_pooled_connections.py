"""Pooled PostgreSQL connections are checked at check-out without a round trip
(factory.check_pooled_connections, in place of pool_pre_ping's SELECT 1): one the server closed
is replaced, a live one is used again."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa

from parliament_tracker import create_app
from parliament_tracker.extensions import db

URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(not URL.startswith(("postgresql://", "postgresql+psycopg://")), reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]


def _psycopg(url: str) -> str:
    return "postgresql+psycopg://" + url.removeprefix("postgresql://") if url.startswith("postgresql://") else url


@pytest.fixture
def pool_app(tmp_path: Any) -> Iterator[Any]:
    os.environ.setdefault("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": _psycopg(URL)})
    yield app
    with app.app_context():
        db.engine.dispose()


def _backend_pid(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())


def test_no_ping_round_trip_by_default(pool_app):
    assert pool_app.config["CHECK_POOLED_CONNECTIONS"] is True
    with pool_app.app_context():
        assert db.engine.pool._pre_ping is False
        assert len(_socket_checks(db.engine)) == 1


def _socket_checks(engine: sa.Engine) -> list[Any]:
    return [fn for fn in engine.pool.dispatch.checkout if fn.__name__ == "closed_by_server"]


def test_the_operator_can_choose_the_ping_instead(tmp_path):
    os.environ.setdefault("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI": _psycopg(URL),
                      "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True}, "CHECK_POOLED_CONNECTIONS": False})
    with app.app_context():
        try:
            assert db.engine.pool._pre_ping is True
            assert _socket_checks(db.engine) == []
            assert _backend_pid(db.engine) == _backend_pid(db.engine)
        finally:
            db.engine.dispose()


def test_a_live_pooled_connection_is_used_again(pool_app):
    with pool_app.app_context():
        assert _backend_pid(db.engine) == _backend_pid(db.engine) == _backend_pid(db.engine)


def test_a_pooled_connection_the_server_ended_is_replaced(pool_app):
    with pool_app.app_context():
        engine = db.engine
        first = _backend_pid(engine)
        admin = sa.create_engine(_psycopg(URL))
        try:
            with admin.connect() as conn:
                assert conn.exec_driver_sql(f"SELECT pg_terminate_backend({first})").scalar_one()
        finally:
            admin.dispose()
        time.sleep(0.2)  # the server's goodbye reaches the pooled socket
        # without the check the pool hands out the dead connection and this fails
        # ("terminating connection due to administrator command", or "the connection is closed")
        second = _backend_pid(engine)
        assert second != first
        assert _backend_pid(engine) == second
