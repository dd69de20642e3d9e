"""The factories' seed case is the demo's seed case: tests that use it test what the demo shows.

The demo goes on to answer the pair in 2021 (its letters sent, the cases answered); the
factories stop at the draft, so what is compared is the registration, the deadlines the rules
give, and the seed reply's text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from parliament_tracker.cases.models import Case
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.extensions import db as _db
from tests import factories


def _fingerprint() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for reference in (factories.SEED, factories.SEED_WRITTEN):
        case = _db.session.scalar(_db.select(Case).where(Case.reference == reference))
        deadlines = _db.session.scalars(_db.select(Deadline).where(Deadline.case_id == case.id).order_by(Deadline.kind)).all()
        out[reference] = {
            "fields": (
                case.kind, case.subject, case.received_on, case.dossier, case.notes,
                case.addressed_to.office_title, case.lead_directorate.code, case.drafter.username,
                case.committee.name if case.committee else None,
                case.due_before_event.name if case.due_before_event else None,
                [m.label for m in case.members], [q.text for q in case.questions],
                case.due_on, case.practical_due_on,
            ),
            # the binding one: answered, the demo's cases no longer need a postponement notice
            "deadlines": [(d.kind, d.due_on, d.practical_due_on, d.explanation, d.warnings) for d in deadlines if d.is_binding],
        }
    from parliament_tracker.letters.models import Letter

    reply = _db.session.scalar(_db.select(Letter).order_by(Letter.id))
    out["reply"] = (reply.kind, reply.subject, reply.your_reference, reply.your_letter_date, reply.body,
                    sorted((link.case.reference, link.role) for link in reply.case_links))
    return out


def test_the_seed_pair_and_its_draft_match_the_demo(app, db, users) -> None:
    from parliament_tracker.demo import load_demo

    with app.app_context():
        nested = _db.session.begin_nested()
        request, written = factories.seed_pair(users)
        factories.seed_letter(request, written, request.drafter)
        built = _fingerprint()
        nested.rollback()
        _db.session.expunge_all()
        assert _db.session.scalar(_db.select(Case).where(Case.reference == factories.SEED)) is None
        load_demo(today=dt.date(2021, 12, 1))
        assert _fingerprint() == built


def test_varied_cases_cover_every_kind_and_two_directorates(app, db) -> None:
    with app.app_context():
        made = factories.varied_cases(12)
        assert {c.kind for c in made} == set(factories.CaseKind)
        assert len({c.lead_directorate_id for c in made}) == 2
        assert all(c.practical_due_on is not None for c in made if c.kind.value != "committee_request")
