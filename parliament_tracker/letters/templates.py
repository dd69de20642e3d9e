"""Letter templates: the shipped defaults, uploaded versions, the active one per kind, previews.

A template upload is checked by the engine (size, variables, sandbox, features) and filled
once with the demo letter before it is stored; a refused template stores nothing.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import os

from flask import current_app
from flask_babel import gettext as _

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters.engine import context as ctx
from parliament_tracker.letters.engine import markup, seed_letter
from parliament_tracker.letters.engine.features import feature_problems
from parliament_tracker.letters.engine.fill import TemplateError, check_template, fill_template
from parliament_tracker.letters.engine.logo import LogoRejected, check_logo
from parliament_tracker.letters.engine.pipeline import RenderedLetter
from parliament_tracker.letters.engine.variables import KNOWN_VARIABLE_NAMES
from parliament_tracker.letters.errors import UploadRefused
from parliament_tracker.letters.messages import translate
from parliament_tracker.letters.models import LetterKind, LetterLogo, LetterTemplate
from parliament_tracker.letters.rendering import ministry, render

SHIPPED_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "letter_templates"
)


@functools.cache
def shipped_template(kind: LetterKind) -> bytes:
    with open(os.path.join(SHIPPED_DIR, kind.shipped_file), "rb") as fh:
        return fh.read()


def active_template(kind: LetterKind) -> LetterTemplate | None:
    return db.session.scalar(
        db.select(LetterTemplate)
        .where(LetterTemplate.kind == kind, LetterTemplate.is_active)
        .order_by(LetterTemplate.version.desc())
    )


#: template bytes by (row id, SHA-256): a template version's file never changes, so a letter
#: generated from it need not read its ~25-60 KB from the database again (one statement less)
_TEMPLATE_BYTES: dict[tuple[int, str], bytes] = {}
_MAX_TEMPLATE_BYTES = 16


def template_for(kind: LetterKind) -> tuple[bytes, LetterTemplate | None]:
    """The active template's bytes; the shipped default when no version is in the database."""
    template = active_template(kind)
    if template is None:
        return shipped_template(kind), None
    key = (template.id, template.sha256)
    data = _TEMPLATE_BYTES.get(key)
    if data is None:
        data = template.docx
        if hashlib.sha256(data).hexdigest() == template.sha256:  # kept only when the row is what it says
            if len(_TEMPLATE_BYTES) >= _MAX_TEMPLATE_BYTES:
                _TEMPLATE_BYTES.pop(next(iter(_TEMPLATE_BYTES)), None)
            _TEMPLATE_BYTES[key] = data
    return data, template


def templates_by_kind() -> dict[LetterKind, list[LetterTemplate]]:
    rows = db.session.scalars(
        db.select(LetterTemplate).order_by(LetterTemplate.kind, LetterTemplate.version.desc())
    ).all()
    out: dict[LetterKind, list[LetterTemplate]] = {k: [] for k in LetterKind}
    for row in rows:
        out[row.kind].append(row)
    return out


def _next_template_version(kind: LetterKind) -> int:
    current = db.session.scalar(db.select(db.func.max(LetterTemplate.version)).where(LetterTemplate.kind == kind))
    return (current or 0) + 1


def _store_template(
    name: str, kind: LetterKind, version: int, data: bytes, *, active: bool, actor: User | None
) -> LetterTemplate:
    """Add one template version (with its size and SHA-256) and flush so it has an id."""
    template = LetterTemplate(
        name=name,
        kind=kind,
        version=version,
        docx=data,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        is_active=active,
        uploaded_by=actor,
    )
    db.session.add(template)
    db.session.flush()
    return template


def load_shipped_templates(*, actor: User | None = None) -> list[LetterTemplate]:
    """Store the shipped defaults as version 1 of every kind that has no version yet."""
    created = []
    for kind in LetterKind:
        if db.session.scalar(db.select(LetterTemplate.id).where(LetterTemplate.kind == kind).limit(1)) is not None:
            continue
        template = _store_template(kind.shipped_file, kind, 1, shipped_template(kind), active=True, actor=actor)
        record(
            "template:loaded",
            template,
            f"Shipped template {kind.shipped_file} loaded as version 1",
            actor=actor,
            sha256=template.sha256,
        )
        created.append(template)
    return created


def upload_template(
    name: str, kind: LetterKind, data: bytes, *, actor: User | None, activate: bool = False
) -> LetterTemplate:
    """Check and store a new template version. Refused templates raise ``UploadRefused``; nothing is stored."""
    name = os.path.basename((name or "").replace("\\", "/")).strip()[:200]
    if not name.lower().endswith(".docx"):
        raise UploadRefused(
            _(
                "Only Word documents (.docx) can be used as templates. Save the template as “Word Document (.docx)” and upload it again."
            )
        )
    problems = check_template(data, KNOWN_VARIABLE_NAMES, current_app.config["LETTER_MAX_UPLOAD_BYTES"])
    if not problems:
        problems = feature_problems(data)
    if not problems:
        # The last check is the real thing: fill it with the demo data (no PDF, ~50 ms).
        try:
            fill_template(data, ctx.build_context(demo_letter_data()))
        except TemplateError as exc:
            problems = list(exc.problems)
    if problems:
        raise UploadRefused(
            _("The template was refused. Change the following and upload it again:"), [translate(p) for p in problems]
        )
    if activate:
        _deactivate(kind)
    template = _store_template(name, kind, _next_template_version(kind), data, active=activate, actor=actor)
    record(
        "template:uploaded",
        template,
        f"Template {name} uploaded as version {template.version} ({kind.value})",
        actor=actor,
        sha256=template.sha256,
        active=activate,
    )
    return template


MAX_LOGO_BYTES = 1024 * 1024


def _logo_message(exc: LogoRejected) -> str:
    return {
        "empty": _("The file is empty."),
        "too_large": _("The image is too large: at most %(n)d KB.", n=MAX_LOGO_BYTES // 1024),
        "pixels": _("The image has too many pixels: at most 4000 × 4000."),
        "too_small": _("The image is too small: at least 16 pixels on each side."),
    }.get(exc.code, _("The logo must be a PNG or JPEG image."))


def upload_logo(name: str, data: bytes, *, actor: User | None) -> LetterLogo:
    """Check and store the ministry's logo for the templates' logo slot (PNG or JPEG, at most
    1 MB, stored as PNG); it replaces the one in use. Refused: ``UploadRefused``, nothing stored."""
    name = os.path.basename((name or "").replace("\\", "/")).strip()[:200] or "logo.png"
    try:
        logo = check_logo(data, max_bytes=MAX_LOGO_BYTES)
    except LogoRejected as exc:
        raise UploadRefused(_logo_message(exc)) from None
    for other in db.session.scalars(db.select(LetterLogo).where(LetterLogo.is_active)):
        other.is_active = False
    row = LetterLogo(name=name, png=logo.png, width=logo.width, height=logo.height, size=len(logo.png),
                     sha256=hashlib.sha256(logo.png).hexdigest(), is_active=True, uploaded_by=actor)
    db.session.add(row)
    db.session.flush()
    record("template:logo_uploaded", row, f"Logo {name} uploaded ({logo.width} × {logo.height} px)",
           actor=actor, sha256=row.sha256)
    return row


def reset_logo(*, actor: User | None) -> bool:
    """Back to the templates' own neutral logo. False when no uploaded logo was in use."""
    active = list(db.session.scalars(db.select(LetterLogo).where(LetterLogo.is_active)))
    for row in active:
        row.is_active = False
    if active:
        record("template:logo_reset", active[-1], "Letters use the templates' own logo again", actor=actor)
    return bool(active)


def current_logo() -> LetterLogo | None:
    return db.session.scalars(
        db.select(LetterLogo).where(LetterLogo.is_active).order_by(LetterLogo.id.desc()).limit(1)
    ).first()


def _deactivate(kind: LetterKind) -> None:
    for other in db.session.scalars(
        db.select(LetterTemplate).where(LetterTemplate.kind == kind, LetterTemplate.is_active)
    ):
        other.is_active = False


def activate_template(template: LetterTemplate, *, actor: User | None) -> None:
    if template.is_active:
        return
    _deactivate(template.kind)
    template.is_active = True
    db.session.flush()
    record(
        "template:activated",
        template,
        f"Template {template.name} version {template.version} activated ({template.kind.value})",
        actor=actor,
    )


DEMO_QUESTIONS = (
    "Bent u bekend met het bericht «Angstcultuur en machtsspelletjes en een verziekte sfeer bij afdeling van de IND»?",
    "Hoe beoordeelt u de in het bericht beschreven werksfeer?",
    "Welke onderzoeken zijn naar aanleiding van de meldingen uitgevoerd?",
)


def demo_letter_data() -> ctx.LetterData:
    """Demo data for template previews: the seed letter plus the seed written questions."""
    return ctx.LetterData(
        subject=seed_letter.SUBJECT,
        letter_date=seed_letter.LETTER_DATE,
        ministry=dataclasses.replace(ministry(), sender_unit=ministry().sender_unit or "Directoraat-Generaal Migratie"),
        signatories=(ctx.Signatory("Staatssecretaris van Justitie en Veiligheid", "Ankie Broekers-Knol"),),
        body=markup.to_blocks(seed_letter.body_markup()),
        our_reference="3612345",
        your_reference=seed_letter.YOUR_REFERENCE,
        your_letter_date=seed_letter.YOUR_LETTER_DATE,
        case_number=seed_letter.MENTIONED_REFERENCE,
        askers=("Podt (D66)", "Ceder (ChristenUnie)"),
        questions_subject="het bericht «Angstcultuur en machtsspelletjes en een verziekte sfeer bij afdeling van de IND»",
        questions_submitted=dt.date(2021, 11, 5),
        answers=(
            ctx.QuestionAnswer((1,), (DEMO_QUESTIONS[0],), "Ja."),
            ctx.QuestionAnswer((2, 3), DEMO_QUESTIONS[1:], "In de specifieke zaak zijn meerdere onderzoeken geweest."),
        ),
        postponement_reason="de benodigde afstemming met de IND meer tijd vraagt",
    )


def preview_template(template: LetterTemplate) -> RenderedLetter:
    """Render a template version with demo data (raises DomainError when it cannot be filled)."""
    try:
        return render(template.docx, demo_letter_data(), title=seed_letter.SUBJECT)
    except TemplateError as exc:
        raise DomainError(
            _("The template cannot be filled: %(problems)s", problems=" ".join(translate(p) for p in exc.problems))
        ) from exc
