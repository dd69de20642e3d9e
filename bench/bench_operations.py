"""Benchmark: GET /health, /health/web and /metrics on a register of N cases.

Not a test. Builds a fresh database with bench/generate.py (SQLite, or PostgreSQL with
--db postgres), stamps it at the migration head, writes a scheduler heartbeat started a week ago
and a successful run of every job (so /health is 200 and every crontab is evaluated), then times
requests through Flask's test client: 3 warm-up requests, then --samples timed ones; p50/p95 in ms.
A load balancer asks /health/web every few seconds per web server; Prometheus scrapes /metrics
every 15-60 s: both should stay in the low milliseconds.

    .venv/bin/python bench/bench_operations.py --db sqlite --count 100000 --samples 200
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()

    import sqlalchemy as sa
    from generate import build_database

    from parliament_tracker.db import now_utc
    from parliament_tracker.extensions import db
    from parliament_tracker.notifications.models import JobRun, JobStatus, SchedulerHeartbeat
    from parliament_tracker.operations.health import code_heads
    from parliament_tracker.scheduler import JOBS

    workdir = tempfile.mkdtemp(prefix="bench-operations-")
    app, _summary = build_database(args.db, args.count, workdir)
    app.config.update(METRICS_TOKEN="bench-token")
    with app.app_context():
        heads = code_heads(app.extensions["migrate"].directory)
        db.session.execute(sa.text("CREATE TABLE IF NOT EXISTS alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        for head in heads:
            db.session.execute(sa.text("INSERT INTO alembic_version (version_num) VALUES (:v)"), {"v": head})
        now = now_utc()
        db.session.add(SchedulerHeartbeat(holder="bench:1", started_at=now - dt.timedelta(days=7), beat_at=now))
        for name in JOBS:
            db.session.add(JobRun(job=name, as_of=now.date(), status=JobStatus.ok, started_at=now, counts={}))
        db.session.commit()
        db.session.remove()

    client = app.test_client()
    print(f"{args.db}, {args.count:,} cases, {args.samples} samples")
    for path, headers in (("/health", {}), ("/health/web", {}), ("/metrics", {"Authorization": "Bearer bench-token"})):
        for _ in range(3):
            client.get(path, headers=headers)
        times = []
        status = None
        for _ in range(args.samples):
            started = time.perf_counter()
            response = client.get(path, headers=headers)
            times.append((time.perf_counter() - started) * 1000)
            status = response.status_code
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"  {path:12} status {status}  p50 {statistics.median(times):7.2f} ms  p95 {p95:7.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
