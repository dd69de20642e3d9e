"""The verbs that change a case's dates by hand: the postponement notice sent (written questions
then have six weeks) and a director's override of one deadline.

Like every service these write the audit entry, recompute through ``services.recompute_case``,
flush at most and leave the commit to the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _

from parliament_tracker.audit.services import record
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.db import now_utc, today_local
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.deadlines.services import in_range, recompute_case
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db


def record_postponement(case: Case, sent_on: dt.date | None, reason: str, *, actor: Any = None) -> None:
    """Record that the uitstelbericht was sent: written questions then have 6 weeks."""
    errors: dict[str, str] = {}
    if case.kind != CaseKind.written_questions:
        raise DomainError(_("Only written questions get a postponement notice."), {"sent_on": _("Not a set of written questions.")})
    if sent_on is None:
        errors["sent_on"] = _("Enter the date the postponement notice was sent.")
    elif sent_on < case.received_on:
        errors["sent_on"] = _("The notice cannot be sent before the questions were submitted.")
    elif sent_on > today_local() + dt.timedelta(days=1):
        errors["sent_on"] = _("The date sent cannot be in the future.")
    if not (reason or "").strip():
        errors["reason"] = _("Give the reason for the postponement.")
    elif len(reason) > 5000:
        errors["reason"] = _("The reason is too long.")
    if errors:
        raise DomainError(_("The postponement could not be recorded."), errors)
    changes: dict[str, tuple[Any, Any]] = {}
    if case.postponed_on != sent_on:
        changes["postponed_on"] = (case.postponed_on, sent_on)
    if (case.postponement_reason or "") != reason.strip():
        changes["postponement_reason"] = (case.postponement_reason, reason.strip())
    if not changes:
        return
    case.postponed_on = sent_on
    case.postponement_reason = reason.strip()
    db.session.flush()
    record("case:postponed", case, f"postponement notice for {case.reference} sent on {sent_on}", actor=actor, changes=changes)
    recompute_case(case, actor, "postponement notice sent", cause={"code": "postponed", "date": sent_on.isoformat() if sent_on else None})


def override_deadline(deadline: Deadline, due_on: dt.date | None, reason: str, *, actor: Any = None) -> None:
    """A director sets (or with ``due_on=None`` clears) the date that counts for a deadline."""
    reason = (reason or "").strip()
    if due_on is not None and not in_range(due_on):
        raise DomainError(_("Enter a date between 1990 and 2199."), {"due_on": _("Enter a date between 1990 and 2199.")})
    if due_on is not None and not reason:
        raise DomainError(_("Give the reason for the new date."), {"reason": _("Give the reason for the new date.")})
    before = deadline.overridden_due_on
    if before == due_on and (due_on is None or reason == deadline.override_reason):
        return
    deadline.overridden_due_on = due_on
    deadline.override_reason = reason or None
    deadline.overridden_by_id = getattr(actor, "id", None) if due_on else None
    deadline.overridden_at = now_utc() if due_on else None
    case = deadline.case
    db.session.flush()
    record(
        "case:deadline_overridden",
        case,
        f"deadline {deadline.kind.value} of {case.reference} "
        + (f"set to {due_on} by hand: {reason}" if due_on else "back to the computed date"),
        actor=actor,
        changes={deadline.kind.value: (before, due_on)},
        reason=reason,
    )
    if deadline.is_binding:
        # The case's binding dates and the internal milestones follow the new date.
        recompute_case(
            case,
            actor,
            "binding deadline set by hand" if due_on else "binding deadline back to the computed date",
            cause={"code": "override"},
        )
