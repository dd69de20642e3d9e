"""Case verbs. Each changes state, writes the audit entry and leaves the commit to the caller."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import contains_eager, joinedload, lazyload, load_only, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.cases import date_checks, references
from parliament_tracker.cases.follower import follower
from parliament_tracker.cases.models import Attachment, Case, CaseKind, Question, case_members
from parliament_tracker.cases.questions import split_questions
from parliament_tracker.cases.uploads import check_attachment
from parliament_tracker.cases.workflow import CaseStatus, is_system_move
from parliament_tracker.db import today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Committee, Directorate, Member, Signatory
from parliament_tracker.signals import case_assigned, case_status_changed


class DuplicateCase(DomainError):
    kind = Kind.conflict

    def __init__(self, existing: Case) -> None:
        super().__init__(
            _("A case with reference %(ref)s already exists.", ref=existing.reference),
            {"reference": _("Already registered: %(ref)s.", ref=existing.reference)},
        )
        self.existing = existing


class StaleCase(DomainError):
    kind = Kind.conflict

    def __init__(self, case: Case) -> None:
        super().__init__(
            _("Someone else changed this case in the meantime (now version %(v)d). Your changes were not saved.", v=case.version)
        )
        self.case = case


@dataclasses.dataclass
class CaseInput:
    """Validated field values for creating or editing a case (None = leave unchanged on edit)."""

    reference: str | None = None
    kind: CaseKind | None = None
    subject: str | None = None
    received_on: dt.date | None = None
    lead_directorate: Directorate | object | None = dataclasses.field(default=...)
    drafter: User | object | None = dataclasses.field(default=...)
    addressed_to: Signatory | object | None = dataclasses.field(default=...)
    committee: Committee | object | None = dataclasses.field(default=...)
    members: Sequence[Member] | None = None
    dossier: str | None = None
    notes: str | None = None
    questions_text: str | None = None
    #: deadline facts (... = leave unchanged, None = clear)
    committee_due_on: dt.date | object | None = dataclasses.field(default=...)
    given_due_on: dt.date | object | None = dataclasses.field(default=...)
    due_before_event: Any = dataclasses.field(default=...)

    def given(self, name: str) -> bool:
        value = getattr(self, name)
        return value is not ... and not (value is None and name in _NONE_MEANS_UNSET)


#: fields where None means "not given"; the relation fields use ... for that so None can clear them
_NONE_MEANS_UNSET = {"reference", "kind", "subject", "received_on", "members", "dossier", "notes", "questions_text"}
_SIMPLE_FIELDS = ("reference", "kind", "subject", "received_on", "dossier", "notes")
_RELATION_FIELDS = ("lead_directorate", "drafter", "addressed_to", "committee", "due_before_event")
_DATE_FIELDS = ("committee_due_on", "given_due_on")


#: a user that a case page or GET shows by name (the API: by username): those columns, not the
#: password hash, the login state and the directorate a user is otherwise joined with
#: (a function: options configure the mappers, which needs every model imported)
def _named_user() -> tuple[Any, ...]:
    return load_only(User.id, User.username, User.display_name), lazyload(User.directorate)


def shown_options(*, attachments: bool = False, questions: bool = True, members: bool = True) -> tuple[Any, ...]:
    """What a case page and the API's GET case show of a case, loaded with it in one statement
    (the one-to-one relations, the members with their party, the deadlines, the attachments)
    plus one for the questions. (A function: the options configure the mappers, which
    needs every model imported.)"""
    deadline = Case.deadlines.property.mapper.class_  # deadlines sits above cases in the import order
    return (
        joinedload(Case.lead_directorate),
        joinedload(Case.drafter).options(*_named_user()),
        joinedload(Case.addressed_to),
        joinedload(Case.committee),
        joinedload(Case.due_before_event),
        *((joinedload(Case.members),) if members else ()),
        joinedload(Case.deadlines).joinedload(deadline.overridden_by).options(*_named_user()),
        selectinload(Case.questions) if questions else lazyload(Case.questions),  # lazy: find_case loads them
        # joined: a case has few attachments (most none), their content is deferred
        *((joinedload(Case.attachments),) if attachments else ()),
    )


def find_case(reference: str, *, shown: bool = False, attachments: bool = False) -> Case | None:
    """The case with this reference; ``shown``: with what its page and GET show (``shown_options``)."""
    case = db.session.scalars(_find_statement(shown, attachments), {"reference": references.normalise(reference)}).unique().first()
    if shown and case is not None and "questions" not in sa.inspect(case).dict:
        # the questions by a statement built once (a selectinload builds its own on every load)
        set_committed_value(case, "questions", list(db.session.scalars(_questions_statement(), {"case_id": case.id})))
    return case


@functools.cache
def _questions_statement() -> sa.Select[tuple[Question]]:
    return db.select(Question).where(Question.case_id == sa.bindparam("case_id")).order_by(Question.number)


@functools.cache
def _find_statement(shown: bool, attachments: bool) -> sa.Select[tuple[Case]]:
    """``find_case``'s statement, built once per process: building one with its loader options
    and computing its cache key (memoized on the statement) cost more CPU than running it."""
    stmt = db.select(Case).where(Case.reference == sa.bindparam("reference"))
    if not shown:
        return stmt
    # The members through two flat outer joins (contains_eager), not joinedload's nested
    # "LEFT JOIN (case_members JOIN members)": SQLite (3.40) materialises a nested join, every
    # member of every case, for each case page (46 ms at 100,000 cases, bench_cases).
    member = Case.members.property.mapper.class_
    stmt = (
        stmt.outerjoin(case_members, case_members.c.case_id == Case.id)
        .outerjoin(member, member.id == case_members.c.member_id)
        .order_by(case_members.c.position)
    )
    return stmt.options(contains_eager(Case.members), *shown_options(attachments=attachments, questions=False, members=False))


def _date_findings(data: CaseInput, case: Case | None) -> date_checks.DateFindings:
    """The date rules (``date_checks``) on the dates as they will be stored: what the input
    gives, else what the case has; only the fields the input touches are reported."""

    def effective(name: str) -> Any:
        value = getattr(data, name)
        given = value is not ... and not (value is None and name == "received_on")
        return value if given else (getattr(case, name) if case is not None else None)

    found = date_checks.check_case_dates(
        effective("received_on"),
        effective("committee_due_on"),
        given_due_on=effective("given_due_on"),
        today=today_local(),
        stored_received_on=case.received_on if case is not None else None,
    )
    touched = {name for name in ("received_on", *_DATE_FIELDS) if data.given(name)}
    if "received_on" in touched:
        touched.add("committee_due_on")  # a new date received can put the committee's date before it
    return date_checks.DateFindings(
        {k: v for k, v in found.errors.items() if k in touched}, {k: v for k, v in found.warnings.items() if k in touched}
    )


def date_warnings(data: CaseInput, case: Case | None = None) -> dict[str, str]:
    """What the user should confirm about the dates (a date received over a year ago), per
    field: the form asks before saving, the API saves and answers with it."""
    return {name: str(message) for name, message in _date_findings(data, case).warnings.items()}


def _validate(data: CaseInput, kind: CaseKind, *, creating: bool, case: Case | None = None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if creating or data.given("reference"):
        try:
            data.reference = references.validate(data.reference or "", kind.value)
        except references.ReferenceError_ as exc:
            errors["reference"] = exc.message
    if (creating or data.given("subject")) and not (data.subject or "").strip():
        errors["subject"] = _("Enter a subject.")
    if creating and data.received_on is None:
        errors["received_on"] = _("Enter the date received.")
    errors.update({name: str(message) for name, message in _date_findings(data, case).errors.items()})
    event = data.due_before_event
    if event is not ... and event is not None and event.kind == "recess":
        errors["due_before_event"] = _("Choose a debate, not a recess.")
    if data.dossier and len(data.dossier) > 32:
        errors["dossier"] = _("The dossier number is too long.")
    if data.subject and len(data.subject) > 2000:
        errors["subject"] = _("The subject is too long (at most 2000 characters).")
    return errors


def _search_text(case: Case) -> str:
    parts = [case.reference, case.subject, case.notes or "", case.dossier or ""]
    parts += [q.text for q in case.questions]
    return " ".join(parts).lower()


def create_case(data: CaseInput, *, actor: User | None = None) -> Case:
    """Register a new case. A duplicate reference raises ``DuplicateCase`` pointing to it."""
    kind = data.kind or CaseKind.other
    errors = _validate(data, kind, creating=True)
    if errors:
        raise DomainError(_("The case could not be saved."), errors)
    assert data.reference is not None and data.subject is not None  # checked by _validate
    case = Case(reference=data.reference, kind=kind, subject=data.subject.strip(), received_on=data.received_on)
    # a new case's collections start empty here: once flushed, reading one that was never set
    # (the deadlines' recompute, the API's answer) would query for what cannot be there yet
    case.members, case.questions, case.deadlines, case.attachments = [], [], [], []
    _apply_relations(case, data)
    if data.members is not None:
        case.members = list(data.members)
    case.dossier = data.dossier or None
    case.notes = data.notes or ""
    if data.questions_text:
        _replace_questions(case, data.questions_text)
    if case.drafter is not None or case.lead_directorate is not None:
        case.status = CaseStatus.assigned
    for name in _DATE_FIELDS:
        if data.given(name):
            setattr(case, name, getattr(data, name))
    case.search_text = _search_text(case)
    try:
        # A savepoint: a reference registered before (or by someone else just now) is refused by
        # the unique index, only the insert is undone and the existing case can still be read
        # (no read beforehand: a duplicate is rare, every registration would pay for it).
        with db.session.begin_nested():
            db.session.add(case)
            db.session.flush()
    except sa.exc.IntegrityError:
        existing = find_case(data.reference)
        if existing:
            raise DuplicateCase(existing) from None
        raise
    record("case:created", case, f"case {case.reference} registered", actor=actor, kind=case.kind, subject=case.subject)
    follower().on_case_saved(case, actor, "case registered")
    if case.status == CaseStatus.assigned:
        case_assigned.send(case, drafter=case.drafter, directorate=case.lead_directorate, actor=actor)
    return case


def _apply_relations(case: Case, data: CaseInput) -> dict[str, tuple[Any, Any]]:
    changes: dict[str, tuple[Any, Any]] = {}
    for name in _RELATION_FIELDS:
        value = getattr(data, name)
        if value is ...:
            continue
        before = getattr(case, name)
        if before is not value:
            changes[name] = (_label(before), _label(value))
            setattr(case, name, value)
    return changes


def _label(obj: Any) -> Any:
    if obj is None:
        return None
    for attr in ("reference", "code", "username", "office_title", "name"):
        if hasattr(obj, attr):
            return getattr(obj, attr)
    return str(obj)


def update_case(case: Case, data: CaseInput, *, expected_version: int, actor: User | None = None) -> Case:
    """Apply an edit made on ``expected_version``; a stale version raises ``StaleCase``."""
    if expected_version != case.version:
        raise StaleCase(case)
    _check_edit(case, data)
    changes = _apply_edit(case, data)
    if not changes:
        return case
    assigned_now = case.status == CaseStatus.registered and bool(case.drafter or case.lead_directorate)
    if assigned_now:
        # A system move of the workflow table, recorded as part of this edit.
        assert is_system_move(case.status, CaseStatus.assigned)
        changes["status"] = (case.status, CaseStatus.assigned)
        case.status = CaseStatus.assigned
    case.search_text = _search_text(case)
    # Someone saving the same version at the same moment makes this flush raise StaleDataError;
    # the edge rolls back and answers with a conflict.
    db.session.flush()
    record("case:updated", case, f"case {case.reference} edited: {', '.join(sorted(changes))}", actor=actor, changes=changes)
    follower().on_case_saved(case, actor, f"case edited: {', '.join(sorted(changes))}")
    if assigned_now:
        case_status_changed.send(case, before=CaseStatus.registered, after=CaseStatus.assigned, actor=actor, reason="case edited")
    if {"drafter", "lead_directorate"} & set(changes) and (case.drafter or case.lead_directorate):
        case_assigned.send(case, drafter=case.drafter, directorate=case.lead_directorate, actor=actor)
    return case


def _check_edit(case: Case, data: CaseInput) -> None:
    """Refuse an edit with invalid fields, or with a reference another case has."""
    kind = data.kind or case.kind
    errors = _validate(data, kind, creating=False, case=case)
    if not data.given("reference") and data.kind and data.kind != case.kind:
        # Changing the kind must still leave a reference that fits it.
        try:
            references.validate(case.reference, kind.value)
        except references.ReferenceError_ as exc:
            errors["kind"] = exc.message
    if errors:
        raise DomainError(_("The case could not be saved."), errors)
    if data.reference and data.reference != case.reference:
        other = find_case(data.reference)
        if other is not None and other.id != case.id:
            raise DuplicateCase(other)


def _apply_edit(case: Case, data: CaseInput) -> dict[str, tuple[Any, Any]]:
    """Set what the edit gives; returns field -> (before, after) of what changed."""
    changes: dict[str, tuple[Any, Any]] = {}
    for name in _SIMPLE_FIELDS:
        if not data.given(name):
            continue
        value = getattr(data, name)
        if name in ("dossier",):
            value = value or None
        if name == "subject":
            value = value.strip()
        before = getattr(case, name)
        if before != value:
            changes[name] = (before, value)
            setattr(case, name, value)
    for name in _DATE_FIELDS:
        if data.given(name) and getattr(case, name) != getattr(data, name):
            changes[name] = (getattr(case, name), getattr(data, name))
            setattr(case, name, getattr(data, name))
    changes.update(_apply_relations(case, data))
    if data.members is not None and list(data.members) != list(case.members):
        changes["members"] = ([m.label for m in case.members], [m.label for m in data.members])
        case.members = list(data.members)
    if data.questions_text is not None and data.questions_text.strip():
        before_q = [q.text for q in case.questions]
        _replace_questions(case, data.questions_text)
        after_q = [q.text for q in case.questions]
        if before_q != after_q:
            changes["questions"] = (len(before_q), len(after_q))
    return changes


def _replace_questions(case: Case, text: str) -> None:
    pairs = split_questions(text)
    existing = {q.number: q for q in case.questions}
    keep: list[Question] = []
    for number, question_text in pairs:
        q = existing.get(number)
        if q is None:
            q = Question(number=number, text=question_text)
        else:
            q.text = question_text
        keep.append(q)
    case.questions = keep


def set_questions(case: Case, items: Sequence[tuple[int, str]], *, expected_version: int, actor: User | None = None) -> None:
    """Save corrected questions (number, text); empty texts drop that question."""
    if expected_version != case.version:
        raise StaleCase(case)
    numbers = [n for n, t in items if t.strip()]
    if len(set(numbers)) != len(numbers):
        raise DomainError(_("Each question needs its own number."), {"questions": _("Each question needs its own number.")})
    if any(n < 1 for n in numbers):
        raise DomainError(_("Question numbers start at 1."), {"questions": _("Question numbers start at 1.")})
    existing = {q.number: q for q in case.questions}
    before = [(q.number, q.text) for q in case.questions]
    new: list[Question] = []
    for number, text in sorted(items):
        if not text.strip():
            continue
        q = existing.get(number) or Question(number=number, text="")
        q.text = text.strip()
        new.append(q)
    case.questions = new
    after = [(q.number, q.text) for q in new]
    if before != after:
        case.search_text = _search_text(case)
        case.updated_at = case.updated_at  # marks the row dirty so the version increments
        db.session.flush()
        record("case:questions_set", case, f"questions of {case.reference} corrected", actor=actor, count=len(new))


def add_attachment(case: Case, filename: str, data: bytes, *, max_bytes: int, actor: User | None = None) -> Attachment:
    """Keep an incoming PDF or DOCX with the case after checking it is what it claims to be."""
    content_type, safe_name = check_attachment(filename, data, max_bytes=max_bytes)
    attachment = Attachment(
        case=case,
        filename=safe_name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        uploaded_by=actor,
    )
    db.session.add(attachment)
    db.session.flush()
    record("case:attachment_added", case, f"{safe_name} attached to {case.reference}", actor=actor, filename=safe_name, sha256=attachment.sha256)
    return attachment
