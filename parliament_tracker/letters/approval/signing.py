"""The signing step: the final rendering made at the last approval (date and Ons kenmerk fixed)
is signed (PAdES) as it is and kept as the final version; the hash check before a signed
letter's files are handed out.

A letter is laid out once for signing: ``render_approved`` renders it (in the render pool) when
the last approver approves, and ``sign`` signs those stored bytes after checking their SHA-256.
Only when the office changes the date, the Ons kenmerk or the signatory at signing (or for a
letter approved before this rule) is it rendered again.

The cryptography itself (loading the PKCS#12, the PAdES signature, verification) is the
document engine's (``letters.engine.signing``); this module is the workflow step around it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from parliament_tracker import telemetry
from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import has_permission
from parliament_tracker.db import today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters import services
from parliament_tracker.letters.approval.models import OurReferenceCounter, Signature
from parliament_tracker.letters.approval.services import NotAllowed, WrongState, announce, check_step
from parliament_tracker.letters.approval.transitions import Stage
from parliament_tracker.letters.engine import signing
from parliament_tracker.letters.engine.pipeline import RenderedLetter
from parliament_tracker.letters.models import Letter, LetterStatus, LetterVersion, VersionSource
from parliament_tracker.organisation.models import Signatory


class SigningUnavailable(DomainError):
    """The signing certificate is missing or cannot be opened."""

    kind = Kind.unavailable


class TamperedLetter(Exception):
    """A stored signed file no longer matches the SHA-256 recorded when it was signed."""


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


# --------------------------------------------------------------------------- certificate and stamp


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


def pades_level() -> signing.PadesLevel:
    """The PAdES level this installation signs at (SIGNING_PADES_LEVEL; empty: the highest its
    configuration allows)."""
    cfg = current_app.config
    try:
        return signing.effective_level(cfg.get("SIGNING_PADES_LEVEL") or "", cfg.get("SIGNING_TSA_URL") or None)
    except ValueError as exc:
        raise SigningUnavailable(_("The signing configuration is not valid: %(e)s", e=str(exc))) from exc


#: size of the visible stamp when the template marks only its top-left corner (a DOCX bookmark)
STAMP_WIDTH_PT = 190.0
STAMP_HEIGHT_PT = 36.0  # four lines: "Digitaal ondertekend door", name, office, date


def signature_box(pdf: bytes) -> tuple[int, tuple[float, float, float, float]] | None:
    """Where the template reserved room for a visible signature: the PDF's named destination
    ``sigbox`` (WeasyPrint writes one for the element with that id, from a DOCX bookmark named
    "sigbox"): its top-left corner, with the fixed stamp size. Read from the stored PDF, so the
    letter is not laid out again to find it.

    Returns (page index, (x1, y1, x2, y2) in PDF points, origin bottom-left) or None, which
    means an invisible signature.
    """
    found = signing.named_destination(pdf, "sigbox")
    if found is None:
        return None
    page, left, top = found
    return page, (left, top - STAMP_HEIGHT_PT, left + STAMP_WIDTH_PT, top)


# --------------------------------------------------------------------------- the signing step


@dataclasses.dataclass(frozen=True)
class _Signed:
    """The rendering that was signed, the signed PDF, and how it was signed."""

    docx: bytes
    pdf: bytes
    visible: bool
    certificate: str
    rendered_again: bool


#: the note of the version rendered at the last approval: what signing signs as it is
APPROVED_NOTE = "Approved final version"


def _check_can_sign(letter: Letter, actor: User, signatory: Signatory | None, our_reference: str | None) -> tuple[Signatory, str]:
    if not has_permission(actor.role, "letter.sign"):
        raise NotAllowed(_("Only the signatory's office signs letters."))
    if letter.status != LetterStatus.approved:
        raise WrongState(_("Only an approved letter can be signed; this letter is “%(s)s”.", s=letter.status.label))
    check_step(letter, Stage.signed, actor)
    signatory = signatory or letter.signatory
    if signatory is None:
        message = _("Choose the signatory.")
        raise DomainError(message, {"signatory": message})
    our_reference = (our_reference or "").strip()
    if len(our_reference) > 100:
        message = _("Too long (at most %(n)d characters).", n=100)
        raise DomainError(message, {"our_reference": message})
    return signatory, our_reference


def _final_rendering(letter: Letter) -> RenderedLetter:
    latest = letter.latest_version
    assert latest is not None  # only a letter with versions gets this far
    try:
        if latest.source == VersionSource.generated:
            template = letter.template
            template_bytes = template.docx if template is not None else services.template_for(letter.kind)[0]
            return services.render(template_bytes, services.letter_data(letter), title=letter.subject)
        # An uploaded DOCX is the drafter's final text: used as is.
        return services.render_uploaded(latest.docx, title=letter.subject)
    except DomainError:
        raise
    except Exception as exc:
        raise DomainError(_("The final letter could not be made: %(e)s", e=str(exc))) from exc


def _keep_rendering(letter: Letter, rendered: RenderedLetter, actor: User, *, note: str, suffix: str = "") -> LetterVersion:
    latest = letter.latest_version
    assert latest is not None
    return services._add_version(
        letter,
        latest.source,
        rendered,
        actor=actor,
        filename=services.file_stem(letter) + suffix + ".docx",
        template=letter.template if latest.source == VersionSource.generated else None,
        note=note,
    )


def render_approved(letter: Letter, actor: User) -> LetterVersion:
    """At the last approval: fix the date (today) and the Ons kenmerk (the next number unless the
    drafter typed one), render the final PDF/A once and keep it as a version. Signing signs these
    bytes as they are."""
    letter.letter_date = today_local()
    letter.our_reference = letter.our_reference or next_our_reference(letter.letter_date.year)
    return _keep_rendering(
        letter,
        _final_rendering(letter),
        actor,
        note=f"{APPROVED_NOTE} (Ons kenmerk {letter.our_reference}, {letter.letter_date.isoformat()})",
    )


def approved_version(letter: Letter) -> LetterVersion | None:
    """The version rendered at the last approval, when it is still the latest one."""
    latest = letter.latest_version
    return latest if latest is not None and latest.note.startswith(APPROVED_NOTE) else None


def _stored_pdf(version: LetterVersion) -> bytes:
    """The approved rendering's PDF, refused when it no longer matches the SHA-256 recorded with it."""
    pdf = version.pdf
    if hashlib.sha256(pdf).hexdigest() != version.pdf_sha256:
        raise DomainError(
            _("The approved letter's stored PDF does not match its SHA-256; it was not signed."), kind=Kind.conflict
        )
    return pdf


def _sign_bytes(pdf: bytes, signatory: Signatory, identity: signing.LoadedSigner) -> tuple[bytes, bool]:
    placed = signature_box(pdf)
    cfg = current_app.config
    level = pades_level()
    try:
        with telemetry.timed(telemetry.LETTERS_SIGNED, telemetry.LETTER_SIGN_SECONDS, level=level.value):
            signed = signing.sign_pdf(
                pdf,
                identity,
                box=placed[1] if placed else None,
                page=placed[0] if placed else 0,
                reason=f"Ondertekend namens {signatory.office_title}",
                location=cfg.get("SIGNING_LOCATION") or None,
                timestamp_url=(cfg.get("SIGNING_TSA_URL") or None) if level.needs_timestamp else None,
                level=level,
                trust_roots_pem=trust_roots(),
                stamp_text=signing.signature_block_text(signatory.name, signatory.office_title),
            )
    except Exception as exc:
        raise SigningUnavailable(_("The letter could not be signed: %(e)s", e=str(exc))) from exc
    return signed, placed is not None


def _keep_signed(letter: Letter, signed: _Signed, signatory: Signatory, actor: User) -> Signature:
    """Store the signed PDF as the final version and the signature record beside it."""
    version = _keep_rendering(
        letter,
        RenderedLetter(docx=signed.docx, html="", pdf=signed.pdf),
        actor,
        suffix="-ondertekend",
        note=f"Signed final version (Ons kenmerk {letter.our_reference})",
    )
    signature = Signature(
        letter_id=letter.id,
        version_id=version.id,
        version=version,
        signatory=signatory,
        signed_by=actor,
        pdf_sha256=version.pdf_sha256,
        certificate_subject=signed.certificate[:500],
        our_reference=letter.our_reference,
        letter_date=letter.letter_date,
        visible=signed.visible,
        timestamped=pades_level().needs_timestamp,
    )
    db.session.add(signature)
    return signature


def _signed(
    letter: Letter, signatory: Signatory, our_reference: str, letter_date: dt.date | None, identity: signing.LoadedSigner
) -> _Signed:
    """Sign the approved rendering as it is; render again only when the office changes what it
    shows (date, Ons kenmerk, signatory), or when there is no approved rendering."""
    approved = approved_version(letter)
    unchanged = (
        approved is not None
        and our_reference in ("", letter.our_reference)
        and letter_date in (None, letter.letter_date)
        and signatory == letter.signatory
    )
    if approved is not None and unchanged:
        pdf, visible = _sign_bytes(_stored_pdf(approved), signatory, identity)
        return _Signed(approved.docx, pdf, visible, identity.subject, rendered_again=False)
    letter.letter_date = letter_date or today_local()
    letter.our_reference = our_reference or letter.our_reference or next_our_reference(letter.letter_date.year)
    letter.signatory = signatory
    rendered = _final_rendering(letter)
    pdf, visible = _sign_bytes(rendered.pdf, signatory, identity)
    return _Signed(rendered.docx, pdf, visible, identity.subject, rendered_again=True)


def sign(
    letter: Letter,
    *,
    actor: User,
    signatory: Signatory | None = None,
    our_reference: str | None = None,
    letter_date: dt.date | None = None,
) -> Signature:
    """Sign the approved rendering (date and Ons kenmerk fixed at approval) and keep it as the
    final version; a changed date, Ons kenmerk or signatory is rendered again first."""
    services.lock_letter(letter)  # a second signer at the same moment waits, then finds it signed
    signatory, our_reference = _check_can_sign(letter, actor, signatory, our_reference)
    identity = signing_identity()
    before = {"letter_date": letter.letter_date, "our_reference": letter.our_reference}
    signed = _signed(letter, signatory, our_reference, letter_date, identity)
    signature = _keep_signed(letter, signed, signatory, actor)
    letter.status = LetterStatus.signed
    db.session.flush()
    record(
        "letter:signed",
        letter,
        f"Letter {letter.id} signed on behalf of {signatory.office_title} (Ons kenmerk {letter.our_reference})",
        actor=actor,
        changes={
            "status": (LetterStatus.approved, LetterStatus.signed),
            "letter_date": (before["letter_date"], letter.letter_date),
            "our_reference": (before["our_reference"], letter.our_reference),
        },
        signatory=signatory.label,
        version=signature.version.number,
        pdf_sha256=signature.pdf_sha256,
        certificate=signed.certificate,
        pades_level=pades_level().value,
        rendered_again=signed.rendered_again,
    )
    announce(letter, Stage.approved, Stage.signed, actor)
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

