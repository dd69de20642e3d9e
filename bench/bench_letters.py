"""Benchmark the letter pipeline (not a test).

    PYTHONPATH=. /tmp/venv/bin/python bench/bench_letters.py [runs]

Per 2-page letter in a warm process: fill, DOCX→HTML and HTML→PDF medians, the
invisible-signature median with the key loaded once, then the same DOCX through
``soffice --headless --convert-to pdf`` when LibreOffice is installed.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from parliament_tracker.letters.engine import context as ctx  # noqa: E402
from parliament_tracker.letters.engine.docx2html import docx_to_html  # noqa: E402
from parliament_tracker.letters.engine.fill import fill_template  # noqa: E402
from parliament_tracker.letters.engine.pdf import render_pdf, warm_up  # noqa: E402
from parliament_tracker.letters.engine.signing import load_signer, make_dev_certificate, sign_pdf, verify_pdf  # noqa: E402

TARGET_LETTER_MS = 200
TARGET_SIGN_MS = 50


def seed_context() -> dict:
    seed = json.loads((ROOT / "tests/fixtures/letters/seed_letter.json").read_text(encoding="utf-8"))
    m = seed["ministry"]
    data = ctx.LetterData(
        subject=seed["subject"], letter_date=date.fromisoformat(seed["letter_date"]),
        ministry=ctx.Ministry(m["name"], m["visiting_address"], m["postal_address"], m["website"],
                              m["return_address"], m["sender_unit"]),
        signatories=tuple(ctx.Signatory(s["office"], s["name"]) for s in seed["signatories"]),
        body=[{"type": "p", "runs": [{"text": p}]} for p in seed["body"]],
        our_reference=seed["our_reference"], your_reference=seed["your_reference"],
        your_letter_date=date.fromisoformat(seed["your_letter_date"]))
    return ctx.build_context(data)


def ms(samples: list[float]) -> str:
    q = statistics.quantiles(samples, n=20)
    return f"median {statistics.median(samples) * 1000:7.1f} ms   p95 {q[-1] * 1000:7.1f} ms"


def main(runs: int = 30) -> None:
    template = (ROOT / "letter_templates/kamerbrief.docx").read_bytes()
    context = seed_context()
    title = context["subject"]
    t0 = time.perf_counter()
    warm_up()
    print(f"warm-up (first render incl. font config): {(time.perf_counter() - t0) * 1000:.0f} ms")

    fills, htmls, pdfs, totals, signs = [], [], [], [], []
    docx = html = pdf = b""
    for i in range(runs + 1):
        a = time.perf_counter()
        docx = fill_template(template, context)
        b = time.perf_counter()
        html = docx_to_html(docx, font_family="DejaVu Sans", title=title)
        c = time.perf_counter()
        pdf = render_pdf(html, title=title)
        d = time.perf_counter()
        if i:  # the first letter after warm-up still pays for lazy imports
            fills.append(b - a)
            htmls.append(c - b)
            pdfs.append(d - c)
            totals.append(d - a)
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    print(f"letter: {pages} pages, {len(pdf)} bytes, {runs} runs")
    print(f"  fill (docxtpl)      {ms(fills)}")
    print(f"  DOCX→HTML (walker)  {ms(htmls)}")
    print(f"  HTML→PDF/A-2b       {ms(pdfs)}")
    print(f"  total               {ms(totals)}   target ≤ {TARGET_LETTER_MS} ms")

    with tempfile.TemporaryDirectory() as tmp:
        cert = make_dev_certificate(Path(tmp) / "bench.p12", "bench", "Bench signer")
        signer = load_signer(cert.p12_path, "bench")
        sign_pdf(pdf, signer)
        for _ in range(runs):
            a = time.perf_counter()
            sign_pdf(pdf, signer)
            signs.append(time.perf_counter() - a)
        print(f"  sign (invisible)    {ms(signs)}   target ≤ {TARGET_SIGN_MS} ms (key loaded once)")
        import logging

        logging.getLogger("fontTools.subset").setLevel(logging.ERROR)  # "FFTM NOT subset" per stamp
        visible = []
        for _ in range(max(5, runs // 3)):
            a = time.perf_counter()
            signed = sign_pdf(pdf, signer, box=(360, 60, 560, 120), page=pages - 1)
            visible.append(time.perf_counter() - a)
        print(f"  sign (visible stamp, embedded font) {ms(visible)}")
        roots = [cert.root_pem_path.read_bytes()]
        verifies = []
        for _ in range(max(5, runs // 3)):
            a = time.perf_counter()
            assert verify_pdf(signed, roots).ok
            verifies.append(time.perf_counter() - a)
        print(f"  verify (pyHanko)    {ms(verifies)}")

        soffice = shutil.which("soffice") or shutil.which("libreoffice")
        if soffice is None:
            print("soffice not installed")
            return
        src = Path(tmp) / "letter.docx"
        src.write_bytes(docx)
        profile = Path(tmp) / "lo-profile"
        lo: list[float] = []
        for _ in range(min(runs, 10)):
            a = time.perf_counter()
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                            "--convert-to", "pdf", "--outdir", tmp, str(src)],
                           check=True, capture_output=True, timeout=120)
            lo.append(time.perf_counter() - a)
        lo_median = statistics.median(lo[1:] or lo)
        print(f"  soffice convert     median {lo_median * 1000:7.1f} ms (per call, profile reused)")
        print(f"  ratio soffice / (HTML+PDF) = {lo_median / statistics.median([h + p for h, p in zip(htmls, pdfs)]):.1f}×")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
