"""Benchmark signing and verifying at each PAdES level (not a test).

    PYTHONPATH=. /work/main/.venv/bin/python bench/bench_pades.py [runs]

The seed letter's PDF/A is signed at B-B, B-T, B-LT and B-LTA against the test PKI of
``tests/pades_pki.py`` (certomancer's TSA, OCSP and CRL served over HTTP on 127.0.0.1, so the
network round trips are local: a real TSA adds its own latency per timestamp, two for B-LTA),
then verified now and "years later". Prints medians and the ratio to B-B measured in the same
run, the file size added, and the load average.
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

from bench.bench_letters import seed_context  # noqa: E402
from parliament_tracker.letters.engine.pipeline import render_letter  # noqa: E402
from parliament_tracker.letters.engine.signing import PadesLevel, load_signer, sign_pdf, verify_pdf  # noqa: E402
from tests.pades_pki import PASSPHRASE, running_pki  # noqa: E402


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(runs: int = 10) -> None:
    import logging

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)
    template = (ROOT / "letter_templates/kamerbrief.docx").read_bytes()
    pdf = render_letter(template, seed_context(), font_family="DejaVu Sans").pdf
    print(f"load average before: {os.getloadavg()[0]:.2f}; unsigned PDF/A {len(pdf) / 1024:.0f} KiB; {runs} runs")
    with running_pki(Path(tempfile.mkdtemp(prefix="bench-pades-"))) as pki:
        identity = load_signer(pki.p12_path, PASSPHRASE)
        roots = [pki.root_pem_path.read_bytes()]
        later = pki.signer_not_after + dt.timedelta(days=3650)
        rows = []
        for level in PadesLevel:
            sign_times, verify_times = [], []
            signed = b""
            for _ in range(runs):
                t0 = time.perf_counter()
                signed = sign_pdf(pdf, identity, timestamp_url=pki.tsa_url, level=level, trust_roots_pem=roots)
                sign_times.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                result = verify_pdf(signed, roots)
                verify_times.append(time.perf_counter() - t0)
                assert result.ok and result.level == level.value, result.summary
            afterwards = verify_pdf(signed, roots, at=later).verdict.value
            rows.append((level.value, median_ms(sign_times), median_ms(verify_times), len(signed) - len(pdf), afterwards))
    base_sign, base_verify = rows[0][1], rows[0][2]
    print(f"{'level':6} {'sign ms':>9} {'x B-B':>6} {'verify ms':>10} {'x B-B':>6} {'added KiB':>10}  verdict 10 y after expiry")
    for name, sign_ms, verify_ms, added, afterwards in rows:
        print(f"{name:6} {sign_ms:9.1f} {sign_ms / base_sign:6.1f} {verify_ms:10.1f} {verify_ms / base_verify:6.1f} "
              f"{added / 1024:10.1f}  {afterwards}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
