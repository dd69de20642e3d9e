"""Lists give the same answer with and without the planner statistics of the nightly job.

The director's dashboard listed a question received on Saturday 5 December 2026 (due 24
December) on the Monday list of 7 December once ``db_statistics`` had run ANALYZE on SQLite:
with statistics SQLite answered "status IN (open) AND received_on < ?" over the index
(directorate, kind, status, received_on) with its IN-scan, which in SQLite 3.40 returns the
first row of the next status without checking the date range (see ``db.unindexed``).
"""

import datetime as dt

import pytest
import sqlalchemy as sa

from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import OPEN, CaseStatus
from parliament_tracker.deadlines import queries
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate
from tests.functional.plan_helpers import analyze, on_postgresql, separate_app

MONDAY = dt.date(2026, 12, 7)

pytestmark = pytest.mark.skipif(on_postgresql(), reason="SQLite's planner; the PostgreSQL run has the differential test")


def _case(reference, directorate, received_on, status, kind=CaseKind.written_questions, practical_due_on=None):
    return {
        "reference": reference,
        "kind": kind.value,
        "subject": f"Vragen {reference}",
        "received_on": received_on,
        "status": status.value,
        "lead_directorate_id": directorate,
        "practical_due_on": practical_due_on,
        "notes": "",
        "search_text": "",
        "version": 1,
        "created_at": dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
        "updated_at": dt.datetime(2026, 12, 5, tzinfo=dt.UTC),
    }


def _expected_monday(directorate_id):
    rows = db.session.execute(sa.select(Case.reference, Case.kind, Case.status, Case.received_on, Case.postponed_on, Case.lead_directorate_id)).all()
    return sorted(
        r.reference
        for r in rows
        if r.kind == CaseKind.written_questions and r.status in OPEN and directorate_id in (None, r.lead_directorate_id)
        and r.received_on + dt.timedelta(days=42 if r.postponed_on and r.postponed_on <= MONDAY else 21) < MONDAY
    )


def test_monday_list_and_counts_are_the_same_after_analyze(tmp_path):
    with separate_app(tmp_path, "sqlite") as own, own.test_request_context():
        db.session.execute(sa.insert(Directorate), [{"code": "DGMI", "name": "Migratie"}, {"code": "DGSenB", "name": "Straffen"}])
        dgmi, other = db.session.scalars(sa.select(Directorate.id).order_by(Directorate.id)).all()
        rows = [
            # the directorate's questions: two late, one received on Saturday (not late) ...
            _case("2026Z10001", dgmi, dt.date(2026, 10, 10), CaseStatus.assigned, practical_due_on=dt.date(2026, 10, 30)),
            _case("2026Z10002", dgmi, dt.date(2026, 10, 28), CaseStatus.assigned, practical_due_on=dt.date(2026, 11, 18)),
            _case("2026Z10003", dgmi, dt.date(2026, 12, 5), CaseStatus.assigned, practical_due_on=dt.date(2026, 12, 24)),
            # ... and the one in review: the first row of the next status in the index
            _case("2026Z10851", dgmi, dt.date(2026, 12, 5), CaseStatus.in_review, practical_due_on=dt.date(2026, 12, 24)),
            _case("2026Z10004", dgmi, dt.date(2026, 11, 24), CaseStatus.answered),
        ]
        rows += [
            _case(f"2026Z2{i:04d}", other, dt.date(2026, 9, 1) + dt.timedelta(days=3 * i), list(CaseStatus)[i % len(CaseStatus)],
                  kind=list(CaseKind)[i % len(CaseKind)], practical_due_on=dt.date(2026, 9, 22) + dt.timedelta(days=3 * i))
            for i in range(30)
        ]
        db.session.execute(sa.insert(Case), rows)
        db.session.commit()

        def answers():
            out = {}
            for directorate_id in (None, dgmi, other):
                items, total = queries.monday_list_preview(MONDAY, directorate_id)
                _rows, overdue_total = queries.overdue(MONDAY, directorate_id=directorate_id)
                out[directorate_id] = (sorted(c.reference for c in items), total, overdue_total)
            return out

        without = answers()
        assert without[dgmi][0] == ["2026Z10001", "2026Z10002"] == _expected_monday(dgmi)
        analyze()
        with_statistics = answers()
        for directorate_id in (None, dgmi, other):
            items, total, _overdue = with_statistics[directorate_id]
            assert items == _expected_monday(directorate_id), directorate_id
            assert total == len(items), f"the Monday list of directorate {directorate_id} counts {total} for {len(items)} questions"
        assert "2026Z10851" not in with_statistics[dgmi][0], "a question received on 5 December is not late on 7 December"
        assert with_statistics == without
