"""X-Request-ID on every answer and on the error pages; JSON log lines carrying it."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from parliament_tracker.auth.permissions import public


def test_every_answer_has_a_request_id(client: Any) -> None:
    first = client.get("/login").headers["X-Request-ID"]
    second = client.get("/login").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second
    # the proxy's id is kept; one that could smuggle text into the logs or the page is not
    assert client.get("/login", headers={"X-Request-ID": "lb-0123456789"}).headers["X-Request-ID"] == "lb-0123456789"
    replaced = client.get("/login", headers={"X-Request-ID": "<script>alert(1)</script>"}).headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", replaced)
    assert "X-Request-ID" in client.get("/api/v1/cases").headers  # a 401 from the API too


def test_the_error_page_shows_the_request_id(client: Any) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    request_id = response.headers["X-Request-ID"]
    assert request_id in response.get_data(as_text=True)


@pytest.fixture
def json_app(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Flask]:
    """An app of its own with JSON_LOGS on and a view that fails; the global loggers it
    changes are put back afterwards."""
    from parliament_tracker import create_app

    loggers = [logging.getLogger("parliament_tracker"), logging.getLogger("parliament_tracker.requests")]
    saved = [(lg, list(lg.handlers), lg.propagate, lg.level) for lg in loggers]
    for lg in loggers:
        # Alembic's fileConfig (the migration tests, earlier in the same worker) disables existing loggers
        monkeypatch.setattr(lg, "disabled", False)
    monkeypatch.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {
            "TESTING": True,
            "PROPAGATE_EXCEPTIONS": False,
            "SECRET_KEY": "json-logs",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "db.sqlite"),
            "JSON_LOGS": True,
        }
    )

    @app.get("/boom")
    @public
    def boom() -> Any:
        raise RuntimeError("the failure under test")

    try:
        yield app
    finally:
        for lg, handlers, propagate, level in saved:
            lg.handlers[:] = handlers
            lg.propagate = propagate
            lg.setLevel(level)
        from parliament_tracker.extensions import db

        with app.app_context():
            db.engine.dispose()


def test_json_lines_per_request_and_for_the_error(json_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    client = json_app.test_client()
    response = client.get("/boom", headers={"X-Request-ID": "report-20261207-abc"})
    assert response.status_code == 500
    assert "report-20261207-abc" in response.get_data(as_text=True)  # on the 500 page
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    request_line = next(line for line in lines if line["logger"] == "parliament_tracker.requests")
    assert request_line["request_id"] == "report-20261207-abc"
    assert request_line["status"] == 500 and request_line["path"] == "/boom" and request_line["method"] == "GET"
    assert request_line["endpoint"] == "boom" and request_line["duration_ms"] >= 0
    error_line = next(line for line in lines if "exception" in line)
    assert error_line["request_id"] == "report-20261207-abc" and error_line["level"] == "error"
    assert "the failure under test" in error_line["exception"]
