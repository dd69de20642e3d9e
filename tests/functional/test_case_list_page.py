"""The case list's page (plain rows, count and page in one statement) and the API's list give
what a plain Python reading of the rows gives, on every page and sort; the filter choices are
kept per worker until a directorate, committee, party or a user's role or name changes."""

from __future__ import annotations

import datetime as dt

import pytest

from parliament_tracker import reference_data
from parliament_tracker.auth.models import User
from parliament_tracker.cases import form_data, queries
from parliament_tracker.cases.models import Case
from tests import factories
from tests.functional.test_statement_budget import statements


def _plain(db, **want):
    """Every case as (sort keys..., reference, directorate code, drafter name), read one by one."""
    out = []
    for c in db.session.scalars(db.select(Case)):
        if "directorate_id" in want and c.lead_directorate_id != want["directorate_id"]:
            continue
        if want.get("state") == "open" and c.status.is_closed:
            continue
        if not all(t in c.search_text for t in want.get("q", "").lower().split()):
            continue
        out.append({
            "id": c.id, "reference": c.reference, "received_on": c.received_on, "subject": c.subject,
            "due": c.practical_due_on, "status": c.status,
            "directorate": c.lead_directorate.code if c.lead_directorate else None,
            "drafter_name": c.drafter.display_name if c.drafter else None,
        })
    return out


_ORDERS = {
    "received_desc": (lambda r: (r["received_on"], r["id"]), True),
    "received_asc": (lambda r: (r["received_on"], r["id"]), False),
    "subject": (lambda r: (r["subject"], r["id"]), False),
    "due": (lambda r: (r["due"] is None, r["due"] or dt.date.min, r["id"]), False),
}


@pytest.mark.parametrize("sort", sorted(_ORDERS))
@pytest.mark.parametrize("cap", [1000, 5])
def test_list_pages_match_a_plain_reading_of_the_rows(app, db, monkeypatch, sort, cap):
    with app.app_context():
        factories.varied_cases(23)
        db.session.commit()
        dgmi = factories.directorate("DGMI").id
        monkeypatch.setattr(queries, "COUNT_CAP", cap)
        # with words: on PostgreSQL the matches up to the cap sort their own page, past it the walk
        for want in ({}, {"directorate_id": dgmi, "state": "open"}, {"q": "testzaak"}, {"q": "2021Z9", "state": "open"}):
            key, reverse = _ORDERS[sort]
            expected = sorted(_plain(db, **want), key=key, reverse=reverse)
            assert expected
            seen = []
            for page in (1, 2, 3, 4):
                f = queries.CaseFilter(sort=sort, page=page, per_page=7, **want)
                rows, total = queries.list_page(f)
                assert total == min(len(expected), cap + 1)
                items, api_total = queries.search(f)
                assert api_total == total and [c.reference for c in items] == [r.reference for r in rows]
                seen += [{k: getattr(r, k) for k in ("reference", "directorate", "drafter_name")} for r in rows]
            assert seen == [{k: e[k] for k in ("reference", "directorate", "drafter_name")} for e in expected]
            # past the last page: no rows, the count still said
            rows, total = queries.list_page(queries.CaseFilter(sort=sort, page=9, per_page=7, **want))
            assert rows == [] and total == min(len(expected), cap + 1)


def test_the_list_page_is_two_statements_and_reads_no_filter_choices_while_the_stamp_holds(app, db, login):
    with app.app_context():
        factories.varied_cases(8)
        db.session.commit()
    browser = login("drafter")
    browser.get("/cases")  # the first page keeps the choices
    with statements(app) as seen:
        r = browser.get("/cases?state=open&sort=due")
    assert r.status_code == 200 and "DGSenB" in r.text
    assert not any("FROM directorates" in s and "JOIN" not in s for s in seen)
    assert sum("FROM cases" in s for s in seen) == 1  # count, page and rows in one

    with app.app_context():
        new = factories.directorate("DGPOL", "Politie").id
        db.session.commit()
    r = browser.get(f"/cases?directorate={new}")  # a new stamp: the choices are read again
    assert f'<option value="{new}" selected>DGPOL</option>' in r.text


def test_filter_choices_follow_a_users_name_and_role_but_not_a_login(app, db):
    with app.app_context():
        drafter = factories.user("drafter", "kees", display_name="Kees Drafter")
        db.session.commit()
        before = reference_data.read_stamp()
        drafter.last_login_at = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
        db.session.commit()
        assert reference_data.read_stamp() == before  # a login changes no kept copy
        reference_data.note_stamp(None)
        assert "Kees Drafter" in form_data.filter_options()["drafters"].html(None)
        drafter.display_name = "Kees de Drafter"
        db.session.commit()
        assert reference_data.read_stamp() != before
        html = form_data.filter_options()["drafters"].html(drafter.id)
        assert f'<option value="{drafter.id}" selected>Kees de Drafter</option>' in html
        viewer = db.session.scalar(db.select(User).where(User.username == "kees"))
        viewer.role = "viewer"
        db.session.commit()
        assert "Kees de Drafter" not in form_data.filter_options()["drafters"].html(None)
