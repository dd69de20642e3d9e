"""Implausible dates on the case form and in the API (issue 17): the same rules
(``cases.date_checks``) refuse a date received in the future and a committee date before the
date received, and ask about (form) or report (API ``warnings``) a date received over a year ago."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from parliament_tracker.cases.models import Case

NOW = dt.datetime(2026, 12, 7, 11, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def _form(**overrides):
    data = {
        "reference": "2026Z20001",
        "kind": "committee_request",
        "subject": "Verzoek om een reactie op het rapport",
        "received_on": "1-12-2026",
        "dossier": "35925-VI",
        "notes": "Eerst met DGMI afstemmen",
        "new_members": "Jansen (VVD)",
        "version": "",
    }
    data.update(overrides)
    return data


def _count(db) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Case))


def _field_message(page: str, field: str, kind: str) -> str:
    match = re.search(rf'<p class="{kind}" id="{field}-{kind.split("-")[-1]}">(.*?)</p>', page, re.S)
    assert match, f"no {kind} at {field}"
    return match.group(1)


def test_form_refuses_received_in_the_future_and_keeps_the_input(login, db):
    browser = login("registrar")
    response = browser.post("/cases/new", _form(received_on="8-12-2026"), token_from="/cases/new")
    assert response.status_code == 422
    assert "toekomst" in _field_message(response.text, "received_on", "error")
    assert 'value="8-12-2026"' in response.text and "Eerst met DGMI afstemmen" in response.text
    assert _count(db) == 0


def test_form_refuses_committee_date_before_received(login, db):
    browser = login("registrar")
    response = browser.post("/cases/new", _form(committee_due_on="30-11-2026"), token_from="/cases/new")
    assert response.status_code == 422
    assert "niet vóór de datum van ontvangst" in _field_message(response.text, "committee_due_on", "error")
    assert _count(db) == 0


def test_form_asks_about_an_old_date_and_save_anyway_keeps_everything(login, db):
    browser = login("registrar")
    asked = browser.post("/cases/new", _form(received_on="5-11-2025", committee_due_on="1-12-2025"), token_from="/cases/new")
    assert asked.status_code == 200
    assert _count(db) == 0
    page = asked.text
    assert "meer dan een jaar geleden" in _field_message(page, "received_on", "field-warning")
    assert 'class="notice warning date-warning"' in page
    button = re.search(r'<button type="submit" class="primary" name="confirmed_received_on" value="([^"]*)">Toch opslaan</button>', page)
    assert button and button.group(1) == "2025-11-05"
    # everything typed is still in the form
    for kept in ('value="5-11-2025"', 'value="1-12-2025"', 'value="35925-VI"', "Eerst met DGMI afstemmen", "Jansen (VVD)", "Verzoek om een reactie op het rapport"):
        assert kept in page, kept
    # "Toch opslaan" sends the same fields with the confirmation
    saved = browser.post("/cases/new", _form(received_on="5-11-2025", committee_due_on="1-12-2025", confirmed_received_on="2025-11-05"), token_from="/cases/new")
    assert saved.status_code == 302, saved.text
    case = db.session.scalar(db.select(Case).where(Case.reference == "2026Z20001"))
    assert case.received_on == dt.date(2025, 11, 5) and case.committee_due_on == dt.date(2025, 12, 1)
    assert case.notes == "Eerst met DGMI afstemmen" and [m.label for m in case.members] == ["Jansen (VVD)"]


def test_a_confirmation_of_another_date_asks_again(login, db):
    browser = login("registrar")
    again = browser.post("/cases/new", _form(received_on="4-11-2025", confirmed_received_on="2025-11-05"), token_from="/cases/new")
    assert again.status_code == 200 and "Toch opslaan" in again.text
    assert _count(db) == 0


def test_editing_a_case_that_keeps_its_old_date_asks_nothing(login, db):
    browser = login("registrar")
    browser.post("/cases/new", _form(received_on="5-11-2025", confirmed_received_on="2025-11-05"), token_from="/cases/new")
    case = db.session.scalar(db.select(Case).where(Case.reference == "2026Z20001"))
    edited = browser.post(
        "/cases/2026Z20001/edit", _form(received_on="05-11-2025", subject="Nieuw onderwerp", version=str(case.version)), token_from="/cases/2026Z20001/edit"
    )
    assert edited.status_code == 302, edited.text


def test_api_refuses_future_and_committee_before_received(client, api_token, db):
    headers = api_token("registrar")
    body = {"reference": "2026Z20002", "kind": "committee_request", "subject": "Verzoek", "received_on": "2026-12-08"}
    future = client.post("/api/v1/cases", json=body, headers=headers)
    assert future.status_code == 422 and set(future.json["errors"]) == {"received_on"}
    before = client.post("/api/v1/cases", json={**body, "received_on": "2026-12-01", "committee_due_on": "2026-11-30"}, headers=headers)
    assert before.status_code == 422 and set(before.json["errors"]) == {"committee_due_on"}
    assert _count(db) == 0
    created = client.post("/api/v1/cases", json={**body, "received_on": "2026-12-01"}, headers=headers)
    assert created.status_code == 201 and "warnings" not in created.json
    # a PATCH of the committee date alone is checked against the stored date received
    patched = client.patch("/api/v1/cases/2026Z20002", json={"version": created.json["version"], "committee_due_on": "2026-11-20"}, headers=headers)
    assert patched.status_code == 422 and set(patched.json["errors"]) == {"committee_due_on"}
    # and a new date received against the stored committee date
    ok = client.patch("/api/v1/cases/2026Z20002", json={"version": created.json["version"], "committee_due_on": "2026-12-10"}, headers=headers)
    assert ok.status_code == 200
    later = client.patch("/api/v1/cases/2026Z20002", json={"version": ok.json["version"], "received_on": "2026-12-11"}, headers=headers)
    assert later.status_code == 422 and "committee_due_on" in later.json["errors"]


def test_api_saves_an_old_date_with_a_warning(client, api_token, db):
    headers = api_token("registrar")
    body = {"reference": "2025Z20003", "kind": "written_questions", "subject": "Vragen", "received_on": "2025-11-05"}
    created = client.post("/api/v1/cases", json=body, headers=headers)
    assert created.status_code == 201
    assert set(created.json["warnings"]) == {"received_on"}
    assert _count(db) == 1
    # an edit that leaves the date as it is does not warn again
    patched = client.patch("/api/v1/cases/2025Z20003", json={"version": created.json["version"], "subject": "Nieuw"}, headers=headers)
    assert patched.status_code == 200 and "warnings" not in patched.json
    moved = client.patch("/api/v1/cases/2025Z20003", json={"version": patched.json["version"], "received_on": "2025-10-01"}, headers=headers)
    assert moved.status_code == 200 and set(moved.json["warnings"]) == {"received_on"}


def test_openapi_documents_the_warnings(client):
    case = client.get("/api/v1/openapi.json").json["components"]["schemas"]["Case"]
    assert "warnings" in case["properties"] and "warnings" not in case["required"]
