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
#: Sent by ``cases.services`` for every status change: a user's transition, a system one (the
#: case following its answer letter, the Kamer's published answer; actor None for the sync),
#: and the automatic registered -> assigned of an edit that gives the case a drafter.
case_status_changed = _signals.signal("case-status-changed")

#: sender: Case. kwargs: drafter (User | None), directorate (Directorate | None), actor
#: Sent by ``cases.services`` when a case is registered with, or edited to get, another
#: drafter or lead directorate (not when both are cleared).
case_assigned = _signals.signal("case-assigned")

#: sender: Case (written questions). kwargs: questions (list[Question]: those given a drafter or
#: directorate of their own in this save), actor. Sent by ``cases.assignments.assign_questions``
#: after the audit entries are written. CONNECTED: ``notifications.handovers.questions_assigned``.
questions_assigned = _signals.signal("questions-assigned")

#: sender: Letter. kwargs: before (LetterStatus), after (LetterStatus), actor,
#: comment (str, "" when none), next_approvers (list[User]: whose turn it now is, may be empty)
#: Sent by ``letters.approval`` (services, signing) for every step: submitted (next_approvers:
#: the first approver), approved (before == after == in_review while another approver follows:
#: next_approvers is that one), changes requested (after draft; comment), signed, sent, withdrawn.
#: Added kwargs: stage (letters.approval.transitions.Stage: the stage now, which tells
#: "changes_requested" from a plain draft), pending_approvers (list[User]: on withdrawal, whose
#: turn it was, i.e. who had it in their list; else empty).
letter_status_changed = _signals.signal("letter-status-changed")

#: sender: Letter (a postponement notice that was sent). kwargs: cases (list[Case]), actor
postponement_sent = _signals.signal("postponement-sent")

#: sender: Event. kwargs: before (dict: starts_on, ends_on), cancelled (bool),
#: cases (list[Case]: the cases whose deadlines it moved), actor (None when the Kamer sync moved it)
#: Sent by ``deadlines.event_moves.announce`` for a moved debate (save_event) and a cancelled
#: one (cancel_event by the Kamer sync; delete_event by an administrator), after the timeline
#: entries are written. ``cases``: the open cases due before it. Added kwarg: name (str: the
#: event's name before a cancellation renamed it).
#: CONNECTED (state branch): ``notifications.event_notices.notify_event_moved`` queues the notice
#: to the drafters (and the registrars when cancelled) -- the notice the Kamer sync used to send
#: itself. Do not connect a second receiver that notifies the same people of the same move.
event_moved = _signals.signal("event-moved")

#: sender: Contribution. kwargs: before (ContributionState | None: None when just asked), after
#: (ContributionState), actor. Sent by ``contributions.services`` when a contribution is asked,
#: delivered or withdrawn. CONNECTED: ``notifications.contribution_notices.contribution_changed``.
contribution_changed = _signals.signal("contribution-changed")
