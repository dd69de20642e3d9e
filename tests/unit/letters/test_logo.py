"""The logo slot: upload checks, and an uploaded logo filled into the shipped templates' slot
(fitted into its box, alt text kept, a /Figure in the tagged PDF)."""

from __future__ import annotations

import io
import zipfile

import pikepdf
import pytest
from docx import Document
from letters_helpers import seed_context
from PIL import Image

from parliament_tracker.letters.engine.logo import SLOT_NAME, Logo, LogoRejected, check_logo, fill_logo
from parliament_tracker.letters.engine.pipeline import render_letter

WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"


def image_bytes(fmt: str, size=(300, 100), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else 128).save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_png_and_jpeg_are_accepted_and_stored_as_png(fmt):
    logo = check_logo(image_bytes(fmt))
    assert logo.png.startswith(b"\x89PNG") and (logo.width, logo.height) == (300, 100)


@pytest.mark.parametrize(("data", "code"), [
    (b"", "empty"),
    (b"GIF89a not really", "format"),
    (image_bytes("GIF"), "format"),
    (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "format"),
    (image_bytes("PNG", size=(8, 8)), "too_small"),
])
def test_other_files_are_refused(data, code):
    with pytest.raises(LogoRejected) as info:
        check_logo(data)
    assert info.value.code == code


def test_too_large_files_are_refused_before_decoding():
    with pytest.raises(LogoRejected) as info:
        check_logo(image_bytes("PNG"), max_bytes=100)
    assert info.value.code == "too_large"


def _slot(docx: bytes):
    doc = Document(io.BytesIO(docx))
    docpr = next(el for el in doc.element.body.iter(f"{WP}docPr") if el.get("name") == SLOT_NAME)
    extent = docpr.getparent().find(f"{WP}extent")
    return docpr, int(extent.get("cx")), int(extent.get("cy"))


def test_the_logo_replaces_the_neutral_one_fitted_into_the_slot(kamerbrief_template, seed_letter):
    neutral = render_letter(kamerbrief_template, seed_context(seed_letter))
    logo = check_logo(image_bytes("PNG", size=(400, 100)))  # wide: limited by the slot's width
    rendered = render_letter(kamerbrief_template, seed_context(seed_letter), logo=logo)
    docpr, cx, cy = _slot(rendered.docx)
    _docpr0, box_w, box_h = _slot(neutral.docx)
    assert cx == box_w and cy == pytest.approx(box_w / 4, abs=2) and cy < box_h
    assert docpr.get("descr") == "Logo Ministerie van Justitie en Veiligheid"  # the template's alt text
    with zipfile.ZipFile(io.BytesIO(rendered.docx)) as zf:
        assert logo.png in [zf.read(n) for n in zf.namelist() if n.startswith("word/media/")]
    pdf = pikepdf.open(io.BytesIO(rendered.pdf))
    xobjects = pdf.pages[0].Resources.XObject
    sizes = {(int(x.Width), int(x.Height)) for x in xobjects.values() if x.get("/Subtype") == "/Image"}
    assert (400, 100) in sizes


def test_a_docx_without_the_slot_is_left_alone():
    doc = Document()
    doc.add_paragraph("geen logo")
    out = io.BytesIO()
    doc.save(out)
    assert fill_logo(out.getvalue(), Logo(image_bytes("PNG"), 300, 100)) == out.getvalue()
