"""A form posted after its CSRF token or the session ran out keeps what was typed: the user comes
back to the same form (through the login page when the session ended) with the input and a message."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from parliament_tracker.cases.models import Case
from tests.conftest import csrf_token

FIELDS = {
    "reference": "2021Z20002",
    "kind": "written_questions",
    "subject": "Vragen over de verlopen sessie",
    "received_on": "2021-11-10",
    "confirmed_received_on": "2021-11-10",  # an old date, confirmed as "Toch opslaan" does
    "questions_text": "1. Blijft deze vraag bewaard?",
    "version": "",
}


@pytest.fixture(autouse=True)
def _kept_dir(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "KEPT_FORMS_DIR", str(tmp_path / "kept"))


def _log_in_at(client, location: str, username: str):
    """Log in on the login page the refusal sent the user to (its ``next`` included)."""
    from tests.conftest import PASSWORD

    token = csrf_token(client, location)
    return client.post(location, data={"username": username, "password": PASSWORD, "csrf_token": token})


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Case))


def _shows_input(text: str) -> None:
    assert "Vragen over de verlopen sessie" in text
    assert "1. Blijft deze vraag bewaard?" in text
    assert 'value="2021Z20002"' in text


def test_expired_csrf_token_comes_back_to_the_form_with_the_input(login, client, db, app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 600)  # the session lasts longer
    browser = login("registrar")
    token = csrf_token(client, "/cases/new")
    with time_machine.travel(dt.datetime.now(dt.UTC) + dt.timedelta(minutes=15)):
        response = client.post("/cases/new", data={**FIELDS, "csrf_token": token})
        assert response.status_code == 303, response.headers.get("Location")
        assert response.headers["Location"].endswith("/cases/new")
        assert _count(db) == 0
        page = browser.get("/cases/new")
        assert page.status_code == 200
        _shows_input(page.text)
        assert "flash-warning" in page.text
        assert "Vragen over de verlopen sessie" not in browser.get("/cases/new").text, "given back once"
        # the form now carries a fresh token: submitting it saves the case
        assert browser.post("/cases/new", FIELDS, token_from="/cases/new").status_code == 302
        assert _count(db) == 1


def test_ended_session_logs_in_again_and_comes_back_to_the_form(login, client, db, users):
    from parliament_tracker.auth.services import end_sessions

    browser = login("registrar")
    token = csrf_token(client, "/cases/new")
    end_sessions(db.session.merge(users["registrar"]), reason="test")
    db.session.commit()
    response = client.post("/cases/new", data={**FIELDS, "csrf_token": token})
    assert response.status_code == 303
    assert "/login?next=/cases/new" in response.headers["Location"]
    assert _count(db) == 0
    again = _log_in_at(client, response.headers["Location"], users["registrar"].username)
    assert again.status_code == 302 and again.headers["Location"].endswith("/cases/new")
    page = browser.get("/cases/new")
    _shows_input(page.text)
    assert "flash-warning" in page.text


def test_lost_session_cookie_keeps_the_input_through_the_login(login, client, db, users):
    browser = login("registrar")
    token = csrf_token(client, "/cases/new")
    client.delete_cookie("session", domain="tracker.test")
    response = client.post("/cases/new", data={**FIELDS, "csrf_token": token})
    assert response.status_code == 303
    assert "/login?next=/cases/new" in response.headers["Location"]
    _log_in_at(client, response.headers["Location"], users["registrar"].username)
    _shows_input(browser.get("/cases/new").text)


def test_a_refused_post_keeps_no_password(client, app):
    import pathlib

    client.post("/account", data={"current_password": "geheim", "new_password": "nieuw-geheim", "note": "bewaard", "csrf_token": "x"})
    directory = pathlib.Path(app.config["KEPT_FORMS_DIR"])
    kept = [p.read_text() for p in directory.iterdir()] if directory.is_dir() else []
    assert kept, "the account form (posted while logged out) was kept"
    assert not any("geheim" in k for k in kept)
