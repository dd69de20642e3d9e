"""A pure iCalendar (RFC 5545) feed builder: plain entries in, bytes out.

Each deadline becomes an all-day VEVENT. The UID comes from the case and the deadline kind,
never from the date: when an event moves or a postponement is recorded the deadline moves,
and a subscribed calendar then updates the existing entry instead of showing a stale copy
next to a new one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import icalendar

PRODID = "-//Parliament Tracker//Deadlines//NL"
UID_DOMAIN = "parliament-tracker"

# Control characters would break the content-line structure; TEXT values are escaped by
# icalendar, but URI values are written verbatim, so we refuse them there.
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True, slots=True)
class IcsEntry:
    uid: str
    date: dt.date
    summary: str
    description: str = ""
    url: str | None = None


def deadline_uid(case_id: int | str, deadline_kind: str, domain: str = UID_DOMAIN) -> str:
    """Stable UID for one deadline of one case, e.g. ``case-42-external@parliament-tracker``."""
    uid = f"case-{case_id}-{deadline_kind}@{domain}"
    if _CONTROL_RE.search(uid) or " " in uid:
        raise ValueError("UID parts must not contain spaces or control characters")
    return uid


def _text(value: str) -> icalendar.prop.vInline:
    """A TEXT value escaped per RFC 5545 §3.3.11. icalendar's own escaping reads a literal
    backslash-N in the text as an escaped newline, so the text would not come back as written."""
    escaped = (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )
    return icalendar.prop.vInline(escaped)


def build_ics(
    entries: Iterable[IcsEntry],
    calendar_name: str,
    *,
    stamp: dt.datetime | None = None,
) -> bytes:
    """Serialise ``entries`` as a VCALENDAR with all-day events.

    ``stamp`` is the DTSTAMP of every event (the time the feed was generated); it defaults
    to now and can be passed for reproducible output. It must be timezone-aware.
    """
    if stamp is None:
        stamp = dt.datetime.now(dt.UTC)
    elif stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", _text(calendar_name))
    cal.add("x-wr-calname", _text(calendar_name))

    seen: set[str] = set()
    for entry in entries:
        if entry.uid in seen:
            raise ValueError(f"duplicate UID {entry.uid!r}")
        seen.add(entry.uid)
        event = icalendar.Event()
        event.add("uid", entry.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.date)
        # DTEND is exclusive for all-day events: the next day.
        event.add("dtend", entry.date + dt.timedelta(days=1))
        event.add("summary", _text(entry.summary))
        if entry.description:
            event.add("description", _text(entry.description))
        if entry.url:
            if _CONTROL_RE.search(entry.url):
                raise ValueError("URL must not contain control characters")
            event.add("url", entry.url)
        # Deadlines are reminders, not appointments: do not block the day in free/busy.
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
