"""The case list's exports stream: plain rows from one query (no Case object per row), a
statement count that does not grow with the rows, and the same content as a list."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from parliament_tracker.cases.models import Case
from tests import factories
from tests.conftest import quiet_signals


@contextmanager
def watching(db: Any) -> Iterator[dict[str, int]]:
    """Counts SQL statements run and Case objects loaded while the block runs."""
    seen = {"statements": 0, "cases_loaded": 0}

    def statement(*_a: Any) -> None:
        seen["statements"] += 1

    def loaded(*_a: Any) -> None:
        seen["cases_loaded"] += 1

    engine = db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", statement)
    sa.event.listen(Case, "load", loaded)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", statement)
        sa.event.remove(Case, "load", loaded)


def _add_cases(app: Any, db: Any, count: int) -> None:
    with app.app_context(), quiet_signals():
        factories.varied_cases(count)
        db.session.commit()


def _export(browser: Any, db: Any, path: str) -> tuple[bytes, dict[str, int]]:
    with watching(db) as seen:
        response = browser.get(path, buffered=False)
        assert response.status_code == 200
        body = b"".join(response.response)
        response.close()
    return body, dict(seen)


def test_exports_load_no_case_objects_and_a_bounded_number_of_statements(app, db, login):
    browser = login("viewer")
    _add_cases(app, db, 8)
    # the worker keeps the deadline rules' reference data (reference_data): the first export loads it
    _export(browser, db, "/cases/export.csv?sort=reference")
    small_csv, small = _export(browser, db, "/cases/export.csv?sort=reference")
    _add_cases(app, db, 24)
    big_csv, big = _export(browser, db, "/cases/export.csv?sort=reference")
    small_rows = list(csv.reader(io.StringIO(small_csv.decode("utf-8-sig")), delimiter=";"))
    big_rows = list(csv.reader(io.StringIO(big_csv.decode("utf-8-sig")), delimiter=";"))
    assert (len(small_rows), len(big_rows)) == (1 + 8, 1 + 32)
    assert small["cases_loaded"] == big["cases_loaded"] == 0
    assert big["statements"] == small["statements"]  # the rows come from one query, not one per case

    xlsx, seen = _export(browser, db, "/cases/export.xlsx?sort=reference")
    assert seen["cases_loaded"] == 0 and seen["statements"] == big["statements"]
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx)).active
    values = [[("" if v is None else v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert [row[0] for row in values] == [row[0] for row in big_rows]  # the same cases in the same order
    assert values[0] == big_rows[0]
    # the deadline state, from the deadline hooks' judge, is the same text in both formats
    assert [row[6] for row in values] == [row[6] for row in big_rows]


def test_streamed_xlsx_is_sent_in_chunks(app, db, login):
    browser = login("viewer")
    _add_cases(app, db, 24)
    response = browser.get("/cases/export.xlsx", buffered=False)
    chunks = [c for c in response.response if c]
    response.close()
    assert len(chunks) >= 2 and chunks[0].startswith(b"PK")  # the zip's first entries go before the rows


def test_export_rows_match_a_plain_reading_of_the_cases(app, db):
    """Each row's question count and "requested by" (committee, or members with their party)
    are those of its case, read through the ORM; filtered and unfiltered (PostgreSQL groups
    them over the matching cases, SQLite asks per row)."""
    from parliament_tracker.cases.models import Question
    from parliament_tracker.cases.queries import CaseFilter, export_rows

    with app.app_context(), quiet_signals():
        podt, ceder = factories.member("Podt", "D66"), factories.member("Ceder", "ChristenUnie")
        cases = [
            factories.case(members=[podt, ceder], questions_text="1. Waarom?\n2. Wanneer?\n3. Hoe?"),
            factories.case(members=[ceder], questions_text="1. Klopt het bericht?"),
            factories.case(kind=factories.CaseKind.committee_request, committee=factories.committee()),
            factories.case(),
        ]
        db.session.commit()

        def plain(case: Case) -> tuple[str, int]:
            questions = db.session.scalar(sa.select(sa.func.count()).where(Question.case_id == case.id)) or 0
            if case.committee is not None:
                by = case.committee.name
            else:
                by = ", ".join(
                    f"{m.name} ({m.party.abbreviation})" if m.party and m.party.abbreviation else m.name
                    for m in case.members
                )
            return by or None, questions

        expected = {c.reference: plain(c) for c in cases}
        kinds = {c.reference: c.kind for c in cases}
        for f in (CaseFilter(sort="reference"), CaseFilter(sort="reference", kind=cases[0].kind)):
            rows = {r["reference"]: (r["requested_by"], r["questions"]) for r in export_rows(f)}
            wanted = {ref: v for ref, v in expected.items() if f.kind is None or kinds[ref] == f.kind}
            assert set(rows) == set(wanted)
            for ref, (by, questions) in wanted.items():
                assert rows[ref][1] == questions, ref
                # the members' order within the string is the database's: compare as sets
                assert set((rows[ref][0] or "").split(", ")) == set((by or "").split(", ")), ref
        assert expected[cases[0].reference][1] == 3 and expected[cases[1].reference][1] == 1
