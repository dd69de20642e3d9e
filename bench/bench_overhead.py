"""What every request costs before its view runs and after it returns, in-process (not a test).

    BENCH_CPU_DB=bench_cpu_<you> PYTHONPATH=. .venv/bin/python bench/bench_request_cpu.py --keep --only calendar
    BENCH_CPU_DB=bench_cpu_<you> PYTHONPATH=. .venv/bin/python bench/bench_overhead.py [--requests 300] [--profile NAME]

Uses the database ``bench_request_cpu.py`` keeps (``--keep``; the same ``BENCH_CPU_DB``) and the
app as a gunicorn worker has it. It adds, in this process only, views that do nothing, so that
what is measured is the rest: the hooks, the unit of work, the session or token check, and
(``empty_page``) the layout around an empty page:

- ``bare``: a bare Flask app's ``/`` (the framework alone; bench_load's ``/bare``),
- ``public_nothing``: a public view returning "ok" (hooks, no user),
- ``page_nothing``: a page view (permission ``case.view``) returning "ok": plus the session's user,
- ``empty_page``: the same view rendering ``layout.html`` with an empty content block,
- ``api_nothing``: an API view (bearer token, ``case.view``) returning ``{}``,
- ``healthz``, ``account`` (a real small page) and ``api_get_case`` (bench_load's API read).

Per request: this process's CPU (``time.process_time``), the PostgreSQL backends' CPU, SQL
statements. ``--code DIR`` runs another checkout's code (e.g. main's) for a before/after; the
benchmark itself stays this one.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa
from bench_request_cpu import DB_NAME, Backends, SqlCounter, context_from, login, make_app
from generate import PG_ADMIN_URL, print_profile

NAMES = ("bare", "public_nothing", "page_nothing", "empty_page", "api_nothing", "healthz", "account", "api_get_case")
EMPTY_PAGE = '{% extends "layout.html" %}{% block title %}Leeg{% endblock %}{% block content %}<p>leeg</p>{% endblock %}'


def add_bench_views(app: Any) -> None:
    """Views that do nothing, registered before the first request (this process only)."""
    from flask import jsonify, render_template
    from jinja2 import ChoiceLoader, DictLoader

    from parliament_tracker.api import api_permission
    from parliament_tracker.auth.permissions import permission_required, public

    app.jinja_env.loader = ChoiceLoader([DictLoader({"bench_empty.html": EMPTY_PAGE}), app.jinja_env.loader])

    @app.get("/bench/public")
    @public
    def bench_public() -> Any:
        return "ok"

    @app.get("/bench/page")
    @permission_required("case.view")
    def bench_page() -> Any:
        return "ok"

    @app.get("/bench/empty")
    @permission_required("case.view")
    def bench_empty() -> Any:
        return render_template("bench_empty.html")

    @app.get("/api/v1/bench/nothing", endpoint="bench_api_nothing")
    @api_permission("case.view")
    def bench_api() -> Any:
        return jsonify({})


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="rounds over all names; the lowest CPU per name is kept")
    parser.add_argument("--only", default="")
    parser.add_argument("--profile", default="", help="cProfile these names (comma-separated)")
    parser.add_argument("--profile-lines", type=int, default=40)
    parser.add_argument("--profile-out", default="")
    parser.add_argument("--code", default="", help="import parliament_tracker from this checkout (before/after)")
    args = parser.parse_args()
    if args.code:  # bench_request_cpu put this checkout first on the path; nothing of the app is imported yet
        sys.path.insert(0, str(Path(args.code).resolve()))

    from flask import Flask

    instance = tempfile.mkdtemp(prefix="bench_overhead_")
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + DB_NAME
    print(f"load average at start: {os.getloadavg()[0]:.1f}; code from {args.code or 'this checkout'}; database {DB_NAME}")
    app = make_app(url, instance)
    add_bench_views(app)
    ctx = context_from(app)
    bare = Flask("bare")

    @bare.get("/")
    def hello() -> str:
        return "ok"

    from parliament_tracker.extensions import db

    with app.app_context():
        backends = Backends(sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT"), DB_NAME)
        sql = SqlCounter(db.engine)
    viewer = app.test_client()
    login(viewer, "viewer")
    bare_client = bare.test_client()
    api = {"Authorization": f"Bearer {ctx['tokens']['viewer']}"}
    rng = random.Random(7)
    calls = {
        "bare": lambda: bare_client.get("/"),
        "public_nothing": lambda: viewer.get("/bench/public"),
        "page_nothing": lambda: viewer.get("/bench/page"),
        "empty_page": lambda: viewer.get("/bench/empty"),
        "api_nothing": lambda: viewer.get("/api/v1/bench/nothing", headers=api),
        "healthz": lambda: viewer.get("/healthz"),
        "account": lambda: viewer.get("/account"),
        "api_get_case": lambda: viewer.get(f"/api/v1/cases/{rng.choice(ctx['references'])}", headers=api),
    }
    names = [n for n in NAMES if not args.only or n in args.only.split(",")]
    profiled = set(args.profile.split(",")) - {""}
    profile = cProfile.Profile(time.process_time) if profiled else None
    best: dict[str, dict[str, float]] = {}
    for _round in range(args.rounds):
        for name in names:
            call = calls[name]
            for _ in range(args.warmup):
                resp = call()
                if resp.status_code >= 400:
                    raise SystemExit(f"{name}: HTTP {resp.status_code}")
            sql.count = 0
            pg_before = backends.cpu_seconds()
            cpu_before = time.process_time()
            if profile is not None and name in profiled:
                profile.enable()
            for _ in range(args.requests):
                resp = call()
                resp.get_data()
            if profile is not None and name in profiled:
                profile.disable()
            row = {"app": (time.process_time() - cpu_before) / args.requests * 1000,
                   "pg": (backends.cpu_seconds() - pg_before) / args.requests * 1000 if name != "bare" else 0.0,
                   "sql": sql.count / args.requests}
            if name not in best or row["app"] < best[name]["app"]:
                best[name] = row
    base = best.get("bare", {}).get("app", 0.0)
    for name in names:
        r = best[name]
        extra = f"  (+{r['app'] - base:5.2f} over bare)" if name != "bare" and base else ""
        print(f"   {name:16} app {r['app']:6.2f}  pg {r['pg']:5.2f}  total {r['app'] + r['pg']:6.2f} ms CPU;  {r['sql']:4.1f} SQL{extra}")
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    if profile is not None:
        print_profile(profile, args.profile_out, args.profile_lines)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
