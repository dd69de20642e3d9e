"""Which committee the Kamer means: its open data names a committee three ways.

An Activiteit carries ``Voortouwnaam`` ("vaste commissie voor Justitie en Veiligheid"),
``Voortouwafkorting`` ("J&V") and ``Voortouwkortenaam`` ("Justitie en Veiligheid"); a Zaak's
committee actor its full name and abbreviation. The committee records (name, abbreviation)
and the configured TK_EVENT_COMMITTEES may use any of them. Everything here compares all
three, case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import sqlalchemy as sa

from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Committee

#: the words before the subject in a committee's full name
_PREFIX_RE = re.compile(r"^(?:vaste|algemene|tijdelijke)?\s*commissie\s+(?:voor\s+)?(?:de\s+|het\s+)?", re.IGNORECASE)


def short_name(name: str) -> str:
    """The Kamer's short name of a committee: its full name without "vaste commissie voor"."""
    short = _PREFIX_RE.sub("", name.strip())
    return short[:1].upper() + short[1:] if short else name.strip()


def _key(value: str | None) -> str:
    return " ".join((value or "").split()).casefold()


def names_of(name: str | None, abbreviation: str | None = None, short: str | None = None) -> set[str]:
    """Every form (case-folded) a committee with these names is known by."""
    keys = {_key(name), _key(abbreviation), _key(short)}
    if name:
        keys.add(_key(short_name(name)))
    return keys - {""}


def find_committee(name: str | None, abbreviation: str | None = None, short: str | None = None) -> Committee | None:
    """The committee record known by any of these names (full, abbreviation, short name)."""
    wanted = names_of(name, abbreviation, short)
    if not wanted:
        return None
    for committee in db.session.scalars(sa.select(Committee).order_by(Committee.id)):
        if wanted & names_of(committee.name, committee.abbreviation):
            return committee
    return None


def committee_for(name: str | None, abbreviation: str | None = None) -> Committee | None:
    """The record of a Zaak's committee, matched on full name, abbreviation or short name;
    created (with the abbreviation) when the Kamer names one the register does not know."""
    if not name:
        return None
    found = find_committee(name, abbreviation)
    if found is None:
        found = Committee(name=name, abbreviation=abbreviation)
        db.session.add(found)
        db.session.flush()
    return found


def query_names(configured: Iterable[str]) -> list[str]:
    """The names to ask the Kamer for: each configured committee in all its forms, those
    the committee records add (a record's full name and abbreviation for "J&V"), in order."""
    out: dict[str, str] = {}
    records = list(db.session.scalars(sa.select(Committee).order_by(Committee.id)))
    for value in (v.strip() for v in configured):
        if not value:
            continue
        forms = [value]
        for committee in records:
            if _key(value) in names_of(committee.name, committee.abbreviation):
                forms += [committee.name, committee.abbreviation or "", short_name(committee.name)]
        if _key(value) != _key(short_name(value)):
            forms.append(short_name(value))
        for form in forms:
            if form and _key(form) not in out:
                out[_key(form)] = form
    return list(out.values())
