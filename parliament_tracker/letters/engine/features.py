"""The feature linter for uploaded templates: refuse what the DOCX→HTML walker cannot render.

Checked in the main document, headers and footers (LETTERS.md §4, "Template validation at
upload"): text boxes, tracked changes, several sections, multi-column layout, footnotes and
endnotes, and fields other than PAGE/NUMPAGES. Messages are English and say what to change;
``letters.messages.translate`` turns them into the user's language.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
ALLOWED_FIELDS = {"PAGE", "NUMPAGES", "SECTIONPAGES"}
_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)


def _q(name: str) -> str:
    return f"{{{W}}}{name}"


def feature_problems(docx: bytes) -> list[str]:
    """Problems that make a template render wrongly; an empty list means it is within the subset."""
    problems: list[str] = []
    with zipfile.ZipFile(io.BytesIO(docx)) as zf:
        parts = sorted(n for n in zf.namelist() if _PARTS.match(n))
        fields: set[str] = set()
        found: set[str] = set()
        sections = 0
        for name in parts:
            root = etree.fromstring(zf.read(name), _PARSER)
            if (
                root.find(f".//{_q('txbxContent')}") is not None
                or root.find(".//{urn:schemas-microsoft-com:vml}textbox") is not None
            ):
                found.add("textbox")
            if any(root.find(f".//{_q(tag)}") is not None for tag in ("ins", "del", "moveFrom", "moveTo")):
                found.add("tracked")
            if (
                root.find(f".//{_q('footnoteReference')}") is not None
                or root.find(f".//{_q('endnoteReference')}") is not None
            ):
                found.add("notes")
            for cols in root.iter(_q("cols")):
                if int(cols.get(_q("num"), "1") or 1) > 1:
                    found.add("columns")
            if name == "word/document.xml":
                sections = sum(1 for _ in root.iter(_q("sectPr")))
            for instr in root.iter(_q("instrText")):
                fields.update(_field_name(instr.text or ""))
            for simple in root.iter(_q("fldSimple")):
                fields.update(_field_name(simple.get(_q("instr"), "")))
    if "textbox" in found:
        problems.append(
            "Text boxes are not supported: put their text in ordinary paragraphs or a table without borders."
        )
    if "tracked" in found:
        problems.append("The template contains tracked changes: accept or reject all changes and switch tracking off.")
    if sections > 1:
        problems.append(
            "The template has more than one section: use a single section (a different first page is fine)."
        )
    if "columns" in found:
        problems.append("Columns are not supported: use a table for side-by-side text.")
    if "notes" in found:
        problems.append("Footnotes and endnotes are not supported in templates: remove them.")
    for name in sorted(fields - ALLOWED_FIELDS):
        problems.append(f"The field {name} is not supported: only PAGE and NUMPAGES fields can be used.")
    return problems


def _field_name(instr: str) -> set[str]:
    words = instr.strip().split()
    # "\* MERGEFORMAT" style switches and fragments of a split instruction are not names
    return {words[0].upper()} if words and re.fullmatch(r"[A-Za-z]+", words[0]) else set()
