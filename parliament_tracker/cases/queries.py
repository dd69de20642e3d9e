"""Finding cases: full-text search, filters, sorting and pagination as one query builder."""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa

from parliament_tracker.cases.models import Case, CaseKind, case_members
from parliament_tracker.cases.workflow import CLOSED, CaseStatus
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Member

SORTS = {
    "received_desc": (Case.received_on.desc(), Case.id.desc()),
    "received_asc": (Case.received_on.asc(), Case.id.asc()),
    "reference": (Case.reference.asc(),),
    "reference_desc": (Case.reference.desc(),),
    "subject": (Case.subject.asc(), Case.id.asc()),
    "status": (Case.status.asc(), Case.received_on.desc(), Case.id.desc()),
    # the binding deadline (denormalised on the case), cases without one last
    "due": (Case.practical_due_on.is_(None), Case.practical_due_on.asc(), Case.id.asc()),
}
DEFAULT_SORT = "received_desc"


@dataclasses.dataclass
class CaseFilter:
    q: str = ""
    kind: CaseKind | None = None
    status: CaseStatus | None = None
    #: "open" or "closed" as a group, besides one exact status
    state: str | None = None
    directorate_id: int | None = None
    drafter_id: int | None = None
    committee_id: int | None = None
    party_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = 50


def _like_terms(q: str) -> list[str]:
    terms = [t for t in q.lower().split() if t]
    return ["%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for t in terms[:8]]


def filtered(f: CaseFilter) -> sa.Select[tuple[Case]]:
    stmt = sa.select(Case)
    for pattern in _like_terms(f.q):
        stmt = stmt.where(Case.search_text.like(pattern, escape="\\"))
    if f.kind:
        stmt = stmt.where(Case.kind == f.kind)
    if f.status:
        stmt = stmt.where(Case.status == f.status)
    elif f.state == "open":
        stmt = stmt.where(Case.status.not_in(list(CLOSED)))
    elif f.state == "closed":
        stmt = stmt.where(Case.status.in_(list(CLOSED)))
    if f.directorate_id:
        stmt = stmt.where(Case.lead_directorate_id == f.directorate_id)
    if f.drafter_id:
        stmt = stmt.where(Case.drafter_id == f.drafter_id)
    if f.committee_id:
        stmt = stmt.where(Case.committee_id == f.committee_id)
    if f.party_id:
        stmt = stmt.where(
            sa.exists()
            .where(case_members.c.case_id == Case.id)
            .where(case_members.c.member_id == Member.id)
            .where(Member.party_id == f.party_id)
        )
    if f.received_from:
        stmt = stmt.where(Case.received_on >= f.received_from)
    if f.received_to:
        stmt = stmt.where(Case.received_on <= f.received_to)
    return stmt


def search(f: CaseFilter) -> tuple[list[Case], int]:
    base = filtered(f)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.order_by(None).subquery())) or 0
    order = SORTS.get(f.sort, SORTS[DEFAULT_SORT])
    page = max(1, f.page)
    items = db.session.scalars(base.order_by(*order).limit(f.per_page).offset((page - 1) * f.per_page)).all()
    return list(items), total


def iterate_all(f: CaseFilter, batch: int = 1000):
    """Every matching case in sort order, fetched in batches (CSV export)."""
    order = SORTS.get(f.sort, SORTS[DEFAULT_SORT])
    stmt = filtered(f).order_by(*order).execution_options(yield_per=batch)
    yield from db.session.scalars(stmt)
