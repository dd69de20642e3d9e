"""The case page's deadline section and its forms: postponement, override, edit fields."""

import datetime as dt
import re

import time_machine

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.deadlines.models import Deadline, Event
from tests.functional.deadline_helpers import find_case

MONDAY_22_NOV = dt.datetime(2021, 11, 22, 9, 0, tzinfo=dt.UTC)


def _deadline(db, reference, kind):
    case = find_case(reference)
    return db.session.scalar(db.select(Deadline).where(Deadline.case_id == case.id, Deadline.kind == kind))


def test_case_page_lists_deadlines_with_risk_text_and_explanation(login, seed_case):
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        page = login("viewer").get("/cases/2021Z19241")
    assert page.status_code == 200
    section = page.text.split('id="deadlines"', 1)[1].split("</section>", 1)[0]
    assert "bindend" in section
    assert "ontvangen dinsdag 2 november 2021 + 3 weken (gebruikelijke termijn) = dinsdag 23 november 2021" in section
    # Risk by colour (class) and by text.
    assert '<span class="risk risk-due_soon">Verloopt binnen 3 werkdagen</span>' in section
    assert '<span class="risk risk-overdue">Te laat</span>' in section  # draft ready on 11 November
    # Viewers get no forms.
    assert "override" not in section.split("</table>", 1)[1]


def test_postponement_form_moves_the_deadline_and_shows_the_recess_warning(login, seed_case, db):
    case = find_case("2021Z19601")
    case.due_before_event = None
    db.session.commit()
    # Session cookies signed "in the future" are refused, so log in inside the frozen time.
    with time_machine.travel(dt.datetime(2021, 11, 25, 9, 0, tzinfo=dt.UTC), tick=False):
        browser = login("drafter")
        page = browser.get("/cases/2021Z19601")
        assert 'action="/cases/2021Z19601/postponement"' in page.text
        refused = browser.post("/cases/2021Z19601/postponement", {"sent_on": "2021-11-25", "reason": ""}, token_from="/cases/2021Z19601")
        assert refused.status_code == 302 and find_case("2021Z19601").postponed_on is None
        done = browser.post(
            "/cases/2021Z19601/postponement", {"sent_on": "2021-11-25", "reason": "Afstemming met de IND"}, token_from="/cases/2021Z19601"
        )
        assert done.status_code == 302
        page = browser.get("/cases/2021Z19601")
        # Not offered on other kinds.
        assert 'action="/cases/2021Z19241/postponement"' not in browser.get("/cases/2021Z19241").text
    assert find_case("2021Z19601").practical_due_on == dt.date(2021, 12, 17)
    assert "valt in het reces: Kerstreces 2021" in page.text
    assert "Afstemming met de IND" in page.text


def test_director_override_is_audited_and_others_are_refused(login, seed_case, db):
    binding = _deadline(db, "2021Z19241", "external")
    drafter = login("drafter")
    assert "Andere datum vaststellen" not in drafter.get("/cases/2021Z19241").text
    assert drafter.post(f"/deadlines/{binding.id}/override", {"due_on": "2021-11-30", "reason": "x"}, token_from="/cases").status_code == 403
    drafter.post("/logout", token_from="/cases")

    director = login("director")
    page = director.get("/cases/2021Z19241")
    assert "Andere datum vaststellen" in page.text
    no_reason = director.post(f"/deadlines/{binding.id}/override", {"due_on": "2021-11-30", "reason": ""}, token_from="/cases/2021Z19241")
    assert no_reason.status_code == 302 and _deadline(db, "2021Z19241", "external").overridden_due_on is None
    far = director.post(f"/deadlines/{binding.id}/override", {"due_on": "9999-12-31", "reason": "x"}, token_from="/cases/2021Z19241")
    assert far.status_code == 302 and _deadline(db, "2021Z19241", "external").overridden_due_on is None
    ok = director.post(
        f"/deadlines/{binding.id}/override", {"due_on": "2021-11-30", "reason": "Commissie akkoord met later antwoord"}, token_from="/cases/2021Z19241"
    )
    assert ok.status_code == 302
    case = find_case("2021Z19241")
    assert case.practical_due_on == dt.date(2021, 11, 30)
    entry = db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "case:deadline_overridden"))
    assert entry.actor.username == "director" and entry.details["reason"] == "Commissie akkoord met later antwoord"
    # The milestones follow: signature 2 working days before Tuesday 30 November.
    assert _deadline(db, "2021Z19241", "internal_signature").due_on == dt.date(2021, 11, 26)
    page = director.get("/cases/2021Z19241")
    assert "Commissie akkoord met later antwoord" in page.text and "<del>" in page.text
    assert "handmatig vastgestelde uiterste datum dinsdag 30 november 2021" in page.text
    # The override survives a recompute caused by an edit.
    from parliament_tracker.deadlines.services import recompute_case

    recompute_case(case, reason="test")
    db.session.commit()
    assert _deadline(db, "2021Z19241", "external").overridden_due_on == dt.date(2021, 11, 30)
    assert find_case("2021Z19241").practical_due_on == dt.date(2021, 11, 30)
    cleared = director.post(f"/deadlines/{binding.id}/override", {"clear": "1"}, token_from="/cases/2021Z19241")
    assert cleared.status_code == 302 and find_case("2021Z19241").practical_due_on == dt.date(2021, 11, 23)
    assert _deadline(db, "2021Z19241", "internal_signature").due_on == dt.date(2021, 11, 19)


def test_edit_form_sets_committee_date_and_event(login, seed_case, db):
    browser = login("registrar")
    form = browser.get("/cases/2021Z19241/edit").text
    assert 'name="committee_due_on"' in form and 'name="due_before_event_id"' in form
    assert "Kerstreces" not in form  # a recess is no anchor
    version = re.search(r'name="version" value="(\d+)"', form).group(1)
    event_id = db.session.scalar(db.select(Event.id).where(Event.name == "Begrotingsbehandeling JenV 2022"))
    data = {
        "reference": "2021Z19241", "kind": "committee_request", "subject": "Verzoek om een reactie", "received_on": "2021-11-02",
        "committee_due_on": "2021-11-19", "due_before_event_id": str(event_id), "version": version,
    }
    saved = browser.post("/cases/2021Z19241/edit", data, token_from="/cases/2021Z19241/edit")
    assert saved.status_code == 302, saved.text
    case = find_case("2021Z19241")
    assert case.committee_due_on == dt.date(2021, 11, 19) and case.due_before_event_id == event_id
    assert case.practical_due_on == dt.date(2021, 11, 19)
    page = browser.get("/cases/2021Z19241")
    assert "datum gevraagd door de commissie: vrijdag 19 november 2021" in page.text


def test_case_list_sorts_by_deadline(login, seed_case):
    from tests.functional.test_cases_pages import listed

    page = login("viewer").get("/cases?sort=due&q=angstcultuur")
    assert listed(page)[:2] in (["2021Z19241", "2021Z19601"], ["2021Z19601", "2021Z19241"])
    assert page.text.count("23 nov") == 2 or page.text.count("23 Nov") == 2


def test_a_refused_override_or_postponement_says_why_and_changes_nothing(login, seed_case, db):
    binding = _deadline(db, "2021Z19241", "external")
    director = login("director")
    not_a_date = director.post(f"/deadlines/{binding.id}/override", {"due_on": "31-11-2021", "reason": "x"}, token_from="/cases/2021Z19241")
    assert not_a_date.status_code == 302
    assert "Vul de nieuwe datum in als geldige datum." in director.get("/cases/2021Z19241").text
    director.post(f"/deadlines/{binding.id}/override", {"due_on": "2021-11-30", "reason": ""}, token_from="/cases/2021Z19241")
    assert "Geef de reden voor de nieuwe datum." in director.get("/cases/2021Z19241").text
    assert _deadline(db, "2021Z19241", "external").overridden_due_on is None
    assert not db.session.scalar(db.select(AuditEntry).where(AuditEntry.action == "case:deadline_overridden"))
    director.post("/logout", token_from="/cases")

    drafter = login("drafter")
    drafter.post("/cases/2021Z19601/postponement", {"sent_on": "2021-11-25", "reason": ""}, token_from="/cases/2021Z19601")
    assert "Het uitstel kon niet worden vastgelegd." in drafter.get("/cases/2021Z19601").text
    assert find_case("2021Z19601").postponed_on is None


def test_a_refused_override_or_postponement_keeps_what_was_typed(login, seed_case, db):
    """The forms live on the case page: after a refusal it shows the typed date and reason again
    (in the form of the deadline posted to, the override panel open), once."""
    binding = _deadline(db, "2021Z19241", "external")
    director = login("director")
    director.post(f"/deadlines/{binding.id}/override",
                  {"deadline": str(binding.id), "due_on": "31-11-2021", "reason": "Debat verplaatst naar januari"},
                  token_from="/cases/2021Z19241")
    page = director.get("/cases/2021Z19241").text
    assert 'value="Debat verplaatst naar januari"' in page and 'value="31-11-2021"' in page
    assert '<details class="override-form" open>' in page
    again = director.get("/cases/2021Z19241").text  # taken once: a reload shows the stored values
    assert "Debat verplaatst naar januari" not in again
    director.post("/logout", token_from="/cases")

    drafter = login("drafter")
    drafter.post("/cases/2021Z19601/postponement", {"sent_on": "25-11-2021", "reason": ""}, token_from="/cases/2021Z19601")
    page = drafter.get("/cases/2021Z19601").text
    assert "Het uitstel kon niet worden vastgelegd." in page and 'value="25-11-2021"' in page
