"""Time one letter generated inside a web request (not a test).

    PYTHONPATH=. /tmp/venv/bin/python bench/bench_letter_request.py [runs]

Loads the demo into a temporary SQLite file, logs in as the demo drafter and posts
"Generate" for the seed letter ``runs`` times through the Flask test client: the whole
request (template lookup, fill, DOCX→HTML, PDF/A-2b, storing both files, audit, commit).
Also times the answers document for 2021Z19601 (8 questions). Runs twice: rendering in the web
process (``LETTER_RENDER_PROCESSES`` 0) and in the warm render worker (1, the default).
"""

from __future__ import annotations

import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parliament_tracker import create_app  # noqa: E402
from parliament_tracker.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from parliament_tracker.extensions import db  # noqa: E402
from parliament_tracker.letters.engine.pdf import warm_up  # noqa: E402


def main(runs: int = 20) -> None:
    for processes in (0, 1):
        print(f"-- LETTER_RENDER_PROCESSES={processes}")
        measure(runs, processes)


def measure(runs: int, processes: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        app = create_app(
            {
                "SECRET_KEY": "bench-only-key",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                "WTF_CSRF_ENABLED": False,
                "SESSION_COOKIE_SECURE": False,
                "LETTER_RENDER_PROCESSES": processes,
            }
        )
        warm_up()  # as wsgi.py does under gunicorn
        print(f"app start incl. WeasyPrint warm-up: {time.perf_counter() - started:.2f} s")
        with app.app_context():
            db.create_all()
            load_demo(today=dt.date(2021, 12, 1))
            db.session.commit()
        client = app.test_client()
        assert client.post("/login", data={"username": "drafter", "password": DEMO_PASSWORD}).status_code == 302
        # the seed letter itself is sent in the demo: a new draft kamerbrief with its text, on its case
        kamerbrief = client.post("/cases/2021Z19241/letters/new", data={"kind": "kamerbrief"}).headers["Location"]
        answers = client.post("/cases/2021Z19601/letters/new", data={"kind": "answers"}).headers["Location"]
        letters = (("kamerbrief (seed case)", int(kamerbrief.split("/")[2])),
                   ("answers document (8 questions)", int(answers.split("/")[2])))
        for label, letter_id in letters:
            times = []
            for _ in range(runs):
                t = time.perf_counter()
                response = client.post(f"/letters/{letter_id}/generate")
                times.append((time.perf_counter() - t) * 1000)
                assert response.status_code == 302, response.status_code
            print(
                f"{label}: first {times[0]:.0f} ms, median {statistics.median(times):.0f} ms, "
                f"p95 {sorted(times)[int(0.95 * (len(times) - 1))]:.0f} ms over {runs} requests"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
