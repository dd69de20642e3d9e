"""PAdES signatures with pyHanko (RSA + SHA-256); verification is in ``verification``.

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

import datetime as dt
import functools
import hashlib
import io
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.serialization import pkcs12
from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import SimpleSigner
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

# Verification and the development certificate live in their own modules; the names stay
# importable from here, where callers have always found them.
from parliament_tracker.letters.engine.devcert import DevCertificate, make_dev_certificate  # noqa: F401
from parliament_tracker.letters.engine.levels import PadesLevel, effective_level  # noqa: F401
from parliament_tracker.letters.engine.verification import (  # noqa: F401
    CertificateInfo,
    TimestampInfo,
    Verdict,
    VerificationResult,
    detect_level,
    verify_pdf,
)

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


def _signing_validation_context(trust_roots_pem: list[bytes]) -> ValidationContext:
    """What B-LT embeds is what this context finds: the chain to one of the roots, and the
    revocation data fetched over HTTP from the URLs in the certificates (CRL, OCSP).

    Hard-fail: a certificate that names where its revocation status is kept must have it, so a
    responder that is down or slow refuses the signature instead of producing a "B-LT" letter
    without revocation data (the long-term validation would reject it later)."""
    roots = [c for pem in trust_roots_pem for c in load_certs_from_pemder_data(pem)]
    # The context's "now" is taken when it is made; an OCSP response produced a second or more
    # later (a slow responder, a loaded machine) was "not yet valid" under pyhanko-certvalidator's
    # 1 s tolerance and silently ignored, so a revoked signer could sign. Allow for that and
    # for ordinary clock skew between us and the responder.
    return ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail",
                             time_tolerance=dt.timedelta(minutes=5))


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
    long_term = level.rank >= PadesLevel.B_LT.rank
    context = _signing_validation_context(trust_roots_pem or []) if long_term else None
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=reason,
        location=location,
        embed_validation_info=long_term,
        use_pades_lta=level == PadesLevel.B_LTA,
        validation_context=context,
    )
    pdf_signer = signers.PdfSigner(meta, signer=signer.signer, timestamper=timestamper if level.needs_timestamp else None,
                                   stamp_style=stamp_style, new_field_spec=spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()
