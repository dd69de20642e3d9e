"""The worklist of one user: sections of items, each with what to do and where.

Reuses the dashboard's queries (``deadlines.queries``) and the approvals page's list
(``letters.approval.services.awaiting``) so the numbers agree wherever they are shown. Read-only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import url_for
from flask_babel import lazy_gettext as _l

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case, Question
from parliament_tracker.cases.workflow import OPEN, CaseStatus
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.deadlines import queries as deadline_queries
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.deadlines.progress import not_done_sql
from parliament_tracker.deadlines.rules import INTERNAL_KINDS, DeadlineKind
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.approval.models import Approval, ApprovalDecision
from parliament_tracker.letters.models import Letter, LetterCase, LetterCaseRole, LetterStatus
from parliament_tracker.notifications.jobs import EFFECTIVE

LIMIT = 100
#: the deadlines that are a step to take: the binding answer date and these (a superseded,
#: non-binding answer date, e.g. the three weeks after a postponement, is not a next step)
STEP_KINDS = sorted(INTERNAL_KINDS | {DeadlineKind.postponement_notice})


@dataclasses.dataclass
class Item:
    """One line of a worklist: a case or a letter, its date, and the step to take."""

    kind: str  # "case" | "letter" | "contribution" | "questions"
    reference: str
    title: str
    url: str
    due_on: dt.date | None = None
    status: str = ""
    step: str = ""
    step_due_on: dt.date | None = None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for name in ("due_on", "step_due_on"):
            data[name] = data[name].isoformat() if data[name] else None
        return data


@dataclasses.dataclass
class Section:
    key: str
    title: Any
    items: list[Item]
    #: how many there are in all (the list shows at most LIMIT)
    total: int
    empty: Any = dataclasses.field(default_factory=lambda: _l("Nothing here."))

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "title": str(self.title), "total": self.total, "items": [i.as_json() for i in self.items]}


SECTION_TITLES = {
    "my_cases": _l("My cases"),
    "sent_back": _l("Letters sent back to me"),
    "awaiting_approval": _l("Letters waiting for my approval"),
    "overdue": _l("Overdue"),
    "due_this_week": _l("Due this week"),
    "to_sign": _l("Letters to sign"),
    "to_send": _l("Signed letters to send"),
    "new_from_kamer": _l("New from the Tweede Kamer"),
    "not_assigned": _l("Not yet assigned"),
    "monday_list": _l("On the coming Monday list"),
    "questions_assigned": _l("Questions assigned to me on other cases"),
    "contributions_asked": _l("Contributions asked of me"),
    "contributions_back": _l("Contributions I asked that came back"),
    "directorate_contributions": _l("Contributions asked of my directorate"),
}



def _case_item(case: Case, *, due_on: dt.date | None = None, step: str = "", step_due_on: dt.date | None = None, note: str = "") -> Item:
    return Item(
        "case",
        case.reference,
        case.subject,
        url_for("cases.show", reference=case.reference),
        due_on=due_on if due_on is not None else case.practical_due_on,
        status=case.status.label,
        step=step,
        step_due_on=step_due_on,
        note=note,
    )


def _letter_item(letter: Letter, due_on: dt.date | None = None, note: str = "") -> Item:
    cases = [link.case for link in letter.case_links if link.role == LetterCaseRole.answers] or letter.cases
    return Item(
        "letter",
        ", ".join(c.reference for c in cases) or f"#{letter.id}",
        letter.subject,
        url_for("letters.show", letter_id=letter.id),
        due_on=due_on if due_on is not None else min((c.practical_due_on for c in cases if c.practical_due_on), default=None),
        status=letter.status.label,
        note=note,
    )


def _section(key: str, items: list[Item], total: int | None = None) -> Section:
    return Section(key, SECTION_TITLES[key], items, len(items) if total is None else total)


def _deadline_items(rows: list[Deadline]) -> list[Item]:
    return [_case_item(d.case, due_on=d.effective_due_on) for d in rows]


# -- sections -----------------------------------------------------------------------------------


def my_cases(user: User, today: dt.date) -> Section:
    """Open cases I draft, by practical due date, with the next step not done and its date."""
    far = today + dt.timedelta(days=3650)
    rows, total = deadline_queries.binding_between(None, far, drafter_id=user.id, limit=LIMIT)
    case_ids = [d.case_id for d in rows]
    steps: dict[int, tuple[dt.date, Any]] = {}
    if case_ids:
        for case_id, kind, due in db.session.execute(
            sa.select(Deadline.case_id, Deadline.kind, EFFECTIVE)
            .join(Case, Case.id == Deadline.case_id)
            .where(Deadline.case_id.in_(case_ids), not_done_sql(), sa.or_(Deadline.is_binding, Deadline.kind.in_(STEP_KINDS)))
            # a total order: two steps due the same day must not be named by the query plan
            .order_by(EFFECTIVE, Deadline.id)
        ):
            steps.setdefault(case_id, (due, kind))
    items = []
    for d in rows:
        due, kind = steps.get(d.case_id, (None, None))
        items.append(_case_item(d.case, due_on=d.effective_due_on, step=kind.label if kind else "", step_due_on=due))
    return _section("my_cases", items, total)


def sent_back(user: User) -> Section:
    """Draft letters whose last decision was "changes requested", mine or on my cases."""
    letters = db.session.scalars(
        sa.select(Letter)
        .where(Letter.status == LetterStatus.draft)
        .where(
            sa.exists().where(Approval.letter_id == Letter.id, Approval.decision == ApprovalDecision.changes_requested)
        )
        .where(
            sa.or_(
                Letter.created_by_id == user.id,
                sa.exists()
                .where(LetterCase.letter_id == Letter.id, LetterCase.role == LetterCaseRole.answers)
                .where(LetterCase.case_id == Case.id, Case.drafter_id == user.id),
            )
        )
        .order_by(Letter.updated_at.desc(), Letter.id.desc())
        .limit(LIMIT)
    ).unique()
    items = []
    for letter in letters:
        last = workflow.approvals(letter)
        comment = next((a.comment for a in reversed(last) if a.decision == ApprovalDecision.changes_requested), None)
        if comment is None:  # an older round's request, already handled by a new submission
            continue
        items.append(_letter_item(letter, note=comment))
    return _section("sent_back", items)


def awaiting_approval(user: User) -> Section:
    """The approvals page's list, item for item."""
    return _section("awaiting_approval", [_letter_item(letter) for letter in workflow.awaiting(user)])


def _week_end(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=6 - today.weekday())


def overdue(today: dt.date, directorate_id: int | None) -> Section:
    rows, total = deadline_queries.overdue(today, directorate_id=directorate_id, limit=LIMIT)
    return _section("overdue", _deadline_items(rows), total)


def due_this_week(today: dt.date, directorate_id: int | None) -> Section:
    rows, total = deadline_queries.binding_between(today, _week_end(today), directorate_id=directorate_id, limit=LIMIT)
    return _section("due_this_week", _deadline_items(rows), total)


def _letters_in(status: LetterStatus) -> list[Letter]:
    """Letters in a status, the one whose case is due first first (no date last), then oldest."""
    due = (
        sa.select(sa.func.min(Case.practical_due_on))
        .join(LetterCase, LetterCase.case_id == Case.id)
        .where(LetterCase.letter_id == Letter.id)
        .scalar_subquery()
    )
    return list(
        db.session.scalars(
            sa.select(Letter).where(Letter.status == status).order_by(due.is_(None), due, Letter.updated_at, Letter.id).limit(LIMIT)
        ).unique()
    )


def to_sign() -> Section:
    return _section("to_sign", [_letter_item(letter) for letter in _letters_in(LetterStatus.approved)])


def to_send() -> Section:
    return _section("to_send", [_letter_item(letter) for letter in _letters_in(LetterStatus.signed)])


def new_from_kamer(today: dt.date) -> Section:
    """Registered in the last week by the Kamer sync (no actor on the case's creation)."""
    since = dt.datetime.combine(today - dt.timedelta(days=7), dt.time(), tzinfo=dt.UTC)
    cases = db.session.scalars(
        sa.select(Case)
        .join(AuditEntry, sa.and_(AuditEntry.object_type == "case", AuditEntry.object_id == Case.id))
        .where(AuditEntry.action == "case:created", AuditEntry.actor_id.is_(None), Case.created_at >= since)
        .order_by(Case.created_at.desc(), Case.id.desc())
        .limit(LIMIT)
    ).unique()
    return _section("new_from_kamer", [_case_item(c) for c in cases])


def not_assigned() -> Section:
    query = sa.select(Case).where(Case.status == CaseStatus.registered)
    total = db.session.scalar(query.with_only_columns(sa.func.count())) or 0
    cases = db.session.scalars(query.order_by(Case.practical_due_on.is_(None), Case.practical_due_on, Case.id).limit(LIMIT))
    return _section("not_assigned", [_case_item(c) for c in cases], total)


def monday_list(today: dt.date) -> Section:
    cases, total = deadline_queries.monday_list_preview(today, None, limit=LIMIT)
    return _section("monday_list", [_case_item(c) for c in cases], total)


def _contribution_item(c: Contribution, today: dt.date, *, note: str) -> Item:
    overdue = c.state == ContributionState.asked and c.due_on < today
    return Item(
        "contribution",
        c.case.reference,
        c.case.subject,
        url_for("contributions.show", contribution_id=c.id),
        due_on=c.due_on,
        status=str(_l("Overdue")) if overdue else c.state.label,
        note=note,
    )


def _contributions(query: sa.Select[Any], order: tuple[Any, ...]) -> tuple[list[Contribution], int]:
    total = db.session.scalar(query.with_only_columns(sa.func.count(Contribution.id)).order_by(None)) or 0
    return list(db.session.scalars(query.order_by(*order).limit(LIMIT)).unique()), total


def _asked_of(directorate_id: int | None, user_id: int | None) -> Any:
    """Still asked of this user, or of their directorate without a particular person."""
    mine = [Contribution.user_id == user_id] if user_id is not None else []
    if directorate_id is not None:
        mine.append(sa.and_(Contribution.user_id.is_(None), Contribution.directorate_id == directorate_id))
    return sa.and_(Contribution.state == ContributionState.asked, sa.or_(*mine) if mine else sa.false())


def contributions_asked(user: User, today: dt.date) -> Section:
    """Contributions asked of me, or of my directorate without naming anyone: due first first."""
    rows, total = _contributions(
        sa.select(Contribution).where(_asked_of(user.directorate_id, user.id)), (Contribution.due_on, Contribution.id)
    )
    return _section("contributions_asked", [_contribution_item(c, today, note=c.request_text[:200]) for c in rows], total)


def contributions_back(user: User, today: dt.date) -> Section:
    """Contributions I asked that were delivered, on cases still open: the latest first."""
    query = (
        sa.select(Contribution)
        .join(Case, Case.id == Contribution.case_id)
        .where(Contribution.asked_by_id == user.id, Contribution.state == ContributionState.delivered, Case.status.in_(OPEN))
    )
    rows, total = _contributions(query, (Contribution.delivered_at.desc(), Contribution.id.desc()))
    return _section("contributions_back", [_contribution_item(c, today, note=c.contributor_label) for c in rows], total)


def directorate_contributions(user: User, today: dt.date) -> Section:
    """Every contribution still asked of my directorate (whoever in it was asked): overdue
    ones are first, as they are due first."""
    query = sa.select(Contribution).where(
        Contribution.state == ContributionState.asked,
        Contribution.directorate_id == user.directorate_id if user.directorate_id is not None else sa.false(),
    )
    rows, total = _contributions(query, (Contribution.due_on, Contribution.id))
    return _section("directorate_contributions", [_contribution_item(c, today, note=c.contributor_label) for c in rows], total)


def questions_assigned(user: User) -> Section:
    """Open cases someone else leads with questions assigned to me: one line per case with the
    question numbers, the case due first first."""
    base = (
        sa.select(Case.id)
        .join(Question, Question.case_id == Case.id)
        .where(Question.drafter_id == user.id, Case.status.in_(OPEN))
        .where(sa.or_(Case.drafter_id.is_(None), Case.drafter_id != user.id))
        .distinct()
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    cases = list(
        db.session.scalars(
            sa.select(Case)
            .where(Case.id.in_(base))
            .order_by(Case.practical_due_on.is_(None), Case.practical_due_on, Case.reference)
            .limit(LIMIT)
        )
    )
    numbers: dict[int, list[int]] = {}
    if cases:
        for case_id, number in db.session.execute(
            sa.select(Question.case_id, Question.number)
            .where(Question.case_id.in_([c.id for c in cases]), Question.drafter_id == user.id)
            .order_by(Question.case_id, Question.number)
        ):
            numbers.setdefault(case_id, []).append(number)
    items = []
    for case in cases:
        item = _case_item(case, note=str(_l("Questions %(numbers)s", numbers=", ".join(str(n) for n in numbers.get(case.id, [])))))
        item.kind = "questions"
        item.url += "#questions"
        items.append(item)
    return _section("questions_assigned", items, total)


# -- by role ------------------------------------------------------------------------------------


def for_user(user: User, today: dt.date) -> list[Section]:
    """The sections of this user's worklist, in the order they are shown."""
    role = user.role
    if role == Role.drafter:
        return [
            my_cases(user, today),
            questions_assigned(user),
            sent_back(user),
            contributions_asked(user, today),
            contributions_back(user, today),
        ]
    if role == Role.director:
        return [
            awaiting_approval(user),
            overdue(today, user.directorate_id),
            due_this_week(today, user.directorate_id),
            directorate_contributions(user, today),
            my_cases(user, today),
            contributions_back(user, today),
        ]
    if role == Role.signatory_office:
        return [to_sign(), to_send()]
    if role == Role.registrar:
        return [new_from_kamer(today), not_assigned(), to_send(), overdue(today, None), monday_list(today)]
    if role == Role.admin:
        return [awaiting_approval(user), not_assigned(), overdue(today, None), due_this_week(today, None), to_sign(), to_send()]
    # viewer: what is late and what is coming, nothing to act on
    return [overdue(today, None), due_this_week(today, None)]
