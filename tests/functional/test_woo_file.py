"""The Woo file of a case: every document once, named by its inventory number, the inventory
(XLSX and PDF) matching the ZIP, the linked case included, the export audited."""

from __future__ import annotations

import datetime as dt
import email
import io
import zipfile

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions import services as contribution_services
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters.engine.pdf import render_pdf
from parliament_tracker.records import woo
from tests.functional.test_letter_workflow import post, seed_letter_id

SEED, LINKED = "2021Z19241", "2021Z19601"


def _case(reference: str) -> Case:
    return _db.session.scalar(sa.select(Case).where(Case.reference == reference))


def small_pdf(text: str) -> bytes:
    return render_pdf(f'<!DOCTYPE html><html lang="nl"><head><title>{text}</title></head><body><p>{text}</p></body></html>', title=text)


@pytest.fixture
def sent_seed(app, client, seed_draft, users, api_token):
    """The seed reply letter signed and sent; an attachment on the linked case; a contribution
    with a file on the seed case."""
    letter_id = seed_letter_id(app, users["drafter"])
    assert post(client, f"/api/v1/letters/{letter_id}/submit", api_token("drafter"), {"approvers": ["director"]}).status_code == 200
    assert post(client, f"/api/v1/letters/{letter_id}/approve", api_token("director"), {"comment": "Akkoord."}).status_code == 200
    assert post(client, f"/api/v1/letters/{letter_id}/sign", api_token("signatory_office")).status_code == 200
    r = post(client, f"/api/v1/letters/{letter_id}/send", api_token("signatory_office"), {"sent_on": today_local().isoformat()})
    assert r.status_code == 200, r.json
    with app.app_context():
        registrar = _db.session.get(User, users["registrar"].id)
        drafter = _db.session.get(User, users["drafter"].id)
        case_services.add_attachment(_case(LINKED), "krantenbericht.pdf", small_pdf("Krantenbericht"), max_bytes=10**7, actor=registrar)
        contribution = contribution_services.ask(
            _case(SEED), request_text="Graag een feitelijke bijdrage over de meldingen.",
            external_email="ind@example.org", due_on=dt.date(2021, 11, 20), actor=drafter,
        )
        contribution_services.deliver(contribution, text="Zie bijlage.", file=("bijdrage-ind.pdf", small_pdf("Bijdrage IND")),
                                      max_bytes=10**7, actor=None, via_link=True)
        _db.session.commit()
    return letter_id


def _pdf_text(data: bytes) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, timeout=30, check=True).stdout.decode()


def _inventory(archive: zipfile.ZipFile) -> list[list]:
    sheet = load_workbook(io.BytesIO(archive.read(woo.INVENTORY_XLSX))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[1][: len(woo.COLUMNS)]) == list(woo.COLUMNS)
    assert list(rows[1][len(woo.COLUMNS):]) == list(woo.ASSESSMENT_COLUMNS)
    return [list(r) for r in rows[2:]]


def test_the_seed_cases_woo_file_matches_its_inventory(app, client, sent_seed, login):
    browser = login("registrar")
    response = browser.post(f"/cases/{SEED}/woo", {}, token_from=f"/cases/{SEED}")
    assert response.status_code == 200, response.text[:500]
    assert response.mimetype == "application/zip"
    assert f"woo-{SEED}-" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    names = archive.namelist()
    assert len(names) == len(set(names)), "a file is in the ZIP twice"
    rows = _inventory(archive)

    listed = [f"{woo.DOCUMENTS_FOLDER}/{row[6]}" for row in rows]
    documents = [n for n in names if n.startswith(woo.DOCUMENTS_FOLDER + "/")]
    # every listed file present, none unlisted, no duplicates, numbered 1..n in order
    assert sorted(listed) == sorted(documents)
    assert len(listed) == len(set(listed))
    assert set(names) - set(documents) == {woo.INVENTORY_XLSX, woo.INVENTORY_PDF}
    assert [row[0] for row in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert row[6].startswith(f"{row[0]:04d}-"), row
        assert row[7] is None and row[8] is None and row[9] is None  # the Woo team's columns are empty

    # the linked case is in, with its own summary, timeline and attachment
    assert {row[5] for row in rows} == {SEED, LINKED}
    types = [(row[5], row[2]) for row in rows]
    for reference in (SEED, LINKED):
        assert (reference, "Zaakoverzicht (gegevens, vragen, koppelingen)") in types
        assert (reference, "Tijdlijn (audittrail)") in types
    assert (LINKED, "Bijlage") in types
    # the letter (answering the seed case, mentioning the linked one) is listed once, under the seed case
    kinds = [row[2] for row in rows]
    assert kinds.count("Ondertekende brief (PDF)") == 1 and kinds.count("Ondertekende brief (DOCX)") == 1
    assert sum(k.startswith("Brief (") and k.endswith("(PDF)") for k in kinds) == 1  # version 1, the draft
    assert kinds.count("Validatierapport handtekening (tekst)") == 1
    assert kinds.count("Verzoek om een bijdrage en antwoord") == 1
    assert kinds.count("Bijlage bij een bijdrage") == 1
    assert any(k in ("E-mail", "Melding in de applicatie") for k in kinds)

    # the documents are what they say
    by_type = {row[2]: f"{woo.DOCUMENTS_FOLDER}/{row[6]}" for row in rows}
    assert archive.read(by_type["Ondertekende brief (PDF)"]).startswith(b"%PDF")
    assert "Oordeel: valid" in archive.read(by_type["Validatierapport handtekening (tekst)"]).decode()
    timeline = next(f"{woo.DOCUMENTS_FOLDER}/{r[6]}" for r in rows if r[5] == SEED and r[2] == "Tijdlijn (audittrail)")
    assert archive.read(timeline).startswith(b"%PDF")
    mail_name = next(f"{woo.DOCUMENTS_FOLDER}/{r[6]}" for r in rows if r[2] in ("E-mail", "Melding in de applicatie"))
    assert email.message_from_bytes(archive.read(mail_name))["Subject"]
    assert archive.read(woo.INVENTORY_PDF).startswith(b"%PDF")
    summary = next(f"{woo.DOCUMENTS_FOLDER}/{r[6]}" for r in rows if r[5] == LINKED and r[2].startswith("Zaakoverzicht"))
    text = _pdf_text(archive.read(summary))
    assert "Bent u bekend met het bericht" in text and SEED in text  # the questions and the link
    assert "Zaak geregistreerd." in _pdf_text(archive.read(timeline))  # the audit trail in Dutch sentences

    # the export is audited on both cases, with who and the ZIP's hash
    with app.app_context():
        entries = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "case:woo_exported")).all()
        assert {e.object_id for e in entries} == {_case(SEED).id, _case(LINKED).id}
        assert all(e.actor.username == "registrar" and e.details["documents"] == len(rows) for e in entries)


def test_depth_zero_leaves_the_linked_case_out(app, client, sent_seed, login):
    browser = login("director")
    response = browser.post(f"/cases/{SEED}/woo", {"depth": "0"}, token_from=f"/cases/{SEED}")
    assert response.status_code == 200
    rows = _inventory(zipfile.ZipFile(io.BytesIO(response.data)))
    assert {row[5] for row in rows} == {SEED}


@pytest.mark.parametrize("role", ["viewer", "drafter", "signatory_office"])
def test_who_may_not_export(client, seed_case, login, role):
    browser = login(role)
    assert browser.post(f"/cases/{SEED}/woo", {}, token_from="/account").status_code == 403
    assert f'action="/cases/{SEED}/woo"' not in browser.get(f"/cases/{SEED}").text


def test_the_woo_file_of_a_search_is_built_by_the_job_with_progress_and_a_link(app, client, sent_seed, login, users):
    from parliament_tracker.notifications.models import Notification, NotificationKind
    from parliament_tracker.records import exports
    from parliament_tracker.records.models import WooExport, WooExportPart, WooExportStatus
    from parliament_tracker.scheduler import run_job

    browser = login("director")
    response = browser.post("/woo/exports", {"kind": "committee_request", "q": "IND", "bogus": "x"}, token_from="/cases")
    assert response.status_code == 303
    page = response.headers["Location"]
    export_id = int(page.rsplit("/", 1)[1])
    assert "Wachten tot de achtergrondtaak begint" in browser.get(page).text
    with app.app_context():
        export = _db.session.get(WooExport, export_id)
        assert export.filters == {"kind": "committee_request", "q": "IND"} and export.status == WooExportStatus.queued
        app.config["WOO_EXPORT_BATCH_CASES"] = 1
        try:
            # one step at a time, as the job's loop runs them: find the cases, gather, finish
            from parliament_tracker.edge import run_job as unit

            counts = unit(lambda: exports.step(today_local()))
            assert counts == {"more": True, "export": export_id, "cases": 1, "expired": 0}
            assert "0 van 1 zaken verzameld" in browser.get(page).text
            counts = unit(lambda: exports.step(today_local()))
            assert counts["cases_done"] == 1 and counts["documents"] > 5
            assert _db.session.scalar(sa.select(sa.func.count()).select_from(WooExportPart)) == counts["documents"]
            run = run_job("woo_exports")
            assert run.status.value == "ok" and run.counts["ready"] is True, run.error
        finally:
            app.config["WOO_EXPORT_BATCH_CASES"] = 10
        export = _db.session.get(WooExport, export_id)
        assert export.status == WooExportStatus.ready and export.expires_at is not None
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(WooExportPart)) == 0
        note = _db.session.scalar(sa.select(Notification).where(Notification.kind == NotificationKind.woo_export_ready))
        assert note.user_id == users["director"].id and "/woo/download/" in note.body_text
        link = note.body_text.split("http://", 1)[1].split()[0]
        link = "/" + link.split("/", 1)[1]
    text = browser.get(page).text
    assert "woo-download" in text
    download = browser.get(link)
    assert download.status_code == 200 and download.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(download.data))
    rows = _inventory(archive)
    assert {row[5] for row in rows} == {SEED, LINKED}  # the linked case followed
    assert sorted(f"{woo.DOCUMENTS_FOLDER}/{r[6]}" for r in rows) == sorted(
        n for n in archive.namelist() if n.startswith(woo.DOCUMENTS_FOLDER + "/"))
    with app.app_context():
        actions = _db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "woo_export")).all()
        assert actions == ["woo_export:requested", "woo_export:ready", "woo_export:downloaded"]


def test_a_download_link_expires_and_belongs_to_the_requester(app, client, sent_seed, login, users, time_machine):
    from parliament_tracker.records import exports
    from parliament_tracker.records.models import WooExport
    from parliament_tracker.scheduler import run_job

    browser = login("director")
    browser.post("/woo/exports", {"q": "IND"}, token_from="/cases")
    with app.app_context():
        assert run_job("woo_exports").status.value == "ok"
        export = _db.session.scalar(sa.select(WooExport))
        token = exports.download_token(export)
        from parliament_tracker.errors import DomainError

        with pytest.raises(DomainError):  # another user's link, even valid, opens nothing
            exports.from_token(token, _db.session.get(User, users["registrar"].id))
    assert browser.get(f"/woo/download/{token}").status_code == 200
    assert browser.get(f"/woo/download/{token[:-3]}xyz").status_code == 404
    app.config["WOO_EXPORT_LINK_HOURS"] = 1
    try:
        time_machine.move_to(dt.datetime.now(dt.UTC) + dt.timedelta(hours=2))
        refused = browser.get(f"/woo/download/{token}")
    finally:
        app.config["WOO_EXPORT_LINK_HOURS"] = 72
    assert refused.status_code == 403 and "downloadlink is verlopen" in refused.text


def test_a_search_without_cases_is_refused(client, seed_case, login):
    browser = login("registrar")
    response = browser.post("/woo/exports", {"q": "geen-zaak-heeft-dit-woord"}, token_from="/cases")
    assert response.status_code == 303 and "/cases" in response.headers["Location"]
