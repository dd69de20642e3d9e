"""Approval, signing and sending: the signed letter closes the case."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters import rendering, services, templates, versions
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.approval import signing as approval_signing
from parliament_tracker.letters.approval.models import Signature
from parliament_tracker.letters.engine.signing import make_dev_certificate, verify_pdf
from parliament_tracker.letters.models import Letter, LetterKind, LetterStatus, LetterVersion


def _case(reference: str) -> Case:
    return _db.session.scalar(_db.select(Case).where(Case.reference == reference))


def seed_letter_id(app, drafter, *, generate: bool = True) -> int:
    """The demo reply to 2021Z19241 (mentions 2021Z19601), with version 1 generated."""
    with app.app_context():
        letter = _db.session.scalar(_db.select(Letter).where(Letter.kind == LetterKind.kamerbrief).order_by(Letter.id))
        assert [c.reference for c in rendering.answered_cases(letter)] == ["2021Z19241"]
        if generate:
            services.generate_version(letter, actor=_db.session.merge(drafter))
            _db.session.commit()
        return letter.id


def post(client, url, headers, json=None, **kwargs):
    return client.post(url, headers=headers, json=json if json is not None else {}, **kwargs)


@pytest.fixture
def approved_id(app, client, seed_draft, users, api_token):
    letter_id = seed_letter_id(app, users["drafter"])
    r = post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    assert r.status_code == 200, r.json
    r = post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"), {"comment": "Akkoord."})
    assert r.status_code == 200 and r.json["status"] == "approved", r.json
    return letter_id


@pytest.fixture
def signed_id(approved_id, client, api_token):
    r = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"))
    assert r.status_code == 200, r.json
    return approved_id


def signed_pdf(client, letter_id, headers) -> bytes:
    r = client.get(f"/api/v1/letters/{letter_id}/pdf", headers=headers)
    assert r.status_code == 200
    return r.data


def test_seed_reply_end_to_end(app, client, seed_draft, users, api_token):
    letter_id = seed_letter_id(app, users["drafter"])
    with app.app_context():
        before_mentioned = _case("2021Z19601").status
    r = post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    assert r.status_code == 200 and r.json["status"] == "in_review"
    assert r.json["current_approver"] == "director"
    r = post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"), {"comment": "Akkoord."})
    assert r.status_code == 200 and r.json["status"] == "approved"
    r = post(client, f"/api/v1/letters/{letter_id}/sign", api_token("signatory_office"))
    assert r.status_code == 200, r.json
    body = r.json
    assert body["status"] == "signed"
    assert body["letter_date"] == today_local().isoformat()
    assert re.fullmatch(rf"{today_local().year}-\d{{7}}", body["our_reference"])
    assert body["signature"]["signatory"] == body["signatory"]
    assert body["signature"]["signed_by"] == "signatory_office"
    assert "Parliament Tracker test signatory" in body["signature"]["certificate_subject"]
    final = body["versions"][-1]
    assert final["pdf_sha256"] == body["signature"]["pdf_sha256"] and final["number"] == 3  # 1 drafted, 2 rendered at approval, 3 signed
    r = post(
        client,
        f"/api/v1/letters/{letter_id}/send",
        api_token("signatory_office"),
        {"sent_on": today_local().isoformat()},
    )
    assert r.status_code == 200 and r.json["status"] == "sent" and r.json["sent_on"] == today_local().isoformat()
    with app.app_context():
        assert _case("2021Z19241").status == CaseStatus.answered
        assert _case("2021Z19601").status == before_mentioned  # only mentioned: unchanged
        assert not _case("2021Z19601").status.is_closed
        letter = _db.session.get(Letter, letter_id)
        from parliament_tracker.audit.services import entries_for

        actions = [e.action for e in entries_for(letter)]
        for action in ("letter:submitted", "letter:approved", "letter:signed", "letter:sent"):
            assert action in actions
        case_actions = [e.action for e in entries_for(_case("2021Z19241"))]
        assert "case:status_changed" in case_actions
    # The signed letter's Ons kenmerk and date are in the signed PDF.
    text = subprocess.run(
        ["pdftotext", "-", "-"],
        input=signed_pdf(client, letter_id, api_token("viewer")),
        capture_output=True,
        timeout=30,
    ).stdout.decode()
    assert body["our_reference"] in text


def test_two_approvers_in_order_and_changes_requested(app, client, seed_draft, users, api_token, make_user):
    make_user("director", "director2")
    letter_id = seed_letter_id(app, users["drafter"])
    r = post(
        client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director2", "director"]}
    )
    assert r.status_code == 200 and r.json["current_approver"] == "director2"
    # Not the current approver.
    r = post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"))
    assert r.status_code == 403
    with app.app_context():
        from parliament_tracker.auth.models import User

        d2 = _db.session.scalar(_db.select(User).where(User.username == "director2"))
        assert [letter.id for letter in workflow.awaiting(d2)] == [letter_id]
        assert workflow.awaiting(_db.session.merge(users["director"])) == []
        from parliament_tracker.auth.services import issue_token

        token = {"Authorization": f"Bearer {issue_token(d2)}"}
        _db.session.commit()
    r = post(client, f"/api/v1/letters/{letter_id}/approve", token, {"comment": "Prima"})
    assert r.status_code == 200 and r.json["status"] == "in_review" and r.json["current_approver"] == "director"
    r = post(client, f"/api/v1/letters/{letter_id}/request-changes", api_token("director"), {"comment": ""})
    assert r.status_code == 422
    r = post(
        client, f"/api/v1/letters/{letter_id}/request-changes", api_token("director"), {"comment": "Alinea 2 korter."}
    )
    assert r.status_code == 200 and r.json["status"] == "draft"
    assert [a["decision"] for a in r.json["approvals"]] == ["approved", "changes_requested"]
    # Back in draft: it can be edited and submitted again (a new round).
    r = post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    assert r.status_code == 200 and r.json["approvals"][-1]["round"] == 2


def test_forbidden_steps_are_refused(app, client, seed_draft, users, api_token):
    letter_id = seed_letter_id(app, users["drafter"])
    url = f"/api/v1/letters/{letter_id}"
    # Wrong state: approving, signing, sending a draft.
    assert post(client, url + "/approve", api_token("director")).status_code == 409
    assert post(client, url + "/sign", api_token("signatory_office")).status_code == 409
    assert post(client, url + "/send", api_token("signatory_office"), {"sent_on": "2021-12-01"}).status_code == 409
    # Wrong role.
    assert post(client, url + "/submit", api_token("viewer"), {"approvers": ["director"]}).status_code == 403
    assert post(client, url + "/approve", api_token("drafter")).status_code == 403
    assert post(client, url + "/sign", api_token("director")).status_code == 403
    assert post(client, url + "/send", api_token("drafter"), {"sent_on": "2021-12-01"}).status_code == 403
    # Bad input.
    assert post(client, url + "/submit", api_token("drafter"), {"approvers": []}).status_code == 422
    assert post(client, url + "/submit", api_token("drafter"), {"approvers": ["nobody"]}).status_code == 422
    assert post(client, url + "/submit", api_token("drafter"), {"approvers": ["signatory_office"]}).status_code == 422
    assert (
        post(client, url + "/submit", api_token("drafter"), {"approvers": ["director", "director"]}).status_code == 422
    )
    # Nobody approves their own draft: a director submitting their own letter cannot name themselves…
    r = post(client, url + "/submit", api_token("director"), {"approvers": ["director"]})
    assert r.status_code == 422 and "eigen concept" in r.json["error"]["message"]
    # … nor the drafter who wrote it.
    r = post(client, url + "/submit", api_token("admin"), {"approvers": ["drafter"]})
    assert r.status_code == 422


def test_director_cannot_approve_own_draft(app, client, seed_draft, users, api_token):
    with app.app_context():
        case = _case("2021Z19601")
        letter = services.start_letter([case], LetterKind.answers, actor=_db.session.merge(users["director"]))
        services.generate_version(letter, actor=_db.session.merge(users["director"]))
        # Submitted (by someone else) to the director who drafted it: still refused at the decision.
        from parliament_tracker.letters.approval.models import Approval

        letter.status = LetterStatus.in_review
        _db.session.add(
            Approval(letter_id=letter.id, round=1, position=1, approver=_db.session.merge(users["director"]))
        )
        _db.session.commit()
        letter_id = letter.id
    r = post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"))
    assert r.status_code == 403 and "eigen concept" in r.json["error"]["message"]


def test_letter_in_review_cannot_be_edited_or_generated(app, client, seed_draft, users, login, api_token):
    letter_id = seed_letter_id(app, users["drafter"])
    r = post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    assert r.status_code == 200 and r.json["status"] == "in_review", r.json
    with app.app_context():
        versions_before = len(_db.session.get(Letter, letter_id).versions)
    browser = login("drafter")
    for response in (browser.get(f"/letters/{letter_id}/edit"), browser.post(f"/letters/{letter_id}/generate")):
        assert response.status_code == 302
        assert response.headers["Location"].endswith(f"/letters/{letter_id}")
    with app.app_context():
        letter = _db.session.get(Letter, letter_id)
        assert letter.status == LetterStatus.in_review
        assert len(letter.versions) == versions_before


def test_signed_letter_is_immutable(app, client, seed_draft, signed_id, login, api_token):
    browser = login("drafter")
    assert browser.post(f"/letters/{signed_id}/generate").status_code == 409
    r = browser.post(
        f"/letters/{signed_id}/upload",
        data={"file": (io.BytesIO(b"PK\x03\x04"), "brief.docx")},
        content_type="multipart/form-data",
        token_from=f"/letters/{signed_id}",
    )
    assert r.status_code == 409
    r = browser.get(f"/letters/{signed_id}/edit")
    assert r.status_code == 409 and ("signed" in r.text.lower() or "ondertekend" in r.text.lower())
    with app.test_request_context():
        letter = _db.session.get(Letter, signed_id)
        for step in (
            lambda: services.generate_version(letter, actor=None),
            lambda: versions.upload_docx(letter, "a.docx", b"x", actor=None),
            lambda: services.update_letter(
                letter, services.LetterInput(subject="x"), expected_version=letter.version, actor=None
            ),
        ):
            with pytest.raises(services.LetterLocked) as exc:
                step()
            assert exc.value.status == 409
    # Signing twice is a wrong state.
    assert post(client, f"/api/v1/letters/{signed_id}/sign", api_token("signatory_office")).status_code == 409


def test_download_of_a_tampered_signed_letter_is_refused(app, client, seed_draft, signed_id, login, api_token):
    browser = login("viewer")
    assert browser.get(f"/letters/{signed_id}/signed.pdf").status_code == 200
    with app.app_context():
        sig = _db.session.scalar(_db.select(Signature).where(Signature.letter_id == signed_id))
        version = _db.session.get(LetterVersion, sig.version_id)
        signed_number = version.number
        data = bytearray(version.pdf)
        data[len(data) // 2] ^= 1
        version.pdf = bytes(data)
        _db.session.commit()
    r = browser.get(f"/letters/{signed_id}/signed.pdf")
    assert r.status_code == 500 and "SHA-256" in r.text
    assert browser.get(f"/letters/{signed_id}/versions/{signed_number}/pdf").status_code == 500
    assert client.get(f"/api/v1/letters/{signed_id}/pdf", headers=api_token("viewer")).status_code == 500


def test_signed_pdf_validates_and_keeps_pdfa(app, client, seed_draft, signed_id, api_token, signing_cert, tmp_path):
    pdf = signed_pdf(client, signed_id, api_token("viewer"))
    root = signing_cert.root_pem_path.read_bytes()
    result = verify_pdf(pdf, [root])
    assert result.ok and result.intact and result.trusted and result.covers_whole_document
    # One changed byte inside the signed range.
    start = pdf.index(b"stream", 1000) + 40
    tampered = bytearray(pdf)
    tampered[start] ^= 1
    assert not verify_pdf(bytes(tampered), [root]).intact
    other = make_dev_certificate(tmp_path / "other.p12", "x", "Someone else")
    foreign = verify_pdf(pdf, [other.root_pem_path.read_bytes()])
    assert foreign.intact and not foreign.trusted
    # PDF/A identification survives and Info/XMP agree.
    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfaid:part(="|>)2', xmp) and re.search(r'pdfaid:conformance(="|>)A', xmp)  # tagged PDF/A-2a
    assert re.search(r'pdfuaid:part(="|>)1', xmp)  # and PDF/UA-1
    producer = re.search(r'pdf:Producer(?:="|>)([^"<]*)', xmp).group(1)
    assert reader.metadata.producer == producer
    assert reader.pdf_header == "%PDF-1.7" and "/Version" not in reader.trailer["/Root"]
    if shutil.which("pdfsig"):
        path = tmp_path / "signed.pdf"
        path.write_bytes(pdf)
        out = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True, timeout=30).stdout
        assert "Signature is Valid" in out and "Total document signed" in out


def _verify(client, headers, data: bytes):
    r = client.post(
        "/api/v1/verify", headers=headers, data={"file": (io.BytesIO(data), "brief.pdf")}, content_type="multipart/form-data"
    )
    assert r.status_code == 200, r.text
    return r.json


def _tampered(pdf: bytes) -> bytes:
    """One byte changed inside the signed range."""
    data = bytearray(pdf)
    data[pdf.index(b"stream", 1000) + 40] ^= 1
    return bytes(data)


def test_verify_endpoint_gives_one_verdict(app, client, seed_draft, signed_id, approved_id, api_token, tmp_path, monkeypatch):
    headers = api_token("viewer")
    pdf = signed_pdf(client, signed_id, headers)
    body = _verify(client, headers, pdf)
    assert body["verdict"] == "valid" and body["intact"] and body["trusted"] and body["known_letter"]
    assert body["letter"]["id"] == signed_id and body["letter"]["signed_by"] == "signatory_office"
    assert body["signing_time"] and "valid" not in body  # no second yes/no a client could read instead
    # A changed byte: modified, and the certificate is still called trusted (it is).
    body = _verify(client, headers, _tampered(pdf))
    assert body["verdict"] == "modified" and not body["intact"] and body["trusted"] and not body["known_letter"]
    assert body["verdict_text"] == "Gewijzigd na ondertekening: dit is niet de ondertekende brief"
    # Bytes added after the signature: the signature no longer covers the whole file.
    body = _verify(client, headers, pdf + b"\n%% added later\n")
    assert body["verdict"] == "modified" and not body["intact"] and body["trusted"]
    # An unsigned PDF (the draft's rendering) and a file that is no PDF at all.
    with app.app_context():
        draft_pdf = _db.session.scalar(
            _db.select(LetterVersion.pdf).where(LetterVersion.letter_id == signed_id).order_by(LetterVersion.number)
        )
    assert _verify(client, headers, draft_pdf)["verdict"] == "not_signed"
    body = _verify(client, headers, b"not a pdf")
    assert body["verdict"] == "unreadable" and not body["signed"]
    # Cut inside the unsigned first revision: no whole PDF is left. (Cut after that revision's
    # %%EOF the file is the unsigned original again, so the cut point is not len(pdf) // 2.)
    assert _verify(client, headers, pdf[: pdf.index(b"%%EOF") // 2])["verdict"] == "unreadable"
    # Trusting only another root: the untouched letter is not trusted; a changed one is modified
    # and untrusted, each said once.
    other = make_dev_certificate(tmp_path / "other.p12", "x", "Someone else")
    monkeypatch.setitem(app.config, "SIGNING_TRUST_ROOTS", [str(other.root_pem_path)])
    body = _verify(client, headers, pdf)
    assert body["verdict"] == "not_trusted" and body["intact"] and not body["trusted"]
    body = _verify(client, headers, _tampered(pdf))
    assert body["verdict"] == "modified" and not body["trusted"]
    assert client.post("/api/v1/verify", headers=headers).status_code == 422


def test_verify_page_says_what_the_api_says(app, client, seed_draft, signed_id, api_token, login):
    import html

    pdf = signed_pdf(client, signed_id, api_token("viewer"))
    browser = login("viewer")
    for data, verdict in ((pdf, "valid"), (_tampered(pdf), "modified"), (b"not a pdf", "unreadable")):
        r = browser.post(
            "/verify", data={"file": (io.BytesIO(data), "brief.pdf")}, content_type="multipart/form-data", token_from="/verify"
        )
        assert r.status_code == 200 and f'data-verdict="{verdict}"' in r.text
        api = _verify(client, api_token("viewer"), data)
        heading = re.search(r'<h2 id="verification-heading"[^>]*>([^<]*)</h2>', r.text).group(1)
        assert api["verdict"] == verdict and html.unescape(heading) == api["verdict_text"]
        facts = dict(re.findall(r"<dt>([^<]*)</dt><dd>([^<]*)</dd>", r.text))
        if verdict == "modified":  # changed, and the certificate is still said to be trusted
            assert facts["Intact (ongewijzigd sinds ondertekening)"] == "nee" and facts["Certificaat vertrouwd"] == "ja"
        if verdict == "unreadable":  # nothing to say about integrity or trust
            assert "Certificaat vertrouwd" not in facts
    r = browser.post(
        "/verify", data={"file": (io.BytesIO(pdf), "brief.pdf")}, content_type="multipart/form-data", token_from="/verify"
    )
    assert "Test signatory_office" in r.text


def test_postponement_notice_sent_records_the_postponement(app, client, seed_draft, users, api_token):
    with app.app_context():
        case = _case("2021Z19601")
        status_before = case.status
        letter = services.prepare_postponement(
            case, "de afstemming meer tijd vraagt", actor=_db.session.merge(users["drafter"])
        )
        _db.session.commit()
        letter_id = letter.id
    post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"))
    r = post(client, f"/api/v1/letters/{letter_id}/sign", api_token("signatory_office"), {"our_reference": "3612345"})
    assert r.status_code == 200 and r.json["our_reference"] == "3612345"
    sent_on = today_local()
    r = post(client, f"/api/v1/letters/{letter_id}/send", api_token("registrar"), {"sent_on": sent_on.isoformat()})
    assert r.status_code == 200, r.json
    with app.app_context():
        case = _case("2021Z19601")
        assert case.status == status_before  # postponed, not answered
        from parliament_tracker.audit.services import entries_for

        assert "case:postponed" in [e.action for e in entries_for(case)]
        assert case.postponed_on == sent_on
        # Six weeks after 5 November 2021; the budget debate (23 November) still comes first.
        assert {(d.kind.value, d.due_on) for d in case.deadlines} >= {("postponed_external", dt.date(2021, 12, 17))}


def test_send_refuses_bad_dates(app, client, seed_draft, signed_id, api_token):
    url = f"/api/v1/letters/{signed_id}/send"
    assert post(client, url, api_token("registrar"), {}).status_code == 422
    assert post(client, url, api_token("registrar"), {"sent_on": "gisteren"}).status_code == 422
    future = (today_local() + dt.timedelta(days=10)).isoformat()
    assert post(client, url, api_token("registrar"), {"sent_on": future}).status_code == 422
    assert post(client, url, api_token("registrar"), {"sent_on": "2000-01-01"}).status_code == 422
    r = post(client, url, api_token("registrar"), {"sent_on": 20211201})
    assert r.status_code == 422 and r.json["errors"]["sent_on"] == "Must be a date (YYYY-MM-DD)."


def test_sign_refuses_a_letter_date_that_is_not_a_date_string(app, client, seed_draft, approved_id, api_token):
    r = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"), {"letter_date": 20211123})
    assert r.status_code == 422 and r.json["errors"]["letter_date"] == "Must be a date (YYYY-MM-DD)."
    with app.app_context():
        assert _db.session.get(Letter, approved_id).status == LetterStatus.approved


def test_our_reference_numbers_count_up_per_year(app, db):
    with app.app_context():
        first = approval_signing.next_our_reference(2031)
        second = approval_signing.next_our_reference(2031)
        other = approval_signing.next_our_reference(2032)
        _db.session.rollback()
    assert (first, second, other) == ("2031-0000001", "2031-0000002", "2032-0000001")


def test_pages_submit_approve_sign_send(app, client, seed_draft, users, login):
    letter_id = seed_letter_id(app, users["drafter"])
    page = f"/letters/{letter_id}"
    drafter = login("drafter")
    assert 'id="submit-form"' in drafter.get(page).text
    r = drafter.post(f"{page}/submit", data={"approver_1": str(users["director"].id)}, token_from=page)
    assert r.status_code == 302
    drafter.post("/logout", token_from="/cases")
    director = login("director")
    assert f"/letters/{letter_id}" in director.get("/approvals").text
    assert 'id="decision-form"' in director.get(page).text
    assert director.post(f"{page}/approve", data={"comment": "Akkoord"}, token_from=page).status_code == 302
    director.post("/logout", token_from="/cases")
    office = login("signatory_office")
    assert 'id="sign-form"' in office.get(page).text
    r = office.post(
        f"{page}/sign", data={"our_reference": "", "letter_date": today_local().isoformat()}, token_from=page
    )
    assert r.status_code == 302
    text = office.get(page).text
    assert 'id="signature-facts"' in text and 'id="send-form"' in text
    assert office.post(f"{page}/send", data={"sent_on": today_local().isoformat()}, token_from=page).status_code == 302
    with app.app_context():
        assert _db.session.get(Letter, letter_id).status == LetterStatus.sent
        assert _case("2021Z19241").status == CaseStatus.answered


def test_signing_without_certificate_is_a_clear_error(app, client, approved_id, api_token, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", "/nonexistent/dev.p12")
    r = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"))
    assert r.status_code == 503 and "dev-cert" in r.json["error"]["message"]


def test_flask_signing_dev_cert(app, tmp_path):
    from parliament_tracker.letters.engine.signing import load_signer

    runner = app.test_cli_runner()
    path = tmp_path / "signing" / "dev.p12"
    result = runner.invoke(args=["signing", "dev-cert", "--path", str(path), "--passphrase", "geheim"])
    assert result.exit_code == 0, result.output
    assert path.exists() and (tmp_path / "signing" / "dev.root-ca.pem").exists()
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert "Parliament Tracker demo signer" in load_signer(path, "geheim").subject
    again = runner.invoke(args=["signing", "dev-cert", "--path", str(path)])
    assert again.exit_code != 0 and "--force" in again.output
    assert runner.invoke(args=["signing", "dev-cert", "--path", str(path), "--force"]).exit_code == 0


def test_demo_load_creates_the_dev_certificate(app, db, tmp_path, monkeypatch):
    path = tmp_path / "instance-signing" / "dev.p12"
    monkeypatch.setitem(app.config, "SIGNING_PKCS12_PATH", str(path))
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    assert path.exists() and "certificate" in result.output


def test_second_signature_is_refused(app, client, approved_id, api_token, users):
    """Signed through the service by one office: another signing attempt gets 409."""
    with app.test_request_context():
        letter = _db.session.get(Letter, approved_id)
        approval_signing.sign(letter, actor=_db.session.merge(users["signatory_office"]))
        _db.session.commit()
    assert post(client, f"/api/v1/letters/{approved_id}/sign", api_token("admin")).status_code == 409


def _template_with_sigbox() -> bytes:
    """The shipped kamerbrief with a "sigbox" bookmark in the blank line under "De {{ s.office }},"."""
    from docx import Document
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    doc = Document(io.BytesIO(templates.shipped_template(LetterKind.kamerbrief)))
    paragraphs = doc.paragraphs
    index = next(i for i, p in enumerate(paragraphs) if p.text.strip() == "De {{ s.office }},")
    target = paragraphs[index + 1]
    start, end = OxmlElement("w:bookmarkStart"), OxmlElement("w:bookmarkEnd")
    start.set(qn("w:id"), "90")
    start.set(qn("w:name"), "sigbox")
    end.set(qn("w:id"), "90")
    target._p.append(start)
    target._p.append(end)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_visible_signature_where_the_template_reserves_room(app, client, seed_draft, users, api_token, signing_cert):
    with app.test_request_context():
        templates.upload_template(
            "kamerbrief-sigbox.docx",
            LetterKind.kamerbrief,
            _template_with_sigbox(),
            actor=_db.session.merge(users["admin"]),
            activate=True,
        )
        _db.session.commit()
    letter_id = seed_letter_id(app, users["drafter"])
    post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"))
    r = post(client, f"/api/v1/letters/{letter_id}/sign", api_token("signatory_office"))
    assert r.status_code == 200, r.json
    pdf = signed_pdf(client, letter_id, api_token("viewer"))
    assert verify_pdf(pdf, [signing_cert.root_pem_path.read_bytes()]).ok
    reader = PdfReader(io.BytesIO(pdf))
    widgets = [(n, a.get_object()) for n, p in enumerate(reader.pages) for a in (p.get("/Annots") or [])]
    assert len(widgets) == 1
    _page, widget = widgets[0]
    x1, y1, x2, y2 = (float(v) for v in widget["/Rect"])
    assert x2 - x1 > 100 and y2 - y1 > 20  # a real, visible box
    appearance = widget["/AP"]["/N"].get_object()
    for font in appearance["/Resources"]["/Font"].values():
        for desc in font.get_object().get("/DescendantFonts", [font]):
            descriptor = desc.get_object()["/FontDescriptor"].get_object()
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded: PDF/A
    with app.app_context():
        assert _db.session.scalar(_db.select(Signature).where(Signature.letter_id == letter_id)).visible


def _dummy_tsa():
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
    from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Test TSA")])
    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .sign(key, hashes.SHA256())
    )
    der = cert.public_bytes(serialization.Encoding.DER)
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    stamper = DummyTimeStamper(tsa_cert=asn1_x509.Certificate.load(der), tsa_key=asn1_keys.PrivateKeyInfo.load(key_der))
    return stamper, cert.public_bytes(serialization.Encoding.PEM)


def test_timestamp_server_is_used_when_configured(app, client, approved_id, api_token, signing_cert, monkeypatch):
    from parliament_tracker.letters.engine import signing

    stamper, tsa_pem = _dummy_tsa()
    urls = []

    def fake_http_timestamper(url):
        urls.append(url)
        return stamper

    monkeypatch.setattr(signing, "http_timestamper", fake_http_timestamper)
    monkeypatch.setitem(app.config, "SIGNING_TSA_URL", "https://tsa.example.test/tsr")
    monkeypatch.setitem(app.config, "SIGNING_PADES_LEVEL", "B-T")  # B-LT and up: tests/functional/test_pades.py
    r = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"))
    assert r.status_code == 200, r.json
    assert urls == ["https://tsa.example.test/tsr"]
    pdf = signed_pdf(client, approved_id, api_token("viewer"))
    result = verify_pdf(pdf, [signing_cert.root_pem_path.read_bytes(), tsa_pem])
    assert result.ok and result.timestamp_trusted is True
    with app.app_context():
        assert _db.session.scalar(_db.select(Signature).where(Signature.letter_id == approved_id)).timestamped


def test_pages_refuse_with_a_reason(app, client, seed_draft, users, login):
    letter_id = seed_letter_id(app, users["drafter"])
    page = f"/letters/{letter_id}"
    drafter = login("drafter")
    r = drafter.post(f"{page}/submit", data={"approver_1": str(users["drafter"].id)}, token_from=page)
    assert r.status_code == 303
    assert "eigen concept" in drafter.get(page).text
    assert drafter.post(f"{page}/approve", data={}, token_from=page).status_code == 403  # not an approver role
    drafter.post(f"{page}/submit", data={"approver_1": str(users["director"].id)}, token_from=page)
    drafter.post("/logout", token_from="/cases")
    browser = login("admin")  # may approve, but it is the director's turn
    r = browser.post(f"{page}/approve", data={}, token_from=page)
    assert r.status_code == 303 and "aan de beurt" in browser.get(page).text
    assert browser.post(f"{page}/sign", data={}, token_from=page).status_code == 303  # wrong state
    with app.app_context():
        assert _db.session.get(Letter, letter_id).status == LetterStatus.in_review


def _signed_postponement(app, client, users, api_token) -> int:
    with app.app_context():
        letter = services.prepare_postponement(
            _case("2021Z19601"), "de afstemming meer tijd vraagt", actor=_db.session.merge(users["drafter"])
        )
        _db.session.commit()
        letter_id = letter.id
    post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]})
    post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"))
    assert post(client, f"/api/v1/letters/{letter_id}/sign", api_token("signatory_office")).status_code == 200
    return letter_id


def test_postponement_goes_through_the_deadlines_service_when_present(app, client, seed_draft, users, api_token, monkeypatch):
    """Sending goes through deadlines.overrides.record_postponement; its refusals become a 422."""
    from parliament_tracker.deadlines import overrides as deadline_overrides
    from parliament_tracker.errors import DomainError

    calls = []

    def record_postponement(case, sent_on, reason, *, actor=None):
        calls.append((case.reference, sent_on, reason, actor.username))
        if reason == "refuse":
            raise DomainError(
                "De verzenddatum kan niet vóór de vragen liggen.", {"sent_on": "te vroeg"}
            )

    monkeypatch.setattr(deadline_overrides, "record_postponement", record_postponement)
    letter_id = _signed_postponement(app, client, users, api_token)
    today = today_local()
    r = post(client, f"/api/v1/letters/{letter_id}/send", api_token("registrar"), {"sent_on": today.isoformat()})
    assert r.status_code == 200, r.json
    assert calls == [("2021Z19601", today, "de afstemming meer tijd vraagt", "registrar")]
    with app.test_request_context():
        letter = _db.session.get(Letter, letter_id)
        letter.postponement_reason = "refuse"
        with pytest.raises(DomainError, match="vóór de vragen") as exc:
            workflow._record_postponement(letter.case_links[0].case, letter, _db.session.merge(users["registrar"]))
        assert exc.value.status == 422
        _db.session.rollback()


def test_answered_case_follows_the_letter_through_review(app, client, seed_draft, users, api_token):
    letter_id = seed_letter_id(app, users["drafter"])
    with app.app_context():
        _case("2021Z19241").status = CaseStatus.drafting
        mentioned_before = _case("2021Z19601").status
        _db.session.commit()

    def statuses():
        with app.app_context():
            return _case("2021Z19241").status, _case("2021Z19601").status

    url = f"/api/v1/letters/{letter_id}"
    post(client, url + "/submit", api_token("drafter"), {"approvers": ["director"]})
    assert statuses() == (CaseStatus.in_review, mentioned_before)
    post(client, url + "/request-changes", api_token("director"), {"comment": "Korter."})
    assert statuses() == (CaseStatus.drafting, mentioned_before)
    post(client, url + "/submit", api_token("drafter"), {"approvers": ["director"]})
    post(client, url + "/approve", api_token("director"))
    assert statuses() == (CaseStatus.awaiting_signature, mentioned_before)
    post(client, url + "/sign", api_token("signatory_office"))
    post(client, url + "/send", api_token("signatory_office"), {"sent_on": today_local().isoformat()})
    assert statuses() == (CaseStatus.answered, mentioned_before)


def test_workflow_steps_on_an_unknown_letter_are_404(client, seed_draft, login, api_token):
    browser = login("admin")
    for step in ("submit", "approve", "request-changes", "sign", "send"):
        assert browser.post(f"/letters/999999/{step}", data={}, token_from="/letters").status_code == 404, step
        r = post(client, f"/api/v1/letters/999999/{step}", api_token("admin"))
        assert r.status_code == 404 and r.json["error"]["message"] == "No letter 999999.", step
    assert browser.get("/letters/999999/signed.pdf").status_code == 404


def test_sending_an_answer_recomputes_the_answered_cases_deadlines(app, client, seed_draft, users, api_token):
    from parliament_tracker.deadlines.models import Deadline
    from parliament_tracker.deadlines.rules import DeadlineKind
    from parliament_tracker.deadlines.services import recompute_case
    from parliament_tracker.letters.models import LetterCaseRole

    letter_id = seed_letter_id(app, users["drafter"])
    with app.app_context():
        letter = _db.session.get(Letter, letter_id)
        for link in letter.case_links:  # the letter answers the written questions 2021Z19601 too
            link.role = LetterCaseRole.answers if link.case.reference == "2021Z19601" else link.role
        _db.session.commit()
        kinds = {d.kind for d in _db.session.scalars(_db.select(Deadline).where(Deadline.case_id == _case("2021Z19601").id))}
        assert DeadlineKind.postponement_notice in kinds  # open and not postponed: a notice is due
    url = f"/api/v1/letters/{letter_id}"
    post(client, url + "/submit", api_token("drafter"), {"approvers": ["director"]})
    post(client, url + "/approve", api_token("director"))
    post(client, url + "/sign", api_token("signatory_office"))
    sent_on = today_local()
    assert post(client, url + "/send", api_token("signatory_office"), {"sent_on": sent_on.isoformat()}).status_code == 200
    with app.app_context():
        case = _case("2021Z19601")
        assert case.status == CaseStatus.answered and case.answered_on == sent_on
        kinds = {d.kind for d in _db.session.scalars(_db.select(Deadline).where(Deadline.case_id == case.id))}
        assert DeadlineKind.postponement_notice not in kinds  # answered: no notice is due any more
        assert recompute_case(case) == {}  # the stored rows are what the rules say


def test_verify_refuses_a_file_over_the_limit(app, client, seed_draft, api_token, login, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_UPLOAD_BYTES", 1024)  # verification takes 4 KB
    big = b"%PDF-1.7\n" + b"0" * 5000
    r = client.post("/api/v1/verify", headers=api_token("viewer"), data={"file": (io.BytesIO(big), "x.pdf")}, content_type="multipart/form-data")
    assert r.status_code == 422 and r.json["errors"] == {"file": "At most 4096 bytes."} and "too large" in r.json["error"]["message"]
    browser = login("viewer")
    page = browser.post("/verify", data={"file": (io.BytesIO(big), "x.pdf")}, content_type="multipart/form-data", token_from="/verify")
    assert page.status_code == 422 and "te groot" in page.text and 'id="verification"' not in page.text
    just_right = client.post(
        "/api/v1/verify", headers=api_token("viewer"), data={"file": (io.BytesIO(big[:4096]), "x.pdf")}, content_type="multipart/form-data"
    )
    assert just_right.status_code == 200 and not just_right.json["signed"]


def _no_rendering(*_args, **_kwargs):
    raise AssertionError("signing must not lay the letter out again")


def test_signing_signs_the_rendering_made_at_approval_without_rendering_again(
    app, client, seed_draft, approved_id, api_token, monkeypatch
):
    with app.app_context():
        letter = _db.session.get(Letter, approved_id)
        approved = approval_signing.approved_version(letter)
        assert approved is not None and approved.number == 2
        approved_pdf, our_reference = approved.pdf, letter.our_reference
    assert our_reference  # fixed at approval, in the approved rendering
    monkeypatch.setattr(services, "render", _no_rendering)
    monkeypatch.setattr(services, "render_uploaded", _no_rendering)
    r = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"))
    assert r.status_code == 200, r.json
    assert r.json["our_reference"] == our_reference
    signed = signed_pdf(client, approved_id, api_token("viewer"))
    assert signed.startswith(approved_pdf)  # the approved bytes, with the signature appended
    with app.app_context():
        from parliament_tracker.audit.services import entries_for

        entry = [e for e in entries_for(_db.session.get(Letter, approved_id)) if e.action == "letter:signed"][0]
        assert entry.details["rendered_again"] is False


def test_a_changed_approved_pdf_is_not_signed(app, client, seed_draft, approved_id, api_token):
    with app.app_context():
        version = approval_signing.approved_version(_db.session.get(Letter, approved_id))
        data = bytearray(version.pdf)
        data[len(data) // 2] ^= 1
        version.pdf = bytes(data)
        _db.session.commit()
    r = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"))
    assert r.status_code == 409 and "SHA-256" in r.json["error"]["message"]
    with app.app_context():
        letter = _db.session.get(Letter, approved_id)
        assert letter.status == LetterStatus.approved and approval_signing.signature_of(letter) is None
        assert letter.latest_version.number == 2


def test_a_reference_changed_at_signing_is_rendered_again(app, client, seed_draft, approved_id, api_token):
    r = post(client, f"/api/v1/letters/{approved_id}/sign", api_token("signatory_office"), {"our_reference": "3612345"})
    assert r.status_code == 200 and r.json["our_reference"] == "3612345"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=signed_pdf(client, approved_id, api_token("viewer")), capture_output=True, timeout=30
    ).stdout.decode()
    assert "3612345" in text
