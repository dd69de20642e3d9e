"""Dutch date formatting without relying on installed OS locales.

The ministry writes dates as "23 november 2021" (day in digits, month in words,
lower case). Hard-coding the twelve month names is smaller and more predictable
than depending on ``locale.setlocale`` or on Babel's CLDR data version.
"""

from __future__ import annotations

from datetime import date, datetime

MONTHS_NL = (
    "januari", "februari", "maart", "april", "mei", "juni",
    "juli", "augustus", "september", "oktober", "november", "december",
)


def to_date(value: date | datetime | str) -> date:
    """Accept a date, a datetime or an ISO 8601 string (templates get all three)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return date.fromisoformat(value.strip()[:10])
    raise TypeError(f"not a date: {value!r}")


def nl_date(value: date | datetime | str | None) -> str:
    """Format as "23 november 2021"; an empty value gives an empty string."""
    if value is None or value == "":
        return ""
    d = to_date(value)
    return f"{d.day} {MONTHS_NL[d.month - 1]} {d.year}"
