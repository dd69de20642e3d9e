"""Typed, read-only mirrors of the OData entities we use: Zaak, ZaakActor, Document, Activiteit.

This is the ONLY module that knows the API's JSON key names. The client turns each JSON record
into one of these dataclasses; ``mapping`` turns them into the product's own data. Attribute names
are English; the TK vocabulary values (``soort``, ``relation``: "Gericht aan", ...) stay as the API
writes them because they are free text that grows over time (DOMAIN §1.4).

Deleted rows (``Verwijderd: true``) inside an expansion are dropped here: the ``$filter`` on the
top-level entity does not reach expanded collections.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from parliament_tracker.tk.errors import TKBadResponse
from parliament_tracker.tk.timestamps import parse_timestamp

JSON = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class ZaakActor:
    relation: str  # Relatie: Indiener, Medeindiener, Gericht aan, Voortouwcommissie, ...
    name: str  # ActorNaam: "Podt", "vaste commissie voor Justitie en Veiligheid"
    party: str | None = None  # ActorFractie, e.g. "D66"
    function: str | None = None  # Functie, e.g. "staatssecretaris van Justitie en Veiligheid"
    abbreviation: str | None = None  # ActorAfkorting (committees), e.g. "J&V"
    person_id: str | None = None
    committee_id: str | None = None

    @property
    def is_committee(self) -> bool:
        return self.committee_id is not None and self.person_id is None


@dataclass(frozen=True, slots=True)
class Document:
    id: str
    number: str | None  # DocumentNummer, e.g. 2021D99601
    soort: str  # "Schriftelijke vragen", "Antwoord schriftelijke vragen", ...
    title: str | None
    subject: str | None
    date: datetime | None  # Datum
    appendix_number: str | None = None  # Aanhangselnummer


@dataclass(frozen=True, slots=True)
class Dossier:
    number: int  # Kamerstukdossier.Nummer, e.g. 35925
    suffix: str | None  # Toevoeging, e.g. "VI"
    title: str | None

    @property
    def reference(self) -> str:
        """``35925-VI`` (the tracker's format) or ``35925``."""
        return f"{self.number}-{self.suffix}" if self.suffix else str(self.number)


@dataclass(frozen=True, slots=True)
class Zaak:
    id: str
    number: str  # Nummer, e.g. 2021Z19601
    soort: str  # Soort, e.g. "Schriftelijke vragen", "Brief commissie"
    title: str | None
    subject: str | None  # Onderwerp
    started_at: datetime | None  # GestartOp: submission date for written questions
    changed_at: datetime | None  # ApiGewijzigdOp: use as sync watermark
    closed: bool  # Afgedaan
    deadline_hint: datetime | None = None  # Termijn: often empty, a hint only (DOMAIN §1.3)
    actors: tuple[ZaakActor, ...] = ()
    documents: tuple[Document, ...] = ()
    dossiers: tuple[Dossier, ...] = ()
    # Which navigation properties were present in the JSON, so callers can tell "no documents"
    # from "documents not requested".
    expanded: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True, slots=True)
class Activiteit:
    id: str
    number: str  # Nummer, e.g. 2021A99001
    soort: str  # Commissiedebat, Plenair debat, Procedurevergadering, ...
    subject: str | None  # Onderwerp
    date_kind: str | None  # DatumSoort: Dag, Meerdaags, Weeknummer, Nog geen datum bekend
    date: datetime | None  # Datum
    starts_at: datetime | None  # Aanvangstijd
    ends_at: datetime | None  # Eindtijd
    status: str | None  # Gepland, Uitgevoerd, Geannuleerd, Verplaatst
    committee: str | None  # Voortouwnaam
    committee_abbreviation: str | None  # Voortouwafkorting
    committee_id: str | None  # Voortouwcommissie_Id
    location: str | None = None
    committee_short_name: str | None = None  # Voortouwkortenaam
    changed_at: datetime | None = None
    zaak_numbers: tuple[str, ...] = ()


def is_deleted(record: JSON) -> bool:
    return record.get("Verwijderd") is True


def _text(record: JSON, key: str) -> str | None:
    value = record.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TKBadResponse(detail=f"field {key} is {type(value).__name__}, expected text: Id={record.get('Id')!r}")
    value = value.strip()
    return value or None


def _required_text(record: JSON, key: str, entity: str) -> str:
    value = _text(record, key)
    if value is None:
        raise TKBadResponse(detail=f"{entity} record without {key}: Id={record.get('Id')!r}")
    return value


def _timestamp(record: JSON, key: str) -> datetime | None:
    try:
        return parse_timestamp(record.get(key))
    except ValueError as exc:
        raise TKBadResponse(detail=f"field {key}: {exc}: Id={record.get('Id')!r}") from exc


def _expansion(record: JSON, key: str) -> list[JSON]:
    """An expanded navigation property as a list of live (not deleted) records.

    OData exposes some 0..1 relations as collections (Kamerstukdossier, DOMAIN §1.2), and a
    single-valued navigation comes as an object or null: accept all three.
    """
    value = record.get(key)
    if value is None:
        return []
    if isinstance(value, Mapping):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise TKBadResponse(detail=f"expanded {key} is not a list of records: Id={record.get('Id')!r}")
    return [item for item in value if not is_deleted(item)]


def parse_zaak_actor(record: JSON) -> ZaakActor | None:
    """``None`` for placeholder rows that carry little more than an Id (DOMAIN §1.1)."""
    relation = _text(record, "Relatie")
    name = _text(record, "ActorNaam")
    if relation is None or name is None:
        return None
    return ZaakActor(
        relation=relation,
        name=name,
        party=_text(record, "ActorFractie"),
        function=_text(record, "Functie"),
        abbreviation=_text(record, "ActorAfkorting"),
        person_id=_text(record, "Persoon_Id"),
        committee_id=_text(record, "Commissie_Id"),
    )


def parse_document(record: JSON) -> Document:
    return Document(
        id=_required_text(record, "Id", "Document"),
        number=_text(record, "DocumentNummer"),
        soort=_text(record, "Soort") or "",
        title=_text(record, "Titel"),
        subject=_text(record, "Onderwerp"),
        date=_timestamp(record, "Datum"),
        appendix_number=_text(record, "Aanhangselnummer"),
    )


def parse_dossier(record: JSON) -> Dossier | None:
    number = record.get("Nummer")
    if not isinstance(number, int) or isinstance(number, bool):
        return None
    return Dossier(number=number, suffix=_text(record, "Toevoeging"), title=_text(record, "Titel"))


def parse_zaak(record: JSON) -> Zaak:
    """One Zaak JSON record (optionally with ZaakActor/Document/Kamerstukdossier expanded)."""
    if not isinstance(record, Mapping):
        raise TKBadResponse(detail="Zaak record is not an object")
    actors = (parse_zaak_actor(a) for a in _expansion(record, "ZaakActor"))
    dossiers = (parse_dossier(d) for d in _expansion(record, "Kamerstukdossier"))
    afgedaan = record.get("Afgedaan")
    return Zaak(
        id=_required_text(record, "Id", "Zaak"),
        number=_required_text(record, "Nummer", "Zaak"),
        soort=_text(record, "Soort") or "",
        title=_text(record, "Titel"),
        subject=_text(record, "Onderwerp"),
        started_at=_timestamp(record, "GestartOp"),
        changed_at=_timestamp(record, "ApiGewijzigdOp"),
        closed=afgedaan is True,
        deadline_hint=_timestamp(record, "Termijn"),
        actors=tuple(a for a in actors if a is not None),
        documents=tuple(parse_document(d) for d in _expansion(record, "Document")),
        dossiers=tuple(d for d in dossiers if d is not None),
        expanded=frozenset(k for k in ("ZaakActor", "Document", "Kamerstukdossier") if k in record),
    )


def parse_activiteit(record: JSON) -> Activiteit:
    if not isinstance(record, Mapping):
        raise TKBadResponse(detail="Activiteit record is not an object")
    zaken = _expansion(record, "Zaak")
    return Activiteit(
        id=_required_text(record, "Id", "Activiteit"),
        number=_required_text(record, "Nummer", "Activiteit"),
        soort=_text(record, "Soort") or "",
        subject=_text(record, "Onderwerp"),
        date_kind=_text(record, "DatumSoort"),
        date=_timestamp(record, "Datum"),
        starts_at=_timestamp(record, "Aanvangstijd"),
        ends_at=_timestamp(record, "Eindtijd"),
        status=_text(record, "Status"),
        committee=_text(record, "Voortouwnaam"),
        committee_abbreviation=_text(record, "Voortouwafkorting"),
        committee_id=_text(record, "Voortouwcommissie_Id"),
        location=_text(record, "Locatie"),
        committee_short_name=_text(record, "Voortouwkortenaam"),
        changed_at=_timestamp(record, "ApiGewijzigdOp"),
        zaak_numbers=tuple(n for n in (_text(z, "Nummer") for z in zaken) if n),
    )
