"""PAdES B-B, B-T, B-LT and B-LTA against a real timestamp authority, CRL and OCSP responder
served over HTTP on 127.0.0.1 (certomancer's Animator), checked with pyHanko and pdfsig, also
years later when the signer's certificate has expired."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation.dss import DocumentSecurityStore

from parliament_tracker.letters.engine import signing
from parliament_tracker.letters.engine.signing import PadesLevel, Verdict, effective_level, sign_pdf, verify_pdf
from tests.pades_pki import PASSPHRASE, running_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    with running_pki(tmp_path_factory.mktemp("pades-pki")) as running:
        yield running


@pytest.fixture(scope="module")
def pki_signer(pki):
    return signing.load_signer(pki.p12_path, PASSPHRASE)


@pytest.fixture(scope="module")
def signed(seed_rendered, pki, pki_signer):
    """The seed letter signed at every level, once per module."""
    root = pki.root_pem_path.read_bytes()
    return {
        level: sign_pdf(seed_rendered.pdf, pki_signer, timestamp_url=pki.tsa_url, level=level, trust_roots_pem=[root],
                        reason="Vastgesteld", location="Den Haag")
        for level in PadesLevel
    }


def roots(pki) -> list[bytes]:
    return [pki.root_pem_path.read_bytes()]


def years_later(pki) -> dt.datetime:
    """Well after the signer's certificate expired (the CAs and the TSA are still valid)."""
    return pki.signer_not_after + dt.timedelta(days=400)


@pytest.mark.parametrize("level", list(PadesLevel))
def test_each_level_validates_now_and_carries_its_level(signed, pki, level):
    result = verify_pdf(signed[level], roots(pki))
    assert result.verdict == Verdict.valid, result.summary
    assert result.level == level.value
    assert [c.subject for c in result.chain][0].startswith("Common Name: Test Signatory Office")
    assert "Test Root CA" in result.chain[-1].subject and len(result.chain) == 3
    if level == PadesLevel.B_B:
        assert result.timestamp is None
    else:
        assert result.timestamp is not None and result.timestamp.trusted
        assert "Test Time Stamping Authority" in result.timestamp.authority
        assert abs(result.timestamp.time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=10)
    assert bool(result.document_timestamps) == (level == PadesLevel.B_LTA)


@pytest.mark.parametrize("level", [PadesLevel.B_LT, PadesLevel.B_LTA])
def test_long_term_levels_embed_chain_and_revocation_data(signed, level):
    reader = PdfFileReader(io.BytesIO(signed[level]))
    dss = DocumentSecurityStore.read_dss(reader)
    subjects = {c.subject.human_friendly for c in dss.load_certs()}
    assert any("Test Intermediate CA" in s for s in subjects) and any("Test Root CA" in s for s in subjects)
    assert any("Test Time Stamping Authority" in s for s in subjects)
    assert dss.ocsps, "the OCSP response for the signer's certificate"
    assert dss.crls, "the root's CRL for the intermediate and the TSA"


@pytest.mark.parametrize("level", [PadesLevel.B_LT, PadesLevel.B_LTA])
def test_long_term_levels_validate_after_the_signer_certificate_expired(signed, pki, level):
    later = years_later(pki)
    result = verify_pdf(signed[level], roots(pki), at=later)
    assert result.long_term and result.verdict == Verdict.valid, result.summary
    assert result.validated_at == later
    assert result.chain[0].not_after < later  # the signer's certificate had expired by then


@pytest.mark.parametrize("level", [PadesLevel.B_B, PadesLevel.B_T])
def test_short_term_levels_no_longer_validate_once_the_certificate_expired(signed, pki, level):
    result = verify_pdf(signed[level], roots(pki), at=years_later(pki))
    assert not result.long_term and result.verdict == Verdict.not_trusted


def _without_revocation_data(pdf: bytes) -> bytes:
    """The same letter with the OCSP responses and CRLs taken out of its DSS (a new revision)."""
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    dss_ref = writer.root.raw_get("/DSS")
    dss = dss_ref.get_object()
    for key in ("/OCSPs", "/CRLs", "/VRI"):
        dss.pop(key, None)
    if isinstance(dss_ref, generic.IndirectObject):
        writer.mark_update(dss_ref)
    else:
        writer.update_root()
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_long_term_validation_uses_only_embedded_revocation_data(signed, pki):
    """Without the embedded OCSP response and CRLs (and no fetching), a B-LT letter no longer
    validates after the signer's certificate expired: what makes it validate is what it carries."""
    full = verify_pdf(signed[PadesLevel.B_LT], roots(pki), at=years_later(pki))
    assert full.ok and full.validation_data["ocsp_responses"] >= 1 and full.validation_data["crls"] >= 1
    stripped = verify_pdf(_without_revocation_data(signed[PadesLevel.B_LT]), roots(pki), at=years_later(pki))
    assert stripped.validation_data == {"certificates": full.validation_data["certificates"], "ocsp_responses": 0,
                                        "crls": 0}
    assert stripped.long_term and not stripped.ok


def _byte_ranges(pdf: bytes) -> list[list[int]]:
    return [[int(x) for x in m.groups()]
            for m in re.finditer(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", pdf)]


def test_tampered_lta_letter_fails(signed, pki):
    pdf = signed[PadesLevel.B_LTA]
    (start, length, _, _), _doc_ts = _byte_ranges(pdf)[:2]
    stream = pdf.index(b"stream", start) + 40  # inside the letter's first content stream
    assert stream < start + length
    tampered = bytearray(pdf)
    tampered[stream] ^= 0x01
    result = verify_pdf(bytes(tampered), roots(pki))
    assert result.verdict == Verdict.modified and not result.intact
    later = verify_pdf(bytes(tampered), roots(pki), at=years_later(pki))
    assert later.verdict == Verdict.modified


def test_tampered_validation_data_breaks_the_document_timestamp(signed, pki):
    """A changed byte in the validation data (after the signature, under the document timestamp):
    the signature itself is intact, the document timestamp is not."""
    pdf = signed[PadesLevel.B_LTA]
    signature_range, doc_ts_range = _byte_ranges(pdf)[:2]
    after_signature = signature_range[2] + signature_range[3]
    data_at = pdf.index(b"stream", after_signature) + 20  # the first DSS stream (a certificate)
    assert data_at < doc_ts_range[1]
    tampered = bytearray(pdf)
    tampered[data_at] ^= 0x01
    result = verify_pdf(bytes(tampered), roots(pki))
    assert result.intact
    assert [ts.intact for ts in result.document_timestamps] == [False]
    assert result.verdict == Verdict.modified


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils pdfsig not installed")
@pytest.mark.parametrize("level", list(PadesLevel))
def test_pdfsig_validates_each_level(signed, level, tmp_path):
    path = tmp_path / f"{level}.pdf"
    path.write_bytes(signed[level])
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=30).stdout
    first = out.split("Signature #2:")[0]
    assert "Signature #1:" in first and "Signature is Valid" in first and "ETSI.CAdES.detached" in first
    # B-B and B-T cover the whole file; B-LT and B-LTA add the DSS (and the document timestamp) after it.
    assert ("Total document signed" in first) == (level in (PadesLevel.B_B, PadesLevel.B_T))
    if level == PadesLevel.B_LTA:
        second = out.split("Signature #2:")[1]
        assert "Test Time Stamping Authority" in second  # the document timestamp
    else:
        assert "Signature #2:" not in out


@pytest.mark.skipif(shutil.which("pdfsig") is None, reason="poppler-utils pdfsig not installed")
def test_pdfsig_sees_the_tampered_lta_letter(signed, tmp_path):
    pdf = signed[PadesLevel.B_LTA]
    start = _byte_ranges(pdf)[0][0]
    tampered = bytearray(pdf)
    tampered[pdf.index(b"stream", start) + 40] ^= 0x01
    path = tmp_path / "tampered.pdf"
    path.write_bytes(bytes(tampered))
    out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=30).stdout
    assert "Digest Mismatch" in out.split("Signature #2:")[0]


def test_pdfa_claims_survive_lta_signing(signed, seed_rendered):
    from letters_helpers import xmp, xmp_attr

    pdf = signed[PadesLevel.B_LTA]
    assert pdf.startswith(seed_rendered.pdf)  # incremental updates only
    meta = xmp(pdf)
    assert xmp_attr(meta, "pdfaid:part") == "2" and xmp_attr(meta, "pdfaid:conformance") == "B"
    assert b"/Version /2.0" not in pdf


@pytest.mark.parametrize(
    ("configured", "tsa", "expected"),
    [("", None, PadesLevel.B_B), ("", "http://tsa", PadesLevel.B_LTA), ("B-T", "http://tsa", PadesLevel.B_T),
     ("pades-b-lt", "http://tsa", PadesLevel.B_LT), ("B-B", "http://tsa", PadesLevel.B_B)],
)
def test_effective_level_is_the_highest_the_configuration_allows(configured, tsa, expected):
    assert effective_level(configured, tsa) == expected


@pytest.mark.parametrize(("configured", "tsa"), [("B-T", None), ("B-LTA", ""), ("B-X", "http://tsa")])
def test_effective_level_refuses_what_cannot_be_done(configured, tsa):
    with pytest.raises(ValueError):
        effective_level(configured, tsa)


def test_a_long_term_level_without_a_timestamper_is_refused(seed_rendered, pki_signer, pki):
    with pytest.raises(signing.SigningError):
        sign_pdf(seed_rendered.pdf, pki_signer, level=PadesLevel.B_LT, trust_roots_pem=roots(pki))


def test_a_revoked_signer_cannot_sign_long_term_and_its_older_letter_shows_it(seed_rendered, tmp_path):
    """The OCSP responder says the signer's certificate was revoked an hour ago: B-LT signing
    refuses (pyHanko checks the revocation data it embeds), and a B-T letter validated with the
    revocation data fetched now is not trusted."""
    revoked_at = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    with running_pki(tmp_path / "revoked", signer_revoked_at=revoked_at) as revoked:
        identity = signing.load_signer(revoked.p12_path, PASSPHRASE)
        with pytest.raises(signing.SigningError, match="could not be validated") as refused:
            sign_pdf(seed_rendered.pdf, identity, timestamp_url=revoked.tsa_url, level=PadesLevel.B_LT,
                     trust_roots_pem=roots(revoked))
        assert "revoked" in str(refused.value.__cause__)
        signed_bt = sign_pdf(seed_rendered.pdf, identity, timestamp_url=revoked.tsa_url, level=PadesLevel.B_T)
        from pyhanko.keys import load_cert_from_pemder
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        status = validate_pdf_signature(
            PdfFileReader(io.BytesIO(signed_bt)).embedded_signatures[0],
            # A tolerance as in signing: an OCSP response made a second after this context's "now"
            # is otherwise ignored as not yet valid on a loaded machine.
            ValidationContext(trust_roots=[load_cert_from_pemder(str(revoked.root_pem_path))], allow_fetching=True,
                              time_tolerance=dt.timedelta(minutes=5)),
        )
        assert status.intact and status.revoked and not status.bottom_line
