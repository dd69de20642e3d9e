"""Is this step done? The one answer for every deadline kind, in Python and in SQL.

A step is done when the case's status shows it (the case follows its answer letter, see
``letters.approval.cases``): the draft once the letter is in review or awaiting signature, the
approval once it awaits signature, the postponement notice once it was sent, and every step of
a closed case. The signature and the answer dates count as done only when the case is closed
(answered, or no longer needing an answer). Used by the deadline pages and the dashboard
(``deadlines.services.deadline_risk``) and by the reminder and escalation jobs
(``notifications.jobs``), which ask the same question in SQL over many cases at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CLOSED, OPEN, CaseStatus
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.deadlines.rules import DeadlineKind

#: deadline kind -> the open case statuses in which that step is done (closed: every step is)
DONE_WHILE_OPEN: dict[DeadlineKind, frozenset[CaseStatus]] = {
    DeadlineKind.internal_draft: frozenset({CaseStatus.in_review, CaseStatus.awaiting_signature}),
    DeadlineKind.internal_approval: frozenset({CaseStatus.awaiting_signature}),
}


def is_done(kind: DeadlineKind, status: CaseStatus, postponed_on: dt.date | None = None) -> bool:
    """Whether the step of a deadline of ``kind`` is done for a case in ``status``."""
    if status in CLOSED:
        return True
    if kind == DeadlineKind.postponement_notice:
        return postponed_on is not None
    return status in DONE_WHILE_OPEN.get(kind, frozenset())


def _done_while_open() -> Any:
    return sa.or_(
        *(sa.and_(Deadline.kind == kind, Case.status.in_(sorted(statuses))) for kind, statuses in DONE_WHILE_OPEN.items()),
        sa.and_(Deadline.kind == DeadlineKind.postponement_notice, Case.postponed_on.is_not(None)),
    )


def not_done_sql() -> Any:
    """SQL for "this deadline's step has not been done yet", over ``Deadline`` joined to ``Case``
    (``is_done`` in SQL: open cases only)."""
    return sa.and_(Case.status.in_(OPEN), sa.not_(_done_while_open()))


def done_sql() -> Any:
    """SQL for "this deadline's step is done" (the complement of ``not_done_sql``)."""
    return sa.or_(Case.status.in_(sorted(CLOSED)), _done_while_open())
