"""Benchmark (not a test): linear work bounded — exports of 100,000 rows, 22,000 queued messages.

Issue #19 "Twice the users on the same two cores", item "Linear work bounded": the case list's
CSV and XLSX exports of 100,000 rows stream in constant memory within 3 s; the escalation and
weekly digest jobs queue 22,000 messages within 3 s, in batches with one commit per batch.

Part 1 (exports): a database of 100,000 cases from ``generate.py``; the whole list exported as
CSV and as XLSX through the test client, the body consumed chunk by chunk. Printed: time,
rows, bytes, Python peak memory (``tracemalloc``) and the process's RSS growth.

Part 2 (jobs): the reminders bench's cases and deadlines (``bench_reminders.populate``), plus
enough registrars that the overdue open cases escalate to about 22,000 messages, and enough
directors that the weekly digest has about 22,000 recipients. Each job runs through
``scheduler.run_job`` (lock, JobRun row, its steps each committed); printed: time, messages
stored, commits. Run the old code from main's worktree for a before figure:

    PYTHONPATH=$PWD .venv/bin/python bench/bench_linear.py --db both [--pg-db bench_linear]
    (cd /work/main && PYTHONPATH=$PWD .venv/bin/python /work/wt/batch/bench/bench_linear.py --db sqlite)

The load average is printed beside every part: the machine is shared, so the CPU time of this
process (``time.process_time``; the PostgreSQL server's own time is not in it) is printed too.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

# The code under test comes from PYTHONPATH (or this checkout); the helpers from this bench dir.
HERE = Path(__file__).resolve().parent
sys.path.append(str(HERE))
if not os.environ.get("PYTHONPATH"):
    sys.path.insert(0, str(HERE.parent))

import generate  # noqa: E402
import sqlalchemy as sa  # noqa: E402

# generate.py puts its own checkout first on sys.path: PYTHONPATH (the code under test) goes first again.
if os.environ.get("PYTHONPATH"):
    sys.path[:0] = os.environ["PYTHONPATH"].split(os.pathsep)

BUDGET_S = 3.0
TARGET_MESSAGES = 22_000


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"load average {one:.2f} / {five:.2f}"


def rss_kb() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class StatementTimes:
    """Wall time summed by statement text (``--sql-profile``): where a job's time goes."""

    def __init__(self, engine: sa.Engine) -> None:
        self.times: dict[str, list[float]] = {}
        self._started: list[float] = []
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, _conn: Any, _cursor: Any, _statement: str, _params: Any, _context: Any, _many: bool) -> None:
        self._started.append(time.perf_counter())

    def _after(self, _conn: Any, _cursor: Any, statement: str, _params: Any, _context: Any, _many: bool) -> None:
        took = time.perf_counter() - self._started.pop()
        entry = self.times.setdefault(" ".join(statement.split())[:150], [0, 0.0])
        entry[0] += 1
        entry[1] += took

    def report(self, top: int = 12) -> None:
        total = sum(t for _n, t in self.times.values())
        print(f"    SQL through SQLAlchemy: {total:.2f} s in {sum(n for n, _t in self.times.values()):,} executions; slowest:")
        for text, (n, took) in sorted(self.times.items(), key=lambda kv: -kv[1][1])[:top]:
            print(f"      {took:6.2f} s {n:6,}x  {text}")
        self.times.clear()


def backend_cpu(engine: sa.Engine) -> float:
    """CPU seconds (user + system) of the client backends connected to this database (the pool's
    connections; not autovacuum), from /proc/<pid>/stat (the server runs on this machine); 0.0 on
    SQLite."""
    if engine.dialect.name != "postgresql":
        return 0.0
    with engine.connect() as conn:
        pids = conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'")).scalars().all()
    ticks = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


class Commits:
    """Counts COMMITs on the engine (the jobs' batches)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.n = 0
        sa.event.listen(engine, "commit", self._commit)

    def _commit(self, _conn: Any) -> None:
        self.n += 1


# -- part 1: exports ----------------------------------------------------------------------------


def consume(client: Any, path: str) -> tuple[int, int]:
    """The response body read chunk by chunk as a browser would: (bytes, CRLF line ends)."""
    resp = client.get(path, buffered=False)
    assert resp.status_code == 200, resp.status_code
    size = rows = 0
    for chunk in resp.response:
        size += len(chunk)
        rows += chunk.count(b"\r\n")
    resp.close()
    return size, rows


def bench_exports(kind: str, count: int, workdir: str) -> None:
    from bench_cases import login, setup_user

    print(f"\n=== exports, {kind}, {count:,} cases ({load()}) ===", flush=True)
    app, summary = generate.build_database(kind, count, workdir)
    print(f"generated {summary.cases:,} cases in {summary.seconds:.1f} s", flush=True)
    setup_user(app)
    client = app.test_client()
    login(client)
    for label, path in (("CSV", "/cases/export.csv"), ("XLSX", "/cases/export.xlsx")):
        client.get(path + "?kind=written_questions&directorate=1").close()  # warm: templates, imports
        rss0 = rss_kb()
        t0, c0 = time.perf_counter(), time.process_time()
        size, rows = consume(client, path)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        rss = rss_kb() - rss0
        tracemalloc.start()  # a second pass for the peak: tracing slows the first one down
        consume(client, path)
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        shown = f"{rows - 1:,} rows" if label == "CSV" else "(zip)"
        verdict = "ok" if elapsed <= BUDGET_S else "OVER BUDGET"
        print(f"  {label:<5} export {elapsed:6.2f} s (this process's CPU {cpu:5.2f} s)  {shown:>14}  {size / 1e6:6.1f} MB body  "
              f"python peak {peak / 1e6:6.1f} MB  RSS +{rss / 1024:6.1f} MB  [{verdict}, {load()}]", flush=True)
    from parliament_tracker.extensions import db

    with app.app_context():
        db.engine.dispose()


# -- part 2: escalation and weekly digest -------------------------------------------------------


def late_cases(engine: sa.Engine, today: dt.date) -> int:
    from parliament_tracker.cases.models import Case
    from parliament_tracker.deadlines.models import Deadline
    from parliament_tracker.deadlines.progress import not_done_sql
    from parliament_tracker.notifications.jobs import EFFECTIVE

    with engine.connect() as conn:
        return conn.execute(
            sa.select(sa.func.count(sa.distinct(Deadline.case_id)))
            .join(Case, Case.id == Deadline.case_id)
            .where(today > EFFECTIVE, not_done_sql())
        ).scalar_one()


def add_staff(engine: sa.Engine, role: str, count: int) -> None:
    """``count`` enabled users with an address: registrars, or directors spread over the directorates."""
    from parliament_tracker.auth.models import User

    with engine.begin() as conn:
        n_dirs = conn.execute(sa.text("SELECT count(*) FROM directorates")).scalar_one()
        existing = conn.execute(sa.select(sa.func.max(User.id))).scalar_one()
        now = dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC)
        rows = []
        for i in range(count):
            uid = existing + 1 + i
            rows.append({
                "id": uid, "username": f"staff{uid:06d}", "display_name": f"Staf {uid}", "email": f"staff{uid:06d}@example.org",
                "password_hash": "!", "role": role, "directorate_id": None if role == "registrar" else 1 + i % n_dirs,
                "is_enabled": True, "failed_logins": 0, "created_at": now,
            })
        for start in range(0, len(rows), generate.BATCH):
            conn.execute(sa.insert(User), rows[start : start + generate.BATCH])
        if conn.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users))"))


def bench_jobs(kind: str, count: int, workdir: str, pg_name: str, sql_profile: bool = False, stale_plans: bool = False) -> None:
    import bench_reminders

    from parliament_tracker.extensions import db
    from parliament_tracker.notifications.models import Notification, NotificationKind
    from parliament_tracker.scheduler import run_job

    print(f"\n=== escalation and weekly digest, {kind}, {count:,} cases ({load()}) ===", flush=True)
    started = time.perf_counter()
    if kind == "postgres":
        url = generate.reset_postgres_database(pg_name)
    else:
        path = os.path.join(workdir, "bench_linear_jobs.sqlite")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        url = "sqlite:///" + path
    app = generate.make_app(url, workdir)
    today = bench_reminders.TODAY
    with app.app_context():
        db.create_all()
        bench_reminders.populate(db.engine, count)
        bench_reminders.add_deadlines(db.engine)
        # Each late case escalates to its directorate's director (one each in populate) and to every
        # registrar; the digest goes to every director.
        late = late_cases(db.engine, today)
        registrars = max(0, round(TARGET_MESSAGES / max(late, 1)) - 1)
        add_staff(db.engine, "registrar", registrars)
        generate.analyze(db.engine)
        print(f"built in {time.perf_counter() - started:.1f} s: {late:,} late cases, {registrars} registrars", flush=True)
        commits = Commits(db.engine)
        statements = StatementTimes(db.engine) if sql_profile else None
        friday = today + dt.timedelta(days=4)
        for name, as_of, kind_ in (("escalation", today, NotificationKind.escalation),
                                   ("weekly_digest", friday, NotificationKind.weekly_digest)):
            if name == "weekly_digest":
                db.session.remove()  # the session's transaction would hold SQLite's lock
                n_dirs = len(generate.DIRECTORATES)
                add_staff(db.engine, "director", TARGET_MESSAGES - n_dirs)
                # As after every load above: without it the pool's backend keeps the plans it cached
                # for the users table of 30 rows (the foreign-key checks' generic plan: a sequential
                # scan, now of 22,000 rows for each notification), ~8 s of server CPU (--stale-plans).
                if not stale_plans:
                    generate.analyze(db.engine)
                print(f"added {TARGET_MESSAGES - n_dirs:,} directors for the digest", flush=True)
            for attempt in ("first run", "again"):
                commits.n = 0
                b0 = backend_cpu(db.engine)
                t0, c0 = time.perf_counter(), time.process_time()
                run = run_job(name, as_of)
                elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
                server = f", server CPU {backend_cpu(db.engine) - b0:5.2f} s" if kind == "postgres" else ""
                stored = db.session.scalar(sa.select(sa.func.count()).select_from(Notification).where(Notification.kind == kind_))
                # bodies stored once (notification_bodies, migration 0017); older code has none
                bodies = (f"{db.session.scalar(sa.text('SELECT count(*) FROM notification_bodies')):,} bodies  "
                          if sa.inspect(db.session.connection()).has_table("notification_bodies") else "")
                verdict = "" if attempt == "again" else ("ok" if elapsed <= BUDGET_S else "OVER BUDGET")
                print(f"  {name:<14} {attempt:<9} {elapsed:6.2f} s (CPU {cpu:5.2f} s{server})  {stored:6,} stored  {bodies}{commits.n:3} commits  "
                      f"{run.status.value} {run.counts}  [{verdict}{', ' if verdict else ''}{load()}]", flush=True)
                if statements is not None:
                    statements.report()
                db.session.remove()
        db.engine.dispose()
    if kind == "postgres":
        generate.drop_postgres_database(pg_name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--count", type=int, default=100_000, help="cases (the exports' rows)")
    parser.add_argument("--part", choices=["exports", "jobs", "both"], default="both")
    parser.add_argument("--stale-plans", action="store_true", help="no ANALYZE after adding the digest's directors (as before)")
    parser.add_argument("--sql-profile", action="store_true", help="the jobs' wall time summed by statement text")
    parser.add_argument("--pg-db", default="bench_linear",
                        help="the PostgreSQL database of the exports (the jobs' is jobs_<this>; both dropped at the end)")
    args = parser.parse_args()
    # generate's helpers default to the shared bench_cases database: use our own.
    generate.reset_postgres_database.__defaults__ = (args.pg_db,)
    generate.drop_postgres_database.__defaults__ = (args.pg_db,)
    workdir = tempfile.mkdtemp(prefix="bench_linear_")
    kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    import parliament_tracker

    print(f"code under test: {Path(parliament_tracker.__file__).parent} ({load()})")
    for kind in kinds:
        if args.part in ("exports", "both"):
            bench_exports(kind, args.count, workdir)
            if kind == "postgres":
                generate.drop_postgres_database(args.pg_db)
        if args.part in ("jobs", "both"):
            bench_jobs(kind, args.count, workdir, "jobs_" + args.pg_db, args.sql_profile, args.stale_plans)
    print(f"\nbudget: {BUDGET_S:.0f} s each (issue #19)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
