"""CPU and wall time of one letter generation as bench_load.py asks for it (not a test).

    PYTHONPATH=. .venv/bin/python bench/bench_letter_cpu.py [--db sqlite|postgres] [--requests 40]
    PYTHONPATH=/work/main .venv/bin/python bench/bench_letter_cpu.py    # another checkout's code
    PYTHONPATH=. .venv/bin/python bench/bench_letter_cpu.py --profile 30 [--profile-out /tmp/l.pstats]

1. Builds a small database as ``bench_load.py`` builds its own (``generate.populate`` cases, then
   ``bench_load._people_and_letters``: the shipped templates, 40 draft kamerbrieven of the drafter,
   one user per role). SQLite in a temporary file, or PostgreSQL ``bench_letter_cpu_letters``
   (``BENCH_PG_DB`` names another; dropped and made anew, dropped at the end).
2. Creates the app as a gunicorn worker has it (``prepare_worker``) and posts
   ``POST /api/v1/letters/<id>/versions`` with the drafter's API token, for random letters of the 40,
   ``--warmup`` then ``--requests`` times, twice:
   - ``LETTER_RENDER_PROCESSES=0``: the render in the web process, so ``time.process_time`` is the
     whole request's CPU (lookup, fill, DOCX→HTML, WeasyPrint, storing, audit; and the test client);
   - ``LETTER_RENDER_PROCESSES=1`` (the default): the web process's CPU, the render worker's CPU
     (``/proc/<pid>/stat`` of the pool's process: a live pool is not in ``RUSAGE_CHILDREN``) and the wall;
     and the process's first letter, ``--first-wait`` seconds after its first request (``/healthz``):
     its wall and render worker CPU, and what the worker spent warming up before it.
   Prints wall p50/p95 and the CPU per request, with the load average beside them.
   ``--profile N`` profiles the in-process phase (CPU time) and prints its top N functions.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# PYTHONPATH=/work/main measures that checkout's app; this file's own checkout otherwise.
sys.path.insert(0 if not os.environ.get("PYTHONPATH") else len(sys.path), str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import sqlalchemy as sa  # noqa: E402
from bench_load import _people_and_letters  # noqa: E402
from generate import drop_postgres_database, populate, print_profile, reset_postgres_database  # noqa: E402

if os.environ.get("PYTHONPATH"):  # bench_load put this checkout first again
    sys.path = [p for p in sys.path if p != str(ROOT)] + [str(ROOT)]

PG_DB = os.environ.get("BENCH_PG_DB", "bench_letter_cpu_letters")
_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


def _pool_pids() -> list[int]:
    from parliament_tracker.letters import rendering

    pids = []
    for pool in rendering._POOLS.values():
        executor = pool._executor
        pids += list((getattr(executor, "_processes", None) or {}).keys())
    return pids


def build(url: str, cases: int) -> dict[str, Any]:
    from parliament_tracker import create_app
    from parliament_tracker.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-letter-cpu", "TESTING": False})
    with app.app_context():
        db.create_all()
        populate(db.engine, cases)
        extra = _people_and_letters()
        db.session.commit()
        db.engine.dispose()
    return extra


def make_app(url: str, processes: int) -> Any:
    from parliament_tracker import create_app
    from parliament_tracker.serving import prepare_worker

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-letter-cpu-secret-0123456789",
                      "LETTER_RENDER_PROCESSES": processes})
    prepare_worker()
    return app


def phase(url: str, ctx: dict[str, Any], processes: int, *, warmup: int, count: int,
          profile: cProfile.Profile | None, first_wait: float = 3.0) -> dict[str, float]:
    app = make_app(url, processes)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {ctx['tokens']['drafter']}"}
    rng = random.Random(11)

    def one() -> float:
        letter_id = rng.choice(ctx["letters"])
        started = time.perf_counter()
        resp = client.post(f"/api/v1/letters/{letter_id}/versions", json={}, headers=headers)
        resp.get_data()
        if resp.status_code >= 400:
            raise SystemExit(f"HTTP {resp.status_code}: {resp.get_data(as_text=True)[:300]}")
        return time.perf_counter() - started

    # The web process's first request is not a letter (as under gunicorn): a checkout that starts its
    # render workers then (letters.rendering.start_render_pool) has them warm by the first letter.
    from parliament_tracker.letters import rendering

    if hasattr(rendering, "_STARTED_IN"):
        rendering._STARTED_IN = 0  # this process's earlier phase started (or skipped) its own pool
    client.get("/healthz")
    time.sleep(first_wait if processes > 0 else 0)
    warm_cpu = sum(_proc_cpu(p) for p in _pool_pids())
    first_wall = one()
    first_worker = sum(_proc_cpu(p) for p in _pool_pids()) - warm_cpu
    for _ in range(warmup):
        one()
    pids = _pool_pids()
    worker_before = sum(_proc_cpu(p) for p in pids)
    cpu_before = time.process_time()
    if profile is not None:
        profile.enable()
    walls = [one() for _ in range(count)]
    if profile is not None:
        profile.disable()
    cpu = (time.process_time() - cpu_before) / count
    worker = (sum(_proc_cpu(p) for p in pids) - worker_before) / count if pids else 0.0
    from parliament_tracker.letters import rendering

    for pool in rendering._POOLS.values():
        pool.shutdown()
    rendering._POOLS.clear()
    walls.sort()
    return {"web": cpu * 1000, "worker": worker * 1000, "p50": statistics.median(walls) * 1000,
            "p95": walls[int(0.95 * (len(walls) - 1))] * 1000, "first": first_wall * 1000,
            "first_worker": first_worker * 1000, "warm": warm_cpu * 1000}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="profile the in-process phase, print the top N")
    parser.add_argument("--profile-out", default="")
    parser.add_argument("--first-wait", type=float, default=3.0,
                        help="seconds between the web process's first request (not a letter) and its first letter")
    parser.add_argument("--processes", default="0,1", help="render pool sizes to measure (default 0,1)")
    args = parser.parse_args()

    import parliament_tracker

    print(f"code: {Path(parliament_tracker.__file__).resolve().parent.parent}  db: {args.db}")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PARLIAMENT_TRACKER_INSTANCE_PATH"] = tmp
        url = reset_postgres_database(PG_DB) if args.db == "postgres" else f"sqlite:///{tmp}/letters.sqlite"
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        try:
            ctx = build(url, args.cases)
            print(f"{len(ctx['letters'])} draft letters; load average {os.getloadavg()[0]:.2f}")
            for processes in (int(p) for p in args.processes.split(",")):
                profile = cProfile.Profile(time.process_time) if args.profile and processes == 0 else None
                r = phase(url, ctx, processes, warmup=args.warmup, count=args.requests, profile=profile,
                          first_wait=args.first_wait)
                total = r["web"] + r["worker"]
                print(f"LETTER_RENDER_PROCESSES={processes}: CPU per generate {total:.1f} ms (web {r['web']:.1f}, "
                      f"render worker {r['worker']:.1f}); wall p50 {r['p50']:.0f} ms, p95 {r['p95']:.0f} ms; "
                      f"{args.requests} requests, load average {os.getloadavg()[0]:.2f}")
                if processes > 0:
                    print(f"  first letter of the web process ({args.first_wait:g} s after its first request): wall "
                          f"{r['first']:.0f} ms, render worker CPU {r['first_worker']:.0f} ms (its warm-up before the "
                          f"letter: {r['warm']:.0f} ms)")
                if profile is not None:
                    print_profile(profile, args.profile_out, args.profile)
        finally:
            if args.db == "postgres":
                sa.orm.close_all_sessions()
                drop_postgres_database(PG_DB)
    return 0


if __name__ == "__main__":
    sys.exit(main())
