"""Domain events: what happened, sent by the one owner of that state, heard by higher packages.

A lower package (cases, deadlines, letters, tk) sends; a higher one (notifications, search
indexes) connects its receivers at app creation (``create_app`` → ``register_receivers``), so
no lower package imports a higher one and nothing changes another module's lists at import
time. Receivers run inside the sender's unit of work: they add rows, they never commit.

Every signal's sender is the object the event is about; keyword arguments are listed per
signal and always include ``actor`` (the User who caused it, or None for the system).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: sender: Case. kwargs: before (CaseStatus), after (CaseStatus), actor, reason (str)
case_status_changed = _signals.signal("case-status-changed")

#: sender: Case. kwargs: drafter (User | None), directorate (Directorate | None), actor
case_assigned = _signals.signal("case-assigned")

#: sender: Letter. kwargs: before (LetterStatus), after (LetterStatus), actor,
#: comment (str, "" when none), next_approvers (list[User]: whose turn it now is, may be empty)
letter_status_changed = _signals.signal("letter-status-changed")

#: sender: Letter (a postponement notice that was sent). kwargs: cases (list[Case]), actor
postponement_sent = _signals.signal("postponement-sent")

#: sender: Event. kwargs: before (dict: starts_on, ends_on), cancelled (bool),
#: cases (list[Case]: the cases whose deadlines it moved), actor (None when the Kamer sync moved it)
event_moved = _signals.signal("event-moved")
