"""Notices about a moved or cancelled debate, heard on ``signals.event_moved``.

The same people get the same message whoever moved the debate (an administrator or the Kamer
sync): the drafter of every open case due before it, and the registrars too when it was
cancelled (someone must choose a new date). Runs in the sender's unit of work: it adds
notification rows (one per recipient, case and date), it never commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import has_app_context

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import NotificationKind
from parliament_tracker.signals import event_moved


def _registrars() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.registrar, User.is_enabled.is_(True)).order_by(User.id)))


def notify_event_moved(event: Any, *, cases: Sequence[Case], cancelled: bool, name: str, **_: Any) -> int:
    """Queue the notices; returns how many were new."""
    if not cases or not has_app_context():
        # Without an application (code working on the session directly) there are no
        # templates or settings to write a notice with; pages, API, CLI and jobs always have one.
        return 0
    registrars = _registrars() if cancelled else []
    drafts = []
    for case in cases:
        people = {u.id: u for u in (case.drafter, *registrars) if u is not None and u.is_enabled}
        for user in people.values():
            drafts.append(
                services.Draft(
                    recipient=services.user_recipient(user),
                    kind=NotificationKind.tk_update,
                    case_id=case.id,
                    due_on=event.starts_on,
                    template="event_moved",
                    context={
                        "reference": case.reference,
                        "case_subject": case.subject,
                        "url": services.case_url(case.reference),
                        "tk_what": "event_cancelled" if cancelled else "event_moved",
                        "tk_date": event.starts_on,
                        "event_name": name,
                    },
                )
            )
    return services.queue(drafts)


def connect() -> None:
    """Called at app creation; connecting the same function again changes nothing."""
    event_moved.connect(notify_event_moved)
