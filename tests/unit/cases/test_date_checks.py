"""The case date rules (``cases.date_checks``): one pure function for the form and the API."""

from __future__ import annotations

import datetime as dt

from parliament_tracker.cases.date_checks import check_case_dates

TODAY = dt.date(2026, 12, 7)


def test_plausible_dates_pass():
    found = check_case_dates(dt.date(2026, 12, 1), dt.date(2026, 12, 15), today=TODAY)
    assert found.errors == {} and found.warnings == {}
    assert check_case_dates(TODAY, None, today=TODAY).errors == {}


def test_received_in_the_future_is_refused():
    found = check_case_dates(TODAY + dt.timedelta(days=1), None, today=TODAY)
    assert set(found.errors) == {"received_on"} and found.warnings == {}


def test_committee_date_before_received_is_refused():
    found = check_case_dates(dt.date(2026, 12, 1), dt.date(2026, 11, 30), today=TODAY)
    assert set(found.errors) == {"committee_due_on"}
    assert check_case_dates(dt.date(2026, 12, 1), dt.date(2026, 12, 1), today=TODAY).errors == {}


def test_received_more_than_a_year_ago_is_a_warning_not_a_refusal():
    year_ago = TODAY - dt.timedelta(days=365)
    assert check_case_dates(year_ago, None, today=TODAY).warnings == {}
    found = check_case_dates(year_ago - dt.timedelta(days=1), None, today=TODAY)
    assert found.errors == {} and set(found.warnings) == {"received_on"}
    # an edit that keeps the stored date is not asked about again
    kept = check_case_dates(dt.date(2021, 11, 5), None, today=TODAY, stored_received_on=dt.date(2021, 11, 5))
    assert kept.warnings == {}


def test_dates_out_of_range_are_refused():
    assert set(check_case_dates(dt.date(1989, 12, 31), None, today=TODAY).errors) == {"received_on"}
    found = check_case_dates(dt.date(2026, 12, 1), dt.date(2200, 1, 1), given_due_on=dt.date(1900, 1, 1), today=TODAY)
    assert set(found.errors) == {"committee_due_on", "given_due_on"}
