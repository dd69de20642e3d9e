"""Importing cases from Tweede Kamer open data: fill a new case, or compare an existing one.

Local edits are never overwritten silently: for an existing case the differences are shown
and only the fields the user accepts are applied (through the normal case services, so the
audit log and optimistic locking apply as for any edit).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from parliament_tracker.auth.models import User
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Member, Party, Signatory
from parliament_tracker.organisation.services import member_for
from parliament_tracker.tk.client import TKClient
from parliament_tracker.tk.committees import committee_for
from parliament_tracker.tk.mapping import ZaakData, signatory_matches, to_zaak_data

#: fields compared between the tracker and the Kamer, in display order
COMPARED_FIELDS = ("kind", "subject", "received_on", "members", "committee", "addressed_to", "dossier")


def make_client() -> TKClient:
    config = current_app.config
    return TKClient(
        config["TK_API_URL"],
        connect_timeout=config["TK_CONNECT_TIMEOUT"],
        read_timeout=config["TK_READ_TIMEOUT"],
        max_retries=config["TK_MAX_RETRIES"],
        backoff_base=config["TK_BACKOFF_SECONDS"],
    )


def fetch(reference: str) -> ZaakData | None:
    """The Kamer's data for one Zaak number, or None; raises ``TKError`` on network/data errors."""
    with make_client() as client:
        zaak = client.get_zaak(reference)
    return to_zaak_data(zaak) if zaak is not None else None


def active_signatories() -> list[Signatory]:
    """The offices new questions are matched to (and, by default, the ones tk_watch follows)."""
    return list(db.session.scalars(db.select(Signatory).where(Signatory.is_active)))


def _signatory(offices: tuple[str, ...], signatories: list[Signatory] | None = None) -> Signatory | None:
    if signatories is None:
        signatories = active_signatories()
    for signatory in signatories:
        if any(signatory_matches(office, signatory.office_title) for office in offices):
            return signatory
    return None


def members_for(pairs: Iterable[tuple[str, str | None]]) -> dict[tuple[str, str | None], Member]:
    """``member_for`` for many (name, party) pairs at once: a few queries instead of two each."""
    wanted = set(pairs)
    abbreviations = sorted({p for _n, p in wanted if p})
    parties: dict[str, Party] = {}
    for start in range(0, len(abbreviations), 500):
        chunk = abbreviations[start : start + 500]
        parties.update({p.abbreviation: p for p in db.session.scalars(db.select(Party).where(Party.abbreviation.in_(chunk)))})
    for abbreviation in abbreviations:
        if abbreviation not in parties:
            parties[abbreviation] = Party(abbreviation=abbreviation, name=abbreviation)
            db.session.add(parties[abbreviation])
    db.session.flush()
    names = sorted({n for n, _p in wanted})
    known: dict[tuple[str, int | None], Member] = {}
    for start in range(0, len(names), 500):
        for member in db.session.scalars(db.select(Member).where(Member.name.in_(names[start : start + 500]))):
            known.setdefault((member.name, member.party_id), member)
    found: dict[tuple[str, str | None], Member] = {}
    for name, party_abbreviation in wanted:
        party = parties[party_abbreviation] if party_abbreviation else None
        key = (name, party.id if party else None)
        if key not in known:
            known[key] = Member(name=name, party=party)
            db.session.add(known[key])
        found[(name, party_abbreviation)] = known[key]
    return found


def case_input(
    data: ZaakData,
    *,
    signatories: list[Signatory] | None = None,
    members: dict[tuple[str, str | None], Member] | None = None,
) -> case_services.CaseInput:
    """Map the Kamer's data onto a case input; reference data (members, parties) is created.

    ``signatories`` (the active ones) and ``members`` (from ``members_for``) save queries when
    the caller maps many Zaken at once.
    """
    return case_services.CaseInput(
        reference=data.reference,
        kind=CaseKind(data.kind),
        subject=data.subject,
        received_on=data.received_on,
        members=[members[(n, p)] if members is not None else member_for(n, p) for n, p in data.members],
        committee=committee_for(data.committee, data.committee_abbreviation),
        addressed_to=_signatory(data.addressed_to_offices, signatories),
        dossier=data.dossier or "",
    )


@dataclasses.dataclass(frozen=True)
class Difference:
    field: str
    local: str
    remote: str


def _show(field: str, value: Any) -> str:
    if value is None or value == [] or value == "":
        return "—"
    if field == "members":
        return ", ".join(m.label for m in value)
    if field == "committee":
        return value.name
    if field == "addressed_to":
        return value.office_title
    if field == "kind":
        return value.label
    if field == "received_on":
        return value.isoformat()
    return str(value)


def differences(case: Case, remote: case_services.CaseInput) -> list[Difference]:
    result = []
    for field in COMPARED_FIELDS:
        local_value = getattr(case, field)
        remote_value = getattr(remote, field)
        if field == "dossier":
            local_value, remote_value = local_value or "", remote_value or ""
        if field == "members":
            same = [m.label for m in local_value] == [m.label for m in remote_value or []]
        else:
            same = local_value == remote_value
        if not same and remote_value not in (None, "", []):
            result.append(Difference(field, _show(field, local_value), _show(field, remote_value)))
    return result


def apply_accepted(case: Case, remote: case_services.CaseInput, accepted: set[str], *, expected_version: int, actor: User | None) -> list[str]:
    """Apply the accepted fields from the Kamer's data; returns what changed."""
    unknown = accepted - set(COMPARED_FIELDS)
    if unknown:
        raise DomainError(_("Unknown field: %(f)s.", f=", ".join(sorted(unknown))))
    update = case_services.CaseInput()
    for field in accepted:
        setattr(update, field, getattr(remote, field))
    case_services.update_case(case, update, expected_version=expected_version, actor=actor)
    return sorted(accepted)


def import_new(data: ZaakData, *, actor: User | None) -> Case:
    """Register a case from the Kamer's data (raises ``DuplicateCase`` when it exists)."""
    return case_services.create_case(case_input(data), actor=actor)
