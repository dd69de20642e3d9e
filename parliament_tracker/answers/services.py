"""Using earlier answers and standard lines in a letter, and the cases related to a case.

"Use" puts the source's text in the answer field of one question and keeps where it came from
in the letter's history (an audit entry on the letter: the timeline, never the printed letter).
Without JavaScript the answer is saved at once through the letter's own edit (its version
check, validation and audit); with JavaScript the editor copies the text into the field and
names the source in a hidden field, recorded when the letter is saved. Nothing here commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import orm

from parliament_tracker.answers import ranking, search, standard_lines
from parliament_tracker.answers.models import IndexedAnswer, StandardLine
from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case, case_members
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.letters.rendering import questions_case

_SOURCE = re.compile(r"^(answer|line):(\d{1,9})$")


@dataclasses.dataclass(frozen=True)
class Source:
    """An earlier answer (``answer:<index id>``) or a standard line (``line:<id>``)."""

    kind: str
    id: int

    @property
    def token(self) -> str:
        return f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, value: str | None) -> Source:
        match = _SOURCE.match((value or "").strip())
        if match is None:
            raise DomainError(_("Choose an earlier answer or a standard line."), {"source": _("Choose an earlier answer or a standard line.")})
        return cls(match.group(1), int(match.group(2)))


def load_source(source: Source, *, today: dt.date) -> IndexedAnswer | StandardLine:
    """The source, if it may still be offered: an answer not superseded, a line not expired."""
    if source.kind == "answer":
        answer = db.session.get(IndexedAnswer, source.id)
        if answer is None or answer.superseded_by_id is not None:
            raise DomainError(_("This earlier answer is no longer offered."), kind=Kind.not_found)
        return answer
    line = db.session.get(StandardLine, source.id)
    if line is None:
        raise DomainError(_("There is no such standard line."), kind=Kind.not_found)
    if line.expired(today):
        raise DomainError(_("This standard line expired on %(date)s and is no longer offered.", date=line.valid_until.isoformat()), kind=Kind.conflict)
    return line


def source_text(item: IndexedAnswer | StandardLine) -> str:
    return item.answer_text if isinstance(item, IndexedAnswer) else item.text


def context_for(case: Case, number: int | None = None) -> ranking.Context:
    """What a question of ``case`` shares with hits: the dossier, the members, the directorate
    (the question's own, else the case's lead directorate)."""
    question = next((q for q in case.questions if q.number == number), None)
    directorate_id = (question.directorate_id if question is not None else None) or case.lead_directorate_id
    return ranking.Context(dossier=case.dossier, member_ids=frozenset(m.id for m in case.members), directorate_id=directorate_id)


def question_of(letter: Letter, number: int) -> tuple[Case, Any]:
    """The written-questions case the letter answers and its question ``number``; 404 otherwise."""
    case = questions_case(letter)
    question = next((q for q in case.questions if q.number == number), None) if case is not None else None
    if case is None or question is None:
        raise DomainError(_("This letter has no question %(n)s.", n=number), kind=Kind.not_found)
    return case, question


def proposals(letter: Letter, number: int, *, query: str | None = None, today: dt.date, limit: int = 5) -> dict[str, list[ranking.Ranked]]:
    """Earlier answers and valid standard lines for one question of the letter: the closest to
    the question itself, or to ``query`` when the drafter searched."""
    case, question = question_of(letter, number)
    context = context_for(case, number)
    text = query if query and query.strip() else question.text
    return {"answers": search.search(text, context, limit=limit), "lines": standard_lines.search(text, context, today=today, limit=3)}


def merged_answers(answers: Sequence[dict[str, Any]], number: int, text: str) -> list[dict[str, Any]]:
    """The letter's answers with ``text`` as the own answer to question ``number`` (it leaves a
    group it was in; a group left without numbers goes). Pure."""
    out = []
    for item in answers:
        rest = [n for n in item.get("questions", []) if n != number]
        if rest:
            out.append({**item, "questions": rest})
    out.append({"questions": [number], "text": text})
    return sorted(out, key=lambda a: a["questions"][0])


def record_source(letter: Letter, number: int, item: IndexedAnswer | StandardLine, *, actor: User | None, edited: bool = False) -> None:
    """The letter's history notes where the answer to question ``number`` came from."""
    if isinstance(item, IndexedAnswer):
        record(
            "letter:answer_source", letter,
            f"Answer to question {number} taken from letter {item.letter_id} ({item.case_reference}, question {item.question_number})",
            actor=actor, question=number, source="answer", source_letter_id=item.letter_id, source_case=item.case_reference,
            source_question=item.question_number, source_sent_on=item.sent_on, edited=edited,
        )
    else:
        record(
            "letter:answer_source", letter,
            f"Answer to question {number} taken from standard line {item.id} (version {item.version})",
            actor=actor, question=number, source="line", line_id=item.id, line_title=item.title, line_version=item.version,
            directorate=item.directorate.code, edited=edited,
        )


def use(letter: Letter, number: int, source: Source, *, expected_version: int, actor: User | None, today: dt.date) -> Letter:
    """Put the source's text in the answer to question ``number`` (through the letter's edit)
    and note the source in the letter's history."""
    if letter.status != LetterStatus.draft:
        raise DomainError(_("Only draft letters can be changed."), kind=Kind.conflict)
    question_of(letter, number)
    item = load_source(source, today=today)
    answers = merged_answers(letter.answers or [], number, source_text(item))
    letter_services.update_letter(letter, letter_services.LetterInput(answers=answers), expected_version=expected_version, actor=actor)
    record_source(letter, number, item, actor=actor)
    return letter


def record_sources_from_form(letter: Letter, form: Any, *, actor: User | None, today: dt.date) -> int:
    """After the editor saved: each ``answer-source-<n>`` the editor's script filled names a
    source used for question n; noted once, marked "edited" when the saved text differs."""
    saved = {n: item.get("text", "") for item in letter.answers or [] for n in item.get("questions", [])[:1] if not item.get("see")}
    count = 0
    for key in form:
        match = re.fullmatch(r"answer-source-(\d{1,4})", key)
        if match is None or not form.get(key):
            continue
        number = int(match.group(1))
        try:
            item = load_source(Source.parse(form.get(key)), today=today)
        except DomainError:
            continue  # a source gone since the page was opened: the text stays, unattributed
        record_source(letter, number, item, actor=actor, edited=saved.get(number, "").strip() != source_text(item).strip())
        count += 1
    return count


# -- related cases ---------------------------------------------------------------------------


@dataclasses.dataclass
class Related:
    case: Case
    reasons: list[str]
    answers: list[IndexedAnswer]


#: a related statement's row: the candidate case (None for a text match), its part, its place in
#: the part, one of its answers; then a text match's answer, score, case and what ranking reads
_TEXT_AND, _TEXT_OR = 3, 4


@functools.cache
def _related_statement(dialect: str, dossier: bool, members: bool, text: bool, text_and: bool = False,
                       text_or: bool = False) -> sa.Select[Any]:
    """``related_cases``' statement for the parts a case has, built once per process (its cache
    key is memoized on it); bound to the case's id, the limit, its dossier, its members' ids, the
    cases found by text (``text``) and the text search's steps' values (``search.match_params``
    with the prefixes ``and_`` and ``or_``, and ``need``).

    The candidate cases (what the list shows of them, nothing related) with their answers, a row
    per (case, part, answer): at most two parts of at most ``limit`` cases (dossier newest first,
    members most shared first), or the cases found by text. Beside them, one row per text match
    (``text_and``, ``text_or``: the search's AND and OR steps, ``search.candidates``; the OR only
    when the AND found fewer than ``need``) with what ranking reads of the answer and its case."""
    case_id, limit = sa.bindparam("case_id", type_=sa.Integer), sa.bindparam("limit", type_=sa.Integer)
    hit_columns: list[Any] = [
        sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.REAL if dialect == "postgresql" else sa.Float),
        sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), IndexedAnswer.dossier.type),
        sa.cast(sa.null(), IndexedAnswer.member_ids.type), sa.cast(sa.null(), sa.Integer), sa.cast(sa.null(), sa.Date),
    ]
    hit_names = ("hit_id", "hit_score", "hit_case_id", "hit_dossier", "hit_member_ids", "hit_directorate_id", "hit_sent_on")
    no_hit = [c.label(n) for c, n in zip(hit_columns, hit_names)]
    parts: list[sa.Select[Any]] = []
    if dossier:
        by_dossier = (
            sa.select(Case.id.label("cid"), Case.received_on.label("received"))
            .where(Case.dossier == sa.bindparam("dossier"), Case.id != case_id)
            .order_by(Case.received_on.desc())
            .limit(limit)
            .subquery()
        )
        parts.append(
            sa.select(
                by_dossier.c.cid, sa.literal(0).label("part"),
                sa.func.row_number().over(order_by=(by_dossier.c.received.desc(),)).label("place"), *no_hit,
            )
        )
    if members:
        shared = sa.func.count()
        by_members = (
            sa.select(case_members.c.case_id.label("cid"), shared.label("shared"), Case.received_on.label("received"))
            .join(Case, Case.id == case_members.c.case_id)
            .where(case_members.c.member_id.in_(sa.bindparam("member_ids", expanding=True)), Case.id != case_id)
            .group_by(case_members.c.case_id, Case.received_on)
            .order_by(shared.desc(), Case.received_on.desc())
            .limit(limit)
            .subquery()
        )
        parts.append(
            sa.select(
                by_members.c.cid, sa.literal(1).label("part"),
                sa.func.row_number().over(order_by=(by_members.c.shared.desc(), by_members.c.received.desc())).label("place"),
                *no_hit,
            )
        )
    if text:
        parts.append(
            sa.select(Case.id.label("cid"), sa.literal(2).label("part"), sa.literal(0).label("place"), *no_hit)
            .where(Case.id.in_(sa.bindparam("by_text", expanding=True)))
        )
    steps = [(_TEXT_AND, "and_", True)] if text_and else []
    steps += [(_TEXT_OR, "or_", False)] if text_or else []
    found_and: Any = None
    for part, prefix, all_required in steps:
        matches = search.match_select(dialect, all_required=all_required, exclude=True, prefix=prefix)
        if part == _TEXT_OR and found_and is not None:
            # the OR only when the AND found fewer than needed (a condition on no row: each
            # database checks it once, before it reads a match)
            matches = matches.where(sa.select(sa.func.count()).select_from(found_and).scalar_subquery() < sa.bindparam("need"))
        found: Any = matches.cte(f"text_{prefix}matches")
        if part == _TEXT_AND:
            found_and = found
        parts.append(
            sa.select(
                sa.cast(sa.null(), sa.Integer).label("cid"), sa.literal(part).label("part"), sa.cast(sa.null(), sa.Integer).label("place"),
                *(c.label(n) for c, n in zip(
                    (found.c.id, found.c.score, IndexedAnswer.case_id, IndexedAnswer.dossier, IndexedAnswer.member_ids,
                     IndexedAnswer.directorate_id, IndexedAnswer.sent_on),
                    hit_names,
                )),
            ).join(IndexedAnswer, IndexedAnswer.id == found.c.id)
        )
    candidates = sa.union_all(*parts).subquery()
    return (
        sa.select(Case, candidates.c.part, candidates.c.place, IndexedAnswer, *(candidates.c[n] for n in hit_names))
        .select_from(candidates)
        .outerjoin(Case, Case.id == candidates.c.cid)
        .outerjoin(IndexedAnswer, sa.and_(IndexedAnswer.case_id == Case.id, IndexedAnswer.superseded_by_id.is_(None)))
        .order_by(candidates.c.cid, candidates.c.part, IndexedAnswer.question_number)
        .options(
            orm.Load(Case).load_only(Case.id, Case.reference, Case.subject, Case.status, Case.received_on),
            orm.Load(Case).raiseload("*"),
            # what the page shows of an answer: not its index columns nor its directorate
            orm.Load(IndexedAnswer).load_only(
                IndexedAnswer.id, IndexedAnswer.letter_id, IndexedAnswer.case_id, IndexedAnswer.question_number,
                IndexedAnswer.question_text, IndexedAnswer.answer_text, IndexedAnswer.sent_on,
            ),
            orm.Load(IndexedAnswer).lazyload(IndexedAnswer.directorate),
        )
    )


def related_cases(case: Case, *, limit: int = 8) -> list[Related]:
    """Earlier cases on the same subject: the same dossier, the same members, similar question
    text (from the answer index), each with the answers it got.

    One statement (``_related_statement``): the candidates by dossier and by members with their
    answers, and the text search's matches (its steps, ``search.candidates``); the matches are
    ranked here as ``search.search`` ranks them. The cases found by text and by nothing else are
    read with their answers by a second statement, only when there are any."""
    dialect = db.session.get_bind().dialect.name
    # by text: the search's best hits for the questions (else the subject), as search.search finds them
    query = (" ".join(q.text for q in case.questions) or case.subject)[: search.MAX_QUERY]
    planned, words_of = search.plan(query, dialect)
    take_and, take_or = search.steps(planned) if not planned.empty else (False, False)
    need = min(limit, search.POOL)
    member_ids = [m.id for m in case.members]
    if not (case.dossier or member_ids or take_and or take_or):
        return []
    # (a statement ignores the values of the parts it does not have)
    params: dict[str, Any] = {"case_id": case.id, "limit": limit, "dossier": case.dossier, "member_ids": member_ids, "need": need}
    for take, prefix, all_required in ((take_and, "and_", True), (take_or, "or_", False)):
        if take:
            params.update(search.match_params(dialect, planned, words_of, all_required=all_required, pool=search.POOL,
                                              exclude_case_id=case.id, prefix=prefix))
    found: dict[int, set[int]] = {}
    first: dict[int, tuple[int, int]] = {}
    cases: dict[int, Case] = {}
    answers: dict[int, dict[int, IndexedAnswer]] = {}
    hits: dict[int, list[Any]] = {_TEXT_AND: [], _TEXT_OR: []}

    def read(statement: sa.Select[Any]) -> None:
        for related, part, place, a, *hit in db.session.execute(statement, params):
            if related is None:
                hits[part].append(hit)
                continue
            cases[related.id] = related
            found.setdefault(related.id, set()).add(part)
            first[related.id] = min(first.get(related.id, (part, place)), (part, place))
            if a is not None:
                answers.setdefault(related.id, {})[a.id] = a

    read(_related_statement(dialect, bool(case.dossier), bool(member_ids), False, take_and, take_or))
    best = search.merged([(h[0], float(h[1])) for h in hits[_TEXT_AND]], [(h[0], float(h[1])) for h in hits[_TEXT_OR]],
                         planned, pool=search.POOL, need=need)
    by_text: list[int] = []
    if best:
        columns = {h[0]: h for h in (*hits[_TEXT_AND], *hits[_TEXT_OR])}
        ranked = ranking.rank(
            [
                ranking.Candidate(id=i, text_score=score, dossier=columns[i][3], member_ids=frozenset(columns[i][4] or ()),
                                  directorate_id=columns[i][5], sent_on=columns[i][6], item=columns[i][2])
                for i, score in best
            ],
            context_for(case),
            limit=limit,
        )
        by_text = list(dict.fromkeys(r.item for r in ranked))
    for cid in by_text:
        if cid in found:
            found[cid].add(2)
            first[cid] = min(first[cid], (2, 0))
    missing = [cid for cid in by_text if cid not in found]
    if missing:
        params["by_text"] = missing
        read(_related_statement(dialect, False, False, True))
    reasons = {cid: [("dossier", "members", "text")[p] for p in sorted(parts)] for cid, parts in found.items()}
    # the order they were found in (dossier, members, then text as ranked), then most reasons first
    order = sorted(found, key=lambda cid: first[cid] if first[cid][0] < 2 else (2, by_text.index(cid)))
    out = [Related(cases[cid], reasons[cid], list(answers.get(cid, {}).values())) for cid in order]
    out.sort(key=lambda r: (-len(r.reasons), -r.case.received_on.toordinal()))
    return out[:limit]
