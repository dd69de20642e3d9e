"""Connects the hand-over notifications to the domain events (``parliament_tracker.signals``).

Registered once from ``create_app``; blinker keeps one connection per receiver, so building a
second app (tests, the CLI) does not notify twice. The lower packages that send the events
never import this package. A moved or cancelled event is heard by ``event_notices``.
"""

from __future__ import annotations

from parliament_tracker import signals
from parliament_tracker.notifications import contribution_notices, handovers

RECEIVERS = (
    (signals.case_assigned, handovers.case_assigned),
    (signals.questions_assigned, handovers.questions_assigned),
    (signals.letter_status_changed, handovers.letter_status_changed),
    (signals.postponement_sent, handovers.postponement_sent),
    (signals.contribution_changed, contribution_notices.contribution_changed),
)


def register_receivers() -> None:
    for signal, receiver in RECEIVERS:
        signal.connect(receiver, weak=False)
