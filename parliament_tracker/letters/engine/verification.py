"""Verification of signed letters: one verdict for page and API, the PAdES level a file
carries, its timestamps and the certificate chain.

Validation never fetches anything: what a letter proves, it proves with the data embedded in
it (the DSS for B-LT/B-LTA) and the trust roots the caller passes. A B-LT or B-LTA letter is
judged the long-term way, so it still validates after the signer's certificate expired.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import hashlib
import io
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from parliament_tracker.letters.engine.levels import PadesLevel

# pyHanko (with aiohttp, asn1crypto and pyhanko-certvalidator about 0.3 s of import) is imported
# where a signature is checked, not when the app is built (issue #19: start-up).
if TYPE_CHECKING:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko_certvalidator import ValidationContext


class Verdict(enum.StrEnum):
    """The one answer to "is this our signed letter, unchanged?" (page and API say the same)."""

    valid = "valid"  # signed, unchanged since signing, with a certificate we trust
    modified = "modified"  # signed, but the bytes are not the ones that were signed
    not_trusted = "not_trusted"  # signed and unchanged, but not with a certificate we trust
    not_signed = "not_signed"  # a readable PDF without a signature
    unreadable = "unreadable"  # not a PDF, or its signature cannot be read


@dataclass(frozen=True)
class CertificateInfo:
    """One certificate of a chain, as the verify page and the validation report show it."""

    subject: str
    issuer: str
    serial: str
    not_before: dt.datetime
    not_after: dt.datetime
    sha256: str

    @classmethod
    def of(cls, cert: asn1_x509.Certificate) -> CertificateInfo:
        return cls(
            subject=cert.subject.human_friendly,
            issuer=cert.issuer.human_friendly,
            serial=format(cert.serial_number, "x"),
            not_before=cert.not_valid_before,
            not_after=cert.not_valid_after,
            sha256=hashlib.sha256(cert.dump()).hexdigest(),
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "issuer": self.issuer,
            "serial": self.serial,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class TimestampInfo:
    """An RFC 3161 timestamp: on the signature (B-T) or over the document (B-LTA)."""

    time: dt.datetime
    authority: str
    intact: bool
    trusted: bool

    def as_json(self) -> dict[str, Any]:
        return {"time": self.time.isoformat(), "authority": self.authority, "intact": self.intact,
                "trusted": self.trusted}


@dataclass(frozen=True)
class VerificationResult:
    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    signer_subject: str = ""
    signing_time: dt.datetime | None = None
    covers_whole_document: bool = False
    modification_level: str = ""
    timestamp_trusted: bool | None = None
    summary: str = ""
    readable: bool = True
    #: the PAdES level the file carries ("" when not a PAdES signature)
    level: str = ""
    timestamp: TimestampInfo | None = None
    document_timestamps: tuple[TimestampInfo, ...] = ()
    #: signer first, root last, as far as the embedded certificates and the trust roots reach
    chain: tuple[CertificateInfo, ...] = ()
    #: what the DSS holds: certificates, OCSP responses, CRLs (None without a DSS)
    validation_data: dict[str, int] | None = None
    #: the moment the validation was done for
    validated_at: dt.datetime | None = None
    #: the chain was judged at the signature timestamp's time with the embedded data only
    long_term: bool = False

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.valid

    @property
    def verdict(self) -> Verdict:
        if not self.readable:
            return Verdict.unreadable
        if not self.signed:
            return Verdict.not_signed
        if not (self.intact and self.valid and self.covers_whole_document):
            return Verdict.modified
        if any(not ts.intact for ts in self.document_timestamps):
            return Verdict.modified
        if not self.trusted or any(not ts.trusted for ts in self.document_timestamps):
            return Verdict.not_trusted
        return Verdict.valid


def _certificate_trusted(signature: Any, vc: ValidationContext) -> bool:
    """Whether the signer's certificate chains to a trust root, judged apart from the document:
    pyHanko stops at a broken digest and then reports "untrusted" for any certificate."""
    from pyhanko_certvalidator import CertificateValidator

    validator = CertificateValidator(
        signature.signer_cert, intermediate_certs=signature.other_embedded_certs, validation_context=vc
    )
    try:
        asyncio.run(validator.async_validate_usage(set()))
    except Exception:  # any path or usage failure: not trusted
        return False
    return True


def _chain(leaf: asn1_x509.Certificate, pool: list[asn1_x509.Certificate]) -> tuple[CertificateInfo, ...]:
    """Leaf to root by issuer name and key identifier, from the certificates at hand."""
    chain = [leaf]
    by_subject: dict[bytes, list[asn1_x509.Certificate]] = {}
    for cert in pool:
        by_subject.setdefault(cert.subject.dump(), []).append(cert)
    current = leaf
    while current.issuer != current.subject and len(chain) < 10:
        candidates = by_subject.get(current.issuer.dump(), [])
        aki = current.authority_key_identifier
        issuer = next((c for c in candidates if aki is None or c.key_identifier == aki), None)
        if issuer is None or issuer in chain:
            break
        chain.append(issuer)
        current = issuer
    return tuple(CertificateInfo.of(c) for c in chain)


def _read_dss(reader: PdfFileReader) -> Any:
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError

    try:
        return DocumentSecurityStore.read_dss(reader)
    except NoDSSFoundError:
        return None


def detect_level(signature: Any, has_dss: bool, document_timestamps: int) -> str:
    """The PAdES baseline level a signed file carries: B-B, plus a signature timestamp (B-T),
    plus a DSS (B-LT), plus a document timestamp after it (B-LTA)."""
    if signature.sig_object.get("/SubFilter") != "/ETSI.CAdES.detached":
        return ""
    if _signature_timestamp_token(signature) is None:
        return PadesLevel.B_B.value
    if not has_dss:
        return PadesLevel.B_T.value
    return (PadesLevel.B_LTA if document_timestamps else PadesLevel.B_LT).value


def verify_pdf(pdf_bytes: bytes, trust_roots_pem: list[bytes], *, at: dt.datetime | None = None) -> VerificationResult:
    """Validate the (last) signature against the given roots, never fetching anything.

    ``at`` is the moment of validation (default now). A B-LT or B-LTA letter is validated the
    long-term way: its document timestamps at their own time (the newest has no revocation data
    embedded until it is renewed); the signer's chain at the time the
    signature timestamp proves, and that timestamp's chain at the time of the document timestamp
    over it (B-LTA) or its own time (B-LT); both with only the certificates and revocation data
    embedded in the DSS, revocation data required for every certificate that names where to get
    it. So a letter still validates after the signer's certificate expired.
    """
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko.pdf_utils.reader import PdfFileReader

    moment = at or dt.datetime.now(dt.UTC)
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        all_sigs = reader.embedded_signatures
    except Exception as exc:  # a damaged file is "not validly signed", not a crash
        return VerificationResult(signed=False, readable=False, summary=f"unreadable PDF: {exc}")
    sigs = [s for s in all_sigs if s.sig_object_type == "/Sig"]
    if not sigs:
        return VerificationResult(signed=False, summary="no signature")
    signature = sigs[-1]
    doc_ts = [s for s in all_sigs if s.sig_object_type == "/DocTimeStamp"
              and s.signed_revision > signature.signed_revision]
    roots = [c for pem in trust_roots_pem for c in load_certs_from_pemder_data(pem)]
    try:
        dss = _read_dss(reader)
        level = detect_level(signature, dss is not None, len(doc_ts))
        contexts = _Contexts(roots, dss)
        stamps = tuple(_document_timestamp(ts, contexts, moment) for ts in doc_ts)
        status = _validate_signature(signature, level, stamps, contexts, moment)
    except Exception as exc:  # a signature dictionary that cannot be parsed or checked
        return VerificationResult(signed=True, readable=False, summary=f"signature could not be validated: {exc}")
    return _result(signature, status, level=level, stamps=stamps, dss=dss, roots=roots, moment=moment)


@dataclass(frozen=True)
class _Contexts:
    """Validation contexts at a given moment, with only the embedded data (never fetching)."""

    roots: list[Any]
    dss: Any

    def at(self, when: dt.datetime, *, strict: bool = False) -> ValidationContext:
        kwargs: dict[str, Any] = {"trust_roots": self.roots, "allow_fetching": False, "moment": when}
        if strict:
            kwargs.update(revocation_mode="hard-fail", retroactive_revinfo=True)
        from pyhanko_certvalidator import ValidationContext

        return self.dss.as_validation_context(kwargs) if self.dss is not None else ValidationContext(**kwargs)


def _document_timestamp(ts: Any, contexts: _Contexts, moment: dt.datetime) -> TimestampInfo:
    """A document timestamp (B-LTA), validated at its own time: pyHanko embeds no revocation
    data for the newest one (that comes with the next renewal), so "now" would need fetching."""
    from pyhanko.sign.validation import validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    status = validate_pdf_timestamp(ts, contexts.at(_token_time(ts.signed_data) or moment))
    whole = status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION
    return TimestampInfo(status.timestamp, status.signing_cert.subject.human_friendly,
                         bool(status.intact and status.valid and whole), bool(status.trusted))


def _validate_signature(signature: Any, level: str, stamps: tuple[TimestampInfo, ...], contexts: _Contexts,
                        moment: dt.datetime) -> Any:
    """B-LT/B-LTA: the signer's chain at the time the signature timestamp proves, the
    timestamp's own chain at the time of the document timestamp over it (B-LTA) or its own
    time (B-LT), revocation data required. Otherwise: everything at ``moment``."""
    from pyhanko.sign.validation import validate_pdf_signature

    if level not in (PadesLevel.B_LT, PadesLevel.B_LTA):
        return validate_pdf_signature(signature, contexts.at(moment))
    signed_at = _timestamp_time(signature) or moment
    ts_moment = stamps[0].time if stamps else signed_at
    return validate_pdf_signature(signature, contexts.at(signed_at, strict=True),
                                  ts_validation_context=contexts.at(ts_moment, strict=True))


def _result(signature: Any, status: Any, *, level: str, stamps: tuple[TimestampInfo, ...], dss: Any,
            roots: list[Any], moment: dt.datetime) -> VerificationResult:
    """What the page, the API and the validation report read from pyHanko's status."""
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    ts = status.timestamp_validity
    trusted = bool(status.trusted)
    if not status.intact:
        trusted = _certificate_trusted(signature, ValidationContext(trust_roots=roots, allow_fetching=False))
    pool = list(signature.other_embedded_certs) + list(roots)
    if dss is not None:
        pool += list(dss.load_certs())
    modification = getattr(status.modification_level, "name", str(status.modification_level))
    whole = status.coverage == SignatureCoverageLevel.ENTIRE_FILE or (
        status.coverage == SignatureCoverageLevel.ENTIRE_REVISION and modification == "LTA_UPDATES"
    )
    return VerificationResult(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=trusted,
        signer_subject=status.signing_cert.subject.human_friendly,
        signing_time=ts.timestamp if ts is not None else status.signer_reported_dt,
        covers_whole_document=whole,
        modification_level=modification,
        timestamp_trusted=None if ts is None else bool(ts.trusted),
        summary=status.summary(),
        level=level,
        timestamp=None if ts is None else TimestampInfo(ts.timestamp, ts.signing_cert.subject.human_friendly,
                                                        bool(ts.intact and ts.valid), bool(ts.trusted)),
        document_timestamps=stamps,
        chain=_chain(signature.signer_cert, pool),
        validation_data=None if dss is None else {
            "certificates": len(dss.certs), "ocsp_responses": len(dss.ocsps), "crls": len(dss.crls)},
        validated_at=moment,
        long_term=level in (PadesLevel.B_LT, PadesLevel.B_LTA),
    )


def _signature_timestamp_token(signature: Any) -> Any:
    """The SignedData of the signature's RFC 3161 timestamp token, or None."""
    from pyhanko.sign.validation.generic_cms import extract_tst_data_iter

    try:
        return next(extract_tst_data_iter(signature.signer_info, signed=False), None)
    except Exception:  # no unsigned attributes at all
        return None


def _timestamp_time(signature: Any) -> dt.datetime | None:
    """The time in the signature's RFC 3161 token (as the TSA asserts it; validated with it)."""
    data = _signature_timestamp_token(signature)
    return None if data is None else _token_time(data)


def _token_time(data: Any) -> dt.datetime | None:
    """genTime of an RFC 3161 token's SignedData."""
    tst_info = data["encap_content_info"]["content"].parsed
    value: dt.datetime = tst_info["gen_time"].native
    return value
