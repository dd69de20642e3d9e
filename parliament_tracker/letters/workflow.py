"""Letter workflow: submit for approval, approve or request changes, sign, send; verification.

draft → in_review → approved → signed → sent, and "changes requested" back to draft.
Each verb checks state and actor, changes the rows, writes the audit entry and flushes; the
caller commits (one commit per request). A signed or sent letter is immutable.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import PERMISSIONS, has_permission
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import now_utc, today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters import services, signing
from parliament_tracker.letters.models import (
    Letter,
    LetterCaseRole,
    LetterKind,
    LetterStatus,
    LetterVersion,
    VersionSource,
)
from parliament_tracker.letters.pipeline import RenderedLetter
from parliament_tracker.letters.workflow_models import Approval, ApprovalDecision, OurReferenceCounter, Signature
from parliament_tracker.organisation.models import Signatory

MAX_COMMENT = 5000


class WrongState(DomainError):
    """The letter is not in a state that allows this step."""

    kind = Kind.conflict


class NotAllowed(DomainError):
    """This user may not take this step on this letter (not the current approver, own draft…)."""

    kind = Kind.refused


class SigningUnavailable(DomainError):
    """The signing certificate is missing or cannot be opened."""

    kind = Kind.unavailable


class TamperedLetter(Exception):
    """A stored signed file no longer matches the SHA-256 recorded when it was signed."""


# Re-exported: services.LetterLocked is raised by the editing verbs there.
LetterLocked = services.LetterLocked


def approver_roles() -> frozenset:
    return PERMISSIONS["letter.approve"]


# --------------------------------------------------------------------------- approvals


def current_round(letter: Letter) -> int:
    return db.session.scalar(sa.select(sa.func.max(Approval.round)).where(Approval.letter_id == letter.id)) or 0


def approvals(letter: Letter, round_: int | None = None) -> list[Approval]:
    round_ = current_round(letter) if round_ is None else round_
    return list(
        db.session.scalars(
            sa.select(Approval)
            .where(Approval.letter_id == letter.id, Approval.round == round_)
            .order_by(Approval.position)
        )
    )


def all_approvals(letter: Letter) -> list[Approval]:
    return list(
        db.session.scalars(
            sa.select(Approval).where(Approval.letter_id == letter.id).order_by(Approval.round, Approval.position)
        )
    )


def current_approval(letter: Letter) -> Approval | None:
    """The approval whose turn it is (None unless the letter is in review)."""
    if letter.status != LetterStatus.in_review:
        return None
    for approval in approvals(letter):
        if approval.decision == ApprovalDecision.pending:
            return approval
    return None


def awaiting(user: User) -> list[Letter]:
    """Letters in review whose current approver is ``user``."""
    candidates = db.session.scalars(
        sa.select(Letter)
        .join(Approval, Approval.letter_id == Letter.id)
        .where(
            Letter.status == LetterStatus.in_review,
            Approval.approver_id == user.id,
            Approval.decision == ApprovalDecision.pending,
        )
        .order_by(Letter.updated_at)
    ).unique()
    out = []
    for letter in candidates:
        current = current_approval(letter)
        if current is not None and current.approver_id == user.id:
            out.append(letter)
    return out


def possible_approvers(letter: Letter | None = None, actor: User | None = None) -> list[User]:
    users = db.session.scalars(
        sa.select(User).where(User.role.in_(list(approver_roles())), User.is_enabled).order_by(User.display_name)
    ).all()
    excluded = {u.id for u in (actor, letter.created_by if letter else None) if u is not None}
    return [u for u in users if u.id not in excluded]


def _comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        message = _("The comment is too long (at most %(n)d characters).", n=MAX_COMMENT)
        raise DomainError(message, {"comment": message})
    return comment


def submit(letter: Letter, approvers: Sequence[User], *, actor: User) -> list[Approval]:
    """Send a draft to one or more approvers, who decide in the given order."""
    if letter.status != LetterStatus.draft:
        raise WrongState(
            _("Only a draft can be submitted for approval; this letter is “%(s)s”.", s=letter.status.title)
        )
    if letter.latest_version is None:
        message = _("Generate or upload the letter before submitting it for approval.")
        raise WrongState(message)
    if not approvers:
        message = _("Choose at least one approver.")
        raise DomainError(message, {"approvers": message})
    seen: set[int] = set()
    for user in approvers:
        if user.id in seen:
            message = _("%(name)s is in the list twice.", name=user.display_name)
            raise DomainError(message, {"approvers": message})
        seen.add(user.id)
        if user.id == actor.id or (letter.created_by_id is not None and user.id == letter.created_by_id):
            message = _("Nobody approves their own draft: choose someone else than %(name)s.", name=user.display_name)
            raise DomainError(message, {"approvers": message})
        if user.role not in approver_roles() or not user.is_enabled:
            message = _(
                "%(name)s cannot approve letters (role: %(role)s).", name=user.display_name, role=user.role.title
            )
            raise DomainError(message, {"approvers": message})
    round_ = current_round(letter) + 1
    rows = [
        Approval(letter_id=letter.id, round=round_, position=i, approver=user) for i, user in enumerate(approvers, 1)
    ]
    db.session.add_all(rows)
    letter.status = LetterStatus.in_review
    db.session.flush()
    names = [u.username for u in approvers]
    record(
        "letter:submitted",
        letter,
        f"Letter {letter.id} submitted for approval to {', '.join(names)}",
        actor=actor,
        changes={"status": (LetterStatus.draft, LetterStatus.in_review)},
        approvers=names,
        round=round_,
        version=letter.latest_version.number,
    )
    _follow_cases(letter, "submitted", actor)
    return rows


#: (from, to) case status steps that follow the letter; cases elsewhere (registered, closed…) are left alone
CASE_STEPS = {
    "submitted": (CaseStatus.drafting, CaseStatus.in_review),
    "approved": (CaseStatus.in_review, CaseStatus.awaiting_signature),
    "changes_requested": (CaseStatus.in_review, CaseStatus.drafting),
}


def _follow_cases(letter: Letter, step: str, actor: User) -> None:
    """The cases the letter answers follow it through review (only from the expected status; audited)."""
    before, after = CASE_STEPS[step]
    for link in letter.case_links:
        case = link.case
        if link.role != LetterCaseRole.answers or case.status != before:
            continue
        case.status = after
        db.session.flush()
        record(
            "case:status_changed",
            case,
            f"case {case.reference}: {before.value} -> {after.value} (letter {letter.id} {step.replace('_', ' ')})",
            actor=actor,
            changes={"status": (before, after)},
            comment=f"Letter {letter.id}",
            letter_id=letter.id,
        )


def _turn(letter: Letter, actor: User) -> Approval:
    if letter.status != LetterStatus.in_review:
        raise WrongState(_("This letter is not waiting for approval (it is “%(s)s”).", s=letter.status.title))
    current = current_approval(letter)
    if current is None:  # pragma: no cover - in review always has a pending approval
        raise WrongState(_("This letter is not waiting for approval."))
    if letter.created_by_id == actor.id:
        raise NotAllowed(_("Nobody approves their own draft."))
    if current.approver_id != actor.id:
        raise NotAllowed(
            _("It is %(name)s's turn to decide on this letter, not yours.", name=current.approver.display_name)
        )
    return current


def approve(letter: Letter, *, actor: User, comment: str = "") -> Approval:
    current = _turn(letter, actor)
    current.decision = ApprovalDecision.approved
    current.comment = _comment(comment)
    current.decided_at = now_utc()
    last = all(a.decision == ApprovalDecision.approved for a in approvals(letter))
    before = letter.status
    if last:
        letter.status = LetterStatus.approved
    db.session.flush()
    record(
        "letter:approved",
        letter,
        f"Letter {letter.id} approved by {actor.username}" + (" (last approval)" if last else ""),
        actor=actor,
        changes={"status": (before, letter.status)} if last else None,
        comment=current.comment,
        position=current.position,
        round=current.round,
    )
    if last:
        _follow_cases(letter, "approved", actor)
    return current


def request_changes(letter: Letter, *, actor: User, comment: str) -> Approval:
    current = _turn(letter, actor)
    comment = _comment(comment)
    if not comment:
        message = _("Say what should change.")
        raise DomainError(message, {"comment": message})
    current.decision = ApprovalDecision.changes_requested
    current.comment = comment
    current.decided_at = now_utc()
    letter.status = LetterStatus.draft
    db.session.flush()
    record(
        "letter:changes_requested",
        letter,
        f"Changes requested by {actor.username}",
        actor=actor,
        changes={"status": (LetterStatus.in_review, LetterStatus.draft)},
        comment=comment,
        position=current.position,
        round=current.round,
    )
    _follow_cases(letter, "changes_requested", actor)
    return current


# --------------------------------------------------------------------------- Ons kenmerk


def next_our_reference(year: int) -> str:
    """Claim the next number of ``year`` atomically (one UPDATE … RETURNING) and format it."""
    fmt = current_app.config["OUR_REFERENCE_FORMAT"]
    stmt = (
        sa.update(OurReferenceCounter)
        .where(OurReferenceCounter.year == year)
        .values(last=OurReferenceCounter.last + 1)
        .returning(OurReferenceCounter.last)
    )
    seq = db.session.execute(stmt).scalar()
    if seq is None:
        try:
            with db.session.begin_nested():
                db.session.add(OurReferenceCounter(year=year, last=1))
            seq = 1
        except sa.exc.IntegrityError:  # someone else created the year's row at the same moment
            seq = db.session.execute(stmt).scalar_one()
    return fmt.format(year=year, seq=seq)


# --------------------------------------------------------------------------- signing


def signing_identity() -> signing.LoadedSigner:
    cfg = current_app.config
    path = cfg.get("SIGNING_PKCS12_PATH") or ""
    if not path or not os.path.exists(path):
        raise SigningUnavailable(
            _("No signing certificate is configured. An administrator can create one with “flask signing dev-cert”.")
        )
    try:
        return signing.load_signer(path, cfg.get("SIGNING_PKCS12_PASSPHRASE") or "")
    except signing.SigningError as exc:
        raise SigningUnavailable(_("The signing certificate could not be opened: %(e)s", e=str(exc))) from exc


def trust_roots() -> list[bytes]:
    """PEM roots trusted for verification: SIGNING_TRUST_ROOTS, else the dev root beside the PKCS#12."""
    cfg = current_app.config
    paths = list(cfg.get("SIGNING_TRUST_ROOTS") or [])
    if not paths and cfg.get("SIGNING_PKCS12_PATH"):
        p12 = cfg["SIGNING_PKCS12_PATH"]
        sibling = os.path.join(os.path.dirname(p12), os.path.splitext(os.path.basename(p12))[0] + ".root-ca.pem")
        paths = [sibling]
    out = []
    for path in paths:
        if os.path.exists(path):
            with open(path, "rb") as fh:
                out.append(fh.read())
    return out


#: size of the visible stamp when the template marks only its top-left corner (a DOCX bookmark)
STAMP_WIDTH_PT = 190.0
STAMP_HEIGHT_PT = 24.0


def signature_box(html: str) -> tuple[int, tuple[float, float, float, float]] | None:
    """Where the template reserved room for a visible signature: an element with id ``sigbox``
    (from a DOCX bookmark named "sigbox"; its top-left corner, with a fixed stamp size, unless
    the element itself has a size).

    Returns (page index, (x1, y1, x2, y2) in PDF points, origin bottom-left) or None, which
    means an invisible signature.
    """
    if 'id="sigbox"' not in html:
        return None
    from weasyprint import HTML

    from parliament_tracker.letters.pdf import DataOnlyURLFetcher, font_config

    document = HTML(string=html, url_fetcher=DataOnlyURLFetcher()).render(font_config=font_config())
    for index, page in enumerate(document.pages):
        anchor = page.anchors.get("sigbox")
        if anchor:
            x1, y1, x2, y2 = (v * 0.75 for v in anchor)  # CSS px → pt
            if x2 - x1 < 50 or y2 - y1 < 20:
                x2, y2 = x1 + STAMP_WIDTH_PT, y1 + STAMP_HEIGHT_PT
            height = page.height * 0.75
            return index, (x1, height - y2, x2, height - y1)
    return None


def _final_rendering(letter: Letter) -> RenderedLetter:
    latest = letter.latest_version
    if latest.source == VersionSource.generated:
        template = letter.template
        template_bytes = template.docx if template is not None else services.template_for(letter.kind)[0]
        return services.render(template_bytes, services.letter_data(letter), title=letter.subject)
    # An uploaded DOCX is the drafter's final text: used as is.
    return services.render_uploaded(latest.docx, title=letter.subject)


def sign(
    letter: Letter,
    *,
    actor: User,
    signatory: Signatory | None = None,
    our_reference: str | None = None,
    letter_date: dt.date | None = None,
) -> Signature:
    """Fix date and Ons kenmerk, render the final PDF/A, sign it (PAdES) and keep it as the final version."""
    if not has_permission(actor.role, "letter.sign"):
        raise NotAllowed(_("Only the signatory's office signs letters."))
    if letter.status != LetterStatus.approved:
        raise WrongState(_("Only an approved letter can be signed; this letter is “%(s)s”.", s=letter.status.title))
    signatory = signatory or letter.signatory
    if signatory is None:
        message = _("Choose the signatory.")
        raise DomainError(message, {"signatory": message})
    our_reference = (our_reference or "").strip()
    if len(our_reference) > 100:
        message = _("Too long (at most %(n)d characters).", n=100)
        raise DomainError(message, {"our_reference": message})
    letter_date = letter_date or today_local()
    identity = signing_identity()
    before = {"letter_date": letter.letter_date, "our_reference": letter.our_reference, "signatory": letter.signatory}
    letter.letter_date = letter_date
    letter.our_reference = our_reference or next_our_reference(letter_date.year)
    letter.signatory = signatory
    try:
        rendered = _final_rendering(letter)
    except Exception as exc:
        raise DomainError(_("The final letter could not be made: %(e)s", e=str(exc))) from exc
    placed = signature_box(rendered.html)
    cfg = current_app.config
    try:
        signed_pdf = signing.sign_pdf(
            rendered.pdf,
            identity,
            box=placed[1] if placed else None,
            page=placed[0] if placed else 0,
            reason=f"Ondertekend namens {signatory.office_title}",
            location=cfg.get("SIGNING_LOCATION") or None,
            timestamp_url=cfg.get("SIGNING_TSA_URL") or None,
        )
    except Exception as exc:
        raise SigningUnavailable(_("The letter could not be signed: %(e)s", e=str(exc))) from exc
    latest = letter.latest_version
    version = services._add_version(
        letter,
        latest.source,
        RenderedLetter(docx=rendered.docx, html=rendered.html, pdf=signed_pdf),
        actor=actor,
        filename=services.file_stem(letter) + "-ondertekend.docx",
        template=letter.template if latest.source == VersionSource.generated else None,
        note=f"Signed final version (Ons kenmerk {letter.our_reference})",
    )
    signature = Signature(
        letter_id=letter.id,
        version_id=version.id,
        signatory=signatory,
        signed_by=actor,
        pdf_sha256=version.pdf_sha256,
        certificate_subject=identity.subject[:500],
        our_reference=letter.our_reference,
        letter_date=letter_date,
        visible=placed is not None,
        timestamped=bool(cfg.get("SIGNING_TSA_URL")),
    )
    db.session.add(signature)
    letter.status = LetterStatus.signed
    db.session.flush()
    record(
        "letter:signed",
        letter,
        f"Letter {letter.id} signed on behalf of {signatory.office_title} (Ons kenmerk {letter.our_reference})",
        actor=actor,
        changes={
            "status": (LetterStatus.approved, LetterStatus.signed),
            "letter_date": (before["letter_date"], letter_date),
            "our_reference": (before["our_reference"], letter.our_reference),
        },
        signatory=signatory.label,
        version=version.number,
        pdf_sha256=version.pdf_sha256,
        certificate=identity.subject,
    )
    return signature


def signature_of(letter: Letter) -> Signature | None:
    return db.session.scalar(sa.select(Signature).where(Signature.letter_id == letter.id))


def check_download(letter: Letter, version: LetterVersion) -> None:
    """Refuse to hand out a signed letter's files when they no longer match their recorded SHA-256."""
    if letter.status not in services.LOCKED_STATUSES:
        return
    signature = signature_of(letter)
    pdf_hash = hashlib.sha256(version.pdf).hexdigest()
    docx_hash = hashlib.sha256(version.docx).hexdigest()
    if pdf_hash != version.pdf_sha256 or docx_hash != version.docx_sha256:
        raise TamperedLetter(f"letter {letter.id} version {version.number}: stored file does not match its SHA-256")
    if signature is not None and signature.version_id == version.id and pdf_hash != signature.pdf_sha256:
        raise TamperedLetter(f"letter {letter.id}: signed PDF does not match the signature record")


# --------------------------------------------------------------------------- sending


def _close_case(case: Case, letter: Letter, actor: User) -> None:
    """The letter answers the case: it is answered (audited like any status change)."""
    if case.status.is_closed:
        return
    before = case.status
    case.status = CaseStatus.answered
    if case.answered_on is None:
        case.answered_on = letter.sent_on
    db.session.flush()
    record(
        "case:status_changed",
        case,
        f"case {case.reference}: {before.value} -> answered (letter {letter.id} sent)",
        actor=actor,
        changes={"status": (before, CaseStatus.answered)},
        comment=f"Letter {letter.id} sent on {letter.sent_on}",
        letter_id=letter.id,
    )
    # Answered changes the deadlines (no postponement notice is due any more), as a status
    # change through cases.services does; answered_on stays the letter's sent date.
    from parliament_tracker.deadlines.services import recompute_case

    recompute_case(case, actor, f"status {before.value} -> answered (letter {letter.id} sent)", cause={"code": "status", "status": "answered"})


def _record_postponement(case: Case, letter: Letter, actor: User) -> None:
    """A sent postponement notice: written questions get 6 weeks instead of 3 (the deadlines
    service records it on the case, recomputes and writes the audit entry)."""
    from parliament_tracker.deadlines.services import record_postponement

    try:
        record_postponement(case, letter.sent_on, letter.postponement_reason or "", actor=actor)
    except DomainError as exc:  # refused date or reason, with its own message
        raise DomainError(exc.message, {"sent_on": exc.message}) from exc


def send(letter: Letter, *, sent_on: dt.date | None, actor: User) -> Letter:
    if letter.status != LetterStatus.signed:
        raise WrongState(_("Only a signed letter can be sent; this letter is “%(s)s”.", s=letter.status.title))
    if sent_on is None:
        message = _("Enter the date the letter was sent.")
        raise DomainError(message, {"sent_on": message})
    if letter.letter_date and sent_on < letter.letter_date:
        message = _("The letter cannot be sent before its date (%(d)s).", d=letter.letter_date.isoformat())
        raise DomainError(message, {"sent_on": message})
    if sent_on > today_local() + dt.timedelta(days=1):
        message = _("The date sent cannot be in the future.")
        raise DomainError(message, {"sent_on": message})
    letter.sent_on = sent_on
    letter.status = LetterStatus.sent
    db.session.flush()
    record(
        "letter:sent",
        letter,
        f"Letter {letter.id} sent on {sent_on}",
        actor=actor,
        changes={"status": (LetterStatus.signed, LetterStatus.sent)},
        sent_on=sent_on,
    )
    for link in letter.case_links:
        if link.role == LetterCaseRole.answers:
            _close_case(link.case, letter, actor)
        elif link.role == LetterCaseRole.postpones and letter.kind == LetterKind.postponement_notice:
            _record_postponement(link.case, letter, actor)
    return letter


# --------------------------------------------------------------------------- verification


@dataclasses.dataclass(frozen=True)
class Verification:
    sha256: str
    result: signing.VerificationResult
    signature: Signature | None

    @property
    def verdict(self) -> signing.Verdict:
        return self.result.verdict

    @property
    def verdict_text(self) -> str:
        return str(VERDICT_TITLES[self.verdict])

    def as_json(self) -> dict[str, Any]:
        """The verdict first; the facts it was reached from beside it."""
        r = self.result
        sig = self.signature
        return {
            "verdict": self.verdict.value,
            "verdict_text": self.verdict_text,
            "sha256": self.sha256,
            "signed": r.signed,
            "intact": r.intact and r.covers_whole_document,
            "trusted": r.trusted,
            "signer_certificate": r.signer_subject or None,
            "signing_time": r.signing_time.isoformat() if r.signing_time else None,
            "known_letter": sig is not None,
            "letter": None
            if sig is None
            else {
                "id": sig.letter_id,
                "our_reference": sig.our_reference,
                "letter_date": sig.letter_date.isoformat(),
                "signatory": sig.signatory.label if sig.signatory else None,
                "signed_by": sig.signed_by.username if sig.signed_by else None,
                "signed_at": sig.signed_at.isoformat(),
            },
        }


VERDICT_TITLES = {
    signing.Verdict.valid: _l("Signed with a trusted certificate and unchanged since signing"),
    signing.Verdict.modified: _l("Changed after signing: this is not the signed letter"),
    signing.Verdict.not_trusted: _l("Signed, but not with a certificate this system trusts"),
    signing.Verdict.not_signed: _l("This PDF is not signed"),
    signing.Verdict.unreadable: _l("This file cannot be read as a signed PDF"),
}


def verify_max_bytes() -> int:
    """The largest PDF the verification accepts: a signed letter is bigger than the letters
    that may be uploaded (embedded fonts, the signature), so four times that limit."""
    return current_app.config["LETTER_MAX_UPLOAD_BYTES"] * 4


def verify(pdf_bytes: bytes) -> Verification:
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    result = signing.verify_pdf(pdf_bytes, trust_roots())
    signature = db.session.scalar(sa.select(Signature).where(Signature.pdf_sha256 == sha))
    return Verification(sha, result, signature)
