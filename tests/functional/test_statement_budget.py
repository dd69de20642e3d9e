"""Reads load what they show: the case page and the API's GET case in a few SQL statements.

A relation nobody asked for is not loaded by a join by default; the case queries say what they
need (``selectinload``/``joinedload``) and ``raiseload`` the rest, so a template or serializer
that reaches for a relation the query did not load fails here instead of querying per row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest
import sqlalchemy as sa

from parliament_tracker.extensions import db as _db
from tests import factories

#: the budget the issue sets for one case page or one GET of a case (the request as a whole)
MAX_STATEMENTS = 5
#: the case page (issue #19: from 17), the seed's committee request and written question alike:
#:  1. the user with the reference data's stamp and the unread count (web.load_user; the deadline
#:     rule context - days off, settings, recesses - is kept per worker under that stamp,
#:     parliament_tracker/reference_data.py, and not read while the stamp is unchanged)
#:  2. the case with its one-to-ones, members, deadlines and attachments (joined; an attachment's
#:     content is deferred)
#:  3. its questions (a statement built once; the links' mentions and the related cases' text
#:     search read them)
#:  4. related cases (answers.services.related_cases): the candidates by dossier and members with
#:     their answers and the answer index's text matches, ranked after in Python (before: the
#:     matches, then the candidates, two statements); a case found by text only, and by nothing
#:     else, is read after them with its answers (a fifth statement, only then)
#:  5. the page's parts, one UNION ALL (cases.page_hooks.CasePagePart): its links and the cases its
#:     texts mention (suggested links; before: a statement of their own), the timeline (audit
#:     entries, each actor by name), letters with each one's latest version number, contributions,
#:     the kind's retention rule with the case's active legal holds
#: (a written question's assignment form's directorates and drafters are kept per worker under the
#: reference stamp, cases.question_views.choices: read only when the stamp changed)
MAX_PAGE_STATEMENTS = MAX_STATEMENTS


@contextlib.contextmanager
def statements(app) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    with app.app_context():
        engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


@pytest.mark.parametrize("reference", [factories.SEED, factories.SEED_WRITTEN])
def test_case_page_statements_stay_within_their_budget(app, seed_case, login, reference):
    browser = login("drafter")
    browser.get(f"/cases/{reference}")  # warm: the session's first request also refreshes it
    with statements(app) as seen:
        r = browser.get(f"/cases/{reference}")
    assert r.status_code == 200
    assert len(seen) <= MAX_PAGE_STATEMENTS, "\n\n".join(seen)
    # the members by flat outer joins: SQLite (3.40) materialises a nested
    # "LEFT JOIN (case_members JOIN members)", every member of every case, on each page
    (case_statement,) = [s for s in seen if "case_members" in s and "deadlines" in s]
    assert "JOIN (case_members" not in case_statement and "LEFT OUTER JOIN case_members" in case_statement


def test_api_get_case_in_at_most_five_statements(app, client, seed_case, api_token):
    headers = api_token("viewer")
    client.get(f"/api/v1/cases/{factories.SEED}", headers=headers)
    with statements(app) as seen:
        r = client.get(f"/api/v1/cases/{factories.SEED}", headers=headers)
    assert r.status_code == 200 and r.json["reference"] == factories.SEED
    assert len(seen) <= MAX_STATEMENTS, "\n\n".join(seen)


def test_api_create_case_reads_no_links_nor_letters(app, client, seed_case, api_token):
    """A case created in this request has no links nor letters: the answer says so without
    querying for them, and says what a GET of it says."""
    headers = api_token("registrar")
    body = {"reference": "2021Z20002", "kind": "written_questions", "subject": "Vragen over X", "received_on": "2021-11-12",
            "questions_text": "1. Een?\n2. Twee?"}
    with statements(app) as seen:
        created = client.post("/api/v1/cases", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["links"] == [] and created.json["letters"] == []
    reads = [s for s in seen if s.lstrip().upper().startswith("SELECT")]
    assert not [s for s in reads if "case_links" in s or "letter_cases" in s], "\n\n".join(reads)
    got = client.get("/api/v1/cases/2021Z20002", headers=headers).json
    assert {k: v for k, v in created.json.items() if k != "warnings"} == got


def test_kept_assignment_choices_follow_a_drafter_disabled_or_moved(app, seed_case, login):
    """The written question page's drafter choices are kept per worker under the reference stamp:
    a drafter disabled, or moved to another directorate, shows so on the next page."""
    with app.app_context():
        new = factories.user("drafter", username="nieuwe_steller", display_name="Nieuwe Steller")
        _db.session.commit()
        new_id = new.id
    browser = login("drafter")
    assert ">Nieuwe Steller</option>" in browser.get(f"/cases/{factories.SEED_WRITTEN}").text
    with app.app_context():
        other = factories.directorate("DGXY")
        user = _db.session.get(type(new), new_id)
        user.directorate_id = other.id
        _db.session.commit()
    assert ">Nieuwe Steller (DGXY)</option>" in browser.get(f"/cases/{factories.SEED_WRITTEN}").text
    with app.app_context():
        _db.session.get(type(new), new_id).is_enabled = False
        _db.session.commit()
    assert "Nieuwe Steller" not in browser.get(f"/cases/{factories.SEED_WRITTEN}").text
