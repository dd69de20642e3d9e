"""The letter's stages and the one table of allowed moves with the roles that may make them.

The stages are the letter's stored status, with one refinement: a draft that an approver sent
back is "changes requested" (stored as ``draft``, so the letter can be edited and submitted
again exactly as a draft; the approval row keeps the decision and its comment). Pure: no
Flask, no database; ``services`` asks this table before every step.
"""

from __future__ import annotations

from parliament_tracker import transitions
from parliament_tracker.auth.roles import PERMISSIONS, Role
from parliament_tracker.enums import N_, TitledEnum
from parliament_tracker.letters.models import LetterStatus


class Stage(TitledEnum):
    draft = "draft", N_("Draft")
    in_review = "in_review", N_("In review")
    changes_requested = "changes_requested", N_("Changes requested")
    approved = "approved", N_("Approved")
    signed = "signed", N_("Signed")
    sent = "sent", N_("Sent")
    withdrawn = "withdrawn", N_("Withdrawn")

    @property
    def status(self) -> LetterStatus:
        """The status stored on the letter for this stage."""
        return LetterStatus.draft if self is Stage.changes_requested else LetterStatus(self.value)


#: a sent letter went to the Kamer; a withdrawn one will not go
ENDS = frozenset({Stage.sent, Stage.withdrawn})

S = Stage
_SUBMIT = PERMISSIONS["letter.submit"]
_APPROVE = PERMISSIONS["letter.approve"]
_SIGN = PERMISSIONS["letter.sign"]
_SEND = PERMISSIONS["letter.send"]
#: who may start a letter may withdraw it, until it is sent
_WITHDRAW = PERMISSIONS["letter.draft"]

#: (from, to) -> roles allowed. Approving is the approver's turn (services checks the person);
#: the last approval moves the letter on, an earlier one leaves it in review.
TRANSITIONS: dict[tuple[Stage, Stage], frozenset[Role]] = {
    (S.draft, S.in_review): _SUBMIT,
    (S.changes_requested, S.in_review): _SUBMIT,
    (S.in_review, S.approved): _APPROVE,
    (S.in_review, S.changes_requested): _APPROVE,
    (S.approved, S.signed): _SIGN,
    (S.signed, S.sent): _SEND,
    **{(s, S.withdrawn): _WITHDRAW for s in (S.draft, S.changes_requested, S.in_review, S.approved, S.signed)},
}


def allowed_targets(current: Stage, role: Role | None) -> list[Stage]:
    return transitions.allowed_targets(TRANSITIONS, current, role)


def is_allowed(current: Stage, target: Stage, role: Role | None) -> bool:
    return transitions.is_allowed(TRANSITIONS, current, target, role)


def reachable_from(start: Stage) -> set[Stage]:
    return transitions.reachable_from(TRANSITIONS, start)
