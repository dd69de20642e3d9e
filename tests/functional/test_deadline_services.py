"""Deadline services through the case workflow: answering, reopening, audit only on change."""

import datetime as dt

import time_machine

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.cases.services import find_case
from parliament_tracker.cases.status import transition
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.deadlines.services import deadline_risk, recompute_case


def _recomputed(db, case):
    return db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.object_id == case.id, AuditEntry.action == "case:deadlines_recomputed")
    ).all()


def test_answering_sets_the_date_drops_the_notice_and_marks_done(app, seed_case, db, users):
    with time_machine.travel(dt.datetime(2021, 11, 23, 15, 0, tzinfo=dt.UTC), tick=False), app.test_request_context():
        case = find_case("2021Z19601")
        admin = users["admin"]
        assert "postponement_notice" in {d.kind.value for d in case.deadlines}
        for step in (CaseStatus.drafting, CaseStatus.in_review, CaseStatus.awaiting_signature, CaseStatus.answered):
            transition(case, step, actor=admin)
        db.session.commit()
        assert case.answered_on == dt.date(2021, 11, 23)
        assert "postponement_notice" not in {d.kind.value for d in case.deadlines}
        binding = next(d for d in case.deadlines if d.is_binding)
        assert deadline_risk(binding, case) == "done"
        transition(case, CaseStatus.drafting, actor=users["registrar"])  # reopened
        db.session.commit()
        assert case.answered_on is None
        assert "postponement_notice" in {d.kind.value for d in case.deadlines}


def test_recompute_writes_an_audit_entry_only_when_a_date_changes(app, seed_case, db):
    with app.test_request_context():  # one app context: one session for the whole test
        case = find_case("2021Z19241")
        before = len(_recomputed(db, case))
        assert recompute_case(case, reason="nothing changed") == {}
        db.session.flush()
        assert len(_recomputed(db, case)) == before
        case.committee_due_on = dt.date(2021, 11, 19)
        changes = recompute_case(case, reason="committee date")
        db.session.flush()
        entries = _recomputed(db, case)
    assert changes["committee_date"] == (None, dt.date(2021, 11, 19))
    assert changes["external"] == (dt.date(2021, 11, 23), None)
    assert len(entries) == before + 1 and entries[-1].details["reason"] == "committee date"


def test_a_recess_is_refused_as_anchor(app, seed_case, db):
    import pytest

    from parliament_tracker.cases.services import CaseInput, update_case
    from parliament_tracker.deadlines.models import Event
    from parliament_tracker.errors import DomainError

    with app.test_request_context(), pytest.raises(DomainError) as refused:
        recess = db.session.scalar(db.select(Event).where(Event.name == "Kerstreces 2021"))
        case = find_case("2021Z19241")
        update_case(case, CaseInput(due_before_event=recess), expected_version=case.version)
    assert "due_before_event" in refused.value.errors


def test_saving_settings_audits_each_changed_key_on_its_row(app, seed_case, db, users):
    from parliament_tracker.deadlines.models import DeadlineSetting
    from parliament_tracker.deadlines.services import save_settings

    def audited():
        return db.session.execute(
            db.select(AuditEntry.object_id, AuditEntry.details).where(AuditEntry.action == "deadline_setting:changed").order_by(AuditEntry.id)
        ).all()

    with app.test_request_context():
        admin = users["admin"]
        assert save_settings({"committee_request_term_days": 21}, actor=admin) == 0  # the default: nothing stored
        assert audited() == []
        save_settings({"committee_request_term_days": 28, "milestones": [6, 4, 1]}, actor=admin)  # new rows
        save_settings({"committee_request_term_days": 35}, actor=admin)  # an existing row
        db.session.flush()
        rows = {r.key: r for r in db.session.scalars(db.select(DeadlineSetting))}
        assert rows["committee_request_term_days"].value == 35 and rows["milestones"].value == [6, 4, 1]
        assert audited() == [
            (rows["committee_request_term_days"].id, {"changes": {"committee_request_term_days": ["21", "28"]}}),
            (rows["milestones"].id, {"changes": {"milestones": ["[8, 5, 2]", "[6, 4, 1]"]}}),
            (rows["committee_request_term_days"].id, {"changes": {"committee_request_term_days": ["28", "35"]}}),
        ]


def test_the_setting_defaults_are_the_engines_defaults():
    from parliament_tracker.deadlines import rules
    from parliament_tracker.deadlines.settings import SETTING_DEFAULTS, settings_from_values

    assert settings_from_values(SETTING_DEFAULTS) == rules.DEFAULT_SETTINGS
    assert SETTING_DEFAULTS["milestones"] == [8, 5, 2] and SETTING_DEFAULTS["written_questions_term_days"] == 21


def test_a_milestone_with_its_own_date_stays_when_the_binding_date_is_overridden(app, seed_case, db, users):
    from parliament_tracker.deadlines.overrides import override_deadline

    with app.test_request_context():
        case = find_case("2021Z19241")  # binding 23 November; signature 19, draft 11 November
        rows = {d.kind.value: d for d in case.deadlines}
        signature, draft = rows["internal_signature"], rows["internal_draft"]
        override_deadline(signature, dt.date(2021, 11, 17), "minister eerder weg", actor=users["director"])
        assert case.practical_due_on == dt.date(2021, 11, 23)  # a milestone's date does not move the case
        override_deadline(rows["external"], dt.date(2021, 11, 30), "later antwoord", actor=users["director"])
        db.session.commit()
        assert case.practical_due_on == dt.date(2021, 11, 30)
        assert draft.due_on == dt.date(2021, 11, 18)  # 8 working days before 30 November
        assert signature.due_on == dt.date(2021, 11, 19) and signature.effective_due_on == dt.date(2021, 11, 17)
        assert "handmatig" not in signature.explanation
