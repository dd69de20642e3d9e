"""Checks for incoming attachments: a real PDF or DOCX, within size, no macros, no zip bomb. Pure."""

from __future__ import annotations

import io
import re
import zipfile

from flask_babel import gettext as _

from parliament_tracker.errors import DomainError

#: a DOCX this large once unpacked, or this compressed, is refused as a likely zip bomb
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 2000
#: macro and ActiveX parts, found by their name or by their declared content type (a renamed
#: vbaProject.bin still declares itself in [Content_Types].xml); the letter check uses the same
_MACRO_NAME = re.compile(r"(^|/)(vbaProject\.bin|vbaData\.xml)$|(^|/)activeX/", re.IGNORECASE)
_MACRO_TYPE = re.compile(rb"macroEnabled|vbaProject|vbaData|ms-office\.activeX", re.IGNORECASE)


class UploadRejected(DomainError):
    """An attachment that is refused (too large, not an allowed type); nothing was stored."""


def safe_filename(name: str) -> str:
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" .")
    return name[:200] or "bijlage"


def check_attachment(filename: str, data: bytes, *, max_bytes: int) -> tuple[str, str]:
    """Return (content type, safe file name) or raise ``UploadRejected``."""
    safe = safe_filename(filename)
    if not data:
        raise UploadRejected(_("The file is empty."))
    if len(data) > max_bytes:
        raise UploadRejected(_("The file is too large (at most %(mb)d MB).", mb=max_bytes // (1024 * 1024)))
    lower = safe.lower()
    if lower.endswith(".pdf"):
        if not data.startswith(b"%PDF-"):
            raise UploadRejected(_("This is not a PDF file."))
        return "application/pdf", safe
    if lower.endswith(".docx"):
        check_docx_archive(data)
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document", safe
    raise UploadRejected(_("Only PDF and DOCX files can be attached."))


def check_docx_archive(data: bytes) -> None:
    """A real Word document: a sound zip with the DOCX parts, no macros, not a zip bomb."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRejected(_("This is not a valid DOCX file (the archive cannot be read).")) from None
    if len(infos) > MAX_ENTRIES:
        raise UploadRejected(_("The DOCX file has too many parts."))
    unpacked = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if unpacked > MAX_UNPACKED_BYTES or unpacked / packed > MAX_RATIO:
        raise UploadRejected(_("The DOCX file unpacks to an unreasonable size and was refused."))
    names = {i.filename for i in infos}
    if "[Content_Types].xml" not in names or "word/document.xml" not in names:
        raise UploadRejected(_("This is not a valid DOCX file (the Word parts are missing)."))
    content_types = archive.read("[Content_Types].xml")
    if any(_MACRO_NAME.search(n) for n in names) or _MACRO_TYPE.search(content_types):
        raise UploadRejected(_("Documents with macros are not accepted. Save it as a plain .docx."))
    if archive.testzip() is not None:
        raise UploadRejected(_("The DOCX file is damaged."))
