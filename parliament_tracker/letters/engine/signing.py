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


@functools.cache
def stamp_font_file(path: str) -> str:
    """A copy of the stamp font with 1000 units per em, made once per process.

    pyHanko 0.38's GlyphAccumulator mixes glyph widths in font units with TJ adjustments in
    thousandths of an em, so a 2048-unit font (DejaVu, Liberation) is drawn with every glyph
    spread far apart. Fonts already at 1000 units are used as they are.
    """
    from fontTools.ttLib import TTFont

    font = TTFont(path, lazy=False)
    if font["head"].unitsPerEm == 1000:
        return path
    from fontTools.ttLib.scaleUpem import scale_upem

    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    target = Path(tempfile.gettempdir()) / "parliament-tracker-fonts" / f"{Path(path).stem}-{digest}-upem1000.ttf"
    if not target.exists():
        scale_upem(font, 1000)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_suffix(f".{os.getpid()}.tmp")
        font.save(str(tmp))
        os.replace(tmp, target)
    return str(target)


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
    stamp_font: str = DEFAULT_STAMP_FONT,
    field_name: str = FIELD_NAME,
) -> bytes:
    """Sign with a PAdES signature; ``box`` (PDF points, x1 y1 x2 y2) makes it visible."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    _normalise_producer(writer)
    if timestamper is None and timestamp_url:
        timestamper = HTTPTimeStamper(timestamp_url)
    stamp_style = None
    if box is not None:
        try:
            from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
        except ImportError as exc:
            raise SigningError("A visible signature needs pyHanko[opentype] to embed its font (PDF/A).") from exc
        from pyhanko.pdf_utils.text import TextBoxStyle
        from pyhanko.stamp import TextStampStyle

        stamp_style = TextStampStyle(stamp_text=STAMP_TEXT,
                                     text_box_style=TextBoxStyle(font=GlyphAccumulatorFactory(stamp_font_file(stamp_font))))
    # pyHanko annotates box as ints, but PDF coordinates are real numbers and it takes floats.
    spec = fields.SigFieldSpec(field_name, on_page=page, box=box)  # type: ignore[arg-type]
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer.signer, timestamper=timestamper,
                                   stamp_style=stamp_style, new_field_spec=spec)
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
        if not self.trusted:
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


def verify_pdf(pdf_bytes: bytes, trust_roots_pem: list[bytes]) -> VerificationResult:
    """Validate the last signature against the given roots (no network fetching)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        sigs = reader.embedded_signatures
    except Exception as exc:  # a damaged file is "not validly signed", not a crash
        return VerificationResult(signed=False, readable=False, summary=f"unreadable PDF: {exc}")
    if not sigs:
        return VerificationResult(signed=False, summary="no signature")
    roots = [c for pem in trust_roots_pem for c in load_certs_from_pemder_data(pem)]
    vc = ValidationContext(trust_roots=roots, allow_fetching=False)
    try:
        status = validate_pdf_signature(sigs[-1], vc)
    except Exception as exc:  # a signature dictionary that cannot be parsed or checked
        return VerificationResult(signed=True, readable=False, summary=f"signature could not be validated: {exc}")
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    ts = status.timestamp_validity
    trusted = bool(status.trusted)
    if not status.intact:
        trusted = _certificate_trusted(sigs[-1], ValidationContext(trust_roots=roots, allow_fetching=False))
    return VerificationResult(
        signed=True,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=trusted,
        signer_subject=status.signing_cert.subject.human_friendly,
        signing_time=status.signer_reported_dt,
        covers_whole_document=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modification_level=getattr(status.modification_level, "name", str(status.modification_level)),
        timestamp_trusted=None if ts is None else bool(ts.trusted),
        summary=status.summary(),
    )


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
