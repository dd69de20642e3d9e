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
- PDF/UA: pyHanko's signature widget is not in the structure tree. On a tagged letter the
  field is created first and tagged (``/Form`` element with an ``/OBJR`` to the widget,
  ``/StructParent`` in the ParentTree, ``/TU`` as its description) in the same revision.
- ECDSA keys make pyHanko bump the PDF version to 2.0 (ISO 32002): RSA only.
- ``SimpleSigner`` parses the private key on every signature (~46 ms of RSA key
  checks); ``CachedKeySigner`` parses it once per process.

pyHanko, asn1crypto and cryptography are imported in the functions that sign (with aiohttp and
pyhanko-certvalidator about 0.3 s): the app imports this module when it is built, and must answer
its first request fast (issue #19). ``SigningError`` is pyHanko's, looked up on first use.
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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign.timestamps import TimeStamper
    from pyhanko_certvalidator import ValidationContext

# Verification and the development certificate live in their own modules; the names stay
# importable from here, where callers have always found them.
from parliament_tracker.letters.engine.devcert import DevCertificate, make_dev_certificate  # noqa: F401
from parliament_tracker.letters.engine.levels import PadesLevel, effective_level  # noqa: F401
from parliament_tracker.letters.engine.pdf_structure import named_destination, tag_signature_widget  # noqa: F401
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


def signature_block_text(name: str, office: str) -> str:
    """The visible signature block: who signed, in which office, and when (pyHanko fills %(ts)s)."""
    def literal(text: str) -> str:
        return " ".join(text.split()).replace("%", "%%")

    return f"Digitaal ondertekend door:\n{literal(name)}\n{literal(office)}\nDatum: %(ts)s"


def __getattr__(name: str) -> Any:
    if name == "SigningError":  # pyHanko's, so that its own refusals are caught by the same name
        from pyhanko.sign.general import SigningError

        return SigningError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _cached_key_signer_class() -> type:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from pyhanko.sign.signers.pdf_cms import SimpleSigner

    class CachedKeySigner(SimpleSigner):
        """SimpleSigner that keeps the parsed private key instead of re-parsing it per signature."""

        def __init__(self, *, private_key: rsa.RSAPrivateKey, **kwargs) -> None:
            super().__init__(**kwargs)
            self._private_key = private_key

        def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
            if digest_algorithm != "sha256":
                return super().sign_raw(data, digest_algorithm)
            return self._private_key.sign(data, PKCS1v15(), hashes.SHA256())

    return CachedKeySigner


@dataclass(frozen=True)
class LoadedSigner:
    signer: Any  # a CachedKeySigner (pyHanko's SimpleSigner)
    subject: str
    not_after: dt.datetime


_SIGNERS: dict[tuple[str, float, bytes], LoadedSigner] = {}
_SIGNERS_LOCK = threading.Lock()


def load_signer(path: str | os.PathLike[str], passphrase: str | bytes) -> LoadedSigner:
    """Load an RSA PKCS#12 once per process (keyed by path, mtime and passphrase)."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from pyhanko.sign.general import SigningError
    from pyhanko_certvalidator.registry import SimpleCertificateStore

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
        signer = _cached_key_signer_class()(
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
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.metadata.model import VENDOR

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
#: and the euro sign; a name or office outside it makes the stamp use the full font
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


@functools.cache
def _stamp_font_factory(font_path: str, full: bool) -> Any:
    """The stamp font's engine factory, prepared once per process."""
    from pyhanko.sign.general import SigningError

    try:
        from pyhanko.pdf_utils.font.opentype import GlyphAccumulatorFactory
    except ImportError as exc:
        raise SigningError("A visible signature needs pyHanko[opentype] to embed its font (PDF/A).") from exc
    return GlyphAccumulatorFactory(stamp_font_file(font_path, full=full))


def stamp_style(font_path: str, stamp_text: str = STAMP_TEXT, *, full: bool = False) -> Any:
    """The visible stamp's style (its text and font), prepared once per process and text."""
    return _stamp_style(font_path, stamp_text, full)


@functools.lru_cache(maxsize=64)
def _stamp_style(font_path: str, stamp_text: str, full: bool) -> Any:
    from pyhanko.pdf_utils.text import TextBoxStyle
    from pyhanko.stamp import TextStampStyle

    return TextStampStyle(stamp_text=stamp_text, text_box_style=TextBoxStyle(font=_stamp_font_factory(font_path, full)))


def stamp_style_for(signer: LoadedSigner, font_path: str = DEFAULT_STAMP_FONT, stamp_text: str = STAMP_TEXT) -> Any:
    """The prepared style whose font has every character the stamp will show (name, office)."""
    full = not set(signer.subject + stamp_text) <= STAMP_CHARACTERS
    return stamp_style(font_path, stamp_text, full=full)


def _signing_validation_context(trust_roots_pem: list[bytes]) -> ValidationContext:
    """What B-LT embeds is what this context finds: the chain to one of the roots, and the
    revocation data fetched over HTTP from the URLs in the certificates (CRL, OCSP).

    Hard-fail: a certificate that names where its revocation status is kept must have it, so a
    responder that is down or slow refuses the signature instead of producing a "B-LT" letter
    without revocation data (the long-term validation would reject it later)."""
    from pyhanko.keys import load_certs_from_pemder_data
    from pyhanko_certvalidator import ValidationContext

    roots = [c for pem in trust_roots_pem for c in load_certs_from_pemder_data(pem)]
    # The context's "now" is taken when it is made; an OCSP response produced a second or more
    # later (a slow responder, a loaded machine) was "not yet valid" under pyhanko-certvalidator's
    # 1 s tolerance and silently ignored, so a revoked signer could sign. Allow for that and
    # for ordinary clock skew between us and the responder.
    return ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="hard-fail",
                             time_tolerance=dt.timedelta(minutes=5))


def http_timestamper(url: str) -> TimeStamper:
    """pyHanko's RFC 3161 client for the timestamp server at ``url``."""
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url)


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
    stamp_text: str = STAMP_TEXT,
) -> bytes:
    """Sign with a PAdES signature; ``box`` (PDF points, x1 y1 x2 y2) makes it visible.

    ``level`` defaults to B-T with a timestamper and B-B without. B-LT and B-LTA need a
    timestamper and ``trust_roots_pem`` (the roots the signer's and the TSA's chains end in):
    the chains and their revocation data are fetched now and embedded in a DSS; B-LTA then adds
    a document timestamp over the whole file.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers
    from pyhanko.sign.general import SigningError

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    _normalise_producer(writer)
    if timestamper is None and timestamp_url:
        timestamper = http_timestamper(timestamp_url)
    if level is None:
        level = PadesLevel.B_T if timestamper is not None else PadesLevel.B_B
    if level.needs_timestamp and timestamper is None:
        raise SigningError(f"PAdES {level} needs a timestamp server.")
    style = stamp_style_for(signer, stamp_font, stamp_text) if box is not None else None
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
    new_field_spec: fields.SigFieldSpec | None = spec
    if "/StructTreeRoot" in writer.root:  # a tagged letter: the widget joins the structure tree
        fields.append_signature_field(writer, spec)
        tag_signature_widget(writer, field_name, page)
        new_field_spec = None
    pdf_signer = signers.PdfSigner(meta, signer=signer.signer, timestamper=timestamper if level.needs_timestamp else None,
                                   stamp_style=style, new_field_spec=new_field_spec)
    out = io.BytesIO()
    pdf_signer.sign_pdf(writer, output=out)
    return out.getvalue()
