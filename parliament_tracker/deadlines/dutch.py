"""Dutch date wording for user-facing explanations.

Written out by hand instead of using a locale: the server locale is not under our control
and ``strftime("%A")`` would silently switch language in a container without nl_NL.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)


# Cached because the reminder job formats the same few hundred dates over and over.
@lru_cache(maxsize=4096)
def long_date(d: dt.date) -> str:
    """``vrijdag 5 november 2021``: weekday, day without leading zero, month, year."""
    return f"{WEEKDAYS[d.weekday()]} {d.day} {MONTHS[d.month - 1]} {d.year}"


def term_words(days: int) -> str:
    """A term in calendar days as the Kamer says it: 21 → ``3 weken``, 7 → ``1 week``."""
    if days % 7 == 0:
        weeks = days // 7
        return f"{weeks} week" if weeks == 1 else f"{weeks} weken"
    return "1 dag" if days == 1 else f"{days} dagen"


def working_days_words(n: int) -> str:
    return "1 werkdag" if n == 1 else f"{n} werkdagen"
