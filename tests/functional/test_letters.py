"""Letter pages: start, edit, generate, preview, download, upload round trip, compare, postponement."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile

import pytest
from docx import Document

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.letters.engine import markup
from parliament_tracker.letters.models import Letter, LetterCase, LetterKind, LetterVersion, VersionSource


def pdf_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(text.split())


def docx_bytes(doc) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def seed_letter(db) -> Letter:
    db.session.expire_all()
    return db.session.scalar(
        db.select(Letter).join(LetterCase).where(Letter.kind == LetterKind.kamerbrief).order_by(Letter.id)
    )


def version_count(db, letter_id: int) -> int:
    return db.session.scalar(db.select(db.func.count(LetterVersion.id)).where(LetterVersion.letter_id == letter_id))


def letter_count(db) -> int:
    return db.session.scalar(db.select(db.func.count(Letter.id)))


def _start(browser, reference: str, **data):
    return browser.post(f"/cases/{reference}/letters/new", data, token_from=f"/cases/{reference}/letters/new")


def _id_from(location: str) -> int:
    return int(re.search(r"/letters/(\d+)", location).group(1))


# --------------------------------------------------------------------------- the seed letter


def test_demo_has_the_seed_reply_sent_on_23_november_2021(seed):
    """The demo's seed reply went through the app in 2021: drafted, approved, signed and sent
    (tests/functional/test_demo.py follows every step); tests of drafting use ``seed_draft``."""
    letter = seed_letter(seed)
    assert letter is not None and letter.status.value == "sent" and str(letter.sent_on) == "2021-11-23"
    roles = {link.case.reference: link.role.value for link in letter.case_links}
    assert roles == {"2021Z19241": "answers", "2021Z19601": "mentions"}
    assert letter.your_reference == "2021Z19241"
    assert letter.signatory.name == "Ankie Broekers-Knol"
    assert len(letter.body) == 7 and letter.body[0]["type"] == "p"
    assert "Podt (D66) en Ceder (ChristenUnie)" in letter.body[1]["runs"][0]["text"]
    # generated; rendered at the last approval with its date and Ons kenmerk (what is signed); the
    # signed final version
    assert [v.number for v in letter.versions] == [1, 2, 3]


def test_seed_letter_generates_pdf_and_docx(login, seed_draft):
    letter = seed_letter(seed_draft)
    browser = login("drafter")
    response = browser.post(f"/letters/{letter.id}/generate", token_from=f"/letters/{letter.id}")
    assert response.status_code == 302 and response.headers["Location"].endswith("#preview")
    page = browser.get(f"/letters/{letter.id}")
    assert 'id="pdf-preview"' in page.text
    assert f"/letters/{letter.id}/versions/1/pdf?inline=1" in page.text
    inline = browser.get(f"/letters/{letter.id}/versions/1/pdf?inline=1")
    assert inline.status_code == 200 and inline.mimetype == "application/pdf"
    assert inline.headers["Content-Disposition"].startswith("inline;")
    download = browser.get(f"/letters/{letter.id}/versions/1/pdf")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    text = pdf_text(download.data)
    assert "Pagina 1 van" in text
    assert "Reactie VJC-verzoek m.b.t. berichtgeving in de krant over angstcultuur" in text
    assert "Uw kenmerk" in text and "2021Z19241" in text
    assert "Ankie Broekers-Knol" in text
    assert "De Staatssecretaris van Justitie en Veiligheid," in text
    assert "23 november 2021" in text
    docx = browser.get(f"/letters/{letter.id}/versions/1/docx")
    assert docx.mimetype.endswith("wordprocessingml.document")
    paragraphs = [p.text for p in Document(io.BytesIO(docx.data)).paragraphs]
    assert any("Met deze brief ga ik in op dit verzoek." in p for p in paragraphs)
    # the version is kept with who, source and hashes, and audited
    seed_draft.session.expire_all()
    version = seed_draft.session.scalar(seed_draft.select(LetterVersion).where(LetterVersion.letter_id == letter.id))
    import hashlib

    assert version.source == VersionSource.generated and version.created_by.username == "drafter"
    assert version.pdf_sha256 == hashlib.sha256(download.data).hexdigest()
    assert version.docx_sha256 in page.text
    assert seed_draft.session.scalar(
        seed_draft.select(AuditEntry).where(AuditEntry.action == "letter:generated", AuditEntry.object_id == letter.id)
    )


def test_case_page_lists_letters_and_offers_new_letter(login, seed_draft):
    browser = login("drafter")
    page = browser.get("/cases/2021Z19241")
    assert 'id="letters"' in page.text and "/cases/2021Z19241/letters/new" in page.text
    assert "Reactie VJC-verzoek" in page.text
    written = browser.get("/cases/2021Z19601")
    assert "/cases/2021Z19601/letters/postponement-notice" in written.text
    assert "/cases/2021Z19241/letters/postponement-notice" not in page.text


def test_viewer_sees_letters_but_cannot_start_one(login, seed_draft):
    browser = login("viewer")
    page = browser.get("/cases/2021Z19241")
    assert 'id="letters"' in page.text
    assert "/cases/2021Z19241/letters/new" not in page.text
    assert browser.get("/cases/2021Z19241/letters/new").status_code == 403
    letter = seed_letter(seed_draft)
    assert browser.get(f"/letters/{letter.id}").status_code == 200
    assert browser.post(f"/letters/{letter.id}/generate", token_from="/account").status_code == 403


# --------------------------------------------------------------------------- starting and editing


def test_start_letter_from_several_cases_prefills_blocks(login, seed_draft):
    browser = login("drafter")
    form = browser.get("/cases/2021Z19241/letters/new")
    assert form.status_code == 200 and re.search(
        r'selected[^>]*value="kamerbrief"|value="kamerbrief"[^>]*selected', form.text
    )
    response = _start(browser, "2021Z19241", kind="kamerbrief", also_answers="", mentions="2021z19601")
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    letter = seed_draft.session.get(Letter, _id_from(response.headers["Location"]))
    assert letter.subject.startswith("Verzoek om een reactie")
    assert letter.your_reference == "2021Z19241"
    assert letter.your_letter_date.isoformat() == "2021-11-02"
    assert letter.addressee.startswith(
        "Aan de Voorzitter van de Tweede Kamer\nder Staten-Generaal\nPostbus 20018\n2500 EA"
    )
    assert letter.signatory.office_title == "De Staatssecretaris van Justitie en Veiligheid"
    assert {link.case.reference: link.role.value for link in letter.case_links} == {
        "2021Z19241": "answers",
        "2021Z19601": "mentions",
    }
    both = _start(browser, "2021Z19241", kind="kamerbrief", also_answers="2021Z19601")
    letter2 = seed_draft.session.get(Letter, _id_from(both.headers["Location"]))
    assert letter2.your_reference == "2021Z19241, 2021Z19601"


def test_start_letter_refuses_unknown_reference_and_wrong_kind(login, seed_draft):
    browser = login("drafter")
    before = letter_count(seed_draft)
    response = _start(browser, "2021Z19241", kind="kamerbrief", mentions="2021Z99999")
    assert response.status_code == 422 and "2021Z99999" in response.text
    response = _start(browser, "2021Z19241", kind="answers")
    assert response.status_code == 422
    assert "written-questions" in response.text or "schriftelijke vragen" in response.text
    response = _start(browser, "2021Z19241", kind="nonsense")
    assert response.status_code == 422
    assert letter_count(seed_draft) == before


def _edit_data(letter: Letter, **overrides):
    data = {
        "subject": letter.subject,
        "letter_date": "2021-11-23",
        "our_reference": "3612345",
        "your_reference": letter.your_reference,
        "your_letter_date": "2021-11-02",
        "addressee": letter.addressee,
        "signatory_id": str(letter.signatory_id or ""),
        "body": markup.from_blocks(letter.body),
        "postponement_reason": "",
        "version": str(letter.version),
    }
    data.update(overrides)
    return data


def test_edit_body_markup_and_generate(login, seed_draft):
    letter = seed_letter(seed_draft)
    browser = login("drafter")
    page = browser.get(f"/letters/{letter.id}/edit")
    assert page.status_code == 200 and "**" in page.text  # the markup help
    body = "Eerste alinea met **vet** en *cursief*.\n\n- punt een\n- punt twee\n\n1. stap een\n2. stap twee\n\nSlot."
    response = browser.post(
        f"/letters/{letter.id}/edit",
        _edit_data(letter, body=body, generate="1"),
        token_from=f"/letters/{letter.id}/edit",
    )
    assert response.status_code == 302, response.text
    seed_draft.session.expire_all()
    letter = seed_draft.session.get(Letter, letter.id)
    assert letter.our_reference == "3612345"
    assert [b["type"] for b in letter.body] == ["p", "li", "li", "ol", "ol", "p"]
    assert letter.body[0]["runs"][1] == {"text": "vet", "bold": True}
    assert markup.from_blocks(letter.body) == body  # the edit page shows the same markup again
    version = letter.latest_version
    doc = Document(io.BytesIO(version.docx))
    bold = [r.text for p in doc.paragraphs for r in p.runs if r.bold]
    italic = [r.text for p in doc.paragraphs for r in p.runs if r.italic]
    assert "vet" in bold and "cursief" in italic
    styles = {p.text: p.style.name for p in doc.paragraphs if p.text in ("punt een", "stap een")}
    assert styles == {"punt een": "List Bullet", "stap een": "List Number"}
    text = pdf_text(version.pdf)
    assert "3612345" in text and "Slot." in text


def test_edit_refuses_empty_subject_and_stale_version(login, seed_draft):
    letter = seed_letter(seed_draft)
    browser = login("drafter")
    response = browser.post(
        f"/letters/{letter.id}/edit", _edit_data(letter, subject=""), token_from=f"/letters/{letter.id}/edit"
    )
    assert response.status_code == 422
    stale = browser.post(
        f"/letters/{letter.id}/edit",
        _edit_data(letter, subject="Nieuw", version=str(letter.version - 1 or 99)),
        token_from=f"/letters/{letter.id}/edit",
    )
    assert stale.status_code == 409
    seed_draft.session.expire_all()
    assert seed_draft.session.get(Letter, letter.id).subject == letter.subject


def test_answers_document_with_combined_and_see_answers(login, seed_draft):
    browser = login("drafter")
    response = _start(browser, "2021Z19601", kind="answers")
    letter_id = _id_from(response.headers["Location"])
    letter = seed_draft.session.get(Letter, letter_id)
    assert [a["questions"] for a in letter.answers] == [[n] for n in range(1, 9)]
    page = browser.get(f"/letters/{letter_id}/edit")
    assert 'name="answer-8"' in page.text and 'value="see-1"' in page.text and 'value="with-1"' in page.text
    data = _edit_data(letter, body="", generate="1")
    data.update(
        {
            "mode-1": "own",
            "answer-1": "Ja.",
            "mode-2": "own",
            "answer-2": "De werksfeer moet *veilig* zijn.",
            "mode-3": "with-2",
            "answer-3": "",
            "mode-4": "see-2",
            "answer-4": "",
        }
    )
    for n in range(5, 9):
        data.update({f"mode-{n}": "own", f"answer-{n}": f"Antwoord {n}."})
    response = browser.post(f"/letters/{letter_id}/edit", data, token_from=f"/letters/{letter_id}/edit")
    assert response.status_code == 302, response.text
    seed_draft.session.expire_all()
    letter = seed_draft.session.get(Letter, letter_id)
    assert letter.answers[1] == {"questions": [2, 3], "text": "De werksfeer moet *veilig* zijn."}
    assert letter.answers[2] == {"questions": [4], "see": 2}
    text = pdf_text(letter.latest_version.pdf)
    assert (
        "Antwoorden van de Staatssecretaris van Justitie en Veiligheid op vragen van de leden Podt (D66) en Ceder "
        "(ChristenUnie) over het bericht"
    ) in text
    assert "(ingezonden 5 november 2021)" in text
    assert "Vraag 1" in text and "Antwoord op vraag 1" in text
    assert "Antwoord op vraag 2 en 3" in text
    assert "Zie het antwoord op vraag 2." in text
    assert text.index("Vraag 3") < text.index("Antwoord op vraag 2 en 3") < text.index("Vraag 4")
    # the edit page shows the stored choices again
    page = browser.get(f"/letters/{letter_id}/edit")
    assert 'value="with-2" selected' in page.text and 'value="see-2" selected' in page.text


def test_answers_refuses_combining_with_a_see_answer(login, seed_draft):
    browser = login("drafter")
    letter_id = _id_from(_start(browser, "2021Z19601", kind="answers").headers["Location"])
    letter = seed_draft.session.get(Letter, letter_id)
    data = _edit_data(letter, body="")
    data.update({"mode-1": "see-2", "mode-2": "with-1", "answer-2": "x"})
    response = browser.post(f"/letters/{letter_id}/edit", data, token_from=f"/letters/{letter_id}/edit")
    assert response.status_code == 422
    assert 'id="answer-2-error"' in response.text


def test_cover_letter_for_written_questions(login, seed_draft):
    browser = login("drafter")
    letter_id = _id_from(_start(browser, "2021Z19601", kind="cover_letter").headers["Location"])
    response = browser.post(f"/letters/{letter_id}/generate", token_from=f"/letters/{letter_id}")
    assert response.status_code == 302
    seed_draft.session.expire_all()
    text = pdf_text(seed_draft.session.get(Letter, letter_id).latest_version.pdf)
    assert "Hierbij bied ik u de antwoorden aan op de schriftelijke vragen (2021Z19601)" in text
    assert "Bijlage(n) 1" in text or "Bijlage(n)\n1" in text or re.search(r"Bijlage\(n\)\s*1", text)


# --------------------------------------------------------------------------- postponement


def test_postponement_notice_in_one_click(login, seed_draft):
    browser = login("drafter")
    response = browser.post(
        "/cases/2021Z19601/letters/postponement-notice",
        {"reason": "de benodigde afstemming met de IND meer tijd vraagt"},
        token_from="/cases/2021Z19601",
    )
    assert response.status_code == 302
    letter = seed_draft.session.get(Letter, _id_from(response.headers["Location"]))
    assert letter.kind == LetterKind.postponement_notice
    assert letter.case_links[0].role.value == "postpones"
    text = pdf_text(letter.latest_version.pdf)
    assert (
        "kunnen niet binnen de gebruikelijke termijn van drie weken worden beantwoord, omdat de benodigde afstemming met de IND meer tijd vraagt."
        in text
    )
    assert "2021Z19601" in text and "Podt (D66) en Ceder (ChristenUnie)" in text
    actions = set(
        seed_draft.session.scalars(
            seed_draft.select(AuditEntry.action).where(AuditEntry.object_type == "letter", AuditEntry.object_id == letter.id)
        )
    )
    assert actions == {"letter:started", "letter:generated"}
    case_page = browser.get("/cases/2021Z19601")
    assert "Brief aangemaakt: uitstelbericht." in case_page.text


def test_postponement_needs_a_reason_and_written_questions(login, seed_draft):
    browser = login("drafter")
    before = letter_count(seed_draft)
    response = browser.post("/cases/2021Z19601/letters/postponement-notice", {"reason": "  "}, token_from="/cases/2021Z19601")
    assert response.status_code == 302
    assert "flash-error" in browser.get("/cases/2021Z19601").text
    response = browser.post("/cases/2021Z19241/letters/postponement-notice", {"reason": "drukte"}, token_from="/cases/2021Z19241")
    assert response.status_code == 302 and response.headers["Location"].endswith("#letters")
    assert letter_count(seed_draft) == before


# --------------------------------------------------------------------------- round trip and compare


def _generated(browser, db) -> Letter:
    letter = seed_letter(db)
    browser.post(f"/letters/{letter.id}/generate", token_from=f"/letters/{letter.id}")
    db.session.expire_all()
    return db.session.get(Letter, letter.id)


def test_round_trip_upload_of_an_edited_docx_and_compare(login, seed_draft):
    browser = login("drafter")
    letter = _generated(browser, seed_draft)
    original = browser.get(f"/letters/{letter.id}/versions/1/docx").data
    doc = Document(io.BytesIO(original))
    target = next(p for p in doc.paragraphs if "Op dit moment ligt de zaak voor bij de rechter." in p.text)
    for run in target.runs[1:]:
        run.text = ""
    target.runs[0].text = "Deze zin is in Word aangepast door de behandelaar."
    edited = docx_bytes(doc)
    response = browser.post(
        f"/letters/{letter.id}/upload",
        {"file": (io.BytesIO(edited), "brief bewerkt.docx"), "note": "na overleg"},
        token_from=f"/letters/{letter.id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.text
    seed_draft.session.expire_all()
    version = seed_draft.session.scalar(
        seed_draft.select(LetterVersion).where(LetterVersion.letter_id == letter.id, LetterVersion.number == 2)
    )
    assert (
        version.source == VersionSource.uploaded
        and version.filename == "brief bewerkt.docx"
        and version.note == "na overleg"
    )
    import hashlib

    assert version.docx == edited and version.docx_sha256 == hashlib.sha256(edited).hexdigest()
    text = pdf_text(version.pdf)
    assert "Deze zin is in Word aangepast door de behandelaar." in text  # the PDF is made from the upload
    assert "ligt de zaak voor bij de rechter" not in text
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(version.pdf))
    assert reader.metadata.title == letter.subject  # PDF/A metadata from the letter, not from the upload
    assert str(reader.trailer["/Root"]["/Lang"]) == "nl-NL"
    assert "pdfaid:part" in reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    page = browser.get(f"/letters/{letter.id}")
    assert "brief bewerkt.docx" in page.text and version.pdf_sha256 in page.text
    compare = browser.get(f"/letters/{letter.id}/compare?a=1&b=2")
    assert compare.status_code == 200
    added = re.findall(r'class="diff-added".*?<ins>(.*?)</ins>', compare.text, re.DOTALL)
    removed = re.findall(r'class="diff-removed".*?<del>(.*?)</del>', compare.text, re.DOTALL)
    assert added == ["Deze zin is in Word aangepast door de behandelaar."]
    assert len(removed) == 1 and "Op dit moment ligt de zaak voor bij de rechter." in removed[0]
    assert browser.get(f"/letters/{letter.id}/compare?a=1&b=9").status_code == 404
    assert browser.get(f"/letters/{letter.id}/compare?a=x").status_code == 302


def _plain_docx() -> bytes:
    doc = Document()
    doc.add_paragraph("Gewone brief.")
    return docx_bytes(doc)


def _rebuild(data: bytes, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, (replace or {}).get(info.filename, src.read(info.filename)))
        for name, blob in (add or {}).items():
            dst.writestr(name, blob)
    return out.getvalue()


def _macro_docx() -> bytes:
    plain = _plain_docx()
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        types = zf.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>", '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>'
    )
    return _rebuild(
        plain,
        add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64},
        replace={"[Content_Types].xml": types.encode()},
    )


BAD_UPLOADS = {
    "not a docx": (b"%PDF-1.7 this is a pdf", "brief.docx", "geen DOCX-document"),
    "wrong extension": (b"PK\x03\x04", "brief.pdf", ".docx"),
    "macros": (None, "brief.docx", "macro’s"),
    "zip bomb": (None, "brief.docx", "zipbom"),
    "corrupt": (None, "brief.docx", "beschadigd"),
}


@pytest.mark.parametrize("case", list(BAD_UPLOADS))
def test_bad_uploads_are_refused_and_nothing_is_stored(login, seed_draft, case):
    data, filename, fragment = BAD_UPLOADS[case]
    if case == "macros":
        data = _macro_docx()
    elif case == "zip bomb":
        data = _rebuild(_plain_docx(), add={"word/media/zeros.bin": b"\0" * (4 * 1024 * 1024)})
    elif case == "corrupt":
        plain = _plain_docx()
        data = plain[: len(plain) // 2]
    browser = login("drafter")
    letter = seed_letter(seed_draft)
    before = version_count(seed_draft, letter.id)
    count_audit = seed_draft.select(seed_draft.func.count(AuditEntry.id))
    audit_before = seed_draft.session.scalar(count_audit)
    response = browser.post(
        f"/letters/{letter.id}/upload",
        {"file": (io.BytesIO(data), filename)},
        token_from=f"/letters/{letter.id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    page = browser.get(response.headers["Location"])
    assert fragment.lower() in page.text.lower(), page.text[:2000]
    assert version_count(seed_draft, letter.id) == before
    assert seed_draft.session.scalar(count_audit) == audit_before


def test_oversize_upload_is_refused(login, seed_draft, app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_UPLOAD_BYTES", 10 * 1024)
    browser = login("drafter")
    letter = seed_letter(seed_draft)
    big = _rebuild(_plain_docx(), add={"word/media/noise.bin": bytes(range(256)) * 200})
    assert len(big) > 10 * 1024
    response = browser.post(
        f"/letters/{letter.id}/upload",
        {"file": (io.BytesIO(big), "groot.docx")},
        token_from=f"/letters/{letter.id}",
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    assert "groter dan 10 KB" in browser.get(response.headers["Location"]).text
    assert version_count(seed_draft, letter.id) == 0


def test_edits_are_kept_when_the_template_cannot_be_filled(login, seed_draft, app):
    """An active template that fails at fill time: the edit is saved, no version is made."""
    from parliament_tracker.letters.models import LetterTemplate

    letter = seed_letter(seed_draft)
    with app.app_context():
        template = seed_draft.session.scalar(seed_draft.select(LetterTemplate).where(LetterTemplate.kind == LetterKind.kamerbrief))
        doc = Document()
        doc.add_paragraph("{{ signatories[0].nonexistent }}")  # StrictUndefined at fill time
        template.docx = docx_bytes(doc)
        # a template row's SHA-256 is its file's, as _store_template writes it (template_for keys its cache by it)
        template.sha256 = hashlib.sha256(template.docx).hexdigest()
        seed_draft.session.commit()
    browser = login("drafter")
    response = browser.post(
        f"/letters/{letter.id}/edit",
        _edit_data(letter, subject="Nieuw onderwerp", generate="1"),
        token_from=f"/letters/{letter.id}/edit",
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/edit")
    page = browser.get(response.headers["Location"])
    assert "flash-warning" in page.text and "flash-error" in page.text
    seed_draft.session.expire_all()
    assert seed_draft.session.get(Letter, letter.id).subject == "Nieuw onderwerp"
    assert version_count(seed_draft, letter.id) == 0


def test_case_json_lists_its_letters(client, seed_draft, api_token):
    data = client.get("/api/v1/cases/2021Z19601", headers=api_token("viewer")).json
    assert [(item["kind"], item["status"]) for item in data["letters"]] == [("kamerbrief", "draft")]


def test_simultaneous_versions_get_a_clear_message(app, seed_draft, monkeypatch):
    """Two requests that compute the same version number: the second is refused cleanly."""
    from parliament_tracker.letters import services

    letter = seed_letter(seed_draft)
    with app.test_request_context():
        services.generate_version(seed_draft.session.get(Letter, letter.id), actor=None)
        original = seed_draft.session.scalar
        monkeypatch.setattr(
            seed_draft.session, "scalar", lambda stmt, *a, **k: 0 if "max" in str(stmt) else original(stmt, *a, **k)
        )
        from parliament_tracker.errors import DomainError

        with pytest.raises(DomainError, match=r"same moment|hetzelfde moment"):
            services.generate_version(seed_draft.session.get(Letter, letter.id), actor=None)
        monkeypatch.undo()
        assert version_count(seed_draft, letter.id) == 1


def test_unknown_letters_and_versions_are_404(login, seed_draft):
    browser = login("drafter")
    letter = seed_letter(seed_draft)
    assert browser.get("/letters/999999").status_code == 404
    assert browser.get(f"/letters/{letter.id}/versions/5/pdf").status_code == 404
    assert browser.get(f"/letters/{letter.id}/versions/5/docx").status_code == 404
    assert browser.get("/cases/2021Z99999/letters/new").status_code == 404


def test_letters_overview(login, seed_draft):
    browser = login("viewer")
    page = browser.get("/letters")
    assert page.status_code == 200 and "Reactie VJC-verzoek" in page.text and 'href="/letters"' in page.text
    assert "Reactie VJC-verzoek" not in browser.get("/letters?mine=1").text  # the demo drafter started it
