"""Calendar views and the director's dashboard, with 'today' frozen in November 2021."""

import datetime as dt
import re

import time_machine

from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.organisation.models import Directorate
from tests import factories
from tests.conftest import Browser
from tests.functional.deadline_helpers import find_case

MONDAY_22_NOV = dt.datetime(2021, 11, 22, 9, 0, tzinfo=dt.UTC)
THURSDAY_25_NOV = dt.datetime(2021, 11, 25, 9, 0, tzinfo=dt.UTC)


def _cell(page, iso):
    return page.text.split(f'<time datetime="{iso}">', 1)[1].split("</td>", 1)[0]


def test_month_view_is_a_table_with_the_seed_deadlines(login, seed_case):
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        page = login("viewer").get("/calendar?view=month&date=2021-11-10")
        assert page.status_code == 200
        assert '<table class="month">' in page.text and '<th scope="col">' in page.text
        cell = _cell(page, "2021-11-23")
        assert "2021Z19241" in cell and "2021Z19601" in cell
        assert '<span class="risk risk-due_soon">Verloopt binnen 3 werkdagen</span>' in cell
        assert "Vóór de activiteit" in cell and "Uiterste antwoorddatum" in cell
        assert "Begrotingsbehandeling JenV 2022" in _cell(page, "2021-11-24")
        assert 'date=2021-10-01' in page.text and 'date=2021-12-01' in page.text  # previous / next month
        assert 'date=2021-11-22' in page.text  # today


def test_week_agenda_and_filters(login, seed_case, db):
    with time_machine.travel(MONDAY_22_NOV, tick=False):
        browser = login("drafter")
        week = browser.get("/calendar?view=week&date=2021-11-24")
        assert week.status_code == 200 and "2021Z19241" in week.text and "date=2021-11-15" in week.text
        assert "2021Z19241" in browser.get("/calendar?view=agenda&date=2021-11-20&mine=1").text
        internal = browser.get("/calendar?view=agenda&date=2021-11-08&kind=internal").text
        assert "Concept gereed" in internal and "2021Z19241" in internal
        other = factories.directorate("DGSenB").id
        db.session.commit()
        assert "2021Z19241" not in browser.get(f"/calendar?view=week&date=2021-11-24&directorate={other}").text
        # Nonsense parameters fall back to the defaults.
        assert browser.get("/calendar?view=year&date=never&kind=x&directorate=y").status_code == 200
        for edge in ("0001-01-01", "9999-12-31"):  # outside 1990..2199: today's month
            page = browser.get(f"/calendar?view=month&date={edge}")
            assert page.status_code == 200 and "date=2021-10-01" in page.text and "date=2021-12-01" in page.text
        for edge, previous in (("1990-01-01", "date=1989-12-01"), ("2199-12-31", "date=2199-11-01")):  # the bounds
            assert previous in browser.get(f"/calendar?view=month&date={edge}").text
        for nonsense in ("²", "99999999999999999999"):  # not an id: every directorate
            page = browser.get(f"/calendar?view=week&date=2021-11-24&directorate={nonsense}")
            assert page.status_code == 200 and "2021Z19241" in page.text


def test_dashboard_for_a_director(app, login, seed_case, db):
    case = find_case("2021Z19241")
    case.status = CaseStatus.in_review
    db.session.commit()
    with app.app_context():  # one answered case, for the timeliness chart
        answered = factories.case(received_on=dt.date(2021, 9, 1), status=CaseStatus.answered, lead_directorate=factories.directorate("DGMI"))
        answered.answered_on = dt.date(2021, 9, 15)
        db.session.commit()
    with time_machine.travel(THURSDAY_25_NOV, tick=False):
        page = login("director").get("/dashboard")
    assert page.status_code == 200
    overdue = page.text.split('id="overdue"', 1)[1].split("</section>", 1)[0]
    assert "2021Z19241" in overdue and "2021Z19601" in overdue and "risk-overdue" in overdue
    awaiting = page.text.split('id="awaiting-approval"', 1)[1].split("</section>", 1)[0]
    assert '<span class="count-badge">0</span>' in awaiting and "Er wacht niets op uw goedkeuring." in awaiting
    monday = page.text.split('id="monday-list"', 1)[1].split("</section>", 1)[0]
    assert "maandaglijst van 29 november <" in monday.lower() and "2021Z19601" in monday  # this year: no year
    timeliness = page.text.split('id="timeliness"', 1)[1].split("</section>", 1)[0]
    assert "<svg" in timeliness and "%</span>" in timeliness and "style=" not in timeliness


def test_dashboard_directorate_argument(login, seed_case, db, users):
    dgmi = db.session.scalar(db.select(Directorate).where(Directorate.code == "DGMI"))
    db.session.get(type(users["director"]), users["director"].id).directorate = dgmi
    db.session.commit()
    with time_machine.travel(THURSDAY_25_NOV, tick=False):
        browser = login("director")
        assert f'<option value="{dgmi.id}" selected>' in browser.get("/dashboard").text  # the user's own
        assert "selected" not in browser.get("/dashboard?directorate=all").text.split('id="dash-directorate"', 1)[1].split("</select>", 1)[0]
        for nonsense in ("²", "99999999999999999999", "x"):  # not an id: the user's own directorate
            page = browser.get(f"/dashboard?directorate={nonsense}")
            assert page.status_code == 200 and f'<option value="{dgmi.id}" selected>' in page.text


def test_dashboard_permissions(login, seed_case):
    assert login("viewer").get("/dashboard").status_code == 403


def test_monday_list_query_agrees_with_the_rules(app, seed_case, db):
    from parliament_tracker.cases.models import Case, CaseKind
    from parliament_tracker.deadlines import lateness
    from parliament_tracker.deadlines.queries import monday_list_preview
    from parliament_tracker.deadlines.services import facts_for

    questions = db.session.scalars(db.select(Case).where(Case.kind == CaseKind.written_questions)).all()
    for i, case in enumerate(questions):  # some postponed, before and after the Monday
        if i % 3 == 1:
            case.postponed_on = case.received_on + dt.timedelta(days=10 + i % 15)
    db.session.flush()
    with app.test_request_context():
        for today in (dt.date(2021, 11, 10), dt.date(2021, 11, 25), dt.date(2021, 12, 1), dt.date(2021, 12, 20), dt.date(2022, 1, 3)):
            items, total = monday_list_preview(today, None)
            expected = {c.reference for c in questions if not c.status.is_closed and lateness.monday_late_list(facts_for(c), today)}
            assert {c.reference for c in items} == expected and total == len(expected), today


def test_month_cell_shows_the_first_entries_and_links_to_the_rest(login, seed_case, monkeypatch):
    from parliament_tracker.deadlines import views

    browser = login("director")
    full = browser.get("/calendar?view=month&date=2021-11-01").text
    assert "2021Z19241" in full and "2021Z19601" in full  # both due on Tuesday 23 November
    monkeypatch.setattr(views, "MONTH_CELL_ENTRIES", 1)
    capped = browser.get("/calendar?view=month&date=2021-11-01").text
    cell = capped.split('datetime="2021-11-23"', 1)[1].split("</td>", 1)[0]
    assert cell.count('<li class="entry') == 1
    assert 'class="more"' in cell and "view=agenda" in cell and "date=2021-11-23" in cell
    agenda = browser.get("/calendar?view=agenda&date=2021-11-23").text
    assert "2021Z19241" in agenda and "2021Z19601" in agenda


def test_timeliness_is_cached_for_a_few_minutes_outside_tests(app, monkeypatch):
    import datetime as dt

    from parliament_tracker.deadlines import queries

    calls = []
    monkeypatch.setattr(queries, "compute_timeliness", lambda today, **kw: calls.append(today) or [{"n": len(calls)}])
    monkeypatch.setattr(queries, "_TIMELINESS_CACHE", {})
    monkeypatch.setattr(app, "testing", False)
    with app.app_context():
        first = queries.timeliness(dt.date(2021, 12, 1))
        assert queries.timeliness(dt.date(2021, 12, 1)) == first and len(calls) == 1
        queries.timeliness(dt.date(2021, 12, 2))
        assert len(calls) == 2
        monkeypatch.setattr(queries, "TIMELINESS_CACHE_SECONDS", 0)
        queries.timeliness(dt.date(2021, 12, 1))
        assert len(calls) == 3


def test_week_days_are_capped_and_the_agenda_pages(login, seed_case, monkeypatch):
    from parliament_tracker.deadlines import views

    browser = login("director")
    monkeypatch.setattr(views, "WEEK_DAY_ENTRIES", 1)
    week = browser.get("/calendar?view=week&date=2021-11-23").text
    day = week.split('id="day-2021-11-23"', 1)[1].split("</section>", 1)[0]
    assert day.count('<li class="entry') == 1  # 2021Z19241 and 2021Z19601 are both due that day
    assert 'class="more"' in day and "view=agenda" in day and "date=2021-11-23" in day

    full = browser.get("/calendar?view=agenda&date=2021-11-01&kind=all").text
    total = int(re.search(r"([\d.]+) termijnen in deze periode", full).group(1).replace(".", ""))
    assert total > 4
    monkeypatch.setattr(views, "AGENDA_PAGE_ENTRIES", 3)
    first = browser.get("/calendar?view=agenda&date=2021-11-01&kind=all").text
    assert first.count('<li class="entry') == 3
    assert f"Termijnen 1–3 van {total}." in first and "page=2" in first
    last_page = -(-total // 3)
    past = browser.get("/calendar?view=agenda&date=2021-11-01&kind=all&page=999")
    assert past.status_code == 302 and f"page={last_page}" in past.headers["Location"]
    last = browser.get(f"/calendar?view=agenda&date=2021-11-01&kind=all&page={last_page}").text
    assert last.count('<li class="entry') == total - 3 * (last_page - 1)
    assert browser.get("/calendar?view=agenda&date=2021-11-01&page=abc").status_code == 200
    for bad in ("0", "-2", "abc"):  # the first page
        page = browser.get(f"/calendar?view=agenda&date=2021-11-01&kind=all&page={bad}")
        assert page.status_code == 200 and f"Termijnen 1–3 van {total}." in page.text
        assert page.text.split('<div class="agenda">', 1)[1] == first.split('<div class="agenda">', 1)[1]


def test_an_agenda_page_shows_only_the_days_it_covers(login, seed_case, monkeypatch):
    from parliament_tracker.deadlines import views

    browser = login("director")
    monkeypatch.setattr(views, "AGENDA_PAGE_ENTRIES", 2)
    pages = []
    for page in (1, 2, 3):
        html = browser.get(f"/calendar?view=agenda&date=2021-11-01&kind=all&page={page}").text
        sections = html.split('<section aria-labelledby="day-')[1:]
        days = [(s[:10], '<li class="entry' in s) for s in sections]
        with_entries = [d for d, has in days if has]
        assert with_entries, page
        # A day without entries is only shown between this page's first and last entry.
        assert all(with_entries[0] <= d <= with_entries[-1] for d, has in days if not has), (page, days)
        pages.append(with_entries)
    assert pages[0][-1] <= pages[1][0] <= pages[1][-1] <= pages[2][0]  # pages follow each other by date


def _awaiting_section(browser):
    page = browser.get("/dashboard")
    assert page.status_code == 200
    section = page.text.split('id="awaiting-approval"', 1)[1].split("</section>", 1)[0]
    count = int(re.search(r'<span class="count-badge">(\d+)</span>', section).group(1))
    return count, section


def _approvals_page(browser):
    page = browser.get("/approvals")
    assert page.status_code == 200
    return page.text.split("<main", 1)[1].count('#workflow">')


def test_awaiting_my_approval_counts_the_approvals_page_for_each_approver(app, client, seed_draft, users, make_user, api_token, login, db):
    """The dashboard's count and list are the approvals page's: letters whose current
    approver is this user (not the cases in review), for each of several approvers."""
    from tests.functional.test_letter_workflow import seed_letter_id

    make_user("director", "director2")
    case = find_case("2021Z19241")
    case.status = CaseStatus.in_review  # a case in review that waits for nobody's approval
    db.session.commit()
    letter_id = seed_letter_id(app, users["drafter"])
    r = client.post(f"/api/v1/letters/{letter_id}/submit", headers=api_token("drafter"), json={"approvers": ["director", "director2"]})
    assert r.status_code == 200, r.json

    def seen(username):
        browser = Browser(app.test_client())
        assert browser.login(username).status_code == 302
        count, section = _awaiting_section(browser)
        assert count == _approvals_page(browser) == section.count('#workflow">')
        return count, section

    count, section = seen("director")
    assert count == 1 and f"/letters/{letter_id}#workflow" in section and "2021Z19241" in section
    assert seen("director2")[0] == 0  # second in line: not yet
    r = client.post(f"/api/v1/letters/{letter_id}/approve", headers=api_token("director"), json={"comment": "Akkoord."})
    assert r.status_code == 200, r.json
    assert seen("director")[0] == 0
    count, section = seen("director2")
    assert count == 1 and f"/letters/{letter_id}#workflow" in section
    # A registrar sees the dashboard but approves nothing: no such section.
    assert 'id="awaiting-approval"' not in login("registrar").get("/dashboard").text
