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
