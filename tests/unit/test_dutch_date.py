import datetime as dt

import pytest

from parliament_tracker.forms import parse_dutch_date


@pytest.mark.parametrize(
    ("typed", "date"),
    [
        ("7-12-2026", dt.date(2026, 12, 7)),
        ("07-12-2026", dt.date(2026, 12, 7)),
        ("2026-12-07", dt.date(2026, 12, 7)),
        (" 1/12/2026 ", dt.date(2026, 12, 1)),
        ("01.12.2026", dt.date(2026, 12, 1)),
    ],
)
def test_dutch_dates_are_day_month_year(typed, date):
    assert parse_dutch_date(typed) == date


@pytest.mark.parametrize("typed", ["01122026", "31-02-2026", "12-31-2026", "7-12-26", "morgen", ""])
def test_anything_else_is_not_a_date(typed):
    assert parse_dutch_date(typed) is None
