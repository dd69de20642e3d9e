"""Benchmark (not a test): the reminders job over 100,000 cases (DESIGN §11: <= 2 s).

Builds a fresh database with ``bench/generate.py`` (cases, questions, members, links; bulk
inserts), adds the stored deadline rows of every case (computed by the real rules, bulk
inserted), gives users and directorate mailboxes addresses, then times
``notifications.jobs.reminders`` as the scheduler runs it: one transaction, committed.

Three timings: the first run of a working day (renders and inserts the new reminders), the
same day again (everything already there: must add nothing), and the full
``scheduler.run_job`` path (JobRun row and lock included) for the next working day.

    /tmp/venv/bin/python bench/bench_reminders.py [--db sqlite|postgres] [--count 100000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from generate import BATCH, analyze, build_database  # noqa: E402

#: a Monday near the end of the generated period, when many cases are open
TODAY = dt.date(2025, 6, 23)


def add_deadlines(engine: sa.Engine) -> int:
    """Deadline rows for every case, from ``rules.compute_deadlines``, bulk inserted."""
    from parliament_tracker.cases.models import Case
    from parliament_tracker.deadlines.models import Deadline
    from parliament_tracker.deadlines.rules import CaseFacts, compute_deadlines
    from parliament_tracker.deadlines.workdays import WorkingCalendar

    calendar = WorkingCalendar()
    now = dt.datetime(2025, 6, 1, tzinfo=dt.UTC)
    with engine.begin() as conn:
        cases = conn.execute(
            sa.select(Case.id, Case.kind, Case.received_on, Case.status, Case.committee_due_on, Case.given_due_on, Case.addressed_to_id)
        ).all()
        rows = []
        binding_rows = []
        for c in cases:
            facts = CaseFacts(
                kind=c.kind.value if hasattr(c.kind, "value") else c.kind,
                received_on=c.received_on,
                committee_due_on=c.committee_due_on,
                given_due_on=c.given_due_on,
                signatory_id=c.addressed_to_id,
                answered=(c.status == "answered"),
            )
            for d in compute_deadlines(facts, calendar=calendar):
                rows.append(
                    {
                        "case_id": c.id, "kind": d.kind, "due_on": d.due_on, "practical_due_on": d.practical_due_on,
                        "rule": d.rule, "explanation": d.explanation, "is_binding": d.is_binding, "warnings": list(d.warnings),
                        "computed_at": now,
                    }
                )
                if d.is_binding:
                    binding_rows.append({"b_id": c.id, "due_on": d.due_on, "practical_due_on": d.practical_due_on})
        for start in range(0, len(rows), BATCH):
            conn.execute(sa.insert(Deadline), rows[start : start + BATCH])
        update = sa.update(Case).where(Case.id == sa.bindparam("b_id")).values(
            due_on=sa.bindparam("due_on"), practical_due_on=sa.bindparam("practical_due_on")
        )
        for start in range(0, len(binding_rows), BATCH):
            conn.execute(update.execution_options(synchronize_session=False), binding_rows[start : start + BATCH])
        conn.execute(sa.text("UPDATE users SET email = username || '@example.org'"))
        conn.execute(sa.text("UPDATE directorates SET email = lower(code) || '-kamerstukken@example.org'"))
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--count", type=int, default=100_000)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench_reminders_")

    from parliament_tracker.extensions import db
    from parliament_tracker.notifications import jobs
    from parliament_tracker.notifications.models import Notification
    from parliament_tracker.scheduler import run_job

    started = time.perf_counter()
    app, summary = build_database(args.db, args.count, workdir)
    with app.app_context():
        n_deadlines = add_deadlines(db.engine)
        analyze(db.engine)
    print(f"{args.db}: {summary.cases} cases, {n_deadlines} deadline rows built in {time.perf_counter() - started:.1f} s")

    with app.app_context():
        open_cases = db.session.scalar(sa.text("SELECT count(*) FROM cases WHERE status NOT IN ('answered','withdrawn','transferred','no_reply_needed')"))
        print(f"open cases: {open_cases}; today = {TODAY.isoformat()} (reminders {app.config['REMINDER_WORKING_DAYS_BEFORE']} working days ahead)")

        t0 = time.perf_counter()
        first = jobs.reminders(TODAY)
        db.session.commit()
        t1 = time.perf_counter()
        print(f"reminders, first run of the day:  {t1 - t0:6.3f} s  {first}")

        t0 = time.perf_counter()
        again = jobs.reminders(TODAY)
        db.session.commit()
        t1 = time.perf_counter()
        print(f"reminders, same day again:        {t1 - t0:6.3f} s  {again}")
        db.session.remove()

        t0 = time.perf_counter()
        run = run_job("reminders", TODAY + dt.timedelta(days=1))
        t1 = time.perf_counter()
        print(f"run_job('reminders') next day:    {t1 - t0:6.3f} s  {run.status.value} {run.counts}")
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
        print(f"notifications stored: {stored}")
        budget = 2.0
        db.session.remove()
        db.engine.dispose()
    if args.db == "postgres":
        from generate import drop_postgres_database

        drop_postgres_database()
    print(f"budget: {budget:.1f} s per run (DESIGN §11)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
