"""Letter versions: generated from the template or uploaded as DOCX, each kept with its PDF/A
and the SHA-256 of both; looking them up and comparing two of them.
"""

from __future__ import annotations

import hashlib
import os

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters.engine.compare import DiffLine, diff_paragraphs
from parliament_tracker.letters.engine.fill import DocxRejected, TemplateError
from parliament_tracker.letters.engine.pdf import TooManyPages
from parliament_tracker.letters.engine.pipeline import RenderedLetter
from parliament_tracker.letters.engine.worker import RenderOutOfMemory, RenderTimeout
from parliament_tracker.letters.errors import StaleLetter, UploadRefused, ensure_unlocked
from parliament_tracker.letters.messages import translate
from parliament_tracker.letters.models import Letter, LetterStatus, LetterTemplate, LetterVersion, VersionSource
from parliament_tracker.letters.rendering import answered_cases, check_inputs, letter_data, render, render_uploaded
from parliament_tracker.letters.templates import template_for


def over_budget(exc: RenderTimeout | RenderOutOfMemory) -> str:
    if isinstance(exc, RenderTimeout):
        return _("The document is too large to render: it took longer than %(s)d seconds.", s=int(exc.seconds))
    return _("The document is too large to render: it needs more memory than a letter may use.")


def add_version(
    letter: Letter,
    source: VersionSource,
    rendered: RenderedLetter,
    *,
    actor: User | None,
    filename: str,
    template: LetterTemplate | None,
    note: str = "",
) -> LetterVersion:
    number = (
        db.session.scalar(db.select(db.func.max(LetterVersion.number)).where(LetterVersion.letter_id == letter.id)) or 0
    ) + 1
    version = LetterVersion(
        letter_id=letter.id,
        number=number,
        source=source,
        filename=filename,
        docx=rendered.docx,
        pdf=rendered.pdf,
        docx_sha256=hashlib.sha256(rendered.docx).hexdigest(),
        pdf_sha256=hashlib.sha256(rendered.pdf).hexdigest(),
        template_id=template.id if template else None,
        created_by=actor,
        note=note[:1000],
    )
    try:
        db.session.flush()  # pending changes go in before the savepoint, not inside it
    except StaleDataError as exc:  # the letter row changed under us since it was read
        raise StaleLetter(letter) from exc
    try:
        # Two people generating at the same moment: the unique number makes one of them fail,
        # and only this insert is undone; they get a clear message instead of an error page.
        with db.session.begin_nested():
            db.session.add(version)
    except sa.exc.IntegrityError as exc:
        raise DomainError(
            _("Someone else made a version of this letter at the same moment. Please try again.")
        ) from exc
    db.session.expire(letter, ["versions"])
    return version


def file_stem(letter: Letter) -> str:
    refs = "-".join(c.reference for c in answered_cases(letter)) or f"brief-{letter.id}"
    return f"{letter.kind.value}-{refs}"


def generate_version(letter: Letter, *, actor: User | None, note: str = "") -> LetterVersion:
    """Fill the active template with the draft, render HTML and PDF/A, and keep both files."""
    ensure_unlocked(letter)
    check_inputs(letter)
    template_bytes, template = template_for(letter.kind)
    try:
        rendered = render(template_bytes, letter_data(letter), title=letter.subject)
    except (DocxRejected, TooManyPages) as exc:  # the filled letter is over the layout limits
        raise DomainError(translate(exc.message)) from exc
    except (RenderTimeout, RenderOutOfMemory) as exc:
        raise DomainError(over_budget(exc)) from exc
    except TemplateError as exc:
        raise DomainError(
            _("The letter could not be made: %(problems)s", problems=" ".join(translate(p) for p in exc.problems))
        ) from exc
    letter.template = template
    version = add_version(
        letter,
        VersionSource.generated,
        rendered,
        actor=actor,
        filename=file_stem(letter) + ".docx",
        template=template,
        note=note,
    )
    record(
        "letter:generated",
        letter,
        f"Version {version.number} generated",
        actor=actor,
        version=version.number,
        docx_sha256=version.docx_sha256,
        pdf_sha256=version.pdf_sha256,
        template=template.version if template else "shipped",
    )
    return version


def upload_docx(letter: Letter, filename: str, data: bytes, *, actor: User | None, note: str = "") -> LetterVersion:
    """Keep a DOCX edited in Word as a new version, with its PDF made from it. Refusals store nothing."""
    filename = os.path.basename((filename or "").replace("\\", "/")).strip()[:255]
    ensure_unlocked(letter)
    if letter.status != LetterStatus.draft:
        raise DomainError(_("Only draft letters can be changed."))
    if not filename.lower().endswith(".docx"):
        raise UploadRefused(
            _(
                "Only Word documents (.docx) can be uploaded. Save the letter as “Word Document (.docx)” and upload it again."
            )
        )
    try:
        rendered = render_uploaded(data, title=letter.subject)
    except (DocxRejected, TooManyPages) as exc:
        raise UploadRefused(_("The file was refused: %(reason)s", reason=translate(exc.message))) from exc
    except (RenderTimeout, RenderOutOfMemory) as exc:
        raise UploadRefused(_("The file was refused: %(reason)s", reason=over_budget(exc))) from exc
    except Exception as exc:  # the walker or WeasyPrint choked on a file that passed the checks
        raise UploadRefused(_("The file was refused: it could not be converted to PDF.")) from exc
    version = add_version(
        letter, VersionSource.uploaded, rendered, actor=actor, filename=filename, template=None, note=note
    )
    record(
        "letter:uploaded",
        letter,
        f"Version {version.number} uploaded ({filename})",
        actor=actor,
        version=version.number,
        filename=filename,
        docx_sha256=version.docx_sha256,
        pdf_sha256=version.pdf_sha256,
    )
    return version


def get_version(letter: Letter, number: int) -> LetterVersion | None:
    return db.session.scalar(
        db.select(LetterVersion).where(LetterVersion.letter_id == letter.id, LetterVersion.number == number)
    )


def compare_versions(a: LetterVersion, b: LetterVersion) -> list[DiffLine]:
    """Paragraph-level text diff of two versions."""
    return diff_paragraphs(a.docx, b.docx)
