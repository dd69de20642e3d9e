"""Deadline explanations in the reader's language (issue 17): the engine's Dutch grammar, every
phrase of it, rendered in English for an English page, with the same dates."""

from __future__ import annotations

import datetime as dt
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from parliament_tracker.cases.kinds import kind_values
from parliament_tracker.deadlines.rules import CaseFacts, Event, compute_deadlines
from parliament_tracker.deadlines.wording import in_english, in_language
from parliament_tracker.deadlines.workdays import WorkingCalendar

CAL = WorkingCalendar()
EVENT = "Begrotingsbehandeling JenV"
RECESS = "Kerstreces"
#: the engine's Dutch words; none may be left in English (the event and recess names aside)
DUTCH = re.compile(
    r"\b(uitstelbericht|ingezonden|ontvangen|werkdagen?|weken|dagen|dag|vóór|verzonden|verstrijken|termijn|datum|reces|"
    r"commissie|uiterlijk|eerste|laatste|valt|ligt|instelling|standaardinstelling|concept|gereed|goedkeuring|ondertekening|"
    r"Reglement|gebruikelijke|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|januari|februari|maart|mei|juni|"
    r"juli|augustus|oktober|controleer|haalbaar|vergadert|Kerstdag|Pinksteren|Koningsdag|Hemelvaartsdag|Paasmaandag|Nieuwjaarsdag)\b"
)
DATE = re.compile(r"\b(\d{1,2}) ([A-Za-z]+) (\d{4})\b")


def _texts(facts: CaseFacts) -> list[str]:
    recess = (RECESS, facts.received_on + dt.timedelta(days=10), facts.received_on + dt.timedelta(days=30))
    out = []
    for d in compute_deadlines(facts, calendar=CAL, recesses=[recess]):
        out += [d.explanation, *d.warnings]
    return out


def _check(text: str) -> None:
    english = in_english(text)
    left = DUTCH.findall(english.replace(EVENT, "").replace(RECESS, ""))
    assert not left, f"{text!r}\n -> {english!r}: {left}"
    assert len(DATE.findall(english)) == len(DATE.findall(text))


def test_a_known_explanation():
    text = "ingezonden vrijdag 5 november 2021 + 3 weken (Reglement van Orde) = vrijdag 26 november 2021"
    assert in_english(text) == "submitted Friday 5 November 2021 + 3 weeks (Rules of Procedure) = Friday 26 November 2021"
    assert in_language(text, "nl") == text and in_language(text, "en") == in_english(text)


def test_holidays_are_named_in_english():
    text = "gevraagde datum: zaterdag 25 december 2021; valt op Eerste Kerstdag (zaterdag 25 december 2021); laatste werkdag ervoor: vrijdag 24 december 2021"
    english = in_english(text)
    assert "Christmas" in english and "Kerstdag" not in english, english


@settings(max_examples=300, deadline=None)
@given(
    kind=st.sampled_from(sorted(kind_values())),
    received=st.dates(dt.date(2020, 1, 1), dt.date(2027, 12, 31)),
    offset=st.integers(-10, 60),
    postponed=st.one_of(st.none(), st.integers(-5, 40)),
    with_event=st.booleans(),
    answered=st.booleans(),
)
def test_every_explanation_and_warning_reads_in_english(kind, received, offset, postponed, with_event, answered):
    other = received + dt.timedelta(days=offset)
    facts = CaseFacts(
        kind,
        received,
        committee_due_on=other if kind == "committee_request" and offset % 2 else None,
        given_due_on=other if kind != "committee_request" and offset % 2 else None,
        postponed_on=received + dt.timedelta(days=postponed) if postponed is not None and kind == "written_questions" else None,
        event=Event(EVENT, other, other - dt.timedelta(days=1) if offset % 3 == 0 else None) if with_event else None,
        answered=answered,
    )
    for text in _texts(facts):
        _check(text)
