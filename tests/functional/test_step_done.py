"""One rule for "is this step done": the Python answer (pages, dashboard) and the SQL one
(reminder and escalation jobs) agree for every deadline kind, status and postponement."""

from __future__ import annotations

import datetime as dt

from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import today_local
from parliament_tracker.deadlines import progress
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.deadlines.rules import DeadlineKind
from parliament_tracker.deadlines.services import deadline_risk
from parliament_tracker.extensions import db as _db


def test_python_and_sql_agree(app, db):
    with app.app_context():
        case = case_services.create_case(
            case_services.CaseInput(
                reference="2026Z10002", kind=CaseKind.written_questions, subject="Vragen", received_on=today_local() - dt.timedelta(days=2)
            )
        )
        _db.session.flush()
        kinds = {d.kind for d in case.deadlines}
        assert {DeadlineKind.internal_draft, DeadlineKind.internal_approval, DeadlineKind.postponement_notice} <= kinds
        for status in CaseStatus:
            for postponed in (None, today_local()):
                _db.session.execute(_db.update(Case).where(Case.id == case.id).values(status=status, postponed_on=postponed))
                in_sql = set(
                    _db.session.scalars(
                        _db.select(Deadline.kind).join(Case, Case.id == Deadline.case_id).where(Deadline.case_id == case.id, progress.not_done_sql())
                    )
                )
                done_in_sql = set(
                    _db.session.scalars(
                        _db.select(Deadline.kind).join(Case, Case.id == Deadline.case_id).where(Deadline.case_id == case.id, progress.done_sql())
                    )
                )
                in_python = {k for k in kinds if not progress.is_done(k, status, postponed)}
                assert in_sql == in_python, (status, postponed)
                assert done_in_sql == kinds - in_python, (status, postponed)
        _db.session.rollback()


def test_the_steps_as_the_case_follows_its_letter():
    assert not progress.is_done(DeadlineKind.internal_draft, CaseStatus.drafting)
    assert progress.is_done(DeadlineKind.internal_draft, CaseStatus.in_review)
    assert not progress.is_done(DeadlineKind.internal_approval, CaseStatus.in_review)
    assert progress.is_done(DeadlineKind.internal_approval, CaseStatus.awaiting_signature)
    assert not progress.is_done(DeadlineKind.internal_signature, CaseStatus.awaiting_signature)
    assert progress.is_done(DeadlineKind.internal_signature, CaseStatus.answered)
    assert not progress.is_done(DeadlineKind.external, CaseStatus.awaiting_signature)
    assert progress.is_done(DeadlineKind.external, CaseStatus.withdrawn)
    assert not progress.is_done(DeadlineKind.postponement_notice, CaseStatus.drafting)
    assert progress.is_done(DeadlineKind.postponement_notice, CaseStatus.drafting, dt.date(2026, 1, 5))


def test_the_deadline_risk_uses_the_rule(app, db):
    with app.app_context():
        case = case_services.create_case(
            case_services.CaseInput(reference="2026Z10003", kind=CaseKind.written_questions, subject="Vragen", received_on=today_local())
        )
        draft = next(d for d in case.deadlines if d.kind == DeadlineKind.internal_draft)
        assert deadline_risk(draft, case) != "done"
        case.status = CaseStatus.in_review
        assert deadline_risk(draft, case) == "done"
        _db.session.rollback()
