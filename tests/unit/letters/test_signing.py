"""PAdES signing and verification with a session-scoped development PKI."""

from __future__ import annotations

import importlib.util
import io
import re
import shutil
import subprocess

import pytest
from letters_helpers import xmp, xmp_attr
from pypdf import PdfReader

from parliament_tracker.letters.engine import signing
from parliament_tracker.letters.engine.signing import sign_pdf, verify_pdf


def roots(cert) -> list[bytes]:
    return [cert.root_pem_path.read_bytes()]


def test_signed_letter_validates(signed_seed_pdf, dev_cert):
    result = verify_pdf(signed_seed_pdf, roots(dev_cert))
    assert result.signed and result.intact and result.valid and result.trusted
    assert result.covers_whole_document and result.modification_level == "NONE"
    assert "Parliament Tracker test signer" in result.signer_subject
    assert result.signing_time is not None
    assert result.ok


def test_unsigned_pdf_is_reported_as_unsigned(seed_rendered, dev_cert):
    result = verify_pdf(seed_rendered.pdf, roots(dev_cert))
    assert not result.signed and not result.ok


def _byte_range(pdf: bytes) -> list[int]:
    m = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)
    assert m
    return [int(x) for x in m.groups()]


def test_one_changed_byte_in_the_signed_range_breaks_the_signature(signed_seed_pdf, dev_cert):
    start, length, _, _ = _byte_range(signed_seed_pdf)
    # Change a byte inside the first content stream: the file still parses, the hash differs.
    stream = signed_seed_pdf.index(b"stream", start) + 40
    assert stream < start + length
    tampered = bytearray(signed_seed_pdf)
    tampered[stream] ^= 0x01
    result = verify_pdf(bytes(tampered), roots(dev_cert))
    assert result.signed and not result.intact and not result.ok


def test_another_root_does_not_trust_the_signature(signed_seed_pdf, foreign_cert):
    result = verify_pdf(signed_seed_pdf, roots(foreign_cert))
    assert result.intact and not result.trusted and not result.ok


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils pdfsig not installed")
def test_pdfsig_agrees(signed_seed_pdf, tmp_path):
    path = tmp_path / "signed.pdf"
    path.write_bytes(signed_seed_pdf)
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=30).stdout
    assert "Signature is Valid" in out
    assert "Total document signed" in out
    assert "ETSI.CAdES.detached" in out  # PAdES, not adbe.pkcs7.detached
    assert "SHA-256" in out


def test_pdfa_claims_survive_signing(signed_seed_pdf, seed_rendered):
    assert signed_seed_pdf.startswith(seed_rendered.pdf)  # incremental update: original bytes untouched
    meta = xmp(signed_seed_pdf)
    assert xmp_attr(meta, "pdfaid:part") == "2" and xmp_attr(meta, "pdfaid:conformance") == "A"
    assert xmp_attr(meta, "pdfuaid:part") == "1"
    reader = PdfReader(io.BytesIO(signed_seed_pdf))
    assert reader.pdf_header == "%PDF-1.7"
    assert "/Version" not in reader.trailer["/Root"]  # no bump to PDF 2.0
    assert reader.trailer["/Root"]["/Lang"] == "nl-NL"
    assert "/OutputIntents" in reader.trailer["/Root"]
    # Info and XMP must name the same producer (PDF/A metadata consistency).
    assert reader.metadata.producer == xmp_attr(meta, "pdf:Producer")


def test_invisible_signature_field_is_printable_and_zero_sized(signed_seed_pdf):
    reader = PdfReader(io.BytesIO(signed_seed_pdf))
    widgets = [a.get_object() for p in reader.pages for a in (p.get("/Annots") or [])]
    assert len(widgets) == 1
    assert [float(v) for v in widgets[0]["/Rect"]] == [0, 0, 0, 0]
    assert int(widgets[0]["/F"]) & 4  # Print flag, required by PDF/A


@pytest.mark.skipif(importlib.util.find_spec("uharfbuzz") is None, reason="pyHanko[opentype] (uharfbuzz) missing")
def test_visible_signature_embeds_its_font(seed_rendered, loaded_signer, dev_cert):
    signed = sign_pdf(seed_rendered.pdf, loaded_signer, box=(360, 60, 560, 120), page=1)
    assert verify_pdf(signed, roots(dev_cert)).ok
    reader = PdfReader(io.BytesIO(signed))
    widget = [a.get_object() for a in reader.pages[1]["/Annots"]][0]
    appearance = widget["/AP"]["/N"].get_object()
    for font in appearance["/Resources"]["/Font"].values():
        font = font.get_object()
        for desc in font.get("/DescendantFonts", [font]):
            descriptor = desc.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_signer_is_loaded_once(dev_cert, loaded_signer):
    assert signing.load_signer(dev_cert.p12_path, "test-passphrase") is loaded_signer


def test_wrong_passphrase_is_a_clear_error(dev_cert):
    with pytest.raises(signing.SigningError, match="passphrase"):
        signing.load_signer(dev_cert.p12_path, "wrong")


def test_timestamp_is_embedded_and_trusted(seed_rendered, loaded_signer, dev_cert, tmp_path):
    """A dummy TSA stands in for the production timestamp URL."""
    import datetime as dt

    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    tsa_cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(ca_key.public_key())
                .serial_number(1).not_valid_before(now).not_valid_after(now + dt.timedelta(days=1))
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                .sign(ca_key, hashes.SHA256()))
    der = tsa_cert.public_bytes(serialization.Encoding.DER)
    key_der = ca_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                   serialization.NoEncryption())
    stamper = DummyTimeStamper(tsa_cert=asn1_x509.Certificate.load(der),
                               tsa_key=asn1_keys.PrivateKeyInfo.load(key_der))
    signed = sign_pdf(seed_rendered.pdf, loaded_signer, timestamper=stamper)
    pem = tsa_cert.public_bytes(serialization.Encoding.PEM)
    result = verify_pdf(signed, roots(dev_cert) + [pem])
    assert result.ok and result.timestamp_trusted is True


def test_stamp_font_is_rescaled_to_1000_units_per_em():
    """pyHanko's glyph accumulator assumes 1000 units per em; DejaVu has 2048 (glyphs drawn spread out)."""
    from fontTools.ttLib import TTFont

    path = signing.stamp_font_file(signing.DEFAULT_STAMP_FONT)
    assert TTFont(path)["head"].unitsPerEm == 1000
    assert signing.stamp_font_file(signing.DEFAULT_STAMP_FONT) == path


def test_stamp_font_is_prepared_once_and_cut_down():
    """The visible stamp's style and font are made once per process; the font holds the Latin
    characters a stamp shows (not the whole of DejaVu, which pyHanko parsed on every signature)."""
    from fontTools.ttLib import TTFont

    full = TTFont(signing.stamp_font_file(signing.DEFAULT_STAMP_FONT, full=True))
    cut = TTFont(signing.stamp_font_file(signing.DEFAULT_STAMP_FONT))
    assert cut["head"].unitsPerEm == 1000 and "GSUB" not in cut and "GPOS" not in cut
    cmap = cut.getBestCmap()
    assert {ord(c) for c in "Digitaal ondertekend door: Ŝéçü 2026-12-07 –"} <= set(cmap)
    assert len(cmap) < len(full.getBestCmap()) / 3
    assert signing.stamp_style(signing.DEFAULT_STAMP_FONT) is signing.stamp_style(signing.DEFAULT_STAMP_FONT)


def test_a_name_outside_the_cut_down_font_uses_the_full_font(loaded_signer):
    import dataclasses

    greek = dataclasses.replace(loaded_signer, subject="CN=Σοφία Παπαδοπούλου")
    assert signing.stamp_style_for(greek) is signing.stamp_style(signing.DEFAULT_STAMP_FONT, full=True)
    assert signing.stamp_style_for(loaded_signer) is signing.stamp_style(signing.DEFAULT_STAMP_FONT)
