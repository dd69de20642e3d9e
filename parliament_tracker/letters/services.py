"""Letter verbs: start a letter from its cases, edit the draft, prepare a postponement notice.

Each verb changes state, writes the audit entry and flushes; the caller commits (one commit
per request). The drafting part of ``letters`` is cut into these modules, each importing only
the ones above it:

- ``errors``: the refusals (``DomainError`` subclasses) and "a signed letter is final";
- ``rendering``: rows and app config → the engine's plain input, and rendering with it;
- ``templates``: shipped and uploaded templates, the active one per kind, previews;
- ``versions``: generated and uploaded versions with their SHA-256, lookup and compare;
- ``services`` (this module): start, edit (``update_letter``), postponement notice;
- ``downloads``: the one way stored letter bytes are handed out, page and API alike.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.db import today_local
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval.cases import follow as cases_follow
from parliament_tracker.letters.engine import context as ctx
from parliament_tracker.letters.engine import markup

# Raised here, and named services.StaleLetter, services.LetterLocked & co. by views and tests.
from parliament_tracker.letters.errors import (  # noqa: F401
    LOCKED_STATUSES,
    LetterLocked,
    StaleLetter,
    UploadRefused,
    ensure_unlocked,
)
from parliament_tracker.letters.models import (
    Letter,
    LetterCase,
    LetterCaseRole,
    LetterKind,
    LetterStatus,
    LetterVersion,
)

# The approval workflow's signing step (approval/signing.py) still reaches these through this
# module; once it imports them from rendering, templates and versions, these lines go.
from parliament_tracker.letters.rendering import letter_data, questions_case, questions_subject, render, render_uploaded  # noqa: F401
from parliament_tracker.letters.templates import template_for  # noqa: F401
from parliament_tracker.letters.versions import add_version as _add_version  # noqa: F401
from parliament_tracker.letters.versions import file_stem, generate_version  # noqa: F401
from parliament_tracker.organisation.models import Signatory

ADDRESSEE_DEFAULT = "\n".join(ctx.TWEEDE_KAMER_ADDRESS)
MAX_SUBJECT = 2000
MAX_BODY = 100_000



def _refused(field: str, message: str) -> DomainError:
    return DomainError(message, {field: message})


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


#: kinds of letter that answer (or postpone answering) written questions
QUESTION_KINDS = (LetterKind.answers, LetterKind.cover_letter, LetterKind.postponement_notice)


def _answered_cases(cases: Sequence[Case], kind: LetterKind) -> list[Case]:
    """The cases the letter answers, without repeats, the main one first: the written-questions
    case for the kinds that need one (refused when there is none)."""
    cases = list(dict.fromkeys(cases))
    if not cases:
        raise _refused("cases", _("Choose at least one case."))
    if kind not in QUESTION_KINDS or cases[0].kind == CaseKind.written_questions:
        return cases
    main = next((c for c in cases if c.kind == CaseKind.written_questions), None)
    if main is None:
        raise _refused("kind", _("This kind of letter needs a written-questions case."))
    return [main] + [c for c in cases if c is not main]


def start_letter(
    cases: Sequence[Case],
    kind: LetterKind,
    *,
    actor: User | None,
    mentions: Sequence[Case] = (),
    postponement_reason: str = "",
) -> Letter:
    """A draft prefilled from the cases: subject, Uw kenmerk, Uw brief van, addressee, signatory, answers."""
    cases = _answered_cases(cases, kind)
    main = cases[0]
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
    role = LetterCaseRole.postpones if kind == LetterKind.postponement_notice else LetterCaseRole.answers
    letter.case_links.extend(LetterCase(case=case, role=role) for case in cases)
    letter.case_links.extend(
        LetterCase(case=case, role=LetterCaseRole.mentions) for case in mentions if case not in cases
    )
    db.session.add(letter)
    db.session.flush()
    _audit_start(letter, cases, actor)
    # Drafting starts: the cases the letter answers are "in behandeling".
    cases_follow(letter, "started", actor)
    return letter


def _audit_start(letter: Letter, cases: list[Case], actor: User | None) -> None:
    """One entry on the letter and one on each case it answers."""
    kind = letter.kind.value
    refs = [c.reference for c in cases]
    record("letter:started", letter, f"{kind} started for {', '.join(refs)}", actor=actor, cases=refs)
    for case in cases:
        record(
            "case:letter_started", case, f"Letter {letter.id} ({kind}) started", actor=actor, letter_id=letter.id, kind=kind
        )


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
    #: the body in the drafting markup (letters.engine.markup); stored as blocks
    body: str | None = None
    answers: list[dict[str, Any]] | None = None
    postponement_reason: str | None = None


def _answer_numbers(item: Any, known: set[int], seen: set[int]) -> list[int]:
    """An answer's question numbers: present, existing, and not answered before."""
    numbers = item.get("questions") if isinstance(item, dict) else None
    if isinstance(numbers, int):
        numbers = [numbers]
    if (
        not isinstance(numbers, list)
        or not numbers
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers)
    ):
        raise _refused("answers", _("Each answer needs its question numbers."))
    unknown = [n for n in numbers if n not in known]
    if unknown:
        raise _refused("answers", _("There is no question %(n)d.", n=unknown[0]))
    twice = [n for n in numbers if n in seen]
    if twice or len(set(numbers)) != len(numbers):
        raise _refused("answers", _("Question %(n)d is answered twice.", n=(twice or numbers)[0]))
    return numbers


def _answer_entry(item: dict[str, Any], numbers: list[int], known: set[int]) -> dict[str, Any]:
    """One stored answer: its own text, or "see the answer to question n"."""
    see = item.get("see")
    if see not in (None, "", 0):
        if not isinstance(see, int) or see not in known or see in numbers:
            raise _refused("answers", _("“See the answer to question %(n)s” must point to another question.", n=see))
        return {"questions": sorted(numbers), "see": see}
    text = item.get("text", "")
    if not isinstance(text, str):
        raise _refused("answers", _("An answer must be text."))
    return {"questions": sorted(numbers), "text": text[:MAX_BODY]}


def normalise_answers(items: Any, question_numbers: Sequence[int]) -> list[dict[str, Any]]:
    """Validate answers: [{"questions": [2, 3], "text": "…"} | {"questions": [4], "see": 2}]."""
    if not isinstance(items, list):
        raise _refused("answers", _("Answers must be a list."))
    known = set(question_numbers)
    seen: set[int] = set()
    out: list[dict[str, Any]] = []
    for item in items:
        numbers = _answer_numbers(item, known, seen)
        seen.update(numbers)
        out.append(_answer_entry(item, numbers, known))
    return sorted(out, key=lambda a: a["questions"][0])


def _question_numbers(letter: Letter) -> list[int]:
    case = questions_case(letter)
    return [q.number for q in case.questions] if case else []


#: what a draft edit changed: field name → (before, after), as the audit entry records it
Changes = dict[str, tuple[Any, Any]]

#: letter fields an edit sets as given (text stripped); None or ``...`` leaves them unchanged
PLAIN_FIELDS = (
    "subject",
    "letter_date",
    "our_reference",
    "your_reference",
    "your_letter_date",
    "addressee",
    "postponement_reason",
)
REFERENCE_LIMITS = (("our_reference", 100), ("your_reference", 200))


def lock_letter(letter: Letter) -> None:
    """Wait for a concurrent change of this letter to finish and read what it left (a row lock on
    PostgreSQL; on SQLite writes are serialised by BEGIN IMMEDIATE). Then the version and status
    checks that follow see the other person's change, and refuse with a 409 instead of a stale
    UPDATE failing at the commit."""
    db.session.execute(sa.select(Letter.id).where(Letter.id == letter.id).with_for_update())
    db.session.refresh(letter)



def update_letter(letter: Letter, data: LetterInput, *, expected_version: int, actor: User | None) -> Letter:
    """Edit a draft: refuse a final, non-draft or stale letter, validate every field (all errors
    at once, nothing applied), apply what changed, then flush (which bumps ``letter.version``)
    and audit the changes."""
    _ensure_editable(letter, expected_version)
    answers = _validate(letter, data)
    changes = _apply_fields(letter, data)
    changes.update(_apply_signatory(letter, data.signatory))
    changes.update(_apply_body(letter, data.body))
    changes.update(_apply_answers(letter, answers))
    if changes:
        db.session.flush()
        record("letter:updated", letter, f"Letter {letter.id} changed", actor=actor, changes=changes)
    return letter


def _ensure_editable(letter: Letter, expected_version: int) -> None:
    lock_letter(letter)
    ensure_unlocked(letter)
    if letter.status != LetterStatus.draft:
        raise DomainError(_("Only draft letters can be changed."))
    if expected_version != letter.version:
        raise StaleLetter(letter)


def _text_errors(data: LetterInput) -> dict[str, str]:
    """Subject, body, references and address block: present where required, within their limits."""
    errors: dict[str, str] = {}
    if data.subject is not None:
        if not data.subject.strip():
            errors["subject"] = _("Enter a subject.")
        elif len(data.subject) > MAX_SUBJECT:
            errors["subject"] = _("The subject is too long (at most 2000 characters).")
    if data.body is not None and len(data.body) > MAX_BODY:
        errors["body"] = _("The text is too long.")
    for name, limit in REFERENCE_LIMITS:
        value = getattr(data, name)
        if value is not None and len(value) > limit:
            errors[name] = _("Too long (at most %(n)d characters).", n=limit)
    if data.addressee is not None and not data.addressee.strip():
        errors["addressee"] = _("Enter the address block.")
    return errors


def _validate(letter: Letter, data: LetterInput) -> list[dict[str, Any]] | None:
    """Every field's refusal in one ``DomainError``; otherwise the normalised answers (None: unchanged)."""
    errors = _text_errors(data)
    answers = None
    if data.answers is not None:
        try:
            answers = normalise_answers(data.answers, _question_numbers(letter))
        except DomainError as exc:
            errors.update(exc.errors)
    reason = data.postponement_reason
    if letter.kind == LetterKind.postponement_notice and reason is not None and not reason.strip():
        errors["postponement_reason"] = _("A postponement notice must give its reason.")
    if errors:
        raise DomainError(_("The letter could not be saved. Check the fields marked below."), errors)
    return answers


def _apply_fields(letter: Letter, data: LetterInput) -> Changes:
    changes: Changes = {}
    for name in PLAIN_FIELDS:
        value = getattr(data, name)
        if value is None or value is ...:
            continue
        if isinstance(value, str):
            value = value.strip()
        if getattr(letter, name) != value:
            changes[name] = (getattr(letter, name), value)
            setattr(letter, name, value)
    return changes


def _apply_signatory(letter: Letter, signatory: Any) -> Changes:
    """``...`` leaves the signatory as it is; None clears it."""
    if signatory is ... or signatory == letter.signatory:
        return {}
    before = letter.signatory.label if letter.signatory else None
    letter.signatory = signatory
    return {"signatory": (before, signatory.label if signatory else None)}


def _apply_body(letter: Letter, body: str | None) -> Changes:
    if body is None:
        return {}
    blocks = markup.to_blocks(body)
    if blocks == (letter.body or []):
        return {}
    before = f"{len(letter.body or [])} paragraphs"
    letter.body = blocks
    return {"body": (before, f"{len(blocks)} paragraphs")}


def _apply_answers(letter: Letter, answers: list[dict[str, Any]] | None) -> Changes:
    if answers is None or answers == (letter.answers or []):
        return {}
    before = f"{len(letter.answers or [])} answers"
    letter.answers = answers
    return {"answers": (before, f"{len(answers)} answers")}


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


@dataclasses.dataclass(frozen=True)
class LetterOnCasePage:
    """What the case page shows of a letter."""

    id: int
    kind: LetterKind
    status: LetterStatus
    subject: str


def case_page_letter_rows() -> sa.Select[Any]:
    """The case page's letters part (the cases pages' hook runs it with the other parts): each
    letter's kind, subject, status, creation time and latest version's number; not the bodies,
    the signatory, the cases each letter is about nor its versions."""
    latest = (
        sa.select(sa.func.max(LetterVersion.number)).where(LetterVersion.letter_id == Letter.id).correlate(Letter).scalar_subquery()
    )
    return (
        sa.select(Letter.id, Letter.kind, Letter.status, Letter.subject, Letter.created_at, latest.label("latest"))
        .join(LetterCase, LetterCase.letter_id == Letter.id)
        .where(LetterCase.case_id == sa.bindparam("case_id"))
    )


def letters_on_case_page(rows: Sequence[Sequence[Any]]) -> list[tuple[LetterOnCasePage, int | None]]:
    """``case_page_letter_rows``' rows as the page lists them: newest first."""
    ordered = sorted(rows, key=lambda r: (r[4], r[0]), reverse=True)
    return [(LetterOnCasePage(r[0], r[1], r[2], r[3]), r[5]) for r in ordered]


def letters_for_case(case: Case) -> list[Letter]:
    return list(
        db.session.scalars(
            db.select(Letter)
            .join(LetterCase)
            .where(LetterCase.case_id == case.id)
            .order_by(Letter.created_at.desc(), Letter.id.desc())
        ).unique()
    )
