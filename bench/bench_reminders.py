"""Benchmark (not a test): the reminders job over 100,000 cases (DESIGN §11: <= 2 s).

Builds a fresh schema (``db.create_all()`` through the real app) and bulk-inserts what the job
reads: directorates with mailboxes, drafters and directors with addresses, 100,000 cases over
five years with ``bench/generate.py``'s status mix (about 3% open), and the stored deadline rows
of every case, computed by the real rules. Then it times ``notifications.jobs.reminders`` as the
scheduler runs it: one transaction, committed.

Three timings: the first run of a working day (renders and inserts the new reminders), the
same day again (everything already there: must add nothing), and the full
``scheduler.run_job`` path (JobRun row and lock included) for the next working day.

    /tmp/venv/bin/python bench/bench_reminders.py [--db sqlite|postgres] [--count 100000]

Measured (29 Nov 2026, this machine, 100,000 cases, 348,542 deadline rows, ~3,050 open):
SQLite first run 0.33 s (363 reminders), same day again 0.02 s, run_job next day 0.12 s;
PostgreSQL 15 first run 0.40 s, again 0.02 s, run_job 0.09 s. The job reads only the deadlines
in its window (index on practical_due_on), so its time follows the number of reminders due,
not the number of cases; rendering costs about 0.4 ms per message (three templates).
The escalation job's first run (every overdue open case at once) is printed for information.
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
from generate import (  # noqa: E402
    BATCH,
    CLOSED_MIX,
    DIRECTORATES,
    END_DATE,
    KIND_WEIGHTS,
    OPEN_STATUSES,
    SIGNATORIES,
    YEARS,
    _weighted,
    analyze,
    drop_postgres_database,
    make_app,
    reset_postgres_database,
)

#: a Monday near the end of the generated period, when many cases are open
TODAY = dt.date(2025, 6, 23)


def populate(engine: sa.Engine, count: int, seed: int = 42) -> int:
    """Directorates, users, signatories and ``count`` cases (only the columns the job reads)."""
    import random

    from parliament_tracker.auth.models import User
    from parliament_tracker.cases.models import Case
    from parliament_tracker.organisation.models import Directorate, Signatory

    rng = random.Random(seed)
    now = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
    with engine.begin() as conn:
        conn.execute(sa.insert(Directorate), [
            {"id": i, "code": code, "name": name, "email": f"{code.lower()}-kamerstukken@example.org"}
            for i, (code, name) in enumerate(DIRECTORATES, start=1)
        ])
        conn.execute(sa.insert(Signatory), [
            {"id": i, "office_title": t, "name": n, "is_active": True} for i, (t, n) in enumerate(SIGNATORIES, start=1)
        ])
        users, drafters = [], {}
        for d in range(1, len(DIRECTORATES) + 1):
            for j in range(5):
                uid = len(users) + 1
                users.append({
                    "id": uid, "username": f"user{uid:03d}", "display_name": f"Medewerker {uid}", "email": f"user{uid:03d}@example.org",
                    "password_hash": "!", "role": "director" if j == 0 else "drafter", "directorate_id": d, "is_enabled": True,
                    "failed_logins": 0, "created_at": now,
                })
                if j:
                    drafters.setdefault(d, []).append(uid)
        conn.execute(sa.insert(User), users)
        first_day = END_DATE - dt.timedelta(days=365 * YEARS)
        span = (END_DATE - first_day).days
        rows = []
        for case_id, day in enumerate(sorted(rng.randrange(span + 1) for _ in range(count)), start=1):
            received = first_day + dt.timedelta(days=day)
            age = (END_DATE - received).days
            status = _weighted(rng, CLOSED_MIX) if age > 90 or rng.random() < age / 120 else rng.choice(OPEN_STATUSES)
            directorate = None if status == "registered" or rng.random() < 0.05 else rng.randint(1, len(DIRECTORATES))
            drafter = rng.choice(drafters[directorate]) if directorate and status != "assigned" and rng.random() < 0.9 else None
            rows.append({
                "id": case_id, "reference": f"{received.year}Z{case_id:06d}", "kind": _weighted(rng, KIND_WEIGHTS),
                "subject": f"Vragen over onderwerp {case_id}", "received_on": received, "status": status,
                "lead_directorate_id": directorate, "drafter_id": drafter, "addressed_to_id": rng.randint(1, len(SIGNATORIES)),
                "notes": "", "search_text": "", "version": 1, "created_at": now, "updated_at": now,
            })
        for start in range(0, len(rows), BATCH):
            conn.execute(sa.insert(Case), rows[start : start + BATCH])
        if conn.dialect.name == "postgresql":
            for table in ("directorates", "signatories", "users", "cases"):
                conn.execute(sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    return len(rows)


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
    url = reset_postgres_database() if args.db == "postgres" else "sqlite:///" + workdir + "/bench_reminders.sqlite"
    app = make_app(url, workdir)
    with app.app_context():
        db.create_all()
        n_cases = populate(db.engine, args.count)
        n_deadlines = add_deadlines(db.engine)
        analyze(db.engine)
    print(f"{args.db}: {n_cases} cases, {n_deadlines} deadline rows built in {time.perf_counter() - started:.1f} s")

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
        t0 = time.perf_counter()
        escalated = jobs.escalation(TODAY)
        db.session.commit()
        t1 = time.perf_counter()
        print(f"escalation, first run ever:       {t1 - t0:6.3f} s  {escalated}")
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(Notification))
        print(f"notifications stored: {stored}")
        budget = 2.0
        db.session.remove()
        db.engine.dispose()
    if args.db == "postgres":
        drop_postgres_database()
    print(f"budget: {budget:.1f} s per run (DESIGN §11)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
