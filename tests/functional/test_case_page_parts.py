"""The case page's parts (timeline, letters, contributions, legal holds), read as one UNION ALL
(``cases.page_hooks.CasePagePart``), show what a plain reading of the ORM objects shows: the same
rows, in the same order, with the same values (both databases)."""

from __future__ import annotations

import datetime as dt

from flask_login import login_user

from parliament_tracker.audit.describe import sentence
from parliament_tracker.audit.services import entries_for
from parliament_tracker.cases import page_hooks
from parliament_tracker.cases import services as case_services
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.services import contributions_for
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters.services import letters_for_case
from parliament_tracker.letters.versions import generate_version
from parliament_tracker.records import retention
from parliament_tracker.records.models import RetentionOutcome, RetentionRule
from tests import factories


def test_the_parts_show_what_the_objects_show(app, seed_case, users):
    with app.test_request_context():
        login_user(users["drafter"])
        case = case_services.find_case(factories.SEED)
        assert case is not None
        first = factories.letter([case], actor=users["drafter"])
        factories.letter([case], actor=users["drafter"])
        generate_version(first, actor=users["drafter"])
        directorate = factories.directorate()
        for extra in (
            {"directorate_id": directorate.id, "user_id": users["drafter"].id, "question_numbers": [1, 2]},
            {"directorate_id": directorate.id},
            {"external_email": "buiten@example.org"},
        ):
            _db.session.add(Contribution(case_id=case.id, due_on=dt.date(2021, 12, 1), request_text="Graag input.", **extra))
        _db.session.add(RetentionRule(kind=case.kind, period_years=17, outcome=RetentionOutcome.transfer))
        retention.place_hold(case, "objection", "Bezwaar", actor=users["archivist"])
        retention.place_hold(case, "woo_request", "", actor=users["archivist"])
        _db.session.commit()
        _db.session.expire_all()
        case = case_services.find_case(factories.SEED)
        assert case is not None

        extras = page_hooks.page_extras(case)

        letters = letters_for_case(case)
        assert len(letters) == 2
        assert [(letter.id, letter.kind, letter.status, letter.subject, latest) for letter, latest in extras["letters"]] == [
            (letter.id, letter.kind, letter.status, letter.subject, max((v.number for v in letter.versions), default=None)) for letter in letters
        ]
        contributions = contributions_for(case)
        assert len(contributions) == 3
        assert [(c.id, c.contributor_label, c.question_numbers, c.due_on, c.state) for c in extras["contributions"]] == [
            (c.id, c.contributor_label, c.question_numbers, c.due_on, c.state) for c in contributions
        ]
        holds = retention.active_holds(case)
        assert len(holds) == 2
        shown = extras["records"]["holds"]
        assert [(h.id, h.reason, h.note, h.placed_at, h.placed_by.display_name if h.placed_by else None) for h in shown] == [
            (h.id, h.reason, h.note, h.placed_at, h.placed_by.display_name if h.placed_by else None) for h in holds
        ]
        assert extras["records"]["retention"] == "Bewaren: overbrengen naar het nationaal archief 17 jaar na afsluiten."  # the stored rule
        entries = entries_for(case)
        assert len(entries) >= 3
        assert [(e.id, e.created_at, e.actor_id, e.actor.display_name if e.actor else None, e.action, e.details, sentence(e))
                for e in extras["timeline"]] == [
            (e.id, e.created_at, e.actor_id, e.actor.display_name if e.actor else None, e.action, e.details, sentence(e))
            for e in entries
        ]
