"""Regenerate the golden first-page image of the seed letter.

    /tmp/venv/bin/python tests/unit/letters/regenerate_golden.py

Look at the new PNG before committing it: the test only says "same as before".
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path[:0] = [str(ROOT), str(HERE)]

from letters_helpers import seed_context  # noqa: E402

from parliament_tracker.letters.engine.pipeline import render_letter  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "letters"


def main() -> None:
    seed = json.loads((FIXTURES / "seed_letter.json").read_text(encoding="utf-8"))
    template = (ROOT / "letter_templates" / "kamerbrief.docx").read_bytes()
    pdf = render_letter(template, seed_context(seed), font_family="DejaVu Sans").pdf
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "letter.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile",
                        str(Path(tmp) / "letter.pdf"), str(FIXTURES / "seed_letter_page1")], check=True)
    print(FIXTURES / "seed_letter_page1.png")


if __name__ == "__main__":
    main()
