"""Earlier answers (issue 15): the index of sent answers, the Dutch-stemmed search, supersession,
the backfill; on SQLite and (with TEST_DATABASE_URL) PostgreSQL."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from parliament_tracker.answers import indexing, ranking, search, terms
from parliament_tracker.answers.models import IndexedAnswer
from parliament_tracker.answers.text import stems
from parliament_tracker.auth.models import User
from parliament_tracker.extensions import db
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.approval import services as approval
from parliament_tracker.letters.models import Letter, LetterKind, LetterStatus
from tests import answers_corpus, factories

CORPUS = 300


def _like(word: str) -> set[int]:
    """What a plain substring search finds (the cases search's LIKE)."""
    pattern = f"%{word}%"
    return set(
        db.session.scalars(
            sa.select(IndexedAnswer.id).where(
                sa.or_(sa.func.lower(IndexedAnswer.question_text).like(pattern), sa.func.lower(IndexedAnswer.answer_text).like(pattern))
            )
        )
    )


def _found(query: str) -> set[int]:
    return {c.id for c in search.candidates(query, pool=200)}


def _with_stem(stem: str) -> set[int]:
    rows = db.session.execute(sa.select(IndexedAnswer.id, IndexedAnswer.question_text, IndexedAnswer.answer_text)).all()
    return {r.id for r in rows if stem in stems(f"{r.question_text} {r.answer_text}")}


def test_stemmed_search_finds_the_inflections_a_like_misses(app, db):
    with app.app_context():
        answers_corpus.build(db.session, CORPUS)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IndexedAnswer)) == CORPUS
        for query, stem in (("wachtlijsten", "wachtlijst"), ("wachttijden", "wachttijd"), ("aangiften", "aangifte"), ("klinieken", "kliniek")):
            expected = _with_stem(stems(stem)[0])
            found = _found(query)
            like = _like(query)
            assert expected, query
            assert found == expected, query  # every answer with the word in any form, and nothing else
            assert like < found, query  # LIKE finds only the literal form...
            missed = found - like
            assert missed, query  # ...and misses the other inflections
        # a whole question as query: the best hits are on its subject
        hits = search.search("Hoe lang zijn de wachtlijsten voor de tbs-klinieken?", limit=10)
        assert len(hits) == 10
        assert all(h.item.question_text and {"wachtlijst", "wachttijd", "tbs", "kliniek"} & set(stems(h.item.question_text + " " + h.item.answer_text)) for h in hits)
        db.session.rollback()


def _with_stems(*wanted: str) -> dict[str, set[int]]:
    """Per stem, the answers holding it (the Python side of the database's document frequencies)."""
    rows = db.session.execute(sa.select(IndexedAnswer.id, IndexedAnswer.question_text, IndexedAnswer.answer_text)).all()
    held = {r.id: set(stems(f"{r.question_text} {r.answer_text}")) for r in rows}
    return {w: {i for i, s in held.items() if w in s} for w in wanted}


def test_a_search_requires_all_its_words_and_takes_any_only_when_too_few(app, db):
    with app.app_context():
        answers_corpus.build(db.session, 150)
        sets = _with_stems("wachtlijst", "kliniek", "asielzoeker")
        both = sets["wachtlijst"] & sets["kliniek"]
        assert 3 < len(both) < len(sets["wachtlijst"] | sets["kliniek"])
        # enough answers hold both words: only those
        assert {c.id for c in search.candidates("wachtlijsten klinieken", pool=200, need=3)} == both
        # fewer than the page needs: the answers holding either word too
        wide = search.candidates("wachtlijsten klinieken", pool=200, need=len(both) + 1)
        assert {c.id for c in wide} == sets["wachtlijst"] | sets["kliniek"]
        # nothing holds both: any
        assert not sets["wachtlijst"] & sets["asielzoeker"]
        assert {c.id for c in search.candidates("wachtlijst asielzoekers", pool=300, need=1)} == sets["wachtlijst"] | sets["asielzoeker"]
        hits = search.search("wachtlijsten klinieken", limit=3)
        assert len(hits) == 3 and all(h.item.id in both for h in hits)
        db.session.rollback()


def test_a_whole_question_requires_its_rarest_words(app, db):
    with app.app_context():
        answers_corpus.build(db.session, 300)
        total = db.session.scalar(sa.select(sa.func.count()).select_from(IndexedAnswer))
        for question, enough in (
            ("Hoe lang is de wachtlijst voor plaatsing in een tbs-kliniek op dit moment?", True),
            # Zwolle and "staan" are the rarest; no answer holds both, so any of the kept words
            ("Hoeveel tbs-gestelden staan er op een wachtlijst in Zwolle, en hoe lang is de wachttijd voor de kliniek?", False),
        ):
            query_stems = [s for s in dict.fromkeys(stems(question)) if len(s) > 1]
            assert len(query_stems) > terms.SHORT_TERMS
            held = _with_stems(*query_stems)
            plan = search.plan_for(question)
            if db.session.get_bind().dialect.name == "sqlite":  # exact counts (PostgreSQL: ANALYZE's shares of the frequent)
                assert plan == terms.select(query_stems, {s: len(held[s]) for s in query_stems}, total)
            assert len(plan.required) == terms.REQUIRED and len(plan.ranked) <= terms.MAX_TERMS
            assert set(plan.ranked) <= set(query_stems)
            required = set.intersection(*(held[s] for s in plan.required))
            assert (len(required) >= 5) is enough, question
            found = {c.id for c in search.candidates(question, pool=300, need=5)}
            assert found == (required if enough else set.union(*(held[s] for s in plan.ranked))), question
        db.session.rollback()


def test_boosts_put_the_same_dossier_and_members_first(app, db):
    with app.app_context():
        answers_corpus.build(db.session, 60)
        query = "Wat doet u aan de wachttijden en de wachtlijst in de tbs?"
        plain = search.search(query, limit=60)
        target = plain[-1].item  # the weakest text match
        context = ranking.Context(dossier=target.dossier, member_ids=frozenset(target.member_ids), directorate_id=target.directorate_id)
        boosted = search.search(query, context, limit=60)
        assert {h.item.id for h in plain} == {h.item.id for h in boosted}  # the same hits, another order
        for h in boosted:
            assert ("dossier" in h.reasons) == (h.item.dossier == target.dossier)
            assert ("members" in h.reasons) == bool(set(h.item.member_ids) & set(target.member_ids))
            assert ("directorate" in h.reasons) == (h.item.directorate_id == target.directorate_id)
        # the weakest text match, sharing everything with the question, climbs
        assert [h.item.id for h in boosted].index(target.id) < [h.item.id for h in plain].index(target.id)
        db.session.rollback()


def _written_case(reference: str, drafter: User, questions: str, **fields):
    return factories.case(reference, questions_text=questions, drafter=drafter, actor=drafter, **fields)


def _sent_letter(case, answers, actor: User, sent_on: dt.date) -> Letter:
    letter = factories.letter([case], LetterKind.answers, actor=actor)
    letter_services.update_letter(
        letter, letter_services.LetterInput(answers=answers, letter_date=sent_on), expected_version=letter.version, actor=actor
    )
    letter.status = LetterStatus.signed  # signing has its own tests
    db.session.flush()
    approval.send(letter, sent_on=sent_on, actor=actor)
    return letter


def test_sending_a_letter_indexes_each_question_and_a_later_answer_supersedes(app, db, users):
    with app.app_context():
        admin = db.session.get(User, users["admin"].id)
        case = _written_case(
            "2022Z01001", admin, "1. Hoe lang zijn de wachtlijsten in de tbs?\n\n2. Wat doet u eraan?\n\n3. Zie vraag 2?",
            dossier="36200-VI", members=[factories.member("Ellian", "VVD")],
        )
        first = _sent_letter(
            case,
            [{"questions": [1], "text": "De wachtlijst telt 120 personen."}, {"questions": [2], "text": "Er komen **extra** plaatsen."},
             {"questions": [3], "see": 2}],
            admin, dt.date(2022, 3, 1),
        )
        rows = db.session.scalars(sa.select(IndexedAnswer).where(IndexedAnswer.letter_id == first.id).order_by(IndexedAnswer.question_number)).all()
        assert [(r.question_number, r.answer_text) for r in rows] == [
            (1, "De wachtlijst telt 120 personen."), (2, "Er komen **extra** plaatsen."), (3, "Er komen **extra** plaatsen."),
        ]
        assert rows[0].case_reference == "2022Z01001" and rows[0].dossier == "36200-VI" and rows[0].sent_on == dt.date(2022, 3, 1)
        assert rows[0].members_label == "Ellian (VVD)" and rows[0].member_ids == [case.members[0].id]
        assert {c.item.letter_id for c in search.search("wachtlijsten")} == {first.id}
        # a "nader antwoord": a later letter answers question 1 again; only the new answer is offered
        second = _sent_letter(case, [{"questions": [1], "text": "De wachtlijst telt nu 90 personen."}], admin, dt.date(2022, 6, 1))
        hits = search.search("wachtlijst personen")
        assert [h.item.letter_id for h in hits if h.item.question_number == 1] == [second.id]
        assert db.session.scalar(sa.select(IndexedAnswer.superseded_by_id).where(IndexedAnswer.id == rows[0].id)) == second.id
        # the backfill rebuilds the same index
        counts = indexing.reindex()
        assert counts == {"letters": 2, "answers": 4}
        hits = search.search("wachtlijst personen")
        assert [h.item.letter_id for h in hits if h.item.question_number == 1] == [second.id]
        db.session.rollback()


def test_a_withdrawn_or_unsent_letter_is_not_indexed(app, db, users):
    with app.app_context():
        admin = db.session.get(User, users["admin"].id)
        case = _written_case("2022Z01002", admin, "1. Hoeveel asielzoekers sliepen buiten?")
        letter = factories.letter([case], LetterKind.answers, actor=admin)
        letter_services.update_letter(
            letter, letter_services.LetterInput(answers=[{"questions": [1], "text": "Geen enkele asielzoeker."}]),
            expected_version=letter.version, actor=admin,
        )
        approval.withdraw(letter, actor=admin, comment="niet nodig")
        assert indexing.index_letter(letter) == 0
        assert search.search("asielzoekers") == []
        db.session.rollback()


def test_reindex_command(app, db, users):
    with app.app_context():
        answers_corpus.build(db.session, 30, index=False)
        db.session.commit()
        assert search.search("wachtlijst") == []
    result = app.test_cli_runner().invoke(args=["answers", "reindex"])
    assert result.exit_code == 0, result.output
    assert "Indexed 30 answers from 10 sent letters." in result.output
    with app.app_context():
        assert search.search("wachtlijst")
