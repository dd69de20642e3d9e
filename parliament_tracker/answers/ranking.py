"""Ranking earlier answers and standard lines: text similarity, boosted by what the question
being answered shares with each hit (the dossier, members, directorate). Pure: no database.

The database gives each candidate a text score (SQLite: bm25, PostgreSQL: ts_rank), on scales
that differ; within one result set they are made relative to the best (1.0), and the boosts
are added on top. Ties go to the newer answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any


@dataclasses.dataclass(frozen=True)
class Context:
    """What the question being answered is about."""

    dossier: str | None = None
    member_ids: frozenset[int] = frozenset()
    directorate_id: int | None = None


@dataclasses.dataclass(frozen=True)
class Boosts:
    dossier: float = 0.5
    #: per shared member, at most ``max_members`` counted
    member: float = 0.25
    max_members: int = 2
    directorate: float = 0.2


DEFAULT_BOOSTS = Boosts()


@dataclasses.dataclass(frozen=True)
class Candidate:
    """One hit as the database found it."""

    id: int
    text_score: float
    dossier: str | None
    member_ids: frozenset[int]
    directorate_id: int | None
    sent_on: dt.date | None
    #: what the caller shows (an IndexedAnswer, a StandardLine, a row)
    item: Any = None


@dataclasses.dataclass(frozen=True)
class Ranked:
    candidate: Candidate
    score: float
    #: why it was boosted: "dossier", "members", "directorate"
    reasons: tuple[str, ...]

    @property
    def item(self) -> Any:
        return self.candidate.item


def _dossier_key(value: str | None) -> str:
    return (value or "").strip().upper()


def rank(
    candidates: Iterable[Candidate], context: Context, *, limit: int = 10, boosts: Boosts = DEFAULT_BOOSTS, min_score: float = 0.0
) -> list[Ranked]:
    """The best ``limit`` candidates: relative text score plus boosts, highest first."""
    pool: Sequence[Candidate] = list(candidates)
    best = max((c.text_score for c in pool), default=0.0)
    ranked: list[Ranked] = []
    for c in pool:
        relative = c.text_score / best if best > 0 else 0.0
        reasons: list[str] = []
        score = relative
        if context.dossier and _dossier_key(c.dossier) == _dossier_key(context.dossier):
            score += boosts.dossier
            reasons.append("dossier")
        shared = len(context.member_ids & c.member_ids)
        if shared:
            score += boosts.member * min(shared, boosts.max_members)
            reasons.append("members")
        if context.directorate_id is not None and c.directorate_id == context.directorate_id:
            score += boosts.directorate
            reasons.append("directorate")
        if score > min_score:
            ranked.append(Ranked(c, round(score, 6), tuple(reasons)))
    ranked.sort(key=lambda r: (-r.score, -(r.candidate.sent_on or dt.date.min).toordinal(), -r.candidate.id))
    return ranked[:limit]
