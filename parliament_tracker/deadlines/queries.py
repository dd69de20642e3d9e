"""Read-side queries over stored deadlines: calendar ranges, dashboard lists, statistics."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, lazyload

from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CLOSED
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.deadlines.rules import DeadlineKind
from parliament_tracker.extensions import db

#: the date that counts for a deadline: a director's override, else the practical date
EFFECTIVE = sa.func.coalesce(Deadline.overridden_due_on, Deadline.practical_due_on)


#: load the case's columns only: its members, questions and related rows are not needed for a
#: list of dates (many-to-ones come from the identity map if a page asks for them after all)
CASE_LIGHT = (contains_eager(Deadline.case).lazyload("*"), lazyload(Deadline.overridden_by))


def _in_range(start: dt.date, end: dt.date) -> Any:
    # Two indexable predicates instead of one over coalesce(), which no index serves.
    return sa.or_(
        sa.and_(Deadline.overridden_due_on.is_(None), Deadline.practical_due_on.between(start, end)),
        Deadline.overridden_due_on.between(start, end),
    )


def deadlines_between(
    start: dt.date,
    end: dt.date,
    *,
    directorate_id: int | None = None,
    drafter_id: int | None = None,
    kinds: Iterable[DeadlineKind] | None = None,
    binding_only: bool = False,
    open_only: bool = False,
    limit: int | None = None,
) -> list[Deadline]:
    """Deadlines whose effective date lies in [start, end], with their case loaded, by date."""
    query = (
        db.select(Deadline)
        .join(Deadline.case)
        .options(*CASE_LIGHT)
        .where(_in_range(start, end))
    )
    if binding_only:
        query = query.where(Deadline.is_binding.is_(True))
    if kinds:
        query = query.where(Deadline.kind.in_(list(kinds)))
    if directorate_id is not None:
        query = query.where(Case.lead_directorate_id == directorate_id)
    if drafter_id is not None:
        query = query.where(Case.drafter_id == drafter_id)
    if open_only:
        query = query.where(Case.status.not_in(list(CLOSED)))
    query = query.order_by(EFFECTIVE, Case.reference, Deadline.kind)
    if limit:
        query = query.limit(limit)
    return list(db.session.scalars(query).unique())


def overdue(today: dt.date, *, directorate_id: int | None = None, limit: int = 200) -> list[Deadline]:
    """Binding deadlines of open cases whose date has passed."""
    return deadlines_between(dt.date(1990, 1, 1), today - dt.timedelta(days=1), directorate_id=directorate_id, binding_only=True, open_only=True, limit=limit)
