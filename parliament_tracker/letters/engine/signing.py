"""PAdES signatures with pyHanko (RSA + SHA-256) and their verification.

PDF/A traps handled here (LETTERS.md §8):
- Signing is an *incremental update*: the PDF/A bytes stay untouched and the
  signature covers them; pyHanko writes the update in the same xref style
  (WeasyPrint uses xref streams, which PDF/A-2 allows).
- pyHanko sets XMP ``pdf:Producer`` to "pyHanko x.y" but *appends* to the Info
  ``/Producer``, so Info and XMP disagree. We set Info ``/Producer`` to pyHanko's
  vendor string in the signing revision, so both end up identical.
- The default stamp font is a non-embedded Courier, which breaks PDF/A. A
  visible stamp therefore always embeds an OpenType font (needs
  ``pyHanko[opentype]``, i.e. uharfbuzz); without it we refuse a visible stamp.
- ECDSA keys make pyHanko bump the PDF version to 2.0 (ISO 32002): RSA only.
- ``SimpleSigner`` parses the private key on every signature (~46 ms of RSA key
  checks); ``CachedKeySigner`` parses it once per process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import enum
import functools
import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

DEFAULT_STAMP_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
FIELD_NAME = "Handtekening"
STAMP_TEXT = "Digitaal ondertekend door:\n%(signer)s\nDatum: %(ts)s"


class CachedKeySigner(SimpleSigner):
    """SimpleSigner that keeps the parsed private key instead of re-parsing it per signature."""

    def __init__(self, *, private_key: rsa.RSAPrivateKey, **kwargs) -> None:
        super().__init__(**kwargs)
        self._private_key = private_key

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        if digest_algorithm != "sha256":
            return super().sign_raw(data, digest_algorithm)
        return self._private_key.sign(data, PKCS1v15(), hashes.SHA256())


@dataclass(frozen=True)
class LoadedSigner:
    signer: CachedKeySigner
    subject: str
    not_after: dt.datetime


_SIGNERS: dict[tuple[str, float, bytes], LoadedSigner] = {}
_SIGNERS_LOCK = threading.Lock()


def load_signer(path: str | os.PathLike[str], passphrase: str | bytes) -> LoadedSigner:
    """Load an RSA PKCS#12 once per process (keyed by path, mtime and passphrase)."""
    pw = passphrase.encode() if isinstance(passphrase, str) else passphrase
    p = Path(path)
    key = (str(p.resolve()), p.stat().st_mtime, pw)
    with _SIGNERS_LOCK:
        if key in _SIGNERS:
            return _SIGNERS[key]
        try:
            private_key, cert, extra = pkcs12.load_key_and_certificates(p.read_bytes(), pw)
        except ValueError as exc:
            raise SigningError("The signing certificate could not be opened (wrong passphrase?).") from exc
        if not isinstance(private_key, rsa.RSAPrivateKey) or cert is None:
            # ECDSA would turn the PDF into 2.0 and break the PDF/A-2 base version.
            raise SigningError("The signing certificate must hold an RSA key and its certificate.")
        as_cert = asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
        store = SimpleCertificateStore()
        store.register_multiple(asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))
                                for c in extra)
        signer = CachedKeySigner(
            private_key=private_key,
            signing_cert=as_cert,
            signing_key=asn1_keys.PrivateKeyInfo.load(private_key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())),
            cert_registry=store,
        )
        loaded = LoadedSigner(signer, cert.subject.rfc4514_string(), cert.not_valid_after_utc)
        _SIGNERS.clear()  # one signing identity per process; drop a replaced file's key
        _SIGNERS[key] = loaded
        return loaded


def _normalise_producer(writer: IncrementalPdfFileWriter) -> None:
    """Make Info /Producer equal to what pyHanko will write into XMP pdf:Producer."""
    try:
        info_ref = writer.trailer.raw_get("/Info")
    except KeyError:
        return
    info = info_ref.get_object()
    info["/Producer"] = generic.TextStringObject(VENDOR)
    if isinstance(info_ref, generic.IndirectObject):
        writer.mark_update(info_ref)
    else:
        writer.update_container(info)


#: what a stamp can say without the full font: Latin (Basic to Extended-B), general punctuation
#: and the euro sign; a signer's name outside it makes the stamp use the full font
STAMP_CHARACTERS = frozenset(
    [chr(c) for c in range(0x20, 0x250)] + [chr(c) for c in range(0x2010, 0x2050)] + ["\u20ac", "\n"]
)


def stamp_font_file(path: str, *, full: bool = False) -> str:
    """A copy of the stamp font with 1000 units per em, made once per process (and once per
    machine: the copy is kept in the temp directory under the font's hash).

    pyHanko 0.38's GlyphAccumulator mixes glyph widths in font units with TJ adjustments in
    thousandths of an em, so a 2048-unit font (DejaVu, Liberation) is drawn with every glyph
    spread far apart. Fonts already at 1000 units are only cut down.

    Unless ``full``, the copy holds only ``STAMP_CHARACTERS`` without layout tables (GSUB, GPOS:
    a stamp needs no ligatures or kerning). pyHanko parses and subsets the stamp font on every
    signature, and the whole of DejaVu Sans made a visible signature cost five times an
    invisible one; the cut-down font (about 30 KB) is parsed and subset in milliseconds. Each
    signed PDF still embeds its own subset, as PDF/A requires.
    """
    return _stamp_font_file(path, full)


@functools.cache
def _stamp_font_file(path: str, full: bool) -> str:
    from fontTools.ttLib import TTFont

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    kind = "full" if full else "stamp"
    target = Path(tempfile.gettempdir()) / "parliament-tracker-fonts" / f"{Path(path).stem}-{digest}-{kind}-upem1000.ttf"
    if target.exists():
        return str(target)
    font = TTFont(path, lazy=False)
    if full and font["head"].unitsPerEm == 1000:
        return path
    if not full:
        from fontTools import subset

        options = subset.Options()
        options.layout_features = []
        options.drop_tables += ["GSUB", "GPOS", "GDEF", "FFTM", "kern"]
        options.notdef_outline = True
        options.name_IDs = ["*"]
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=[ord(c) for c in STAMP_CHARACTERS if c != "\n"])
        subsetter.subset(font)
    if font["head"].unitsPerEm != 1000:
        from fontTools.ttLib.scaleUpem import scale_upem

        scale_upem(font, 1000)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")
    font.save(str(tmp))
    os.replace(tmp, target)
    return str(target)


def stamp_style(font_path: str, *, full: bool = False) -> Any:
    """The visible stamp's style with its font engine factory, prepared once per process."""
    return _stamp_style(font_path, full)


@functools.cache
def _stamp_style(font_path: str, full: bool) -> Any:
    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    except ImportError as exc:
        raise SigningError("A visible signature needs pyHanko[opentype] to embed its font (PDF/A).") from exc
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    factory = GlyphAccumulatorFactory(stamp_font_file(font_path, full=full))
    return TextStampStyle(stamp_text=STAMP_TEXT, text_box_style=TextBoxStyle(font=factory))


def stamp_style_for(signer: LoadedSigner, font_path: str = DEFAULT_STAMP_FONT) -> Any:
    """The prepared style whose font has every character the stamp will show (the signer's name)."""
    return stamp_style(font_path, full=not set(signer.subject) <= STAMP_CHARACTERS)


class PadesLevel(enum.StrEnum):
    """PAdES baseline levels (ETSI EN 319 142-1), lowest first."""

    B_B = "B-B"  # the signature only
    B_T = "B-T"  # + an RFC 3161 timestamp on the signature: when it was signed
    B_LT = "B-LT"  # + the certificates and revocation data (DSS): checkable after the certificate expires
    B_LTA = "B-LTA"  # + a document timestamp over all of it: the validation data cannot be swapped later

    @property
    def needs_timestamp(self) -> bool:
        return self != PadesLevel.B_B

    @property
    def rank(self) -> int:
        return list(PadesLevel).index(self)


def effective_level(configured: str | None, timestamp_url: str | None) -> PadesLevel:
    """The level an installation signs at: the configured one, or (empty) the highest its
    configuration allows: B-LTA with a timestamp server, B-B without one.

    Raises ``ValueError`` for an unknown level or a level that needs a timestamp server when
    none is configured.
    """
    if not configured:
        return PadesLevel.B_LTA if timestamp_url else PadesLevel.B_B
    try:
        level = PadesLevel(configured.strip().upper().removeprefix("PADES-"))
    except ValueError:
        raise ValueError(f"unknown PAdES level {configured!r}: one of {', '.join(PadesLevel)}") from None
    if level.needs_timestamp and not timestamp_url:
        raise ValueError(f"PAdES {level} needs a timestamp server (SIGNING_TSA_URL)")
    return level


def _signing_validation_context(trust_roots_pem: list[bytes]) -> ValidationContext:
    """What B-LT embeds is what this context finds: the chain to one of the roots, and the
    revocation data fetched over HTTP from the URLs in the certificates (CRL, OCSP)."""
    roots = [c for pem in trust_roots_pem for c in load_certs_from_pemder_data(pem)]
    return ValidationContext(trust_roots=roots, allow_fetching=True)


def _page_refs(node: Any) -> list[Any]:
    """The page objects' references in order (a page tree walked depth first)."""
    out: list[Any] = []
    for kid in node.get_object()["/Kids"]:
        obj = kid.get_object()
        if obj.get("/Type") == "/Pages":
            out.extend(_page_refs(kid))
        else:
            out.append(kid)
    return out


def _name_tree_lookup(node: Any, name: str) -> Any:
    node = node.get_object()
    names = node.get("/Names")
    if names is not None:
        for i in range(0, len(names) - 1, 2):
            if str(names[i]) == name:
                return names[i + 1].get_object()
    for kid in node.get("/Kids", []):
        found = _name_tree_lookup(kid, name)
        if found is not None:
            return found
    return None


def named_destination(pdf_bytes: bytes, name: str) -> tuple[int, float, float] | None:
    """A named destination's page index and (left, top) in PDF points, or None.

    WeasyPrint writes one for every element with an id (``/Names /Dests``); the signing step
    finds the template's signature box this way in the stored PDF instead of laying it out again.
    """
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        root = reader.root
        dests = root.get("/Names", generic.DictionaryObject()).get_object().get("/Dests")
        if dests is None:
            return None
        dest = _name_tree_lookup(dests, name)
        if isinstance(dest, generic.DictionaryObject):
            dest = dest["/D"]
        if dest is None or len(dest) < 4:
            return None
        refs = [getattr(r, "reference", r) for r in _page_refs(root.raw_get("/Pages"))]
        target = getattr(dest.raw_get(0), "reference", None)
        return refs.index(target), float(dest[2]), float(dest[3])
    except (KeyError, ValueError, TypeError, IndexError):
        return None


def sign_pdf(
    pdf_bytes: bytes,
    signer: LoadedSigner,
    *,
    box: tuple[float, float, float, float] | None = None,
    page: int = 0,
    reason: str | None = None,
    location: str | None = None,
    timestamp_url: str | None = None,
    timestamper: TimeStamper | None = None,
    level: PadesLevel | None = None,
    trust_roots_pem: list[bytes] | None = None,
    stamp_font: str = DEFAULT_STAMP_FONT,
    field_name: str = FIELD_NAME,
) -> bytes:
    """Sign with a PAdES signature; ``box`` (PDF points, x1 y1 x2 y2) makes it visible.

    ``level`` defaults to B-T with a timestamper and B-B without. B-LT and B-LTA need a
    timestamper and ``trust_roots_pem`` (the roots the signer's and the TSA's chains end in):
    the chains and their revocation data are fetched now and embedded in a DSS; B-LTA then adds
    a document timestamp over the whole file.
    """
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    _normalise_producer(writer)
    if timestamper is None and timestamp_url:
        timestamper = HTTPTimeStamper(timestamp_url)
    if level is None:
        level = PadesLevel.B_T if timestamper is not None else PadesLevel.B_B
    if level.needs_timestamp and timestamper is None:
        raise SigningError(f"PAdES {level} needs a timestamp server.")
    style = stamp_style_for(signer, stamp_font) if box is not None else None
    # pyHanko annotates box as ints, but PDF coordinates are real numbers and it takes floats.
    spec = fields.SigFieldSpec(field_name, on_page=page, box=box)  # type: ignore[arg-type]
    long_term = level.rank >= PadesLevel.B_LT.rank
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        embed_validation_info=long_term,
        use_pades_lta=level == PadesLevel.B_LTA,
        validation_context=_signing_validation_context(trust_roots_pem or []) if long_term else None,
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer.signer, timestamper=timestamper if level.needs_timestamp else None,
                                   stamp_style=style, new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()


# --------------------------------------------------------------------------- verification

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
    from pyhanko.sign.validation import validate_pdf_timestamp
    from pyhanko.sign.validation.status import SignatureCoverageLevel

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
        long_term = level in (PadesLevel.B_LT, PadesLevel.B_LTA)

        def context(when: dt.datetime, *, strict: bool = False) -> ValidationContext:
            kwargs: dict[str, Any] = {"trust_roots": roots, "allow_fetching": False, "moment": when}
            if strict:
                kwargs.update(revocation_mode="hard-fail", retroactive_revinfo=True)
            return dss.as_validation_context(kwargs) if dss is not None else ValidationContext(**kwargs)

        stamps = []
        for ts in doc_ts:
            # At its own time: pyHanko embeds no revocation data for the newest document
            # timestamp (that comes with the next renewal), so "now" would need fetching.
            own_time = _token_time(ts.signed_data) or moment
            ts_status = validate_pdf_timestamp(ts, context(own_time))
            stamps.append(TimestampInfo(ts_status.timestamp, ts_status.signing_cert.subject.human_friendly,
                                        bool(ts_status.intact and ts_status.valid
                                             and ts_status.coverage >= SignatureCoverageLevel.ENTIRE_REVISION),
                                        bool(ts_status.trusted)))
        if long_term:
            # The signer's chain at the time the signature timestamp proves; the timestamp's own
            # chain at the time of the document timestamp over it (B-LTA), else at its own time.
            signed_at = _timestamp_time(signature) or moment
            ts_moment = stamps[0].time if stamps else signed_at
            status = validate_pdf_signature(signature, context(signed_at, strict=True),
                                            ts_validation_context=context(ts_moment, strict=True))
        else:
            status = validate_pdf_signature(signature, context(moment))
    except Exception as exc:  # a signature dictionary that cannot be parsed or checked
        return VerificationResult(signed=True, readable=False, summary=f"signature could not be validated: {exc}")

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
        document_timestamps=tuple(stamps),
        chain=_chain(signature.signer_cert, pool),
        validation_data=None if dss is None else {
            "certificates": len(dss.certs), "ocsp_responses": len(dss.ocsps), "crls": len(dss.crls)},
        validated_at=moment,
        long_term=long_term,
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


# --------------------------------------------------------------------------- dev certificate

@dataclass(frozen=True)
class DevCertificate:
    p12_path: Path
    root_pem_path: Path


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Parliament Tracker (development)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_dev_certificate(path: str | os.PathLike[str], passphrase: str | bytes, common_name: str,
                         *, days: int = 825, key_size: int = 2048) -> DevCertificate:
    """Self-signed development CA plus a signing certificate, as PKCS#12.

    The root CA is written next to it as ``<name>.root-ca.pem`` so validation
    (and ``pdfsig -nssdir``-style checks) can trust it. Never for production.
    """
    pw = passphrase.encode() if isinstance(passphrase, str) else passphrase
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    ca_name = _name(f"{common_name} development root CA")
    ca_cert = (
        x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                     crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    cert = (
        x509.CertificateBuilder().subject_name(_name(common_name)).issuer_name(ca_name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now).not_valid_after(now + dt.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                     data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                     crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    p12 = pkcs12.serialize_key_and_certificates(
        common_name.encode(), key, cert, [ca_cert], serialization.BestAvailableEncryption(pw))
    p12_path = Path(path)
    p12_path.parent.mkdir(parents=True, exist_ok=True)
    root_path = p12_path.with_name(p12_path.stem + ".root-ca.pem")
    # Write the key file readable by the owner only.
    fd = os.open(p12_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(p12)
    root_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return DevCertificate(p12_path, root_path)
