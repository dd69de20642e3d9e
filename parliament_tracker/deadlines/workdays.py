"""Dutch working days: weekends, public holidays (Algemene termijnenwet) and bridge days.

Holidays come from the ``holidays`` package and are corrected to the list of the Algemene
termijnenwet (ATW, art. 3), which is what counts for terms:

- 5 mei (Bevrijdingsdag) counts every year; the package only marks it as a public holiday in
  lustrum years, so we add it ourselves.
- Goede Vrijdag is equated with the ATW holidays; the package includes it today, but we add
  it from our own Easter computation so a package upgrade cannot silently drop it.

Bridge days (e.g. the Friday after Hemelvaart, set by Royal Decree) are not in any package:
an admin enters them and they are passed in as ``extra_days_off``.

Speed matters (a reminder job walks 100,000 cases), so each calendar keeps one sorted list
of working-day ordinals covering the years seen so far and answers every question with a
bisect instead of walking day by day.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from types import MappingProxyType

import holidays

GOOD_FRIDAY = "Goede Vrijdag"
LIBERATION_DAY = "Bevrijdingsdag"
BRIDGE_DAY = "brugdag"

#: The package's Dutch names, normalised to how the ATW and ministry circulars write them.
_NAME_FIXES = {"Goede vrijdag": GOOD_FRIDAY}


def easter_sunday(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm, a.k.a. Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@lru_cache(maxsize=256)
def public_holidays(year: int) -> Mapping[dt.date, str]:
    """Dutch public holidays for term purposes in ``year``, with their Dutch names.

    Cached per year and shared by all calendars: building ``holidays.NL`` costs about a
    millisecond, which would dominate a recompute of many cases.
    """
    names: dict[dt.date, str] = {}
    for day, name in holidays.NL(years=year, language="nl").items():
        names[day] = _NAME_FIXES.get(name, name)
    names.setdefault(easter_sunday(year) - dt.timedelta(days=2), GOOD_FRIDAY)
    if year >= 1945:
        names.setdefault(dt.date(year, 5, 5), LIBERATION_DAY)
    return MappingProxyType(names)


class WorkingCalendar:
    """Answers working-day questions for one set of extra days off.

    Create one per recompute (or per request) from the admin's ``NonWorkingDay`` rows; it
    is cheap, and it fills its cache lazily for the years actually asked about.
    """

    def __init__(
        self,
        extra_days_off: Iterable[dt.date] = frozenset(),
        extra_day_names: Mapping[dt.date, str] | None = None,
    ) -> None:
        self.extra_days_off: frozenset[dt.date] = frozenset(extra_days_off)
        self._extra_names = dict(extra_day_names or {})
        # (first year, last year, sorted ordinals of working days in those years); replaced
        # as a whole when it grows, so a reader in another thread never sees a half state.
        self._range: tuple[int, int, list[int]] = (0, -1, [])

    # -- the cache --------------------------------------------------------------------

    def _days_off(self, year: int) -> set[int]:
        offs = {d.toordinal() for d in public_holidays(year)}
        offs.update(d.toordinal() for d in self.extra_days_off if d.year == year)
        return offs

    def _ensure(self, first: int, last: int) -> tuple[int, int, list[int]]:
        lo, hi, ordinals = self._range
        if lo <= first and last <= hi:
            return self._range
        if hi >= lo:  # grow around what we have; also covers a gap between the two
            first, last = min(first, lo), max(last, hi)
        ordinals = []
        for year in range(first, last + 1):
            off = self._days_off(year)
            start = dt.date(year, 1, 1).toordinal()
            end = dt.date(year, 12, 31).toordinal()
            # date.weekday() == (ordinal + 6) % 7, so Saturday/Sunday are 5 and 6.
            ordinals.extend(o for o in range(start, end + 1) if (o + 6) % 7 < 5 and o not in off)
        self._range = (first, last, ordinals)
        return self._range

    def _ordinals_around(self, d: dt.date) -> list[int]:
        # One year of margin on each side: stepping back over New Year stays in the list.
        return self._ensure(d.year - 1, d.year + 1)[2]

    # -- questions ---------------------------------------------------------------------

    def is_working_day(self, d: dt.date) -> bool:
        if d.weekday() >= 5:
            return False
        return d not in public_holidays(d.year) and d not in self.extra_days_off

    def holiday_name(self, d: dt.date) -> str | None:
        """Dutch name of the holiday or admin-entered day off on ``d``; None otherwise.

        Plain weekends have no name (None); callers word those with the weekday.
        """
        name = public_holidays(d.year).get(d)
        if name is not None:
            return name
        if d in self.extra_days_off:
            return self._extra_names.get(d, BRIDGE_DAY)
        return None

    def last_working_day_on_or_before(self, d: dt.date) -> dt.date:
        ordinals = self._ordinals_around(d)
        i = bisect_right(ordinals, d.toordinal())
        while i == 0:  # more than a year of days off in a row: only with absurd admin input
            ordinals = self._ensure(self._range[0] - 1, self._range[1])[2]
            i = bisect_right(ordinals, d.toordinal())
        return dt.date.fromordinal(ordinals[i - 1])

    def last_working_day_before(self, d: dt.date) -> dt.date:
        return self.last_working_day_on_or_before(d - dt.timedelta(days=1))

    def subtract_working_days(self, d: dt.date, n: int) -> dt.date:
        """The n-th working day strictly before ``d``; for n == 0 the last one on or before.

        So ``subtract_working_days(wednesday, 1)`` is Tuesday, and from a Sunday 1 working
        day back is the Friday. The result is always a working day.
        """
        if n < 0:
            raise ValueError("n must be zero or positive")
        if n == 0:
            return self.last_working_day_on_or_before(d)
        ordinals = self._ordinals_around(d)
        i = bisect_left(ordinals, d.toordinal())  # number of working days before d in cache
        while i - n < 0:
            # Only for large n: extend the cache backwards a year at a time.
            first, _, _ = self._range
            ordinals = self._ensure(first - 1, self._range[1])[2]
            i = bisect_left(ordinals, d.toordinal())
        return dt.date.fromordinal(ordinals[i - n])

    def subtract_working_days_each(self, d: dt.date, ns: Sequence[int]) -> list[dt.date]:
        """``[subtract_working_days(d, n) for n in ns]`` with one cache lookup (milestones)."""
        if not ns:
            return []
        if min(ns) < 0:
            raise ValueError("n must be zero or positive")
        deepest = max(ns)
        lo, hi, ordinals = self._range
        if not lo < d.year < hi:  # inline of _ordinals_around: this runs for every case
            ordinals = self._ordinals_around(d)
        before = bisect_left(ordinals, d.toordinal())
        if before - deepest < 0:
            return [self.subtract_working_days(d, n) for n in ns]  # rare: cross the cache edge
        on_or_before = bisect_right(ordinals, d.toordinal())
        return [dt.date.fromordinal(ordinals[before - n] if n else ordinals[on_or_before - 1]) for n in ns]

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Number of working days d with start < d <= end (0 if end <= start)."""
        if end <= start:
            return 0
        ordinals = self._ensure(start.year - 1, end.year + 1)[2]
        return bisect_right(ordinals, end.toordinal()) - bisect_right(ordinals, start.toordinal())
