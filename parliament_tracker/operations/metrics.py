"""``GET /metrics`` in the Prometheus text format, and the per-request instruments.

What the web processes do (requests, letters rendered and signed) comes from
``parliament_tracker.telemetry``'s instruments: with ``PROMETHEUS_MULTIPROC_DIR`` set, added up
over every gunicorn worker (prometheus_client's multiprocess mode), otherwise this process's own.
What the database knows is counted at scrape time, so it is right whichever process did the
work (the scheduler runs the jobs and sends the mail): job runs per job and outcome with the
last success, notification deliveries queued, failing, held and sent, and open cases by status.

Access: ``METRICS_TOKEN`` (``Authorization: Bearer <token>``) and/or ``METRICS_ALLOWED_NETWORKS``
(client addresses, e.g. ``["10.1.2.0/24", "127.0.0.1/32"]``; behind a proxy the address is
the one ``ProxyFix`` passes on). With neither set ``/metrics`` answers 404.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Flask, Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector

from parliament_tracker import telemetry
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import OPEN
from parliament_tracker.db import now_utc
from parliament_tracker.extensions import db
from parliament_tracker.notifications.models import Delivery, JobRun, JobStatus

P = telemetry.PREFIX


class DatabaseCollector(Collector):
    """Figures read from the tables at scrape time (a few grouped counts, indexed)."""

    def collect(self) -> Iterator[Any]:
        runs = CounterMetricFamily(f"{P}_job_runs", "Recorded job runs, per job and outcome (job_runs)", labels=["job", "status"])
        for job, status, count in db.session.execute(sa.select(JobRun.job, JobRun.status, sa.func.count()).group_by(JobRun.job, JobRun.status)):
            runs.add_metric([job, JobStatus(status).value], count)
        yield runs

        success = GaugeMetricFamily(f"{P}_job_last_success_timestamp_seconds", "Start of each job's last successful run (Unix time)", labels=["job"])
        ok_runs = sa.select(JobRun.job, sa.func.max(JobRun.started_at)).where(JobRun.status == JobStatus.ok).group_by(JobRun.job)
        for job, started in db.session.execute(ok_runs):
            success.add_metric([job], started.timestamp())
        yield success

        deliveries = GaugeMetricFamily(
            f"{P}_notification_deliveries",
            "Notification deliveries per channel and state: queued (waiting), failing (waiting after a refused attempt), held (for a daily summary), sent",
            labels=["channel", "state"],
        )
        state = sa.case(
            (Delivery.sent_at.is_not(None), "sent"),
            (Delivery.held.is_(True), "held"),
            (Delivery.attempts > 0, "failing"),
            else_="queued",
        )
        counts = db.session.execute(sa.select(Delivery.channel, state, sa.func.count()).group_by(Delivery.channel, state))
        for channel, name, count in counts:
            deliveries.add_metric([channel, name], count)
        yield deliveries

        oldest = db.session.scalar(
            sa.select(sa.func.min(Delivery.created_at)).where(Delivery.sent_at.is_(None), Delivery.held.is_(False))
        )
        age = GaugeMetricFamily(f"{P}_notification_oldest_unsent_age_seconds", "Age of the oldest delivery waiting to be sent (0: none)")
        age.add_metric([], (now_utc() - oldest).total_seconds() if oldest is not None else 0.0)
        yield age

        cases = GaugeMetricFamily(f"{P}_open_cases", "Open cases per status", labels=["status"])
        open_cases = sa.select(Case.status, sa.func.count()).where(Case.status.in_(list(OPEN))).group_by(Case.status)
        by_status = {status: count for status, count in db.session.execute(open_cases)}
        for status in OPEN:
            cases.add_metric([status.value], by_status.get(status, 0))
        yield cases


def instruments_text() -> bytes:
    """The instruments of this process, or of every worker with PROMETHEUS_MULTIPROC_DIR."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        workers = CollectorRegistry()
        multiprocess.MultiProcessCollector(workers)
        return generate_latest(workers)
    return generate_latest(REGISTRY)


def exposition() -> bytes:
    """The scrape: the instruments, then the database's figures."""
    tables = CollectorRegistry(auto_describe=False)
    tables.register(DatabaseCollector())
    return instruments_text() + generate_latest(tables)


def _allowed() -> bool:
    config = current_app.config
    token = config.get("METRICS_TOKEN") or ""
    networks = config.get("METRICS_ALLOWED_NETWORKS") or []
    if not token and not networks:
        abort(404)
    if token:
        given = request.headers.get("Authorization", "")
        if given.startswith("Bearer ") and hmac.compare_digest(given.removeprefix("Bearer ").strip().encode(), str(token).encode()):
            return True
    if networks and request.remote_addr:
        try:
            address = ipaddress.ip_address(request.remote_addr)
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(str(net), strict=False) for net in networks)
    return False


def metrics_response() -> Response:
    if not _allowed():
        response = Response("forbidden\n", status=403, mimetype="text/plain")
        if current_app.config.get("METRICS_TOKEN"):
            response.headers["WWW-Authenticate"] = "Bearer"
        return response
    response = Response(exposition(), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_request_metrics(app: Flask) -> None:
    """Count and time every request per endpoint (the rule's name, not the path: bounded labels)."""

    @app.before_request
    def start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def observe(response: Any) -> Any:
        started = g.pop("metrics_started", None)
        endpoint = request.endpoint or ("unmatched" if request.routing_exception is not None else "none")
        method = request.method if request.method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS") else "other"
        telemetry.REQUESTS.labels(endpoint=endpoint, method=method, status=str(response.status_code)).inc()
        if started is not None:
            telemetry.REQUEST_SECONDS.labels(endpoint=endpoint, method=method).observe(time.perf_counter() - started)
        return response
