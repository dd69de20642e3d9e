"""Letter endpoints of the JSON API."""

from __future__ import annotations

from parliament_tracker.letters.downloads import DOCX_MIME
from parliament_tracker.letters.models import Letter, LetterVersion


def test_create_letter_generates_version_1(client, seed_draft, api_token):
    headers = api_token("drafter")
    body = {
        "kind": "kamerbrief",
        "subject": "Reactie op het verzoek",
        "mentions": ["2021Z19601"],
        "body": ["Eerste alinea met **nadruk**.", "Tweede alinea."],
    }
    response = client.post("/api/v1/cases/2021z19241/letters", json=body, headers=headers)
    assert response.status_code == 201, response.json
    data = response.json
    assert data["status"] == "draft" and data["subject"] == "Reactie op het verzoek"
    assert data["cases"] == [
        {"reference": "2021Z19241", "role": "answers"},
        {"reference": "2021Z19601", "role": "mentions"},
    ]
    assert [v["number"] for v in data["versions"]] == [1] and data["versions"][0]["source"] == "generated"
    assert response.headers["Location"].endswith(f"/api/v1/letters/{data['id']}")
    got = client.get(f"/api/v1/letters/{data['id']}", headers=headers)
    assert got.status_code == 200 and got.json["versions"][0]["pdf_sha256"] == data["versions"][0]["pdf_sha256"]
    pdf = client.get(f"/api/v1/letters/{data['id']}/pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    from tests.functional.test_letters import pdf_text

    text = pdf_text(pdf.data)
    assert "Eerste alinea met nadruk." in text and "Tweede alinea." in text and "Uw kenmerk" in text
    docx = client.get(f"/api/v1/letters/{data['id']}/docx", headers=headers)
    assert docx.status_code == 200 and docx.data.startswith(b"PK")


def test_create_answers_with_combined_answers(client, seed_draft, api_token):
    headers = api_token("drafter")
    body = {
        "kind": "answers",
        "answers": [
            {"questions": [1], "text": "Ja."},
            {"questions": [2, 3], "text": "Samen."},
            {"questions": [4], "see": 2},
        ],
    }
    response = client.post("/api/v1/cases/2021Z19601/letters", json=body, headers=headers)
    assert response.status_code == 201, response.json
    pdf = client.get(f"/api/v1/letters/{response.json['id']}/pdf", headers=headers)
    from tests.functional.test_letters import pdf_text

    text = pdf_text(pdf.data)
    assert "Antwoord op vraag 1 Ja." in text and "Antwoord op vraag 2 en 3 Samen." in text
    assert "Zie het antwoord op vraag 2." in text


def test_create_letter_validation(client, seed_draft, api_token):
    headers = api_token("drafter")
    before = seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id)))
    assert client.post("/api/v1/cases/2021Z19241/letters", json={}, headers=headers).json["errors"]["kind"]
    bad = client.post(
        "/api/v1/cases/2021Z19241/letters", json={"kind": "kamerbrief", "body": 3, "colour": "red"}, headers=headers
    )
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"body", "colour"}
    assert (
        client.post("/api/v1/cases/2021Z99999/letters", json={"kind": "kamerbrief"}, headers=headers).status_code == 404
    )
    wrong = client.post(
        "/api/v1/cases/2021Z19601/letters",
        json={"kind": "answers", "answers": [{"questions": [99], "text": "x"}]},
        headers=headers,
    )
    assert wrong.status_code == 422 and "99" in wrong.json["errors"]["answers"]
    twice = client.post(
        "/api/v1/cases/2021Z19601/letters",
        json={"kind": "answers", "answers": [{"questions": [1]}, {"questions": [1]}]},
        headers=headers,
    )
    assert twice.status_code == 422
    nowhy = client.post("/api/v1/cases/2021Z19601/letters", json={"kind": "postponement_notice"}, headers=headers)
    assert nowhy.status_code == 422 and "postponement_reason" in nowhy.json["errors"]
    assert client.post("/api/v1/cases/2021Z19241/letters", json={"kind": "answers"}, headers=headers).status_code == 422
    assert seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id))) == before


def test_viewer_reads_but_cannot_create(client, seed_draft, api_token):
    headers = api_token("viewer")
    assert (
        client.post("/api/v1/cases/2021Z19241/letters", json={"kind": "kamerbrief"}, headers=headers).status_code == 403
    )
    letter_id = seed_draft.session.scalar(seed_draft.select(Letter.id).order_by(Letter.id))
    got = client.get(f"/api/v1/letters/{letter_id}", headers=headers)
    assert got.status_code == 200 and got.json["versions"] == []
    assert client.get(f"/api/v1/letters/{letter_id}/pdf", headers=headers).status_code == 404
    assert client.get("/api/v1/letters/999999", headers=headers).status_code == 404


def test_openapi_lists_letter_endpoints(client, seed_draft, api_token):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {
        "/cases/{reference}/letters",
        "/letters/{letter_id}",
        "/letters/{letter_id}/docx",
        "/letters/{letter_id}/pdf",
    } <= set(paths)


def test_page_and_api_downloads_share_one_path(client, seed_draft, api_token, login):
    """The same headers on every download of letter bytes, and a changed stored file is never handed out."""
    headers = api_token("drafter")
    created = client.post("/api/v1/cases/2021z19241/letters", json={"kind": "kamerbrief"}, headers=headers)
    assert created.status_code == 201, created.json
    letter_id = created.json["id"]
    stem = "kamerbrief-2021Z19241-v1"
    browser = login("viewer")
    for fmt, mimetype in (("pdf", "application/pdf"), ("docx", DOCX_MIME)):
        api = client.get(f"/api/v1/letters/{letter_id}/{fmt}", headers=headers)
        page = browser.get(f"/letters/{letter_id}/versions/1/{fmt}")
        for response in (api, page):
            assert response.status_code == 200 and response.mimetype == mimetype
            assert response.headers["Cache-Control"] == "no-store"
            assert response.headers["Content-Disposition"] == f'attachment; filename="{stem}.{fmt}"'
        assert api.data == page.data
    version = seed_draft.session.scalar(seed_draft.select(LetterVersion).where(LetterVersion.letter_id == letter_id))
    version.docx = version.docx + b"\0"  # a draft's stored DOCX changed behind the app's back
    seed_draft.session.commit()
    for fmt in ("pdf", "docx"):
        api = client.get(f"/api/v1/letters/{letter_id}/{fmt}", headers=headers)
        assert api.status_code == 500 and "SHA-256" in api.json["error"]["message"]
        page = browser.get(f"/letters/{letter_id}/versions/1/{fmt}")
        assert page.status_code == 500 and "SHA-256" in page.text and not page.data.startswith((b"%PDF", b"PK"))
