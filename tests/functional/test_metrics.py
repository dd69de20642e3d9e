"""GET /metrics: Prometheus text, behind a token or a network, counting what happened."""

from __future__ import annotations

from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

from parliament_tracker.letters.approval.signing import pades_level
from tests.functional.test_letter_workflow import approved_id, post  # noqa: F401 - fixture

TOKEN = "scrape-me-0123456789"


@pytest.fixture
def scrape_config(app: Any) -> Any:
    saved = {k: app.config[k] for k in ("METRICS_TOKEN", "METRICS_ALLOWED_NETWORKS")}
    app.config.update(METRICS_TOKEN=TOKEN, METRICS_ALLOWED_NETWORKS=[])
    yield app.config
    app.config.update(saved)


def scrape(client: Any) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.data
    assert response.mimetype == "text/plain"
    samples = {}
    for family in text_string_to_metric_families(response.get_data(as_text=True)):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict[Any, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_signed_letter_is_counted(app: Any, client: Any, scrape_config: Any, approved_id: int, api_token: Any) -> None:  # noqa: F811
    before = scrape(client)
    response = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"))
    assert response.status_code == 200, response.json
    after = scrape(client)
    with app.app_context():
        level = pades_level().value  # B-B here: the tests have no timestamp server
    signed = "parliament_tracker_letters_signed_total"
    assert value(after, signed, level=level, outcome="ok") == value(before, signed, level=level, outcome="ok") + 1
    durations = "parliament_tracker_letter_sign_duration_seconds_count"
    assert value(after, durations, level=level) == value(before, durations, level=level) + 1
    assert value(after, "parliament_tracker_letter_sign_duration_seconds_sum", level=level) > value(
        before, "parliament_tracker_letter_sign_duration_seconds_sum", level=level
    )
    # signing signs the approved rendering as it is (nothing the office changes): no rendering again
    rendered = "parliament_tracker_letters_rendered_total"
    assert value(after, rendered, source="generated", outcome="ok") == value(before, rendered, source="generated", outcome="ok")
    # the sign request itself, per endpoint
    requests = "parliament_tracker_http_requests_total"
    labels = {"endpoint": "letter_workflow_api.sign", "method": "POST", "status": "200"}
    assert value(after, requests, **labels) == value(before, requests, **labels) + 1
    # open cases by status come from the database
    assert any(name == "parliament_tracker_open_cases" for name, _labels in after)


def test_database_figures(app: Any, client: Any, db: Any, scrape_config: Any, seed_case: Any) -> None:
    from parliament_tracker.db import now_utc
    from parliament_tracker.notifications.models import JobRun, JobStatus

    db.session.add(JobRun(job="reminders", as_of=now_utc().date(), status=JobStatus.ok, started_at=now_utc(), counts={}))
    db.session.add(JobRun(job="reminders", as_of=now_utc().date(), status=JobStatus.failed, started_at=now_utc(), counts={}))
    db.session.commit()
    samples = scrape(client)
    assert value(samples, "parliament_tracker_job_runs_total", job="reminders", status="ok") == 1
    assert value(samples, "parliament_tracker_job_runs_total", job="reminders", status="failed") == 1
    assert value(samples, "parliament_tracker_job_last_success_timestamp_seconds", job="reminders") > 0
    import sqlalchemy as sa

    from parliament_tracker.cases.models import Case

    status = db.session.scalar(sa.select(Case.status).where(Case.reference == "2021Z19601")).value
    open_count = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(Case.status == status))
    assert value(samples, "parliament_tracker_open_cases", status=status) == open_count >= 1


def test_access_needs_the_token_or_an_allowed_network(app: Any, client: Any, db: Any, scrape_config: Any) -> None:
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403
    app.config.update(METRICS_TOKEN="", METRICS_ALLOWED_NETWORKS=["10.0.0.0/8"])
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    app.config.update(METRICS_TOKEN="", METRICS_ALLOWED_NETWORKS=[])
    assert client.get("/metrics").status_code == 404


def test_gunicorn_workers_are_added_up_with_a_multiprocess_dir(tmp_path: Any) -> None:
    """Two worker processes sign a letter each; a third (the one scraped) reports both."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    work = (
        "from parliament_tracker import telemetry\n"
        "with telemetry.timed(telemetry.LETTERS_SIGNED, telemetry.LETTER_SIGN_SECONDS, level='B-B'):\n"
        "    pass\n"
    )
    for _ in range(2):
        subprocess.run([sys.executable, "-c", work], env=env, check=True, timeout=60)
    scrape = "from parliament_tracker.operations.metrics import instruments_text\nprint(instruments_text().decode())"
    text = subprocess.run([sys.executable, "-c", scrape], env=env, check=True, timeout=60, capture_output=True, text=True).stdout
    samples = {
        (s.name, tuple(sorted(s.labels.items()))): s.value for f in text_string_to_metric_families(text) for s in f.samples
    }
    assert samples[("parliament_tracker_letters_signed_total", (("level", "B-B"), ("outcome", "ok")))] == 2
    assert samples[("parliament_tracker_letter_sign_duration_seconds_count", (("level", "B-B"),))] == 2


def test_behind_the_proxy_the_forwarded_client_address_counts(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """PROXY_FIX: the address X-Forwarded-For names is the client's (here: for the metrics
    networks); without it the header is ignored."""
    from parliament_tracker import create_app

    monkeypatch.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    base = {"TESTING": True, "SECRET_KEY": "proxy", "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "p.sqlite"), "METRICS_ALLOWED_NETWORKS": ["10.9.0.0/16"]}
    forwarded = {"X-Forwarded-For": "10.9.8.7", "X-Forwarded-Proto": "https"}
    plain = create_app(base)
    proxied = create_app({**base, "PROXY_FIX": {"x_for": 1, "x_proto": 1}})
    from parliament_tracker.extensions import db as database

    for app in (plain, proxied):
        with app.app_context():
            database.create_all()
    assert plain.test_client().get("/metrics", headers=forwarded, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 403
    assert proxied.test_client().get("/metrics", headers=forwarded, environ_base={"REMOTE_ADDR": "192.0.2.1"}).status_code == 200
    for app in (plain, proxied):
        with app.app_context():
            database.engine.dispose()
