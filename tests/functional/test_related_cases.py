"""The case page's related cases (``answers.services.related_cases``), read with the text search
in one statement, show what a plain reading shows: the search's ranked hits (``search.search``),
the cases of the same dossier and with the same members, each with its answers (both databases)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from parliament_tracker.answers import search
from parliament_tracker.answers.models import IndexedAnswer
from parliament_tracker.answers.services import context_for, related_cases
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.approval import services as approval
from parliament_tracker.letters.models import LetterKind, LetterStatus
from tests import factories
from tests.functional.test_statement_budget import statements


def _answered(reference: str, questions: str, answer: str, received_on: dt.date, admin: User, **fields) -> None:
    earlier = factories.case(reference, subject=f"Vragen {reference}", received_on=received_on, questions_text=questions, actor=admin, **fields)
    sent = factories.letter([earlier], LetterKind.answers, actor=admin)
    letter_services.update_letter(
        sent, letter_services.LetterInput(answers=[{"questions": [1], "text": answer}], letter_date=received_on + dt.timedelta(days=20)),
        expected_version=sent.version, actor=admin,
    )
    sent.status = LetterStatus.signed
    _db.session.flush()
    approval.send(sent, sent_on=received_on + dt.timedelta(days=21), actor=admin)


def _plainly(case: Case, limit: int = 8) -> list[tuple[str, list[str], list[int]]]:
    """The related cases as a plain reading finds them: (reference, reasons, answer ids)."""
    query = " ".join(q.text for q in case.questions) or case.subject
    by_text = list(dict.fromkeys(hit.item.case_id for hit in search.search(query, context_for(case), limit=limit, exclude_case_id=case.id)))
    others = [c for c in _db.session.scalars(sa.select(Case).where(Case.id != case.id))]
    member_ids = {m.id for m in case.members}
    by_dossier = sorted((c for c in others if case.dossier and c.dossier == case.dossier), key=lambda c: c.received_on, reverse=True)[:limit]
    shared = {c.id: len(member_ids & {m.id for m in c.members}) for c in others}
    by_members = sorted((c for c in others if shared[c.id]), key=lambda c: (-shared[c.id], -c.received_on.toordinal()))[:limit]
    parts = [[c.id for c in by_dossier], [c.id for c in by_members], by_text]
    found = list(dict.fromkeys(cid for part in parts for cid in part))
    reasons = {cid: [name for name, part in zip(("dossier", "members", "text"), parts) if cid in part] for cid in found}
    cases = {c.id: c for c in others}
    out = sorted(found, key=lambda cid: (-len(reasons[cid]), -cases[cid].received_on.toordinal()))[:limit]
    return [
        (
            cases[cid].reference,
            reasons[cid],
            list(_db.session.scalars(
                sa.select(IndexedAnswer.id)
                .where(IndexedAnswer.case_id == cid, IndexedAnswer.superseded_by_id.is_(None))
                .order_by(IndexedAnswer.question_number)
            )),
        )
        for cid in out
    ]


def test_related_cases_show_what_a_plain_reading_shows(app, seed_case, users):
    with app.app_context():
        admin = _db.session.get(User, users["admin"].id)
        seed = _db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN))
        # the same members and dossier, and a similar question
        _answered("2020Z11111", "1. Hoe beoordeelt u de werksfeer bij de afdelingen van de IND?",
                  "De werksfeer heeft mijn aandacht.", dt.date(2020, 6, 1), admin, members=list(seed.members), dossier=seed.dossier)
        # found by text only: read by the second statement
        _answered("2019Z22222", "1. Hoe beoordeelt u de werksfeer bij de afdelingen van de IND?\n"
                  "2. Wat zijn de aanbevelingen over de werksfeer?", "Er is een meldpunt.", dt.date(2019, 3, 1), admin)
        # the same members only, no answers
        factories.case("2019Z33333", subject="Vragen over iets anders", received_on=dt.date(2019, 9, 1),
                       questions_text="1. Iets anders?", members=list(seed.members)[:1], actor=admin)
        _db.session.commit()

    with app.test_request_context():
        # (2019Z22222: no dossier nor members, its text matches only)
        for reference in (factories.SEED_WRITTEN, factories.SEED, "2019Z22222"):
            _db.session.expire_all()
            case = _db.session.scalar(sa.select(Case).where(Case.reference == reference))
            assert case is not None
            _ = (list(case.questions), list(case.members))
            plain = _plainly(case)
            related_cases(case)  # the search's word counts are kept (answers.terms.STATS)
            with statements(app) as seen:
                got = related_cases(case)
            assert [(r.case.reference, r.reasons, [a.id for a in r.answers]) for r in got] == plain
            # the candidates with the text matches, then the cases found by text only with their answers
            assert len(seen) <= 2, "\n\n".join(seen)
        written = [(r.case.reference, r.reasons) for r in related_cases(_db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN)))]
        assert ("2020Z11111", ["dossier", "members", "text"]) in written
        assert ("2019Z22222", ["text"]) in written
        assert ("2019Z33333", ["members"]) in written
        assert (factories.SEED, ["dossier"]) in written
