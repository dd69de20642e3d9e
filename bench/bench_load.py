"""Load benchmark: the app under gunicorn on PostgreSQL with 20,000 cases (not a test).

    PYTHONPATH=. .venv/bin/python bench/bench_load.py [--duration 120] [--cases 20000] [--port 8765]

1. Builds the PostgreSQL database ``bench_load_perf`` (dropped and made afresh; ``--database-url`` for
   another server) with ``bench/generate.py``'s 20,000 realistic cases, their deadlines computed by
   the rules, the shipped letter templates, 40 draft letters, and one user per role
   (registrar, drafter and director of directorate 1, signatory's office, viewer).
2. Starts gunicorn as the README deploys it: ``gunicorn --preload --workers 2*cores+1
   --worker-class sync wsgi:app`` (through ``bench/load_wsgi.py``, which also mounts a bare Flask
   app at ``/bare`` on the same workers, for the ratio).
3. Runs the mix with 20 and with 50 logged-in users (each waits 0.5–1.5 s between requests, like
   a person), then at capacity (32 users without waiting), then the bare endpoint at capacity,
   ``--duration`` seconds each. The mix, by weight: dashboard 12, filtered case list 14, search 14,
   case page 20, calendar 10, API GET case 10, API list 5, API create case (write) 5,
   API edit letter + generate (render, write) 5, ICS feed 5.
4. Prints requests/s, p50/p95/p99 per endpoint, errors (any status >= 400 or a failed request),
   and the load average, for each phase.

The client runs on the same machine (threads in this process): on 2 shared cores it takes some of
the CPU the server would have. Figures depend on the machine's load (printed beside them).
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402
from generate import populate, reset_postgres_database  # noqa: E402

PASSWORD = "bench-wachtwoord-123"
DB_NAME = "bench_load_perf"
ROLES = {"registrar": "registrar", "drafter": "drafter", "director": "director", "signer": "signatory_office", "viewer": "viewer"}
# endpoint -> (weight, roles that do it)
MIX: dict[str, tuple[int, tuple[str, ...]]] = {
    "dashboard": (12, ("director",)),
    "case_list_filtered": (14, ("drafter", "registrar", "viewer", "director")),
    "search": (14, ("drafter", "registrar", "viewer", "director")),
    "case_page": (20, ("drafter", "registrar", "viewer", "director", "signer")),
    "calendar": (10, ("drafter", "director", "viewer")),
    "api_get_case": (10, ("viewer", "drafter")),
    "api_list": (5, ("viewer",)),
    "api_create_case": (5, ("registrar",)),
    "letter_render": (5, ("drafter",)),
    "ics_feed": (5, ("drafter",)),
}
#: new cases' numbers, unique over all phases
_NEW_REFERENCES = itertools.count(1)
SEARCH_WORDS = ["politie", "asiel", "gevangenis", "rechtspraak", "appingedam", "cybercrime", "jeugd", "slachtoffer"]


# --------------------------------------------------------------------------- the database


def build(url: str, count: int, instance: str) -> dict[str, Any]:
    """Schema, cases, deadlines, templates, letters and users; returns what the clients need."""
    os.environ["PARLIAMENT_TRACKER_INSTANCE_PATH"] = instance
    from parliament_tracker import create_app
    from parliament_tracker.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-load", "TESTING": False})
    with app.app_context():
        db.create_all()
        started = time.perf_counter()
        summary = populate(db.engine, count)
        deadlines = _fill_deadlines()
        extra = _people_and_letters()
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        print(f"built {summary.cases:,} cases, {summary.questions:,} questions, {deadlines:,} deadlines, "
              f"{len(extra['letters'])} letters in {time.perf_counter() - started:.0f} s")
    return {**extra, "references": summary.ids["linked_references"]}


def _fill_deadlines() -> int:
    """Every case's deadlines by the rules (Core inserts), and the binding date on the case."""
    from parliament_tracker.cases.models import Case
    from parliament_tracker.deadlines import rules
    from parliament_tracker.deadlines.models import Deadline
    from parliament_tracker.extensions import db

    calendar, settings, table = rules.WorkingCalendar(), rules.DEFAULT_SETTINGS, rules.RecessTable(())
    stamp = dt.datetime.now(dt.UTC)
    rows = db.session.execute(
        sa.select(Case.id, Case.kind, Case.received_on, Case.committee_due_on, Case.given_due_on, Case.postponed_on,
                  Case.addressed_to_id, Case.status)
    ).all()
    deadline_rows, case_updates = [], []
    for cid, kind, received, committee_due, given_due, postponed, signatory, status in rows:
        facts = rules.CaseFacts(kind=kind.value, received_on=received, committee_due_on=committee_due,
                                given_due_on=given_due, postponed_on=postponed, event=None, signatory_id=signatory,
                                answered=status.value == "answered")
        computed = rules.compute_deadlines(facts, calendar=calendar, settings=settings, recesses=table)
        binding = rules.binding_deadline(computed)
        case_updates.append({"b_id": cid, "b_due": binding.due_on if binding else None,
                             "b_practical": binding.practical_due_on if binding else None})
        deadline_rows += [{"case_id": cid, "kind": c.kind, "due_on": c.due_on, "practical_due_on": c.practical_due_on,
                           "rule": c.rule, "explanation": c.explanation, "is_binding": c.is_binding,
                           "warnings": list(c.warnings), "computed_at": stamp} for c in computed]
    for i in range(0, len(deadline_rows), 5000):
        db.session.execute(sa.insert(Deadline), deadline_rows[i : i + 5000])
    db.session.connection().execute(
        sa.update(Case.__table__).where(Case.__table__.c.id == sa.bindparam("b_id"))
        .values(due_on=sa.bindparam("b_due"), practical_due_on=sa.bindparam("b_practical")),
        case_updates,
    )
    return len(deadline_rows)


def _people_and_letters() -> dict[str, Any]:
    from parliament_tracker.auth.models import Role
    from parliament_tracker.auth.services import create_user, issue_token
    from parliament_tracker.cases.models import Case, CaseKind
    from parliament_tracker.deadlines import feeds
    from parliament_tracker.extensions import db
    from parliament_tracker.letters import services as letters
    from parliament_tracker.letters.models import LetterKind
    from parliament_tracker.letters.templates import load_shipped_templates
    from parliament_tracker.organisation.models import Directorate

    directorate = db.session.get(Directorate, 1)
    users = {name: create_user(f"bench_{name}", PASSWORD, Role(role), display_name=f"Bench {name}",
                               directorate=directorate if name in ("drafter", "director") else None)
             for name, role in ROLES.items()}
    db.session.flush()
    load_shipped_templates(actor=users["drafter"])
    # The drafter's own cases (the dashboard, "mine", the ICS feed) and letters on 40 of them.
    mine = db.session.scalars(
        sa.select(Case).where(Case.lead_directorate_id == 1, Case.kind == CaseKind.written_questions)
        .order_by(Case.id.desc()).limit(200)
    ).all()
    for case in mine:
        case.drafter_id = users["drafter"].id
    letter_ids = []
    for case in mine[:40]:
        letter = letters.start_letter([case], LetterKind.kamerbrief, actor=users["drafter"])
        letter_ids.append(letter.id)
    _feed, feed_token = feeds.create_feed(users["drafter"], "mine")
    tokens = {name: issue_token(user) for name, user in users.items()}
    return {"letters": letter_ids, "tokens": tokens, "feed_token": feed_token}


# --------------------------------------------------------------------------- the server


def start_gunicorn(url: str, instance: str, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-load-secret-key-0123456789abcdef",
        "PARLIAMENT_TRACKER_INSTANCE_PATH": instance,
        "PARLIAMENT_TRACKER_SESSION_COOKIE_SECURE": "false",
        "PARLIAMENT_TRACKER_REMEMBER_COOKIE_SECURE": "false",
        "PYTHONPATH": str(ROOT),
    }
    cmd = [sys.executable, "-m", "gunicorn", "--preload", "--workers", str(workers), "--worker-class", "sync",
           "--bind", f"127.0.0.1:{port}", "--timeout", "60", "--log-level", "warning", "bench.load_wsgi:app"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/bare", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("gunicorn did not start")


# --------------------------------------------------------------------------- the clients


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = collections.defaultdict(list)
        self.errors: collections.Counter[str] = collections.Counter()
        self.samples: list[str] = []

    def add(self, name: str, seconds: float, ok: bool, detail: str = "") -> None:
        with self.lock:
            self.times[name].append(seconds * 1000)
            if not ok:
                self.errors[name] += 1
                if len(self.samples) < 5:
                    self.samples.append(f"{name}: {detail}")


class User:
    """One person: a logged-in browser session (or API token) of one role."""

    def __init__(self, base: str, role: str, ctx: dict[str, Any], rng: random.Random, n: int) -> None:
        self.base, self.role, self.ctx, self.rng, self.n = base, role, ctx, rng, n
        self.http = requests.Session()
        self.api = {"Authorization": f"Bearer {ctx['tokens'][role]}"}
        self.created = 0
        page = self.http.get(f"{base}/login", timeout=30)
        token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text)
        r = self.http.post(f"{base}/login", data={"username": f"bench_{role}", "password": PASSWORD,
                                                  "csrf_token": token.group(1) if token else ""},
                           allow_redirects=False, timeout=30)
        if r.status_code != 302:
            raise SystemExit(f"login as bench_{role} failed: {r.status_code}")

    def request(self, name: str) -> tuple[int, str]:
        b, rng = self.base, self.rng
        ref = rng.choice(self.ctx["references"])
        if name == "dashboard":
            r = self.http.get(f"{b}/dashboard", timeout=60)
        elif name == "case_list_filtered":
            r = self.http.get(f"{b}/cases", params={"kind": "written_questions", "state": "open", "directorate": rng.randint(1, 6),
                                                    "sort": rng.choice(["received_desc", "due"])}, timeout=60)
        elif name == "search":
            r = self.http.get(f"{b}/cases", params={"q": rng.choice(SEARCH_WORDS)}, timeout=60)
        elif name == "case_page":
            r = self.http.get(f"{b}/cases/{ref}", timeout=60)
        elif name == "calendar":
            r = self.http.get(f"{b}/calendar", timeout=60)
        elif name == "api_get_case":
            r = self.http.get(f"{b}/api/v1/cases/{ref}", headers=self.api, timeout=60)
        elif name == "api_list":
            r = self.http.get(f"{b}/api/v1/cases", params={"q": rng.choice(SEARCH_WORDS), "state": "open"},
                              headers=self.api, timeout=60)
        elif name == "api_create_case":
            self.created += 1
            body = {"reference": f"2099Z{next(_NEW_REFERENCES):05d}", "kind": "commitment",
                    "subject": f"Toezegging over belasting {self.n}-{self.created}", "received_on": dt.date.today().isoformat()}
            r = self.http.post(f"{b}/api/v1/cases", json=body, headers=self.api, timeout=60)
        elif name == "letter_render":
            letter_id = rng.choice(self.ctx["letters"])
            r = self.http.post(f"{b}/api/v1/letters/{letter_id}/versions", json={}, headers=self.api, timeout=60)
        elif name == "ics_feed":
            r = self.http.get(f"{b}/ics/{self.ctx['feed_token']}.ics", timeout=60,
                              headers={"If-None-Match": self.ctx.get("feed_etag", "")} if rng.random() < 0.8 else {})
            if r.status_code == 200 and r.headers.get("ETag"):
                self.ctx["feed_etag"] = r.headers["ETag"]
        elif name == "bare":
            r = self.http.get(f"{b}/bare", timeout=60)
        else:
            raise ValueError(name)
        if r.status_code < 400:
            return r.status_code, ""
        title = re.search(r"<title>([^<]*)</title>", r.text)
        return r.status_code, f"{r.status_code} {title.group(1) if title else r.text[:120]!r}"


def _choices(role: str) -> tuple[list[str], list[int]]:
    names = [n for n, (_w, roles) in MIX.items() if role in roles]
    return names, [MIX[n][0] for n in names]


def run_phase(base: str, ctx: dict[str, Any], users: int, seconds: float, think: bool, only: str | None = None) -> tuple[Stats, float]:
    stats = Stats()
    # roles in proportion to what the mix asks of them
    role_cycle = ["drafter", "director", "drafter", "viewer", "registrar", "director", "viewer", "signer", "drafter", "registrar"]
    people: list[User] = []
    for i in range(users):
        people.append(User(base, role_cycle[i % len(role_cycle)], ctx, random.Random(i), i))

    stop = time.time() + seconds  # after the logins

    def loop(user: User) -> None:
        names, weights = _choices(user.role)
        while time.time() < stop:
            name = only or user.rng.choices(names, weights)[0]
            t0 = time.perf_counter()
            try:
                status, detail = user.request(name)
                ok = status < 400
            except requests.RequestException as exc:
                ok, detail = False, repr(exc)[:200]
            stats.add(name, time.perf_counter() - t0, ok, detail)
            if think:
                time.sleep(user.rng.uniform(0.5, 1.5))

    started = time.perf_counter()
    threads = [threading.Thread(target=loop, args=(u,), daemon=True) for u in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.perf_counter() - started


def print_worker_memory(master_pid: int) -> None:
    """Resident and unshared memory of each gunicorn worker (children of the master), from /proc."""
    rows = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        if fields.get("PPid", "").strip() != str(master_pid):
            continue
        rss = int(fields["VmRSS"].split()[0]) / 1024
        try:
            rollup = (entry / "smaps_rollup").read_text()
            private = sum(int(line.split()[1]) for line in rollup.splitlines()
                          if line.startswith(("Private_Clean:", "Private_Dirty:"))) / 1024
        except OSError:
            private = float("nan")
        rows.append((rss, private))
    if rows:
        print(f"   gunicorn workers: {len(rows)}; resident per worker {min(r for r, _ in rows):.0f}-{max(r for r, _ in rows):.0f} MB, "
              f"of which private (not shared with the --preload master) {min(p for _, p in rows):.0f}-{max(p for _, p in rows):.0f} MB")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(label: str, stats: Stats, elapsed: float) -> float:
    total = sum(len(v) for v in stats.times.values())
    errors = sum(stats.errors.values())
    rate = total / elapsed
    print(f"\n== {label}: {total:,} requests in {elapsed:.0f} s = {rate:.1f} requests/s, {errors} errors, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"   {'endpoint':20} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>7}")
    every: list[float] = []
    for name in sorted(stats.times):
        values = stats.times[name]
        every += values
        print(f"   {name:20} {len(values):6} {statistics.median(values):8.0f} {pct(values, 95):8.0f} {pct(values, 99):8.0f} "
              f"{stats.errors[name]:7}")
    if every:
        print(f"   {'all':20} {len(every):6} {statistics.median(every):8.0f} {pct(every, 95):8.0f} {pct(every, 99):8.0f} {errors:7}")
    for sample in stats.samples:
        print(f"   error: {sample}")
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=120, help="seconds per phase (default 120)")
    parser.add_argument("--duration-50", type=float, default=None,
                        help="seconds for the 50-user phase (default --duration; the hardening issue asks 300)")
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--capacity-users", type=int, default=32)
    parser.add_argument("--database-url", default=None, help="an empty PostgreSQL database (default: make bench_load)")
    args = parser.parse_args()
    url = args.database_url or reset_postgres_database(DB_NAME)
    instance = tempfile.mkdtemp(prefix="bench_load_")
    print(f"load average at start: {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores; gunicorn --preload "
          f"--workers {args.workers} (sync); {args.duration:.0f} s per phase")
    ctx = build(url, args.cases, instance)
    proc = start_gunicorn(url, instance, args.port, args.workers)
    base = f"http://127.0.0.1:{args.port}"
    try:
        for users in (20, 50):
            seconds = args.duration_50 if users == 50 and args.duration_50 else args.duration
            stats, elapsed = run_phase(base, ctx, users, seconds, think=True)
            report(f"{users} users (0.5-1.5 s between requests)", stats, elapsed)
            print_worker_memory(proc.pid)
        stats, elapsed = run_phase(base, ctx, args.capacity_users, args.duration, think=False)
        app_rate = report(f"capacity: {args.capacity_users} users without waiting", stats, elapsed)
        stats, elapsed = run_phase(base, ctx, 16, min(args.duration, 30), think=False, only="bare")
        bare_rate = report("bare Flask endpoint on the same gunicorn, 16 clients without waiting", stats, elapsed)
        if bare_rate:
            print(f"\nthe mix at capacity is {app_rate / bare_rate * 100:.1f} % of the bare endpoint "
                  f"({app_rate:.1f} / {bare_rate:.1f} requests/s)")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        if args.database_url is None:
            from generate import drop_postgres_database

            drop_postgres_database(DB_NAME)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
