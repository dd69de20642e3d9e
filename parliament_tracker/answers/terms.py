"""Which of a query's stems the database matches on, and how. Pure: no database.

A **short query** (the search box: at most ``SHORT_TERMS`` distinct stems) requires all its
stems (AND); the search adds the OR matches only when the AND matches are fewer than the page
needs. A **whole question** (what the letter editor proposes unasked, or a long search) keeps
its most selective stems: those that match nothing are dropped, the rest ordered by document
frequency (how many answers hold the stem), at most ``MAX_TERMS`` of the rarest, and of those
the ones in more than ``COMMON_SHARE`` of all answers are dropped as long as ``REQUIRED`` remain.
The ``REQUIRED`` rarest must all match (AND); all kept stems give the text score (OR), and the
OR over them is again the fallback when the AND matches are too few.

The document frequencies come from ``TermStats``: asked of the database per stem on first use
(SQLite: counted in the FTS table; PostgreSQL: the frequent lexemes' share from ANALYZE's tsvector
statistics, since counting them reads every matching row, and the rare ones counted) and kept per
process for ten minutes (cleared when this process indexes). They only choose
the terms, so a stale count changes which answers rank, never which are allowed.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence

#: at most this many distinct stems is a short query (AND of them all)
SHORT_TERMS = 4
#: a long query keeps at most this many of its rarest stems...
MAX_TERMS = 6
#: ...of which this many rarest must all match
REQUIRED = 2
#: a stem in more than this share of all answers says little (dropped while REQUIRED remain)
COMMON_SHARE = 0.25


@dataclasses.dataclass(frozen=True)
class Plan:
    """``required``: every one must match (AND; empty: go straight to the OR). ``ranked``: the
    stems that give the text score, the required ones first; the OR fallback matches any."""

    required: tuple[str, ...]
    ranked: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return not self.ranked


def is_short(terms: Sequence[str]) -> bool:
    return len(terms) <= SHORT_TERMS


def short_plan(terms: Sequence[str]) -> Plan:
    """A search-box query: all its stems, AND first."""
    return Plan(tuple(terms), tuple(terms))


def select(terms: Sequence[str], doc_freq: Mapping[str, int], total: int) -> Plan:
    """A whole question's most selective stems (see the module's docstring). ``doc_freq``: the
    number of answers holding each stem; ``total``: the number of answers."""
    order = {t: i for i, t in enumerate(terms)}
    known = sorted((t for t in terms if doc_freq.get(t, 0) > 0), key=lambda t: (doc_freq[t], order[t]))
    if not known:
        # nothing in the index holds any of them (or the counts are stale): let the database look
        return Plan((), tuple(terms[:MAX_TERMS]))
    kept = known[:MAX_TERMS]
    while len(kept) > REQUIRED and doc_freq[kept[-1]] > COMMON_SHARE * total:
        kept.pop()
    return Plan(tuple(kept[:REQUIRED]), tuple(kept))


def plan(terms: Sequence[str], stats: Callable[[Sequence[str]], tuple[Mapping[str, int], int]]) -> Plan:
    """The plan for a query's distinct stems; ``stats`` gives the document frequencies and the
    number of answers (asked only for a long query)."""
    if not terms:
        return Plan((), ())
    if is_short(terms):
        return short_plan(terms)
    doc_freq, total = stats(terms)
    return select(terms, doc_freq, total)


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def fts_match(p: Plan, *, all_required: bool) -> str:
    """The FTS5 MATCH expression: the AND of the required stems (``all_required``) or the OR of
    all, written so that both name the same phrases: bm25 sums over the expression's phrases, so
    a document scores the same in both and the two lists merge. The optional stems go into a
    group with the rarest stem, which the AND has already required (that stem counts twice)."""
    required = [_quoted(t) for t in p.required]
    optional = [_quoted(t) for t in p.ranked if t not in p.required]
    if not required:
        return " OR ".join(optional)
    joiner = " AND " if all_required else " OR "
    expression = joiner.join(required)
    if optional:
        expression += f"{joiner}({' OR '.join([required[0], *optional])})"
    return expression


def pg_query(words: Iterable[str], operator: str) -> str:
    """A ``to_tsquery('dutch', ...)`` text: the words (letters and digits only) joined by ``&`` or ``|``."""
    return f" {operator} ".join(words)


class TermStats:
    """Document frequencies per stem and the number of answers, per database, counted on first
    use by ``count`` and kept ``ttl`` seconds. Thread-safe; ``clear`` after indexing."""

    def __init__(self, ttl: float = 600.0, max_terms: int = 20_000, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self.max_terms = max_terms
        self._clock = clock
        self._lock = threading.Lock()
        self._by_db: dict[str, tuple[float, int, dict[str, int]]] = {}

    def get(
        self, key: str, terms: Sequence[str], count: Callable[[Sequence[str], bool], tuple[dict[str, int], int | None]]
    ) -> tuple[dict[str, int], int]:
        """``count(missing_terms, want_total)`` asks the database for what is not cached."""
        now = self._clock()
        with self._lock:
            entry = self._by_db.get(key)
            if entry is None or entry[0] <= now or len(entry[2]) > self.max_terms:
                entry = None
            cached = dict(entry[2]) if entry else {}
            total = entry[1] if entry else None
        missing = [t for t in terms if t not in cached]
        if missing or total is None:
            found, counted = count(missing, total is None)
            cached.update(found)
            if counted is not None:
                total = counted
            with self._lock:
                current = self._by_db.get(key)
                expires = current[0] if current and entry else now + self.ttl
                merged = {**(current[2] if current and entry else {}), **cached}
                self._by_db[key] = (expires, int(total or 0), merged)
        return {t: cached.get(t, 0) for t in terms}, int(total or 0)

    def clear(self) -> None:
        with self._lock:
            self._by_db.clear()


STATS = TermStats()
