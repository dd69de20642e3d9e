"""Helpers shared by the letter tests (a module name unlikely to clash with other test dirs)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from typing import Any

from docx import Document

from parliament_tracker.letters.engine import context as ctx


def seed_data(seed: dict) -> ctx.LetterData:
    m = seed["ministry"]
    return ctx.LetterData(
        subject=seed["subject"],
        letter_date=date.fromisoformat(seed["letter_date"]),
        ministry=ctx.Ministry(name=m["name"], visiting_address=m["visiting_address"],
                              postal_address=m["postal_address"], website=m["website"],
                              return_address=m["return_address"], sender_unit=m["sender_unit"]),
        signatories=tuple(ctx.Signatory(s["office"], s["name"]) for s in seed["signatories"]),
        body=[{"type": "p", "runs": [{"text": p}]} for p in seed["body"]],
        our_reference=seed["our_reference"],
        your_reference=seed["your_reference"],
        your_letter_date=date.fromisoformat(seed["your_letter_date"]),
    )


def seed_context(seed: dict) -> dict[str, Any]:
    return ctx.build_context(seed_data(seed))


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def all_part_xml(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n).decode("utf-8") for n in zf.namelist() if n.endswith(".xml")}


def document_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(p.text for p in doc.paragraphs)


def squash(text: str) -> str:
    return " ".join(text.split())


def pdf_text_pages(pdf: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def xmp(pdf: bytes) -> str:
    from pypdf import PdfReader

    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    return root["/Metadata"].get_object().get_data().decode("utf-8")


def xmp_attr(xmp_text: str, name: str) -> str | None:
    """XMP properties may be attributes or elements; WeasyPrint and pyHanko use both."""
    m = re.search(rf'{re.escape(name)}="([^"]*)"', xmp_text) or re.search(
        rf"<{re.escape(name)}>([^<]*)</{re.escape(name)}>", xmp_text)
    return m.group(1) if m else None


def rebuild_zip(data: bytes, *, add: dict[str, bytes] | None = None,
                replace: dict[str, bytes] | None = None, drop: set[str] = frozenset()) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename in drop:
                continue
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, blob in (add or {}).items():
            dst.writestr(name, blob)
    return out.getvalue()
