"""Case statuses and the one table of allowed transitions with the roles that may make them."""

from __future__ import annotations

from parliament_tracker import transitions
from parliament_tracker.auth.roles import Role
from parliament_tracker.enums import N_, TitledEnum


class CaseStatus(TitledEnum):
    registered = "registered", N_("Registered")
    assigned = "assigned", N_("Assigned")
    drafting = "drafting", N_("Drafting")
    in_review = "in_review", N_("In review")
    awaiting_signature = "awaiting_signature", N_("Awaiting signature")
    answered = "answered", N_("Answered")
    withdrawn = "withdrawn", N_("Withdrawn")
    transferred = "transferred", N_("Transferred")
    no_reply_needed = "no_reply_needed", N_("No reply needed")

    @property
    def is_closed(self) -> bool:
        return self in CLOSED


CLOSED = frozenset({CaseStatus.answered, CaseStatus.withdrawn, CaseStatus.transferred, CaseStatus.no_reply_needed})
#: the open statuses, listed (not "not closed") so an index on (status, date) serves queries
OPEN = tuple(s for s in CaseStatus if s not in CLOSED)

S = CaseStatus
R = Role
_DESK = frozenset({R.registrar, R.admin})
_WORK = frozenset({R.registrar, R.drafter, R.director, R.admin})
_APPROVE = frozenset({R.director, R.admin})
_SIGN = frozenset({R.signatory_office, R.admin})

#: (from, to) -> roles allowed. Closing moves (withdrawn, transferred, no reply) are the desk's.
TRANSITIONS: dict[tuple[CaseStatus, CaseStatus], frozenset[Role]] = {
    (S.registered, S.assigned): _DESK | {R.director},
    (S.assigned, S.drafting): _WORK,
    (S.assigned, S.registered): _DESK,
    (S.drafting, S.in_review): _WORK,
    (S.in_review, S.drafting): _WORK,
    (S.in_review, S.awaiting_signature): _APPROVE,
    (S.awaiting_signature, S.in_review): _APPROVE | _SIGN,
    (S.awaiting_signature, S.answered): _SIGN | _DESK,
    (S.answered, S.drafting): _DESK,  # reopened, e.g. for a supplementary answer
    **{(s, S.withdrawn): _DESK for s in (S.registered, S.assigned, S.drafting, S.in_review, S.awaiting_signature)},
    **{(s, S.transferred): _DESK for s in (S.registered, S.assigned, S.drafting)},
    **{(s, S.no_reply_needed): _DESK | {R.director} for s in (S.registered, S.assigned, S.drafting)},
    (S.withdrawn, S.registered): _DESK,
    (S.transferred, S.registered): _DESK,
    (S.no_reply_needed, S.registered): _DESK,
}


#: The moves the system makes on its own, never offered to users (``allowed_targets`` does not
#: list them): a case follows its answer letter (letters.approval.cases) whatever open status
#: it had, the Kamer sync marks a case answered (tk.sync), and an edit that gives a registered
#: case a drafter or directorate assigns it (cases.services.update_case).
SYSTEM_TARGETS = (S.drafting, S.in_review, S.awaiting_signature, S.answered)
SYSTEM_TRANSITIONS: frozenset[tuple[CaseStatus, CaseStatus]] = frozenset(
    {(s, target) for target in SYSTEM_TARGETS for s in OPEN if s != target} | {(S.registered, S.assigned)}
)


def is_system_move(current: CaseStatus, target: CaseStatus) -> bool:
    return (current, target) in SYSTEM_TRANSITIONS


def allowed_targets(current: CaseStatus, role: Role | None) -> list[CaseStatus]:
    return transitions.allowed_targets(TRANSITIONS, current, role)


def is_allowed(current: CaseStatus, target: CaseStatus, role: Role | None) -> bool:
    return transitions.is_allowed(TRANSITIONS, current, target, role)


def reachable_from(start: CaseStatus) -> set[CaseStatus]:
    return transitions.reachable_from(TRANSITIONS, start)
