"""Property-based tests: the calendar arithmetic, the rules and the ICS feed against simple oracles.

The oracles walk day by day with a naive holiday list, so they share none of the bisect
cache or the rule plumbing they check.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import holidays
import icalendar
from dateutil.easter import easter
from hypothesis import given, settings
from hypothesis import strategies as st

from parliament_tracker.deadlines.ics import IcsEntry, build_ics, deadline_uid
from parliament_tracker.deadlines.rules import (
    ANSWER_KINDS,
    CASE_KINDS,
    INTERNAL_KINDS,
    CaseFacts,
    DeadlineKind,
    DeadlineSettings,
    Event,
    MilestoneOffsets,
    compute_deadlines,
)
from parliament_tracker.deadlines.workdays import WorkingCalendar

D = dt.date
DAY = dt.timedelta(days=1)
SHARED = WorkingCalendar()

dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))


@cache
def naive_days_off(year: int) -> frozenset[dt.date]:
    days = set(holidays.NL(years=year))
    days.add(easter(year) - 2 * DAY)  # Goede Vrijdag
    days.add(D(year, 5, 5))  # Bevrijdingsdag, every year for terms
    return frozenset(days)


def naive_is_working(d: dt.date, extra: frozenset[dt.date]) -> bool:
    return d.weekday() < 5 and d not in naive_days_off(d.year) and d not in extra


def naive_on_or_before(d: dt.date, extra: frozenset[dt.date]) -> dt.date:
    while not naive_is_working(d, extra):
        d -= DAY
    return d


def naive_subtract(d: dt.date, n: int, extra: frozenset[dt.date]) -> dt.date:
    if n == 0:
        return naive_on_or_before(d, extra)
    while n:
        d -= DAY
        if naive_is_working(d, extra):
            n -= 1
    return d


@st.composite
def date_and_bridges(draw: st.DrawFn) -> tuple[dt.date, frozenset[dt.date]]:
    d = draw(dates)
    # at most three bridge days, near d so they matter
    bridges = draw(st.frozensets(st.integers(-12, 3).map(lambda k: d + k * DAY), max_size=3))
    return d, bridges


@settings(deadline=None)
@given(date_and_bridges())
def test_practical_date_is_a_working_day_shortly_before(case: tuple[dt.date, frozenset[dt.date]]) -> None:
    d, bridges = case
    cal = WorkingCalendar(bridges)
    p = cal.last_working_day_on_or_before(d)
    assert p == naive_on_or_before(d, bridges)
    assert cal.is_working_day(p)
    assert p <= d
    assert (d - p).days <= 10
    assert cal.last_working_day_before(d) == naive_on_or_before(d - DAY, bridges)


@settings(deadline=None)
@given(date_and_bridges(), st.integers(0, 25))
def test_subtract_working_days_matches_walking_back(case: tuple[dt.date, frozenset[dt.date]], n: int) -> None:
    d, bridges = case
    assert WorkingCalendar(bridges).subtract_working_days(d, n) == naive_subtract(d, n, bridges)


@settings(deadline=None)
@given(dates, st.integers(-5, 60))
def test_working_days_between_counts_naively(start: dt.date, span: int) -> None:
    end = start + span * DAY
    expected = sum(1 for k in range(1, span + 1) if naive_is_working(start + k * DAY, frozenset()))
    assert SHARED.working_days_between(start, end) == expected


# -- rules ---------------------------------------------------------------------------------

offsets = st.lists(st.integers(0, 15), min_size=3, max_size=3).map(
    lambda xs: MilestoneOffsets(*sorted(xs, reverse=True))
)


@st.composite
def facts_and_settings(draw: st.DrawFn) -> tuple[CaseFacts, DeadlineSettings]:
    received = draw(dates)

    def maybe_after(lo: int, hi: int) -> dt.date | None:
        return draw(st.none() | st.integers(lo, hi).map(lambda k: received + k * DAY))

    event = None
    if draw(st.booleans()):
        starts = received + draw(st.integers(-3, 90)) * DAY
        event = Event("Commissiedebat", starts, starts + draw(st.integers(0, 2)) * DAY)
    facts = CaseFacts(
        kind=draw(st.sampled_from(sorted(CASE_KINDS))),
        received_on=received,
        committee_due_on=maybe_after(0, 90),
        given_due_on=maybe_after(-5, 120),
        postponed_on=maybe_after(0, 45),
        event=event,
        signatory_id=draw(st.none() | st.sampled_from([1, 2])),
        answered=draw(st.booleans()),
    )
    cfg = DeadlineSettings(
        milestones=draw(offsets),
        milestones_by_kind={draw(st.sampled_from(sorted(CASE_KINDS))): draw(offsets)},
        milestones_by_signatory={1: draw(offsets)},
        event_lead_working_days=draw(st.integers(0, 3)),
    )
    return facts, cfg


def expected_binding_due(facts: CaseFacts, cfg: DeadlineSettings) -> dt.date | None:
    """The rules of DESIGN §4, written out independently: the earliest date that applies."""
    candidates = []
    r = facts.received_on
    if facts.kind == "written_questions":
        candidates.append(r + (42 if facts.postponed_on else 21) * DAY)
    elif facts.kind == "committee_request":
        if facts.committee_due_on:
            candidates.append(facts.committee_due_on)
        elif facts.event is None:
            candidates.append(r + 21 * DAY)
    elif facts.given_due_on:
        candidates.append(facts.given_due_on)
    if facts.event is not None:
        candidates.append(naive_subtract(facts.event.starts_on, cfg.event_lead_working_days, frozenset()))
    return min(candidates, default=None)


@settings(deadline=None, max_examples=150)
@given(facts_and_settings())
def test_rules_invariants(case: tuple[CaseFacts, DeadlineSettings]) -> None:
    facts, cfg = case
    out = compute_deadlines(facts, calendar=SHARED, settings=cfg)

    for d in out:
        assert SHARED.is_working_day(d.practical_due_on)
        assert d.practical_due_on <= d.due_on
        assert (d.due_on - d.practical_due_on).days <= 10
        assert d.explanation

    binding = [d for d in out if d.is_binding]
    expected = expected_binding_due(facts, cfg)
    if expected is None:
        assert binding == [] and out == []
        return
    assert len(binding) == 1
    (b,) = binding
    assert b.kind in ANSWER_KINDS
    assert b.due_on == expected

    milestones = {d.kind: d for d in out if d.kind in INTERNAL_KINDS}
    assert set(milestones) == set(INTERNAL_KINDS)
    draft, approval, signature = (
        milestones[DeadlineKind.internal_draft].due_on,
        milestones[DeadlineKind.internal_approval].due_on,
        milestones[DeadlineKind.internal_signature].due_on,
    )
    assert draft <= approval <= signature <= b.practical_due_on <= b.due_on
    used, _ = cfg.milestones_for(facts.kind, facts.signatory_id)
    assert draft == naive_subtract(b.practical_due_on, used.draft, frozenset())


# -- ICS -----------------------------------------------------------------------------------

text = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list(',;:\\"\n')), max_size=60)


@settings(deadline=None, max_examples=60)
@given(
    st.lists(
        st.tuples(st.integers(1, 10_000), st.sampled_from([k.value for k in DeadlineKind]), dates, text, text),
        max_size=8,
        unique_by=lambda t: (t[0], t[1]),
    ),
    st.integers(1, 400),
)
def test_ics_round_trips_and_uids_survive_date_changes(
    rows: list[tuple[int, str, dt.date, str, str]], shift: int
) -> None:
    stamp = dt.datetime(2021, 11, 22, 8, 0, tzinfo=dt.UTC)

    def feed(delta: int) -> icalendar.Calendar:
        entries = [
            IcsEntry(deadline_uid(case_id, kind), day + delta * DAY, summary, description)
            for case_id, kind, day, summary, description in rows
        ]
        return icalendar.Calendar.from_ical(build_ics(entries, "Termijnen", stamp=stamp))

    before, after = feed(0), feed(shift)
    assert len(before.events) == len(rows)
    for event, (case_id, kind, day, summary, description) in zip(before.events, rows, strict=True):
        assert str(event["uid"]) == f"case-{case_id}-{kind}@parliament-tracker"
        assert event["dtstart"].dt == day
        assert str(event["summary"]) == summary
        assert str(event.get("description", "")) == description
    assert [str(e["uid"]) for e in before.events] == [str(e["uid"]) for e in after.events]
    assert [e["dtstart"].dt for e in after.events] == [day + shift * DAY for _, _, day, _, _ in rows]
