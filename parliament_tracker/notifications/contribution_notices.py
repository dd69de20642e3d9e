"""Contribution hand-overs: asked -> the contributor, delivered -> the asker, overdue -> both;
the daily job also reminds the contributor before the due date and escalates an overdue one
to the director(s) of the directorate asked.

The contributor is the user asked, else the directorate's mailbox, else the outside address
(whose message carries their link). Each hand-over names itself in the dedupe key, so hearing it
twice, or the overdue job running twice or in two processes, queues nothing new. Nothing here
commits.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.contributions import services as contribution_services
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.db import today_local
from parliament_tracker.deadlines.services import load_rule_context
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.handovers import _date, _name, _people, draft
from parliament_tracker.notifications.jobs import add_working_days
from parliament_tracker.notifications.models import NotificationKind as K
from parliament_tracker.notifications.services import Draft, Recipient
from parliament_tracker.organisation.models import Directorate


def contribution_url(contribution: Contribution) -> str:
    return services.absolute_url(f"/contributions/{contribution.id}")


def outside_url(contribution: Contribution) -> str:
    token = contribution_services.link_token(contribution, current_app.config["SECRET_KEY"])
    return services.absolute_url(f"/bijdrage/{token}")


def _params(contribution: Contribution, actor: User | None) -> dict[str, Any]:
    numbers = contribution.question_numbers
    return {
        "ref": contribution.case.reference,
        "actor": _name(actor if actor is not None else contribution.asked_by),
        "questions": ", ".join(str(n) for n in numbers) if numbers else contribution.case.subject[:120],
        "date": _date(contribution.due_on),
        "contributor": contribution.contributor_label,
    }


def _to_contributor(contribution: Contribution, kind: K, key: str, actor: User | None, variant_user: str) -> list[Draft]:
    """The contributor's message: the user asked, else the mailbox, else the outside address."""
    params = _params(contribution, actor)
    case = contribution.case
    if contribution.external_email:
        if not contribution.link_nonce:
            return []
        expires = today_local() + dt.timedelta(days=int(current_app.config["CONTRIBUTION_LINK_DAYS"]))
        recipient = services.mailbox_recipient(contribution.external_email, contribution.external_email)
        variant = "outside" if kind == K.contribution_asked else variant_user
        return [draft(recipient, kind, key + ":x", variant=variant, case=case, url=outside_url(contribution),
                      ministry=current_app.config.get("MINISTRY_NAME", ""), expires=_date(expires), **params)]
    if contribution.user is not None:
        return [
            draft(services.user_recipient(u), kind, f"{key}:{u.id}", variant=variant_user, case=case,
                  url=contribution_url(contribution), **params)
            for u in _people([contribution.user], actor)
        ]
    directorate = contribution.directorate
    if directorate is None or not directorate.email:
        return []
    recipient = services.mailbox_recipient(directorate.email, directorate.name)
    variant = "mailbox" if kind == K.contribution_asked else variant_user
    return [draft(recipient, kind, f"{key}:d{directorate.id}", variant=variant, case=case,
                  url=contribution_url(contribution), directorate=directorate.name, **params)]


def contribution_changed(
    contribution: Contribution, *, before: ContributionState | None, after: ContributionState, actor: User | None, **_: Any
) -> int:
    key = f"contribution:{contribution.id}:{after.value}"
    if after == ContributionState.asked:
        return services.queue(_to_contributor(contribution, K.contribution_asked, key, actor, "user"))
    if after == ContributionState.delivered:
        params = _params(contribution, actor)
        return services.queue(
            [
                draft(services.user_recipient(u), K.contribution_delivered, f"{key}:{u.id}", case=contribution.case,
                      url=contribution_url(contribution), **params)
                for u in _people([contribution.asked_by], actor)
            ]
        )
    return 0


def overdue(today: dt.date) -> dict[str, Any]:
    """The contributions job: on working days, each contribution still asked and due within
    ``REMINDER_WORKING_DAYS_BEFORE`` working days reminds its contributor (as milestones do);
    each one past its due date tells the asker and the contributor and escalates to the
    director(s) of the directorate asked. Once per contribution and recipient (the unique
    notification row), however often or in however many processes the job runs."""
    ctx = load_rule_context()
    counts: dict[str, Any] = {}
    drafts: list[Draft] = []
    if ctx.calendar.is_working_day(today):
        horizon = add_working_days(ctx.calendar, today, int(current_app.config.get("REMINDER_WORKING_DAYS_BEFORE", 2)))
        coming = _asked(Contribution.due_on.between(today, horizon))
        for c in coming:
            drafts.extend(_to_contributor(c, K.contribution_reminder, f"contribution:{c.id}:reminder:{c.due_on.isoformat()}", None, "user"))
        counts["reminded"] = len(coming)
    rows = _asked(Contribution.due_on < today)
    escalations = 0
    to = _EscalationTo.load()
    for c in rows:
        key = f"contribution:{c.id}:overdue"
        drafts.extend(
            draft(services.user_recipient(u), K.contribution_overdue, f"{key}:{u.id}", variant="asker", case=c.case,
                  url=contribution_url(c), **_params(c, None))
            for u in _people([c.asked_by], None)
        )
        drafts.extend(_to_contributor(c, K.contribution_overdue, key, None, "contributor"))
        for recipient in to.recipients_for(c, counts):
            escalations += 1
            drafts.append(
                draft(recipient, K.contribution_escalation, f"contribution:{c.id}:escalation", case=c.case,
                      url=contribution_url(c), **_params(c, None))
            )
    queued = services.queue(drafts)
    return {"overdue": len(rows), "escalations": escalations, **counts, "queued": queued, "already_sent": len(drafts) - queued}


def _asked(when: Any) -> list[Contribution]:
    return list(
        db.session.scalars(sa.select(Contribution).where(Contribution.state == ContributionState.asked, when).order_by(Contribution.id))
    )


def escalation_directorate_id(c: Contribution) -> int | None:
    """Whose director hears of an overdue contribution: the directorate asked; for an outside
    address, the lead directorate of the case (it chases its own outside contributors)."""
    return c.directorate_id if c.directorate_id is not None else c.case.lead_directorate_id


class _EscalationTo:
    """The enabled directors of a directorate; with none, its mailbox, else the administrators
    (as the case escalations do)."""

    def __init__(self, directors: list[User], admins: list[User], mailboxes: dict[int, Directorate]) -> None:
        self.directors: dict[int, list[Recipient]] = {}
        for u in directors:
            self.directors.setdefault(u.directorate_id or 0, []).append(services.user_recipient(u))
        self.admins = [services.user_recipient(u) for u in admins]
        self.mailboxes = mailboxes

    @classmethod
    def load(cls) -> _EscalationTo:
        staff = list(
            db.session.scalars(
                sa.select(User).where(User.is_enabled.is_(True), User.role.in_([Role.director, Role.admin])).order_by(User.id)
            )
        )
        return cls(
            [u for u in staff if u.role == Role.director and u.directorate_id is not None],
            [u for u in staff if u.role == Role.admin],
            {d.id: d for d in db.session.scalars(sa.select(Directorate))},
        )

    def recipients_for(self, c: Contribution, counts: dict[str, Any]) -> list[Recipient]:
        directorate_id = escalation_directorate_id(c)
        if directorate_id is not None and self.directors.get(directorate_id):
            return self.directors[directorate_id]
        directorate = self.mailboxes.get(directorate_id) if directorate_id is not None else None
        if directorate is not None and directorate.email:
            counts["escalated_to_mailbox"] = counts.get("escalated_to_mailbox", 0) + 1
            return [services.mailbox_recipient(directorate.email, directorate.name)]
        if self.admins:
            counts["escalated_to_admins"] = counts.get("escalated_to_admins", 0) + 1
            return self.admins
        counts["no_recipient"] = counts.get("no_recipient", 0) + 1
        return []
