"""Long-term signatures through the app: signing at the configured PAdES level against a real
TSA/OCSP/CRL over HTTP on 127.0.0.1, the verify page and API showing level, timestamp and chain,
and the archive package of a sent letter (page and API, audited)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile

import pytest

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters.approval.models import Signature
from parliament_tracker.letters.engine.signing import PadesLevel, Verdict, verify_pdf
from tests.functional.test_letter_workflow import post, seed_letter_id
from tests.pades_pki import PASSPHRASE, running_pki


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    with running_pki(tmp_path_factory.mktemp("pades-app-pki")) as running:
        yield running


@pytest.fixture
def pades_config(app, pki, monkeypatch):
    """This installation signs with the test PKI's certificate and timestamps at its TSA."""
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(pki.p12_path))
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PASSPHRASE", PASSPHRASE.decode())
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", [str(pki.root_pem_path)])
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", pki.tsa_url)
    monkeypatch.setitem(app.config, "SIGNING_PADES_LEVEL", "")
    return pki


@pytest.fixture
def approved(app, client, seed_draft, users, api_token):
    letter_id = seed_letter_id(app, users["drafter"])
    assert post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]}).status_code == 200
    assert post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"), {}).status_code == 200
    return letter_id


@pytest.fixture
def sent(app, client, approved, api_token, pades_config):
    r = post(client, f"/api/v1/letters/{approved}/sign", api_token("signatory_office"))
    assert r.status_code == 200, r.json
    r = post(client, f"/api/v1/letters/{approved}/send", api_token("signatory_office"), {"sent_on": today_local().isoformat()})
    assert r.status_code == 200, r.json
    return approved


def _signed_pdf(client, letter_id, headers) -> bytes:
    r = client.get(f"/api/v1/letters/{letter_id}/pdf", headers=headers)
    assert r.status_code == 200
    return r.data


def test_default_with_a_tsa_is_b_lta_and_validates_after_expiry(app, client, sent, api_token, pades_config):
    pdf = _signed_pdf(client, sent, api_token("viewer"))
    root = pades_config.root_pem_path.read_bytes()
    now = verify_pdf(pdf, [root])
    assert now.level == PadesLevel.B_LTA and now.ok and len(now.document_timestamps) == 1
    later = verify_pdf(pdf, [root], at=pades_config.signer_not_after + dt.timedelta(days=3650))
    assert later.verdict == Verdict.valid and later.long_term
    with app.app_context():
        assert _db.session.scalar(_db.select(Signature).where(Signature.letter_id == sent)).timestamped
        signed_entry = _db.session.scalar(_db.select(AuditEntry).where(AuditEntry.action == "letter:signed",
                                                                      AuditEntry.object_id == sent))
        assert signed_entry.details["pades_level"] == "B-LTA"


def test_configured_level_is_used(app, client, approved, api_token, pades_config, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_PADES_LEVEL", "B-LT")
    assert post(client, f"/api/v1/letters/{approved}/sign", api_token("signatory_office")).status_code == 200
    result = verify_pdf(_signed_pdf(client, approved, api_token("viewer")), [pades_config.root_pem_path.read_bytes()])
    assert result.level == PadesLevel.B_LT and result.ok and not result.document_timestamps


def test_a_level_the_configuration_cannot_give_is_a_clear_error(app, client, approved, api_token, pades_config, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", "")
    monkeypatch.setitem(app.config, "SIGNING_PADES_LEVEL", "B-LTA")
    r = post(client, f"/api/v1/letters/{approved}/sign", api_token("signatory_office"))
    assert r.status_code == 503 and "SIGNING_TSA_URL" in r.json["error"]["message"], r.json
    monkeypatch.setitem(app.config, "SIGNING_PADES_LEVEL", "")  # no TSA: the default is B-B
    assert post(client, f"/api/v1/letters/{approved}/sign", api_token("signatory_office")).status_code == 200
    result = verify_pdf(_signed_pdf(client, approved, api_token("viewer")), [pades_config.root_pem_path.read_bytes()])
    assert result.level == PadesLevel.B_B and result.ok


def test_verify_api_and_page_show_level_timestamp_and_chain(app, client, sent, api_token, login, pades_config):
    pdf = _signed_pdf(client, sent, api_token("viewer"))
    r = client.post("/api/v1/verify", headers=api_token("viewer"), data={"file": (io.BytesIO(pdf), "brief.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 200
    body = r.json
    assert body["verdict"] == "valid" and body["level"] == "B-LTA" and "B-LTA" in body["level_text"]
    assert "Test Time Stamping Authority" in body["timestamp"]["authority"] and body["timestamp"]["trusted"]
    assert dt.datetime.fromisoformat(body["timestamp"]["time"]) <= dt.datetime.now(dt.UTC)
    assert len(body["document_timestamps"]) == 1 and body["document_timestamps"][0]["intact"]
    chain = [c["subject"] for c in body["certificate_chain"]]
    assert "Test Signatory Office" in chain[0] and "Test Intermediate CA" in chain[1] and "Test Root CA" in chain[2]
    assert body["validation_data"]["ocsp_responses"] >= 1 and body["long_term_validation"] is True
    tampered = bytearray(pdf)
    tampered[pdf.index(b"stream", 1000) + 40] ^= 0x01  # in the letter's content, under the signature
    r = client.post("/api/v1/verify", headers=api_token("viewer"), data={"file": (io.BytesIO(bytes(tampered)), "brief.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 200 and r.json["verdict"] == "modified" and r.json["level"] == "B-LTA"
    page = login("viewer").post("/verify", data={"file": (io.BytesIO(pdf), "brief.pdf")},
                                content_type="multipart/form-data", token_from="/verify")
    assert page.status_code == 200
    assert 'data-level="B-LTA"' in page.text and 'id="certificate-chain"' in page.text
    assert "Test Time Stamping Authority" in page.text and "Test Intermediate CA" in page.text
    assert "Documenttijdstempel" in page.text and "Certificaatketen" in page.text  # Dutch UI


def _zip_files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {name.split("/", 1)[1]: archive.read(name) for name in archive.namelist()}


def test_archive_package_over_the_api(app, client, sent, api_token, users):
    r = client.get(f"/api/v1/letters/{sent}/archive", headers=api_token("viewer"))
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert r.headers["Content-Disposition"].startswith('attachment; filename="') and "-archief.zip" in r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"
    files = _zip_files(r.data)
    pdf_name = next(n for n in files if n.endswith("-ondertekend.pdf"))
    docx_name = next(n for n in files if n.endswith(".docx"))
    assert set(files) == {pdf_name, docx_name, "validatierapport.json", "validatierapport.txt", "mdto.json",
                          "manifest-sha256.txt"}
    assert files[pdf_name] == _signed_pdf(client, sent, api_token("viewer"))
    assert files[docx_name].startswith(b"PK")
    report = json.loads(files["validatierapport.json"])
    assert report["verdict"] == "valid" and report["level"] == "B-LTA" and report["known_letter"]
    text = files["validatierapport.txt"].decode()
    assert "PAdES-niveau: B-LTA" in text and "Test Time Stamping Authority" in text and "Test Root CA" in text
    meta = json.loads(files["mdto.json"])
    obj = meta["informatieobject"]
    with app.app_context():
        signature = _db.session.scalar(_db.select(Signature).where(Signature.letter_id == sent))
        our_reference = signature.our_reference
        assert signature.pdf_sha256 == hashlib.sha256(files[pdf_name]).hexdigest()
    assert {"identificatieKenmerk": our_reference, "identificatieBron": "Ons kenmerk"} in obj["identificatie"]
    assert obj["naam"] and obj["classificatie"]["begripLabel"] and obj["omschrijving"]
    assert obj["datering"]["verzonden"] == today_local().isoformat() and obj["datering"]["briefdatum"]
    assert any(b["betrokkeneTypeRelatie"]["begripLabel"] == "Auteur" and b["betrokkeneActor"]["verwijzingNaam"]
               for b in obj["betrokkene"])
    assert "2021Z19241" in [g["gerelateerdInformatieobjectVerwijzing"]["verwijzingIdentificatie"]["identificatieKenmerk"]
                            for g in obj["gerelateerdInformatieobject"]]
    assert obj["handtekening"]["niveau"] == "B-LTA"
    # A checksum per file in the metadata; the manifest covers the metadata too.
    described = {b["naam"]: b for b in meta["bestand"]}
    assert set(described) == set(files) - {"mdto.json", "manifest-sha256.txt"}
    for name, entry in described.items():
        assert entry["checksum"]["checksumWaarde"] == hashlib.sha256(files[name]).hexdigest()
        assert entry["checksum"]["checksumAlgoritme"]["begripLabel"] == "SHA-256"
        assert entry["omvang"] == len(files[name]) and entry["bestandsformaat"]["begripLabel"]
    assert described[pdf_name]["bestandsformaat"]["begripLabel"] == "application/pdf"
    manifest = dict(reversed(line.split("  ", 1)) for line in files["manifest-sha256.txt"].decode().splitlines())
    assert set(manifest) == set(files) - {"manifest-sha256.txt"}
    assert all(manifest[name] == hashlib.sha256(files[name]).hexdigest() for name in manifest)
    with app.app_context():
        entries = _db.session.scalars(_db.select(AuditEntry).where(AuditEntry.action == "letter:archive_downloaded",
                                                                   AuditEntry.object_id == sent)).all()
        assert [e.actor_id for e in entries] == [users["viewer"].id]
        assert entries[0].details["package_sha256"] == hashlib.sha256(r.data).hexdigest()


def test_archive_package_page_link_and_download(app, client, sent, login, users):
    browser = login("viewer")
    page = browser.get(f"/letters/{sent}")
    assert f"/letters/{sent}/archive.zip" in page.text and "archiefpakket" in page.text.lower()
    r = browser.get(f"/letters/{sent}/archive.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert "mdto.json" in _zip_files(r.data)
    with app.app_context():
        actors = _db.session.scalars(_db.select(AuditEntry.actor_id).where(
            AuditEntry.action == "letter:archive_downloaded", AuditEntry.object_id == sent)).all()
        assert actors == [users["viewer"].id]


def test_no_archive_package_before_the_letter_is_sent(app, client, approved, api_token, login, pades_config):
    assert client.get(f"/api/v1/letters/{approved}/archive", headers=api_token("viewer")).status_code == 409
    assert post(client, f"/api/v1/letters/{approved}/sign", api_token("signatory_office")).status_code == 200
    r = client.get(f"/api/v1/letters/{approved}/archive", headers=api_token("viewer"))
    assert r.status_code == 409 and "archi" in r.json["error"]["message"], r.json
    browser = login("viewer")
    r = browser.get(f"/letters/{approved}/archive.zip")
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/letters/{approved}#workflow")
    assert f'/letters/{approved}/archive.zip' not in browser.get(f"/letters/{approved}").text
    with app.app_context():
        assert not _db.session.scalars(_db.select(AuditEntry).where(AuditEntry.action == "letter:archive_downloaded")).all()


def test_archive_package_of_an_unknown_letter_is_404(client, api_token, db):
    assert client.get("/api/v1/letters/999999/archive", headers=api_token("viewer")).status_code == 404


def test_archive_package_of_a_tampered_stored_letter_is_refused(app, client, sent, api_token, login):
    from parliament_tracker.letters.models import LetterVersion

    with app.app_context():
        sig = _db.session.scalar(_db.select(Signature).where(Signature.letter_id == sent))
        version = _db.session.get(LetterVersion, sig.version_id)
        data = bytearray(version.pdf)
        data[len(data) // 2] ^= 1
        version.pdf = bytes(data)
        _db.session.commit()
    assert client.get(f"/api/v1/letters/{sent}/archive", headers=api_token("viewer")).status_code == 500
    r = login("viewer").get(f"/letters/{sent}/archive.zip")
    assert r.status_code == 500 and "SHA-256" in r.text
    with app.app_context():
        assert not _db.session.scalars(_db.select(AuditEntry).where(AuditEntry.action == "letter:archive_downloaded")).all()
