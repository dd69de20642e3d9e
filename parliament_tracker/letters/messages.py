"""Dutch (or any locale's) text for the refusals of the pure pipeline modules.

``fill.py`` reports problems in English so it stays free of Flask; the web layer passes
them through ``translate`` before showing them. Unknown messages are shown as they are.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

FIXED = {
    "The file is not a DOCX document.": _l("The file is not a DOCX document."),
    "The file is not a DOCX document or it is damaged.": _l("The file is not a DOCX document or it is damaged."),
    "The file has too many parts to be a letter.": _l("The file has too many parts to be a letter."),
    "Encrypted documents are not accepted.": _l(
        "Encrypted documents are not accepted. Remove the password and upload it again."
    ),
    "The file is suspiciously compressed (possible zip bomb).": _l(
        "The file is suspiciously compressed (possible zip bomb)."
    ),
    "Documents with macros or ActiveX controls are not accepted.": _l(
        "Documents with macros or ActiveX controls are not accepted. Save it as “Word Document (.docx)” and upload it again."
    ),
    "The file unpacks to more than the allowed size (possible zip bomb).": _l(
        "The file unpacks to more than the allowed size (possible zip bomb)."
    ),
    "The file is not a Word document (.docx).": _l("The file is not a Word document (.docx)."),
    "The file is damaged.": _l("The file is damaged."),
    "The file is damaged and cannot be read as a DOCX document.": _l(
        "The file is damaged and cannot be read as a DOCX document."
    ),
    "The file is not a readable DOCX document.": _l("The file is not a readable DOCX document."),
    "The template tries to use something that is not allowed in templates.": _l(
        "The template tries to use something that is not allowed in templates."
    ),
    "The template computes a number that is too large.": _l("The template computes a number that is too large."),
    "Text boxes are not supported: put their text in ordinary paragraphs or a table without borders.": _l(
        "Text boxes are not supported: put their text in ordinary paragraphs or a table without borders."
    ),
    "The template contains tracked changes: accept or reject all changes and switch tracking off.": _l(
        "The template contains tracked changes: accept or reject all changes and switch tracking off."
    ),
    "The template has more than one section: use a single section (a different first page is fine).": _l(
        "The template has more than one section: use a single section (a different first page is fine)."
    ),
    "Columns are not supported: use a table for side-by-side text.": _l(
        "Columns are not supported: use a table for side-by-side text."
    ),
    "Footnotes and endnotes are not supported in templates: remove them.": _l(
        "Footnotes and endnotes are not supported in templates: remove them."
    ),
}

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^The file is larger than (?P<kb>\d+) KB\.$"), "larger"),
    (re.compile(r"^The field (?P<name>\S+) is not supported: only PAGE and NUMPAGES fields can be used\.$"), "field"),
    (re.compile(r"^The template could not be filled: (?P<detail>.+)$", re.DOTALL), "fill"),
    (re.compile(r"^Unknown variables: (?P<names>.+)\.$"), "unknown"),
    (re.compile(r"^In the (?P<part>.+?): access to '(?P<name>.+)' is not allowed in templates\.$"), "access"),
    (re.compile(r"^In the (?P<part>.+?): the filter '(?P<name>.+)' is not available\.$"), "filter"),
    (re.compile(r"^In the (?P<part>.+?): the test '(?P<name>.+)' is not available\.$"), "test"),
    (re.compile(r"^In the (?P<part>.+?): '(?P<name>.+)' tags are not allowed\.$"), "tag"),
    (re.compile(r"^The template asks for a range of (?P<n>\d+) items; the maximum is (?P<max>\d+)\.$"), "range"),
    (
        re.compile(r"^The template repeats text or a list to (?P<n>\d+) items; the maximum is (?P<max>\d+)\.$"),
        "repeat",
    ),
    (
        re.compile(r"^The document is too large to render: (?P<n>\d+) paragraphs, maximum (?P<max>\d+)\.$"),
        "paragraphs",
    ),
    (
        re.compile(
            r"^The document is too large to render: (?P<n>\d+) KB of text and layout, maximum (?P<max>\d+) KB\.$"
        ),
        "xml",
    ),
    (re.compile(r"^The document is too large to render: (?P<n>\d+) pages, maximum (?P<max>\d+)\.$"), "pages"),
    (re.compile(r"^The template's loops run over more than (?P<max>\d+) items in total\.$"), "loops"),
    (re.compile(r"^The filled template is larger than (?P<max>\d+) characters\.$"), "output"),
    (re.compile(r"^The template took more than (?P<max>\d+) seconds to fill\.$"), "slow"),
    (
        re.compile(
            r"^Template syntax error in the (?P<part>.+?)(?: near \"(?P<near>.*)\")?: (?P<detail>.+)$", re.DOTALL
        ),
        "syntax",
    ),
]


def _syntax(g: dict[str, Any]) -> str:
    if not g.get("near"):  # the error has no text around it (e.g. at the very end)
        return _("Template syntax error in the %(part)s: %(detail)s", part=g["part"], detail=g["detail"])
    return _(
        "Template syntax error in the %(part)s near “%(near)s”: %(detail)s",
        part=g["part"],
        near=g["near"],
        detail=g["detail"],
    )


#: a refusal of the engine (by its pattern's key) in the reader's language; ``g`` holds the
#: pattern's named groups
_TRANSLATIONS: dict[str, Callable[[dict[str, Any]], str]] = {
    "larger": lambda g: _("The file is larger than %(kb)s KB.", kb=g["kb"]),
    "field": lambda g: _("The field %(name)s is not supported: only PAGE and NUMPAGES fields can be used.", name=g["name"]),
    "fill": lambda g: _("The template could not be filled: %(detail)s", detail=g["detail"]),
    "unknown": lambda g: _("Unknown variables: %(names)s. Use only the variables listed below.", names=g["names"]),
    "access": lambda g: _(
        "In the %(part)s: access to '%(name)s' is not allowed in templates.", part=g["part"], name=g["name"]
    ),
    "filter": lambda g: _("In the %(part)s: the filter '%(name)s' is not available.", part=g["part"], name=g["name"]),
    "test": lambda g: _("In the %(part)s: the test '%(name)s' is not available.", part=g["part"], name=g["name"]),
    "tag": lambda g: _("In the %(part)s: '%(name)s' tags are not allowed.", part=g["part"], name=g["name"]),
    "range": lambda g: _(
        "The template asks for a range of %(n)s items; the maximum is %(max)s.", n=g["n"], max=g["max"]
    ),
    "repeat": lambda g: _(
        "The template repeats text or a list to %(n)s items; the maximum is %(max)s.", n=g["n"], max=g["max"]
    ),
    "paragraphs": lambda g: _("The document is too large to render: %(n)s paragraphs, maximum %(max)s.", n=g["n"], max=g["max"]),
    "xml": lambda g: _(
        "The document is too large to render: %(n)s KB of text and layout, maximum %(max)s KB.",
        n=g["n"],
        max=g["max"],
    ),
    "pages": lambda g: _("The document is too large to render: %(n)s pages, maximum %(max)s.", n=g["n"], max=g["max"]),
    "loops": lambda g: _("The template's loops run over more than %(max)s items in total.", max=g["max"]),
    "output": lambda g: _("The filled template is larger than %(max)s characters.", max=g["max"]),
    "slow": lambda g: _("The template took more than %(max)s seconds to fill.", max=g["max"]),
    "syntax": _syntax,
}


def translate(message: str) -> str:
    if message in FIXED:
        return str(FIXED[message])
    for pattern, key in _PATTERNS:
        m = pattern.match(message)
        if m and key in _TRANSLATIONS:
            return _TRANSLATIONS[key](m.groupdict())
    return message
