"""Links between cases: made and removed (audited at both ends), listed from either end, and
the cases a case's texts mention that are not linked yet."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import load_only, raiseload

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.cases import references
from parliament_tracker.cases.models import Case, CaseLink, LinkType
from parliament_tracker.cases.services import find_case
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db


class CaseNotFound(DomainError):
    kind = Kind.not_found


class AlreadyLinked(DomainError):
    kind = Kind.conflict


#: a linked case: its reference, subject and status, nothing related
LINKED_COLUMNS = (Case.id, Case.reference, Case.subject, Case.kind, Case.status)


def _link_between(case: Case, other: Case) -> CaseLink | None:
    """The link between two cases, whichever end it was made from."""
    return db.session.scalar(
        db.select(CaseLink).where(
            sa.or_(
                sa.and_(CaseLink.source_id == case.id, CaseLink.target_id == other.id),
                sa.and_(CaseLink.source_id == other.id, CaseLink.target_id == case.id),
            )
        )
    )


def add_link(case: Case, other_reference: str, link_type: LinkType, *, actor: User | None = None) -> CaseLink:
    """Link two cases. The link is stored once and shown from both ends."""
    ref = references.normalise(other_reference)
    other = find_case(ref)
    if other is None:
        message = _("No case with reference %(ref)s.", ref=ref or "…")
        raise CaseNotFound(message, {"reference": message})
    if other.id == case.id:
        raise DomainError(_("A case cannot be linked to itself."), {"reference": _("A case cannot be linked to itself.")})
    existing = _link_between(case, other)
    if existing is not None:
        raise AlreadyLinked(
            _("These cases are already linked (%(type)s).", type=existing.link_type.label),
            {"reference": _("Already linked.")},
        )
    link = CaseLink(source=case, target=other, link_type=link_type, created_by_id=actor.id if actor else None)
    db.session.add(link)
    db.session.flush()
    for end, far in ((case, other), (other, case)):
        record("case:linked", end, f"{end.reference} linked to {far.reference} ({link_type.value})", actor=actor, other=far.reference, link_type=link_type)
    return link


def remove_link(case: Case, other_reference: str, *, actor: User | None = None) -> None:
    other = find_case(other_reference)
    link = _link_between(case, other) if other is not None else None
    if link is None or other is None:
        raise CaseNotFound(_("These cases are not linked."), {"reference": _("These cases are not linked.")})
    link_type = link.link_type
    db.session.delete(link)
    db.session.flush()
    for end, far in ((case, other), (other, case)):
        record("case:unlinked", end, f"{end.reference} unlinked from {far.reference}", actor=actor, other=far.reference, link_type=link_type)


#: the case at a link's other end: a ``Case`` (``links_of``) or what the case page shows of it
_Other = TypeVar("_Other")


@dataclasses.dataclass(frozen=True)
class LinkView(Generic[_Other]):
    case: _Other
    title: str
    link_type: LinkType
    outgoing: bool


@dataclasses.dataclass(frozen=True, slots=True)
class LinkedCase:
    """What the case page shows of a linked or mentioned case."""

    id: int
    reference: str
    subject: str


def links_of(case: Case) -> list[LinkView[Case]]:
    """The case's links with the case at their other end (its reference, subject, kind and
    status only), in one statement."""
    other_id = sa.case((CaseLink.source_id == case.id, CaseLink.target_id), else_=CaseLink.source_id)
    rows = db.session.execute(
        db.select(CaseLink, Case)
        .join(Case, Case.id == other_id)
        .where(sa.or_(CaseLink.source_id == case.id, CaseLink.target_id == case.id))
        .order_by(CaseLink.id)
        .options(raiseload("*"), load_only(*LINKED_COLUMNS))
    ).all()
    result = []
    for link, other in rows:
        if link.source_id == case.id:
            result.append(LinkView(other, link.link_type.label, link.link_type, True))
        else:
            result.append(LinkView(other, link.link_type.reverse_label, link.link_type, False))
    return result


def _mentioned(case: Case) -> list[str]:
    """The references the case's texts (subject, notes, questions) mention, not its own."""
    return [r for r in references.find_references([case.subject, case.notes, *(q.text for q in case.questions)]) if r != case.reference]


def case_page_link_params(case: Case) -> dict[str, Any]:
    """The case page's links part's own parameter: the references the case's texts mention."""
    return {"mentioned": _mentioned(case)}


def case_page_link_rows() -> sa.Select[Any]:
    """The case page's links part (read with the page's other parts, ``page_hooks.CasePagePart``):
    the other ends of the case's links and the cases its texts mention, as one list of ids
    joined to the cases (their id, reference and subject); a mention's link columns are NULL."""
    case_id = sa.bindparam("case_id", type_=sa.Integer)
    other_id = sa.case((CaseLink.source_id == case_id, CaseLink.target_id), else_=CaseLink.source_id)
    ends = sa.union_all(
        sa.select(
            other_id.label("cid"),
            CaseLink.id.label("link_id"),
            CaseLink.link_type.label("link_type"),
            (CaseLink.source_id == case_id).label("outgoing"),
        ).where(sa.or_(CaseLink.source_id == case_id, CaseLink.target_id == case_id)),
        sa.select(Case.id, sa.null(), sa.null(), sa.null()).where(Case.reference.in_(sa.bindparam("mentioned", expanding=True))),
    ).subquery()
    return sa.select(
        Case.id.label("linked_id"), Case.reference.label("linked_reference"), Case.subject.label("linked_subject"),
        ends.c.link_id, sa.type_coerce(ends.c.link_type, CaseLink.link_type.type).label("link_type"),
        sa.type_coerce(ends.c.outgoing, sa.Boolean).label("outgoing"),
    ).join(ends, ends.c.cid == Case.id)


def case_page_links(case: Case, rows: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """The case page's ``links`` (by link, as made) and ``suggestions`` (the mentioned cases not
    linked yet, by id) from ``case_page_link_rows``' rows."""
    links: list[LinkView[LinkedCase]] = []
    mentions: list[LinkedCase] = []
    for case_id, reference, subject, link_id, link_type, outgoing in sorted(rows, key=lambda r: (r[3] or 0, r[0])):
        other = LinkedCase(case_id, reference, subject)
        if link_id is None:
            mentions.append(other)
        else:
            links.append(LinkView(other, link_type.label if outgoing else link_type.reverse_label, link_type, bool(outgoing)))
    linked = {v.case.id for v in links}
    return {"links": links, "suggestions": [c for c in mentions if c.id not in linked]}
