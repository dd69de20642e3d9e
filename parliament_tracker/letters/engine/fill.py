"""Fill DOCX templates with docxtpl, safely, and vet uploaded DOCX files.

Templates are uploaded by staff and contain Jinja code, so they are treated as
untrusted code: rendering happens in the immutable Jinja sandbox of ``sandbox`` with
autoescape (without autoescape "R&D <fase 2>" silently becomes "R " because the XML gets
repaired by dropping content), a short whitelist of filters and globals, and a budget.
Upload checks find problems early and report all of them at once, in English;
the web layer translates the message.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import TemplateAssertionError, TemplateSyntaxError, meta, nodes
from jinja2 import TemplateError as JinjaTemplateError
from jinja2.sandbox import SecurityError

if TYPE_CHECKING:  # docxtpl (with python-docx) is imported when a template is read (issue #19)
    from docxtpl import DocxTemplate

from parliament_tracker.letters.engine.sandbox import (
    ALLOWED_FILTERS,
    ALLOWED_TESTS,
    ENV,
    FORBIDDEN_TAGS,
    TemplateLimitExceeded,
    fill_budget,
)

# Limits for uploads. A Kamerbrief template is typically 20–60 KB; images push it up.
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
MAX_ZIP_ENTRIES = 500
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
# Ratio is only judged for entries of some size: small XML parts compress 10–30×.
MAX_ENTRY_RATIO = 100
RATIO_CHECK_MIN_BYTES = 1024 * 1024

DOCX_MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
}
_MACRO_NAME = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/", re.IGNORECASE)
_MACRO_TYPE = re.compile(r"macroEnabled|vbaProject|ms-office\.activeX", re.IGNORECASE)


class TemplateError(Exception):
    """A template cannot be used. ``problems`` holds user-facing English messages."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or [message]

    def __reduce__(self):  # keep the problems across the render worker's pickle
        return (TemplateError, (self.message, self.problems))


class DocxRejected(Exception):
    """An uploaded DOCX is refused; the message is user-facing English."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class _Part:
    name: str
    source: str  # Jinja source after docxtpl's tag repair


def _template(template_bytes: bytes) -> DocxTemplate:
    from docxtpl import DocxTemplate

    tpl = DocxTemplate(io.BytesIO(template_bytes))
    tpl.init_docx()
    return tpl


def _jinja_parts(tpl: DocxTemplate) -> Iterator[_Part]:
    """Body, headers and footers as docxtpl will feed them to Jinja."""
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.oxml import parse_xml

    doc = tpl.docx
    yield _Part("body", tpl.patch_xml(tpl.xml_to_string(doc._element.body)))
    for label, uri in (("header", RT.HEADER), ("footer", RT.FOOTER)):
        for rel in doc.part.rels.values():
            if rel.reltype == uri and not rel.is_external and rel.target_part.blob:
                xml = tpl.xml_to_string(parse_xml(rel.target_part.blob))
                yield _Part(f"{label} {rel.target_part.partname}", tpl.patch_xml(xml))


def _near(source: str, lineno: int | None) -> str:
    """Readable text around a Jinja line: docxtpl puts each paragraph on its own line."""
    if not lineno:
        return ""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", source).splitlines()
    text = re.sub(r"<[^>]+>", "", lines[lineno - 1] if lineno <= len(lines) else "")
    return text.strip()[:80]


def _static_problems(part: _Part, ast: nodes.Template) -> list[str]:
    """Refuse sandbox probing and unsupported tags before anything runs."""
    problems: list[str] = []
    for node in ast.find_all((nodes.Getattr, nodes.Getitem, nodes.Name)):
        name = None
        if isinstance(node, nodes.Getattr):
            name = node.attr
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            name = node.arg.value if isinstance(node.arg.value, str) else None
        elif isinstance(node, nodes.Name):
            name = node.name
        if name and name.startswith("_"):
            problems.append(f"In the {part.name}: access to '{name}' is not allowed in templates.")
    for node in ast.find_all(nodes.Filter):
        if node.name not in ALLOWED_FILTERS:
            problems.append(f"In the {part.name}: the filter '{node.name}' is not available.")
    for node in ast.find_all(nodes.Test):
        if node.name not in ALLOWED_TESTS:
            problems.append(f"In the {part.name}: the test '{node.name}' is not available.")
    for tag in ast.find_all(FORBIDDEN_TAGS):
        problems.append(f"In the {part.name}: '{type(tag).__name__.lower()}' tags are not allowed.")
    return problems


def _parse(part: _Part) -> nodes.Template:
    try:
        return ENV.parse(part.source)
    except TemplateSyntaxError as exc:
        near = _near(part.source, exc.lineno)
        where = f" near \"{near}\"" if near else ""
        raise TemplateError(f"Template syntax error in the {part.name}{where}: {exc.message}") from exc


def _names(part: _Part, ast: nodes.Template) -> set[str]:
    """Undeclared names; Jinja's analysis compiles, so unknown filters/tests surface here."""
    try:
        return meta.find_undeclared_variables(ast)
    except TemplateAssertionError as exc:
        raise TemplateError(f"In the {part.name}: {exc.message}") from exc


def template_variables(template_bytes: bytes) -> set[str]:
    """Names the template reads from the context (body, headers and footers)."""
    try:
        tpl = _template(template_bytes)
    except Exception as exc:  # python-docx raises many types for broken packages
        raise TemplateError("The file is not a readable DOCX document.") from exc
    names: set[str] = set()
    for part in _jinja_parts(tpl):
        names |= _names(part, _parse(part))
    return names


def check_template(template_bytes: bytes, known_variables: Iterable[str],
                   max_bytes: int = MAX_TEMPLATE_BYTES) -> list[str]:
    """All problems that make a template unusable; an empty list means it is fine."""
    try:
        check_docx_upload(template_bytes, max_bytes)
    except DocxRejected as exc:
        return [exc.message]
    try:
        tpl = _template(template_bytes)
    except Exception:
        return ["The file is not a readable DOCX document."]
    problems: list[str] = []
    names: set[str] = set()
    for part in _jinja_parts(tpl):
        try:
            ast = _parse(part)
        except TemplateError as exc:
            problems.append(exc.message)
            continue
        static = _static_problems(part, ast)
        problems += static
        if not static:
            try:
                names |= _names(part, ast)
            except TemplateError as exc:
                problems.append(exc.message)
    unknown = sorted(names - set(known_variables))
    if unknown:
        problems.append("Unknown variables: " + ", ".join(unknown) + ".")
    return problems


#: ``_fill_analysis`` by the template's SHA-256: its static problems and the names it reads
_ANALYSES: dict[bytes, tuple[tuple[str, ...], frozenset[str]]] = {}
_MAX_ANALYSES = 32


#: the template's package as python-docx reads it, by the template's SHA-256, never rendered itself:
#: each fill renders a deep copy (about half the CPU of unpacking and parsing the DOCX again)
_PACKAGES: dict[bytes, Any] = {}
_MAX_PACKAGES = 8


def _template_copy(template_bytes: bytes, key: bytes) -> DocxTemplate:
    """``_template(template_bytes)`` for a fill, from the process's parsed copy of that template."""
    from docx import Document
    from docxtpl import DocxTemplate

    pristine = _PACKAGES.get(key)
    if pristine is None:
        pristine = Document(io.BytesIO(template_bytes))
        if len(_PACKAGES) >= _MAX_PACKAGES:
            _PACKAGES.pop(next(iter(_PACKAGES)), None)
        _PACKAGES[key] = pristine
    tpl = DocxTemplate(io.BytesIO(template_bytes))
    tpl.docx = copy.deepcopy(pristine)
    return tpl


def _fill_analysis(tpl: DocxTemplate, template_bytes: bytes,
                   key: bytes | None = None) -> tuple[tuple[str, ...], frozenset[str]]:
    """The template's static problems and the variables it reads: the same for the same bytes, so
    worked out once per template version and process (parsing and analysing the Jinja of every part
    was a third of a fill). Syntax errors raise ``TemplateError`` and are not kept."""
    key = key or hashlib.sha256(template_bytes).digest()
    found = _ANALYSES.get(key)
    if found is None:
        problems: list[str] = []
        names: set[str] = set()
        for part in _jinja_parts(tpl):
            ast = _parse(part)
            static = _static_problems(part, ast)
            problems += static
            if not static:
                names |= _names(part, ast)
        found = (tuple(problems), frozenset(names))
        if len(_ANALYSES) >= _MAX_ANALYSES:
            _ANALYSES.pop(next(iter(_ANALYSES)), None)
        _ANALYSES[key] = found
    return found


def fill_template(template_bytes: bytes, context: Mapping[str, Any]) -> bytes:
    """Render the template with ``context`` and return the filled DOCX."""
    return fill_document(template_bytes, context)[0]


def fill_document(template_bytes: bytes, context: Mapping[str, Any]) -> tuple[bytes, Any]:
    """``fill_template``'s DOCX, and the filled document as python-docx holds it, as it would read
    those bytes back (the body parsed with python-docx's element classes, as docxtpl leaves it
    with plain ones): the HTML is made from it without unpacking and parsing the DOCX again."""
    key = hashlib.sha256(template_bytes).digest()
    try:
        tpl = _template_copy(template_bytes, key)
    except Exception as exc:
        raise TemplateError("The file is not a readable DOCX document.") from exc
    static_problems, names = _fill_analysis(tpl, template_bytes, key)
    problems = list(static_problems)
    missing = sorted(names - set(context))
    if missing:
        problems.append("Unknown variables: " + ", ".join(missing) + ".")
    if problems:
        raise TemplateError(problems[0] if len(problems) == 1 else "The template has problems.", problems)
    try:
        with fill_budget():
            tpl.render(dict(context), jinja_env=ENV, autoescape=True)
    except TemplateLimitExceeded as exc:
        raise TemplateError(exc.message) from None
    except SecurityError as exc:
        raise TemplateError("The template tries to use something that is not allowed in templates.") from exc
    except JinjaTemplateError as exc:
        # StrictUndefined: e.g. an attribute missing on a loop item.
        raise TemplateError(f"The template could not be filled: {exc.message}") from exc
    out = io.BytesIO()
    tpl.save(out)
    from docx.oxml import parse_xml
    from lxml import etree

    document = tpl.docx
    root = document.element
    root.replace(root.body, parse_xml(etree.tostring(root.body)))
    # docxtpl points the headers' and footers' relationships at their filled parts, but not the
    # lookup by rId that python-docx's sections read (the bytes have the filled ones)
    rels = document.part.rels
    for rid, rel in rels.items():
        if not rel.is_external:
            rels.related_parts[rid] = rel.target_part
    return out.getvalue(), document


# --------------------------------------------------------------------------- uploads

# The parts the DOCX walker reads: the body, headers and footers.
_TEXT_PART = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
_PARAGRAPH = re.compile(rb"<w:p[ >/]")


def check_docx_budget(data: bytes, *, max_xml_bytes: int, max_paragraphs: int) -> None:
    """Raise DocxRejected when a DOCX is too large to render, judged before it is parsed.

    Reads only the zip directory and the text parts' bytes (whose size the directory bounds), so a
    1 MB file that unpacks to 10 MB of paragraphs is refused in milliseconds, not after minutes of
    layout. Not a zip at all: left to ``check_docx_upload``.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = [i for i in zf.infolist() if _TEXT_PART.match(i.filename)]
    except (zipfile.BadZipFile, OSError, ValueError):
        return
    xml_bytes = sum(i.file_size for i in parts)
    if xml_bytes > max_xml_bytes:
        raise DocxRejected(
            f"The document is too large to render: {xml_bytes // 1024} KB of text and layout, "
            f"maximum {max_xml_bytes // 1024} KB."
        )
    try:
        paragraphs = sum(len(_PARAGRAPH.findall(zf.read(i))) for i in parts)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return  # damaged: check_docx_upload says so
    if paragraphs > max_paragraphs:
        raise DocxRejected(
            f"The document is too large to render: {paragraphs} paragraphs, maximum {max_paragraphs}."
        )


def check_docx_upload(data: bytes, max_bytes: int) -> None:
    """Raise DocxRejected unless ``data`` is a plain, sane DOCX within the limits.

    Size limits rely on the central directory: Python's zipfile stops reading an
    entry at its declared ``file_size`` and raises on CRC mismatch, so declared
    sizes bound what a later parse can inflate to.
    """
    if len(data) > max_bytes:
        raise DocxRejected(f"The file is larger than {max_bytes // 1024} KB.")
    if not data.startswith(b"PK"):
        raise DocxRejected("The file is not a DOCX document.")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise DocxRejected("The file is not a DOCX document or it is damaged.") from None
    if len(infos) > MAX_ZIP_ENTRIES:
        raise DocxRejected("The file has too many parts to be a letter.")
    total = 0
    for info in infos:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise DocxRejected("Encrypted documents are not accepted.")
        if info.file_size >= RATIO_CHECK_MIN_BYTES and info.file_size > MAX_ENTRY_RATIO * max(info.compress_size, 1):
            raise DocxRejected("The file is suspiciously compressed (possible zip bomb).")
        if _MACRO_NAME.search(info.filename):
            raise DocxRejected("Documents with macros or ActiveX controls are not accepted.")
    if total > MAX_UNCOMPRESSED_BYTES:
        raise DocxRejected("The file unpacks to more than the allowed size (possible zip bomb).")
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names:
        raise DocxRejected("The file is not a DOCX document.")
    try:
        content_types = zf.read("[Content_Types].xml").decode("utf-8", "replace")
        if _MACRO_TYPE.search(content_types):
            raise DocxRejected("Documents with macros or ActiveX controls are not accepted.")
        if not any(t in content_types for t in DOCX_MAIN_TYPES):
            raise DocxRejected("The file is not a Word document (.docx).")
        if zf.testzip() is not None:
            raise DocxRejected("The file is damaged.")
        from docx import Document  # parse it for real: catches broken XML parts

        Document(io.BytesIO(data))
    except DocxRejected:
        raise
    except Exception:
        raise DocxRejected("The file is damaged and cannot be read as a DOCX document.") from None
