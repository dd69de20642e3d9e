"""Search gives the same answers through SQLite's FTS5 index, the LIKE walk and PostgreSQL."""

import pytest

from parliament_tracker.cases import queries
from parliament_tracker.cases.models import Case


def _refs(app, q, **kw):
    with app.app_context():
        items, total = queries.search(queries.CaseFilter(q=q, per_page=100, **kw))
        return [c.reference for c in items], total


@pytest.mark.parametrize("q", ["angstcultuur", "ind", "cultuuronderzoek ind", "wachttijden", "2021z196", "xyzzy", "ab", "100%"])
def test_index_and_scan_agree(app, seed_case, monkeypatch, q):
    indexed = _refs(app, q)
    monkeypatch.setattr(queries, "_use_fts", lambda f: False)
    scanned = _refs(app, q)
    assert indexed == scanned


def test_frequent_words_take_the_sorted_walk_with_the_same_result(app, db, seed_case, monkeypatch):
    from tests import factories

    with app.app_context():
        for n in range(10):
            factories.case(subject=f"Vragen over onderwerp {n}")
        db.session.commit()
    expected = _refs(app, "vragen")
    # more matches than the cap: the page walks the sort index with LIKE instead of the FTS ids
    monkeypatch.setattr(queries, "COUNT_CAP", 1)
    refs, total = _refs(app, "vragen")
    assert refs == expected[0] and total == 2 and queries.is_capped(total)
    assert expected[1] > 10


def test_index_follows_edits_and_deletes(app, seed_case, db):
    assert _refs(app, "angstcultuur")[1] == 2
    with app.app_context():
        case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19241"))
        case.search_text = "iets heel anders over de reclassering"
        db.session.commit()
    assert _refs(app, "angstcultuur")[0] == ["2021Z19601"]
    assert "2021Z19241" in _refs(app, "heel anders")[0]
    with app.app_context():
        db.session.execute(db.delete(Case).where(Case.reference == "2021Z19601"))
        db.session.commit()
    assert _refs(app, "angstcultuur") == ([], 0)


def test_counts_are_capped_and_shown_as_more_than(app, db, seed_case, login, api_token, monkeypatch):
    """A search counts its matches up to the cap; past it the list says "1.000+" and the API says
    so; the page of results is the same as uncapped."""
    from tests import factories

    with app.app_context():
        for n in range(5):
            factories.case(subject=f"Vragen over wachtlijsten {n}")
        db.session.commit()
    uncapped = _refs(app, "wachtlijsten")
    assert uncapped[1] == 5
    monkeypatch.setattr(queries, "COUNT_CAP", 3)
    capped = _refs(app, "wachtlijsten")
    assert capped == (uncapped[0], 4) and queries.is_capped(capped[1])
    assert _refs(app, "wachtlijsten", kind=None)[1] == 4
    r = login("viewer").get("/cases?q=wachtlijsten")
    assert r.status_code == 200 and "3+ zaken" in r.text
    r = app.test_client().get("/api/v1/cases?q=wachtlijsten", headers=api_token("viewer"))
    assert r.status_code == 200 and r.json["total"] == 4 and r.json["total_capped"] is True
    assert len(r.json["items"]) == 5


@pytest.mark.parametrize("cap", [1000, 2])
def test_words_with_filters_match_a_plain_reading_of_the_rows(app, db, seed_case, monkeypatch, cap):
    """The words through the FTS5 index joined to the other filters (and, past the cap, the LIKE
    walk of the sort index) give the cases a plain Python reading of the rows gives, in order."""
    import datetime as dt

    from parliament_tracker.cases.models import CaseKind
    from parliament_tracker.cases.workflow import CaseStatus
    from tests import factories

    with app.app_context():
        for n in range(12):
            factories.case(
                kind=CaseKind.written_questions if n % 3 else CaseKind.commitment,
                subject=f"Vragen over {'wachtlijsten' if n % 2 else 'wachttijden'} bij de politie {n}",
                received_on=dt.date(2021, 1, 1) + dt.timedelta(days=7 * n),
                status=CaseStatus.drafting if n % 4 else None,
            )
        db.session.commit()
        rows = [(c.reference, c.search_text, c.kind, c.status, c.received_on, c.id) for c in db.session.scalars(db.select(Case))]
    monkeypatch.setattr(queries, "COUNT_CAP", cap)
    for q, kw in [
        ("politie", {"kind": CaseKind.written_questions}),
        ("wachtlijsten politie", {"status": CaseStatus.drafting}),
        ("wacht", {"kind": CaseKind.commitment, "received_from": dt.date(2021, 2, 1)}),
    ]:
        expected = sorted(
            (r for r in rows
             if all(t in r[1] for t in q.split())
             and ("kind" not in kw or r[2] == kw["kind"])
             and ("status" not in kw or r[3] == kw["status"])
             and ("received_from" not in kw or r[4] >= kw["received_from"])),
            key=lambda r: (r[4], r[5]), reverse=True,
        )
        refs, total = _refs(app, q, **kw)
        assert refs == [r[0] for r in expected][: len(refs)] and expected
        assert total == min(len(expected), cap + 1)
        assert len(refs) == len(expected)


SPECIAL_SUBJECTS = [
    'Het "Rapport" over 100% dekking_graad',
    "Pad C:\\Data\\politie en ſtaat",
    "De Straße in İstanbul",
    "AB-test en ab ovo",
    "ΟΔΟΣ Σίσυφος",
]


@pytest.mark.parametrize("q", [
    '"rapport"', '"rapport" 100%', "100%", "g_g", "\\data\\", "c:\\", "staat", "ſtaat", "straße", "STRASSE",
    "İstanbul", "ab", "ab ovo", "ab test", "ab-", "οδος", "οδοσ", 'a"b', '"', '""', "%", "_", "o", "%%%", "___",
])
def test_words_with_quotes_and_special_characters_match_a_plain_reading(app, db, seed_case, monkeypatch, q):
    """Quotes, LIKE's wildcards, backslashes, non-ASCII letters and words shorter than a trigram
    find what Python's ``in`` on the lower-cased text finds, through the index and without it
    (FTS5's case folding would find "ſtaat" for "staat", and "οδος" for "οδοσ")."""
    import datetime as dt

    from tests import factories

    with app.app_context():
        for n, subject in enumerate(SPECIAL_SUBJECTS):
            factories.case(subject=subject, received_on=dt.date(2021, 3, 1) + dt.timedelta(days=n))
        db.session.commit()
        rows = [(c.reference, c.search_text, c.received_on, c.id) for c in db.session.scalars(db.select(Case))]
    words = q.lower().split()
    expected = [r[0] for r in sorted((r for r in rows if all(w in r[1] for w in words)), key=lambda r: (r[2], r[3]), reverse=True)]
    for use_fts in (queries._use_fts, lambda f: False):
        monkeypatch.setattr(queries, "_use_fts", use_fts)
        assert _refs(app, q) == (expected, len(expected))
        with app.app_context():  # the CSV export's query
            assert [r["reference"] for r in queries.export_rows(queries.CaseFilter(q=q))] == expected


def test_migration_0021_rebuilds_the_sqlite_index_with_positions(tmp_path):
    """0021_search3 makes SQLite's index anew with trigram positions from the cases already
    there, and its downgrade the index without them; PostgreSQL's search is untouched."""
    import sqlalchemy as sa
    from flask_migrate import downgrade, upgrade

    from parliament_tracker import create_app
    from parliament_tracker.extensions import db as _db
    from tests.conftest import scratch_database

    def definition(conn: sa.Connection) -> str:
        return conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE name = 'cases_fts'").scalar() or ""

    def found(conn: sa.Connection, sql: str, param: str) -> list[int]:
        return list(conn.exec_driver_sql(sql, (param,)).scalars())

    with scratch_database(tmp_path, "search3") as url:
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
        with app.app_context():
            upgrade(revision="0018_bodies")
            sqlite = _db.engine.dialect.name == "sqlite"
            with _db.engine.begin() as conn:
                if sqlite:  # the index as it was before 0019 (0001b now reads today's definition)
                    conn.exec_driver_sql("DROP TABLE cases_fts")
                    conn.exec_driver_sql("CREATE VIRTUAL TABLE cases_fts USING fts5(search_text, content='cases', "
                                         "content_rowid='id', tokenize='trigram', detail='none')")
                conn.execute(sa.text(
                    "INSERT INTO cases (id, reference, kind, subject, received_on, status, notes, search_text, version,"
                    " created_at, updated_at) VALUES (7, '2021Z00007', 'other', 'Politie', '2021-01-04', 'registered', '',"
                    " :text, 1, '2021-01-04 00:00:00', '2021-01-04 00:00:00')"
                ), {"text": '2021z00007 de "politie" 100%'})
            upgrade(revision="0021_search3")
            with _db.engine.begin() as conn:
                if sqlite:
                    assert "detail='full'" in definition(conn) and "case_sensitive 1" in definition(conn)
                    assert found(conn, "SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?", '"""politie"""') == [7]
                conn.exec_driver_sql("UPDATE cases SET search_text = '2021z00007 de wachtlijsten' WHERE id = 7")
                if sqlite:
                    assert found(conn, "SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?", '"politie"') == []
                    assert found(conn, "SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?", '"wachtlijst"') == [7]
            downgrade(revision="0018_bodies")
            if sqlite:
                with _db.engine.connect() as conn:
                    assert "detail='none'" in definition(conn)
                    assert found(conn, "SELECT rowid FROM cases_fts WHERE search_text LIKE ?", "%wachtlijst%") == [7]
            upgrade()
            with app.test_request_context():
                items, total = queries.search(queries.CaseFilter(q="wachtlijsten"))
                assert [c.reference for c in items] == ["2021Z00007"] and total == 1
            _db.session.remove()
            _db.engine.dispose()


def test_an_upgrade_with_nothing_to_do_does_not_rebuild_the_index(app, db, seed_case):
    """migrations/env.py calls ``search_index.ensure`` after every upgrade: triggers a batch
    migration dropped come back, but an index that is there is not read anew (at 100,000 cases a
    rebuild costs seconds); a missing one is made and filled."""
    import sqlalchemy as sa

    from parliament_tracker.cases import search_index

    seen: list[str] = []
    with app.app_context():
        conn = db.session.connection()  # the test's own transaction, rolled back after it
        if conn.dialect.name != "sqlite":
            pytest.skip("SQLite's FTS5 index (PostgreSQL searches the column through pg_trgm)")
        sa.event.listen(conn, "before_cursor_execute", lambda *a: seen.append(a[2]))
        conn.exec_driver_sql("DROP TRIGGER cases_fts_au")  # as a batch migration of cases does
        search_index.ensure(conn)
        assert search_index.REBUILD not in seen
        assert conn.exec_driver_sql("SELECT count(*) FROM sqlite_master WHERE name = 'cases_fts_au'").scalar() == 1
        conn.exec_driver_sql("DROP TABLE cases_fts")
        seen.clear()
        search_index.ensure(conn)
        assert search_index.REBUILD in seen
        indexed = conn.exec_driver_sql("SELECT count(*) FROM cases_fts").scalar()
        assert indexed == conn.exec_driver_sql("SELECT count(*) FROM cases").scalar() > 0
