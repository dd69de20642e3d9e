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

PRODID = "-//Parliament Tracker//Deadlines//NL"
UID_DOMAIN = "parliament-tracker"

# Control characters would break the content-line structure; TEXT values are escaped, but URI
# values are written verbatim, so we refuse them there.
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


#: the UID kind of a case's binding answer entry, whichever rule makes the date binding
BINDING_UID_KIND = "external"
#: a summary longer than this is shortened, with an ellipsis
SUMMARY_LENGTH = 120


def entry_uid(case_id: int | str, deadline_kind: str, is_binding: bool) -> str:
    """The UID of a deadline's entry: the binding answer date keeps one UID per case.

    A postponement (external -> postponed_external), a linked event or a committee date
    changes which rule gives the binding date; with a UID per kind a calendar that imported
    the feed kept the old entry beside the new one. "external" is the UID the entry had
    before (a case's first binding date is usually its term). Milestones keep their own.
    """
    return deadline_uid(case_id, BINDING_UID_KIND if is_binding else deadline_kind)


def shorten(text: str, limit: int = SUMMARY_LENGTH) -> str:
    """``text`` in at most ``limit`` characters: cut at a word where one is near, with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,;:–-") + "…"


def _text(value: str) -> str:
    """A TEXT value escaped per RFC 5545 §3.3.11 (backslash, semicolon, comma, newline)."""
    return (
        value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n").replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 §3.1) without splitting a UTF-8 character."""
    data = line.encode()
    if len(data) <= 75:
        return line
    parts: list[bytes] = []
    start, limit = 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # never cut inside a multi-byte character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74  # continuation lines start with a space
    parts.append(data[start:])
    return b"\r\n ".join(parts).decode()


def build_ics(
    entries: Iterable[IcsEntry],
    calendar_name: str,
    *,
    stamp: dt.datetime | None = None,
) -> bytes:
    """An iCalendar feed of all-day events, one per entry.

    Written directly rather than through the ``icalendar`` package: a directorate's feed has
    thousands of events, and building component objects cost about ten times as much. The
    tests parse the output with ``icalendar``.
    """
    if stamp is None:
        stamp = dt.datetime.now(dt.UTC)
    elif stamp.tzinfo is None:
        raise ValueError("stamp must be timezone-aware")
    stamp_text = stamp.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    name = _text(calendar_name)
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{PRODID}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        _fold(f"NAME:{name}"),
        _fold(f"X-WR-CALNAME:{name}"),
    ]
    seen: set[str] = set()
    for entry in entries:
        if entry.uid in seen:
            raise ValueError(f"duplicate UID {entry.uid!r}")
        seen.add(entry.uid)
        lines.append("BEGIN:VEVENT")
        lines.append(_fold(f"UID:{_text(entry.uid)}"))
        lines.append(f"DTSTAMP:{stamp_text}")
        lines.append(f"DTSTART;VALUE=DATE:{entry.date:%Y%m%d}")
        # DTEND is exclusive for all-day events: the next day.
        lines.append(f"DTEND;VALUE=DATE:{entry.date + dt.timedelta(days=1):%Y%m%d}")
        lines.append(_fold(f"SUMMARY:{_text(entry.summary)}"))
        if entry.description:
            lines.append(_fold(f"DESCRIPTION:{_text(entry.description)}"))
        if entry.url:
            if _CONTROL_RE.search(entry.url):
                raise ValueError("URL must not contain control characters")
            lines.append(_fold(f"URL:{entry.url}"))
        # Deadlines are reminders, not appointments: do not block the day in free/busy.
        lines.append("TRANSP:TRANSPARENT")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()
