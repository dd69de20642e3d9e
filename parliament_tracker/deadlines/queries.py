"""Read-side queries over stored deadlines: calendar ranges, dashboard lists, statistics."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager, joinedload, lazyload

from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import OPEN, CaseStatus
from parliament_tracker.db import unindexed
from parliament_tracker.deadlines import lateness
from parliament_tracker.deadlines.models import Deadline, Event
from parliament_tracker.deadlines.rules import ANSWER_KINDS, DeadlineKind
from parliament_tracker.deadlines.services import unit_rule_context
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate

#: the date that counts for a deadline: a director's override, else the practical date
EFFECTIVE = sa.func.coalesce(Deadline.overridden_due_on, Deadline.practical_due_on)


#: load the case's columns only: its members, questions and related rows are not needed for a
#: list of dates (many-to-ones come from the identity map if a page asks for them after all)
CASE_LIGHT = (contains_eager(Deadline.case).lazyload("*"), lazyload(Deadline.overridden_by))


def effective_between(start: dt.date, end: dt.date) -> Any:
    """Deadlines whose effective date (override, else practical date) lies in [start, end]."""
    # Two indexable predicates instead of one over coalesce(), which no index serves.
    return sa.or_(
        sa.and_(Deadline.overridden_due_on.is_(None), Deadline.practical_due_on.between(start, end)),
        Deadline.overridden_due_on.between(start, end),
    )


def _case_filters(
    directorate_id: Any, drafter_id: Any, open_only: bool = False, *, dates_first: bool = False
) -> list[Any]:
    """The case-side conditions every list shares: lead directorate, drafter, open cases only
    (an id, None for any, or a bound parameter).

    ``dates_first``: the query starts from a range of deadline dates, joined to the cases.
    On SQLite the directorate and drafter are then compared ``unindexed``, so the planner
    does not start from the directorate's cases instead: without table statistics it did,
    reading every deadline of 20,000 cases to keep a month's 5,000 (80 ms against 15).
    PostgreSQL plans from its statistics and is faster left alone.

    The open statuses are always an ``unindexed`` IN: followed by a range of dates on an
    index (status, date), SQLite's IN-scan returned rows outside the range (see ``unindexed``).
    Counts that should come from the index go status by status (``_count_cases``).
    """
    where: list[Any] = []
    if directorate_id is not None:
        where.append((unindexed(Case.lead_directorate_id) if dates_first else Case.lead_directorate_id) == directorate_id)
    if drafter_id is not None:
        where.append((unindexed(Case.drafter_id) if dates_first else Case.drafter_id) == drafter_id)
    if open_only:
        where.append(unindexed(Case.status).in_(OPEN))
    return where


def _count_cases(where: list[Any], statuses: Iterable[CaseStatus] | None = None) -> int:
    """How many cases match ``where`` and (when given) have one of ``statuses``.

    The statuses are counted one by one and summed in one statement: each count is a seek on
    an index (…, status, date) with an equality, where "status IN (...)" could take SQLite's
    faulty IN-scan (``unindexed``) and, written as a filter, would read the rows instead.
    """
    if statuses is None:
        return db.session.scalar(db.select(sa.func.count()).select_from(Case).where(*where)) or 0
    parts = [db.select(sa.func.count().label("n")).select_from(Case).where(*where, Case.status == s) for s in statuses]
    counts = sa.union_all(*parts).subquery()
    return int(db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(counts.c.n), 0))) or 0)


def _binding_in(start: Any, end: Any) -> Any:
    """The case's binding date in [start, end]; no lower bound when ``start`` is None."""
    return Case.practical_due_on <= end if start is None else Case.practical_due_on.between(start, end)


def binding_between(
    start: dt.date | None,
    end: dt.date,
    *,
    directorate_id: int | None = None,
    drafter_id: int | None = None,
    open_only: bool = True,
    limit: int | None = None,
    count: bool = True,
    case_ids: set[int] | None = None,
    offset: int = 0,
) -> tuple[list[Deadline], int]:
    """Binding deadlines by the case's denormalised date (index on cases.practical_due_on),
    with the total count (-1 when ``count`` is False); faster than a join from deadlines.
    ``case_ids``: only these cases, chosen by the caller by the same conditions (not applied again)."""
    where = [_binding_in(start, end), *_case_filters(directorate_id, drafter_id, open_only)]
    if count:
        total = _count_cases([_binding_in(start, end), *_case_filters(directorate_id, drafter_id)], OPEN if open_only else None)
    else:
        total = -1
    # Two steps: the case ids from the cases index first (a join lets SQLite start from the
    # deadlines index and sort tens of thousands of rows), then their binding deadline rows.
    if case_ids is not None:
        # Only these cases (a few hundred at most), which the caller chose by the same
        # conditions, in date order: by primary key alone. With the range and directorate
        # repeated, PostgreSQL's generic plan for the prepared statement (psycopg prepares it
        # from its sixth run) took 2.3 ms CPU against 0.3 at 100,000 cases.
        ids = db.select(Case.id).where(Case.id.in_(case_ids)).order_by(Case.practical_due_on, Case.reference)
    elif open_only and limit and not offset:
        ids = _first_open_cases(start, end, directorate_id, drafter_id, limit)
    else:
        ids = db.select(Case.id).where(*where).order_by(Case.practical_due_on, Case.reference)
        if limit:
            ids = ids.limit(limit).offset(offset)
    found_ids = list(db.session.scalars(ids))
    if not found_ids:
        return [], total
    # Their binding rows through the partial index ix_deadlines_binding_case_id (one entry per
    # case; "is_binding" written as that index's condition). Before it, SQLite took the
    # (is_binding, date) index for this condition and scanned, so the rows came through
    # (case_id, kind) with the binding one picked here, which it still is.
    binding: dict[int, Deadline] = {}
    for i in range(0, len(found_ids), 1000):
        chunk = found_ids[i : i + 1000]
        query = (
            db.select(Deadline)
            .join(Deadline.case)
            .options(*CASE_LIGHT)
            .where(Deadline.case_id.in_(chunk), Deadline.kind.in_(sorted(ANSWER_KINDS)), Deadline.is_binding)
        )
        binding.update((d.case_id, d) for d in db.session.scalars(query).unique() if d.is_binding)
    return [binding[i] for i in found_ids if i in binding], total


def _first_open_cases(start: Any, end: Any, directorate_id: Any, drafter_id: Any, limit: int) -> Any:
    """The ids of the first ``limit`` open cases by binding date in [start, end].

    One seek per open status on (status, practical_due_on), each stopping after ``limit``
    rows, merged: "status IN (...) ORDER BY date LIMIT n" as one query sorts every open case
    in the range first (for the overdue list, tens of thousands in a large register).
    """
    order = (Case.practical_due_on, Case.reference)
    parts = [
        db.select(Case.id, *order)
        .where(_binding_in(start, end), Case.status == status, *_case_filters(directorate_id, drafter_id))
        .order_by(*order)
        .limit(limit)
        .subquery()
        for status in OPEN
    ]
    merged = sa.union_all(*(sa.select(part) for part in parts)).subquery()
    return sa.select(merged.c.id).order_by(merged.c.practical_due_on, merged.c.reference).limit(limit)


def overdue(today: dt.date, *, directorate_id: int | None = None, limit: int = 100) -> tuple[list[Deadline], int]:
    """Binding deadlines of open cases whose date has passed, oldest first, and how many."""
    return binding_between(None, today - dt.timedelta(days=1), directorate_id=directorate_id, limit=limit)


def capped_per_day(
    start: dt.date,
    end: dt.date,
    per_day: int,
    *,
    directorate_id: int | None = None,
    drafter_id: int | None = None,
    kinds: Iterable[DeadlineKind] | None = None,
    binding_only: bool = False,
) -> tuple[list[Deadline], dict[dt.date, int]]:
    """At most ``per_day`` deadlines per date (by case reference) and the full count per date.

    A month grid over a large register would otherwise load and render thousands of entries;
    the cell shows the first few and says how many more there are.
    """
    if binding_only and not kinds:
        # The binding date is denormalised on the case (open and closed cases, as the calendar shows both).
        where = [Case.practical_due_on.between(start, end), *_case_filters(directorate_id, drafter_id)]
        # Four small statements: as one (the ranks joined to the deadlines) SQLite took 55 ms
        # against 1 at 100,000 cases.
        totals: dict[dt.date, int] = dict(
            db.session.execute(
                db.select(Case.practical_due_on, sa.func.count()).where(*where).group_by(Case.practical_due_on)
            ).tuples().all()
        )
        ranked = (
            db.select(
                Case.id.label("case_id"),
                sa.func.row_number()
                .over(partition_by=Case.practical_due_on, order_by=Case.reference)
                .label("rank"),
            )
            .where(*where)
            .subquery()
        )
        case_ids = set(db.session.scalars(db.select(ranked.c.case_id).where(ranked.c.rank <= per_day)))
        rows, _total = binding_between(
            start, end, directorate_id=directorate_id, drafter_id=drafter_id, open_only=False, count=False, case_ids=case_ids
        )
        return rows, totals
    # One pass over the joined rows: each deadline's rank within its date (by case reference)
    # and its date's count, ranked in the database; only the first ``per_day`` of each date
    # come back (the count rides along on them), not every deadline of the range in order.
    day = EFFECTIVE.label("day")
    ranked = (
        db.select(
            Deadline.id.label("deadline_id"),
            day,
            sa.func.row_number().over(partition_by=EFFECTIVE, order_by=(Case.reference, Deadline.kind)).label("rank"),
            sa.func.count().over(partition_by=EFFECTIVE).label("day_total"),
        )
        .join(Deadline.case)
        .where(*_deadline_filters(start, end, directorate_id, drafter_id, kinds, binding_only))
        .subquery()
    )
    shown: list[int] = []
    totals = {}
    for deadline_id, on, total in db.session.execute(
        db.select(ranked.c.deadline_id, ranked.c.day, ranked.c.day_total).where(ranked.c.rank <= per_day)
    ).tuples():
        shown.append(deadline_id)
        totals[dt.date.fromisoformat(on) if isinstance(on, str) else on] = total
    return _load_deadlines(shown), totals


def paged_between(
    start: dt.date,
    end: dt.date,
    *,
    page: int,
    per_page: int,
    directorate_id: int | None = None,
    drafter_id: int | None = None,
    kinds: Iterable[DeadlineKind] | None = None,
    binding_only: bool = False,
) -> tuple[list[Deadline], int]:
    """One page (from 1) of the deadlines in [start, end] in date order, and how many there are.

    The agenda and the calendar API: six weeks of every deadline kind in a large register are
    tens of thousands of rows, more than anyone reads on one page.
    """
    offset = (page - 1) * per_page
    if binding_only and not kinds:
        return binding_between(
            start, end, directorate_id=directorate_id, drafter_id=drafter_id, open_only=False, limit=per_page, offset=offset
        )
    where = _deadline_filters(start, end, directorate_id, drafter_id, kinds, binding_only)
    per_day = _count_per_day(where, directorate_id, drafter_id)
    total = sum(n for _day, n in per_day)
    # The days that hold rows offset .. offset + per_page - 1, from the counts per day: only
    # their rows are joined and sorted, not every deadline of the six weeks.
    seen = skip = 0
    first = last = None
    for day, n in per_day:
        if seen + n > offset:
            if first is None:
                first, skip = day, offset - seen
            last = day
            if seen + n >= offset + per_page:
                break
        seen += n
    if first is None or last is None:
        return [], total
    ids = db.session.scalars(
        db.select(Deadline.id)
        .join(Deadline.case)
        .where(*_deadline_filters(first, last, directorate_id, drafter_id, kinds, binding_only))
        .order_by(EFFECTIVE, Case.reference, Deadline.kind)
        .limit(per_page)
        .offset(skip)
    )
    return _load_deadlines(list(ids)), total


def _count_per_day(where: list[Any], directorate_id: int | None, drafter_id: int | None) -> list[tuple[dt.date, int]]:
    """(effective date, number of deadlines) for each date with matches, in date order.

    Without a directorate or drafter the cases are not joined: the counts come from the
    index (overridden_due_on, practical_due_on, case_id) alone."""
    query = db.select(EFFECTIVE, sa.func.count()).select_from(Deadline)
    if directorate_id is not None or drafter_id is not None:
        query = query.join(Deadline.case)
    rows = db.session.execute(query.where(*where).group_by(EFFECTIVE).order_by(EFFECTIVE)).tuples()
    return [(dt.date.fromisoformat(day) if isinstance(day, str) else day, n) for day, n in rows]


def _deadline_filters(
    start: dt.date,
    end: dt.date,
    directorate_id: int | None,
    drafter_id: int | None,
    kinds: Iterable[DeadlineKind] | None,
    binding_only: bool,
) -> list[Any]:
    """The conditions of a range of deadlines: dates, binding or kinds, directorate, drafter."""
    where = [_effective_range(start, end)]
    if binding_only:
        where.append(Deadline.is_binding.is_(True))
    if kinds:
        where.append(Deadline.kind.in_(list(kinds)))
    return where + _case_filters(directorate_id, drafter_id, dates_first=True)


def _effective_range(start: dt.date, end: dt.date) -> Any:
    """The effective date in [start, end] as the current database reads it fastest.

    PostgreSQL: one range of the expression index ix_deadlines_effective (effective date,
    kind, case id, binding, id; the two dates included), read in date order from the index
    alone. The two-range form below took a bitmap scan of every deadline row of the range
    (5,000 heap pages for a month at 100,000 cases) and a sort by date. SQLite (3.40) cannot
    read an expression index as covering and keeps the two indexable ranges."""
    if db.session.get_bind().dialect.name == "postgresql":
        return EFFECTIVE.between(start, end)
    return effective_between(start, end)


def _load_deadlines(ids: list[int]) -> list[Deadline]:
    """These deadlines with their case, in display order."""
    rows: list[Deadline] = []
    for i in range(0, len(ids), 1000):
        query = db.select(Deadline).join(Deadline.case).options(*CASE_LIGHT).where(Deadline.id.in_(ids[i : i + 1000]))
        rows += db.session.scalars(query).unique()
    rows.sort(key=lambda d: (d.effective_due_on, d.case.reference, d.kind.value))
    return rows


def events_by_day(start: dt.date, end: dt.date) -> dict[dt.date, list[Event]]:
    """The events (debates, recesses) on each day of [start, end], by start date; an event
    of several days is listed on each of its days in the range."""
    events = db.session.scalars(
        db.select(Event)
        .where(Event.starts_on <= end, sa.func.coalesce(Event.ends_on, Event.starts_on) >= start)
        .order_by(Event.starts_on)
    )
    by_day: dict[dt.date, list[Event]] = {}
    for ev in events:
        last = min(ev.ends_on or ev.starts_on, end)
        d = max(ev.starts_on, start)
        while d <= last:
            by_day.setdefault(d, []).append(ev)
            d += dt.timedelta(days=1)
    return by_day


# -- the director's dashboard ---------------------------------------------------------------------


def _quarter(d: dt.date) -> str:
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


#: (today, directorate, quarters) -> (computed at, rows): the chart covers whole quarters of
#: answered cases and changes slowly, while computing it reads every answer of the last year
_TIMELINESS_CACHE: dict[tuple[dt.date, int | None, int], tuple[float, list[dict[str, Any]]]] = {}
TIMELINESS_CACHE_SECONDS = 300


def timeliness(today: dt.date, *, quarters: int = 4, directorate_id: int | None = None) -> list[dict[str, Any]]:
    """Per directorate and quarter, cached for a few minutes per worker (see _TIMELINESS_CACHE)."""
    key = (today, directorate_id, quarters)
    hit = _TIMELINESS_CACHE.get(key)
    if hit is not None and time.monotonic() - hit[0] < TIMELINESS_CACHE_SECONDS and not current_app.testing:
        return hit[1]
    rows = compute_timeliness(today, quarters=quarters, directorate_id=directorate_id)
    if len(_TIMELINESS_CACHE) > 256:
        _TIMELINESS_CACHE.clear()
    _TIMELINESS_CACHE[key] = (time.monotonic(), rows)
    return rows


def compute_timeliness(today: dt.date, *, quarters: int = 4, directorate_id: int | None = None) -> list[dict[str, Any]]:
    """Per directorate and quarter (of the answer date): answered within the term, median days."""
    first_month = ((today.month - 1) // 3) * 3 + 1
    since = dt.date(today.year, first_month, 1)
    for _i in range(quarters - 1):
        since = (since - dt.timedelta(days=1)).replace(day=1)
        since = since.replace(month=((since.month - 1) // 3) * 3 + 1)
    query = (
        db.select(Directorate.code, Case.received_on, Case.answered_on, Case.practical_due_on)
        .join(Directorate, Case.lead_directorate_id == Directorate.id)
        .where(Case.answered_on.is_not(None), Case.answered_on >= since)
    )
    if directorate_id is not None:
        query = query.where(Case.lead_directorate_id == directorate_id)
    groups: dict[tuple[str, str], list[tuple[int, bool]]] = {}
    for code, received, answered, due in db.session.execute(query):
        in_time = due is None or answered <= due
        groups.setdefault((code, _quarter(answered)), []).append(((answered - received).days, in_time))
    rows = []
    for (code, quarter), items in sorted(groups.items()):
        days = sorted(n for n, _t in items)
        mid = len(days) // 2
        median = days[mid] if len(days) % 2 else (days[mid - 1] + days[mid]) / 2
        share = sum(1 for _n, t in items if t) / len(items)
        rows.append({"directorate": code, "quarter": quarter, "count": len(items), "share": share, "percent": round(share * 100), "median": median})
    return rows


def awaiting_approval(directorate_id: int | None, limit: int = 100) -> list[Case]:
    """Cases in review, soonest binding date first, those without a date last.

    Two index walks on (status, practical_due_on) rather than one "ORDER BY date IS NULL,
    date", which no index serves and which sorted every case in review.
    """
    query = db.select(Case).where(Case.status == CaseStatus.in_review).options(lazyload("*"), joinedload(Case.drafter))
    if directorate_id is not None:
        query = query.where(Case.lead_directorate_id == directorate_id)
    dated = list(
        db.session.scalars(query.where(Case.practical_due_on.is_not(None)).order_by(Case.practical_due_on, Case.id).limit(limit))
    )
    if len(dated) < limit:
        dated += db.session.scalars(query.where(Case.practical_due_on.is_(None)).order_by(Case.id).limit(limit - len(dated)))
    return dated


def monday_list_preview(today: dt.date, directorate_id: int | None, limit: int = 200) -> tuple[list[Case], int]:
    """Open written questions that will be on the Kamer's Monday overview of late answers.

    The same condition as ``lateness.monday_late_list``, in SQL so it scales: on the list when
    the Monday is after received + term, where the term is the long one if the postponement
    notice went out on or before that Monday.
    """
    settings = unit_rule_context().settings  # the one the page's other lists read
    monday = lateness.next_monday(today)
    regular = monday - dt.timedelta(days=settings.written_questions_term_days)
    long = monday - dt.timedelta(days=settings.postponement_term_days)
    where = [
        Case.kind == CaseKind.written_questions,
        Case.received_on < regular,
        sa.or_(Case.postponed_on.is_(None), Case.postponed_on > monday, Case.received_on < long),
    ]
    if directorate_id is not None:
        where.append(Case.lead_directorate_id == directorate_id)
    total = _count_cases(where, OPEN)
    # The open statuses unindexed: as an IN on the index (directorate, kind, status,
    # received_on) SQLite listed questions received after the bound (see ``unindexed``).
    query = db.select(Case).where(*where, unindexed(Case.status).in_(OPEN))
    items = db.session.scalars(query.options(lazyload("*")).order_by(Case.received_on, Case.id).limit(limit)).all()
    return list(items), total


# -- the dashboard in five statements ---------------------------------------------------------------

#: how many rows each of the dashboard's lists shows (its heading gives the full count)
DASHBOARD_OVERDUE = 100
DASHBOARD_WEEK = 200
DASHBOARD_MONDAY = 200


def _open_count(where: list[Any]) -> Any:
    """How many open cases match ``where``, as a column expression: one scalar count per open
    status added up (each a seek on an index (…, status, date); see ``_count_cases``)."""
    parts = [db.select(sa.func.count()).select_from(Case).where(*where, Case.status == s).scalar_subquery() for s in OPEN]
    total = parts[0]
    for part in parts[1:]:
        total = total + part
    return total


def _monday_where(directorate: Any) -> list[Any]:
    """``monday_list_preview``'s condition with its dates as parameters (monday, regular, long)."""
    where = [
        Case.kind == CaseKind.written_questions,
        Case.received_on < sa.bindparam("regular", type_=sa.Date),
        sa.or_(
            Case.postponed_on.is_(None),
            Case.postponed_on > sa.bindparam("monday", type_=sa.Date),
            Case.received_on < sa.bindparam("long", type_=sa.Date),
        ),
    ]
    if directorate is not None:
        where.append(Case.lead_directorate_id == directorate)
    return where


#: (by directorate) -> (counts, case ids, their deadlines, Monday list): built once per worker with parameters for
#: the dates and the directorate; building these unions anew was a third of the request's CPU
_DASHBOARD_STATEMENTS: dict[bool, tuple[Any, Any, Any, Any]] = {}


def _dashboard_statements(by_directorate: bool) -> tuple[Any, Any, Any, Any]:
    hit = _DASHBOARD_STATEMENTS.get(by_directorate)
    if hit is not None:
        return hit
    directorate = sa.bindparam("directorate", type_=sa.Integer) if by_directorate else None
    yesterday, today, week_end = (sa.bindparam(n, type_=sa.Date) for n in ("yesterday", "today", "week_end"))
    overdue_where = [_binding_in(None, yesterday), *_case_filters(directorate, None)]
    week_where = [_binding_in(today, week_end), *_case_filters(directorate, None)]
    monday_where = _monday_where(directorate)
    counts = sa.select(
        _open_count(overdue_where).label("overdue"),
        _open_count(week_where).label("week"),
        _open_count(monday_where).label("monday"),
    )
    # The first open cases of each list (``_first_open_cases``), list by list: as one union
    # of the two, SQLite took 7 ms against 2 at 100,000 cases.
    ids = (
        _first_open_cases(None, yesterday, directorate, None, DASHBOARD_OVERDUE),
        _first_open_cases(today, week_end, directorate, None, DASHBOARD_WEEK),
    )
    # Their answer deadlines by case id (an index seek each), the binding one picked in Python
    # (see ``binding_between``); joined to the ids' query, SQLite started from the deadlines
    # instead (12 ms against 2 at 100,000 cases).
    entries = (
        sa.select(
            Deadline.case_id,
            Deadline.kind,
            Deadline.is_binding,
            Deadline.practical_due_on,
            Deadline.overridden_due_on,
            Case.reference,
            Case.subject,
            Case.status,
            Case.postponed_on,
        )
        .join(Deadline.case)
        .where(
            Deadline.case_id.in_(sa.bindparam("ids", expanding=True)),
            Deadline.kind.in_(sorted(ANSWER_KINDS)),
            # the partial index ix_deadlines_binding_case_id: written as that index's condition
            # (PostgreSQL "is_binding", SQLite "is_binding = 1"), so both planners can use it
            Deadline.is_binding,
        )
    )
    # The open statuses unindexed, as in ``monday_list_preview``.
    monday = (
        sa.select(Case.reference, Case.subject, Case.received_on, Case.postponed_on)
        .where(*monday_where, unindexed(Case.status).in_(OPEN))
        .order_by(Case.received_on, Case.id)
        .limit(DASHBOARD_MONDAY)
    )
    _DASHBOARD_STATEMENTS[by_directorate] = (counts, ids, entries, monday)
    return counts, ids, entries, monday


def dashboard(today: dt.date, week_end: dt.date, directorate_id: int | None) -> dict[str, Any]:
    """The dashboard's lists and their counts in five statements: the same rows and counts as
    ``overdue``, ``binding_between(today, week_end)`` and ``monday_list_preview`` (which the API
    and the worklist use), as column rows: a deadline row carries its case's reference, subject,
    status and postponement date, a Monday row its case's reference, subject and dates."""
    settings = unit_rule_context().settings  # the one the page's other lists read
    monday = lateness.next_monday(today)
    params: dict[str, Any] = {
        "yesterday": today - dt.timedelta(days=1),
        "today": today,
        "week_end": week_end,
        "monday": monday,
        "regular": monday - dt.timedelta(days=settings.written_questions_term_days),
        "long": monday - dt.timedelta(days=settings.postponement_term_days),
    }
    if directorate_id is not None:
        params["directorate"] = directorate_id
    counts, ids, entries, monday_list = _dashboard_statements(directorate_id is not None)
    overdue_total, week_total, monday_total = db.session.execute(counts, params).one()
    listed = [list(db.session.scalars(query, params)) for query in ids]
    wanted = [case_id for found in listed for case_id in found]
    binding: dict[int, Any] = {}
    if wanted:
        rows = db.session.execute(entries, {"ids": wanted})
        binding = {row.case_id: row for row in rows if row.is_binding}
    lists = [[binding[case_id] for case_id in found if case_id in binding] for found in listed]
    return {
        "overdue": lists[0],
        "overdue_total": int(overdue_total or 0),
        "week": lists[1],
        "week_total": int(week_total or 0),
        "monday": monday,
        "monday_list": db.session.execute(monday_list, params).all(),
        "monday_total": int(monday_total or 0),
    }
