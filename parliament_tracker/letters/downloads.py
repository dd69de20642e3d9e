"""The one way stored letter bytes leave the app: pages, the workflow page and the API alike.

``send_version`` checks the bytes against the SHA-256 recorded when the version was stored
(and, for a signed or sent letter, against the signature record), then answers with the
right content type, ``Content-Disposition`` and ``Cache-Control: no-store`` (letters
are confidential until sent; no shared or browser cache keeps them). A mismatch is logged and
answered with a 500 that hands nothing out; under ``/api/`` the app's error handler makes that
the JSON error.
"""

from __future__ import annotations

import hashlib
import re
from typing import Literal

from flask import Response, abort, current_app
from flask_babel import gettext as _

from parliament_tracker.letters.errors import LOCKED_STATUSES
from parliament_tracker.letters.models import Letter, LetterVersion
from parliament_tracker.letters.versions import file_stem

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MIME = "application/pdf"
MIMETYPES = {"docx": DOCX_MIME, "pdf": PDF_MIME}

Format = Literal["docx", "pdf"]


class TamperedFile(Exception):
    """Stored bytes no longer match the SHA-256 recorded when they were stored or signed."""


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)[:120] or "brief"


def file_response(data: bytes, mimetype: str, filename: str, *, inline: bool = False) -> Response:
    """Bytes as a download (or ``inline`` for the browser's viewer), never cached."""
    disposition = "inline" if inline else "attachment"
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'{disposition}; filename="{safe_filename(filename)}"'
    response.headers["Cache-Control"] = "no-store"  # as response_policy sets for every private response
    return response


def check_hashes(letter: Letter, version: LetterVersion) -> None:
    """Raise ``TamperedFile`` when a version's stored bytes differ from what was recorded."""
    if hashlib.sha256(version.pdf).hexdigest() != version.pdf_sha256 or (
        hashlib.sha256(version.docx).hexdigest() != version.docx_sha256
    ):
        raise TamperedFile(f"letter {letter.id} version {version.number}: stored file does not match its SHA-256")
    if letter.status in LOCKED_STATUSES:
        # The signature record belongs to the approval workflow, which sits above drafting.
        from parliament_tracker.letters.approval.signing import TamperedLetter, check_download

        try:
            check_download(letter, version)
        except TamperedLetter as exc:
            raise TamperedFile(str(exc)) from exc


def checked_version(letter: Letter, version: LetterVersion) -> LetterVersion:
    """The version, once its bytes match their recorded SHA-256; otherwise a logged 500."""
    try:
        check_hashes(letter, version)
    except TamperedFile as exc:
        current_app.logger.error("%s", exc)
        if letter.status in LOCKED_STATUSES:
            abort(
                500,
                _(
                    "The stored signed letter does not match its recorded SHA-256; it was not handed out. "
                    "Tell the administrator."
                ),
            )
        abort(
            500,
            _("The stored letter does not match its recorded SHA-256; it was not handed out. Tell the administrator."),
        )
    return version


def send_version(
    letter: Letter, version: LetterVersion, fmt: Format, *, filename: str | None = None, inline: bool = False
) -> Response:
    """A version's DOCX or PDF, after the hash check (default name: ``<kind>-<refs>-v<n>.<fmt>``)."""
    checked_version(letter, version)
    data = version.pdf if fmt == "pdf" else version.docx
    name = filename or f"{file_stem(letter)}-v{version.number}.{fmt}"
    return file_response(data, MIMETYPES[fmt], name, inline=inline)
