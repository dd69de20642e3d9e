"""Deadlines through the API: the seed case, postponement, events that move, 422s, the calendar."""

import datetime as dt

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.deadlines.models import Event
from tests.functional.deadline_helpers import find_case


def _binding(case_json):
    return [d for d in case_json["deadlines"] if d["is_binding"]]


def _event_id(db, name):
    return db.session.scalar(db.select(Event.id).where(Event.name == name))


def test_seed_committee_request_due_23_november(client, seed_case, api_token):
    got = client.get("/api/v1/cases/2021Z19241", headers=api_token("viewer")).json
    assert got["due_on"] == got["practical_due_on"] == "2021-11-23"
    (binding,) = _binding(got)
    assert binding["kind"] == "external" and binding["rule"] == "default_3_weeks"
    assert "dinsdag 23 november 2021" in binding["explanation"]
    assert {"kind", "due_on", "practical_due_on", "rule", "explanation", "is_binding"} <= set(binding)
    assert {d["kind"] for d in got["deadlines"]} >= {"internal_draft", "internal_approval", "internal_signature"}


def test_seed_written_questions_anchored_unanchored_and_postponed(client, seed_case, api_token, db):
    headers = api_token("registrar")
    got = client.get("/api/v1/cases/2021Z19601", headers=headers).json
    # Anchored to the budget debate of 24 November: the last working day before it binds.
    assert got["due_on"] == "2021-11-23"
    assert _binding(got)[0]["kind"] == "before_event"
    assert got["due_before_event"] == _event_id(db, "Begrotingsbehandeling JenV 2022")
    # Recomputing is not an edit: the version did not move while the demo was loaded.
    assert got["version"] == 1

    loose = client.patch("/api/v1/cases/2021Z19601", json={"version": got["version"], "due_before_event": None}, headers=headers)
    assert loose.status_code == 200, loose.json
    assert loose.json["due_on"] == "2021-11-26" and _binding(loose.json)[0]["rule"] == "rvo_3_weeks"

    postponed = client.post("/api/v1/cases/2021Z19601/postponement", json={"sent_on": "2021-11-25", "reason": "Afstemming met de IND"}, headers=headers)
    assert postponed.status_code == 200, postponed.json
    assert postponed.json["due_on"] == "2021-12-17" and postponed.json["postponed_on"] == "2021-11-25"
    (binding,) = _binding(postponed.json)
    assert binding["kind"] == "postponed_external"
    # 17 December is the first day of the Christmas recess: a warning, not a shift.
    assert any("Kerstreces 2021" in w for w in binding["warnings"])
    case = find_case("2021Z19601")
    actions = [e.action for e in db.session.scalars(db.select(AuditEntry).where(AuditEntry.object_id == case.id, AuditEntry.object_type == "case"))]
    assert "case:postponed" in actions and "case:deadlines_recomputed" in actions


def test_moving_the_event_recomputes_anchored_cases_and_says_why(client, seed_case, api_token, db, login):
    viewer = login("viewer")  # before any API call: the test app context keeps the API user in g
    event_id = _event_id(db, "Begrotingsbehandeling JenV 2022")
    moved = client.patch(f"/api/v1/events/{event_id}", json={"starts_on": "2021-11-23", "ends_on": "2021-11-24"}, headers=api_token("admin"))
    assert moved.status_code == 200, moved.json
    assert moved.json["starts_on"] == "2021-11-23"
    case = client.get("/api/v1/cases/2021Z19601", headers=api_token("viewer")).json
    assert case["due_on"] == "2021-11-22"
    assert case["version"] == 1  # a moved debate is not an edit: open edit forms stay valid
    entry = db.session.scalar(
        db.select(AuditEntry).where(AuditEntry.action == "case:deadlines_recomputed", AuditEntry.object_id == find_case("2021Z19601").id)
    )
    assert "moved from 2021-11-24 to 2021-11-23" in entry.summary
    assert entry.details["changes"]["before_event"] == ["2021-11-23", "2021-11-22"]
    page = viewer.get("/cases/2021Z19601")
    # The timeline says why, in the reader's language (Dutch by default).
    assert "Begrotingsbehandeling JenV 2022 is verplaatst van 24 november 2021 naar 23 november 2021" in page.text
    assert entry.details["cause"] == {"code": "event_moved", "event": "Begrotingsbehandeling JenV 2022", "before": "2021-11-24", "after": "2021-11-23"}


def test_create_event_and_case_with_committee_date(client, seed_case, api_token):
    headers = api_token("registrar")
    created = client.post(
        "/api/v1/events", json={"kind": "committee_debate", "name": "Commissiedebat Politie", "starts_on": "2021-12-08", "ends_on": "2021-12-08"}, headers=headers
    )
    assert created.status_code == 201 and isinstance(created.json["id"], int)
    body = {"reference": "2021Z20100", "kind": "committee_request", "subject": "Verzoek", "received_on": "2021-11-29", "committee_due_on": "2021-12-06"}
    case = client.post("/api/v1/cases", json=body, headers=headers)
    assert case.status_code == 201, case.json
    assert case.json["due_on"] == "2021-12-06" and _binding(case.json)[0]["kind"] == "committee_date"
    anchored = client.patch("/api/v1/cases/2021Z20100", json={"version": case.json["version"], "due_before_event": created.json["id"]}, headers=headers)
    assert anchored.json["due_on"] == "2021-12-06"  # the committee date is earlier than 7 December
    later = client.patch("/api/v1/cases/2021Z20100", json={"version": anchored.json["version"], "committee_due_on": "2021-12-10"}, headers=headers)
    assert later.json["due_on"] == "2021-12-07" and _binding(later.json)[0]["kind"] == "before_event"


def test_422s_and_403s(client, seed_case, api_token, db):
    headers = api_token("registrar")
    version = client.get("/api/v1/cases/2021Z19241", headers=headers).json["version"]

    def patch(**fields):
        return client.patch("/api/v1/cases/2021Z19241", json={"version": version, **fields}, headers=headers)

    assert patch(committee_due_on="6 december").status_code == 422
    assert "committee_due_on" in patch(committee_due_on="2021-13-01").json["errors"]
    assert "committee_due_on" in patch(committee_due_on="9999-12-31").json["errors"]
    far = client.post("/api/v1/events", json={"kind": "plenary_debate", "name": "Ver weg", "starts_on": "9999-12-30"}, headers=headers)
    assert far.status_code == 422 and "starts_on" in far.json["errors"]
    assert "due_before_event" in patch(due_before_event=999999).json["errors"]
    assert "due_before_event" in patch(due_before_event="1").json["errors"]
    recess = _event_id(db, "Kerstreces 2021")
    assert "due_before_event" in patch(due_before_event=recess).json["errors"]
    assert client.get("/api/v1/cases/2021Z19241", headers=headers).json["version"] == version

    bad_create = client.post(
        "/api/v1/cases",
        json={"reference": "2021Z20200", "kind": "committee_request", "subject": "x", "received_on": "2021-11-29", "committee_due_on": "morgen"},
        headers=headers,
    )
    assert bad_create.status_code == 422 and "committee_due_on" in bad_create.json["errors"]
    assert client.get("/api/v1/cases/2021Z20200", headers=headers).status_code == 404

    bad_event = client.post("/api/v1/events", json={"kind": "party", "starts_on": "24-11-2021"}, headers=headers)
    assert bad_event.status_code == 422 and {"kind", "name", "starts_on"} <= set(bad_event.json["errors"])
    inverted = client.post("/api/v1/events", json={"kind": "recess", "name": "R", "starts_on": "2021-12-10", "ends_on": "2021-12-01"}, headers=headers)
    assert inverted.status_code == 422 and "ends_on" in inverted.json["errors"]
    assert client.patch("/api/v1/events/999999", json={"name": "x"}, headers=headers).status_code == 404
    missing = client.get("/api/v1/events/999999", headers=headers)
    assert missing.status_code == 404 and "999999" in missing.text

    not_questions = client.post("/api/v1/cases/2021Z19241/postponement", json={"sent_on": "2021-11-20", "reason": "x"}, headers=headers)
    assert not_questions.status_code == 422
    no_reason = client.post("/api/v1/cases/2021Z19601/postponement", json={"sent_on": "2021-11-20"}, headers=headers)
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    too_early = client.post("/api/v1/cases/2021Z19601/postponement", json={"sent_on": "2021-11-01", "reason": "x"}, headers=headers)
    assert too_early.status_code == 422 and "sent_on" in too_early.json["errors"]

    for role in ("viewer", "drafter", "director"):
        assert client.post("/api/v1/events", json={}, headers=api_token(role)).status_code == 403
    assert client.post("/api/v1/cases/2021Z19601/postponement", json={}, headers=api_token("viewer")).status_code == 403

    assert client.get("/api/v1/calendar?from=2021-11-31", headers=headers).status_code == 422
    assert client.get("/api/v1/calendar?from=2021-11-01&to=2023-01-01", headers=headers).status_code == 422
    assert client.get("/api/v1/calendar?directorate=NOPE", headers=headers).status_code == 422
    too_late = client.get("/api/v1/calendar?from=9999-12-31", headers=headers)
    assert too_late.status_code == 422
    assert too_late.json["errors"] == {"from": "Must be between 1990-01-01 and 2199-12-31."}


def test_case_list_api_has_the_binding_date_and_sorts_by_it(client, seed_case, api_token):
    got = client.get("/api/v1/cases?sort=due&q=angstcultuur", headers=api_token("viewer")).json
    assert [i["due_on"] for i in got["items"]][:2] == ["2021-11-23", "2021-11-23"]


def test_calendar_api_lists_deadlines_in_range(client, seed_case, api_token):
    got = client.get("/api/v1/calendar?from=2021-11-22&to=2021-11-26&directorate=DGMI&binding=1", headers=api_token("viewer"))
    assert got.status_code == 200
    refs = {(i["case"], i["kind"], i["date"]) for i in got.json["items"]}
    assert ("2021Z19241", "external", "2021-11-23") in refs
    assert ("2021Z19601", "before_event", "2021-11-23") in refs
    assert all(i["lead_directorate"] == "DGMI" and i["is_binding"] for i in got.json["items"])
    assert all(i["risk"] in ("overdue", "due_soon", "on_track", "done") for i in got.json["items"])
    everything = client.get("/api/v1/calendar?from=2021-11-10&to=2021-11-12", headers=api_token("viewer")).json["items"]
    assert ("2021Z19241", "internal_draft") in {(i["case"], i["kind"]) for i in everything}


def test_openapi_lists_the_new_paths(client):
    doc = client.get("/api/v1/openapi.json").json
    assert {"/events", "/events/{event_id}", "/calendar", "/cases/{reference}/postponement"} <= set(doc["paths"])
    assert "deadlines" in doc["components"]["schemas"]["Case"]["properties"]


def test_deleting_the_event_unanchors_and_recomputes(client, seed_case, api_token, db):
    event_id = _event_id(db, "Begrotingsbehandeling JenV 2022")
    assert client.delete(f"/api/v1/events/{event_id}", headers=api_token("viewer")).status_code == 403
    deleted = client.delete(f"/api/v1/events/{event_id}", headers=api_token("admin"))
    assert deleted.status_code == 200 and deleted.json["cases_recomputed"] == 1
    case = client.get("/api/v1/cases/2021Z19601", headers=api_token("viewer")).json
    assert case["due_before_event"] is None and case["due_on"] == "2021-11-26"
    assert client.delete(f"/api/v1/events/{event_id}", headers=api_token("admin")).status_code == 404
    recess = _event_id(db, "Kerstreces 2021")
    assert client.delete(f"/api/v1/events/{recess}", headers=api_token("admin")).status_code == 200


def test_calendar_api_pages_by_date(app, db, client, seed_case, api_token):
    from parliament_tracker.cases.kinds import CaseKind
    from tests import factories

    with app.app_context():
        for day in (10, 17, 24):
            factories.case(kind=CaseKind.motion, received_on=dt.date(2021, 11, 1), given_due_on=dt.date(2021, 12, day))
        db.session.commit()
    headers = api_token("viewer")
    url = "/api/v1/calendar?from=2021-10-01&to=2022-03-31"
    whole = client.get(url, headers=headers).json
    assert whole["page"] == 1 and whole["per_page"] == 500 and whole["total"] == len(whole["items"]) > 6
    dates = [i["date"] for i in whole["items"]]
    assert dates == sorted(dates)
    pages, page = [], 1
    while True:
        got = client.get(f"{url}&per_page=4&page={page}", headers=headers).json
        assert got["total"] == whole["total"] and got["per_page"] == 4
        if not got["items"]:
            break
        pages += got["items"]
        page += 1
    assert [(i["case"], i["kind"]) for i in pages] == [(i["case"], i["kind"]) for i in whole["items"]]
    binding = client.get(f"{url}&binding=1&per_page=2&page=2", headers=headers).json
    assert len(binding["items"]) == 2 and binding["total"] > 4 and all(i["is_binding"] for i in binding["items"])
    for bad in ("page=0", "page=x", "page=²", "per_page=0", "per_page=2001", "per_page=-1", "per_page=²"):
        refused = client.get(f"{url}&{bad}", headers=headers)
        assert refused.status_code == 422, bad
        assert set(refused.json["errors"]) <= {"page", "per_page"} and refused.json["errors"]


def test_dates_that_are_not_iso_strings_are_refused_with_the_field_named(client, seed_case, api_token):
    headers = api_token("registrar")
    for sent_on in ("20-11-2021", "2021-11-31", 20211120, None):
        refused = client.post("/api/v1/cases/2021Z19601/postponement", json={"sent_on": sent_on, "reason": "x"}, headers=headers)
        assert refused.status_code == 422
        assert refused.json["errors"] == {"sent_on": "Required: an ISO date (YYYY-MM-DD)."}
    assert find_case("2021Z19601").postponed_on is None
    for field, dates in (
        ("starts_on", {"starts_on": "2021-12-32"}),
        ("starts_on", {"starts_on": 20211201}),
        ("ends_on", {"starts_on": "2021-12-01", "ends_on": ["2021-12-02"]}),
    ):
        refused = client.post("/api/v1/events", json={"kind": "other", "name": "E", **dates}, headers=headers)
        assert refused.status_code == 422
        assert refused.json["errors"] == {field: "Must be an ISO date (YYYY-MM-DD)."}
    for name, message in ((None, "Required."), (5, "Must be a string."), (["E"], "Must be a string.")):
        refused = client.post("/api/v1/events", json={"kind": "other", "name": name, "starts_on": "2021-12-01"}, headers=headers)
        assert refused.status_code == 422 and refused.json["errors"] == {"name": message}, name
    without = client.post("/api/v1/events", json={"kind": "other", "starts_on": "2021-12-01"}, headers=headers)
    assert without.json["errors"] == {"name": "Required."}
    ok = client.post("/api/v1/events", json={"kind": "other", "name": "E", "starts_on": "2021-12-01", "ends_on": None}, headers=headers)
    assert ok.status_code == 201 and ok.json["ends_on"] is None
    bad_from = client.get("/api/v1/calendar?from=2021-11-31", headers=headers)
    assert bad_from.json["errors"] == {"from": "Must be an ISO date (YYYY-MM-DD)."}


def test_explanations_come_in_the_token_users_language(client, seed_case, api_token, db, users):
    """Stored in Dutch (letters quote them); an English-speaking API user reads them in English."""
    headers = api_token("viewer")
    dutch = _binding(client.get("/api/v1/cases/2021Z19241", headers=headers).json)[0]["explanation"]
    db.session.get(User, users["viewer"].id).locale = "en"  # the account's language setting
    db.session.commit()
    english = _binding(client.get("/api/v1/cases/2021Z19241", headers=headers).json)[0]["explanation"]
    assert "dinsdag 23 november 2021" in dutch
    assert "Tuesday 23 November 2021" in english and "dinsdag" not in english
