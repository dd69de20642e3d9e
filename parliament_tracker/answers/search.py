"""Finding earlier answers: the database's candidates by text, then ``ranking`` on top.

SQLite: the query's Snowball stems, OR-ed, against the FTS5 table (bm25, the question column
weighted double). PostgreSQL: the query's words OR-ed into a ``dutch`` tsquery against the
stored tsvector (ts_rank, question weight A over answer weight B). Superseded answers are
never candidates; withdrawn letters have none in the index.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from parliament_tracker.answers import fts, ranking, text
from parliament_tracker.answers.models import IndexedAnswer
from parliament_tracker.extensions import db
from parliament_tracker.letters.models import LetterVersion

#: how many candidates the database hands to the ranking step
POOL = 50
MAX_QUERY = 2000


def _fts_match(terms: Sequence[str]) -> str:
    return " OR ".join(f'"{t}"' for t in terms)


def _pg_query(words: Sequence[str]) -> str:
    return " | ".join(words)


def candidates(query: str, *, pool: int = POOL, exclude_case_id: int | None = None) -> list[ranking.Candidate]:
    """The ``pool`` best text matches for ``query``, not superseded, as ranking candidates."""
    query = (query or "")[:MAX_QUERY]
    dialect = db.session.get_bind().dialect.name
    if dialect == "postgresql":
        words = list(dict.fromkeys(text.words(query)))[:24]
        if not words:
            return []
        tsq = sa.func.to_tsquery(sa.literal_column("'dutch'::regconfig"), _pg_query(words))
        stmt = sa.select(IndexedAnswer, sa.func.ts_rank(IndexedAnswer.search_vector, tsq).label("score")).where(IndexedAnswer.search_vector.op("@@")(tsq))
    else:
        terms = text.query_terms(query)
        if not terms:
            return []
        # The FTS table ranks on its own first (joining before the ORDER BY makes SQLite score
        # every match through the join: three times slower at 100,000 answers); superseded or
        # excluded rows among the best are dropped after, so it hands over a larger pool.
        bm25 = sa.func.bm25(sa.literal_column(fts.TABLE), 2.0, 1.0)
        best = (
            sa.select(fts.answer_fts.c.rowid.label("id"), (-bm25).label("score"))
            .where(sa.literal_column(fts.TABLE).op("MATCH")(_fts_match(terms)))
            .order_by(bm25)
            .limit(pool * 2)
            .subquery()
        )
        stmt = sa.select(IndexedAnswer, best.c.score.label("score")).join(best, best.c.id == IndexedAnswer.id)
    stmt = stmt.where(IndexedAnswer.superseded_by_id.is_(None))
    if exclude_case_id is not None:
        stmt = stmt.where(IndexedAnswer.case_id != exclude_case_id)
    # the matches with their answers, in one statement
    rows = db.session.execute(stmt.order_by(sa.desc("score"), IndexedAnswer.id.desc()).limit(pool)).all()
    return [
        ranking.Candidate(
            id=a.id,
            text_score=float(score),
            dossier=a.dossier,
            member_ids=frozenset(a.member_ids or ()),
            directorate_id=a.directorate_id,
            sent_on=a.sent_on,
            item=a,
        )
        for a, score in rows
    ]


def search(
    query: str, context: ranking.Context = ranking.Context(), *, limit: int = 10, exclude_case_id: int | None = None
) -> list[ranking.Ranked]:
    """Earlier answers for ``query``, ranked (text similarity plus the context's boosts)."""
    return ranking.rank(candidates(query, exclude_case_id=exclude_case_id), context, limit=limit)


def final_versions(letter_ids: Sequence[int]) -> dict[int, int]:
    """The signed (last) version number of each letter: the hit's link to the signed PDF."""
    if not letter_ids:
        return {}
    rows = db.session.execute(
        sa.select(LetterVersion.letter_id, sa.func.max(LetterVersion.number))
        .where(LetterVersion.letter_id.in_(set(letter_ids)))
        .group_by(LetterVersion.letter_id)
    ).all()
    return {letter_id: number for letter_id, number in rows}
