"""What operators need: ``GET /health`` (health.py), ``GET /metrics`` (metrics.py) and the
per-request JSON log with its request id (request_log.py). Registered by ``create_app``."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from parliament_tracker.operations.metrics import init_request_metrics
    from parliament_tracker.operations.request_log import init_request_log
    from parliament_tracker.operations.views import bp

    app.register_blueprint(bp)
    init_request_metrics(app)
    init_request_log(app)
