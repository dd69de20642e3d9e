"""Retention (selectielijst): how long each case kind is kept after closing and what then happens.

- Each case kind has a period in years and an outcome, destroy or transfer to the national
  archive: an administrator's ``RetentionRule`` or else :data:`DEFAULTS` (README, Retention).
- The ``retention_proposal`` job puts closed cases past their period on a destruction list
  (vernietigingslijst); a case under an active legal hold (a pending Woo request, an objection
  procedure) is never proposed, nor one already on a list, nor one an archivist removed from a
  list less than ``RETENTION_RECONSIDER_DAYS`` ago.
- The archivist approves or removes each item. Only approved items are acted on, in one audited
  step per list: "destroy" deletes the case with everything that hangs on it (questions,
  attachments, links, deadlines, contributions, notifications, and the letters that belong to
  no other case) and keeps a :class:`DestroyedRecord` (reference, kind, dates, decision, who
  approved); "transfer" makes the transfer package: per case its metadata and the archive
  package of each sent letter (``letters.approval.archive``).
- Audit entries are never deleted (the log is append-only in the database): those about a
  destroyed case stay under its former id, which the record keeps, as the accountability of
  what was done with it and of its destruction.

Services take the actor, write the audit entries and never commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.audit.services import Actor, record
from parliament_tracker.auth.models import User
from parliament_tracker.cases import links as case_links
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CLOSED
from parliament_tracker.db import now_utc, today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval.archive import build_package
from parliament_tracker.letters.approval.models import Signature
from parliament_tracker.letters.models import Letter, LetterCase, LetterStatus
from parliament_tracker.records.models import (
    DestroyedRecord,
    DestructionItem,
    DestructionList,
    HoldReason,
    ItemDecision,
    LegalHold,
    RetentionOutcome,
    RetentionRule,
)

D, T = RetentionOutcome.destroy, RetentionOutcome.transfer

#: the defaults until an administrator sets a kind (README, Retention). Answers to the Kamer are
#: policy records the national archive keeps; the rest is destroyed after the period.
DEFAULTS: dict[CaseKind, tuple[int, RetentionOutcome]] = {
    CaseKind.written_questions: (10, T),
    CaseKind.committee_request: (10, T),
    CaseKind.commitment: (10, D),
    CaseKind.motion: (10, T),
    CaseKind.plenary_request: (5, D),
    CaseKind.other: (5, D),
}
MAX_YEARS = 200


@dataclasses.dataclass(frozen=True)
class Rule:
    kind: CaseKind
    period_years: int
    outcome: RetentionOutcome
    is_default: bool


def rules() -> dict[CaseKind, Rule]:
    """Every kind's rule: the administrator's, else the default."""
    stored = {r.kind: r for r in db.session.scalars(sa.select(RetentionRule))}
    out = {}
    for kind in CaseKind:
        if kind in stored:
            out[kind] = Rule(kind, stored[kind].period_years, stored[kind].outcome, False)
        else:
            years, outcome = DEFAULTS[kind]
            out[kind] = Rule(kind, years, outcome, True)
    return out


def set_rule(kind: CaseKind, period_years: Any, outcome: Any, *, actor: User) -> RetentionRule:
    """An administrator sets a kind's period (whole years, 0-200) and outcome."""
    errors = {}
    try:
        years = int(str(period_years).strip())
    except ValueError:
        years = -1
    if not 0 <= years <= MAX_YEARS:
        errors[f"years_{kind.value}"] = _("Enter a whole number of years from 0 to %(n)d.", n=MAX_YEARS)
    if outcome not in RetentionOutcome.__members__:
        errors[f"outcome_{kind.value}"] = _("Choose destroy or transfer.")
    if errors:
        raise DomainError(_("The retention schedule was not saved. Check the fields marked."), errors)
    chosen = RetentionOutcome(outcome)
    rule = db.session.scalar(sa.select(RetentionRule).where(RetentionRule.kind == kind))
    before = rules()[kind]
    if rule is None:
        rule = RetentionRule(kind=kind, period_years=years, outcome=chosen)
        db.session.add(rule)
    rule.period_years, rule.outcome, rule.updated_by_id, rule.updated_at = years, chosen, actor.id, now_utc()
    db.session.flush()
    if (before.period_years, before.outcome) != (years, chosen):
        record("retention_rule:set", rule, f"Retention of {kind.value}: {years} years, {chosen.value}", actor=actor,
               kind=kind, changes={"period_years": (before.period_years, years), "outcome": (before.outcome, chosen)})
    return rule


# -- closing dates and holds ----------------------------------------------------------------------


def closed_on(case: Case) -> dt.date:
    """When the case was closed: the answer date, else the last status change (the audit log),
    else its last change."""
    if case.answered_on is not None:
        return case.answered_on
    last = db.session.scalar(
        sa.select(AuditEntry.created_at)
        .where(AuditEntry.object_type == "case", AuditEntry.object_id == case.id, AuditEntry.action == "case:status_changed")
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(1)
    )
    return (last or case.updated_at).date()


def expires_on(case: Case, rule: Rule) -> dt.date:
    start = closed_on(case)
    try:
        return start.replace(year=start.year + rule.period_years)
    except ValueError:  # 29 February
        return start.replace(year=start.year + rule.period_years, day=28)


@dataclasses.dataclass(frozen=True)
class HoldOnCasePage:
    """What the case page shows of an active legal hold."""

    id: int
    reason: HoldReason
    note: str
    placed_at: dt.datetime
    placed_by: Actor | None


def case_page_rule_and_hold_rows() -> sa.Select[Any]:
    """The case page's records part (the cases pages' hook runs it with the other parts): one row
    of nothing, the kind's stored rule (if any) and each active hold joined to it, with the name
    of who placed it."""
    one = sa.select(sa.literal(1).label("one")).subquery()
    return (
        sa.select(
            RetentionRule.period_years, RetentionRule.outcome,
            LegalHold.id, LegalHold.reason, LegalHold.note, LegalHold.placed_at, LegalHold.placed_by_id, User.display_name,
        )
        .select_from(one)
        .outerjoin(RetentionRule, RetentionRule.kind == sa.bindparam("kind"))
        .outerjoin(LegalHold, sa.and_(LegalHold.case_id == sa.bindparam("case_id"), LegalHold.lifted_at.is_(None)))
        .outerjoin(User, User.id == LegalHold.placed_by_id)
    )


def rule_and_holds(case: Case, rows: Sequence[Sequence[Any]]) -> tuple[Rule, list[HoldOnCasePage]]:
    """The rule of the case's kind and the case's active holds (by id) from
    ``case_page_rule_and_hold_rows``' rows."""
    stored = rows[0] if rows and rows[0][0] is not None else None
    if stored is not None:
        rule = Rule(case.kind, stored[0], stored[1], False)
    else:
        years, outcome = DEFAULTS[case.kind]
        rule = Rule(case.kind, years, outcome, True)
    holds = [
        HoldOnCasePage(r[2], r[3], r[4], r[5], Actor(r[7]) if r[6] is not None else None)
        for r in sorted((r for r in rows if r[2] is not None), key=lambda r: r[2])
    ]
    return rule, holds


def active_holds(case: Case) -> list[LegalHold]:
    return list(db.session.scalars(
        sa.select(LegalHold).where(LegalHold.case_id == case.id, LegalHold.lifted_at.is_(None)).order_by(LegalHold.id)
    ))


def place_hold(case: Case, reason: Any, note: str, *, actor: User) -> LegalHold:
    if reason not in HoldReason.__members__:
        raise DomainError(_("Choose the reason for the hold."), {"reason": _("Choose the reason for the hold.")})
    note = (note or "").strip()
    if len(note) > 500:
        raise DomainError(_("The note is too long (at most %(n)d characters).", n=500), {"note": _("The note is too long (at most %(n)d characters).", n=500)})
    hold = LegalHold(case=case, reason=HoldReason(reason), note=note, placed_by=actor, placed_at=now_utc())
    db.session.add(hold)
    db.session.flush()
    record("case:legal_hold_placed", case, f"Legal hold placed ({reason})", actor=actor, hold_id=hold.id, reason=reason, note=note)
    return hold


def lift_hold(hold: LegalHold, *, actor: User) -> LegalHold:
    if hold.lifted_at is not None:
        raise DomainError(_("This hold was lifted already."), kind=Kind.conflict)
    hold.lifted_at, hold.lifted_by = now_utc(), actor
    db.session.flush()
    record("case:legal_hold_lifted", hold.case, f"Legal hold {hold.id} lifted", actor=actor, hold_id=hold.id,
           reason=hold.reason)
    return hold


# -- the destruction list -----------------------------------------------------------------------


def _excluded_ids(today: dt.date) -> set[int]:
    """Cases not to propose: under an active hold, on a list (proposed, approved, transferred),
    or removed from one recently."""
    held = sa.select(LegalHold.case_id).where(LegalHold.lifted_at.is_(None))
    listed = sa.select(DestructionItem.case_id).where(
        DestructionItem.case_id.is_not(None),
        DestructionItem.decision.in_([ItemDecision.proposed, ItemDecision.approved, ItemDecision.transferred]),
    )
    since = dt.datetime.combine(today, dt.time(), tzinfo=dt.UTC) - dt.timedelta(
        days=int(current_app.config.get("RETENTION_RECONSIDER_DAYS", 365)))
    removed = sa.select(DestructionItem.case_id).where(
        DestructionItem.case_id.is_not(None), DestructionItem.decision == ItemDecision.removed, DestructionItem.decided_at >= since
    )
    return {i for stmt in (held, listed, removed) for i in db.session.scalars(stmt)}


def candidates(today: dt.date) -> list[tuple[Case, Rule, dt.date, dt.date]]:
    """(case, rule, closed on, period ended on) for every closed case past its period."""
    table = rules()
    excluded = _excluded_ids(today)
    out = []
    for case in db.session.scalars(sa.select(Case).where(Case.status.in_(list(CLOSED))).order_by(Case.received_on, Case.id)):
        if case.id in excluded:
            continue
        rule = table[case.kind]
        ended = expires_on(case, rule)
        if ended <= today:
            out.append((case, rule, closed_on(case), ended))
    return out


def propose(today: dt.date, *, actor: User | None = None) -> DestructionList | None:
    """A new destruction list of the cases past their period (None when there are none)."""
    found = candidates(today)
    if not found:
        return None
    proposal = DestructionList(as_of=today)
    db.session.add(proposal)
    for case, rule, closed, ended in found:
        proposal.items.append(DestructionItem(
            case=case, reference=case.reference, kind=case.kind, outcome=rule.outcome, closed_on=closed, expired_on=ended,
            decision=ItemDecision.proposed,
        ))
    db.session.flush()
    record("destruction_list:proposed", proposal, f"Destruction list {proposal.id} proposed ({len(found)} cases)",
           actor=actor, references=[c.reference for c, *_rest in found], as_of=today)
    return proposal


def proposal_job(today: dt.date) -> dict[str, Any]:
    proposal = propose(today)
    return {"list": proposal.id if proposal else None, "proposed": len(proposal.items) if proposal else 0}


def decide(item: DestructionItem, approve: bool, note: str, *, actor: User) -> DestructionItem:
    """The archivist approves an item or removes it from the list (until it is acted on)."""
    if item.decision not in (ItemDecision.proposed, ItemDecision.approved, ItemDecision.removed):
        raise DomainError(_("This item was acted on already."), kind=Kind.conflict)
    note = (note or "").strip()[:1000]
    if approve and item.case is not None and active_holds(item.case):
        raise DomainError(_("%(ref)s is under a legal hold: it cannot be approved until the hold is lifted.", ref=item.reference),
                          kind=Kind.conflict)
    before = item.decision
    item.decision = ItemDecision.approved if approve else ItemDecision.removed
    item.note, item.decided_by, item.decided_at = note, actor, now_utc()
    db.session.flush()
    record(f"destruction_list:item_{'approved' if approve else 'removed'}", item.destruction_list,
           f"{item.reference} {'approved' if approve else 'removed'} on destruction list {item.list_id}", actor=actor,
           reference=item.reference, note=note, changes={"decision": (before, item.decision)})
    return item


def _refuse_if_held(item: DestructionItem) -> None:
    case = item.case
    if case is None:
        raise DomainError(_("%(ref)s no longer exists.", ref=item.reference), kind=Kind.conflict)
    if active_holds(case):
        raise DomainError(_("%(ref)s is under a legal hold: nothing was destroyed or transferred.", ref=item.reference),
                          kind=Kind.conflict)
    if case.status not in CLOSED:
        raise DomainError(_("%(ref)s was reopened: nothing was destroyed or transferred.", ref=item.reference), kind=Kind.conflict)


def _approved(proposal: DestructionList, outcome: RetentionOutcome) -> list[DestructionItem]:
    return [i for i in proposal.items if i.decision == ItemDecision.approved and i.outcome == outcome]


def destroy_approved(proposal: DestructionList, *, actor: User) -> list[DestroyedRecord]:
    """Destroy every approved "destroy" item of the list in one step, keeping a minimal record
    of each; refused as a whole when one of them is under a hold or was reopened."""
    items = _approved(proposal, RetentionOutcome.destroy)
    if not items:
        raise DomainError(_("No approved item on this list is to be destroyed."), kind=Kind.conflict)
    for item in items:
        _refuse_if_held(item)
    kept: list[DestroyedRecord] = []
    now = now_utc()
    for item in items:
        case = item.case
        assert case is not None
        rule_years = (item.expired_on.year - item.closed_on.year)
        kept.append(DestroyedRecord(
            former_case_id=case.id, reference=case.reference, kind=case.kind, received_on=case.received_on,
            closed_on=item.closed_on, retention_years=rule_years,
            decision=f"vernietigen na {rule_years} jaar (selectielijst), vernietigingslijst {proposal.id}",
            list_id=proposal.id, approved_by=item.decided_by.display_name if item.decided_by else "",
            approved_at=item.decided_at or now, destroyed_by=actor.display_name, destroyed_at=now,
        ))
        record("case:destroyed", case, f"Case {case.reference} destroyed (destruction list {proposal.id})", actor=actor,
               list_id=proposal.id, approved_by=item.decided_by.display_name if item.decided_by else "")
        item.decision, item.case = ItemDecision.destroyed, None
        db.session.flush()
        _delete_case(case)
    db.session.add_all(kept)
    db.session.flush()
    record("destruction_list:destroyed", proposal, f"Destruction list {proposal.id}: {len(kept)} cases destroyed",
           actor=actor, references=[r.reference for r in kept])
    return kept


def _delete_case(case: Case) -> None:
    """The case and what hangs on it: the letters that belong to no other case first (their
    signatures name their versions), then the case (the database cascades the rest)."""
    letter_ids = set(db.session.scalars(sa.select(LetterCase.letter_id).where(LetterCase.case_id == case.id)))
    shared = set(db.session.scalars(
        sa.select(LetterCase.letter_id).where(LetterCase.letter_id.in_(letter_ids), LetterCase.case_id != case.id)
    ))
    own = letter_ids - shared
    if own:
        db.session.execute(sa.delete(Signature).where(Signature.letter_id.in_(own)), execution_options={"synchronize_session": False})
        for letter in db.session.scalars(sa.select(Letter).where(Letter.id.in_(own))):
            db.session.delete(letter)
        db.session.flush()
    db.session.delete(case)
    db.session.flush()


def transfer_package(proposal: DestructionList, *, actor: User) -> tuple[str, bytes]:
    """The transfer package of every approved "transfer" item: per case its metadata and the
    archive package of each sent letter; the items are marked transferred (audited)."""
    items = _approved(proposal, RetentionOutcome.transfer)
    if not items:
        raise DomainError(_("No approved item on this list is to be transferred."), kind=Kind.conflict)
    for item in items:
        _refuse_if_held(item)
    buffer = io.BytesIO()
    manifest: list[str] = []
    packed_letters: set[int] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        def add(name: str, data: bytes) -> None:
            archive.writestr(name, data)
            manifest.append(f"{hashlib.sha256(data).hexdigest()}  {name}")

        for item in items:
            case = item.case
            assert case is not None
            add(f"{case.reference}/zaak-mdto.json", json.dumps(case_metadata(case, item), indent=2, ensure_ascii=False).encode() + b"\n")
            letters = db.session.scalars(
                sa.select(Letter).join(LetterCase).where(LetterCase.case_id == case.id, Letter.status == LetterStatus.sent)
                .order_by(Letter.id)
            ).unique()
            for letter in letters:
                if letter.id in packed_letters:
                    continue
                packed_letters.add(letter.id)
                package = build_package(letter, actor=actor)
                add(f"{case.reference}/{package.filename}", package.data)
            item.decision = ItemDecision.transferred
            record("case:transferred", case, f"Case {case.reference} transferred (destruction list {proposal.id})", actor=actor,
                   list_id=proposal.id)
        archive.writestr("manifest-sha256.txt", "\n".join(manifest) + "\n")
    data = buffer.getvalue()
    record("destruction_list:transferred", proposal, f"Destruction list {proposal.id}: {len(items)} cases transferred",
           actor=actor, references=[i.reference for i in items], package_sha256=hashlib.sha256(data).hexdigest())
    db.session.flush()
    return f"overbrenging-lijst-{proposal.id}-{today_local().isoformat()}.zip", data


def case_metadata(case: Case, item: DestructionItem) -> dict[str, Any]:
    """The case as one MDTO-shaped informatieobject (a dossier) for the national archive."""
    links = case_links.links_of(case)
    return {
        "schema": "MDTO 1.0 (JSON-weergave)",
        "informatieobject": {
            "identificatie": [{"identificatieKenmerk": case.reference, "identificatieBron": "Tweede Kamer zaaknummer"}],
            "naam": case.subject,
            "aggregatieniveau": {"begripLabel": "Dossier"},
            "classificatie": {"begripLabel": case.kind.label, "begripCode": case.kind.value,
                              "begripBegrippenlijst": {"verwijzingNaam": "Parliament Tracker zaaksoorten"}},
            "omschrijving": case.notes or case.subject,
            "dekkingInTijd": {"dekkingInTijdType": {"begripLabel": "Looptijd"},
                              "dekkingInTijdBegindatum": case.received_on.isoformat(),
                              "dekkingInTijdEinddatum": item.closed_on.isoformat()},
            "betrokkene": [
                {"betrokkeneTypeRelatie": {"begripLabel": "Verzoeker"}, "betrokkeneActor": {"verwijzingNaam": case.requested_by_label}},
                {"betrokkeneTypeRelatie": {"begripLabel": "Behandelende directie"},
                 "betrokkeneActor": {"verwijzingNaam": case.lead_directorate.name if case.lead_directorate else ""}},
            ],
            "gerelateerdInformatieobject": [
                {"gerelateerdInformatieobjectVerwijzing": {"verwijzingNaam": link.case.subject, "verwijzingIdentificatie": {
                    "identificatieKenmerk": link.case.reference, "identificatieBron": "Tweede Kamer zaaknummer"}},
                 "gerelateerdInformatieobjectTypeRelatie": {"begripLabel": str(link.title)}}
                for link in links
            ],
            "waardering": {"begripLabel": "blijvend te bewaren" if item.outcome == RetentionOutcome.transfer else "te vernietigen"},
            "bewaartermijn": {"termijnEinddatum": item.expired_on.isoformat()},
            "archiefvormer": {"verwijzingNaam": current_app.config.get("ARCHIVE_CREATOR") or ""},
            "taal": "nl",
            "vragen": [{"nummer": q.number, "tekst": q.text} for q in case.questions],
        },
    }
