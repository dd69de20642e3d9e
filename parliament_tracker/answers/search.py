"""Finding earlier answers: the database's candidates by text, then ``ranking`` on top.

Which stems are matched, and how (``terms``): a short query (the search box, at most four
distinct stems) requires them all (AND) and takes the answers matching any of them (OR) only
when the AND finds fewer than the page needs; a whole question (what the letter editor proposes
unasked) keeps its rarest stems by document frequency, requires the two rarest, scores on all
kept, and falls back to the OR of the kept stems the same way.

The database scores at most ``CAP`` matches per step, the most recently indexed first (the
highest ids: a cheap order both databases follow without scoring), and hands its ``pool`` best
to the ranking step. SQLite: the stems against the FTS5 table (bm25, the question column weighted
double). PostgreSQL: the query's words in a ``dutch`` tsquery against the stored tsvector
(matched with the AND or OR, scored with ``ts_rank`` of the OR: question weight A over answer
weight B). Both steps score a document the same, so the AND and OR matches merge. Superseded
answers are never candidates; withdrawn letters have none in the index.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Sequence
from typing import Any

import sqlalchemy as sa

from parliament_tracker.answers import fts, ranking, terms, text
from parliament_tracker.answers.models import IndexedAnswer
from parliament_tracker.extensions import db
from parliament_tracker.letters.models import LetterVersion

#: how many candidates the database hands to the ranking step
POOL = 50
#: how many matches the database scores per step at most (the most recently indexed)
CAP = 1000
MAX_QUERY = 2000


_PG_FREQUENT = """
    SELECT u.stem, u.share
    FROM pg_stats AS s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(stem, share)
    WHERE s.schemaname = current_schema() AND s.tablename = 'answer_index' AND s.attname = 'search_vector'
      AND u.stem = ANY(:stems)
"""


def _pg_estimated_rows() -> int:
    """PostgreSQL's estimate of the number of answers (0 before the table was first analysed)."""
    rows = db.session.scalar(sa.text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('answer_index')"))
    return max(int(rows or 0), 0)


def _term_stats(dialect: str, words_of: dict[str, str]) -> Callable[[Sequence[str]], tuple[dict[str, int], int]]:
    """The ``stats`` callable of ``terms.plan``: cached document frequencies (``terms.STATS``)."""
    bind = db.session.get_bind()
    engine = bind.engine if isinstance(bind, sa.Connection) else bind
    key = engine.url.render_as_string(hide_password=True)

    def count(missing: Sequence[str], want_total: bool) -> tuple[dict[str, int], int | None]:
        found: dict[str, int] = {}
        total: int | None = None
        if dialect == "postgresql":
            # ANALYZE's statistics of the tsvector column: the frequent lexemes' share of the
            # answers (counting those exactly reads every matching row); the rest are rare and
            # cheap to count
            total = _pg_estimated_rows()
            if total:
                found = {
                    stem: round(share * total)
                    for stem, share in db.session.execute(sa.text(_PG_FREQUENT), {"stems": list(missing)})
                    if share is not None
                }
        counts: list[sa.ScalarSelect[int]] = []
        exact = [stem for stem in missing if stem not in found]
        for stem in exact:
            if dialect == "postgresql":
                tsq = sa.func.to_tsquery(sa.literal_column("'dutch'::regconfig"), words_of[stem])
                where = IndexedAnswer.search_vector.op("@@")(tsq)
                counts.append(sa.select(sa.func.count()).select_from(IndexedAnswer).where(where).scalar_subquery())
            else:
                match = sa.literal_column(fts.TABLE).op("MATCH")(terms.fts_match(terms.Plan((), (stem,)), all_required=False))
                counts.append(sa.select(sa.func.count()).select_from(fts.answer_fts).where(match).scalar_subquery())
        if want_total and not total:
            counts.append(sa.select(sa.func.count()).select_from(IndexedAnswer).scalar_subquery())
        if counts:
            # one statement: a count per stem (each through the index), and the number of answers
            row = db.session.execute(sa.select(*counts)).one()
            found.update({stem: int(row[i] or 0) for i, stem in enumerate(exact)})
            if want_total and not total:
                total = int(row[-1] or 0)
        return found, total if want_total else None

    return lambda stems: terms.STATS.get(key, stems, count)


@functools.cache
def match_select(dialect: str, *, all_required: bool, exclude: bool, prefix: str = "") -> sa.Select[Any]:
    """One step's statement, built once per process: the ``pool`` best of the ``CAP`` most
    recently indexed matches, (id, score). Bound to ``{prefix}match`` (the step's match:
    ``terms.fts_match``, on PostgreSQL ``terms.pg_query`` of the query's words), on PostgreSQL
    ``{prefix}rank`` (the OR of the ranked words, which scores), ``{prefix}cap``,
    ``{prefix}pool`` and (``exclude``) ``{prefix}exclude_case_id``; ``all_required`` only says
    which match it is (``match_params``)."""
    cap, pool = sa.bindparam(f"{prefix}cap", type_=sa.Integer), sa.bindparam(f"{prefix}pool", type_=sa.Integer)
    match = sa.bindparam(f"{prefix}match", type_=sa.String)
    if dialect == "postgresql":
        regconfig: sa.ColumnElement[str] = sa.literal_column("'dutch'::regconfig")
        match_q = sa.func.to_tsquery(regconfig, match)
        rank_q = sa.func.to_tsquery(regconfig, sa.bindparam(f"{prefix}rank", type_=sa.String))
        inner = sa.select(IndexedAnswer.id, IndexedAnswer.search_vector).where(
            IndexedAnswer.search_vector.op("@@")(match_q), IndexedAnswer.superseded_by_id.is_(None)
        )
        if exclude:
            inner = inner.where(IndexedAnswer.case_id != sa.bindparam(f"{prefix}exclude_case_id", type_=sa.Integer))
        found = inner.order_by(IndexedAnswer.id.desc()).limit(cap).subquery()
        score = sa.func.ts_rank(found.c.search_vector, rank_q, type_=sa.REAL)
        return sa.select(found.c.id, score.label("score")).order_by(score.desc(), found.c.id.desc()).limit(pool)
    # The FTS table scores on its own, in a LIMITed subquery (joining first would make SQLite
    # score every match through the join); superseded or excluded rows are dropped after.
    bm25 = sa.func.bm25(sa.literal_column(fts.TABLE), 2.0, 1.0, type_=sa.Float)
    found = (
        sa.select(fts.answer_fts.c.rowid.label("id"), (-bm25).label("score"))
        .where(sa.literal_column(fts.TABLE).op("MATCH")(match))
        .order_by(fts.answer_fts.c.rowid.desc())
        .limit(cap)
        .subquery()
    )
    stmt = sa.select(IndexedAnswer.id, found.c.score).join(found, found.c.id == IndexedAnswer.id).where(
        IndexedAnswer.superseded_by_id.is_(None)
    )
    if exclude:
        stmt = stmt.where(IndexedAnswer.case_id != sa.bindparam(f"{prefix}exclude_case_id", type_=sa.Integer))
    return stmt.order_by(found.c.score.desc(), IndexedAnswer.id.desc()).limit(pool)


def match_params(dialect: str, plan: terms.Plan, words_of: dict[str, str], *, all_required: bool, pool: int,
                 exclude_case_id: int | None, prefix: str = "") -> dict[str, Any]:
    """The values ``match_select``'s statement for this step of ``plan`` is bound to."""
    params: dict[str, Any]
    if dialect == "postgresql":
        matched = plan.required if all_required else plan.ranked
        params = {
            f"{prefix}match": terms.pg_query([words_of[s] for s in matched], "&" if all_required else "|"),
            f"{prefix}rank": terms.pg_query([words_of[s] for s in plan.ranked], "|"),
        }
    else:
        params = {f"{prefix}match": terms.fts_match(plan, all_required=all_required)}
    params.update({f"{prefix}cap": CAP, f"{prefix}pool": pool})
    if exclude_case_id is not None:
        params[f"{prefix}exclude_case_id"] = exclude_case_id
    return params


def _matches(dialect: str, plan: terms.Plan, words_of: dict[str, str], *, all_required: bool, pool: int,
             exclude_case_id: int | None) -> list[tuple[int, float]]:
    """One step: the ``pool`` best of the ``CAP`` most recently indexed matches, (id, score)."""
    stmt = match_select(dialect, all_required=all_required, exclude=exclude_case_id is not None)
    params = match_params(dialect, plan, words_of, all_required=all_required, pool=pool, exclude_case_id=exclude_case_id)
    return [(r[0], float(r[1])) for r in db.session.execute(stmt, params)]


def steps(plan: terms.Plan) -> tuple[bool, bool]:
    """Which steps ``candidates`` may take for ``plan``: (the AND, the OR); the OR is taken
    only when the AND found fewer than needed (or there is no AND)."""
    return bool(plan.required), not plan.required or len(plan.ranked) > 1


def merged(and_matches: Sequence[tuple[int, float]], or_matches: Sequence[tuple[int, float]], plan: terms.Plan, *,
           pool: int, need: int) -> list[tuple[int, float]]:
    """The AND matches, and the OR matches too when those are fewer than ``need``: the ``pool``
    best, (id, score)."""
    scores: dict[int, float] = dict(and_matches)
    if len(scores) < need and steps(plan)[1]:
        for id_, score in or_matches:
            scores.setdefault(id_, score)
    return sorted(scores.items(), key=lambda kv: (-kv[1], -kv[0]))[:pool]


def plan(query: str, dialect: str) -> tuple[terms.Plan, dict[str, str]]:
    """The query's plan, and per stem the query word that gives it (PostgreSQL stems words itself)."""
    words_of: dict[str, str] = {}
    for word in text.words(query):
        stem = text.stem(word)
        if len(stem) > 1 and stem not in words_of and len(words_of) < 24:
            words_of[stem] = word
    stems = list(words_of)
    if dialect != "postgresql":
        words_of = {s: s for s in stems}
    return terms.plan(stems, _term_stats(dialect, words_of)), words_of


def plan_for(query: str) -> terms.Plan:
    """Which stems ``candidates`` requires and scores for ``query`` (see ``terms``)."""
    return plan((query or "")[:MAX_QUERY], db.session.get_bind().dialect.name)[0]


def candidates(
    query: str, *, pool: int = POOL, need: int | None = None, exclude_case_id: int | None = None, with_items: bool = True
) -> list[ranking.Candidate]:
    """The ``pool`` best text matches for ``query``, not superseded, as ranking candidates: the
    AND matches, and the OR matches too when those are fewer than ``need`` (default ``pool``).
    ``with_items``: each with its IndexedAnswer as ``item`` (``search`` loads only those it returns)."""
    query = (query or "")[:MAX_QUERY]
    need = pool if need is None else min(need, pool)
    dialect = db.session.get_bind().dialect.name
    planned, words_of = plan(query, dialect)
    if planned.empty:
        return []
    take_and, take_or = steps(planned)
    found_and = _matches(dialect, planned, words_of, all_required=True, pool=pool, exclude_case_id=exclude_case_id) if take_and else []
    found_or: list[tuple[int, float]] = []
    if len(found_and) < need and take_or:
        found_or = _matches(dialect, planned, words_of, all_required=False, pool=pool, exclude_case_id=exclude_case_id)
    best = merged(found_and, found_or, planned, pool=pool, need=need)
    if not best:
        return []
    # what the ranking step needs of each; the whole answer only for what is shown (``with_items``)
    columns = (IndexedAnswer.id, IndexedAnswer.dossier, IndexedAnswer.member_ids, IndexedAnswer.directorate_id, IndexedAnswer.sent_on)
    rows = {r.id: r for r in db.session.execute(sa.select(*columns).where(IndexedAnswer.id.in_([i for i, _ in best])))}
    found = [
        ranking.Candidate(
            id=r.id,
            text_score=score,
            dossier=r.dossier,
            member_ids=frozenset(r.member_ids or ()),
            directorate_id=r.directorate_id,
            sent_on=r.sent_on,
        )
        for r, score in ((rows.get(i), s) for i, s in best)
        if r is not None
    ]
    return _with_items(found) if with_items else found


def _with_items(found: Sequence[ranking.Candidate]) -> list[ranking.Candidate]:
    """The candidates with their IndexedAnswer as ``item``."""
    items = {a.id: a for a in db.session.scalars(sa.select(IndexedAnswer).where(IndexedAnswer.id.in_([c.id for c in found])))}
    return [dataclasses.replace(c, item=items[c.id]) for c in found if c.id in items]


def search(
    query: str, context: ranking.Context = ranking.Context(), *, limit: int = 10, exclude_case_id: int | None = None
) -> list[ranking.Ranked]:
    """Earlier answers for ``query``, ranked (text similarity plus the context's boosts)."""
    ranked = ranking.rank(candidates(query, need=limit, exclude_case_id=exclude_case_id, with_items=False), context, limit=limit)
    loaded = {c.id: c for c in _with_items([r.candidate for r in ranked])} if ranked else {}
    return [dataclasses.replace(r, candidate=loaded[r.candidate.id]) for r in ranked if r.candidate.id in loaded]


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
