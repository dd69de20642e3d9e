"""Deadline explanations and warnings in the reader's language.

The rules engine (``rules.py``) writes its explanations in Dutch on purpose: they are stored
with each deadline and quoted in letters, reminders and the API. They come from a small, fixed
grammar (``rules.py``, ``dutch.py``, the milestone sources in ``rule_settings.py`` and the
recompute in ``services.py``), so a page in English renders them in English from that grammar:
the phrases below, the dates in English and the public holidays by their English names. Names
that are data (a debate, a recess, a day off the ministry added) stay as they are.

Pure: no Flask, no database.
"""

from __future__ import annotations

import re
from functools import lru_cache

import holidays

from parliament_tracker.deadlines.dutch import MONTHS, WEEKDAYS

_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
_LONG_DATE = re.compile(rf"\b({'|'.join(WEEKDAYS)}) (\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})\b")

#: (Dutch, English) phrases of the engine's grammar, longest first where one contains another
_PHRASES: tuple[tuple[str, str], ...] = (
    ("uitstelbericht vóór het verstrijken van de termijn: ", "postponement notice before the term ends: "),
    (", na het verstrijken van de termijn", ", after the term ended"),
    ("uitstelbericht verzonden op ", "postponement notice sent on "),
    ("uitstelbericht gedateerd vóór de indiening ", "postponement notice dated before the questions were submitted "),
    ("; controleer de datum", "; check the date"),
    ("; verzonden op ", "; sent on "),
    ("; Reglement van Orde)", "; Rules of Procedure)"),
    ("(Reglement van Orde)", "(Rules of Procedure)"),
    ("(uitstelbericht ", "(postponement notice "),
    ("ingezonden ", "submitted "),
    ("uiterlijk op de eerste dag van ", "at the latest on the first day of "),
    ("laatste werkdag vóór ", "last working day before "),
    (" begint niet na de ontvangstdatum; controleer de koppeling", " does not start after the date received; check the link"),
    ("einddatum van ", "the end date of "),
    (" ligt vóór de begindatum", " is before its start date"),
    ("datum gevraagd door de commissie: ", "date asked by the committee: "),
    ("(gebruikelijke termijn)", "(usual term)"),
    ("ontvangen ", "received "),
    ("opgegeven datum: ", "date given: "),
    ("toegezegde datum: ", "date promised: "),
    ("datum uit de motie: ", "date in the motion: "),
    ("gevraagde datum: ", "date asked: "),
    ("; valt op ", "; falls on "),
    ("; laatste werkdag ervoor: ", "; last working day before it: "),
    ("valt in het reces: ", "falls in the recess: "),
    ("; de Kamer vergadert dan niet", "; the Kamer does not meet then"),
    ("concept gereed: ", "draft ready: "),
    ("goedkeuring gereed: ", "approval ready: "),
    ("ondertekening: ", "signature: "),
    (" vóór de handmatig vastgestelde uiterste datum ", " before the final date set by hand "),
    (" vóór de uiterste datum ", " before the final date "),
    ("(instelling voor de ondertekenaar)", "(setting for the signatory)"),
    ("(instelling voor dit soort zaak)", "(setting for this kind of case)"),
    ("(standaardinstelling)", "(default setting)"),
    ("ligt vóór de ontvangstdatum ", "is before the date received "),
    ("; niet haalbaar", "; not feasible"),
    (" t/m ", " to "),
    (" vóór ", " before "),
    ("brugdag", "bridge day"),
)
_COUNTS = (
    (re.compile(r"\b1 werkdag\b"), "1 working day"),
    (re.compile(r"\b(\d+) werkdagen\b"), r"\1 working days"),
    (re.compile(r"\b1 week\b"), "1 week"),
    (re.compile(r"\b(\d+) weken\b"), r"\1 weeks"),
    (re.compile(r"\b1 dag\b"), "1 day"),
    (re.compile(r"\b(\d+) dagen\b"), r"\1 days"),
)


@lru_cache(maxsize=64)
def _holiday_names(year: int) -> dict[str, str]:
    """The Dutch public holidays' Dutch names -> their English names, for one year."""
    dutch = holidays.NL(years=year, language="nl")
    english = holidays.NL(years=year, language="en_US")
    return {name: english.get(day, name) for day, name in dutch.items() if name}


def _english_date(match: re.Match[str]) -> str:
    weekday, day, month, year = match.groups()
    return f"{_EN_WEEKDAYS[WEEKDAYS.index(weekday)]} {int(day)} {_EN_MONTHS[MONTHS.index(month)]} {year}"


@lru_cache(maxsize=8192)
def in_english(text: str) -> str:
    """An explanation or warning of the rules engine, in English."""
    years = {int(y) for y in re.findall(r"\b(\d{4})\b", text)}
    for year in sorted(years):
        for dutch, english in _holiday_names(year).items():
            text = re.sub(rf"(?i)\b{re.escape(dutch)}\b", english, text) if dutch.lower() in text.lower() else text
    for dutch, english in _PHRASES:
        text = text.replace(dutch, english)
    for pattern, english in _COUNTS:
        text = pattern.sub(english, text)
    return _LONG_DATE.sub(_english_date, text)


def in_language(text: str, locale: str) -> str:
    """``text`` (the engine's Dutch) in ``locale``: Dutch as it is, anything else in English."""
    if not text or locale.startswith("nl"):
        return text
    return in_english(text)

