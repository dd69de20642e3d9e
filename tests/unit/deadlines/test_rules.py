"""Deadline rules: the seed case (DOMAIN §0), holidays, events, recesses, milestones, status."""

from __future__ import annotations

import datetime as dt

import pytest

from parliament_tracker.deadlines.lateness import monday_late_list, next_monday, risk
from parliament_tracker.deadlines.rules import (
    CaseFacts,
    ComputedDeadline,
    DeadlineKind,
    DeadlineSettings,
    Event,
    MilestoneOffsets,
    Period,
    RecessTable,
    binding_deadline,
    compute_deadlines,
)
from parliament_tracker.deadlines.workdays import WorkingCalendar

D = dt.date
CAL = WorkingCalendar()
BUDGET_DEBATE = Event("Begrotingsbehandeling JenV 2022", D(2021, 11, 24), D(2021, 11, 25))
CHRISTMAS_RECESS = Period("Kerstreces", D(2021, 12, 17), D(2022, 1, 10))


def by_kind(deadlines: list[ComputedDeadline]) -> dict[DeadlineKind, ComputedDeadline]:
    out = {d.kind: d for d in deadlines}
    assert len(out) == len(deadlines), "a kind appears twice"
    return out


def compute(facts: CaseFacts, **kwargs: object) -> dict[DeadlineKind, ComputedDeadline]:
    kwargs.setdefault("calendar", CAL)
    return by_kind(compute_deadlines(facts, **kwargs))  # type: ignore[arg-type]


# -- the seed case ------------------------------------------------------------------------


def test_seed_committee_request_due_in_three_weeks() -> None:
    out = compute(CaseFacts("committee_request", D(2021, 11, 2)))
    ext = out[DeadlineKind.external]
    assert (ext.due_on, ext.practical_due_on, ext.rule, ext.is_binding) == (
        D(2021, 11, 23),
        D(2021, 11, 23),
        "default_3_weeks",
        True,
    )
    assert (
        ext.explanation
        == "ontvangen dinsdag 2 november 2021 + 3 weken (gebruikelijke termijn) = dinsdag 23 november 2021"
    )


def test_seed_committee_request_anchored_to_budget_debate() -> None:
    out = compute(CaseFacts("committee_request", D(2021, 11, 2), event=BUDGET_DEBATE))
    # With an event and no committee date the event replaces the 3-week default.
    assert set(out) == {
        DeadlineKind.before_event,
        DeadlineKind.internal_draft,
        DeadlineKind.internal_approval,
        DeadlineKind.internal_signature,
    }
    assert out[DeadlineKind.before_event].due_on == D(2021, 11, 23)
    assert out[DeadlineKind.before_event].is_binding


def test_seed_written_questions_three_weeks_with_exact_explanation() -> None:
    out = compute(CaseFacts("written_questions", D(2021, 11, 5)))
    ext = out[DeadlineKind.external]
    assert ext.due_on == ext.practical_due_on == D(2021, 11, 26)
    assert ext.rule == "rvo_3_weeks"
    assert ext.is_binding
    assert (
        ext.explanation
        == "ingezonden vrijdag 5 november 2021 + 3 weken (Reglement van Orde) = vrijdag 26 november 2021"
    )
    notice = out[DeadlineKind.postponement_notice]
    assert notice.due_on == D(2021, 11, 26)
    assert not notice.is_binding
    assert DeadlineKind.postponed_external not in out


def test_seed_written_questions_after_postponement() -> None:
    out = compute(CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 25)))
    postponed = out[DeadlineKind.postponed_external]
    assert postponed.due_on == D(2021, 12, 17)
    assert postponed.rule == "rvo_postponed_6_weeks"
    assert postponed.is_binding
    assert postponed.explanation == (
        "ingezonden vrijdag 5 november 2021 + 6 weken (uitstelbericht donderdag 25 november 2021; "
        "Reglement van Orde) = vrijdag 17 december 2021"
    )
    # The original 3 weeks stay visible but no longer bind.
    assert out[DeadlineKind.external].due_on == D(2021, 11, 26)
    assert not out[DeadlineKind.external].is_binding
    assert out[DeadlineKind.postponement_notice].warnings == ()
    assert "verzonden op donderdag 25 november 2021" in out[DeadlineKind.postponement_notice].explanation


def test_seed_written_questions_anchored_to_budget_debate() -> None:
    out = compute(CaseFacts("written_questions", D(2021, 11, 5), event=BUDGET_DEBATE))
    event = out[DeadlineKind.before_event]
    assert event.due_on == event.practical_due_on == D(2021, 11, 23)
    assert event.is_binding
    assert event.rule == "before_event"
    assert event.explanation == (
        "laatste werkdag vóór Begrotingsbehandeling JenV 2022 (woensdag 24 november 2021) = dinsdag 23 november 2021"
    )
    assert out[DeadlineKind.external].due_on == D(2021, 11, 26)
    assert not out[DeadlineKind.external].is_binding
    assert [
        d
        for d in compute_deadlines(CaseFacts("written_questions", D(2021, 11, 5), event=BUDGET_DEBATE), calendar=CAL)
        if d.is_binding
    ] == [event]


def test_seed_milestones_count_back_from_binding_date() -> None:
    out = compute(CaseFacts("written_questions", D(2021, 11, 5), event=BUDGET_DEBATE))
    assert out[DeadlineKind.internal_draft].due_on == D(2021, 11, 11)  # 8 working days before Tue 23
    assert out[DeadlineKind.internal_approval].due_on == D(2021, 11, 16)  # 5
    assert out[DeadlineKind.internal_signature].due_on == D(2021, 11, 19)  # 2
    assert out[DeadlineKind.internal_draft].rule == "internal_draft"
    assert out[DeadlineKind.internal_draft].explanation == (
        "concept gereed: 8 werkdagen vóór de uiterste datum dinsdag 23 november 2021 "
        "(standaardinstelling) = donderdag 11 november 2021"
    )
    assert not any(out[k].is_binding for k in (DeadlineKind.internal_draft, DeadlineKind.internal_signature))


def test_six_week_mark_in_christmas_recess_warns() -> None:
    facts = CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 25))
    out = compute(facts, recesses=[CHRISTMAS_RECESS, ("Voorjaarsreces", D(2022, 2, 18), D(2022, 2, 28))])
    assert out[DeadlineKind.postponed_external].warnings == (
        "valt in het reces: Kerstreces (vrijdag 17 december 2021 t/m maandag 10 januari 2022); "
        "de Kamer vergadert dan niet",
    )
    assert out[DeadlineKind.postponed_external].due_on == D(2021, 12, 17)  # a warning, not a shift
    assert out[DeadlineKind.external].warnings == ()  # 26 Nov is outside the recess
    assert out[DeadlineKind.internal_signature].warnings == ()  # internal work goes on in recess


def test_recess_warning_when_only_the_practical_date_is_in_recess() -> None:
    # Due Sun 16 Jul 2023, practical Fri 14 Jul, which is the last day of this recess.
    recess = Period("Zomerreces (verkort)", D(2023, 7, 7), D(2023, 7, 14))
    ext = compute(CaseFacts("written_questions", D(2023, 6, 25)), recesses=[recess])[DeadlineKind.external]
    assert (ext.due_on, ext.practical_due_on) == (D(2023, 7, 16), D(2023, 7, 14))
    assert len(ext.warnings) == 1 and "Zomerreces (verkort)" in ext.warnings[0]
    after = compute(
        CaseFacts("written_questions", D(2023, 6, 25)), recesses=[Period("x", D(2023, 7, 17), D(2023, 7, 30))]
    )
    assert after[DeadlineKind.external].warnings == ()


# -- weekends, holidays and bridge days -------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "due", "practical", "fragment"),
    [
        # Saturday
        (
            D(2021, 11, 6),
            D(2021, 11, 27),
            D(2021, 11, 26),
            "valt op zaterdag 27 november 2021; laatste werkdag ervoor: vrijdag 26 november 2021",
        ),
        # Koningsdag (Tuesday 27 April 2021)
        (
            D(2021, 4, 6),
            D(2021, 4, 27),
            D(2021, 4, 26),
            "valt op Koningsdag (dinsdag 27 april 2021); laatste werkdag ervoor: maandag 26 april 2021",
        ),
        # 2e Paasdag: back over Sunday, Saturday and Goede Vrijdag
        (
            D(2021, 3, 15),
            D(2021, 4, 5),
            D(2021, 4, 1),
            "valt op Tweede paasdag (maandag 5 april 2021); laatste werkdag ervoor: donderdag 1 april 2021",
        ),
        # Goede Vrijdag on its own
        (D(2025, 3, 28), D(2025, 4, 18), D(2025, 4, 17), "valt op Goede Vrijdag (vrijdag 18 april 2025)"),
        # Hemelvaart
        (D(2022, 5, 5), D(2022, 5, 26), D(2022, 5, 25), "valt op Hemelvaartsdag (donderdag 26 mei 2022)"),
        # 5 mei in a non-lustrum year
        (D(2022, 4, 14), D(2022, 5, 5), D(2022, 5, 4), "valt op Bevrijdingsdag (donderdag 5 mei 2022)"),
        # Tweede kerstdag 2024 (Thursday) after Eerste kerstdag
        (
            D(2024, 12, 5),
            D(2024, 12, 26),
            D(2024, 12, 24),
            "valt op Tweede kerstdag (donderdag 26 december 2024); laatste werkdag ervoor: dinsdag 24 december 2024",
        ),
        # Nieuwjaarsdag 2024 (Monday): back into the old year
        (D(2023, 12, 11), D(2024, 1, 1), D(2023, 12, 29), "laatste werkdag ervoor: vrijdag 29 december 2023"),
    ],
)
def test_due_on_weekend_or_holiday_gets_practical_date(
    received: dt.date, due: dt.date, practical: dt.date, fragment: str
) -> None:
    ext = compute(CaseFacts("written_questions", received))[DeadlineKind.external]
    assert (ext.due_on, ext.practical_due_on) == (due, practical)
    assert fragment in ext.explanation
    assert ext.explanation.startswith("ingezonden ")


def test_bridge_day_moves_practical_date() -> None:
    bridge = D(2022, 5, 27)  # Friday after Hemelvaart 2022
    facts = CaseFacts("written_questions", D(2022, 5, 6))  # due Fri 27 May
    plain = compute(facts)[DeadlineKind.external]
    assert plain.practical_due_on == bridge
    bridged = compute(facts, calendar=WorkingCalendar({bridge}))[DeadlineKind.external]
    assert bridged.due_on == bridge
    assert bridged.practical_due_on == D(2022, 5, 25)  # skips the bridge day and Hemelvaart
    assert "valt op brugdag (vrijdag 27 mei 2022)" in bridged.explanation
    # milestones count back from the practical date over the bridge as well
    assert compute(facts, calendar=WorkingCalendar({bridge}))[DeadlineKind.internal_signature].due_on == D(2022, 5, 23)


def test_event_after_easter_weekend_skips_holidays() -> None:
    event = Event("Commissiedebat Vreemdelingen- en asielbeleid", D(2021, 4, 6))
    out = compute(CaseFacts("committee_request", D(2021, 3, 1), event=event))
    assert out[DeadlineKind.before_event].due_on == D(2021, 4, 1)


# -- events -----------------------------------------------------------------------------------


def test_moved_event_recomputes_binding_and_milestones() -> None:
    facts = CaseFacts("written_questions", D(2021, 11, 5), event=BUDGET_DEBATE)
    before = compute(facts)
    moved = Event(BUDGET_DEBATE.name, D(2021, 12, 1), D(2021, 12, 2))  # Status = Verplaatst
    after = compute(CaseFacts("written_questions", D(2021, 11, 5), event=moved))
    assert before[DeadlineKind.before_event].is_binding
    assert after[DeadlineKind.before_event].due_on == D(2021, 11, 30)
    assert not after[DeadlineKind.before_event].is_binding
    assert after[DeadlineKind.external].is_binding  # 26 Nov is now the earliest
    assert after[DeadlineKind.internal_signature].due_on == D(2021, 11, 24)
    assert before[DeadlineKind.internal_signature].due_on == D(2021, 11, 19)
    # moved earlier: the event binds again, earlier still
    earlier = compute(CaseFacts("written_questions", D(2021, 11, 5), event=Event("x", D(2021, 11, 22))))
    assert earlier[DeadlineKind.before_event].due_on == D(2021, 11, 19)
    assert earlier[DeadlineKind.before_event].is_binding


def test_event_lead_is_configurable() -> None:
    facts = CaseFacts("motion", D(2021, 11, 1), event=BUDGET_DEBATE)
    two = compute(facts, settings=DeadlineSettings(event_lead_working_days=2))[DeadlineKind.before_event]
    assert two.due_on == D(2021, 11, 22)
    assert two.explanation.startswith("2 werkdagen vóór Begrotingsbehandeling JenV 2022")
    zero = compute(facts, settings=DeadlineSettings(event_lead_working_days=0))[DeadlineKind.before_event]
    assert zero.due_on == D(2021, 11, 24)


def test_event_that_already_started_warns() -> None:
    out = compute(CaseFacts("motion", D(2021, 11, 25), event=BUDGET_DEBATE))
    assert any("begint niet na de ontvangstdatum" in w for w in out[DeadlineKind.before_event].warnings)
    assert any("ligt vóór de ontvangstdatum" in w for w in out[DeadlineKind.before_event].warnings)


def test_committee_date_and_event_earliest_binds() -> None:
    late_committee = compute(
        CaseFacts("committee_request", D(2021, 11, 2), committee_due_on=D(2021, 11, 30), event=BUDGET_DEBATE)
    )
    assert late_committee[DeadlineKind.before_event].is_binding
    assert not late_committee[DeadlineKind.committee_date].is_binding
    assert DeadlineKind.external not in late_committee  # no 3-week default once a date is given
    early_committee = compute(
        CaseFacts("committee_request", D(2021, 11, 2), committee_due_on=D(2021, 11, 19), event=BUDGET_DEBATE)
    )
    c = early_committee[DeadlineKind.committee_date]
    assert c.is_binding and c.rule == "committee_date"
    assert c.explanation == "datum gevraagd door de commissie: vrijdag 19 november 2021"


# -- other kinds ------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["commitment", "motion", "plenary_request", "other"])
def test_given_date_kinds(kind: str) -> None:
    out = compute(CaseFacts(kind, D(2021, 6, 1), given_due_on=D(2021, 7, 3)))  # a Saturday
    ext = out[DeadlineKind.external]
    assert ext.rule == "given_date" and ext.is_binding
    assert ext.practical_due_on == D(2021, 7, 2)
    # committee_due_on means nothing for these kinds
    assert compute_deadlines(CaseFacts(kind, D(2021, 6, 1), committee_due_on=D(2021, 7, 3)), calendar=CAL) == []


def test_commitment_label() -> None:
    out = compute(CaseFacts("commitment", D(2021, 6, 1), given_due_on=D(2021, 7, 2)))
    assert out[DeadlineKind.external].explanation == "toegezegde datum: vrijdag 2 juli 2021"


def test_no_date_no_event_means_no_deadlines() -> None:
    assert compute_deadlines(CaseFacts("commitment", D(2021, 6, 1)), calendar=CAL) == []
    assert binding_deadline([]) is None


def test_answered_written_questions_need_no_postponement_notice() -> None:
    out = compute(CaseFacts("written_questions", D(2021, 11, 5), answered=True))
    assert DeadlineKind.postponement_notice not in out
    assert out[DeadlineKind.external].is_binding


def test_late_postponement_notice_warns() -> None:
    out = compute(CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 29)))
    assert out[DeadlineKind.postponement_notice].warnings == (
        "uitstelbericht verzonden op maandag 29 november 2021, na het verstrijken van de termijn",
    )


def test_unknown_kind_rejected() -> None:
    with pytest.raises(ValueError):
        CaseFacts("petition", D(2021, 1, 4))


# -- milestone settings -----------------------------------------------------------------------


def test_milestone_offsets_per_kind_and_per_signatory() -> None:
    settings = DeadlineSettings(
        milestones_by_kind={"written_questions": MilestoneOffsets(draft=10, approval=6, signature=3)},
        milestones_by_signatory={7: MilestoneOffsets(draft=12, approval=9, signature=4)},
    )
    facts = CaseFacts("written_questions", D(2021, 11, 5))  # binding Fri 26 Nov 2021
    per_kind = compute(facts, settings=settings)
    assert per_kind[DeadlineKind.internal_draft].due_on == D(2021, 11, 12)
    assert per_kind[DeadlineKind.internal_approval].due_on == D(2021, 11, 18)
    assert per_kind[DeadlineKind.internal_signature].due_on == D(2021, 11, 23)
    assert "(instelling voor dit soort zaak)" in per_kind[DeadlineKind.internal_draft].explanation

    signed = CaseFacts("written_questions", D(2021, 11, 5), signatory_id=7)
    per_signatory = compute(signed, settings=settings)  # the signatory wins over the kind
    assert per_signatory[DeadlineKind.internal_draft].due_on == D(2021, 11, 10)
    assert per_signatory[DeadlineKind.internal_approval].due_on == D(2021, 11, 15)
    assert per_signatory[DeadlineKind.internal_signature].due_on == D(2021, 11, 22)
    assert "(instelling voor de ondertekenaar)" in per_signatory[DeadlineKind.internal_signature].explanation

    other_kind = compute(CaseFacts("committee_request", D(2021, 11, 5)), settings=settings)
    assert other_kind[DeadlineKind.internal_draft].due_on == D(2021, 11, 16)  # default 8
    other_signatory = compute(CaseFacts("written_questions", D(2021, 11, 5), signatory_id=8), settings=settings)
    assert other_signatory[DeadlineKind.internal_draft].due_on == D(2021, 11, 12)  # per kind


def test_milestone_before_receipt_warns() -> None:
    out = compute(CaseFacts("motion", D(2021, 11, 19), given_due_on=D(2021, 11, 23)))
    assert out[DeadlineKind.internal_draft].warnings
    assert out[DeadlineKind.internal_signature].warnings == ()  # Fri 19 Nov is not before receipt


@pytest.mark.parametrize("offsets", [(2, 5, 8), (8, 2, 5), (8, 5, -1)])
def test_milestone_offsets_must_be_ordered(offsets: tuple[int, int, int]) -> None:
    with pytest.raises(ValueError):
        MilestoneOffsets(*offsets)


def test_invalid_settings_rejected() -> None:
    with pytest.raises(ValueError):
        DeadlineSettings(postponement_term_days=14)
    with pytest.raises(ValueError):
        DeadlineSettings(milestones_by_kind={"petition": MilestoneOffsets()})
    with pytest.raises(ValueError):
        DeadlineSettings(event_lead_working_days=-1)


def test_custom_terms() -> None:
    settings = DeadlineSettings(
        written_questions_term_days=14, postponement_term_days=28, committee_request_term_days=10
    )
    wq = compute(CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 10)), settings=settings)
    assert wq[DeadlineKind.external].due_on == D(2021, 11, 19)
    assert "+ 2 weken" in wq[DeadlineKind.external].explanation
    assert wq[DeadlineKind.postponed_external].due_on == D(2021, 12, 3)
    cr = compute(CaseFacts("committee_request", D(2021, 11, 2)), settings=settings)
    assert cr[DeadlineKind.external].due_on == D(2021, 11, 12)
    assert "+ 10 dagen" in cr[DeadlineKind.external].explanation


# -- status ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "done", "expected"),
    [
        (D(2021, 11, 25), D(2021, 11, 22), False, "due_soon"),  # Mon → Thu: 3 working days
        (D(2021, 11, 26), D(2021, 11, 22), False, "on_track"),  # Mon → Fri: 4
        (D(2021, 11, 24), D(2021, 11, 20), False, "due_soon"),  # Sat → Wed: Mon, Tue, Wed
        (D(2021, 11, 26), D(2021, 11, 26), False, "due_soon"),  # due today
        (D(2021, 11, 26), D(2021, 11, 27), False, "overdue"),
        (D(2021, 11, 26), D(2021, 12, 27), True, "done"),
        (D(2021, 4, 6), D(2021, 3, 31), False, "due_soon"),  # Wed → Tue after Easter: Thu, Tue
    ],
)
def test_risk(due: dt.date, today: dt.date, done: bool, expected: str) -> None:
    assert risk(due, today, done, CAL) == expected


def test_risk_window_configurable() -> None:
    assert risk(D(2021, 11, 26), D(2021, 11, 22), False, CAL, soon_working_days=4) == "due_soon"


def test_next_monday() -> None:
    assert next_monday(D(2021, 11, 26)) == D(2021, 11, 29)
    assert next_monday(D(2021, 11, 29)) == D(2021, 11, 29)
    assert next_monday(D(2021, 11, 28)) == D(2021, 11, 29)


def test_monday_late_list() -> None:
    seed = CaseFacts("written_questions", D(2021, 11, 5))  # due Fri 26 Nov
    assert monday_late_list(seed, D(2021, 11, 26))  # list of Mon 29 Nov
    assert not monday_late_list(seed, D(2021, 11, 22))  # list of Mon 22 Nov: still in time
    answered = CaseFacts("written_questions", D(2021, 11, 5), answered=True)
    assert not monday_late_list(answered, D(2021, 11, 26))
    postponed = CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 25))
    assert not monday_late_list(postponed, D(2021, 11, 26))
    assert not monday_late_list(postponed, D(2021, 12, 13))  # Mon 13 Dec: within 6 weeks
    assert monday_late_list(postponed, D(2021, 12, 17))  # Mon 20 Dec: past 17 Dec
    # a postponement sent after the list's Monday does not save this week's list
    late_notice = CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 30))
    assert monday_late_list(late_notice, D(2021, 11, 26))
    assert not monday_late_list(late_notice, D(2021, 11, 30))
    assert not monday_late_list(CaseFacts("committee_request", D(2021, 10, 1)), D(2021, 11, 26))


def test_monday_late_list_due_day_itself_is_in_time() -> None:
    monday_submitted = CaseFacts("written_questions", D(2021, 11, 1))  # due Mon 22 Nov
    assert not monday_late_list(monday_submitted, D(2021, 11, 22))
    assert monday_late_list(monday_submitted, D(2021, 11, 23))


def test_monday_late_list_postponement_sent_on_the_monday_counts() -> None:
    notice_on_monday = CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 29))
    assert not monday_late_list(notice_on_monday, D(2021, 11, 26))


def test_recess_bounds_are_inclusive() -> None:
    last_day = compute(CaseFacts("written_questions", D(2021, 12, 20)), recesses=[CHRISTMAS_RECESS])
    assert last_day[DeadlineKind.external].due_on == D(2022, 1, 10)
    assert last_day[DeadlineKind.external].warnings
    day_after = compute(CaseFacts("written_questions", D(2021, 12, 21)), recesses=[CHRISTMAS_RECESS])
    assert day_after[DeadlineKind.external].warnings == ()


def test_prepared_recess_table_and_overlaps() -> None:
    facts = CaseFacts("written_questions", D(2021, 11, 5), postponed_on=D(2021, 11, 25))
    as_list = compute_deadlines(facts, calendar=CAL, recesses=[CHRISTMAS_RECESS])
    prepared = compute_deadlines(facts, calendar=CAL, recesses=RecessTable([CHRISTMAS_RECESS]))
    assert as_list == prepared
    overlapping = RecessTable([CHRISTMAS_RECESS, ("Kerstreces (oud)", D(2021, 12, 10), D(2021, 12, 20))])
    warnings = by_kind(compute_deadlines(facts, calendar=CAL, recesses=overlapping))[
        DeadlineKind.postponed_external
    ].warnings
    assert len(warnings) == 2
    # due Sat 18 Dec, practical Fri 17 Dec: both in the same recess, one warning
    sat = by_kind(
        compute_deadlines(CaseFacts("written_questions", D(2021, 11, 27)), calendar=CAL, recesses=overlapping)
    )
    assert sat[DeadlineKind.external].practical_due_on == D(2021, 12, 17)
    assert len(sat[DeadlineKind.external].warnings) == 2


def test_recess_ending_before_it_starts_is_rejected() -> None:
    with pytest.raises(ValueError):
        RecessTable([("Kerstreces", D(2022, 1, 10), D(2021, 12, 17))])
