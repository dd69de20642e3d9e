"""The owner's reminder before a standard line (``answers.models.StandardLine``) expires.

``STANDARD_LINE_REMINDER_WORKING_DAYS`` working days before its ``valid_until`` the owner is told,
once per line and date: the dedupe key names the line and the date it expires, so running the
job twice, in two processes, or on each day of the sweep queues nothing new, while a line
renewed to a later date is reminded again before that date. A sweep over [today, today + N
working days] (like the case reminders): a day the scheduler was down is caught up.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app

from parliament_tracker.answers.models import StandardLine
from parliament_tracker.deadlines.services import load_rule_context
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.handovers import _date, draft
from parliament_tracker.notifications.jobs import add_working_days
from parliament_tracker.notifications.models import NotificationKind as K
from parliament_tracker.notifications.services import Draft


def expiring(today: dt.date) -> dict[str, Any]:
    """Remind each enabled owner of a line expiring within the next N working days."""
    ctx = load_rule_context()
    if not ctx.calendar.is_working_day(today):
        return {"skipped": "not a working day"}
    n = int(current_app.config.get("STANDARD_LINE_REMINDER_WORKING_DAYS", 10))
    horizon = add_working_days(ctx.calendar, today, n)
    lines = db.session.scalars(
        sa.select(StandardLine).where(StandardLine.valid_until.between(today, horizon)).order_by(StandardLine.valid_until, StandardLine.id)
    ).all()
    drafts: list[Draft] = []
    no_owner = 0
    for line in lines:
        owner = line.owner
        if owner is None or not owner.is_enabled:
            no_owner += 1
            continue
        drafts.append(
            draft(
                services.user_recipient(owner),
                K.standard_line_expiring,
                f"standard-line:{line.id}:expires:{line.valid_until.isoformat()}",
                case=None,
                url=services.absolute_url(f"/standard-lines/{line.id}"),
                title=line.title,
                topic=line.topic,
                directorate=line.directorate.code,
                date=_date(line.valid_until),
            )
        )
    queued = services.queue(drafts)
    return {"expiring": len(lines), "queued": queued, "already_sent": len(drafts) - queued, "no_owner": no_owner}
