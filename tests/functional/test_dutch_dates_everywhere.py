"""Every date the app asks for is typed the Dutch way (dd-mm-jjjj, also 7-12-2026 and ISO),
whatever the browser's language (issue 17): no native date field is left, each date field
states the format, and each form that takes a date reads 7-12-2021 as 7 December."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from parliament_tracker.contributions.models import Contribution
from parliament_tracker.deadlines.models import Deadline, Event, NonWorkingDay
from parliament_tracker.letters.models import Letter
from tests import factories
from tests.functional.deadline_helpers import find_case
from tests.functional.test_letter_workflow import approved_id, post, seed_letter_id  # noqa: F401

ROOT = Path(__file__).resolve().parents[2]
_INPUT = re.compile(r"<input\b[^>]*>")


#: the names of every date the app's forms take
DATE_NAMES = {
    "received_from", "received_to", "date", "received_on", "committee_due_on", "given_due_on", "starts_on", "ends_on",
    "sent_on", "due_on", "letter_date", "your_letter_date",
}


def _date_inputs(page: str) -> list[str]:
    return [tag for tag in _INPUT.findall(page) if (m := re.search(r'\bname="([^"]+)"', tag)) and m.group(1) in DATE_NAMES and 'type="hidden"' not in tag]


def _states_the_format(page: str, tag: str) -> bool:
    described = re.search(r'aria-describedby="([^"]*)"', tag)
    assert described, tag
    hints = [re.search(rf'id="{re.escape(i)}"[^>]*>([^<]*)<', page) for i in described.group(1).split()]
    return any(h and "dd-mm-jjjj" in h.group(1) for h in hints)


def test_no_native_date_field_is_left_in_the_templates_or_forms():
    templates = [p for p in (ROOT / "templates").rglob("*.html") if 'type="date"' in p.read_text()]
    assert templates == []
    forms = [
        p for p in (ROOT / "parliament_tracker").rglob("*.py")
        if re.search(r"\bDateField\(|\bDateTimeField\(|DateInput\(", p.read_text().replace("DutchDateField(", ""))
    ]
    assert forms == []


def test_the_date_fields_on_the_pages_state_the_format(login, seed_case, db):
    pages = {
        "registrar": ["/cases", "/cases/new", "/calendar", "/admin/deadlines/events", f"/cases/{factories.SEED_WRITTEN}"],
        "admin": ["/admin/deadlines/days-off"],
        "drafter": [f"/cases/{factories.SEED_WRITTEN}/contributions/new"],
        "director": [f"/cases/{factories.SEED}"],
    }
    seen = 0
    for role, paths in pages.items():
        browser = login(role)
        for path in paths:
            page = browser.get(path).text
            assert 'type="date"' not in page, path
            for tag in _date_inputs(page):
                assert _states_the_format(page, tag), (path, tag)
                seen += 1
        browser.post("/logout", token_from="/cases")
    assert seen >= 10


def test_events_and_days_off_take_dutch_dates(login, seed_case, db):
    browser = login("registrar")
    added = browser.post(
        "/admin/deadlines/events", {"kind": "committee_debate", "name": "Commissiedebat Politie", "starts_on": "8-12-2021", "ends_on": "09-12-2021"},
        token_from="/admin/deadlines/events",
    )
    assert added.status_code == 302, added.text
    event = db.session.scalar(db.select(Event).where(Event.name == "Commissiedebat Politie"))
    assert (event.starts_on, event.ends_on) == (dt.date(2021, 12, 8), dt.date(2021, 12, 9))
    edit = browser.get(f"/admin/deadlines/events/{event.id}").text
    assert 'value="08-12-2021"' in edit
    refused = browser.post("/admin/deadlines/events", {"kind": "committee_debate", "name": "X", "starts_on": "31-11-2021"}, token_from="/admin/deadlines/events")
    assert refused.status_code == 422 and 'value="31-11-2021"' in refused.text
    browser.post("/logout", token_from="/cases")
    admin = login("admin")
    day = admin.post("/admin/deadlines/days-off", {"date": "24-12-2021", "name": "kerstavond (test)"}, token_from="/admin/deadlines/days-off")
    assert day.status_code == 302
    assert db.session.scalar(db.select(NonWorkingDay.date).where(NonWorkingDay.name == "kerstavond (test)")) == dt.date(2021, 12, 24)


def test_postponement_and_override_take_dutch_dates(login, seed_case, db):
    drafter = login("drafter")
    page = f"/cases/{factories.SEED_WRITTEN}"
    drafter.post(f"{page}/postponement", {"sent_on": "25-11-2021", "reason": "Interdepartementale afstemming"}, token_from=page)
    assert find_case(factories.SEED_WRITTEN).postponed_on == dt.date(2021, 11, 25)
    assert 'value="25-11-2021"' in drafter.get(page).text
    drafter.post("/logout", token_from="/cases")
    director = login("director")
    case = find_case(factories.SEED)
    binding = db.session.scalar(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.is_binding))
    director.post(f"/deadlines/{binding.id}/override", {"due_on": "3-12-2021", "reason": "Afgesproken met de griffie"}, token_from=f"/cases/{factories.SEED}")
    db.session.expire_all()
    assert db.session.get(Deadline, binding.id).overridden_due_on == dt.date(2021, 12, 3)


def test_contribution_due_date_is_dutch(login, seed_case, db, users):
    other = factories.directorate("DGSenB")
    db.session.commit()
    drafter = login("drafter")
    url = f"/cases/{factories.SEED_WRITTEN}/contributions/new"
    refused = drafter.post(url, {"directorate_id": str(other.id), "request_text": "Graag", "due_on": "12/31/2021"}, token_from=url)
    assert refused.status_code == 422 and 'value="12/31/2021"' in refused.text and "dd-mm-jjjj" in refused.text
    asked = drafter.post(url, {"directorate_id": str(other.id), "request_text": "Graag", "due_on": "1-12-2021"}, token_from=url)
    assert asked.status_code == 302, asked.text
    assert db.session.scalar(db.select(Contribution.due_on)) == dt.date(2021, 12, 1)


def test_case_list_and_calendar_take_dutch_dates(login, seed_case, db):
    browser = login("viewer")
    listed = browser.get("/cases?received_from=3-11-2021&received_to=30-11-2021").text
    assert factories.SEED_WRITTEN in listed and f">{factories.SEED}<" not in listed  # received 5 and 2 November
    assert 'value="03-11-2021"' in listed
    calendar = browser.get("/calendar?view=month&date=7-2-2022").text
    assert "februari 2022" in calendar


def test_signing_and_sending_take_dutch_dates(app, login, approved_id, db):  # noqa: F811
    office = login("signatory_office")
    page = f"/letters/{approved_id}"
    assert 'id="letter_date"' in office.get(page).text
    signed = office.post(f"{page}/sign", {"letter_date": "6-12-2021"}, token_from=page)
    assert signed.status_code == 302
    assert db.session.get(Letter, approved_id).letter_date == dt.date(2021, 12, 6)
    refused = office.post(f"{page}/send", {"sent_on": "12/07/2021"}, token_from=page)
    assert refused.status_code == 303
    db.session.expire_all()
    assert db.session.get(Letter, approved_id).sent_on is None
    sent = office.post(f"{page}/send", {"sent_on": "7-12-2021"}, token_from=page)
    assert sent.status_code == 302
    db.session.expire_all()
    assert db.session.get(Letter, approved_id).sent_on == dt.date(2021, 12, 7)
