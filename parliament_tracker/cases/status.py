"""A case's status changes: a user's move (the workflow table, by role) and a system move (the
case following its answer letter, the Kamer's published answer). The one place a case's status
and its answered date are written; every change is audited, followed by the deadlines and sent
as ``case_status_changed``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm.attributes import set_committed_value

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.cases.follower import follower
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.services import StaleCase
from parliament_tracker.cases.workflow import CaseStatus, is_allowed, is_system_move
from parliament_tracker.db import rowcount, today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.signals import case_status_changed


class TransitionRefused(DomainError):
    kind = Kind.conflict


def transition(
    case: Case,
    target: CaseStatus,
    *,
    actor: User,
    expected_version: int | None = None,
    comment: str = "",
    answered_on: dt.date | None = None,
) -> None:
    """Move a case to ``target`` if the workflow table allows it for the actor's role.
    ``answered_on``: the date answered, when not today (a demo or an import of old cases)."""
    if expected_version is not None and expected_version != case.version:
        raise StaleCase(case)
    if not is_allowed(case.status, target, actor.role):
        raise TransitionRefused(
            _(
                "A %(role)s cannot move a case from “%(from)s” to “%(to)s”.",
                role=actor.role.label,
                **{"from": case.status.label, "to": target.label},
            )
        )
    _change_status(case, target, actor=actor, comment=comment, answered_on=answered_on)


def system_transition(
    case: Case,
    target: CaseStatus,
    *,
    actor: User | None,
    reason: str,
    comment: str = "",
    answered_on: dt.date | None = None,
    **details: Any,
) -> bool:
    """A move the system makes (a case following its letter, the Kamer's published answer):
    allowed by the table's system transitions, audited and followed by the deadlines like any
    status change. ``reason`` is the untranslated why for the log line. False when the case
    already has that status; a move the table does not know is refused."""
    if case.status == target:
        return False
    if not is_system_move(case.status, target):
        raise TransitionRefused(
            _("A case cannot move from “%(from)s” to “%(to)s”.", **{"from": case.status.label, "to": target.label})
        )
    _change_status(case, target, actor=actor, comment=comment, reason=reason, answered_on=answered_on, system=True, **details)
    return True


def _change_status(
    case: Case,
    target: CaseStatus,
    *,
    actor: User | None,
    comment: str,
    reason: str = "",
    answered_on: dt.date | None = None,
    system: bool = False,
    **details: Any,
) -> None:
    """The one place a case's status and its answered date are written."""
    before = case.status
    values: dict[str, Any] = {"status": target}
    if target == CaseStatus.answered:
        values["answered_on"] = answered_on or today_local()
    elif before == CaseStatus.answered:
        values["answered_on"] = None
    if system:
        _set_status_quietly(case, before, values)
    else:
        for name, value in values.items():
            setattr(case, name, value)
        db.session.flush()
    record(
        "case:status_changed",
        case,
        f"case {case.reference}: {before.value} -> {target.value}" + (f" ({reason})" if reason else ""),
        actor=actor,
        changes={"status": (before, target)},
        comment=comment,
        **details,
    )
    follower().on_status_changed(case, before, target, actor)
    case_status_changed.send(case, before=before, after=target, actor=actor, reason=reason or comment)


def _set_status_quietly(case: Case, before: CaseStatus, values: dict[str, Any]) -> None:
    """A system move is not an edit of the case: written without touching ``version``, so a
    drafter's open edit form stays valid (as the Kamer sync's and the deadlines' columns are),
    and only while the status is still ``before``, so a concurrent move is never overwritten."""
    db.session.flush()
    result = db.session.execute(
        sa.update(Case).where(Case.id == case.id, Case.status == before).values(**values),
        execution_options={"synchronize_session": False},
    )
    if rowcount(result) != 1:
        raise sa.orm.exc.StaleDataError(f"case {case.reference} changed status at the same moment")
    for name, value in values.items():
        set_committed_value(case, name, value)
