"""Paragraph-level text comparison of two DOCX documents (difflib over python-docx paragraphs)."""

from __future__ import annotations

import dataclasses
import difflib
import io

from parliament_tracker.letters.engine.ooxml import qn


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of a DOCX, one entry per non-empty paragraph (body, then table cells in order)."""
    from docx import Document  # python-docx when compared, not with the app (issue #19)

    doc = Document(io.BytesIO(data))
    out: list[str] = []
    for element in doc.element.body.iter(qn("w:p")):
        text = "".join(t.text or "" for t in element.iter(qn("w:t")))
        if text.strip():
            out.append(" ".join(text.split()))
    return out


@dataclasses.dataclass(frozen=True)
class DiffLine:
    op: str  # "same", "removed", "added"
    text: str


def diff_paragraphs(old_docx: bytes, new_docx: bytes) -> list[DiffLine]:
    """What changed from ``old_docx`` to ``new_docx``, paragraph by paragraph."""
    old, new = docx_paragraphs(old_docx), docx_paragraphs(new_docx)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", t) for t in old[i1:i2]]
        else:
            lines += [DiffLine("removed", t) for t in old[i1:i2]]
            lines += [DiffLine("added", t) for t in new[j1:j2]]
    return lines
