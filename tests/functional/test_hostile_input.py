"""Bad bytes get a 4xx, never a 500; no unsafe defaults in responses (issue 20)."""

import pytest
from sqlalchemy import exc as sa_exc

from parliament_tracker.auth.models import User
from tests.conftest import Browser, csrf_token

# -- headers -------------------------------------------------------------------------------


def test_lang_cookie_is_secure_like_the_session_cookie(app, client):
    app.config["SESSION_COOKIE_SECURE"] = True
    try:
        response = client.post("/language/en", data={"csrf_token": csrf_token(client)})
    finally:
        app.config["SESSION_COOKIE_SECURE"] = False
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("lang="))
    assert "Secure" in cookie and "HttpOnly" in cookie


def test_authenticated_pages_api_and_downloads_are_not_stored(login, client, api_token, seed_case):
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    browser = login("registrar")
    assert browser.get("/cases").headers["Cache-Control"] == "no-store"
    assert browser.get("/cases/export.csv").headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/cases", headers=api_token("viewer")).headers["Cache-Control"] == "no-store"
    assert client.get("/api/v1/cases").headers["Cache-Control"] == "no-store"


def test_api_401_names_the_bearer_scheme(client):
    for headers in ({}, {"Authorization": "Bearer nope"}):
        response = client.get("/api/v1/cases", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


# -- bad bytes -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/cases?q=%00", "/cases/%00", "/cases/2021Z%00/edit", "/cases?kind=%00x"])
def test_nul_in_the_address_is_a_400(login, seed_case, path):
    response = login("registrar").get(path)
    assert response.status_code == 400
    assert "NUL" in response.text


def test_nul_in_a_form_field_is_a_400_and_nothing_is_stored(login, seed_case, db):
    from parliament_tracker.cases.models import Case

    browser = login("registrar")
    response = browser.post(
        "/cases/new",
        {"reference": "2021Z77777", "kind": "written_questions", "subject": "Kwaad\x00aardig", "received_on": "2021-11-05"},
        token_from="/cases/new",
    )
    assert response.status_code == 400
    assert db.session.scalar(db.select(Case).where(Case.reference == "2021Z77777")) is None


@pytest.mark.parametrize(
    "raw",
    [
        b'{"reference": "2021Z77777", "kind": "written_questions", "subject": "a\\u0000b", "received_on": "2021-11-05"}',
        b'{"reference": "2021Z77777", "kind": "written_questions", "subject": "a\\ud800b", "received_on": "2021-11-05"}',
        b'{"reference": "2021Z77777", "kind": "written_questions", "subject": "x", "received_on": "2021-11-05", "notes": "\\udfff"}',
        b'{"\\u0000": 1}',
    ],
)
def test_nul_and_lone_surrogates_in_json_are_a_400(client, api_token, users, raw):
    response = client.post("/api/v1/cases", data=raw, content_type="application/json", headers=api_token("registrar"))
    assert response.status_code == 400
    assert "NUL" in response.json["error"]["message"]


def test_deep_json_is_a_400(client, api_token, users):
    raw = b"[" * 100_000 + b"]" * 100_000
    response = client.post("/api/v1/cases", data=raw, content_type="application/json", headers=api_token("registrar"))
    assert response.status_code == 400
    assert "32" in response.json["error"]["message"]
    # Brackets inside strings do not count.
    fine = client.post(
        "/api/v1/cases",
        json={"reference": "2021Z77778", "kind": "written_questions", "subject": "[[[[" * 100, "received_on": "2021-11-05"},
        headers=api_token("registrar"),
    )
    assert fine.status_code == 201, fine.json


def test_nul_in_an_uploaded_file_name_is_a_400(login, seed_case):
    import io

    browser = login("registrar")
    response = browser.post(
        "/cases/2021Z19601/attachments",
        {"file": (io.BytesIO(b"%PDF-1.7\n..."), "brief\x00.pdf")},
        token_from="/cases/2021Z19601",
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


# -- the API's limits equal the pages' -------------------------------------------------------


def test_api_refuses_what_the_form_refuses(client, api_token, users):
    from parliament_tracker.cases.forms import MAX_MEMBERS, TEXT_LIMITS

    headers = api_token("registrar")
    base = {"reference": "2021Z77779", "kind": "written_questions", "subject": "x", "received_on": "2021-11-05"}
    notes = client.post("/api/v1/cases", json=base | {"notes": "n" * (TEXT_LIMITS["notes"] + 1)}, headers=headers)
    assert notes.status_code == 422 and "notes" in notes.json["errors"]
    many = [{"name": f"Lid {i}", "party": "X"} for i in range(MAX_MEMBERS + 1)]
    members = client.post("/api/v1/cases", json=base | {"members": many}, headers=headers)
    assert members.status_code == 422 and "members" in members.json["errors"]
    long_name = client.post("/api/v1/cases", json=base | {"members": [{"name": "n" * 201}]}, headers=headers)
    assert long_name.status_code == 422
    ok = client.post("/api/v1/cases", json=base | {"notes": "n" * TEXT_LIMITS["notes"]}, headers=headers)
    assert ok.status_code == 201


# -- the error page ------------------------------------------------------------------------


def test_the_error_page_renders_when_the_database_session_is_broken(app, login, users, db):
    """A request that fails half-way through a flush leaves the session needing a rollback;
    the 500 page (whose layout reads the database) still renders."""
    from parliament_tracker.extensions import db as ext_db

    browser = login("registrar")

    def broken_view(*_args, **_kwargs):
        ext_db.session.add(User(username=None, display_name="x", password_hash="x", role="viewer"))
        try:
            ext_db.session.flush()
        except sa_exc.DatabaseError as exc:
            raise RuntimeError("half-way") from exc

    original = app.view_functions["cases.index"]
    app.view_functions["cases.index"] = broken_view
    app.config["PROPAGATE_EXCEPTIONS"] = False
    try:
        response = browser.get("/cases")
    finally:
        app.view_functions["cases.index"] = original
        app.config["PROPAGATE_EXCEPTIONS"] = None
    assert response.status_code == 500
    assert "<h1>" in response.text and "probeer het opnieuw" in response.text
    assert Browser(browser.client).get("/cases").status_code == 200
