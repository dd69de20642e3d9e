"""Finding cases: full-text search, filters, sorting and pagination as one query builder."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload, load_only, noload, selectinload
from sqlalchemy.sql.util import ClauseAdapter

from parliament_tracker.auth.models import User
from parliament_tracker.cases import search_index
from parliament_tracker.cases.models import Case, CaseKind, Question, case_members
from parliament_tracker.cases.workflow import CLOSED, CaseStatus
from parliament_tracker.db import unindexed
from parliament_tracker.extensions import db
from parliament_tracker.forms import int_arg, parse_dutch_date
from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory

SORTS = {
    "received_desc": (Case.received_on.desc(), Case.id.desc()),
    "received_asc": (Case.received_on.asc(), Case.id.asc()),
    "reference": (Case.reference.asc(),),
    "reference_desc": (Case.reference.desc(),),
    "subject": (Case.subject.asc(), Case.id.asc()),
    "status": (Case.status.asc(), Case.received_on.desc(), Case.id.desc()),
    # the binding deadline (denormalised on the case), cases without one last
    "due": (Case.practical_due_on.is_(None), Case.practical_due_on.asc(), Case.id.asc()),
}
DEFAULT_SORT = "received_desc"


@dataclasses.dataclass
class CaseFilter:
    q: str = ""
    kind: CaseKind | None = None
    status: CaseStatus | None = None
    #: "open" or "closed" as a group, besides one exact status
    state: str | None = None
    directorate_id: int | None = None
    drafter_id: int | None = None
    committee_id: int | None = None
    party_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    sort: str = DEFAULT_SORT
    page: int = 1
    per_page: int = 50


def _parse_date(value: str | None) -> dt.date | None:
    """A date filter: dd-mm-jjjj as the list's date fields take it, or ISO (the API)."""
    return parse_dutch_date(value) if value else None


def filter_from_args(args: Mapping[str, str], *, per_page: int) -> CaseFilter:
    """Read list filters from query arguments (the case list and the API); values that do not
    parse are ignored."""
    kind = args.get("kind") or ""
    status = args.get("status") or ""
    sort = args.get("sort") or ""
    return CaseFilter(
        q=(args.get("q") or "").strip()[:200],
        kind=CaseKind(kind) if kind in CaseKind.__members__ else None,
        status=CaseStatus(status) if status in CaseStatus.__members__ else None,
        state=args.get("state") if args.get("state") in ("open", "closed") else None,
        directorate_id=int_arg(args.get("directorate")),
        drafter_id=int_arg(args.get("drafter")),
        committee_id=int_arg(args.get("committee")),
        party_id=int_arg(args.get("party")),
        received_from=_parse_date(args.get("received_from")),
        received_to=_parse_date(args.get("received_to")),
        sort=sort if sort in SORTS else DEFAULT_SORT,
        page=max(1, int_arg(args.get("page")) or 1),
        per_page=per_page,
    )


def _terms(q: str) -> list[str]:
    """The search words: lower case, at most eight."""
    return q.lower().split()[:8]


def _like_terms(q: str) -> list[str]:
    """The search words as LIKE patterns, with LIKE's wildcards escaped."""
    return ["%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%" for t in _terms(q)]


def _use_fts(f: CaseFilter) -> bool:
    return db.session.get_bind().dialect.name == "sqlite" and any(map(search_index.indexable, _terms(f.q)))


def _split_words(q: str) -> tuple[str, str]:
    """The search words as the FTS5 query of those the index can find (``search_index.indexable``)
    and the others (shorter than a trigram), which LIKE reads from the matches' text."""
    terms = _terms(q)
    return (
        search_index.match_query([t for t in terms if search_index.indexable(t)]),
        " ".join(t for t in terms if not search_index.indexable(t)),
    )


def filtered(f: CaseFilter, *, fts: bool = False) -> sa.Select[tuple[Case]]:
    """The filter as a query. ``fts``: match the search terms through SQLite's FTS5 index."""
    stmt = sa.select(Case)
    q = f.q
    if fts:
        fts_table = search_index.cases_fts
        query, q = _split_words(q)
        stmt = stmt.where(Case.id.in_(sa.select(fts_table.c.rowid).where(fts_table.c.search_text.match(query))))
    for pattern in _like_terms(q):
        stmt = stmt.where(Case.search_text.like(pattern, escape="\\"))
    if f.kind:
        stmt = stmt.where(Case.kind == f.kind)
    if f.status:
        stmt = stmt.where(Case.status == f.status)
    elif f.state == "open":
        stmt = stmt.where(Case.status.not_in(list(CLOSED)))
    elif f.state == "closed":
        stmt = stmt.where(unindexed(Case.status).in_(list(CLOSED)))  # see db.unindexed
    if f.directorate_id:
        stmt = stmt.where(Case.lead_directorate_id == f.directorate_id)
    if f.drafter_id:
        stmt = stmt.where(Case.drafter_id == f.drafter_id)
    if f.committee_id:
        stmt = stmt.where(Case.committee_id == f.committee_id)
    if f.party_id:
        stmt = stmt.where(
            sa.exists()
            .where(case_members.c.case_id == Case.id)
            .where(case_members.c.member_id == Member.id)
            .where(Member.party_id == f.party_id)
        )
    if f.received_from:
        stmt = stmt.where(Case.received_on >= f.received_from)
    if f.received_to:
        stmt = stmt.where(Case.received_on <= f.received_to)
    return stmt


#: the list and the API count matches up to this many; more shows as "1.000+" (``is_capped``)
COUNT_CAP = 1000


def is_capped(total: int) -> bool:
    """Whether a total from ``search`` stands for "more than ``COUNT_CAP``"."""
    return total > COUNT_CAP


def _count(base: sa.Select[tuple[Case]], limit: int) -> int:
    """Matches, counted up to ``limit``: a frequent word does not make the database count them all."""
    ids = base.with_only_columns(Case.id).order_by(None).limit(limit)
    return db.session.scalar(sa.select(sa.func.count()).select_from(ids.subquery())) or 0


def _fts_matching(f: CaseFilter) -> tuple[sa.Select[tuple[Case]], int]:
    """The cases that match ``f``, the words found through SQLite's FTS5 index, in the index's
    order (the list's order is the caller's ``order_by``), and their number counted up to
    ``COUNT_CAP`` + 1.

    The index leads and its rows stream into the join, so a LIMIT ends the scan: written
    ``id IN (SELECT rowid FROM cases_fts ...)`` SQLite first collected every match of a
    frequent word (≈250 ms for "politie" at 100,000 cases, to count 2,001 of them) and sorted
    a rare word's page by walking the date index and probing that set for every case. The join
    compares ``+rowid`` (``unindexed``): on the index's rowid SQLite would scan the cases and
    probe the index for each (seconds) as soon as another filter is set. The words are an FTS5
    phrase query (``search_index.match_query``), which the index answers from its trigrams'
    positions; a LIKE on the FTS5 table read each candidate's text from ``cases`` to confirm it.
    Without other filters the count reads the index alone: looking up 1,001 cases for it took
    1.8 ms at 100,000 cases ("politie": LIKE and join 2.5-2.9 ms, phrase and join 2.4, phrase
    alone 0.6). Words shorter than a trigram are read from the matches' text with LIKE.
    """
    fts_table = search_index.cases_fts
    query, short_words = _split_words(f.q)
    words = fts_table.c.search_text.match(query)
    others = filtered(dataclasses.replace(f, q=short_words))
    matching = others.select_from(sa.join(fts_table, Case, Case.id == unindexed(fts_table.c.rowid))).where(words)
    counted = matching.with_only_columns(Case.id) if others.whereclause is not None else sa.select(fts_table.c.rowid).where(words)
    capped = counted.limit(COUNT_CAP + 1).subquery()
    return matching, db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0


def listed_options(*, members: bool = False) -> tuple[Any, ...]:
    """What a list row (page and API) shows besides the case's columns, in the same statement.

    Not the questions (a row never shows them) and, unless ``members`` (the API's rows name
    them), not the members: the model loads both with every case (``lazy="selectin"``, for
    the case page), two more statements and a few hundred objects per page of 50 that the list
    never reads. Left lazy rather than off, so code that does read them still gets them."""
    return (
        joinedload(Case.lead_directorate),
        joinedload(Case.drafter),
        joinedload(Case.addressed_to),
        joinedload(Case.committee),
        lazyload(Case.questions),
        selectinload(Case.members) if members else lazyload(Case.members),
    )


def _matching(f: CaseFilter) -> tuple[sa.Select[tuple[Case]], int | None]:
    """The query of the cases matching ``f`` and, when already known, their number counted up
    to ``COUNT_CAP`` + 1 (``None``: the page's statement counts them).

    On SQLite, search words go through the FTS5 index first (``_fts_matching``), which counts
    its matches up to ``COUNT_CAP`` + 1 in one statement (one number back, not the ids: 1,001
    ids cost more to fetch than to find). Up to ``COUNT_CAP`` matches are the whole result, and
    the page is sorted from the index's matches again. More than that is a frequent word,
    whose newest matches lie near the start of the sort index: the page then walks that index
    with LIKE, as PostgreSQL's planner does with its trigram index at hand."""
    if _use_fts(f):
        matching, total = _fts_matching(f)
        return (matching if total <= COUNT_CAP else filtered(f)), total
    return filtered(f), None


def _page(f: CaseFilter, base: sa.Select[tuple[Case]], total: int | None) -> tuple[sa.Subquery, sa.ColumnElement[int]]:
    """The page's ids (a subquery, in the list's order) and the capped count as a column: the
    count, the page and its rows then come in one statement. The ids are picked before the
    rows are joined to their labels: with a deep OFFSET the joins would otherwise run for
    every skipped row too. The count is an uncorrelated scalar subquery, which both databases
    evaluate once per statement."""
    order = SORTS.get(f.sort, SORTS[DEFAULT_SORT])
    ids = base.with_only_columns(Case.id).order_by(*order).limit(f.per_page).offset((max(1, f.page) - 1) * f.per_page)
    if total is None:
        capped = base.with_only_columns(Case.id).order_by(None).limit(COUNT_CAP + 1).subquery()
        count: sa.ColumnElement[int] = sa.select(sa.func.count()).select_from(capped).scalar_subquery()
    else:
        count = sa.literal(total, sa.Integer)
    return ids.subquery("page"), count.label("total")


def _total_of(rows: Sequence[Any], f: CaseFilter, base: sa.Select[tuple[Case]], total: int | None) -> int:
    """The count read with the page's rows; a page past the last has no rows to read it from."""
    if rows:
        return int(rows[0].total)
    if total is not None:
        return total
    return 0 if f.page <= 1 else _count(base, COUNT_CAP + 1)


#: the columns the sorts read (``SORTS``), kept with the matches of ``_fetch_page``'s first try
_SORT_COLUMNS = (Case.id, Case.received_on, Case.reference, Case.subject, Case.status, Case.practical_due_on)


def _fetch_page(f: CaseFilter, build: Callable[[sa.Subquery, sa.ColumnElement[int]], sa.Select[Any]]) -> tuple[list[Any], int]:
    """The page's rows as ``build(page ids, count column)`` selects them, and the capped count.

    PostgreSQL with search words: the planner, not knowing how many cases a word matches,
    mostly walks the sort index and reads every case's text until it has a page (6-9 ms for a
    word in a few hundred cases at 20,000, for rows it has just found through the trigram
    index to count them). So the first try keeps up to ``COUNT_CAP`` + 1 matches (the trigram
    index's, with their sort columns), counts them and sorts its page from them, one
    statement; only a word with more matches than that (whose newest matches lie near the
    start of the sort index) takes the walk, in a second statement (the first then loads no
    case: its one row says the count)."""
    base, total = _matching(f)
    if total == 0:
        return [], 0
    if total is None and f.q and db.session.get_bind().dialect.name == "postgresql":
        matches = base.with_only_columns(*_SORT_COLUMNS).order_by(None).limit(COUNT_CAP + 1).cte("matches")
        adapt = ClauseAdapter(matches).traverse
        order = [adapt(o) for o in SORTS.get(f.sort, SORTS[DEFAULT_SORT])]
        counted = sa.select(sa.func.count().label("total")).select_from(matches).subquery("counted")
        ids = sa.select(matches.c.id).order_by(*order).limit(f.per_page).offset((max(1, f.page) - 1) * f.per_page).subquery()
        # The count's one row, with the page's ids only when within the cap (no rows, nor their
        # members, loaded from an arbitrary 1,001 to be dropped): a row always says the count.
        page = (
            sa.select(ids.c.id, counted.c.total)
            .select_from(counted)
            .outerjoin(ids, counted.c.total <= COUNT_CAP)
            .subquery("page")
        )
        rows = list(db.session.execute(build(page, page.c.total)).all())
        total = int(rows[0].total) if rows else 0
        if total <= COUNT_CAP:
            return [row for row in rows if row[0] is not None], total
    page, count = _page(f, base, total)
    rows = list(db.session.execute(build(page, count)).all())
    return rows, _total_of(rows, f, base, total)


def search(f: CaseFilter, *, members: bool = False) -> tuple[list[Case], int]:
    """A page of matching cases (the API's list) and their number, counted up to ``COUNT_CAP`` + 1
    (see ``is_capped``), mostly in one statement (see ``_matching`` and ``_fetch_page``).
    ``members``: load the cases' members with them (see ``listed_options``)."""
    order = SORTS.get(f.sort, SORTS[DEFAULT_SORT])

    def build(page: sa.Subquery, count: sa.ColumnElement[int]) -> sa.Select[Any]:
        return (
            sa.select(Case, count)
            .select_from(page)
            .outerjoin(Case, Case.id == page.c.id)  # outer: the count's row without a page (``_fetch_page``)
            .options(load_only(*LISTED_COLUMNS), *listed_options(members=members))
            .order_by(*order)
        )

    rows, total = _fetch_page(f, build)
    return [row[0] for row in rows], total


#: the case columns a list row (page or API) shows or needs; not the long texts (search_text, notes)
LISTED_COLUMNS = (
    Case.reference, Case.kind, Case.subject, Case.received_on, Case.status, Case.version, Case.dossier,
    Case.due_on, Case.practical_due_on, Case.lead_directorate_id, Case.drafter_id, Case.addressed_to_id, Case.committee_id,
)


def list_page(f: CaseFilter) -> tuple[list[sa.Row[Any]], int]:
    """A page of the case list as plain rows (no ORM objects: the page shows a few columns and
    two labels) and the number of matches counted up to ``COUNT_CAP`` + 1, in one statement
    (see ``_matching`` and ``_fetch_page``). A row has the case's ``id``,
    ``reference``, ``kind``, ``subject``, ``received_on``, ``practical_due_on`` and
    ``status``, its lead directorate's code (``directorate``) and its drafter's name
    (``drafter_name``)."""
    order = SORTS.get(f.sort, SORTS[DEFAULT_SORT])

    def build(page: sa.Subquery, count: sa.ColumnElement[int]) -> sa.Select[Any]:
        return (
            sa.select(
                Case.id, Case.reference, Case.kind, Case.subject, Case.received_on, Case.practical_due_on, Case.status,
                Directorate.code.label("directorate"), User.display_name.label("drafter_name"), count,
            )
            .select_from(page)
            .outerjoin(Case, Case.id == page.c.id)  # outer: the count's row without a page (``_fetch_page``)
            .outerjoin(Directorate, Directorate.id == Case.lead_directorate_id)
            .outerjoin(User, User.id == Case.drafter_id)
            .order_by(*order)
        )

    return _fetch_page(f, build)


def iterate_all(f: CaseFilter, batch: int = 1000) -> Iterator[tuple[Case, int]]:
    """Every matching case in sort order with its question count, fetched in batches (CSV export)."""
    order = SORTS.get(f.sort, SORTS[DEFAULT_SORT])
    question_count = (
        sa.select(sa.func.count(Question.id)).where(Question.case_id == Case.id).correlate(Case).scalar_subquery()
    )
    stmt = (
        filtered(f, fts=_use_fts(f))
        .add_columns(question_count)
        .options(noload(Case.questions))
        .order_by(*order)
        .execution_options(yield_per=batch)
    )
    yield from db.session.execute(stmt).tuples()


def export_rows(f: CaseFilter, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every matching case in sort order as a plain row of the export's columns: one query
    with the labels joined in, fetched in batches, no ORM object per case."""
    order = SORTS.get(f.sort, SORTS[DEFAULT_SORT])
    fts = _use_fts(f)
    member_label = sa.case((Party.abbreviation.is_not(None), Member.name + " (" + Party.abbreviation + ")"), else_=Member.name)
    stmt = (
        filtered(f, fts=fts)
        .with_only_columns(
            Case.reference,
            Case.kind,
            Case.subject,
            Case.received_on,
            Case.due_on,
            Case.practical_due_on,
            Case.status,
            Directorate.code.label("lead_directorate"),
            User.display_name.label("drafter"),
            Signatory.office_title.label("addressed_to"),
            maintain_column_froms=False,
        )
        .select_from(Case)
        .outerjoin(Directorate, Directorate.id == Case.lead_directorate_id)
        .outerjoin(User, User.id == Case.drafter_id)
        .outerjoin(Signatory, Signatory.id == Case.addressed_to_id)
        .outerjoin(Committee, Committee.id == Case.committee_id)
        .order_by(*order)
        .execution_options(yield_per=batch)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # PostgreSQL ran the two correlated subqueries once per row (100,000 index probes each:
        # 6.5-7 s against 2.8 s at load 10); grouped once over the matching cases and hash-joined
        # instead. SQLite does the per-row form faster than it materialises the groups.
        ids = filtered(f, fts=fts).with_only_columns(Case.id, maintain_column_froms=False)
        counts = (
            sa.select(Question.case_id, sa.func.count(Question.id).label("n"))
            .where(Question.case_id.in_(ids))
            .group_by(Question.case_id)
            .subquery("question_counts")
        )
        names = (
            sa.select(case_members.c.case_id, sa.func.aggregate_strings(member_label, ", ").label("names"))
            .join(Member, Member.id == case_members.c.member_id)
            .outerjoin(Party, Party.id == Member.party_id)
            .where(case_members.c.case_id.in_(ids))
            .group_by(case_members.c.case_id)
            .subquery("member_names")
        )
        stmt = (
            stmt.outerjoin(counts, counts.c.case_id == Case.id)
            .outerjoin(names, names.c.case_id == Case.id)
            .add_columns(
                sa.func.coalesce(Committee.name, names.c.names).label("requested_by"),
                Case.dossier,
                sa.func.coalesce(counts.c.n, 0).label("questions"),
            )
        )
    else:
        question_count = (
            sa.select(sa.func.count(Question.id)).where(Question.case_id == Case.id).correlate(Case).scalar_subquery()
        )
        members = (
            sa.select(sa.func.aggregate_strings(member_label, ", "))
            .select_from(case_members)
            .join(Member, Member.id == case_members.c.member_id)
            .outerjoin(Party, Party.id == Member.party_id)
            .where(case_members.c.case_id == Case.id)
            .correlate(Case)
            .scalar_subquery()
        )
        stmt = stmt.add_columns(
            sa.func.coalesce(Committee.name, members).label("requested_by"),
            Case.dossier,
            question_count.label("questions"),
        )
    for row in db.session.execute(stmt).mappings():
        yield dict(row)
