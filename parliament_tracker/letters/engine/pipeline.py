"""One call per letter: fill the template, convert to HTML, render the PDF/A (tagged
PDF/A-2a + PDF/UA-1 by default, PDF/A-2b with ``tagged=False``).

Signing is a separate step (``signing.sign_pdf``) because it happens later, after
approval, and may call a timestamp server.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from parliament_tracker.letters.engine.context import LetterData, build_context
from parliament_tracker.letters.engine.docx2html import document_to_html, docx_to_html
from parliament_tracker.letters.engine.fill import (
    MAX_TEMPLATE_BYTES,
    check_docx_budget,
    check_docx_upload,
    fill_document,
)
from parliament_tracker.letters.engine.logo import Logo, fill_logo
from parliament_tracker.letters.engine.pdf import render_pdf

DEFAULT_FONT_FAMILY = "DejaVu Sans"


@dataclass(frozen=True)
class RenderLimits:
    """How large a DOCX may be to be laid out (see ``fill.check_docx_budget``)."""

    max_xml_bytes: int = 4 * 1024 * 1024
    max_paragraphs: int = 3000
    max_pages: int | None = None  # after layout


@dataclass(frozen=True)
class RenderedLetter:
    docx: bytes
    html: str
    pdf: bytes


def _title(context: Mapping[str, Any]) -> str:
    return str(context.get("subject") or "Brief")


def render_letter(template_bytes: bytes, context: Mapping[str, Any], *,
                  font_family: str = DEFAULT_FONT_FAMILY, title: str | None = None,
                  lang: str = "nl-NL", limits: RenderLimits = RenderLimits(),
                  tagged: bool = True, logo: Logo | None = None) -> RenderedLetter:
    """Template + context → filled DOCX, its HTML and the PDF/A-2b.

    Raises ``DocxRejected`` when the filled DOCX is over ``limits``, before any layout.
    """
    docx, document = fill_document(template_bytes, context)
    if logo is not None:  # the ministry's own logo in the template's logo slot
        filled, docx = docx, fill_logo(docx, logo)
        if docx is not filled:
            document = None  # read back from the DOCX with the logo
    check_docx_budget(docx, max_xml_bytes=limits.max_xml_bytes, max_paragraphs=limits.max_paragraphs)
    title = title or _title(context)
    html = (document_to_html(document, font_family=font_family, title=title, lang=lang) if document is not None
            else docx_to_html(docx, font_family=font_family, title=title, lang=lang))
    return RenderedLetter(
        docx=docx, html=html, pdf=render_pdf(html, title=title, lang=lang, max_pages=limits.max_pages, tagged=tagged)
    )


def pdf_from_docx(docx_bytes: bytes, *, title: str, font_family: str = DEFAULT_FONT_FAMILY,
                  lang: str = "nl-NL", max_bytes: int = MAX_TEMPLATE_BYTES,
                  limits: RenderLimits = RenderLimits(), tagged: bool = True) -> RenderedLetter:
    """A drafter's edited DOCX → PDF/A-2b. Raises ``DocxRejected`` for unsafe or too large uploads."""
    if len(docx_bytes) <= max_bytes:  # the size refusal itself comes from check_docx_upload
        check_docx_budget(docx_bytes, max_xml_bytes=limits.max_xml_bytes, max_paragraphs=limits.max_paragraphs)
    check_docx_upload(docx_bytes, max_bytes)
    html = docx_to_html(docx_bytes, font_family=font_family, title=title, lang=lang)
    return RenderedLetter(
        docx=docx_bytes, html=html, pdf=render_pdf(html, title=title, lang=lang, max_pages=limits.max_pages, tagged=tagged)
    )


def render_letter_data(template_bytes: bytes, data: LetterData, **kwargs: Any) -> RenderedLetter:
    """``render_letter`` from the plain letter data: what a render worker is sent (it pickles)."""
    return render_letter(template_bytes, build_context(data), **kwargs)
