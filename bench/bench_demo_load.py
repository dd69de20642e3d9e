"""Benchmark: how long `flask demo load` takes on a fresh database, and where the time goes.

Not a test. Builds an empty SQLite database (and signing folder) in a temporary instance folder,
then loads the demo --runs times (each into a fresh database) and prints the total, the share
spent rendering letters (the pipeline's ``render`` calls: version 1 of each letter and each
signed final version), password hashing, and a second (idempotent) load.

    .venv/bin/python bench/bench_demo_load.py --runs 2
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class Timer:
    """Wraps a function and adds up the time spent in it."""

    def __init__(self, owner: object, name: str) -> None:
        self.owner, self.name, self.calls, self.seconds = owner, name, 0, 0.0
        self.original = getattr(owner, name)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.calls += 1
                self.seconds += time.perf_counter() - started

        setattr(owner, name, timed)

    def restore(self) -> None:
        setattr(self.owner, self.name, self.original)


def one_run(folder: Path) -> dict[str, float]:
    from parliament_tracker import create_app
    from parliament_tracker.auth import services as auth_services
    from parliament_tracker.demo import load_demo
    from parliament_tracker.extensions import db
    from parliament_tracker.letters import rendering

    os.environ["PARLIAMENT_TRACKER_INSTANCE_PATH"] = str(folder)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'demo.sqlite'}", "SECRET_KEY": "bench-demo-load"})
    with app.app_context():
        db.create_all()
        renders = Timer(rendering, "_run")
        hashing = Timer(auth_services, "hash_password")
        try:
            started = time.perf_counter()
            assert load_demo() is True
            db.session.commit()
            total = time.perf_counter() - started
        finally:
            renders.restore()
            hashing.restore()
        started = time.perf_counter()
        assert load_demo() is False
        again = time.perf_counter() - started
        db.session.remove()
    return {"total": total, "renders": renders.calls, "render_s": renders.seconds,
            "hashes": hashing.calls, "hash_s": hashing.seconds, "second_load": again}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    results = []
    for run in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="bench-demo-") as tmp:
            result = one_run(Path(tmp))
        results.append(result)
        print(f"run {run + 1}: load {result['total']:.1f} s; rendering {result['renders']:.0f} letters "
              f"{result['render_s']:.1f} s; {result['hashes']:.0f} password hashes {result['hash_s']:.1f} s; "
              f"second load {result['second_load'] * 1000:.0f} ms")
    totals = [r["total"] for r in results]
    print(f"demo load: median {statistics.median(totals):.1f} s over {len(totals)} runs (min {min(totals):.1f} s, "
          f"max {max(totals):.1f} s), on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
