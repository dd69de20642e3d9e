"""Dutch working days: weekends, ATW holidays, bridge days and the cached arithmetic."""

from __future__ import annotations

import datetime as dt

import holidays
import pytest

from parliament_tracker.deadlines import workdays
from parliament_tracker.deadlines.dutch import long_date, term_words
from parliament_tracker.deadlines.workdays import WorkingCalendar, easter_sunday

D = dt.date
CAL = WorkingCalendar()


def test_long_date_is_dutch_and_lower_case() -> None:
    assert long_date(D(2021, 11, 5)) == "vrijdag 5 november 2021"
    assert long_date(D(2024, 3, 31)) == "zondag 31 maart 2024"
    assert long_date(D(2022, 8, 1)) == "maandag 1 augustus 2022"


@pytest.mark.parametrize(
    ("days", "words"), [(21, "3 weken"), (42, "6 weken"), (7, "1 week"), (10, "10 dagen"), (1, "1 dag")]
)
def test_term_words(days: int, words: str) -> None:
    assert term_words(days) == words


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2021, D(2021, 4, 4)),
        (2022, D(2022, 4, 17)),
        (2024, D(2024, 3, 31)),
        (2025, D(2025, 4, 20)),
        (2038, D(2038, 4, 25)),
    ],
)
def test_easter_sunday(year: int, easter: dt.date) -> None:
    assert easter_sunday(year) == easter


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (D(2021, 1, 1), "Nieuwjaarsdag"),
        (D(2021, 4, 2), "Goede Vrijdag"),
        (D(2021, 4, 5), "Tweede paasdag"),
        (D(2021, 4, 27), "Koningsdag"),
        (D(2021, 5, 5), "Bevrijdingsdag"),
        (D(2022, 5, 5), "Bevrijdingsdag"),  # not a lustrum year: the package leaves it out
        (D(2022, 5, 26), "Hemelvaartsdag"),
        (D(2022, 6, 6), "Tweede pinksterdag"),
        (D(2024, 12, 25), "Eerste kerstdag"),
        (D(2024, 12, 26), "Tweede kerstdag"),
    ],
)
def test_atw_holidays_are_days_off_with_dutch_names(day: dt.date, name: str) -> None:
    assert CAL.holiday_name(day) == name
    assert not CAL.is_working_day(day)


def test_ordinary_days() -> None:
    assert CAL.is_working_day(D(2021, 11, 26))  # a Friday
    assert not CAL.is_working_day(D(2021, 11, 27))  # Saturday
    assert not CAL.is_working_day(D(2021, 11, 28))  # Sunday
    assert CAL.holiday_name(D(2021, 11, 27)) is None  # weekends have no holiday name
    assert CAL.holiday_name(D(2021, 11, 26)) is None


def test_goede_vrijdag_kept_even_if_the_package_drops_it(monkeypatch: pytest.MonkeyPatch) -> None:
    real_nl = holidays.NL

    def no_good_friday(**kwargs: object) -> dict[dt.date, str]:
        return {d: n for d, n in real_nl(**kwargs).items() if n.lower() != "goede vrijdag"}

    monkeypatch.setattr(workdays.holidays, "NL", no_good_friday)
    workdays.public_holidays.cache_clear()
    try:
        assert D(2023, 4, 7) not in no_good_friday(years=2023, language="nl")  # the fake really drops it
        assert workdays.public_holidays(2023)[D(2023, 4, 7)] == "Goede Vrijdag"
    finally:
        workdays.public_holidays.cache_clear()


def test_bridge_days_are_days_off_with_a_name() -> None:
    bridge = D(2022, 5, 27)  # Friday after Hemelvaart 2022
    cal = WorkingCalendar(frozenset({bridge}))
    assert not cal.is_working_day(bridge)
    assert cal.holiday_name(bridge) == "brugdag"
    assert CAL.is_working_day(bridge)  # other calendars are not affected
    named = WorkingCalendar({bridge}, extra_day_names={bridge: "brugdag na Hemelvaart"})
    assert named.holiday_name(bridge) == "brugdag na Hemelvaart"


def test_last_working_day_on_or_before() -> None:
    assert CAL.last_working_day_on_or_before(D(2021, 11, 26)) == D(2021, 11, 26)
    assert CAL.last_working_day_on_or_before(D(2021, 11, 28)) == D(2021, 11, 26)
    # Easter Monday, Sunday, Saturday and Good Friday all skipped
    assert CAL.last_working_day_on_or_before(D(2021, 4, 5)) == D(2021, 4, 1)
    # over New Year
    assert CAL.last_working_day_on_or_before(D(2024, 1, 1)) == D(2023, 12, 29)


def test_last_working_day_before() -> None:
    assert CAL.last_working_day_before(D(2021, 11, 24)) == D(2021, 11, 23)
    assert CAL.last_working_day_before(D(2021, 11, 29)) == D(2021, 11, 26)  # Monday → Friday


def test_subtract_working_days() -> None:
    assert CAL.subtract_working_days(D(2021, 11, 23), 8) == D(2021, 11, 11)
    assert CAL.subtract_working_days(D(2021, 11, 23), 0) == D(2021, 11, 23)
    assert CAL.subtract_working_days(D(2021, 11, 28), 0) == D(2021, 11, 26)
    assert CAL.subtract_working_days(D(2021, 11, 28), 1) == D(2021, 11, 26)  # Sunday → Friday
    # from Wed 3 Jan 2024 back over New Year's Day and a weekend
    assert CAL.subtract_working_days(D(2024, 1, 3), 2) == D(2023, 12, 29)
    # far back: extends the cache a year at a time (250-ish working days a year)
    assert CAL.subtract_working_days(D(2021, 11, 23), 600) == D(2019, 7, 12)
    with pytest.raises(ValueError):
        CAL.subtract_working_days(D(2021, 11, 23), -1)


def test_working_days_between() -> None:
    assert CAL.working_days_between(D(2021, 11, 22), D(2021, 11, 25)) == 3  # Tue, Wed, Thu
    assert CAL.working_days_between(D(2021, 11, 20), D(2021, 11, 24)) == 3  # Sat → Wed
    assert CAL.working_days_between(D(2021, 3, 31), D(2021, 4, 6)) == 2  # Thu 1, Tue 6 April
    assert CAL.working_days_between(D(2021, 11, 25), D(2021, 11, 25)) == 0
    assert CAL.working_days_between(D(2021, 11, 25), D(2021, 11, 22)) == 0


def test_far_years_and_gaps_are_filled_consistently() -> None:
    cal = WorkingCalendar()
    assert cal.subtract_working_days(D(2030, 1, 2), 1) == D(2029, 12, 31)
    # a much earlier year after a later one: the cache grows and stays contiguous
    assert cal.subtract_working_days(D(2021, 11, 24), 1) == D(2021, 11, 23)
    assert cal.working_days_between(D(2021, 12, 31), D(2030, 1, 2)) == sum(
        1
        for o in range(D(2022, 1, 1).toordinal(), D(2030, 1, 2).toordinal() + 1)
        if cal.is_working_day(D.fromordinal(o))
    )


def test_subtract_working_days_each_matches_single_calls() -> None:
    cal = WorkingCalendar({D(2022, 5, 27)})
    for day in (D(2022, 5, 30), D(2022, 1, 3), D(2021, 4, 6)):
        ns = (8, 5, 2, 0)
        assert cal.subtract_working_days_each(day, ns) == [cal.subtract_working_days(day, n) for n in ns]
    # deeper than the cached years: falls back to the growing path
    assert WorkingCalendar().subtract_working_days_each(D(2021, 1, 4), (600, 1)) == [
        CAL.subtract_working_days(D(2021, 1, 4), 600),
        D(2020, 12, 31),
    ]
    assert cal.subtract_working_days_each(D(2022, 5, 30), ()) == []
    with pytest.raises(ValueError):
        cal.subtract_working_days_each(D(2022, 5, 30), (3, -1))
