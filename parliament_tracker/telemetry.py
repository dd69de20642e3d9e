"""The process's Prometheus instruments (prometheus_client), defined once at import, observed
where the work happens; ``GET /metrics`` (``operations.metrics``) exposes them.

Under gunicorn every worker process counts for itself: set ``PROMETHEUS_MULTIPROC_DIR`` to an
empty folder writable by the workers (before they start; prometheus_client reads it at import)
and the scrape adds the workers' figures up (``operations.metrics``; ``gunicorn.conf.py`` tells
prometheus_client when a worker exits). What lives in the database (job runs, notifications,
cases) is counted at scrape time from the tables instead, so it is right across processes.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from prometheus_client import Counter, Histogram

PREFIX = "parliament_tracker"

#: request durations: from a few milliseconds to a slow letter
_REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
#: rendering and signing a letter: tenths of seconds to the render time-out
_LETTER_BUCKETS = (0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0, 60.0)

REQUESTS = Counter(f"{PREFIX}_http_requests", "HTTP requests answered, per endpoint, method and status", ["endpoint", "method", "status"])
REQUEST_SECONDS = Histogram(
    f"{PREFIX}_http_request_duration_seconds", "Time to answer a request, per endpoint and method", ["endpoint", "method"], buckets=_REQUEST_BUCKETS
)
LETTERS_RENDERED = Counter(f"{PREFIX}_letters_rendered", "Letters rendered (DOCX to PDF/A), per source and outcome", ["source", "outcome"])
LETTER_RENDER_SECONDS = Histogram(
    f"{PREFIX}_letter_render_duration_seconds", "Time to render a letter, per source", ["source"], buckets=_LETTER_BUCKETS
)
LETTERS_SIGNED = Counter(f"{PREFIX}_letters_signed", "Letters signed (PAdES), per level and outcome", ["level", "outcome"])
LETTER_SIGN_SECONDS = Histogram(
    f"{PREFIX}_letter_sign_duration_seconds", "Time to sign a rendered letter, per PAdES level", ["level"], buckets=_LETTER_BUCKETS
)


@contextlib.contextmanager
def timed(counter: Counter, histogram: Histogram, **labels: str) -> Iterator[None]:
    """Count one piece of work with its outcome ("ok" or "failed") and observe its duration."""
    started = time.perf_counter()
    outcome = "failed"
    try:
        yield
        outcome = "ok"
    finally:
        histogram.labels(**labels).observe(time.perf_counter() - started)
        counter.labels(**labels, outcome=outcome).inc()
