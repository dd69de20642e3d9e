"""Pure mapping from Tweede Kamer records to the tracker's own plain data.

No database and no Flask: ``ZaakData``/``ActivityData`` are what an importer turns into Case rows.
``zaak_data_from_api``/``activity_data_from_api`` take the API's JSON dicts directly;
``to_zaak_data``/``to_activity_data`` take the client's parsed records.

Kind values and the Zaak.Soort values each kind imports from come from the kind table
(``parliament_tracker.cases.kinds``, pure like this module).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from parliament_tracker.cases.kinds import FALLBACK, CaseKind, kind_by_soort
from parliament_tracker.cases.kinds import KINDS as KIND_TABLE
from parliament_tracker.tk import records
from parliament_tracker.tk.timestamps import dutch_date

DEFAULT_RESOURCE_BASE = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"

# Kind values: ``cases.kinds.CaseKind`` members are ``str``s, so callers compare plain strings.
WRITTEN_QUESTIONS = CaseKind.written_questions.value
COMMITTEE_REQUEST = CaseKind.committee_request.value
OTHER = FALLBACK.value
KINDS = tuple(KIND_TABLE)

# Exact Zaak.Soort values, compared case-insensitively (``tk_soorten`` in the kind table). Exact on
# purpose: a prefix "Verzoek" would also catch "Verzoekschrift" (a citizens' petition) and the
# plenary "Verzoek bij regeling ...".
_KIND_BY_SOORT = kind_by_soort()
# DOMAIN §1.7: the Zaak.Soort of a committee request is uncertain, so a committee letter to a
# minister among the documents also makes it a committee request.
_COMMITTEE_LETTER_SOORT = "brief commissie aan bewindspersoon"

_ANSWER_PREFIX = "antwoord schriftelijke vragen"  # also "... (nader)", a supplementary answer
_POSTPONEMENT_SOORT = "mededeling (uitstel antwoord)"
_NOTICE_SOORT = "mededeling"
_WITHDRAWN_WORD = "ingetrokken"


@dataclass(frozen=True, slots=True)
class DocumentRef:
    number: str | None  # DocumentNummer, e.g. 2021D99601
    soort: str
    date: date | None  # Dutch calendar date
    title: str | None
    url: str  # the file (PDF/DOCX): <service root>Document(<guid>)/resource


@dataclass(frozen=True, slots=True)
class ZaakData:
    reference: str  # Zaak number, e.g. 2021Z19601
    kind: str  # one of KINDS
    subject: str
    received_on: date | None  # GestartOp as a Dutch date
    members: tuple[tuple[str, str | None], ...]  # (name, party): Indiener first, then Medeindieners
    committee: str | None  # Voortouwcommissie (or the committee that submitted it)
    addressed_to_offices: tuple[str, ...]  # Functie of each "Gericht aan" actor
    dossier: str | None  # "35925-VI" when Kamerstukdossier was expanded
    documents: tuple[DocumentRef, ...]
    answered_on: date | None = None  # first "Antwoord schriftelijke vragen[ (nader)]"
    postponed_on: date | None = None  # first "Mededeling (uitstel antwoord)"
    withdrawn_on: date | None = None  # "Mededeling" whose subject says "ingetrokken"
    closed: bool = False  # Zaak.Afgedaan, as TK sees it
    tk_soort: str = ""  # the raw Zaak.Soort, kept because "other" hides it
    changed_at: datetime | None = None  # ApiGewijzigdOp: the sync watermark
    committee_abbreviation: str | None = None  # the committee actor's ActorAfkorting, e.g. "J&V"


@dataclass(frozen=True, slots=True)
class ActivityData:
    number: str  # e.g. 2021A99001
    kind: str  # budget_debate, committee_debate, plenary_debate, procedure_meeting, ..., other
    name: str  # Onderwerp
    starts_on: date | None  # None when TK has no date yet ("Nog geen datum bekend")
    ends_on: date | None
    status: str | None  # Gepland / Uitgevoerd / Verplaatst / Geannuleerd, as TK writes it
    committee: str | None  # Voortouwnaam; "Tweede Kamer" for plenary activities
    starts_at: datetime | None = None
    tk_soort: str = ""
    zaak_numbers: tuple[str, ...] = ()

    @property
    def is_moved(self) -> bool:
        return (self.status or "").casefold() == "verplaatst"

    @property
    def is_cancelled(self) -> bool:
        return (self.status or "").casefold() == "geannuleerd"


# -- kinds --------------------------------------------------------------------------------------


def kind_for_soort(soort: str | None) -> str:
    """The tracker kind of a TK Zaak.Soort (free text), ``other`` when unknown."""
    return _KIND_BY_SOORT.get(" ".join((soort or "").split()).casefold(), OTHER)


def _kind_for_zaak(zaak: records.Zaak) -> str:
    kind = kind_for_soort(zaak.soort)
    if kind == OTHER and any(d.soort.casefold() == _COMMITTEE_LETTER_SOORT for d in zaak.documents):
        return COMMITTEE_REQUEST
    return kind


# -- offices ------------------------------------------------------------------------------------


def normalise_office(text: str | None) -> str:
    """Lower-case, single-spaced office title without a leading "de" or trailing punctuation.

    "De Staatssecretaris van Justitie en Veiligheid," -> "staatssecretaris van justitie en veiligheid"
    """
    value = " ".join((text or "").replace("\u00a0", " ").split()).casefold()
    value = value.strip(" ,.;:")
    if value.startswith("de "):
        value = value[3:]
    return value


def signatory_matches(functie: str | None, office_title: str | None) -> bool:
    """Whether a TK ``Functie`` names the same office as the tracker's signatory title.

    ``signatory_matches("staatssecretaris van Justitie en Veiligheid",
    "De Staatssecretaris van Justitie en Veiligheid")`` is True. Whole titles must match: the
    minister and the staatssecretaris of one ministry are different signatories.
    """
    left, right = normalise_office(functie), normalise_office(office_title)
    return bool(left) and left == right


def is_addressed_to(offices: Iterable[str], needles: Iterable[str]) -> bool:
    """Whether one of a Zaak's "Gericht aan" offices contains one of the (normalised) needles."""
    normalised = [normalise_office(o) for o in offices]
    return any(needle in office for needle in needles for office in normalised)


# -- Zaak ---------------------------------------------------------------------------------------


def document_url(document_id: str, resource_base: str = DEFAULT_RESOURCE_BASE) -> str:
    base = resource_base if resource_base.endswith("/") else resource_base + "/"
    return f"{base}Document({document_id})/resource"


def _first_date(documents: Iterable[records.Document], matches: Any) -> date | None:
    dates = [dutch_date(d.date) for d in documents if d.date is not None and matches(d)]
    return min((d for d in dates if d is not None), default=None)


def _is_answer(doc: records.Document) -> bool:
    return doc.soort.casefold().startswith(_ANSWER_PREFIX)


def _is_postponement(doc: records.Document) -> bool:
    return doc.soort.casefold() == _POSTPONEMENT_SOORT


def _is_withdrawal(doc: records.Document) -> bool:
    if doc.soort.casefold() != _NOTICE_SOORT:
        return False
    text = f"{doc.subject or ''} {doc.title or ''}".casefold()
    return _WITHDRAWN_WORD in text


def reconcile(documents: Iterable[records.Document]) -> tuple[date | None, date | None, date | None]:
    """(answered_on, postponed_on, withdrawn_on) from a Zaak's documents; the first of each."""
    documents = list(documents)
    return (
        _first_date(documents, _is_answer),
        _first_date(documents, _is_postponement),
        _first_date(documents, _is_withdrawal),
    )


def _actors(zaak: records.Zaak, relation: str) -> list[records.ZaakActor]:
    return [a for a in zaak.actors if a.relation.casefold() == relation]


def addressed_offices(zaak: records.Zaak) -> tuple[str, ...]:
    """The offices a Zaak is addressed to ("Gericht aan": the Functie, else the name), once each."""
    return tuple(dict.fromkeys(a.function or a.name for a in _actors(zaak, "gericht aan")))


def to_zaak_data(zaak: records.Zaak, *, resource_base: str = DEFAULT_RESOURCE_BASE) -> ZaakData:
    submitters = _actors(zaak, "indiener") + _actors(zaak, "medeindiener")
    members = tuple(dict.fromkeys((a.name, a.party) for a in submitters if not a.is_committee))
    leading = _actors(zaak, "voortouwcommissie") or [a for a in submitters if a.is_committee]
    offices = addressed_offices(zaak)
    documents = sorted(zaak.documents, key=lambda d: (d.date is None, d.date or datetime.min, d.number or ""))
    answered_on, postponed_on, withdrawn_on = reconcile(documents)
    return ZaakData(
        reference=zaak.number,
        kind=_kind_for_zaak(zaak),
        subject=zaak.subject or zaak.title or "",
        received_on=dutch_date(zaak.started_at),
        members=members,
        committee=leading[0].name if leading else None,
        committee_abbreviation=leading[0].abbreviation if leading else None,
        addressed_to_offices=offices,
        dossier=zaak.dossiers[0].reference if zaak.dossiers else None,
        documents=tuple(
            DocumentRef(
                number=d.number,
                soort=d.soort,
                date=dutch_date(d.date),
                title=d.title or d.subject,
                url=document_url(d.id, resource_base),
            )
            for d in documents
        ),
        answered_on=answered_on,
        postponed_on=postponed_on,
        withdrawn_on=withdrawn_on,
        closed=zaak.closed,
        tk_soort=zaak.soort,
        changed_at=zaak.changed_at,
    )


def zaak_data_from_api(record: Mapping[str, Any], *, resource_base: str = DEFAULT_RESOURCE_BASE) -> ZaakData:
    """Map one Zaak JSON record (``$expand=ZaakActor,Document``) straight to ``ZaakData``."""
    return to_zaak_data(records.parse_zaak(record), resource_base=resource_base)


# -- Activiteit ---------------------------------------------------------------------------------

_ACTIVITY_KIND_BY_SOORT = {
    "commissiedebat": "committee_debate",
    "procedurevergadering": "procedure_meeting",
    "begrotingsoverleg": "budget_debate",
    "wetgevingsoverleg": "legislative_meeting",
    "notaoverleg": "legislative_meeting",
    "regeling van werkzaamheden": "plenary_business",
    "inbreng feitelijke vragen": "written_round",
    "inbreng schriftelijk overleg": "written_round",
    "e-mailprocedure": "written_round",
    "vragenuur": "question_hour",
    "technische briefing": "briefing",
}


def activity_kind(soort: str | None, subject: str | None) -> str:
    """Category of an Activiteit. Budget debates are plenary debates about a "Begroting"."""
    key = " ".join((soort or "").split()).casefold()
    if key.startswith("plenair debat"):
        return "budget_debate" if "begroting" in (subject or "").casefold() else "plenary_debate"
    return _ACTIVITY_KIND_BY_SOORT.get(key, "other")


def to_activity_data(activity: records.Activiteit) -> ActivityData:
    undated = (activity.date_kind or "").casefold() == "nog geen datum bekend"
    start = activity.starts_at or activity.date
    end = activity.ends_at or start
    return ActivityData(
        number=activity.number,
        kind=activity_kind(activity.soort, activity.subject),
        name=activity.subject or activity.soort,
        starts_on=None if undated else dutch_date(start),
        ends_on=None if undated else dutch_date(end),
        status=activity.status,
        committee=activity.committee,
        starts_at=None if undated else activity.starts_at,
        tk_soort=activity.soort,
        zaak_numbers=activity.zaak_numbers,
    )


def activity_data_from_api(record: Mapping[str, Any]) -> ActivityData:
    return to_activity_data(records.parse_activiteit(record))
