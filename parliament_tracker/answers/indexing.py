"""A sent letter's answers into the index, one row per question; the backfill.

Heard from the letter workflow (``signals.letter_status_changed``, connected at app creation):
a letter that reaches "sent" is indexed in the sending unit of work. A later sent letter that
answers a question again (a "nader antwoord") supersedes the earlier row; a withdrawn letter
has nothing in the index (a letter is withdrawn only before it is sent, and its rows, should a
reindex have made any, go). Nothing here commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from parliament_tracker import signals
from parliament_tracker.answers import fts, terms, text
from parliament_tracker.answers.models import IndexedAnswer
from parliament_tracker.cases.models import Case
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval.transitions import Stage
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.letters.rendering import questions_case

#: PostgreSQL: the question weighs more than the answer (ts_rank's A and B weights)
PG_VECTOR = (
    "setweight(to_tsvector('dutch'::regconfig, question_text), 'A') || "
    "setweight(to_tsvector('dutch'::regconfig, answer_text), 'B')"
)


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def answers_by_question(letter: Letter, case: Case) -> dict[int, str]:
    """Per question number of ``case``, the answer text the letter gives it: its own text, the
    text of the answer it is answered together with, or that of the answer it refers to."""
    known = {q.number for q in case.questions}
    own: dict[int, str] = {}
    see: dict[int, int] = {}
    for item in letter.answers or []:
        numbers = [n for n in item.get("questions", []) if n in known]
        for n in numbers:
            if item.get("see"):
                see[n] = int(item["see"])
            else:
                own.setdefault(n, (item.get("text") or "").strip())
    for n, target in see.items():
        if n not in own and own.get(target):
            own[n] = own[target]
    return {n: t for n, t in own.items() if t}


def _remove(letter_id: int) -> None:
    ids = list(db.session.scalars(sa.select(IndexedAnswer.id).where(IndexedAnswer.letter_id == letter_id)))
    if not ids:
        return
    if _dialect() == "sqlite":
        db.session.execute(sa.delete(fts.answer_fts).where(fts.answer_fts.c.rowid.in_(ids)))
    db.session.execute(
        sa.update(IndexedAnswer).where(IndexedAnswer.superseded_by_id == letter_id).values(superseded_by_id=None),
        execution_options={"synchronize_session": False},
    )
    db.session.execute(sa.delete(IndexedAnswer).where(IndexedAnswer.id.in_(ids)), execution_options={"synchronize_session": "fetch"})


def index_letter(letter: Letter) -> int:
    """(Re)index a sent letter's answers; returns the number of questions indexed (0 for a
    letter that answers no written questions)."""
    terms.STATS.clear()  # this process's document frequencies are counted again on next use
    _remove(letter.id)
    if letter.status != LetterStatus.sent:
        return 0
    case = questions_case(letter)
    if case is None:
        return 0
    texts = answers_by_question(letter, case)
    if not texts:
        return 0
    sent_on = letter.sent_on or today_local()
    members = list(case.members)
    rows: list[IndexedAnswer] = []
    for q in case.questions:
        if q.number not in texts:
            continue
        rows.append(
            IndexedAnswer(
                letter_id=letter.id,
                case_id=case.id,
                question_number=q.number,
                question_text=q.text,
                answer_text=texts[q.number],
                sent_on=sent_on,
                case_reference=case.reference,
                member_ids=[m.id for m in members],
                members_label=", ".join(m.label for m in members),
                directorate_id=q.directorate_id or case.lead_directorate_id,
                dossier=case.dossier,
            )
        )
    db.session.add_all(rows)
    db.session.flush()
    _supersede_earlier(letter, case.id, rows, sent_on)
    _write_search_text(rows)
    return len(rows)


def _supersede_earlier(letter: Letter, case_id: int, rows: list[IndexedAnswer], sent_on: dt.date) -> None:
    """The earlier answers to these questions are superseded by this letter's (sent later)."""
    earlier = list(
        db.session.scalars(
            sa.select(IndexedAnswer.id)
            .join(Letter, Letter.id == IndexedAnswer.letter_id)
            .where(
                IndexedAnswer.case_id == case_id,
                IndexedAnswer.question_number.in_([r.question_number for r in rows]),
                IndexedAnswer.letter_id != letter.id,
                IndexedAnswer.superseded_by_id.is_(None),
                Letter.sent_on <= sent_on,
            )
        )
    )
    if earlier:
        db.session.execute(
            sa.update(IndexedAnswer).where(IndexedAnswer.id.in_(earlier)).values(superseded_by_id=letter.id),
            execution_options={"synchronize_session": False},
        )


def _write_search_text(rows: list[IndexedAnswer]) -> None:
    if not rows:
        return
    if _dialect() == "postgresql":
        db.session.execute(
            sa.text(f"UPDATE answer_index SET search_vector = {PG_VECTOR} WHERE id = ANY(:ids)"),
            {"ids": [r.id for r in rows]},
        )
    else:
        db.session.execute(
            sa.insert(fts.answer_fts),
            [{"rowid": r.id, "question": text.stemmed(r.question_text), "answer": text.stemmed(r.answer_text)} for r in rows],
        )


def reindex(batch_size: int = 200) -> dict[str, int]:
    """The backfill: every sent letter indexed again, oldest first (so a later answer
    supersedes an earlier one). One unit of work; the caller commits."""
    db.session.execute(sa.delete(IndexedAnswer), execution_options={"synchronize_session": "fetch"})
    if _dialect() == "sqlite":
        db.session.execute(sa.delete(fts.answer_fts))
    ids = list(
        db.session.scalars(
            sa.select(Letter.id).where(Letter.status == LetterStatus.sent).order_by(Letter.sent_on, Letter.id)
        )
    )
    counts = {"letters": 0, "answers": 0}
    for start in range(0, len(ids), batch_size):
        for letter in db.session.scalars(sa.select(Letter).where(Letter.id.in_(ids[start : start + batch_size])).order_by(Letter.sent_on, Letter.id)):
            n = index_letter(letter)
            counts["letters"] += 1 if n else 0
            counts["answers"] += n
        db.session.expunge_all()
    return counts


def letter_status_changed(letter: Letter, *, after: Any, actor: Any = None, **_: Any) -> None:
    """The receiver: index on "sent", drop a withdrawn letter's rows."""
    if after == Stage.sent:
        index_letter(letter)
    elif after == Stage.withdrawn:
        _remove(letter.id)


def connect() -> None:
    signals.letter_status_changed.connect(letter_status_changed)

