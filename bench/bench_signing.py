"""Time the signing step as the office sees it, and the visible stamp (not a test).

    PYTHONPATH=. .venv/bin/python bench/bench_signing.py [runs]

Loads the demo into a temporary SQLite file and takes ``runs`` fresh kamerbrieven on 2021Z19241
through the API: generate, submit, approve (the last approval), sign. Prints the medians and
p95 of the approve and sign requests and of both together, and how many times the letter was
laid out (WeasyPrint renders counted in the web process and render workers alike: renders run
in process here, ``LETTER_RENDER_PROCESSES`` 0). Then signs the seed PDF/A directly with an
invisible signature and with a visible stamp. Prints the load average beside the figures.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parliament_tracker import create_app  # noqa: E402
from parliament_tracker.demo import load_demo  # noqa: E402
from parliament_tracker.extensions import db  # noqa: E402


def p95(values: list[float]) -> float:
    return sorted(values)[int(0.95 * (len(values) - 1))]


def main(runs: int = 10) -> None:
    import logging

    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    print(f"load average before: {os.getloadavg()[0]:.2f}; {runs} letters")
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SECRET_KEY": "bench-only-key",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
                "WTF_CSRF_ENABLED": False,
                "LETTER_RENDER_PROCESSES": 0,
                "SIGNING_PKCS12_PATH": f"{tmp}/signing/dev.p12",
                "SIGNING_PKCS12_PASSPHRASE": "bench",
            }
        )
        from parliament_tracker.auth.models import User
        from parliament_tracker.auth.services import issue_token
        from parliament_tracker.cases.models import Case
        from parliament_tracker.letters import services
        from parliament_tracker.letters.engine import pdf as pdf_module
        from parliament_tracker.letters.engine import signing
        from parliament_tracker.letters.models import LetterKind

        with app.app_context():
            db.create_all()
            load_demo(today=dt.date(2021, 12, 1))
            signing.make_dev_certificate(app.config["SIGNING_PKCS12_PATH"], "bench", "Bench signer")
            tokens = {}
            for name in ("drafter", "director", "signer"):
                user = db.session.scalar(db.select(User).where(User.username == name))
                tokens[name] = {"Authorization": f"Bearer {issue_token(user)}"}
            drafter = db.session.scalar(db.select(User).where(User.username == "drafter"))
            case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19241"))
            letter_ids = []
            for _ in range(runs + 1):
                letter = services.start_letter([case], LetterKind.kamerbrief, actor=drafter)
                db.session.flush()
                services.generate_version(letter, actor=drafter)
                letter_ids.append(letter.id)
            db.session.commit()

        layouts = [0]
        original = pdf_module.render_pdf

        def counting(*args, **kwargs):
            layouts[0] += 1
            return original(*args, **kwargs)

        pdf_module.render_pdf = counting
        import parliament_tracker.letters.engine.pipeline as pipeline

        pipeline.render_pdf = counting
        client = app.test_client()
        approve_ms, sign_ms = [], []
        for i, letter_id in enumerate(letter_ids):
            r = client.post(f"/api/v1/letters/{letter_id}/submit", headers=tokens["drafter"], json={"approvers": ["director"]})
            assert r.status_code == 200, r.json
            t0 = time.perf_counter()
            r = client.post(f"/api/v1/letters/{letter_id}/approve", headers=tokens["director"], json={})
            t1 = time.perf_counter()
            assert r.status_code == 200, r.json
            r = client.post(f"/api/v1/letters/{letter_id}/sign", headers=tokens["signer"], json={})
            t2 = time.perf_counter()
            assert r.status_code == 200, r.json
            if i:  # the first one warms up
                approve_ms.append((t1 - t0) * 1000)
                sign_ms.append((t2 - t1) * 1000)
        both = [a + s for a, s in zip(approve_ms, sign_ms, strict=True)]
        for label, values in (("approve (last)", approve_ms), ("sign", sign_ms), ("approve + sign", both)):
            print(f"{label:15} median {statistics.median(values):6.0f} ms  p95 {p95(values):6.0f} ms")
        print(f"layouts (WeasyPrint renders) per approve + sign: {layouts[0] / len(letter_ids):.1f}")

        identity = signing.load_signer(app.config["SIGNING_PKCS12_PATH"], "bench")
        from bench.bench_letters import seed_context
        from parliament_tracker.letters.engine.pipeline import render_letter

        seed_pdf = render_letter((ROOT / "letter_templates/kamerbrief.docx").read_bytes(), seed_context()).pdf
        for label, box in (("invisible", None), ("visible stamp", (360.0, 60.0, 550.0, 84.0))):
            signing.sign_pdf(seed_pdf, identity, box=box)  # first one: prepares what is kept per process
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                signing.sign_pdf(seed_pdf, identity, box=box)
                times.append((time.perf_counter() - t0) * 1000)
            print(f"sign_pdf {label:14} median {statistics.median(times):6.0f} ms  p95 {p95(times):6.0f} ms")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
