"""Benchmark (not a test): how long a Woo file takes, per case and for a search.

On a fresh SQLite database with the demo data (60 cases, the seed letter as a draft): the Woo
file of the seed case (with its linked case), then the Woo file of a search of every demo case
through the ``woo_exports`` job (its steps, as the scheduler runs them). Prints seconds,
documents and the ZIP's size.

    .venv/bin/python bench/bench_woo.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    folder = tempfile.mkdtemp()
    os.environ["PARLIAMENT_TRACKER_INSTANCE_PATH"] = folder
    from parliament_tracker import create_app
    from parliament_tracker.cases.models import Case
    from parliament_tracker.demo import load_demo
    from parliament_tracker.extensions import db
    from parliament_tracker.records import woo
    from parliament_tracker.records.models import WooExport
    from parliament_tracker.scheduler import run_job

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/bench.sqlite", "SECRET_KEY": "bench-woo-0123456789abcdef",
                      "LETTER_RENDER_PROCESSES": 0})
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
        seed = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19241"))
        woo.case_file(seed, actor=None)  # warm-up: WeasyPrint's fonts
        db.session.rollback()
        start = time.perf_counter()
        woo_file = woo.case_file(seed, actor=None)
        took = time.perf_counter() - start
        db.session.rollback()
        print(f"case 2021Z19241 (+ linked): {took:.2f} s, {len(woo_file.rows)} documents, {len(woo_file.data) / 1e6:.2f} MB")

        cases = db.session.scalar(db.select(db.func.count()).select_from(Case))
        db.session.add(WooExport(filters={}, link_depth=1, case_ids=[], done=0, documents=0))
        db.session.commit()
        start = time.perf_counter()
        run = run_job("woo_exports")
        took = time.perf_counter() - start
        export = db.session.scalar(db.select(WooExport))
        print(f"search of all {cases} demo cases: {took:.2f} s in {run.counts.get('steps')} steps, {export.documents} documents, "
              f"{(export.zip_size or 0) / 1e6:.2f} MB ({run.status.value})")


if __name__ == "__main__":
    main()
