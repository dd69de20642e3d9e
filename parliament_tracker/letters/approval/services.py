"""Letter workflow verbs: submit for approval, approve or request changes, send, withdraw.

Each verb asks the transition table (``transitions``) whether the letter's stage and the
actor's role allow the step, changes the rows, writes the audit entry, flushes, moves the
cases the letter answers (``cases``) and announces the step (``signals.letter_status_changed``);
the caller commits (one commit per request). Signing is ``signing.sign``. A signed or sent
letter is immutable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from flask_babel import gettext as _

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import PERMISSIONS
from parliament_tracker.cases.models import Case
from parliament_tracker.db import now_utc, today_local
from parliament_tracker.deadlines import overrides as deadline_overrides
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.i18n import format_day
from parliament_tracker.letters import services
from parliament_tracker.letters.approval import cases as following
from parliament_tracker.letters.approval.models import Approval, ApprovalDecision
from parliament_tracker.letters.approval.transitions import Stage, is_allowed
from parliament_tracker.letters.models import Letter, LetterCaseRole, LetterKind, LetterStatus
from parliament_tracker.signals import letter_status_changed, postponement_sent

MAX_COMMENT = 5000


class WrongState(DomainError):
    """The letter is not in a state that allows this step."""

    kind = Kind.conflict


class NotAllowed(DomainError):
    """This user may not take this step on this letter (not the current approver, own draft…)."""

    kind = Kind.refused


# Re-exported: services.LetterLocked is raised by the editing verbs there.
LetterLocked = services.LetterLocked


def approver_roles() -> frozenset:
    return PERMISSIONS["letter.approve"]


# --------------------------------------------------------------------------- stages


def stage_of(letter: Letter) -> Stage:
    """The letter's stage: its status, or "changes requested" for a draft an approver sent back."""
    if letter.status == LetterStatus.draft and any(
        a.decision == ApprovalDecision.changes_requested for a in approvals(letter)
    ):
        return Stage.changes_requested
    return Stage(letter.status.value)


def check_step(letter: Letter, target: Stage, actor: User) -> Stage:
    """The letter's stage, if the table lets the actor's role move it to ``target``."""
    stage = stage_of(letter)
    if not is_allowed(stage, target, actor.role):
        raise NotAllowed(
            _(
                "A %(role)s cannot move a letter from “%(from)s” to “%(to)s”.",
                role=actor.role.label,
                **{"from": stage.label, "to": target.label},
            )
        )
    return stage


def announce(
    letter: Letter,
    before: Stage,
    after: Stage,
    actor: User | None,
    *,
    comment: str = "",
    next_approvers: Sequence[User] = (),
    pending_approvers: Sequence[User] = (),
) -> None:
    letter_status_changed.send(
        letter,
        before=before.status,
        after=after.status,
        actor=actor,
        comment=comment,
        next_approvers=list(next_approvers),
        stage=after,
        pending_approvers=list(pending_approvers),
    )


# --------------------------------------------------------------------------- approvals


def current_round(letter: Letter) -> int:
    return db.session.scalar(sa.select(sa.func.max(Approval.round)).where(Approval.letter_id == letter.id)) or 0


def approvals(letter: Letter, round_: int | None = None) -> list[Approval]:
    round_ = current_round(letter) if round_ is None else round_
    return list(
        db.session.scalars(
            sa.select(Approval)
            .where(Approval.letter_id == letter.id, Approval.round == round_)
            .order_by(Approval.position)
        )
    )


def all_approvals(letter: Letter) -> list[Approval]:
    return list(
        db.session.scalars(
            sa.select(Approval).where(Approval.letter_id == letter.id).order_by(Approval.round, Approval.position)
        )
    )


def current_approval(letter: Letter) -> Approval | None:
    """The approval whose turn it is (None unless the letter is in review)."""
    if letter.status != LetterStatus.in_review:
        return None
    for approval in approvals(letter):
        if approval.decision == ApprovalDecision.pending:
            return approval
    return None


def awaiting(user: User) -> list[Letter]:
    """Letters in review whose current approver is ``user``."""
    candidates = db.session.scalars(
        sa.select(Letter)
        .join(Approval, Approval.letter_id == Letter.id)
        .where(
            Letter.status == LetterStatus.in_review,
            Approval.approver_id == user.id,
            Approval.decision == ApprovalDecision.pending,
        )
        .order_by(Letter.updated_at, Letter.id)  # a total order, whatever the plan
    ).unique()
    out = []
    for letter in candidates:
        current = current_approval(letter)
        if current is not None and current.approver_id == user.id:
            out.append(letter)
    return out


def possible_approvers(letter: Letter | None = None, actor: User | None = None) -> list[User]:
    users = db.session.scalars(
        sa.select(User).where(User.role.in_(list(approver_roles())), User.is_enabled).order_by(User.display_name)
    ).all()
    excluded = {u.id for u in (actor, letter.created_by if letter else None) if u is not None}
    return [u for u in users if u.id not in excluded]


def _comment(comment: str | None) -> str:
    comment = (comment or "").strip()
    if len(comment) > MAX_COMMENT:
        message = _("The comment is too long (at most %(n)d characters).", n=MAX_COMMENT)
        raise DomainError(message, {"comment": message})
    return comment


def _check_approvers(letter: Letter, approvers: Sequence[User], actor: User) -> None:
    if not approvers:
        message = _("Choose at least one approver.")
        raise DomainError(message, {"approvers": message})
    seen: set[int] = set()
    for user in approvers:
        if user.id in seen:
            message = _("%(name)s is in the list twice.", name=user.display_name)
            raise DomainError(message, {"approvers": message})
        seen.add(user.id)
        if user.id == actor.id or (letter.created_by_id is not None and user.id == letter.created_by_id):
            message = _("Nobody approves their own draft: choose someone else than %(name)s.", name=user.display_name)
            raise DomainError(message, {"approvers": message})
        if user.role not in approver_roles() or not user.is_enabled:
            message = _(
                "%(name)s cannot approve letters (role: %(role)s).", name=user.display_name, role=user.role.label
            )
            raise DomainError(message, {"approvers": message})


def submit(letter: Letter, approvers: Sequence[User], *, actor: User) -> list[Approval]:
    """Send a draft to one or more approvers, who decide in the given order."""
    if letter.status != LetterStatus.draft:
        raise WrongState(
            _("Only a draft can be submitted for approval; this letter is “%(s)s”.", s=letter.status.label)
        )
    if letter.latest_version is None:
        raise WrongState(_("Generate or upload the letter before submitting it for approval."))
    before = check_step(letter, Stage.in_review, actor)
    _check_approvers(letter, approvers, actor)
    round_ = current_round(letter) + 1
    rows = [
        Approval(letter_id=letter.id, round=round_, position=i, approver=user) for i, user in enumerate(approvers, 1)
    ]
    db.session.add_all(rows)
    letter.status = LetterStatus.in_review
    db.session.flush()
    names = [u.username for u in approvers]
    record(
        "letter:submitted",
        letter,
        f"Letter {letter.id} submitted for approval to {', '.join(names)}",
        actor=actor,
        changes={"status": (LetterStatus.draft, LetterStatus.in_review)},
        approvers=names,
        round=round_,
        version=letter.latest_version.number,
    )
    following.follow(letter, "submitted", actor)
    announce(letter, before, Stage.in_review, actor, next_approvers=[approvers[0]])
    return rows


def _turn(letter: Letter, actor: User) -> Approval:
    if letter.status != LetterStatus.in_review:
        raise WrongState(_("This letter is not waiting for approval (it is “%(s)s”).", s=letter.status.label))
    current = current_approval(letter)
    if current is None:  # pragma: no cover - in review always has a pending approval
        raise WrongState(_("This letter is not waiting for approval."))
    if letter.created_by_id == actor.id:
        raise NotAllowed(_("Nobody approves their own draft."))
    if current.approver_id != actor.id:
        raise NotAllowed(
            _("It is %(name)s's turn to decide on this letter, not yours.", name=current.approver.display_name)
        )
    return current


def approve(letter: Letter, *, actor: User, comment: str = "") -> Approval:
    current = _turn(letter, actor)
    check_step(letter, Stage.approved, actor)
    current.decision = ApprovalDecision.approved
    current.comment = _comment(comment)
    current.decided_at = now_utc()
    pending = [a for a in approvals(letter) if a.decision == ApprovalDecision.pending]
    last = not pending
    if last:
        # The final rendering (date and Ons kenmerk fixed) is made now, once; signing signs it as is.
        from parliament_tracker.letters.approval.signing import render_approved

        render_approved(letter, actor)
        letter.status = LetterStatus.approved
    db.session.flush()
    record(
        "letter:approved",
        letter,
        f"Letter {letter.id} approved by {actor.username}" + (" (last approval)" if last else ""),
        actor=actor,
        changes={"status": (LetterStatus.in_review, letter.status)} if last else None,
        comment=current.comment,
        position=current.position,
        round=current.round,
    )
    if last:
        following.follow(letter, "approved", actor)
    after = Stage.approved if last else Stage.in_review
    announce(letter, Stage.in_review, after, actor, comment=current.comment, next_approvers=[a.approver for a in pending[:1]])
    return current


def request_changes(letter: Letter, *, actor: User, comment: str) -> Approval:
    current = _turn(letter, actor)
    check_step(letter, Stage.changes_requested, actor)
    comment = _comment(comment)
    if not comment:
        message = _("Say what should change.")
        raise DomainError(message, {"comment": message})
    current.decision = ApprovalDecision.changes_requested
    current.comment = comment
    current.decided_at = now_utc()
    letter.status = LetterStatus.draft
    db.session.flush()
    record(
        "letter:changes_requested",
        letter,
        f"Changes requested by {actor.username}",
        actor=actor,
        changes={"status": (LetterStatus.in_review, LetterStatus.draft)},
        comment=comment,
        position=current.position,
        round=current.round,
    )
    following.follow(letter, "changes_requested", actor)
    announce(letter, Stage.in_review, Stage.changes_requested, actor, comment=comment)
    return current


def withdraw(letter: Letter, *, actor: User, comment: str = "") -> Letter:
    """Withdraw a letter that has not been sent: it will not go; the cases it answered are
    back in drafting (a new answer letter can be started)."""
    if letter.status in (LetterStatus.sent, LetterStatus.withdrawn):
        raise WrongState(_("A letter that is “%(s)s” cannot be withdrawn.", s=letter.status.label))
    before = check_step(letter, Stage.withdrawn, actor)
    comment = _comment(comment)
    current = current_approval(letter)
    letter.status = LetterStatus.withdrawn
    db.session.flush()
    record(
        "letter:withdrawn",
        letter,
        f"Letter {letter.id} withdrawn",
        actor=actor,
        changes={"status": (before.status, LetterStatus.withdrawn)},
        comment=comment,
    )
    following.follow(letter, "withdrawn", actor)
    pending = [current.approver] if current is not None else []
    announce(letter, before, Stage.withdrawn, actor, comment=comment, pending_approvers=pending)
    return letter


# --------------------------------------------------------------------------- sending


def _record_postponement(case: Case, letter: Letter, actor: User) -> None:
    """A sent postponement notice: written questions get 6 weeks instead of 3 (the deadlines
    service records it on the case, recomputes and writes the audit entry)."""
    try:
        deadline_overrides.record_postponement(case, letter.sent_on, letter.postponement_reason or "", actor=actor)
    except DomainError as exc:  # refused date or reason, with its own message
        raise DomainError(exc.message, {"sent_on": exc.message}) from exc


def _check_sent_on(letter: Letter, sent_on: dt.date | None) -> dt.date:
    if sent_on is None:
        message = _("Enter the date the letter was sent.")
        raise DomainError(message, {"sent_on": message})
    if letter.letter_date and sent_on < letter.letter_date:
        message = _("The letter cannot be sent before its date (%(d)s).", d=format_day(letter.letter_date))
        raise DomainError(message, {"sent_on": message})
    if sent_on > today_local() + dt.timedelta(days=1):
        message = _("The date sent cannot be in the future.")
        raise DomainError(message, {"sent_on": message})
    return sent_on


def send(letter: Letter, *, sent_on: dt.date | None, actor: User) -> Letter:
    """Record the date the signed letter was sent: the cases it answers are answered on that
    date; a postponement notice gives its cases the longer term."""
    if letter.status != LetterStatus.signed:
        raise WrongState(_("Only a signed letter can be sent; this letter is “%(s)s”.", s=letter.status.label))
    check_step(letter, Stage.sent, actor)
    letter.sent_on = _check_sent_on(letter, sent_on)
    letter.status = LetterStatus.sent
    db.session.flush()
    record(
        "letter:sent",
        letter,
        f"Letter {letter.id} sent on {letter.sent_on}",
        actor=actor,
        changes={"status": (LetterStatus.signed, LetterStatus.sent)},
        sent_on=letter.sent_on,
    )
    following.follow(letter, "sent", actor, answered_on=letter.sent_on)
    postponed = [
        link.case
        for link in letter.case_links
        if link.role == LetterCaseRole.postpones and letter.kind == LetterKind.postponement_notice
    ]
    for case in postponed:
        _record_postponement(case, letter, actor)
    announce(letter, Stage.signed, Stage.sent, actor)
    if postponed:
        postponement_sent.send(letter, cases=postponed, actor=actor)
    return letter
