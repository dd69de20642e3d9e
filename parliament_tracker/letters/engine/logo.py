"""The logo slot: a ministry's own logo in place of the shipped, neutral one.

A template reserves the slot with a picture whose ``docPr/@name`` is "Logo" (the shipped templates
have one, see ``template_builder._logo``). ``check_logo`` vets an upload (PNG or JPEG, size and
pixel limits) and normalises it to PNG; ``fill_logo`` puts it into a filled DOCX, fitted into the
slot's box with its aspect ratio kept. The alt text stays the template's ("Logo {{ ministry_name }}").
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from lxml import etree

SLOT_NAME = "Logo"
MAX_LOGO_BYTES = 1024 * 1024
MAX_LOGO_PIXELS = 4000 * 4000
MIN_LOGO_SIDE = 16
ACCEPTED_FORMATS = {"PNG", "JPEG"}

_NS = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}
_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_PARTS = ("word/document.xml",)


class LogoRejected(ValueError):
    """The upload is not a usable logo: ``code`` (empty, too_large, format, pixels, too_small)
    and an English ``message``; the application words it for the reader."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Logo:
    png: bytes
    width: int
    height: int


def check_logo(data: bytes, *, max_bytes: int = MAX_LOGO_BYTES) -> Logo:
    """A PNG or JPEG within the limits, as PNG bytes (what the slot holds)."""
    from PIL import Image, UnidentifiedImageError

    if not data:
        raise LogoRejected("empty", "The file is empty.")
    if len(data) > max_bytes:
        raise LogoRejected("too_large", f"The image is too large: at most {max_bytes // 1024} KB.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            if fmt not in ACCEPTED_FORMATS:
                raise LogoRejected("format", "The logo must be a PNG or JPEG image.")
            if width * height > MAX_LOGO_PIXELS:
                raise LogoRejected("pixels", "The image has too many pixels: at most 4000 × 4000.")
            if min(width, height) < MIN_LOGO_SIDE:
                raise LogoRejected("too_small", f"The image is too small: at least {MIN_LOGO_SIDE} pixels on each side.")
            probe.load()
            image = probe.convert("RGBA" if probe.mode in ("RGBA", "LA", "P") else "RGB")
    except LogoRejected:
        raise
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise LogoRejected("format", "The logo must be a PNG or JPEG image.") from None
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)  # drops metadata; one format in the DOCX
    return Logo(out.getvalue(), width, height)


def fill_logo(docx: bytes, logo: Logo) -> bytes:
    """The DOCX with the picture named "Logo" replaced by ``logo``, fitted into its box.

    A DOCX without the slot comes back unchanged.
    """
    with zipfile.ZipFile(io.BytesIO(docx)) as zin:
        names = zin.namelist()
        document = etree.fromstring(zin.read("word/document.xml"))
        docpr = document.find(f".//wp:docPr[@name='{SLOT_NAME}']", _NS)
        if docpr is None:
            return docx
        drawing = docpr.getparent()  # wp:inline or wp:anchor
        blip = drawing.find(".//a:blip", _NS)
        rid = blip.get(f"{{{_NS['r']}}}embed") if blip is not None else None
        rels = etree.fromstring(zin.read("word/_rels/document.xml.rels"))
        target = next((rel.get("Target") for rel in rels if rel.get("Id") == rid), None)
        if target is None:
            return docx
        image_part = "word/" + target.lstrip("/").removeprefix("word/")
        if not image_part.lower().endswith(".png"):
            return docx  # a template whose slot is not a PNG part keeps its own picture
        _fit(drawing, logo)
        new_document = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True)
        # the slot's part takes the logo's bytes: a .png part, as the shipped slot is
        replacements = {"word/document.xml": new_document, image_part: logo.png}
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                zout.writestr(zin.getinfo(name), replacements.get(name, zin.read(name)))
    return out.getvalue()


def _fit(drawing: etree._Element, logo: Logo) -> None:
    """Scale the logo into the slot's extent (EMU), keeping its aspect ratio."""
    extent = drawing.find("wp:extent", _NS)
    box_w, box_h = int(extent.get("cx")), int(extent.get("cy"))
    scale = min(box_w / logo.width, box_h / logo.height)
    cx, cy = str(int(logo.width * scale)), str(int(logo.height * scale))
    extent.set("cx", cx)
    extent.set("cy", cy)
    for ext in drawing.iterfind(".//pic:spPr/a:xfrm/a:ext", _NS):
        ext.set("cx", cx)
        ext.set("cy", cy)
