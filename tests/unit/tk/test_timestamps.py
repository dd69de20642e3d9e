"""Both timestamp styles of the API, the empty-date sentinel, and OData literals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parliament_tracker.tk.timestamps import AMSTERDAM, dutch_date, odata_datetime_literal, parse_timestamp


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2021-11-05T00:00:00+01:00", datetime(2021, 11, 5, tzinfo=timezone(timedelta(hours=1)))),
        ("2021-11-02T14:21:30.44+01:00", datetime(2021, 11, 2, 13, 21, 30, 440000, tzinfo=UTC)),
        ("2021-11-05T16:02:11.513+01:00", datetime(2021, 11, 5, 15, 2, 11, 513000, tzinfo=UTC)),
        ("2021-11-05T15:04:40.1234567Z", datetime(2021, 11, 5, 15, 4, 40, 123456, tzinfo=UTC)),
        ("2021-11-05T10:12:13.123Z", datetime(2021, 11, 5, 10, 12, 13, 123000, tzinfo=UTC)),
        ("2021-11-05T10:12:13Z", datetime(2021, 11, 5, 10, 12, 13, tzinfo=UTC)),
        ("2021-11-05T10:12:13+0100", datetime(2021, 11, 5, 9, 12, 13, tzinfo=UTC)),
        ("2021-11-05T00:00:00", datetime(2021, 11, 5, tzinfo=AMSTERDAM)),  # no offset: Dutch time
        ("2021-11-05", datetime(2021, 11, 5, tzinfo=AMSTERDAM)),
    ],
)
def test_parse_timestamp(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text)
    assert parsed == expected
    assert parsed.utcoffset() is not None


@pytest.mark.parametrize("text", [None, "", "0001-01-01T00:00:00Z"])
def test_empty_values_and_sentinel_are_none(text: str | None) -> None:
    assert parse_timestamp(text) is None


@pytest.mark.parametrize("text", ["gisteren", "2021-13-05T00:00:00Z", "2021-11-05T00:00:00+25:00", "1636070400"])
def test_garbage_is_rejected(text: str) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_dutch_date_uses_amsterdam_time() -> None:
    assert dutch_date(datetime(2021, 11, 4, 23, 0, tzinfo=UTC)) == date(2021, 11, 5)
    assert dutch_date(datetime(2021, 11, 4, 22, 59, tzinfo=UTC)) == date(2021, 11, 4)
    assert dutch_date(None) is None


def test_odata_literal() -> None:
    local = datetime(2021, 11, 20, 1, 0, tzinfo=AMSTERDAM)
    assert odata_datetime_literal(local) == "2021-11-20T00:00:00Z"
    assert odata_datetime_literal(datetime(2021, 11, 5, 15, 4, 40, 123456, tzinfo=UTC)) == "2021-11-05T15:04:40.123456Z"
    with pytest.raises(ValueError):
        odata_datetime_literal(datetime(2021, 11, 20))


_moments = st.datetimes(
    min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


@given(_moments, st.integers(min_value=-12 * 60, max_value=14 * 60))
def test_both_styles_round_trip(moment: datetime, offset_minutes: int) -> None:
    zone = timezone(timedelta(minutes=offset_minutes))
    utc_style = moment.strftime("%Y-%m-%dT%H:%M:%S.%f") + "9Z"  # 7 digits, like ApiGewijzigdOp
    local = moment.astimezone(zone)
    sign = "+" if offset_minutes >= 0 else "-"
    hours, minutes = divmod(abs(offset_minutes), 60)
    local_style = local.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + f"{sign}{hours:02d}:{minutes:02d}"
    assert parse_timestamp(utc_style) == moment
    assert parse_timestamp(local_style) == moment.replace(microsecond=moment.microsecond // 1000 * 1000)
    assert parse_timestamp(odata_datetime_literal(moment)) == moment
