"""What follows when a debate moves or is cancelled, whoever changed it.

An administrator (``events.save_event`` / ``delete_event``) and the Kamer sync
(``tk.sync.events``, through the same services) get the same result: one timeline entry per
open case due before the event, and the ``event_moved`` signal, on which the notifications
package tells the same people (``notifications.event_notices``).

The audit actions keep the names they had when only the Kamer sync wrote them
(``case:tk_event_moved``, ``case:tk_event_cancelled``); the timeline names the Tweede Kamer
only when the system (actor None) made the change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa

from parliament_tracker.audit.services import record
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CLOSED
from parliament_tracker.deadlines.models import Event
from parliament_tracker.extensions import db
from parliament_tracker.signals import event_moved

MOVED = "case:tk_event_moved"
CANCELLED = "case:tk_event_cancelled"


def anchored_open_cases(event: Event) -> list[Case]:
    """The open cases due before ``event``: the ones a move or a cancellation concerns."""
    if event.id is None:
        return []
    return list(
        db.session.scalars(
            sa.select(Case).where(Case.due_before_event_id == event.id, Case.status.not_in(list(CLOSED))).order_by(Case.id)
        )
    )


def announce(
    event: Event,
    cases: Sequence[Case],
    *,
    before: dict[str, dt.date | None],
    cancelled: bool,
    name: str,
    actor: Any,
    still_due_before: bool = True,
) -> None:
    """The one result of a move or cancellation: a timeline entry per case, then the signal."""
    for case in cases:
        if cancelled:
            record(
                CANCELLED,
                case,
                f"{name} cancelled" + ("; the case is still anchored to it" if still_due_before else ""),
                actor=actor,
                event=name,
                still_due_before=still_due_before,
            )
        else:
            record(
                MOVED,
                case,
                f"{name} moved from {before['starts_on']} to {event.starts_on}; deadlines recomputed",
                actor=actor,
                event=name,
                changes={"event_starts_on": (before["starts_on"], event.starts_on)},
            )
    event_moved.send(event, before=before, cancelled=cancelled, cases=list(cases), actor=actor, name=name)
