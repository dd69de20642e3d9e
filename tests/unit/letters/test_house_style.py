"""House style in the PDF, measured with poppler's word boxes: justified paragraphs are
justified, extra spaces kept, list markers where Word and LibreOffice put them."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict

import pytest
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from letters_helpers import docx_bytes

from parliament_tracker.letters.engine.docx2html import docx_to_html
from parliament_tracker.letters.engine.pdf import render_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs poppler-utils (pdftotext)")

LONG = ("Dit is een uitgevulde alinea met  twee spaties en genoeg tekst om over meerdere regels te lopen, "
        "zodat de uitvulling zichtbaar wordt aan de rechterkant van de tekstkolom van de brief. ") * 2
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')


def words(pdf: bytes, tmp_path) -> list[tuple[float, float, float, str]]:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return [(float(x0), float(y0), float(x1), w) for x0, y0, x1, w in WORD.findall(out)]


def lines(found):
    by_y: dict[int, list] = defaultdict(list)
    for x0, y0, x1, w in found:
        by_y[round(y0)].append((x0, x1, w))
    return [sorted(v) for _y, v in sorted(by_y.items())]


@pytest.fixture(scope="module")
def sample():
    doc = Document()
    justified = doc.add_paragraph(LONG)
    justified.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    doc.add_paragraph(LONG)  # left-aligned: ragged right
    doc.add_paragraph("eerste punt", style="List Bullet")
    doc.add_paragraph("stap een", style="List Number")
    for style in doc.styles:
        if style.name == "Normal":
            style.font.size = Pt(10)
    docx = docx_bytes(doc)
    html = docx_to_html(docx, font_family="DejaVu Sans", title="Huisstijl")
    return html, render_pdf(html, title="Huisstijl")


def test_justified_paragraph_is_justified_and_keeps_its_spaces(sample, tmp_path):
    html, pdf = sample
    rows = lines(words(pdf, tmp_path))
    n = len(rows) - 2  # the two list items
    justified, ragged = rows[: n // 2], rows[n // 2: n]
    assert len(justified) >= 3
    right_edges = [row[-1][1] for row in justified[:-1]]  # every line but the last
    assert max(right_edges) - min(right_edges) < 0.5, right_edges
    assert justified[-1][-1][1] < max(right_edges) - 20  # the last line is not stretched
    ragged_edges = [row[-1][1] for row in ragged[:-1]]
    assert max(ragged_edges) - min(ragged_edges) > 5  # a left-aligned paragraph stays ragged
    assert 'class="justify' in html and "met \u00a0twee" in html  # the double space survives


def test_list_markers_sit_where_word_puts_them(sample, tmp_path):
    _html, pdf = sample
    found = {w: (x0, x1) for x0, _y, x1, w in words(pdf, tmp_path)}
    # python-docx's default template: List Bullet and List Number at left 0.25", hanging 0.25"
    # from the margin (1.25" = 90 pt): marker at 90 pt, text at 108 pt, as in Word.
    margin = 90.0
    assert found["\u2022"][0] == pytest.approx(margin, abs=0.5)
    assert found["eerste"][0] == pytest.approx(margin + 18, abs=0.5)
    assert found["1."][0] == pytest.approx(margin, abs=0.5)
    assert found["stap"][0] == pytest.approx(margin + 18, abs=0.5)


def test_no_space_between_list_items_of_one_style_as_word_does(tmp_path):
    """Word's default List Bullet has contextualSpacing: the document's 10 pt after paragraphs
    (docDefaults) is left out between items, kept after the list."""
    doc = Document()
    for text in ("eerste", "tweede", "derde"):
        doc.add_paragraph(text, style="List Bullet")
    doc.add_paragraph("daarna")
    pdf = render_pdf(docx_to_html(docx_bytes(doc), font_family="DejaVu Sans", title="t"), title="t")
    y = {w: y0 for _x0, y0, _x1, w in words(pdf, tmp_path)}
    pitch = y["tweede"] - y["eerste"]
    assert pitch == pytest.approx(11 * 1.164 * 1.15, abs=0.3)  # one line of 11 pt at 1.15 lines
    assert y["derde"] - y["tweede"] == pytest.approx(pitch, abs=0.1)
    assert y["daarna"] - y["derde"] == pytest.approx(pitch + 10, abs=0.3)  # the 10 pt after the list
