"""The ICS feed builder: structure, escaping, stable UIDs."""

from __future__ import annotations

import datetime as dt

import icalendar
import pytest
import time_machine

from parliament_tracker.deadlines.ics import IcsEntry, build_ics, deadline_uid

STAMP = dt.datetime(2021, 11, 22, 8, 30, tzinfo=dt.UTC)


def seed_entries(due: dt.date = dt.date(2021, 11, 26)) -> list[IcsEntry]:
    return [
        IcsEntry(
            deadline_uid(42, "external"),
            due,
            "2021Z19601: antwoorden Kamervragen, uiterlijk; Podt (D66)",
            "ingezonden vrijdag 5 november 2021 + 3 weken (Reglement van Orde) = vrijdag 26 november 2021"
            "\nregel 2 \\ einde",
            "https://tracker.example/cases/42?tab=deadlines",
        ),
        IcsEntry(deadline_uid(42, "before_event"), dt.date(2021, 11, 23), "2021Z19601: vóór begrotingsbehandeling"),
    ]


def test_all_day_events_with_escaping_round_trip() -> None:
    raw = build_ics(seed_entries(), "Termijnen JenV, DGM; test", stamp=STAMP)
    assert raw.startswith(b"BEGIN:VCALENDAR\r\n")
    # TEXT values escape commas and semicolons, including the calendar name
    assert b"X-WR-CALNAME:Termijnen JenV\\, DGM\\; test\r\n" in raw
    assert b"SUMMARY:2021Z19601: antwoorden Kamervragen\\, uiterlijk\\; Podt (D66)" in raw
    cal = icalendar.Calendar.from_ical(raw)
    events = cal.events
    assert [str(e["uid"]) for e in events] == [
        "case-42-external@parliament-tracker",
        "case-42-before_event@parliament-tracker",
    ]
    first = events[0]
    assert first["dtstart"].dt == dt.date(2021, 11, 26)
    assert not isinstance(first["dtstart"].dt, dt.datetime)  # all-day
    assert first["dtend"].dt == dt.date(2021, 11, 27)
    assert first["dtstamp"].dt == STAMP
    assert str(first["summary"]) == "2021Z19601: antwoorden Kamervragen, uiterlijk; Podt (D66)"
    assert str(first["description"]).endswith("\nregel 2 \\ einde")
    assert str(first["url"]) == "https://tracker.example/cases/42?tab=deadlines"
    assert "description" not in events[1] and "url" not in events[1]
    assert str(cal["version"]) == "2.0" and "prodid" in cal


def test_long_lines_are_folded() -> None:
    entry = IcsEntry(deadline_uid(1, "external"), dt.date(2022, 1, 3), "x" * 200, "é" * 120)
    raw = build_ics([entry], "c", stamp=STAMP)
    assert max(len(line) for line in raw.split(b"\r\n")) <= 75
    assert str(icalendar.Calendar.from_ical(raw).events[0]["description"]) == "é" * 120


def test_uid_does_not_depend_on_the_date() -> None:
    before = icalendar.Calendar.from_ical(build_ics(seed_entries(dt.date(2021, 11, 26)), "c", stamp=STAMP))
    after = icalendar.Calendar.from_ical(build_ics(seed_entries(dt.date(2021, 12, 17)), "c", stamp=STAMP))
    assert [str(e["uid"]) for e in before.events] == [str(e["uid"]) for e in after.events]
    assert after.events[0]["dtstart"].dt == dt.date(2021, 12, 17)


def test_dtstamp_defaults_to_now() -> None:
    with time_machine.travel(dt.datetime(2021, 11, 22, 9, 15, 7, 123456, tzinfo=dt.UTC), tick=False):
        raw = build_ics(seed_entries(), "c")
    assert b"DTSTAMP:20211122T091507Z" in raw


def test_deadline_uid_rejects_spaces() -> None:
    assert deadline_uid("2021Z19601", "external") == "case-2021Z19601-external@parliament-tracker"
    with pytest.raises(ValueError):
        deadline_uid("a b", "external")


def test_bad_input_rejected() -> None:
    with pytest.raises(ValueError):
        build_ics(seed_entries() + seed_entries(), "c", stamp=STAMP)  # duplicate UIDs
    with pytest.raises(ValueError):
        build_ics([IcsEntry("u", dt.date(2021, 1, 4), "s", url="https://x/\r\nX-EVIL:1")], "c", stamp=STAMP)
    with pytest.raises(ValueError):
        build_ics([], "c", stamp=dt.datetime(2021, 1, 1))  # naive


def test_backslash_n_in_text_round_trips():
    """Found by hypothesis: icalendar's own escaping turned a literal backslash-N into a newline."""
    import datetime as dt

    import icalendar

    from parliament_tracker.deadlines.ics import IcsEntry, build_ics

    raw = build_ics([IcsEntry(uid="case-1-external@t", date=dt.date(2021, 11, 26), summary="a\\Nb; c,d", description="x\ny\\n")], "Feed")
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["summary"]) == "a\\Nb; c,d"
    assert str(event["description"]) == "x\ny\\n"


def test_long_lines_are_folded_at_75_octets_without_splitting_characters():
    import datetime as dt

    import icalendar

    from parliament_tracker.deadlines.ics import IcsEntry, build_ics

    subject = "Vragen over «angstcultuur» bij de IND " * 6
    raw = build_ics([IcsEntry(uid="case-7-external@t", date=dt.date(2021, 11, 26), summary=subject, description="é" * 120)], "Feed")
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    raw.decode("utf-8")  # no character split across a fold
    event = icalendar.Calendar.from_ical(raw).walk("VEVENT")[0]
    assert str(event["summary"]) == subject and str(event["description"]) == "é" * 120


def test_the_binding_answer_entry_keeps_one_uid_whatever_rule_binds_it() -> None:
    from parliament_tracker.deadlines.ics import entry_uid

    uids = {entry_uid(39, kind, True) for kind in ("external", "postponed_external", "before_event", "committee_date")}
    assert uids == {"case-39-external@parliament-tracker"}
    assert entry_uid(39, "internal_draft", False) == "case-39-internal_draft@parliament-tracker"


def test_long_summaries_are_shortened_with_an_ellipsis() -> None:
    from parliament_tracker.deadlines.ics import shorten

    assert shorten("2021Z19601: Uiterste antwoorddatum – kort") == "2021Z19601: Uiterste antwoorddatum – kort"
    long = "2021Z19601: Uiterste antwoorddatum – " + "Vragen over het bericht over een lange reeks gebeurtenissen " * 4
    short = shorten(long)
    assert len(short) <= 120 and short.endswith("…") and not short.endswith(" …")
    assert long.startswith(short[:-1]) and long[len(short) - 1] == " "  # cut between words
    assert shorten("x" * 300) == "x" * 119 + "…"
    assert shorten("a\n  b") == "a b"  # one line
