"""Per-question assignment of written questions: each question's own directorate and drafter.

A question without its own (``None``) follows the case's lead directorate and drafter; giving
it the case's own is the same as giving none (it keeps following the case). A drafter must be
an enabled drafter or director of the question's directorate (its own, else the case's). Like
every service: takes the actor, writes one audit entry per question changed, never commits.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from flask_babel import gettext as _

from parliament_tracker import signals
from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.models import Case, Question
from parliament_tracker.cases.services import StaleCase
from parliament_tracker.db import now_utc
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate

DRAFTER_ROLES = (Role.drafter, Role.director)


@dataclasses.dataclass(frozen=True)
class Assignment:
    """A question's own directorate and drafter; None: the case's."""

    directorate: Directorate | None = None
    drafter: User | None = None


def effective_directorate(question: Question) -> Directorate | None:
    return question.directorate if question.directorate_id is not None else question.case.lead_directorate


def effective_drafter(question: Question) -> User | None:
    return question.drafter if question.drafter_id is not None else question.case.drafter


def field_name(number: int, part: str) -> str:
    """The form field (and error key) of a question's directorate or drafter."""
    return f"a-{number}-{part}"


def assign_questions(
    case: Case, assignments: Mapping[int, Assignment], *, expected_version: int, actor: User | None
) -> list[Question]:
    """Give questions (by number) their own directorate and drafter; returns those changed."""
    if expected_version != case.version:
        raise StaleCase(case)
    if case.kind != CaseKind.written_questions:
        raise DomainError(_("Only written questions are assigned per question."))
    by_number = {q.number: q for q in case.questions}
    wanted = _wanted(case, by_number, assignments)
    changed = [
        by_number[number]
        for number, (directorate_id, drafter_id) in sorted(wanted.items())
        if _assign(case, by_number[number], directorate_id, drafter_id, actor)
    ]
    if changed:
        case.updated_at = now_utc()  # the case row changes, so its version increments
        db.session.flush()
        own = [q for q in changed if q.drafter_id is not None or q.directorate_id is not None]
        if own:
            signals.questions_assigned.send(case, questions=own, actor=actor)
    return changed


def _wanted(
    case: Case, by_number: Mapping[int, Question], assignments: Mapping[int, Assignment]
) -> dict[int, tuple[int | None, int | None]]:
    """Each question's own (directorate id, drafter id), None where it follows the case; every
    refusal at once, keyed by the question's form field."""
    errors: dict[str, str] = {}
    wanted: dict[int, tuple[int | None, int | None]] = {}
    for number, a in assignments.items():
        question = by_number.get(number)
        if question is None:
            errors[field_name(number, "directorate")] = _("There is no question %(n)s.", n=number)
            continue
        directorate = a.directorate if a.directorate is not None and a.directorate.id != case.lead_directorate_id else None
        within = directorate if directorate is not None else case.lead_directorate
        drafter = a.drafter
        if drafter is not None:
            if not drafter.is_enabled or drafter.role not in DRAFTER_ROLES:
                errors[field_name(number, "drafter")] = _("Choose a drafter or director.")
            elif within is not None and drafter.directorate_id is not None and drafter.directorate_id != within.id:
                errors[field_name(number, "drafter")] = _(
                    "%(name)s is not in %(directorate)s: choose someone of that directorate, or the directorate too.",
                    name=drafter.display_name, directorate=within.code,
                )
            elif drafter.id == case.drafter_id and directorate is None:
                drafter = None  # the case's own drafter: follows the case
        wanted[number] = (directorate.id if directorate else None, drafter.id if drafter else None)
    if errors:
        raise DomainError(_("The assignments could not be saved. Check the questions marked."), errors)
    return wanted


def _assign(case: Case, question: Question, directorate_id: int | None, drafter_id: int | None, actor: User | None) -> bool:
    """Set one question's own directorate and drafter and audit it; False when nothing changes."""
    before = (question.directorate, question.drafter)
    if (question.directorate_id, question.drafter_id) == (directorate_id, drafter_id):
        return False
    new_directorate = db.session.get(Directorate, directorate_id) if directorate_id else None
    new_drafter = db.session.get(User, drafter_id) if drafter_id else None
    question.directorate, question.drafter = new_directorate, new_drafter
    question.directorate_id, question.drafter_id = directorate_id, drafter_id
    shown_directorate = new_directorate or case.lead_directorate
    shown_drafter = new_drafter or case.drafter
    record(
        "case:question_assigned",
        case,
        f"question {question.number} of {case.reference} assigned",
        actor=actor,
        number=question.number,
        changes={
            "directorate": (before[0].code if before[0] else None, new_directorate.code if new_directorate else None),
            "drafter": (before[1].username if before[1] else None, new_drafter.username if new_drafter else None),
        },
        directorate=shown_directorate.code if shown_directorate else None,
        drafter=shown_drafter.display_name if shown_drafter else None,
    )
    return True
