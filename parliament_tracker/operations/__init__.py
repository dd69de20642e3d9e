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
    _trust_the_proxy(app)


def _trust_the_proxy(app: Flask) -> None:
    """Behind a reverse proxy (PROXY_FIX, e.g. {"x_for": 1, "x_proto": 1, "x_host": 1}: how many
    proxies set each X-Forwarded-* header): the client's address (login throttling, the metrics
    networks, the logs), the scheme and host (links, the identity provider's redirect address)
    come from the proxy's headers. Off by default: without a proxy the headers are anyone's."""
    settings = app.config.get("PROXY_FIX") or {}
    if settings:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, **{k: int(v) for k, v in settings.items()})  # type: ignore[method-assign]
