import datetime as dt
import io
import re
import zipfile

import pytest

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.cases.models import Case, CaseLink
from parliament_tracker.forms import parse_dutch_date

_REF = re.compile(r">(\d{4}Z\d{5}|TZ\d{6}-\d{3})</a>")


def listed(page) -> list[str]:
    """References in the result table, in order."""
    body = page.text.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return _REF.findall(body)


def _new_case(browser, **overrides):
    data = {
        "reference": " 2021z20001 ",
        "kind": "written_questions",
        "subject": "Vragen over de wachttijden bij de IND",
        "received_on": "2021-11-10",
        "questions_text": "1. Bent u bekend met het bericht?\n2. Wat gaat u doen?\n3. Wanneer?",
        "version": "",
    }
    data.update(overrides)
    # the old dates of these cases are confirmed as "Toch opslaan" does (test_implausible_dates)
    received = parse_dutch_date(str(data["received_on"]))
    data.setdefault("confirmed_received_on", received.isoformat() if received else "")
    return browser.post("/cases/new", data, token_from="/cases/new")


def test_register_case_normalises_reference_and_splits_questions(login, db):
    browser = login("registrar")
    response = _new_case(browser)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/cases/2021Z20001")
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z20001"))
    assert [q.number for q in case.questions] == [1, 2, 3]
    assert case.questions[1].text == "Wat gaat u doen?"
    page = browser.get("/cases/2021Z20001")
    assert "Wachttijden".lower() in page.text.lower()
    assert "case:created" in [e.action for e in db.session.scalars(db.select(AuditEntry))]


def test_register_rejects_bad_input_and_stores_nothing(login, db):
    browser = login("registrar")
    response = _new_case(browser, reference="2021X1", subject="", received_on="not-a-date")
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_reference_must_fit_kind(login, db):
    response = _new_case(login("registrar"), reference="TZ202412-116", kind="written_questions")
    assert response.status_code == 422
    assert "TZ202412-116" in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_future_date_refused(login, db):
    tomorrow_plus = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    assert _new_case(login("registrar"), received_on=tomorrow_plus).status_code == 422


@pytest.mark.parametrize("typed", ["2021Z20001", " 2021 z 20001 "])
def test_duplicate_keeps_the_form_and_shows_the_existing_case(login, db, typed):
    """A duplicate (also one only after normalising) keeps all input and links the existing case."""
    from parliament_tracker.organisation.models import Member

    browser = login("registrar")
    _new_case(browser)
    member = db.session.scalars(db.select(Member).order_by(Member.name)).first()
    extra = {"member_ids": str(member.id)} if member is not None else {}
    again = _new_case(
        browser, reference=typed, subject="Iets anders over de IND", questions_text="1. Een nieuwe vraag over de IND?", **extra
    )
    assert again.status_code == 409
    assert "Iets anders over de IND" in again.text
    assert "1. Een nieuwe vraag over de IND?" in again.text
    assert f'value="{typed.strip()}"' in again.text, "the reference typed stays, to be corrected"
    assert 'href="/cases/2021Z20001"' in again.text and "existing-case-link" in again.text
    assert 'id="reference-error"' in again.text
    if member is not None:
        assert re.search(rf'<option selected value="{member.id}"|<option value="{member.id}" selected', again.text)
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 1
    assert db.session.scalar(db.select(Case.subject)) == "Vragen over de wachttijden bij de IND"


@pytest.mark.parametrize(("typed", "stored"), [("1-11-2021", dt.date(2021, 11, 1)), ("01-11-2021", dt.date(2021, 11, 1)), ("2021-11-01", dt.date(2021, 11, 1))])
def test_dates_are_entered_the_dutch_way(login, db, typed, stored):
    browser = login("registrar")
    assert _new_case(browser, received_on=typed).status_code == 302
    case = db.session.scalar(db.select(Case))
    assert case.received_on == stored
    assert 'value="01-11-2021"' in browser.get("/cases/2021Z20001/edit").text


def test_implausible_dates_are_refused_with_the_input_kept(login, db):
    browser = login("registrar")
    bad = _new_case(browser, received_on="31-02-2021")
    assert bad.status_code == 422 and 'value="31-02-2021"' in bad.text and 'id="received_on-error"' in bad.text
    early = _new_case(browser, received_on="10-11-2021", committee_due_on="1-11-2021")
    assert early.status_code == 422 and 'id="committee_due_on-error"' in early.text
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == 0


def test_viewer_cannot_register(login):
    browser = login("viewer")
    assert browser.get("/cases/new").status_code == 403


def test_edit_and_stale_form(login, db):
    browser = login("registrar")
    _new_case(browser)
    form = browser.get("/cases/2021Z20001/edit").text
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    base = {"reference": "2021Z20001", "kind": "written_questions", "received_on": "2021-11-10", "version": version}
    first = browser.post("/cases/2021Z20001/edit", {**base, "subject": "Eerste wijziging"}, token_from="/cases/2021Z20001/edit")
    assert first.status_code == 302
    stale = browser.post("/cases/2021Z20001/edit", {**base, "subject": "Tweede wijziging op oude versie"}, token_from="/cases/2021Z20001/edit")
    assert stale.status_code == 409
    assert "Tweede wijziging op oude versie" in stale.text, "the user's input stays on screen"
    case = db.session.scalar(db.select(Case))
    db.session.refresh(case)
    assert case.subject == "Eerste wijziging"
    # Submitting again from the stale page (which now carries the current version) saves.
    new_version = re.search(r'name="version" value="(\d+)"', stale.text).group(1)
    saved = browser.post("/cases/2021Z20001/edit", {**base, "version": new_version, "subject": "Tweede wijziging op oude versie"}, token_from="/cases/2021Z20001/edit")
    assert saved.status_code == 302
    db.session.refresh(case)
    assert case.subject == "Tweede wijziging op oude versie"
    timeline = browser.get("/cases/2021Z20001").text
    assert "Eerste wijziging" in timeline


def test_links_shown_from_both_ends_and_removed(login, seed_case, db):
    browser = login("registrar")
    _new_case(browser, notes="Zie ook 2021Z19241.")
    page = browser.get("/cases/2021Z20001").text
    assert "Suggested links" in page or "Voorgestelde koppelingen" in page
    response = browser.post("/cases/2021Z20001/links", {"reference": "2021z19601", "link_type": "follow_up_of"}, token_from="/cases/2021Z20001")
    assert response.status_code == 302
    assert "2021Z19601" in browser.get("/cases/2021Z20001").text
    other = browser.get("/cases/2021Z19601").text
    assert "2021Z20001" in other
    dup = browser.post("/cases/2021Z19601/links", {"reference": "2021Z20001", "link_type": "related"}, token_from="/cases/2021Z20001")
    assert dup.status_code == 409  # the case page again, the message under the reference field
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseLink).where(CaseLink.source_id != CaseLink.target_id)) == 2
    browser.post("/cases/2021Z19601/links/remove", {"reference": "2021Z20001"}, token_from="/cases/2021Z20001")
    assert "2021Z20001" not in browser.get("/cases/2021Z19601").text.split("Timeline")[0].split("Tijdlijn")[0]


def test_a_mentioned_case_is_suggested_until_it_is_linked(login, seed_case):
    browser = login("registrar")
    _new_case(browser, notes="Zie ook 2021Z19241.")
    assert 'class="suggestions"' in browser.get("/cases/2021Z20001").text
    browser.post("/cases/2021Z20001/links", {"reference": "2021Z19241", "link_type": "related"}, token_from="/cases/2021Z20001")
    assert 'class="suggestions"' not in browser.get("/cases/2021Z20001").text
    # Linked from the other end counts as well.
    _new_case(browser, reference="2021Z20002", notes="Zie ook 2021Z19241.")
    browser.post("/cases/2021Z19241/links", {"reference": "2021Z20002", "link_type": "related"}, token_from="/cases/2021Z19241")
    assert 'class="suggestions"' not in browser.get("/cases/2021Z20002").text


def test_link_to_unknown_or_self_is_refused(login, seed_case, db):
    browser = login("registrar")
    before = db.session.scalar(db.select(db.func.count()).select_from(CaseLink))
    browser.post("/cases/2021Z19601/links", {"reference": "2021Z99999", "link_type": "related"}, token_from="/cases/2021Z19601")
    browser.post("/cases/2021Z19601/links", {"reference": "2021Z19601", "link_type": "related"}, token_from="/cases/2021Z19601")
    assert db.session.scalar(db.select(db.func.count()).select_from(CaseLink)) == before


def test_refused_link_shows_its_error_at_the_field_with_the_input_kept(login, seed_case):
    browser = login("registrar")
    response = browser.post("/cases/2021Z19601/links", {"reference": "2021Z99999", "link_type": "follow_up_of"}, token_from="/cases/2021Z19601")
    assert response.status_code == 404
    form = response.text.split('class="link-form"', 1)[1].split("</form>", 1)[0]
    field = re.search(r"<input[^>]*\bname=\"reference\"[^>]*>", form).group(0)
    assert 'value="2021Z99999"' in field and "autofocus" in field
    assert 'aria-describedby="reference-error"' in field and 'aria-invalid="true"' in field
    assert re.search(r'<p class="error" id="reference-error">(<span[^>]*>[^<]*</span>)?[^<]*2021Z99999', form)
    assert re.search(r'<option selected value="follow_up_of"|<option value="follow_up_of" selected', form)
    empty = browser.post("/cases/2021Z19601/links", {"reference": "", "link_type": "related"}, token_from="/cases/2021Z19601")
    assert empty.status_code == 422 and 'id="reference-error"' in empty.text


def test_refused_attachment_shows_its_error_at_the_file_field(login, seed_case):
    browser = login("registrar")
    response = browser.post(
        "/cases/2021Z19601/attachments",
        {"file": (io.BytesIO(b"MZ"), "script.exe")},
        token_from="/cases/2021Z19601",
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    form = response.text.split('action="/cases/2021Z19601/attachments"', 1)[1].split("</form>", 1)[0]
    field = re.search(r"<input[^>]*\bname=\"file\"[^>]*>", form).group(0)
    assert "autofocus" in field and 'aria-describedby="file-error"' in field
    assert '<p class="error" id="file-error">' in form


def test_search_filters_sort_and_exact_reference(login, seed_case):
    browser = login("viewer")
    assert browser.get("/cases?q=2021z19601").headers["Location"].endswith("/cases/2021Z19601")
    assert sorted(listed(browser.get("/cases?q=angstcultuur IND"))) == ["2021Z19241", "2021Z19601"]
    assert listed(browser.get("/cases?q=cultuuronderzoek")) == ["2021Z19601"]
    assert listed(browser.get("/cases?kind=committee_request&q=angstcultuur")) == ["2021Z19241"]
    assert listed(browser.get("/cases?received_from=2021-11-03&received_to=2021-11-05&q=angstcultuur")) == ["2021Z19601"]
    assert listed(browser.get("/cases?sort=received_asc&q=angstcultuur")) == ["2021Z19241", "2021Z19601"]
    assert listed(browser.get("/cases?sort=received_desc&q=angstcultuur")) == ["2021Z19601", "2021Z19241"]
    assert listed(browser.get("/cases?q=angstcultuur 100%_")) == []
    bogus = browser.get("/cases?kind=nonsense&page=abc&received_from=31-02-2021&sort=drop")
    assert bogus.status_code == 200


def test_filter_by_party_and_committee(login, seed_case, db):
    from parliament_tracker.organisation.models import Committee, Party

    d66 = db.session.scalar(db.select(Party).where(Party.abbreviation == "D66"))
    jv = db.session.scalar(db.select(Committee).where(Committee.abbreviation == "J&V"))
    browser = login("viewer")
    assert "2021Z19601" in listed(browser.get(f"/cases?party={d66.id}"))
    assert "2021Z19241" not in listed(browser.get(f"/cases?party={d66.id}"))
    on_committee = listed(browser.get(f"/cases?committee={jv.id}"))
    assert "2021Z19241" in on_committee and "2021Z19601" not in on_committee


def test_pagination(login, app, db, monkeypatch):
    from tests import factories

    with app.app_context():
        for _ in range(21):
            factories.case()
        db.session.commit()
    monkeypatch.setitem(app.config, "CASES_PER_PAGE", 10)
    browser = login("viewer")
    first = browser.get("/cases?sort=reference")
    second = browser.get("/cases?sort=reference&page=2")
    assert 'rel="next"' in first.text
    assert len(listed(first)) == 10 and len(listed(second)) == 10
    assert listed(first) + listed(second) == sorted(listed(first) + listed(second))


def test_csv_export_of_current_list(login, seed_case):
    response = login("viewer").get("/cases/export.csv?q=IND")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeffKenmerk;Soort;Onderwerp")
    assert "2021Z19601" in text and "2021Z19241" in text
    assert "Podt (D66), Ceder (ChristenUnie)" in text
    row = next(line for line in text.splitlines() if line.startswith("2021Z19601;"))
    assert ";Schriftelijke vragen;" in row and re.search(r";\d\d-\d\d-20\d\d;", row)


def test_xlsx_export_and_the_deadline_marks_and_mine_filter(login, seed):
    import io

    import time_machine
    from openpyxl import load_workbook

    with time_machine.travel(dt.datetime(2021, 11, 22, 9, tzinfo=dt.UTC), tick=False):
        browser = login("drafter")
        response = browser.get("/cases/export.xlsx?q=IND&sort=due")
        listed = browser.get("/cases?sort=due&state=open").text
        mine = browser.get("/cases?mine=1").text
        everyone = browser.get("/cases").text
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Kenmerk", "Soort", "Onderwerp") and sheet.freeze_panes == "A2"
    assert {r[0] for r in rows[1:]} >= {"2021Z19601", "2021Z19241"}
    assert all(isinstance(r[3], dt.datetime) for r in rows[1:])  # real dates
    # Overdue and due soon are said in words (and coloured), not by colour alone.
    assert '<span class="risk risk-due_soon">Verloopt binnen 3 werkdagen</span>' in listed
    assert '<span class="risk risk-overdue">Te laat</span>' in listed
    assert 'name="mine" value="1" checked' in mine
    assert len(re.findall(r'<tr>\s*<td class="nowrap"><a href="/cases/', mine)) < len(
        re.findall(r'<tr>\s*<td class="nowrap"><a href="/cases/', everyone)
    )
    assert "Fatima el Amrani" not in mine.split("<tbody>", 1)[1]


def test_status_transition_by_role(login, seed_case, db):
    drafter = login("drafter")
    page = drafter.get("/cases/2021Z19601").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    ok = drafter.post("/cases/2021Z19601/transition", {"target": "drafting", "version": version}, token_from="/cases/2021Z19601")
    assert ok.status_code == 302
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    db.session.refresh(case)
    assert case.status.value == "drafting"
    refused = drafter.post("/cases/2021Z19601/transition", {"target": "answered", "version": str(case.version)}, token_from="/cases/2021Z19601")
    assert refused.status_code == 302
    db.session.refresh(case)
    assert case.status.value == "drafting"


def test_correct_questions(login, seed_case, db):
    browser = login("drafter")
    page = browser.get("/cases/2021Z19601").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"version": version, "q-1-number": "1", "q-1-text": "Eerste, gecorrigeerd?", "q-2-number": "2", "q-2-text": "", "new_question": "Extra vraag?"}
    for i in range(3, 9):
        data[f"q-{i}-number"] = str(i)
        data[f"q-{i}-text"] = f"Vraag {i}?"
    assert browser.post("/cases/2021Z19601/questions", data, token_from="/cases/2021Z19601").status_code == 302
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    db.session.refresh(case)
    assert [q.number for q in case.questions] == [1, 3, 4, 5, 6, 7, 8, 9]
    assert case.questions[0].text == "Eerste, gecorrigeerd?"
    duplicate = dict(data, **{"q-3-number": "1", "version": str(case.version)})
    browser.post("/cases/2021Z19601/questions", duplicate, token_from="/cases/2021Z19601")
    db.session.refresh(case)
    assert [q.number for q in case.questions] == [1, 3, 4, 5, 6, 7, 8, 9]


def _docx(extra: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def test_attachments_checked(login, seed_case, db):
    from parliament_tracker.cases.models import Attachment

    browser = login("registrar")

    def upload(name, data):
        return browser.post(
            "/cases/2021Z19601/attachments", {"file": (io.BytesIO(data), name)}, token_from="/cases/2021Z19601", content_type="multipart/form-data"
        )

    assert upload("brief.pdf", b"%PDF-1.7\n...").status_code == 302
    assert upload("vragen.docx", _docx()).status_code == 302
    upload("fake.pdf", b"MZ\x90\x00 not a pdf")
    upload("macro.docx", _docx({"word/vbaProject.bin": b"x"}))
    upload("bomb.docx", _docx({"word/big.xml": b"0" * 5_000_000}))
    upload("broken.docx", b"PK\x03\x04 broken")
    upload("script.exe", b"MZ")
    names = sorted(a.filename for a in db.session.scalars(db.select(Attachment)))
    assert names == ["brief.pdf", "vragen.docx"]
    attachment = db.session.scalar(db.select(Attachment).where(Attachment.filename == "brief.pdf"))
    download = browser.get(f"/cases/2021Z19601/attachments/{attachment.id}")
    assert download.data == b"%PDF-1.7\n..."
    assert browser.get(f"/cases/2021Z19241/attachments/{attachment.id}").status_code == 404, "only under its own case"


def test_unknown_case_is_404(login):
    assert login("viewer").get("/cases/2021Z00000").status_code == 404


def test_timeline_reads_in_dutch(login, seed_case):
    browser = login("viewer")
    timeline = browser.get("/cases/2021Z19601").text.split('id="timeline-heading"', 1)[1]
    assert "Zaak geregistreerd." in timeline
    assert "Gekoppeld aan 2021Z19601 (zelfde onderwerp als)" in browser.get("/cases/2021Z19241").text
    assert "case 2021Z19601 registered" not in timeline, "the untranslated log line is not shown"


def test_questions_form_with_a_broken_version_is_refused_not_a_crash(login, seed_case, db):
    browser = login("drafter")
    response = browser.post("/cases/2021Z19601/questions", {"version": "abc", "q-1-number": "1", "q-1-text": "Gewijzigd?"}, token_from="/cases/2021Z19601")
    # refused as a stale form, shown again with the input kept (issue 17), not saved
    assert response.status_code == 409 and "Gewijzigd?</textarea>" in response.text
    assert "Gewijzigd?" not in browser.get("/cases/2021Z19601").text


@pytest.mark.parametrize("name", ["Beslissing-ş.pdf", "報告.pdf", "Ответ.pdf", "رد.pdf"])
def test_attachments_keep_their_names(login, seed_case, db, name):
    """Issue 20: a name outside Latin-1 uploads, and its download sends it as filename* with an
    ASCII fallback (the header must be Latin-1: gunicorn answered 500 before)."""
    from urllib.parse import unquote

    from parliament_tracker.cases.models import Attachment

    browser = login("registrar")
    response = browser.post(
        "/cases/2021Z19601/attachments",
        {"file": (io.BytesIO(b"%PDF-1.7\n..."), name)},
        token_from="/cases/2021Z19601",
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    attachment = db.session.scalar(db.select(Attachment).where(Attachment.filename == name))
    assert attachment is not None
    download = browser.get(f"/cases/2021Z19601/attachments/{attachment.id}")
    assert download.status_code == 200 and download.data == b"%PDF-1.7\n..."
    header = download.headers["Content-Disposition"]
    header.encode("latin-1")
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == name
    assert 'filename="' in header


def test_macro_parts_are_found_by_content_type_too(login, seed_case, db):
    from parliament_tracker.cases.models import Attachment

    browser = login("registrar")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(
            "[Content_Types].xml",
            '<Types><Override PartName="/word/innocent.bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>',
        )
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/innocent.bin", b"macro")
    for name, data in (("renamed.docx", buf.getvalue()), ("activex.docx", _docx({"word/activeX/activeX1.xml": b"<x/>"}))):
        response = browser.post(
            "/cases/2021Z19601/attachments",
            {"file": (io.BytesIO(data), name)},
            token_from="/cases/2021Z19601",
            content_type="multipart/form-data",
        )
        assert response.status_code == 422  # the case page again, the message under the file field
        assert db.session.scalar(db.select(Attachment).where(Attachment.filename == name)) is None, name


def test_api_attachment_download_keeps_the_name(client, api_token, seed, db):
    """The API's attachment download sends the same RFC 6266 header as the page's."""
    from urllib.parse import unquote

    headers = api_token("registrar")
    uploaded = client.post(
        "/api/v1/cases/2021Z19601/attachments",
        data={"file": (io.BytesIO(b"%PDF-1.7\n..."), "報告.pdf")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert uploaded.status_code == 201, uploaded.json
    download = client.get(f"/api/v1/cases/2021Z19601/attachments/{uploaded.json['id']}", headers=headers)
    assert download.status_code == 200
    header = download.headers["Content-Disposition"]
    header.encode("latin-1")
    assert unquote(header.split("filename*=UTF-8''", 1)[1]) == "報告.pdf"
