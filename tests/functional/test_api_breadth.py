"""What the pages do, a client can do through the API: reference data, the dashboard's lists,
a letter's content and versions, and a fresh installation walked to a sent, signed letter."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine

from parliament_tracker.db import today_local
from tests.contract import ContractClient


def test_reference_data_admin_creates_and_changes_others_read(client, db, api_token):
    admin, viewer = api_token("admin"), api_token("viewer")
    r = client.post("/api/v1/directorates", headers=admin, json={"code": "DGMI", "name": "Migratie", "email": "dgmi@example.org"})
    assert r.status_code == 201 and r.json["code"] == "DGMI"
    directorate_id = r.json["id"]
    assert client.post("/api/v1/directorates", headers=viewer, json={"code": "X", "name": "Y"}).status_code == 403
    r = client.post("/api/v1/directorates", headers=admin, json={"code": "DGMI", "name": "Tweede"})
    assert r.status_code == 409 and "code" in r.json["errors"]
    r = client.post("/api/v1/directorates", headers=admin, json={"code": "", "name": "x", "email": "no-address"})
    assert r.status_code == 422 and {"code", "email"} <= set(r.json["errors"])
    r = client.patch(f"/api/v1/directorates/{directorate_id}", headers=admin, json={"name": "Migratie en Asiel"})
    assert r.status_code == 200 and r.json == {"id": directorate_id, "code": "DGMI", "name": "Migratie en Asiel", "email": "dgmi@example.org"}
    assert client.patch("/api/v1/directorates/99999", headers=admin, json={"name": "x"}).status_code == 404
    r = client.post("/api/v1/parties", headers=admin, json={"abbreviation": "D66", "name": "Democraten 66"})
    assert r.status_code == 201
    r = client.post("/api/v1/members", headers=admin, json={"name": "Jan Paternotte", "party": "D66"})
    assert r.status_code == 201 and r.json["party"] == "D66"
    assert client.post("/api/v1/members", headers=admin, json={"name": "X", "party": "NOPE"}).status_code == 422
    r = client.post("/api/v1/signatories", headers=admin, json={"office_title": "De Minister", "name": "A. B."})
    assert r.status_code == 201 and r.json["is_active"] is True
    r = client.patch(f"/api/v1/signatories/{r.json['id']}", headers=admin, json={"is_active": False})
    assert r.json["is_active"] is False and r.json["name"] == "A. B."
    r = client.post("/api/v1/committees", headers=admin, json={"name": "vaste commissie voor Justitie en Veiligheid", "abbreviation": "J&V"})
    assert r.status_code == 201
    for kind, count in (("directorates", 1), ("signatories", 1), ("committees", 1), ("parties", 1), ("members", 1)):
        r = client.get(f"/api/v1/{kind}", headers=viewer)
        assert r.status_code == 200 and len(r.json["items"]) == count


def test_org_import_csv_and_yaml_idempotent_with_line_errors(app, db, tmp_path):
    from parliament_tracker.organisation.models import Committee, Directorate, Signatory

    csv_file = tmp_path / "org.csv"
    csv_file.write_text(
        "kind,code,name,email,office_title,abbreviation\n"
        "directorate,DGMI,Directoraat-Generaal Migratie,dgmi@example.org,,\n"
        "signatory,,Eric van der Burg,,De Staatssecretaris van Justitie en Veiligheid,\n"
        "committee,,vaste commissie voor Justitie en Veiligheid,,,J&V\n"
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["org", "import", str(csv_file)])
    assert first.exit_code == 0, first.output
    assert "directorate: 1 created" in first.output
    second = runner.invoke(args=["org", "import", str(csv_file)])
    assert second.exit_code == 0 and "unchanged: 3" in second.output
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count()).select_from(Directorate)) == 1
        assert db.session.scalar(db.select(Committee.abbreviation)) == "J&V"
    yaml_file = tmp_path / "org.yaml"
    yaml_file.write_text(
        "directorates:\n"
        "  - code: DGMI\n    name: DG Migratie\n"
        "  - code: DRC\n    name: Directie Rechtsbestel\n"
        "signatories:\n"
        "  - office_title: De Minister van Justitie en Veiligheid\n    name: Dilan Yeşilgöz\n"
    )
    third = runner.invoke(args=["org", "import", str(yaml_file)])
    assert third.exit_code == 0, third.output
    assert "directorate: 1 created, 1 updated" in third.output
    bad = tmp_path / "bad.csv"
    bad.write_text("kind,code,name\ndirectorate,NEW,Nieuw\ndirectorate,,Zonder code\nministry,X,Y\n")
    refused = runner.invoke(args=["org", "import", str(bad)])
    assert refused.exit_code != 0
    assert "line 3: code:" in refused.output and "line 4: unknown kind 'ministry'" in refused.output
    with app.app_context():  # nothing of the refused file was kept
        assert db.session.scalar(db.select(Directorate).where(Directorate.code == "NEW")) is None
        assert db.session.scalar(db.select(db.func.count()).select_from(Signatory)) == 2
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("directorates:\n  - code: A\n    name: B\nparties:\n  - x\n")
    refused = runner.invoke(args=["org", "import", str(bad_yaml)])
    assert refused.exit_code != 0 and "line 4: unknown list 'parties'" in refused.output


@time_machine.travel(dt.datetime(2021, 12, 1, 9, tzinfo=dt.UTC), tick=False)
def test_dashboard_and_calendar_per_directorate_and_drafter(client, seed_case, api_token):
    headers = api_token("director")
    r = client.get("/api/v1/dashboard?directorate=all", headers=headers)
    assert r.status_code == 200
    body = r.json
    assert body["today"] == "2021-12-01" and body["monday"] == "2021-12-06"
    assert body["overdue"]["total"] >= len(body["overdue"]["items"])
    for entry in body["this_week"]["items"]:
        assert "2021-12-01" <= entry["date"] <= body["week_end"]
    assert client.get("/api/v1/dashboard?directorate=NOPE", headers=headers).status_code == 422
    assert client.get("/api/v1/dashboard", headers=api_token("viewer")).status_code == 403
    everything = client.get("/api/v1/calendar?from=2021-11-01&to=2022-03-01", headers=headers).json
    mine = client.get("/api/v1/calendar?from=2021-11-01&to=2022-03-01&drafter=drafter", headers=headers).json
    assert mine["total"] <= everything["total"]
    assert client.get("/api/v1/calendar?drafter=nobody", headers=headers).status_code == 422


def test_letter_content_versions_and_upload(app, client, seed_draft, users, api_token):
    from tests.functional.test_letter_workflow import seed_letter_id

    letter_id = seed_letter_id(app, users["drafter"])
    headers = api_token("drafter")
    letter = client.get(f"/api/v1/letters/{letter_id}", headers=headers).json
    r = client.patch(
        f"/api/v1/letters/{letter_id}", headers=headers, json={"version": letter["version"], "subject": "Nieuw onderwerp", "body": ["Eerste alinea.", "Tweede."]}
    )
    assert r.status_code == 200 and r.json["subject"] == "Nieuw onderwerp" and "Tweede." in r.json["body"]
    stale = client.patch(f"/api/v1/letters/{letter_id}", headers=headers, json={"version": letter["version"], "subject": "Oud"})
    assert stale.status_code == 409
    assert client.patch(f"/api/v1/letters/{letter_id}", headers=headers, json={"subject": "x"}).status_code == 422
    generated = client.post(f"/api/v1/letters/{letter_id}/versions", headers=headers)
    assert generated.status_code == 201 and generated.json["source"] == "generated"
    versions = client.get(f"/api/v1/letters/{letter_id}/versions", headers=headers).json["items"]
    assert [v["number"] for v in versions] == [1, 2]
    docx = client.get(f"/api/v1/letters/{letter_id}/docx", headers=headers).data
    r = client.post(
        f"/api/v1/letters/{letter_id}/upload", headers=headers, data={"file": (io.BytesIO(docx), "brief.docx"), "note": "uit Word"}, content_type="multipart/form-data"
    )
    assert r.status_code == 201 and r.json["source"] == "uploaded" and r.json["number"] == 3
    r = client.post(
        f"/api/v1/letters/{letter_id}/upload", headers=headers, data={"file": (io.BytesIO(b"nope"), "brief.txt")}, content_type="multipart/form-data"
    )
    assert r.status_code == 422 and "file" in r.json["errors"]
    assert client.post(f"/api/v1/letters/{letter_id}/upload", headers=headers).status_code == 422


@pytest.fixture
def fresh_app(tmp_path, signing_cert):
    """A new installation: an empty SQLite database that only the migrations have made."""
    from parliament_tracker import create_app

    p12 = tmp_path / "signing" / "dev.p12"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "fresh",
            "SERVER_NAME": "tracker.test",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'fresh.sqlite'}",
            "SIGNING_PKCS12_PATH": str(p12),
            "SIGNING_PKCS12_PASSPHRASE": "fresh-install",
            "SIGNING_TRUST_ROOTS": [],
        }
    )
    app.test_client_class = ContractClient
    yield app
    from parliament_tracker.extensions import db

    with app.app_context():
        db.engine.dispose()


def _cli(app, *args):
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_fresh_installation_to_a_sent_signed_letter_through_the_api(fresh_app, tmp_path):
    app = fresh_app
    # Documented commands (README): migrate, a signing certificate, the first admin and users.
    _cli(app, "db", "upgrade")
    _cli(app, "signing", "dev-cert")
    _cli(app, "users", "create", "beheer", "--role", "admin", "--password", "beheer-wachtwoord")
    tokens = {}
    for username, role in (("beheer", "admin"), ("schrijver", "drafter"), ("directeur", "director"), ("bureau", "signatory_office")):
        if username != "beheer":
            _cli(app, "users", "create", username, "--role", role, "--password", "een-lang-wachtwoord")
        tokens[username] = {"Authorization": "Bearer " + _cli(app, "users", "token", username).strip().splitlines()[-1]}
    client = app.test_client()
    admin = tokens["beheer"]
    # Reference data through the API.
    assert client.post("/api/v1/directorates", headers=admin, json={"code": "DGMI", "name": "Migratie"}).status_code == 201
    r = client.post("/api/v1/signatories", headers=admin, json={"office_title": "De Staatssecretaris van Justitie en Veiligheid", "name": "E. van der Burg"})
    assert r.status_code == 201
    # A case, its letter, approval, signature and sending.
    r = client.post(
        "/api/v1/cases",
        headers=admin,
        json={
            "reference": "2026Z01234",
            "kind": "written_questions",
            "subject": "Vragen over de wachttijden",
            "received_on": "2026-11-02",
            "lead_directorate": "DGMI",
            "drafter": "schrijver",
            "addressed_to": "De Staatssecretaris van Justitie en Veiligheid",
            "questions_text": "1. Hoe lang is de wachttijd?\n2. Wat doet u eraan?",
        },
    )
    assert r.status_code == 201, r.json
    r = client.post(
        "/api/v1/cases/2026Z01234/letters",
        headers=tokens["schrijver"],
        json={"kind": "answers", "answers": [{"questions": [1], "text": "Twaalf weken."}, {"questions": [2], "text": "Meer mensen."}]},
    )
    assert r.status_code == 201, r.json
    letter_id = r.json["id"]
    steps = (
        ("schrijver", "submit", {"approvers": ["directeur"]}, "in_review"),
        ("directeur", "approve", {"comment": "Akkoord."}, "approved"),
        ("bureau", "sign", {}, "signed"),
        ("bureau", "send", {"sent_on": today_local().isoformat()}, "sent"),  # the ministry's date (Amsterdam), as the letter's
    )
    for user, step, body, status in steps:
        r = client.post(f"/api/v1/letters/{letter_id}/{step}", headers=tokens[user], json=body)
        assert r.status_code == 200 and r.json["status"] == status, (step, r.json)
    assert r.json["signature"]["signed_by"] == "bureau"
    pdf = client.get(f"/api/v1/letters/{letter_id}/pdf", headers=admin).data
    r = client.post("/api/v1/verify", headers=admin, data={"file": (io.BytesIO(pdf), "brief.pdf")}, content_type="multipart/form-data")
    assert r.json["verdict"] == "valid" and r.json["letter"]["id"] == letter_id
    assert client.get("/api/v1/cases/2026Z01234", headers=admin).json["status"] == "answered"


def test_attachments_list_upload_download(client, seed_case, api_token):
    headers = api_token("registrar")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    r = client.post(
        "/api/v1/cases/2021Z19601/attachments", headers=headers, data={"file": (io.BytesIO(pdf), "brief.pdf")}, content_type="multipart/form-data"
    )
    assert r.status_code == 201 and r.json["content_type"] == "application/pdf" and r.json["size"] == len(pdf)
    attachment_id = r.json["id"]
    listed = client.get("/api/v1/cases/2021Z19601/attachments", headers=api_token("viewer")).json["items"]
    assert attachment_id in [a["id"] for a in listed]
    r = client.get(f"/api/v1/cases/2021Z19601/attachments/{attachment_id}", headers=api_token("viewer"))
    assert r.status_code == 200 and r.data == pdf
    assert client.get(f"/api/v1/cases/2021Z19241/attachments/{attachment_id}", headers=headers).status_code == 404
    r = client.post(
        "/api/v1/cases/2021Z19601/attachments", headers=headers, data={"file": (io.BytesIO(b"MZ"), "virus.exe")}, content_type="multipart/form-data"
    )
    assert r.status_code == 422 and "file" in r.json["errors"]
    assert client.post("/api/v1/cases/2021Z19601/attachments", headers=api_token("viewer"), data={}).status_code == 403
