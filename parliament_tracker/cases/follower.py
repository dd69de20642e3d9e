"""What follows a case's edits and status changes in the same unit of work: the deadlines.

The deadlines package sits above cases; it registers its services here at app creation
(``deadlines.init_app``), so the case services never import it.
"""

from __future__ import annotations

from typing import Any, Protocol

from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus


class CaseFollower(Protocol):
    """The interface ``deadlines.services`` implements (as a module)."""

    def on_case_saved(self, case: Case, actor: Any = None, reason: str = "case edited") -> None: ...

    def on_status_changed(self, case: Case, before: CaseStatus, after: CaseStatus, actor: Any = None) -> None: ...


_registered: CaseFollower | None = None


def register(follower: CaseFollower) -> None:
    """The hook the deadlines package registers with at app creation (cases never imports it)."""
    global _registered
    _registered = follower


def follower() -> CaseFollower:
    """The registered follower (create_app registers ``deadlines.services``)."""
    if _registered is None:
        raise RuntimeError("no deadline follower registered: create_app registers deadlines.services (cases.follower.register)")
    return _registered
