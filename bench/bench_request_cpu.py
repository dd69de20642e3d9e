"""CPU time per request, per endpoint of bench_load's mix, in-process (not a test).

    PYTHONPATH=. .venv/bin/python bench/bench_request_cpu.py [--requests 60] [--cases 20000] [--keep] [--reuse]
    PYTHONPATH=. .venv/bin/python bench/bench_request_cpu.py --reuse --keep --profile search --requests 200

1. Builds the PostgreSQL database ``bench_cpu_h1`` exactly as ``bench_load.py`` builds
   ``bench_load_perf`` (20,000 cases from ``generate.py``, their deadlines, templates, 40 draft
   letters, one user per role). ``--reuse`` keeps an existing one (built by an earlier ``--keep``).
2. Creates the app in this process as ``wsgi.py`` does for a gunicorn worker (``prepare_worker``),
   logs in one Flask test client per role (session cookie, CSRF) and takes each role's API token.
3. For each endpoint of the mix (letter renders left out: their cost is the PDF engine's), runs
   ``--warmup`` then ``--requests`` requests and prints per request: the CPU time of this process
   (``time.process_time``: the app, the WSGI layer and the test client, which is small), the CPU
   time of the PostgreSQL backends serving this database (from ``/proc/<pid>/stat`` when the
   server runs on this machine), their sum, the SQL statements, and the wall-clock p50.

CPU time per request hardly depends on what else runs on the machine (wall time does): it is
the figure that says how many requests per second two cores can serve. The load average is
printed beside it all the same. The database is dropped at the end unless ``--keep``.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import inspect
import itertools
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from bench_load import PASSWORD, ROLES, SEARCH_WORDS, build  # noqa: E402
from generate import PG_ADMIN_URL, drop_postgres_database, print_profile, reset_postgres_database  # noqa: E402

DB_NAME = os.environ.get("BENCH_CPU_DB", "bench_cpu_h1")  # BENCH_CPU_DB: one per person running it
#: endpoint -> the role that asks for it (one of bench_load's roles for it)
ENDPOINTS: dict[str, str] = {
    "dashboard": "director",
    "case_list_filtered": "drafter",
    "search": "viewer",
    "case_page": "drafter",
    "calendar": "drafter",
    "api_get_case": "viewer",
    "api_list": "viewer",
    "api_create_case": "registrar",
    "ics_feed": "drafter",
}
_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class Backends:
    """The CPU seconds the PostgreSQL backends of one database have used (utime + stime)."""

    def __init__(self, admin: sa.Engine, database: str) -> None:
        self.admin, self.database = admin, database
        self.available = True

    def _pids(self) -> list[int]:
        with self.admin.connect() as conn:
            return list(conn.execute(sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d"), {"d": self.database}).scalars())

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in self._pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                self.available = False  # the server is elsewhere (or not readable)
                continue
            total += (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS
        return total


class SqlCounter:
    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        sa.event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, *_args: Any) -> None:
        self.count += 1


def make_app(url: str, instance: str) -> Any:
    """The app as a gunicorn worker has it (wsgi.py: create_app, then prepare_worker)."""
    os.environ["PARLIAMENT_TRACKER_INSTANCE_PATH"] = instance
    from parliament_tracker import create_app
    from parliament_tracker.serving import prepare_worker

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-cpu-secret-key-0123456789abcdef",
                      "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False})
    # with the app (its templates compiled before the fork) where the checkout's prepare_worker takes it
    prepare_worker(*([app] if inspect.signature(prepare_worker).parameters else []))
    return app


def context_from(app: Any) -> dict[str, Any]:
    """What ``build`` returns, read back from a database built earlier (``--reuse``)."""
    from parliament_tracker.auth.models import User
    from parliament_tracker.auth.services import issue_token
    from parliament_tracker.cases.models import Case, CaseLink
    from parliament_tracker.deadlines import feeds
    from parliament_tracker.extensions import db
    from parliament_tracker.letters.models import Letter

    with app.app_context():
        users = {name: db.session.scalar(sa.select(User).where(User.username == f"bench_{name}")) for name in ROLES}
        if any(u is None for u in users.values()):
            raise SystemExit(f"--reuse: {DB_NAME} has no bench users; run without --reuse")
        tokens = {name: issue_token(user) for name, user in users.items()}
        _feed, feed_token = feeds.create_feed(users["drafter"], "mine")
        # as generate.py's "linked_references": the first 200 cases that link to another
        references = list(db.session.scalars(sa.select(Case.reference).where(Case.id.in_(sa.select(CaseLink.source_id)))
                                             .order_by(Case.id).limit(200)))
        letters = list(db.session.scalars(sa.select(Letter.id).limit(40)))
        db.session.commit()
    return {"tokens": tokens, "feed_token": feed_token, "references": references, "letters": letters}


def login(client: Any, role: str) -> None:
    page = client.get("/login")
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text)
    resp = client.post("/login", data={"username": f"bench_{role}", "password": PASSWORD, "csrf_token": token.group(1) if token else ""})
    if resp.status_code != 302:
        raise SystemExit(f"login as bench_{role} failed: {resp.status_code}")


def request(name: str, client: Any, ctx: dict[str, Any], role: str, rng: random.Random) -> Any:
    """One request of bench_load's kind ``name`` (the same addresses and parameters)."""
    api = {"Authorization": f"Bearer {ctx['tokens'][role]}"}
    ref = rng.choice(ctx["references"])
    if name == "dashboard":
        return client.get("/dashboard")
    if name == "case_list_filtered":
        return client.get("/cases", query_string={"kind": "written_questions", "state": "open", "directorate": rng.randint(1, 6),
                                                  "sort": rng.choice(["received_desc", "due"])})
    if name == "search":
        return client.get("/cases", query_string={"q": rng.choice(SEARCH_WORDS)})
    if name == "case_page":
        return client.get(f"/cases/{ref}")
    if name == "calendar":
        return client.get("/calendar")
    if name == "api_get_case":
        return client.get(f"/api/v1/cases/{ref}", headers=api)
    if name == "api_list":
        return client.get("/api/v1/cases", query_string={"q": rng.choice(SEARCH_WORDS), "state": "open"}, headers=api)
    if name == "api_create_case":
        body = {"reference": f"2098Z{next(ctx['new_references']):05d}", "kind": "commitment",
                "subject": "Toezegging over belasting", "received_on": dt.date.today().isoformat()}
        return client.post("/api/v1/cases", json=body, headers=api)
    if name == "ics_feed":
        headers = {"If-None-Match": ctx.get("feed_etag", "")} if rng.random() < 0.8 else {}
        resp = client.get(f"/ics/{ctx['feed_token']}.ics", headers=headers)
        if resp.status_code == 200 and resp.headers.get("ETag"):
            ctx["feed_etag"] = resp.headers["ETag"]
        return resp
    raise ValueError(name)


def measure(name: str, client: Any, ctx: dict[str, Any], role: str, *, warmup: int, count: int,
            backends: Backends, sql: SqlCounter, profile: cProfile.Profile | None) -> dict[str, float]:
    rng = random.Random(7)
    for _ in range(warmup):
        resp = request(name, client, ctx, role, rng)
        resp.get_data()
        if resp.status_code >= 400:
            raise SystemExit(f"{name}: HTTP {resp.status_code}")
    walls = []
    sql.count = 0
    pg_before = backends.cpu_seconds()
    cpu_before = time.process_time()
    if profile is not None:
        profile.enable()
    for _ in range(count):
        started = time.perf_counter()
        resp = request(name, client, ctx, role, rng)
        resp.get_data()
        walls.append(time.perf_counter() - started)
        if resp.status_code >= 400:
            raise SystemExit(f"{name}: HTTP {resp.status_code}")
    if profile is not None:
        profile.disable()
    cpu = (time.process_time() - cpu_before) / count
    pg = (backends.cpu_seconds() - pg_before) / count
    return {"app": cpu * 1000, "pg": pg * 1000, "sql": sql.count / count, "wall": statistics.median(walls) * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60, help="measured requests per endpoint (default 60)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--cases", type=int, default=20000)
    parser.add_argument("--keep", action="store_true", help=f"keep the database {DB_NAME}")
    parser.add_argument("--reuse", action="store_true", help=f"use the database {DB_NAME} kept by an earlier run")
    parser.add_argument("--only", default="", help="comma-separated endpoints (default: all)")
    parser.add_argument("--profile", default="", help="cProfile the measured requests of these endpoints ('all' for every one)")
    parser.add_argument("--profile-lines", type=int, default=45)
    parser.add_argument("--profile-out", default="", help="write the profile's stats to this file (pstats)")
    args = parser.parse_args()

    instance = tempfile.mkdtemp(prefix="bench_cpu_")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + DB_NAME
    print(f"load average at start: {os.getloadavg()[0]:.1f}; {os.cpu_count()} cores; {args.requests} requests per endpoint")
    if args.reuse:
        ctx = None
    else:
        url = reset_postgres_database(DB_NAME)
        ctx = build(url, args.cases, instance)
    # build() made its own app: the measured one is fresh, like a worker's
    app = make_app(url, instance)
    if ctx is None:
        ctx = context_from(app)

    from parliament_tracker.cases.models import Case
    from parliament_tracker.extensions import db

    with app.app_context():  # new cases' numbers, after those of earlier runs (--reuse)
        taken = db.session.scalar(sa.select(sa.func.max(Case.reference)).where(Case.reference.like("2098Z%")))
    ctx["new_references"] = itertools.count(int(taken[5:]) + 1 if taken else 1)
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    names = [n for n in ENDPOINTS if not args.only or n in args.only.split(",")]
    profiled = set(ENDPOINTS if args.profile == "all" else args.profile.split(",")) - {""}
    profile = cProfile.Profile(time.process_time) if profiled else None  # CPU time, not waits
    rows = {}
    try:
        with app.app_context():
            backends = Backends(admin, DB_NAME)
            sql = SqlCounter(db.engine)
        clients = {}
        for role in set(ENDPOINTS[n] for n in names):
            clients[role] = app.test_client()
            login(clients[role], role)
        for name in names:
            role = ENDPOINTS[name]
            rows[name] = measure(name, clients[role], ctx, role, warmup=args.warmup, count=args.requests, backends=backends, sql=sql,
                                 profile=profile if name in profiled else None)
            r = rows[name]
            print(f"   {name:20} app {r['app']:6.1f}  pg {r['pg']:5.1f}  total {r['app'] + r['pg']:6.1f} ms CPU;"
                  f"  {r['sql']:5.1f} SQL;  wall p50 {r['wall']:6.1f} ms", flush=True)
        # bench_load's weights (letter renders left out): the mix's CPU per request
        weights = {"dashboard": 12, "case_list_filtered": 14, "search": 14, "case_page": 20, "calendar": 10, "api_get_case": 10,
                   "api_list": 5, "api_create_case": 5, "ics_feed": 5}
        if set(names) == set(ENDPOINTS):
            total_w = sum(weights.values())
            mix_app = sum(rows[n]["app"] * w for n, w in weights.items()) / total_w
            mix_pg = sum(rows[n]["pg"] * w for n, w in weights.items()) / total_w
            print(f"\n   weighted mix (bench_load's weights, no letter renders): app {mix_app:.1f} + pg {mix_pg:.1f} = "
                  f"{mix_app + mix_pg:.1f} ms CPU per request -> at most {2000 / (mix_app + mix_pg):.0f} requests/s on 2 cores")
        if not backends.available:
            print("   (pg: some PostgreSQL backends were not readable in /proc: the figure is partial)")
        print(f"load average at end: {os.getloadavg()[0]:.1f}")
        if profile is not None:
            print_profile(profile, args.profile_out, args.profile_lines)
    finally:
        with app.app_context():
            db.engine.dispose()
        admin.dispose()
        if not args.keep:
            drop_postgres_database(DB_NAME)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
