"""Admin pages for events, days off and settings; the recompute command."""

import datetime as dt

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.deadlines.models import Deadline, DeadlineSetting, Event, NonWorkingDay
from tests.functional.deadline_helpers import find_case


def test_event_pages_add_and_move_an_event(login, seed_case, db):
    browser = login("registrar")
    page = browser.get("/admin/deadlines/events")
    assert page.status_code == 200 and "Begrotingsbehandeling JenV 2022" in page.text and "Kerstreces 2021" in page.text
    bad = browser.post("/admin/deadlines/events", {"kind": "recess", "name": "Reces", "starts_on": "2021-12-10", "ends_on": "2021-12-01"}, token_from="/admin/deadlines/events")
    assert bad.status_code == 422 and "De laatste dag kan niet vóór de eerste dag liggen." in bad.text
    added = browser.post("/admin/deadlines/events", {"kind": "committee_debate", "name": "Commissiedebat Politie", "starts_on": "2021-12-08"}, token_from="/admin/deadlines/events")
    assert added.status_code == 302
    budget = db.session.scalar(db.select(Event).where(Event.name == "Begrotingsbehandeling JenV 2022"))
    url = f"/admin/deadlines/events/{budget.id}"
    moved = browser.post(url, {"kind": "budget_debate", "name": budget.name, "starts_on": "2021-11-30", "ends_on": "2021-12-01", "dossier": "35925-VI"}, token_from=url)
    assert moved.status_code == 302
    assert find_case("2021Z19601").practical_due_on == dt.date(2021, 11, 26)  # the 3 weeks now come first
    browser.post("/logout", token_from="/cases")
    assert login("drafter").get("/admin/deadlines/events").status_code == 403


def test_days_off_recompute_open_cases(login, seed_case, db):
    browser = login("admin")
    assert browser.get("/admin/deadlines/days-off").status_code == 200
    added = browser.post("/admin/deadlines/days-off", {"date": "2021-11-23", "name": "brugdag (test)"}, token_from="/admin/deadlines/days-off")
    assert added.status_code == 302
    case = find_case("2021Z19241")
    assert case.due_on == dt.date(2021, 11, 23) and case.practical_due_on == dt.date(2021, 11, 22)
    binding = db.session.scalar(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.is_binding))
    assert "brugdag (test)" in binding.explanation
    created = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "non_working_day:created"))
    assert created is not None and created.summary == "day off 2021-11-23 (brugdag (test)) added"
    duplicate = browser.post("/admin/deadlines/days-off", {"date": "2021-11-23", "name": "nogmaals"}, token_from="/admin/deadlines/days-off")
    assert duplicate.status_code == 422
    day = db.session.scalar(db.select(NonWorkingDay))
    browser.post(f"/admin/deadlines/days-off/{day.id}/delete", token_from="/admin/deadlines/days-off")
    assert find_case("2021Z19241").practical_due_on == dt.date(2021, 11, 23)
    assert db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "non_working_day:deleted")) is not None
    # A day off far from every stored deadline recomputes nothing.
    recomputed = db.select(db.func.count()).select_from(AuditEntry).where(AuditEntry.action == "case:deadlines_recomputed")
    count = db.session.scalar(recomputed)
    browser.post("/admin/deadlines/days-off", {"date": "2030-05-31", "name": "brugdag 2030"}, token_from="/admin/deadlines/days-off")
    assert db.session.scalar(recomputed) == count


def test_settings_page_changes_terms_and_milestones(login, seed_case, db):
    browser = login("admin")
    page = browser.get("/admin/deadlines/settings")
    assert page.status_code == 200 and 'name="written_questions_term_days" value="21"' in page.text
    data = {
        "written_questions_term_days": "21", "postponement_term_days": "42", "committee_request_term_days": "28",
        "event_lead_working_days": "1", "due_soon_working_days": "3",
        "milestones-draft": "8", "milestones-approval": "5", "milestones-signature": "2",
        "kind-committee_request-draft": "6", "kind-committee_request-approval": "4", "kind-committee_request-signature": "1",
    }
    saved = browser.post("/admin/deadlines/settings", data, token_from="/admin/deadlines/settings")
    assert saved.status_code == 302
    case = find_case("2021Z19241")
    assert case.due_on == dt.date(2021, 11, 30)
    signature = db.session.scalar(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == "internal_signature"))
    assert signature.due_on == dt.date(2021, 11, 29) and "instelling voor dit soort zaak" in signature.explanation
    invalid = browser.post("/admin/deadlines/settings", {**data, "postponement_term_days": "7"}, token_from="/admin/deadlines/settings")
    assert invalid.status_code == 422
    inverted = browser.post("/admin/deadlines/settings", {**data, "milestones-draft": "1"}, token_from="/admin/deadlines/settings")
    assert inverted.status_code == 422
    absurd = browser.post("/admin/deadlines/settings", {**data, "written_questions_term_days": "5000", "postponement_term_days": "6000"}, token_from="/admin/deadlines/settings")
    assert absurd.status_code == 422
    not_a_number = browser.post("/admin/deadlines/settings", {**data, "due_soon_working_days": "drie"}, token_from="/admin/deadlines/settings")
    assert not_a_number.status_code == 422 and "Vul een heel getal in." in not_a_number.text
    assert db.session.scalar(db.select(DeadlineSetting.value).where(DeadlineSetting.key == "committee_request_term_days")) == 28
    browser.post("/logout", token_from="/cases")
    assert login("director").get("/admin/deadlines/settings").status_code == 403


def test_recompute_command(app, seed_case, db):
    case = find_case("2021Z19241")
    db.session.execute(db.update(Deadline).where(Deadline.case_id == case.id).values(practical_due_on=dt.date(2030, 1, 1)))
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["deadlines", "recompute", "--batch-size", "7"])
    assert result.exit_code == 0, result.output
    assert "Recomputed the deadlines of" in result.output
    db.session.expire_all()
    binding = db.session.scalar(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.is_binding))
    assert binding.practical_due_on == dt.date(2021, 11, 23)


def test_settings_fields_offer_the_limits_the_service_applies(login, seed_case):
    from parliament_tracker.deadlines.settings import MILESTONE_MAXIMUM, SETTING_MAXIMA

    browser = login("admin")
    page = browser.get("/admin/deadlines/settings").text
    assert SETTING_MAXIMA["written_questions_term_days"] == 366 and SETTING_MAXIMA["due_soon_working_days"] == 20
    for key, maximum in SETTING_MAXIMA.items():
        assert f'max="{maximum}" id="{key}"' in page
    assert f'max="{MILESTONE_MAXIMUM}" id="milestones-draft"' in page
    data = {
        "written_questions_term_days": "21", "postponement_term_days": "42", "committee_request_term_days": "21",
        "event_lead_working_days": "1", "due_soon_working_days": "3",
        "milestones-draft": "8", "milestones-approval": "5", "milestones-signature": "2",
    }
    for key, maximum in SETTING_MAXIMA.items():
        just_over = {**data, key: str(maximum + 1), "postponement_term_days": str(max(42, maximum + 1))}
        refused = browser.post("/admin/deadlines/settings", just_over, token_from="/admin/deadlines/settings")
        assert refused.status_code == 422, key
    allowed = {**data, "written_questions_term_days": "366", "postponement_term_days": "366", "due_soon_working_days": "20"}
    assert browser.post("/admin/deadlines/settings", allowed, token_from="/admin/deadlines/settings").status_code == 302


def test_refused_settings_are_explained_in_dutch(login, seed_case):
    browser = login("admin")
    data = {
        "written_questions_term_days": "21", "postponement_term_days": "42", "committee_request_term_days": "21",
        "event_lead_working_days": "1", "due_soon_working_days": "3",
        "milestones-draft": "8", "milestones-approval": "5", "milestones-signature": "2",
    }
    cases = {
        "milestones in the wrong order": ({"milestones-draft": "1"}, "Mijlpalen moeten op volgorde staan"),
        "a term of zero days": ({"committee_request_term_days": "0"}, "Elke termijn moet minstens één dag zijn."),
        "postponement shorter than the term": ({"postponement_term_days": "7"}, "kan niet korter zijn dan de gewone termijn"),
    }
    for what, (change, dutch) in cases.items():
        page = browser.post("/admin/deadlines/settings", {**data, **change}, token_from="/admin/deadlines/settings")
        assert page.status_code == 422 and dutch in page.text, what
        assert "must" not in page.text, what  # no English engine text on the page
