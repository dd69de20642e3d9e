"""The operator endpoints: health (no login, no data) and metrics."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, jsonify

from parliament_tracker.auth.permissions import public
from parliament_tracker.operations import health, metrics

bp = Blueprint("operations", __name__)


def _health_answer(names: tuple[str, ...] | None) -> Any:
    ok, body = health.run_checks(current_app._get_current_object(), names)  # type: ignore[attr-defined]
    response = jsonify(body)
    response.status_code = 200 if ok else 503
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/health")
@public
def health_all() -> Any:
    """Every check: database, migrations, scheduler heartbeat, job runs, the mail queue."""
    return _health_answer(None)


@bp.get("/health/web")
@public
def health_web() -> Any:
    """What a load balancer needs of one web server: the database and its migrations."""
    return _health_answer(health.WEB_CHECKS)


@bp.get("/metrics")
@public
def prometheus_metrics() -> Any:
    """Prometheus text format; its own access check (METRICS_TOKEN, METRICS_ALLOWED_NETWORKS)."""
    return metrics.metrics_response()
