"""Contribution hand-overs: asked -> the contributor, delivered -> the asker, overdue -> both.

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
from parliament_tracker.contributions import services as contribution_services
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.handovers import _date, _name, _people, draft
from parliament_tracker.notifications.models import NotificationKind as K
from parliament_tracker.notifications.services import Draft


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
    """Each contribution still asked after its due date: the asker and the contributor are told,
    once per contribution (the unique notification row)."""
    rows = db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.state == ContributionState.asked, Contribution.due_on < today)
        .order_by(Contribution.id)
    ).all()
    drafts: list[Draft] = []
    for c in rows:
        key = f"contribution:{c.id}:overdue"
        drafts.extend(
            draft(services.user_recipient(u), K.contribution_overdue, f"{key}:{u.id}", variant="asker", case=c.case,
                  url=contribution_url(c), **_params(c, None))
            for u in _people([c.asked_by], None)
        )
        drafts.extend(_to_contributor(c, K.contribution_overdue, key, None, "contributor"))
    queued = services.queue(drafts)
    return {"overdue": len(rows), "queued": queued, "already_sent": len(drafts) - queued}
