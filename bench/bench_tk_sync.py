"""Benchmark (not a test): the ``tk_watch`` job registering 1,000 new cases (budget: 10 s).

Starts the fake OData server (tests/tk_fake.py) with synthetic written questions (every 5th is
addressed to another ministry, so 1,250 Zaken give 1,000 of ours), builds a fresh SQLite
database, and times ``scheduler.run_job("tk_watch")`` end to end: HTTP paging and mapping,
case registration with audit entries and computed deadlines, one notification per case for the
registrar, the watermark, the JobRun row, one commit. A second run (nothing new) is timed too.

    /tmp/venv/bin/python bench/bench_tk_sync.py [--new 1000] [--page-size 250] [--repeat 3]

Each repeat uses a fresh database; the median is the figure to quote (the machine is shared).
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

import sqlalchemy as sa  # noqa: E402

from tests.tk_fake import FakeTK, synthetic_written_questions  # noqa: E402

OFFICE = "De Staatssecretaris van Justitie en Veiligheid"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--new", type=int, default=1000, help="cases the watch job should register")
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = []
    for _ in range(args.repeat):
        elapsed = run_once(args)
        if elapsed is None:
            return 1
        figures.append(elapsed)
    print(f"tk_watch, {args.new} new cases: median {statistics.median(figures):.2f} s, best {min(figures):.2f} s over {len(figures)} runs (budget 10 s)")
    return 0


def run_once(args: argparse.Namespace) -> float | None:
    zaken = synthetic_written_questions(args.new * 5 // 4)

    from parliament_tracker import create_app
    from parliament_tracker.auth.roles import Role
    from parliament_tracker.auth.services import create_user
    from parliament_tracker.cases.models import Case
    from parliament_tracker.extensions import db
    from parliament_tracker.notifications.models import Notification
    from parliament_tracker.organisation.models import Signatory
    from parliament_tracker.scheduler import run_job

    with tempfile.TemporaryDirectory() as tmp, FakeTK(zaken=zaken, page_size=args.page_size) as fake:
        app = create_app(
            {
                "SECRET_KEY": "bench-only-key",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                "TK_API_URL": fake.base_url,
                "TK_WATCH_FIRST_DAYS": 3650,
            }
        )
        today = dt.date(2022, 12, 1)
        with app.app_context():
            db.create_all()
            db.session.add(Signatory(office_title=OFFICE, name="Staatssecretaris"))
            create_user("registrar", "bench-password-1234", Role.registrar, display_name="Registrar", email="registrar@example.org")
            db.session.commit()

            started = time.perf_counter()
            first = run_job("tk_watch", today)
            elapsed = time.perf_counter() - started
            cases = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
            notes = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
            print(f"first run: {first.status.value} {first.counts}")
            if first.status.value != "ok" or cases != args.new:
                print(f"expected {args.new} cases, got {cases}: {first.error}", file=sys.stderr)
                return None
            print(f"tk_watch registered {cases} new cases ({notes} notifications) from {len(fake.requests)} requests in {elapsed:.2f} s (budget 10 s)")

            started = time.perf_counter()
            second = run_job("tk_watch", today)
            print(f"second run (nothing new): {second.counts} in {time.perf_counter() - started:.2f} s")
        with app.app_context():
            db.engine.dispose()
    return elapsed


if __name__ == "__main__":
    raise SystemExit(main())
