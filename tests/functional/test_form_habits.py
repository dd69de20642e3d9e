"""GOV.UK / NL Design System habits on the server-rendered pages (issue 17): the error title,
hints and counts tied to their fields, optional fields marked, login autocomplete, today in the
calendar, closing a case confirmed on its own page, refused questions kept at their field, members
not yet known added by name, and the keepalive behind the session warning."""

from __future__ import annotations

import re

from parliament_tracker.cases.forms import parse_new_members
from parliament_tracker.cases.models import Case
from parliament_tracker.organisation.models import Member


def _field(page: str, name: str) -> str:
    match = re.search(rf"<(?:input|textarea|select)[^>]*\bname=\"{name}\"[^>]*>", page)
    assert match, f"no field {name}"
    return match.group(0)


def test_login_fields_have_autocomplete(client):
    page = client.get("/login").text
    assert 'autocomplete="username"' in _field(page, "username")
    assert 'autocomplete="current-password"' in _field(page, "password")


def test_form_with_errors_says_so_in_the_title_and_ties_hint_count_and_error(login, db):
    browser = login("registrar")
    page = browser.get("/cases/new").text
    assert re.search(r"<title>Zaak registreren", page)
    reference = re.search(r"<input[^>]*\bid=\"reference\"[^>]*>", page).group(0)
    assert 'aria-describedby="reference-hint reference-count"' in reference
    assert 'data-maxlength="40"' in reference and "maxlength=" not in reference.replace("data-maxlength", "")
    assert 'id="reference-count"' in page
    # optional fields say so in their label; required ones do not
    assert re.search(r'<label for="dossier">Dossier <span class="optional">\(optioneel\)</span></label>', page)
    assert not re.search(r'<label for="subject">[^<]*<span class="optional">', page)

    refused = browser.post("/cases/new", {"reference": "", "kind": "written_questions", "subject": "", "received_on": "31-02-2021"}, token_from="/cases/new")
    assert refused.status_code == 422
    assert re.search(r"<title>Fout: Zaak registreren", refused.text)
    assert 'class="error-summary"' in refused.text
    received = _field(refused.text, "received_on")
    assert 'aria-describedby="received_on-hint received_on-error"' in received and 'aria-invalid="true"' in received
    assert 'value="31-02-2021"' in received


def test_english_title_starts_with_error(login, db):
    browser = login("registrar")
    browser.post("/language/en", {"next": "/cases/new"})
    refused = browser.post("/cases/new", {"reference": "", "kind": "written_questions"}, token_from="/cases/new")
    assert re.search(r"<title>Error: Register case", refused.text)


def test_members_not_in_the_list_are_added_with_their_party(login, seed_case, db):
    browser = login("registrar")
    page = browser.get("/cases/new").text
    member_ids = re.findall(r'<option value="(\d+)">', page.split('name="member_ids"', 1)[1].split("</select>", 1)[0])
    assert 'data-combobox="true"' in _field(page, "member_ids")
    response = browser.post(
        "/cases/new",
        {
            "reference": "2021Z20002",
            "kind": "written_questions",
            "subject": "Vragen over de kustverdediging",
            "received_on": "7-12-2021",
            "confirmed_received_on": "2021-12-07",
            "member_ids": member_ids[:1],
            "new_members": "Jansen (VVD)\n  De  Vries  (Nieuwe Partij) \n\nJansen (VVD)\nZonder Partij",
        },
        token_from="/cases/new",
    )
    assert response.status_code == 302, response.text
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z20002"))
    labels = sorted(m.label for m in case.members)
    assert len(labels) == 4
    assert {"Jansen (VVD)", "De Vries (Nieuwe Partij)", "Zonder Partij"} <= set(labels)
    assert db.session.scalar(db.select(db.func.count()).select_from(Member).where(Member.name == "Jansen")) == 1


def test_parse_new_members():
    assert parse_new_members(" Jansen (VVD)\n\nde Boer\nJansen (VVD)\nA (B) (C)") == [("Jansen", "VVD"), ("de Boer", None), ("A (B)", "C")]


def test_too_long_new_member_is_refused_with_input_kept(login, seed_case, db):
    browser = login("registrar")
    name = "X" * 201
    response = browser.post(
        "/cases/new",
        {"reference": "2021Z20003", "kind": "written_questions", "subject": "S", "received_on": "1-12-2021", "new_members": name},
        token_from="/cases/new",
    )
    assert response.status_code == 422
    assert 'id="new_members-error"' in response.text and name in response.text
    assert db.session.scalar(db.select(Case).where(Case.reference == "2021Z20003")) is None


def test_calendar_marks_today(login, db):
    browser = login("registrar")
    page = browser.get("/calendar").text
    assert page.count('aria-current="date"') == 1
    assert re.search(r'<td class="day[^"]* today[^"]*" aria-current="date">', page)


def test_closing_a_case_asks_first(login, seed_case, db):
    browser = login("registrar")
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    before = case.status
    version = str(case.version)
    ask = browser.post("/cases/2021Z19601/transition", {"target": "withdrawn", "version": version, "comment": "Ingetrokken"}, token_from="/cases/2021Z19601")
    assert ask.status_code == 200
    assert 'name="confirmed" value="yes"' in ask.text and 'value="withdrawn"' in ask.text
    assert 'name="comment" value="Ingetrokken"' in ask.text
    db.session.refresh(case)
    assert case.status == before
    done = browser.post(
        "/cases/2021Z19601/transition",
        {"target": "withdrawn", "version": version, "comment": "Ingetrokken", "confirmed": "yes"},
        token_from="/cases/2021Z19601",
    )
    assert done.status_code == 302
    db.session.refresh(case)
    assert case.status.value == "withdrawn"


def test_refused_questions_keep_input_with_the_error_at_the_question(login, seed_case, db):
    browser = login("drafter")
    page = browser.get("/cases/2021Z19601").text
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    data = {"version": version, "q-1-number": "1", "q-1-text": "Eerste, herschreven?", "q-2-number": "een", "q-2-text": "Tweede?", "new_question": "Nieuwe vraag?"}
    refused = browser.post("/cases/2021Z19601/questions", data, token_from="/cases/2021Z19601")
    assert refused.status_code == 422
    number = _field(refused.text, "q-2-number")
    assert 'value="een"' in number and "autofocus" in number and 'aria-describedby="q-2-error"' in number
    assert 'id="q-2-error"' in refused.text
    assert "Eerste, herschreven?</textarea>" in refused.text and "Nieuwe vraag?</textarea>" in refused.text
    assert re.search(r"<title>Fout: ", refused.text)

    duplicate = dict(data, **{"q-2-number": "1"})
    refused = browser.post("/cases/2021Z19601/questions", duplicate, token_from="/cases/2021Z19601")
    assert refused.status_code == 422 and "autofocus" in _field(refused.text, "q-2-number")

    stale = dict(data, **{"q-2-number": "2", "version": str(int(version) + 5)})
    refused = browser.post("/cases/2021Z19601/questions", stale, token_from="/cases/2021Z19601")
    assert refused.status_code == 409
    assert 'id="questions-error"' in refused.text and "Eerste, herschreven?</textarea>" in refused.text
    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    assert all(q.text != "Eerste, herschreven?" for q in case.questions)


def test_keepalive_gives_a_fresh_token_and_needs_a_session(client, login, db):
    assert client.post("/session/keepalive").status_code in (302, 400, 401)
    browser = login("viewer")
    page = browser.get("/cases").text
    assert re.search(r'data-session-seconds="\d+" data-session-warn-seconds="\d+" data-keepalive-url="/session/keepalive"', page)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    answer = browser.client.post("/session/keepalive", headers={"X-CSRFToken": token})
    assert answer.status_code == 200
    assert answer.json["seconds"] == 8 * 3600 and answer.json["csrf_token"]
    assert browser.client.post("/session/keepalive").status_code == 400  # no token: refused


def test_wrong_password_page_title_says_error(client, users):
    from tests.conftest import csrf_token

    response = client.post("/login", data={"username": "registrar", "password": "wrong", "csrf_token": csrf_token(client)})
    assert response.status_code == 401
    assert re.search(r"<title>Fout: ", response.text)


def test_lockout_message_says_for_how_long(client, users, app):
    from tests.conftest import csrf_token

    response = None
    for _attempt in range(app.config["LOGIN_MAX_FAILURES"] + 1):
        response = client.post("/login", data={"username": "registrar", "password": "wrong", "csrf_token": csrf_token(client)})
    assert response is not None and response.status_code == 401
    assert re.search(r"Te veel mislukte pogingen\. Probeer het over \d+ minu(ut|ten) opnieuw\.", response.text)
