"""PDF/A-2b output of the seed letter: pages, text, PDF/A claims, fonts, language, resource policy."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from letters_helpers import pdf_text_pages, squash, xmp, xmp_attr
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from parliament_tracker.letters.engine.pdf import ExternalResourceRefused, render_pdf

GOLDEN = "seed_letter_page1.png"
# Mean absolute grey-level difference (0–255) allowed against the golden page. Small
# anti-aliasing or font-hinting changes stay well below 1; a moved block or a
# different font is far above 3.
VISUAL_TOLERANCE = 2.0


def test_two_pages_with_page_numbers(seed_rendered):
    pages = pdf_text_pages(seed_rendered.pdf)
    assert len(pages) == 2
    assert "Pagina 1 van 2" in pages[0]
    assert "Pagina 2 van 2" in pages[1]


def test_subject_and_blocks_in_text(seed_rendered, seed_letter):
    first = squash(pdf_text_pages(seed_rendered.pdf)[0])
    assert seed_letter["subject"] in first
    for fragment in ("Aan de Voorzitter van de Tweede Kamer", "der Staten-Generaal", "Postbus 20018",
                     "Datum 23 november 2021", "Ons kenmerk", "Uw kenmerk", "Uw brief van",
                     "2 november 2021", "Bijlage(n)", "> Retouradres Postbus 20301 2500 EH Den Haag"):
        assert fragment in first, fragment


def test_pdfa_identification_and_output_intent(seed_rendered):
    meta = xmp(seed_rendered.pdf)
    assert xmp_attr(meta, "pdfaid:part") == "2"
    assert xmp_attr(meta, "pdfaid:conformance") == "A"  # tagged: PDF/A-2a
    root = PdfReader(io.BytesIO(seed_rendered.pdf)).trailer["/Root"]
    intents = root["/OutputIntents"]
    assert len(intents) >= 1 and intents[0].get_object()["/S"] == "/GTS_PDFA1"
    assert "/DestOutputProfile" in intents[0].get_object()


def test_language_and_title(seed_rendered, seed_letter):
    reader = PdfReader(io.BytesIO(seed_rendered.pdf))
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    assert reader.metadata.title == seed_letter["subject"]
    assert seed_letter["subject"] in xmp(seed_rendered.pdf)


def _fonts(reader: PdfReader):
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            for desc in font.get("/DescendantFonts", [font]):
                yield desc.get_object()


def test_all_fonts_embedded(seed_rendered):
    fonts = list(_fonts(PdfReader(io.BytesIO(seed_rendered.pdf))))
    assert fonts
    for font in fonts:
        descriptor = font["/FontDescriptor"].get_object()
        assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")), font["/BaseFont"]


@pytest.mark.parametrize("url", ["file:///etc/passwd", "http://example.invalid/x.png", "https://example.invalid/a.css"])
def test_only_data_urls_are_fetched(url):
    html = (f'<!DOCTYPE html><html lang="nl"><head><title>t</title></head>'
            f'<body><p>x</p><img src="{url}" alt="x"></body></html>')
    with pytest.raises(ExternalResourceRefused):
        render_pdf(html, title="t")


def test_walker_images_are_embedded_and_not_interpolated():
    """PDF/A forbids /Interpolate true; the walker's CSS (image-rendering) must prevent it."""
    from docx import Document
    from docx.shared import Cm
    from letters_helpers import docx_bytes

    from parliament_tracker.letters.engine.docx2html import docx_to_html

    png = io.BytesIO()
    Image.new("RGB", (8, 8), (0, 0, 0)).save(png, "PNG")
    doc = Document()
    doc.add_picture(png, width=Cm(2))
    pdf = render_pdf(docx_to_html(docx_bytes(doc), font_family="DejaVu Sans", title="t"), title="t")
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    images = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
    assert images and all(img.get("/Interpolate", False) == False for img in images)  # noqa: E712


def first_page_png(pdf: bytes, tmp_path) -> Image.Image:
    (tmp_path / "letter.pdf").write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "letter.pdf"), str(tmp_path / "page")], check=True, timeout=30)
    return Image.open(tmp_path / "page.png").convert("L")


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    if a.size != b.size:
        return 255.0
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_first_page_looks_like_the_golden_image(seed_rendered, fixtures_dir, tmp_path):
    """Regenerate with: python tests/unit/letters/regenerate_golden.py (and look at the PNG!)."""
    actual = first_page_png(seed_rendered.pdf, tmp_path)
    golden = Image.open(fixtures_dir / GOLDEN).convert("L")
    diff = mean_difference(actual, golden)
    assert diff <= VISUAL_TOLERANCE, f"mean pixel difference {diff:.2f} > {VISUAL_TOLERANCE}"


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_visual_comparison_detects_a_changed_layout(seed_rendered, fixtures_dir, tmp_path):
    """The tolerance must not be so loose that a shifted page passes."""
    golden = Image.open(fixtures_dir / GOLDEN).convert("L")
    shifted = Image.new("L", golden.size, 255)
    shifted.paste(golden, (0, 12))
    assert mean_difference(shifted, golden) > VISUAL_TOLERANCE
