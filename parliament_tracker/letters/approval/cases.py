"""The cases a letter answers follow it: one table from the letter's step to the case status.

Every move goes through the case workflow's system transitions (``cases.services``), so it is
audited, recomputes the deadlines and tells the receivers of ``case_status_changed`` like any
status change. A case follows whatever open status it had; a closed case (answered,
withdrawn, transferred, no reply needed) is left as it is, except that sending the letter
answers it only while it is open.
"""

from __future__ import annotations

import datetime as dt

from parliament_tracker.auth.models import User
from parliament_tracker.cases import status as case_status
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.letters.models import Letter, LetterCaseRole

#: the letter's step -> the status of the cases it answers
CASE_STATUS_FOR = {
    "started": CaseStatus.drafting,
    "submitted": CaseStatus.in_review,
    "changes_requested": CaseStatus.drafting,
    "approved": CaseStatus.awaiting_signature,
    "sent": CaseStatus.answered,
    "withdrawn": CaseStatus.drafting,
}


def follow(letter: Letter, step: str, actor: User | None, *, answered_on: dt.date | None = None) -> None:
    """Move the cases ``letter`` answers to the status that goes with ``step``."""
    target = CASE_STATUS_FOR[step]
    for link in letter.case_links:
        case = link.case
        if link.role != LetterCaseRole.answers or case.status.is_closed:
            continue
        case_status.system_transition(
            case,
            target,
            actor=actor,
            reason=f"letter {letter.id} {step.replace('_', ' ')}",
            answered_on=answered_on,
            letter_id=letter.id,
        )
