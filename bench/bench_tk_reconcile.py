"""Benchmark (not a test): the ``tk_reconcile`` job over ~200 open cases, requests made and time.

Starts the fake OData server (tests/tk_fake.py) with synthetic written questions, lets ``tk_watch``
register them in a fresh SQLite database (kept as a template), then, for each variant
"batch size x parallel requests", copies the template and times ``scheduler.run_job("tk_reconcile")``
end to end (all reads, then the postponements, answers, audit entries and notifications, one
commit) with the fake server answering each request after ``--latency`` seconds, as a real
network would. It also times the HTTP part alone (``fetch_zaken_by_numbers``).

    PYTHONPATH=. .venv/bin/python bench/bench_tk_reconcile.py [--cases 200] [--latency 0.05] [--repeat 3]
    PYTHONPATH=. .venv/bin/python bench/bench_tk_reconcile.py --code /work/main   # another checkout's app code

Variants (``--variants``): ``1x1`` one request per case one after another (the 196-call
behaviour), ``20x1`` batches of 20 one after another (the code before TK_BATCH_SIZE and
TK_PARALLEL_REQUESTS), ``40x4`` the defaults. With ``--code`` pointing at a checkout without
those settings, the job runs as that code does (``as-is``). The fake server and the data always
come from this checkout. Medians over ``--repeat`` runs, the load average beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import math
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OFFICE = "De Staatssecretaris van Justitie en Veiligheid"


def _load_fake() -> Any:
    """tests/tk_fake.py of this checkout, whatever ``--code`` puts first on the path."""
    spec = importlib.util.spec_from_file_location("bench_tk_fake", ROOT / "tests" / "tk_fake.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_tk_fake"] = module
    spec.loader.exec_module(module)
    return module


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="open cases to reconcile (about)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds the fake server takes per request")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--variants", default="1x1,20x1,40x4", help="batch size x parallel requests, comma-separated")
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose parliament_tracker is timed")
    args = parser.parse_args()
    sys.path.insert(0, str(args.code.resolve()))
    fake_module = _load_fake()

    import sqlalchemy as sa

    from parliament_tracker import create_app
    from parliament_tracker.auth.roles import Role
    from parliament_tracker.auth.services import create_user
    from parliament_tracker.cases.models import Case
    from parliament_tracker.extensions import db
    from parliament_tracker.organisation.models import Signatory
    from parliament_tracker.scheduler import run_job
    from parliament_tracker.tk.client import TKClient

    batched = hasattr(TKClient, "fetch_zaken_by_numbers")
    # Code without the settings asks for 20 numbers per request, one request after another.
    variants = [tuple(int(x) for x in v.split("x")) for v in args.variants.split(",")] if batched else [(20, 1)]
    print(f"code: {args.code.resolve()} ({'batched, parallel' if batched else 'as-is'}); {load()}")

    zaken = fake_module.synthetic_written_questions(args.cases * 5 // 4)  # every 5th is another ministry's
    today = dt.date(2021, 12, 1)
    with tempfile.TemporaryDirectory() as tmp, fake_module.FakeTK(zaken=zaken) as fake:
        settings = {"SECRET_KEY": "bench-only-key", "TK_API_URL": fake.base_url, "TK_WATCH_FIRST_DAYS": 3650}
        template = Path(tmp) / "template.sqlite"
        app = create_app({**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{template}"})
        with app.app_context():
            db.create_all()
            db.session.add(Signatory(office_title=OFFICE, name="Staatssecretaris"))
            create_user("registrar", "bench-password-1234", Role.registrar, display_name="Registrar", email="registrar@example.org")
            db.session.commit()
            watched = run_job("tk_watch", dt.date(2021, 9, 1) + dt.timedelta(days=args.cases * 6 // 16 + 2))
            references = list(db.session.scalars(sa.select(Case.reference).order_by(Case.id)))
            db.session.remove()
            db.engine.dispose()
        print(f"{len(references)} open cases registered by tk_watch ({watched.status.value}); fake latency {args.latency * 1000:.0f} ms per request")
        fake.latency = args.latency

        for chunk, parallel in variants:
            jobs, fetches, requests, loads = [], [], set(), []
            for n in range(args.repeat):
                database = Path(tmp) / f"run-{chunk}-{parallel}-{n}.sqlite"
                for suffix in ("", "-wal", "-shm"):  # SQLite in WAL mode keeps recent pages beside the file
                    if Path(f"{template}{suffix}").exists():
                        shutil.copy(f"{template}{suffix}", f"{database}{suffix}")
                config = {**settings, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}
                if batched:
                    config.update({"TK_BATCH_SIZE": chunk, "TK_PARALLEL_REQUESTS": parallel})
                app = create_app(config)
                with app.app_context():
                    before = len(fake.requests)
                    started = time.perf_counter()
                    result = run_job("tk_reconcile", today)
                    jobs.append(time.perf_counter() - started)
                    requests.add(len(fake.requests) - before)
                    if result.status.value != "ok":
                        print(f"tk_reconcile failed: {result.error}", file=sys.stderr)
                        return 1
                    counts = result.counts
                    db.session.remove()
                    db.engine.dispose()
                with TKClient(fake.base_url) as client:
                    started = time.perf_counter()
                    if batched:
                        client.fetch_zaken_by_numbers(references, chunk_size=chunk, parallel=parallel)
                    else:
                        client.zaken_by_numbers(references)
                    fetches.append(time.perf_counter() - started)
                loads.append(os.getloadavg()[0])
            name = f"{chunk} per request x {parallel} at a time" if batched else "as-is (20 per request x 1)"
            floor = math.ceil(math.ceil(len(references) / chunk) / parallel) * args.latency
            print(
                f"{name:>28}: {'/'.join(map(str, sorted(requests)))} requests; job median {statistics.median(jobs):.2f} s "
                f"(best {min(jobs):.2f}), HTTP alone median {statistics.median(fetches):.2f} s "
                f"(latency floor {floor:.2f} s); checked {counts.get('checked')}, changed {counts.get('changed')}; "
                f"load average {min(loads):.1f}-{max(loads):.1f}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
