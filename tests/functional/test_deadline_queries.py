"""The read-side deadline queries agree with a plain reading of every stored row.

The queries take shortcuts for speed (one index seek per open status merged, counting and
capping in Python, column tuples for feeds); these tests check them against the obvious
computation over a few dozen cases built by the factories, with statuses spread over all states and some overrides.
"""

import datetime as dt
import random

import pytest

from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import OPEN, CaseStatus
from parliament_tracker.deadlines import queries
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.deadlines.rules import INTERNAL_KINDS
from tests import factories

TODAY = dt.date(2021, 12, 1)


@pytest.fixture
def spread(app, seed_case, db):
    """The seed case and two dozen varied cases (tests/factories.py), statuses spread over every
    state and some non-binding deadlines overridden (set directly: these tests read the stored
    columns, as the queries do)."""
    with app.app_context():
        factories.varied_cases(24, TODAY)
        db.session.commit()
    rnd = random.Random(20211201)
    cases = db.session.scalars(db.select(Case).order_by(Case.id)).all()
    for case in cases:
        case.status = rnd.choice(list(CaseStatus))
    for d in db.session.scalars(db.select(Deadline).where(Deadline.is_binding.is_(False)).order_by(Deadline.id)).all()[::4]:
        d.overridden_due_on = d.practical_due_on + dt.timedelta(days=rnd.randrange(-6, 7))
        d.override_reason = "test"
    db.session.commit()
    directorates = sorted({c.lead_directorate_id for c in cases if c.lead_directorate_id})
    assert len(cases) > 20 and len(directorates) > 1 and any(c.status not in OPEN for c in cases)
    return db


def _cases(db):
    return db.session.scalars(db.select(Case)).all()


def _deadlines(db):
    return db.session.scalars(db.select(Deadline)).all()


@pytest.mark.parametrize("limit", [1, 3, 500])

def test_overdue_is_the_oldest_open_cases_across_statuses(app, spread, limit):
    db = spread
    with app.test_request_context():
        for directorate_id in (None, *sorted({c.lead_directorate_id for c in _cases(db) if c.lead_directorate_id})):
            rows, total = queries.overdue(TODAY, directorate_id=directorate_id, limit=limit)
            expected = sorted(
                (c for c in _cases(db)
                 if c.status in OPEN and c.practical_due_on and c.practical_due_on < TODAY
                 and directorate_id in (None, c.lead_directorate_id)),
                key=lambda c: (c.practical_due_on, c.reference),
            )
            assert total == len(expected)
            assert [d.case.reference for d in rows] == [c.reference for c in expected[:limit]]
            assert all(d.is_binding for d in rows)
            if directorate_id is None:  # the data has more than the cap, in several statuses
                assert total > 3 and len({c.status for c in expected}) > 1


def test_due_this_week_with_a_limit(app, spread):
    db = spread
    start, end = dt.date(2021, 11, 22), dt.date(2021, 12, 31)
    with app.test_request_context():
        rows, total = queries.binding_between(start, end, limit=2)
        expected = sorted(
            (c for c in _cases(db) if c.status in OPEN and c.practical_due_on and start <= c.practical_due_on <= end),
            key=lambda c: (c.practical_due_on, c.reference),
        )
        assert total == len(expected) > 2
        assert [d.case.reference for d in rows] == [c.reference for c in expected[:2]]


@pytest.mark.parametrize("per_day", [1, 2, 50])
def test_month_cells_are_capped_and_counted(app, spread, per_day):
    db = spread
    start, end = dt.date(2021, 10, 25), dt.date(2021, 12, 31)
    with app.test_request_context():
        for directorate_id in (None, *sorted({c.lead_directorate_id for c in _cases(db) if c.lead_directorate_id})):
            rows, totals = queries.capped_per_day(start, end, per_day, directorate_id=directorate_id)
            matching = sorted(
                (d for d in _deadlines(db)
                 if start <= d.effective_due_on <= end and directorate_id in (None, d.case.lead_directorate_id)),
                key=lambda d: (d.effective_due_on, d.case.reference, d.kind.value),
            )
            expected_rows, expected_totals = _capped_reading(matching, per_day)
            assert totals == expected_totals
            assert [d.id for d in rows] == expected_rows
            if directorate_id is None:  # some days are over the cap; overrides count on their own date
                assert max(totals.values()) > 2 and any(d.overridden_due_on for d in matching)


@pytest.mark.parametrize("per_day", [1, 2, 50])
def test_binding_month_cells_are_capped_and_counted(app, spread, per_day):
    """The calendar's default (binding deadlines, open and closed cases, by the case's date),
    read in one statement, against every stored case."""
    db = spread
    start, end = dt.date(2021, 10, 25), dt.date(2021, 12, 31)
    with app.test_request_context():
        for directorate_id in (None, *sorted({c.lead_directorate_id for c in _cases(db) if c.lead_directorate_id})):
            rows, totals = queries.capped_per_day(start, end, per_day, directorate_id=directorate_id, binding_only=True)
            matching = sorted(
                (c for c in _cases(db)
                 if c.practical_due_on and start <= c.practical_due_on <= end and directorate_id in (None, c.lead_directorate_id)),
                key=lambda c: (c.practical_due_on, c.reference),
            )
            expected_totals: dict[dt.date, int] = {}
            expected_rows = []
            for c in matching:
                expected_totals[c.practical_due_on] = expected_totals.get(c.practical_due_on, 0) + 1
                if expected_totals[c.practical_due_on] <= per_day:
                    expected_rows += [d.id for d in c.deadlines if d.is_binding]
            assert totals == expected_totals
            assert [d.id for d in rows] == expected_rows
            assert all(d.is_binding for d in rows)
            if directorate_id is None:  # some days are over the cap, with closed cases among them
                assert max(totals.values()) > per_day or per_day == 50
                assert any(c.status not in OPEN for c in matching)


def test_feed_rows_per_scope(app, spread, users):
    from parliament_tracker.deadlines.feeds import FUTURE_DAYS, PAST_DAYS, create_feed, feed_rows

    db = spread
    start, end = TODAY - dt.timedelta(days=PAST_DAYS), TODAY + dt.timedelta(days=FUTURE_DAYS)
    director = users["director"]
    some_case = next(c for c in _cases(db) if c.status in OPEN and c.lead_directorate_id and c.drafter_id)
    director.directorate_id = some_case.lead_directorate_id
    db.session.commit()
    drafter_id = some_case.drafter_id
    with app.test_request_context():
        for scope, owner in (("mine", db.session.get(type(director), drafter_id)), ("directorate", director), ("all", director)):
            feed, _token = create_feed(owner, scope)
            got = [(r.case_id, r.kind, r.date) for r in feed_rows(feed, TODAY)]
            if scope == "mine":
                wanted = [
                    d for d in _deadlines(db)
                    if d.case.drafter_id == drafter_id and d.case.status in OPEN and start <= d.effective_due_on <= end
                    and (d.is_binding or d.kind in INTERNAL_KINDS)
                ]
                wanted.sort(key=lambda d: (d.effective_due_on, d.case_id, d.kind.value))
            else:
                wanted = [
                    d for d in _deadlines(db)
                    if d.is_binding and d.case.status in OPEN and start <= d.case.practical_due_on <= end
                    and (scope == "all" or d.case.lead_directorate_id == director.directorate_id)
                ]
                wanted.sort(key=lambda d: (d.case.practical_due_on, d.case.reference))
            assert got == [(d.case_id, d.kind, d.effective_due_on) for d in wanted], scope
            assert got, scope


@pytest.mark.parametrize("limit", [1, 500])
def test_awaiting_approval_soonest_first_undated_last(app, spread, limit):
    db = spread
    # A case in review without a binding date (e.g. a commitment with no term): listed last.
    undated = min(_cases(db), key=lambda c: c.id)
    undated.status, undated.due_on, undated.practical_due_on = CaseStatus.in_review, None, None
    db.session.commit()
    with app.test_request_context():
        got = [c.reference for c in queries.awaiting_approval(None, limit=limit)]
    expected = sorted(
        (c for c in _cases(db) if c.status == CaseStatus.in_review),
        key=lambda c: (c.practical_due_on is None, c.practical_due_on or dt.date.min, c.id),
    )
    assert len(expected) > 2 and expected[-1].id == undated.id
    assert got == [c.reference for c in expected[:limit]]


@pytest.mark.parametrize("binding_only", [False, True])
def test_pages_cover_the_range_in_order(app, spread, binding_only):
    db = spread
    start, end = dt.date(2021, 10, 25), dt.date(2022, 1, 31)
    with app.test_request_context():
        for directorate_id in (None, *sorted({c.lead_directorate_id for c in _cases(db) if c.lead_directorate_id})):
            expected = sorted(
                (d for d in _deadlines(db)
                 if start <= d.effective_due_on <= end and directorate_id in (None, d.case.lead_directorate_id)
                 and (d.is_binding or not binding_only)),
                key=lambda d: (d.effective_due_on, d.case.reference, d.kind.value),
            )
            got, page = [], 1
            while True:
                rows, total = queries.paged_between(start, end, page=page, per_page=3, directorate_id=directorate_id, binding_only=binding_only)
                assert total == len(expected) and len(rows) <= 3
                if not rows:
                    break
                got += rows
                page += 1
            assert [d.id for d in got] == [d.id for d in expected]
            if directorate_id is None:
                assert len(expected) > 6


def test_events_by_day_lists_each_day_of_an_event_within_the_range(app, db):
    from parliament_tracker.deadlines.models import Event, EventKind

    def day(n):
        return dt.date(2021, 12, n)

    recess = Event(kind=EventKind.recess, name="Reces", starts_on=day(1), ends_on=day(20))
    debate = Event(kind=EventKind.committee_debate, name="Debat", starts_on=day(9))
    outside = Event(kind=EventKind.plenary_debate, name="Later", starts_on=day(16))
    db.session.add_all([recess, debate, outside])
    db.session.flush()
    got = queries.events_by_day(day(8), day(14))
    assert sorted(got) == [day(n) for n in range(8, 15)]  # the recess is cut to the range
    assert got[day(9)] == [recess, debate] and all(got[day(n)] == [recess] for n in (8, 10, 11, 12, 13, 14))
    assert queries.events_by_day(day(21), day(31)) == {}


@pytest.mark.parametrize("limits", [(1, 1, 1), (3, 2, 2), (500, 500, 500)])
def test_dashboard_lists_and_counts_match_a_plain_reading(app, spread, monkeypatch, limits):
    """``queries.dashboard`` (five statements) against every stored case: overdue and this
    week's open cases by binding date, the Monday list by ``lateness.monday_late_list``."""
    from parliament_tracker.deadlines import lateness
    from parliament_tracker.deadlines.services import facts_for, unit_rule_context

    db = spread
    monkeypatch.setattr(queries, "DASHBOARD_OVERDUE", limits[0])
    monkeypatch.setattr(queries, "DASHBOARD_WEEK", limits[1])
    monkeypatch.setattr(queries, "DASHBOARD_MONDAY", limits[2])
    monkeypatch.setattr(queries, "_DASHBOARD_STATEMENTS", {})  # built with the limits above
    week_end = TODAY + dt.timedelta(days=6 - TODAY.weekday())
    with app.test_request_context():
        settings = unit_rule_context().settings
        seen_monday = 0
        for directorate_id in (None, *sorted({c.lead_directorate_id for c in _cases(db) if c.lead_directorate_id})):
            got = queries.dashboard(TODAY, week_end, directorate_id)
            mine = [c for c in _cases(db) if directorate_id in (None, c.lead_directorate_id)]
            by_date = sorted((c for c in mine if c.status in OPEN and c.practical_due_on), key=lambda c: (c.practical_due_on, c.reference))
            overdue = [c for c in by_date if c.practical_due_on < TODAY]
            week = [c for c in by_date if TODAY <= c.practical_due_on <= week_end]
            monday = sorted(
                (c for c in mine if c.status in OPEN and lateness.monday_late_list(facts_for(c), TODAY, settings)),
                key=lambda c: (c.received_on, c.id),
            )
            assert (got["overdue_total"], got["week_total"], got["monday_total"]) == (len(overdue), len(week), len(monday))
            assert [r.reference for r in got["overdue"]] == [c.reference for c in overdue[: limits[0]]]
            assert [r.reference for r in got["week"]] == [c.reference for c in week[: limits[1]]]
            assert [r.reference for r in got["monday_list"]] == [c.reference for c in monday[: limits[2]]]
            assert all(r.is_binding and (r.overridden_due_on or r.practical_due_on) for r in got["overdue"] + got["week"])
            assert got["monday"] == lateness.next_monday(TODAY)
            seen_monday += len(monday)
            if directorate_id is None:  # the data has something in each list
                assert overdue and week
        assert seen_monday > 0


def _plain_reading(db, start, end, *, kinds=None, binding_only=False, directorate_id=None, drafter_id=None):
    """Every stored deadline the calendar's filters keep, in display order (date, case
    reference, kind), read and filtered in Python."""
    return sorted(
        (d for d in _deadlines(db)
         if start <= d.effective_due_on <= end
         and (kinds is None or d.kind in kinds)
         and (d.is_binding or not binding_only)
         and directorate_id in (None, d.case.lead_directorate_id)
         and drafter_id in (None, d.case.drafter_id)),
        key=lambda d: (d.effective_due_on, d.case.reference, d.kind.value),
    )


@pytest.mark.parametrize(
    ("kinds", "binding_only", "by"),
    [
        (sorted(INTERNAL_KINDS), False, "directorate"),
        (sorted(INTERNAL_KINDS), False, "drafter"),
        (None, False, "drafter"),
        ("first-kind", False, "directorate"),
        ("answer-kinds", True, "directorate"),
    ],
)
def test_filtered_month_week_and_agenda_match_a_plain_reading(app, spread, kinds, binding_only, by):
    """The kind filters (internal milestones, one kind, binding among given kinds) and the
    drafter's own cases: the capped month and week cells, their counts per date, and the agenda
    read page by page, against the same rows filtered and ordered in Python."""
    db = spread
    stored = _deadlines(db)
    if kinds == "first-kind":
        kinds = [min((d.kind for d in stored), key=lambda k: k.value)]
    elif kinds == "answer-kinds":
        kinds = sorted({d.kind for d in stored if d.is_binding}, key=lambda k: k.value)
    start, end = dt.date(2021, 10, 25), dt.date(2022, 1, 31)
    owners = sorted({getattr(c, f"{'lead_directorate' if by == 'directorate' else 'drafter'}_id") for c in _cases(db)} - {None})
    assert len(owners) > 1
    checked = 0
    with app.test_request_context():
        for owner in (None, *owners):
            scope = {"directorate_id": owner} if by == "directorate" else {"drafter_id": owner}
            expected = _plain_reading(db, start, end, kinds=kinds, binding_only=binding_only, **scope)
            checked += len(expected)
            for per_day in (1, 2, 30):
                rows, totals = queries.capped_per_day(start, end, per_day, kinds=kinds, binding_only=binding_only, **scope)
                expected_rows, expected_totals = _capped_reading(expected, per_day)
                assert totals == expected_totals
                assert [d.id for d in rows] == expected_rows
            for per_page in (2, 5):
                got, page = [], 1
                while True:
                    rows, total = queries.paged_between(
                        start, end, page=page, per_page=per_page, kinds=kinds, binding_only=binding_only, **scope
                    )
                    assert total == len(expected) and len(rows) <= per_page
                    if not rows:
                        break
                    got += [d.id for d in rows]
                    page += 1
                assert got == [d.id for d in expected]
    assert checked > 4  # the filters kept rows: more than the smaller caps and pages


def _capped_reading(ordered: list, per_day: int) -> tuple[list[int], dict[dt.date, int]]:
    """A plain reading of a capped calendar: the first ``per_day`` ids of each date (in the
    given order) and every date's full count."""
    totals: dict[dt.date, int] = {}
    rows = []
    for d in ordered:
        totals[d.effective_due_on] = totals.get(d.effective_due_on, 0) + 1
        if totals[d.effective_due_on] <= per_day:
            rows.append(d.id)
    return rows, totals
