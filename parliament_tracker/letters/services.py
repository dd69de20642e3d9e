"""Letter verbs: start, edit, generate, upload, compare; template upload and activation.

Each verb changes state, writes the audit entry and flushes; the caller commits (one commit
per request). The pure pipeline (fill → HTML → PDF/A) lives in the sibling modules; this module
turns database rows into its plain input and stores what comes out.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import hashlib
import io
import os
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.db import today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters import context as ctx
from parliament_tracker.letters import markup, seed_letter
from parliament_tracker.letters.features import feature_problems
from parliament_tracker.letters.fill import (
    DocxRejected,
    TemplateError,
    check_template,
    fill_template,
)
from parliament_tracker.letters.messages import translate
from parliament_tracker.letters.models import (
    Letter,
    LetterCase,
    LetterCaseRole,
    LetterKind,
    LetterStatus,
    LetterTemplate,
    LetterVersion,
    VersionSource,
)
from parliament_tracker.letters.pipeline import (
    RenderedLetter,
    pdf_from_docx,
    render_letter,
)
from parliament_tracker.letters.variables import KNOWN_VARIABLE_NAMES
from parliament_tracker.organisation.models import Signatory

SHIPPED_DIR = os.path.join(
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "letter_templates"
)
ADDRESSEE_DEFAULT = "\n".join(ctx.TWEEDE_KAMER_ADDRESS)
MAX_SUBJECT = 2000
MAX_BODY = 100_000


class StaleLetter(DomainError):
    kind = Kind.conflict

    def __init__(self, letter: Letter) -> None:
        super().__init__(
            _(
                "Someone else changed this letter in the meantime (now version %(v)d). Your changes were not saved.",
                v=letter.version,
            )
        )
        self.letter = letter


class LetterLocked(DomainError):
    """A signed or sent letter is immutable: its DOCX and PDF cannot be replaced or regenerated."""

    kind = Kind.conflict

    def __init__(self, letter: Letter) -> None:
        super().__init__(
            _(
                "This letter is %(status)s and can no longer be changed: a signed letter is final. "
                "Start a new letter if something must change.",
                status=letter.status.title.lower(),
            )
        )
        self.letter = letter


#: a signed or sent letter is immutable
LOCKED_STATUSES = frozenset({LetterStatus.signed, LetterStatus.sent})


def ensure_unlocked(letter: Letter) -> None:
    if letter.status in LOCKED_STATUSES:
        raise LetterLocked(letter)


class UploadRefused(DomainError):
    """An uploaded DOCX (letter or template) is refused; nothing was stored."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message, {"file": message})
        self.problems = problems or [message]


# --------------------------------------------------------------------------- templates


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


def template_for(kind: LetterKind) -> tuple[bytes, LetterTemplate | None]:
    """The active template's bytes; the shipped default when no version is in the database."""
    template = active_template(kind)
    if template is None:
        return shipped_template(kind), None
    return template.docx, template


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


def ministry() -> ctx.Ministry:
    cfg = current_app.config
    return ctx.Ministry(
        name=cfg["MINISTRY_NAME"],
        visiting_address=cfg["LETTER_VISITING_ADDRESS"],
        postal_address=cfg["LETTER_POSTAL_ADDRESS"],
        website=cfg["LETTER_WEBSITE"],
        return_address=cfg["LETTER_RETURN_ADDRESS"],
        sender_unit=cfg["LETTER_SENDER_UNIT"],
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


def render(template_bytes: bytes, data: ctx.LetterData, *, title: str) -> RenderedLetter:
    """Fill a template with the letter data and render it in the configured letter font."""
    return render_letter(
        template_bytes, ctx.build_context(data), font_family=current_app.config["LETTER_FONT_FAMILY"], title=title
    )


def render_uploaded(docx: bytes, *, title: str) -> RenderedLetter:
    """A drafter's DOCX as it is, in the configured font and within the upload limit (``DocxRejected``)."""
    cfg = current_app.config
    return pdf_from_docx(
        docx, title=title, font_family=cfg["LETTER_FONT_FAMILY"], max_bytes=cfg["LETTER_MAX_UPLOAD_BYTES"]
    )


def preview_template(template: LetterTemplate) -> RenderedLetter:
    """Render a template version with demo data (raises DomainError when it cannot be filled)."""
    try:
        return render(template.docx, demo_letter_data(), title=seed_letter.SUBJECT)
    except TemplateError as exc:
        raise DomainError(
            _("The template cannot be filled: %(problems)s", problems=" ".join(translate(p) for p in exc.problems))
        ) from exc


# --------------------------------------------------------------------------- letters: data


def office_without_article(office_title: str) -> str:
    """ "De Staatssecretaris van Justitie en Veiligheid" → "Staatssecretaris van Justitie en Veiligheid"."""
    return re.sub(r"^(de|het)\s+", "", office_title.strip(), flags=re.IGNORECASE)


def questions_subject(case: Case) -> str:
    """What the questions are about: "Vragen van … over het bericht «…»" → "het bericht «…»"."""
    subject = case.subject.strip()
    match = re.search(r"\bover\s+(.+)$", subject, flags=re.DOTALL)
    return match.group(1).strip() if match and subject.lower().startswith("vragen") else subject


def questions_case(letter: Letter) -> Case | None:
    """The written-questions case this letter answers or postpones, if any."""
    for link in letter.case_links:
        if link.role != LetterCaseRole.mentions and link.case.kind == CaseKind.written_questions:
            return link.case
    return None


def answered_cases(letter: Letter) -> list[Case]:
    return [link.case for link in letter.case_links if link.role != LetterCaseRole.mentions]


def mentioned_cases(letter: Letter) -> list[Case]:
    return [link.case for link in letter.case_links if link.role == LetterCaseRole.mentions]


def see_text(number: int) -> str:
    return f"Zie het antwoord op vraag {number}."


def question_answers(letter: Letter) -> tuple[ctx.QuestionAnswer, ...]:
    """The stored answers as the pipeline wants them; questions without an answer get an empty one."""
    case = questions_case(letter)
    if case is None:
        return ()
    texts = {q.number: q.text for q in case.questions}
    covered: set[int] = set()
    items: list[tuple[int, ctx.QuestionAnswer]] = []
    for item in letter.answers or []:
        numbers = tuple(n for n in item.get("questions", []) if n in texts and n not in covered)
        if not numbers:
            continue
        covered.update(numbers)
        answer: Any = see_text(item["see"]) if item.get("see") else markup.to_blocks(item.get("text", ""))
        items.append((numbers[0], ctx.QuestionAnswer(numbers, tuple(texts[n] for n in numbers), answer)))
    for number, text in texts.items():
        if number not in covered:
            items.append((number, ctx.QuestionAnswer((number,), (text,), "")))
    return tuple(qa for _n, qa in sorted(items, key=lambda pair: pair[0]))


def letter_data(letter: Letter) -> ctx.LetterData:
    main = letter.main_case
    base = ministry()
    if main is not None and main.lead_directorate is not None and not base.sender_unit:
        base = dataclasses.replace(base, sender_unit=main.lead_directorate.name)
    signatories = (
        (ctx.Signatory(office_without_article(letter.signatory.office_title), letter.signatory.name),)
        if letter.signatory
        else ()
    )
    wq = questions_case(letter)
    return ctx.LetterData(
        subject=letter.subject,
        letter_date=letter.letter_date,
        ministry=base,
        signatories=signatories,
        body=letter.body or [],
        our_reference=letter.our_reference,
        your_reference=letter.your_reference,
        your_letter_date=letter.your_letter_date,
        addressee_lines=tuple(line.rstrip() for line in letter.addressee.splitlines() if line.strip()),
        case_number=wq.reference if wq else "",
        askers=tuple(m.label for m in wq.members) if wq else (),
        questions_subject=questions_subject(wq) if wq else "",
        questions_submitted=wq.received_on if wq else None,
        answers=question_answers(letter),
        postponement_reason=letter.postponement_reason.strip().rstrip("."),
        attachments_count=1 if letter.kind == LetterKind.cover_letter else None,
    )


# --------------------------------------------------------------------------- letters: verbs


def _default_subject(kind: LetterKind, main: Case) -> str:
    if main.kind == CaseKind.written_questions and kind != LetterKind.kamerbrief:
        about = questions_subject(main)
        if kind == LetterKind.postponement_notice:
            return f"Uitstel beantwoording vragen over {about}"
        return f"Antwoorden op Kamervragen over {about}"
    return main.subject


def _default_answers(case: Case) -> list[dict[str, Any]]:
    answers: list[dict[str, Any]] = []
    for q in case.questions:
        if q.see_answer_to and q.see_answer_to != q.number:
            answers.append({"questions": [q.number], "see": q.see_answer_to})
        else:
            answers.append({"questions": [q.number], "text": q.answer or ""})
    return answers


def start_letter(
    cases: Sequence[Case],
    kind: LetterKind,
    *,
    actor: User | None,
    mentions: Sequence[Case] = (),
    postponement_reason: str = "",
) -> Letter:
    """A draft prefilled from the cases: subject, Uw kenmerk, Uw brief van, addressee, signatory, answers."""
    cases = list(dict.fromkeys(cases))
    if not cases:
        raise DomainError(_("Choose at least one case."), {"cases": _("Choose at least one case.")})
    main = cases[0]
    needs_questions = kind in (LetterKind.answers, LetterKind.cover_letter, LetterKind.postponement_notice)
    if needs_questions and not any(c.kind == CaseKind.written_questions for c in cases):
        message = _("This kind of letter needs a written-questions case.")
        raise DomainError(message, {"kind": message})
    if needs_questions and main.kind != CaseKind.written_questions:
        main = next(c for c in cases if c.kind == CaseKind.written_questions)
        cases = [main] + [c for c in cases if c is not main]
    role = LetterCaseRole.postpones if kind == LetterKind.postponement_notice else LetterCaseRole.answers
    letter = Letter(
        kind=kind,
        status=LetterStatus.draft,
        subject=_default_subject(kind, main),
        letter_date=today_local(),
        your_reference=", ".join(c.reference for c in cases),
        your_letter_date=main.received_on,
        addressee=ADDRESSEE_DEFAULT,
        signatory=main.addressed_to,
        body=[],
        answers=_default_answers(main) if kind == LetterKind.answers else [],
        postponement_reason=postponement_reason.strip(),
        created_by=actor,
    )
    for case in cases:
        letter.case_links.append(LetterCase(case=case, role=role))
    for case in mentions:
        if case not in cases:
            letter.case_links.append(LetterCase(case=case, role=LetterCaseRole.mentions))
    db.session.add(letter)
    db.session.flush()
    refs = ", ".join(c.reference for c in cases)
    record(
        "letter:started", letter, f"{kind.value} started for {refs}", actor=actor, cases=[c.reference for c in cases]
    )
    for case in cases:
        record(
            "case:letter_started",
            case,
            f"Letter {letter.id} ({kind.value}) started",
            actor=actor,
            letter_id=letter.id,
            kind=kind.value,
        )
    return letter


@dataclasses.dataclass
class LetterInput:
    """Field values for editing a letter: None = leave unchanged. The dates and the signatory
    can be cleared, so for them None clears and ``...`` (the default) leaves unchanged."""

    subject: str | None = None
    letter_date: dt.date | object | None = ...
    our_reference: str | None = None
    your_reference: str | None = None
    your_letter_date: dt.date | object | None = ...
    addressee: str | None = None
    signatory: Signatory | object | None = ...
    #: the body in the drafting markup (letters.markup); stored as blocks
    body: str | None = None
    answers: list[dict[str, Any]] | None = None
    postponement_reason: str | None = None


def normalise_answers(items: Any, question_numbers: Sequence[int]) -> list[dict[str, Any]]:
    """Validate answers: [{"questions": [2, 3], "text": "…"} | {"questions": [4], "see": 2}]."""
    if not isinstance(items, list):
        raise DomainError(_("Answers must be a list."), {"answers": _("Answers must be a list.")})
    known = set(question_numbers)
    seen: set[int] = set()
    out: list[dict[str, Any]] = []
    for item in items:
        if not isinstance(item, dict):
            raise DomainError(
                _("Each answer needs its question numbers."), {"answers": _("Each answer needs its question numbers.")}
            )
        numbers = item.get("questions")
        if isinstance(numbers, int):
            numbers = [numbers]
        if (
            not isinstance(numbers, list)
            or not numbers
            or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)
        ):
            raise DomainError(
                _("Each answer needs its question numbers."), {"answers": _("Each answer needs its question numbers.")}
            )
        unknown = [n for n in numbers if n not in known]
        if unknown:
            message = _("There is no question %(n)d.", n=unknown[0])
            raise DomainError(message, {"answers": message})
        twice = [n for n in numbers if n in seen]
        if twice or len(set(numbers)) != len(numbers):
            message = _("Question %(n)d is answered twice.", n=(twice or numbers)[0])
            raise DomainError(message, {"answers": message})
        seen.update(numbers)
        see = item.get("see")
        if see not in (None, "", 0):
            if not isinstance(see, int) or see not in known or see in numbers:
                message = _("“See the answer to question %(n)s” must point to another question.", n=see)
                raise DomainError(message, {"answers": message})
            out.append({"questions": sorted(numbers), "see": see})
        else:
            text = item.get("text", "")
            if not isinstance(text, str):
                raise DomainError(_("An answer must be text."), {"answers": _("An answer must be text.")})
            out.append({"questions": sorted(numbers), "text": text[:MAX_BODY]})
    return sorted(out, key=lambda a: a["questions"][0])


def _question_numbers(letter: Letter) -> list[int]:
    case = questions_case(letter)
    return [q.number for q in case.questions] if case else []


def update_letter(letter: Letter, data: LetterInput, *, expected_version: int, actor: User | None) -> Letter:
    ensure_unlocked(letter)
    if letter.status != LetterStatus.draft:
        raise DomainError(_("Only draft letters can be changed."))
    if expected_version != letter.version:
        raise StaleLetter(letter)
    errors: dict[str, str] = {}
    if data.subject is not None:
        if not data.subject.strip():
            errors["subject"] = _("Enter a subject.")
        elif len(data.subject) > MAX_SUBJECT:
            errors["subject"] = _("The subject is too long (at most 2000 characters).")
    if data.body is not None and len(data.body) > MAX_BODY:
        errors["body"] = _("The text is too long.")
    for name, limit in (("our_reference", 100), ("your_reference", 200)):
        value = getattr(data, name)
        if value is not None and len(value) > limit:
            errors[name] = _("Too long (at most %(n)d characters).", n=limit)
    if data.addressee is not None and not data.addressee.strip():
        errors["addressee"] = _("Enter the address block.")
    answers = None
    if data.answers is not None:
        try:
            answers = normalise_answers(data.answers, _question_numbers(letter))
        except DomainError as exc:
            errors.update(exc.errors)
    if (
        letter.kind == LetterKind.postponement_notice
        and data.postponement_reason is not None
        and not data.postponement_reason.strip()
    ):
        errors["postponement_reason"] = _("A postponement notice must give its reason.")
    if errors:
        raise DomainError(_("The letter could not be saved. Check the fields marked below."), errors)
    changes: dict[str, tuple[Any, Any]] = {}
    for name in (
        "subject",
        "letter_date",
        "our_reference",
        "your_reference",
        "your_letter_date",
        "addressee",
        "postponement_reason",
    ):
        value = getattr(data, name)
        if value is None or value is ...:
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(letter, name) != value:
            changes[name] = (getattr(letter, name), value)
            setattr(letter, name, value)
    if data.signatory is not ... and data.signatory != letter.signatory:
        changes["signatory"] = (
            letter.signatory.label if letter.signatory else None,
            data.signatory.label if data.signatory else None,
        )  # type: ignore[union-attr]
        letter.signatory = data.signatory  # type: ignore[assignment]
    if data.body is not None:
        blocks = markup.to_blocks(data.body)
        if blocks != (letter.body or []):
            changes["body"] = (f"{len(letter.body or [])} paragraphs", f"{len(blocks)} paragraphs")
            letter.body = blocks
    if answers is not None and answers != (letter.answers or []):
        changes["answers"] = (f"{len(letter.answers or [])} answers", f"{len(answers)} answers")
        letter.answers = answers
    if changes:
        db.session.flush()
        record("letter:updated", letter, f"Letter {letter.id} changed", actor=actor, changes=changes)
    return letter


def _add_version(
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
    db.session.flush()  # pending changes go in before the savepoint, not inside it
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
    template_bytes, template = template_for(letter.kind)
    try:
        rendered = render(template_bytes, letter_data(letter), title=letter.subject)
    except TemplateError as exc:
        raise DomainError(
            _("The letter could not be made: %(problems)s", problems=" ".join(translate(p) for p in exc.problems))
        ) from exc
    letter.template = template
    version = _add_version(
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
    except DocxRejected as exc:
        raise UploadRefused(_("The file was refused: %(reason)s", reason=translate(exc.message))) from exc
    except Exception as exc:  # the walker or WeasyPrint choked on a file that passed the checks
        raise UploadRefused(_("The file was refused: it could not be converted to PDF.")) from exc
    version = _add_version(
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


def prepare_postponement(case: Case, reason: str, *, actor: User | None) -> Letter:
    """One click from a written-questions case: the postponement notice, generated."""
    if case.kind != CaseKind.written_questions:
        message = _("A postponement notice is only for written questions.")
        raise DomainError(message, {"kind": message})
    if not (reason or "").strip():
        message = _("A postponement notice must give its reason.")
        raise DomainError(message, {"postponement_reason": message})
    if len(reason) > 2000:
        message = _("The reason is too long (at most 2000 characters).")
        raise DomainError(message, {"postponement_reason": message})
    letter = start_letter([case], LetterKind.postponement_notice, actor=actor, postponement_reason=reason)
    generate_version(letter, actor=actor)
    return letter


def letters_for_case(case: Case) -> list[Letter]:
    return list(
        db.session.scalars(
            db.select(Letter)
            .join(LetterCase)
            .where(LetterCase.case_id == case.id)
            .order_by(Letter.created_at.desc(), Letter.id.desc())
        ).unique()
    )


def get_version(letter: Letter, number: int) -> LetterVersion | None:
    return db.session.scalar(
        db.select(LetterVersion).where(LetterVersion.letter_id == letter.id, LetterVersion.number == number)
    )


# --------------------------------------------------------------------------- compare


def docx_paragraphs(data: bytes) -> list[str]:
    """The text of a DOCX, one entry per non-empty paragraph (body, then table cells in order)."""
    from docx import Document
    from docx.oxml.ns import qn

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


def compare_versions(a: LetterVersion, b: LetterVersion) -> list[DiffLine]:
    """Paragraph-level text diff of two versions (difflib over python-docx paragraphs)."""
    old, new = docx_paragraphs(a.docx), docx_paragraphs(b.docx)
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [DiffLine("same", t) for t in old[i1:i2]]
        else:
            lines += [DiffLine("removed", t) for t in old[i1:i2]]
            lines += [DiffLine("added", t) for t in new[j1:j2]]
    return lines
