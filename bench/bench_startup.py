"""Start-up time to the first response, and what the imports cost (not a test).

    PYTHONPATH=. .venv/bin/python bench/bench_startup.py [runs]

Each run is a fresh interpreter that creates the app as ``wsgi.py`` does (without the worker
preparation) on an empty SQLite file and answers ``GET /login`` through the test client; prints the
median wall time and the child's CPU time, and from ``python -X importtime`` the cumulative import time of WeasyPrint,
Alembic, pyHanko and python-docx in that process, with the load average. Aim (issue #19): 1.5 s.
The byte code is cached as in production (one unmeasured run first writes ``__pycache__``, even
where ``PYTHONDONTWRITEBYTECODE`` is set); ``-X importtime`` itself adds a little.

Issue #19, before (main) and after run alternately, 5 runs each, load average 11–13.5 on the shared 2-CPU
machine: first response 9.46 / 7.23 s → 3.75 / 3.40 s, CPU time 3.61 / 2.87 s → 1.44 / 1.46 s; WeasyPrint
1.90 / 1.63 s, pyHanko 1.76 / 1.33 s, Alembic 0.50 / 0.34 s, python-docx 0.17 / 0.13 s → 0 each.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = """
import time, tempfile
t0 = time.perf_counter()
from parliament_tracker import create_app
app = create_app({"SECRET_KEY": "bench-startup", "SQLALCHEMY_DATABASE_URI": "sqlite:///%s/s.sqlite"})
from parliament_tracker.extensions import db
with app.app_context():
    db.create_all()
r = app.test_client().get("/login")
assert r.status_code == 200, r.status_code
print("FIRST_RESPONSE", time.perf_counter() - t0)
"""


def _import_share(importtime: str, package: str) -> float:
    """Seconds spent importing ``package`` and its submodules (``-X importtime`` lists a child before
    its parent, indented deeper): the cumulative time of each of its modules whose importer is not
    part of it. ``import pyhanko.sign`` lists the tiny ``pyhanko`` apart from ``pyhanko.sign``."""
    rows = [(len(m.group(2)), m.group(3), int(m.group(1))) for m in
            re.finditer(r"^import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)$", importtime, re.MULTILINE)]
    total = 0
    for i, (depth, name, cumulative) in enumerate(rows):
        if name != package and not name.startswith(package + "."):
            continue
        parent = next((n for d, n, _c in rows[i + 1:] if d < depth), "")
        if parent != package and not parent.startswith(package + "."):
            total += cumulative
    return total / 1e6


def main(runs: int = 5) -> None:
    print(f"load average: {os.getloadavg()[0]:.1f}; {runs} runs")
    times, cpu = [], []
    imports: dict[str, list[float]] = {"weasyprint": [], "alembic": [], "pyhanko": [], "docx": []}
    for run in range(runs + 1):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "PYTHONPATH": str(ROOT), "PARLIAMENT_TRACKER_INSTANCE_PATH": tmp}
            # Byte code cached as in production (pip compiles on install, a server writes
            # __pycache__): without it every start compiles the app's ~200 modules (~1 s here).
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            out = subprocess.run([sys.executable, "-X", "importtime", "-c", CHILD % tmp], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            if out.returncode != 0:
                raise SystemExit(out.stderr[-2000:])
            if run == 0:  # writes the byte code; not measured
                continue
            times.append(float(re.search(r"FIRST_RESPONSE ([0-9.]+)", out.stdout).group(1)))
            cpu.append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
            for name in imports:
                imports[name].append(_import_share(out.stderr, name))
    print(f"first response after {statistics.median(times):.2f} s (median; min {min(times):.2f}, max {max(times):.2f})")
    print(f"  CPU time of the whole process {statistics.median(cpu):.2f} s (median; less sensitive to the load)")
    for name, values in imports.items():
        print(f"  import {name:11} {statistics.median(values):.2f} s (cumulative, median)")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
