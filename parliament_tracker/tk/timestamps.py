"""Timestamps and dates as the Tweede Kamer OData API writes them.

The API mixes two styles in one record (DOMAIN §1.11):

* local time with an offset and 0-3 fractional digits: ``2021-11-05T00:00:00+01:00``,
  ``2021-11-02T14:21:30.44+01:00`` (``GestartOp``, ``Datum``, ``GewijzigdOp``);
* UTC with ``Z`` and 7 fractional digits: ``2021-11-05T15:04:40.1234567Z`` (``ApiGewijzigdOp``).

Everything is parsed to timezone-aware datetimes. Calendar dates (received on, answered on) are
taken in Europe/Amsterdam, because a question submitted on 5 Nov in The Hague is stored as
``2021-11-05T00:00:00+01:00`` = 4 Nov 23:00 UTC, and the UTC date would be a day early.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# Python 3.11's fromisoformat accepts "Z" and 7 fractional digits, but we normalise ourselves so
# the behaviour does not depend on the minor version: at most 6 fractional digits, "Z" -> +00:00.
_TIMESTAMP_RE = re.compile(
    r"^(?P<base>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<fraction>\d+))?"
    r"(?P<zone>Z|[+-]\d{2}:?\d{2})?$"
)
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_timestamp(value: str | None) -> datetime | None:
    """Parse an OData ``Edm.DateTimeOffset`` string to an aware datetime.

    ``None``, ``""`` and the empty-date sentinel ``0001-01-01T00:00:00Z`` (seen in
    ``Toezegging.DatumNakoming``) give ``None``. A timestamp without offset is taken as Dutch
    local time. Raises ``ValueError`` for anything else that is not a timestamp.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"not a timestamp: {value!r}")
    match = _TIMESTAMP_RE.match(value.strip())
    if not match:
        # A bare date ("2021-11-05") is legal Edm.Date; read it as Dutch midnight. Only the
        # extended form: fromisoformat would also take "20211105" and week dates.
        if not _DATE_RE.match(value.strip()):
            raise ValueError(f"not a timestamp: {value!r}")
        only_date = date.fromisoformat(value.strip())
        return datetime(only_date.year, only_date.month, only_date.day, tzinfo=AMSTERDAM)
    text = match["base"]
    if match["fraction"]:
        text += "." + match["fraction"][:6].ljust(6, "0")
    zone = match["zone"]
    if zone == "Z":
        text += "+00:00"
    elif zone:
        text += zone if ":" in zone else f"{zone[:3]}:{zone[3:]}"
    parsed = datetime.fromisoformat(text)
    if parsed.year == 1:
        return None  # 0001-01-01: "no date" sentinel
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=AMSTERDAM)
    return parsed


def dutch_date(moment: datetime | None) -> date | None:
    """The calendar date in the Netherlands of an aware datetime."""
    if moment is None:
        return None
    return moment.astimezone(AMSTERDAM).date()


def odata_datetime_literal(moment: datetime) -> str:
    """Format an aware datetime as an unquoted OData literal in UTC, e.g. ``2021-11-20T00:00:00Z``.

    Microseconds are kept, so a watermark taken from ``ApiGewijzigdOp`` does not jump back a
    second (which would re-fetch records) or forward (which could skip them).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a timezone-aware datetime is required for an OData filter")
    utc = moment.astimezone(UTC)
    if utc.microsecond:
        return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return utc.strftime("%Y-%m-%dT%H:%M:%SZ")
