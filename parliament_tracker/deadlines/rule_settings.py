"""The deadline rules' admin-editable values as the engine takes them (pure, like ``rules``,
which re-exports them): terms, the internal milestones and their overrides per kind and per
signatory, validated on construction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from parliament_tracker.cases.kinds import kind_values

#: case kind values, from the kind table (``cases.kinds``)
CASE_KINDS = kind_values()


class InvalidSettings(ValueError):
    """A rule value the engine refuses; ``code`` names the rule so the UI can word it."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class MilestoneOffsets:
    """Internal milestones in working days back from the binding practical due date."""

    draft: int = 8
    approval: int = 5
    signature: int = 2

    def __post_init__(self) -> None:
        # Enforced here so the milestones always come out in order draft <= approval <=
        # signature <= due, whatever an admin types.
        if not 0 <= self.signature <= self.approval <= self.draft:
            raise InvalidSettings("milestone_order", "milestone offsets must satisfy 0 <= signature <= approval <= draft")


@dataclass(frozen=True, slots=True)
class DeadlineSettings:
    written_questions_term_days: int = 21
    #: counted from submission, not from the first due date (RvO practice: 3 + 3 weeks)
    postponement_term_days: int = 42
    committee_request_term_days: int = 21
    milestones: MilestoneOffsets = MilestoneOffsets()
    #: per case kind, e.g. {"committee_request": MilestoneOffsets(6, 4, 2)}
    milestones_by_kind: Mapping[str, MilestoneOffsets] = field(default_factory=dict)
    #: per signatory id; wins over the per-kind value (a minister's diary is the bottleneck)
    milestones_by_signatory: Mapping[int, MilestoneOffsets] = field(default_factory=dict)
    #: 1 = the last working day before the event starts; 0 = the first day of the event
    event_lead_working_days: int = 1
    due_soon_working_days: int = 3

    def __post_init__(self) -> None:
        for name in ("written_questions_term_days", "postponement_term_days", "committee_request_term_days"):
            if getattr(self, name) < 1:
                raise InvalidSettings("term_too_short", f"{name} must be at least 1")
        if self.postponement_term_days < self.written_questions_term_days:
            raise InvalidSettings("postponement_shorter", "the postponement term cannot be shorter than the normal term")
        if self.event_lead_working_days < 0 or self.due_soon_working_days < 0:
            raise InvalidSettings("negative_working_days", "working-day counts must be zero or positive")
        unknown = set(self.milestones_by_kind) - CASE_KINDS
        if unknown:
            raise InvalidSettings("unknown_kinds", f"unknown case kinds: {sorted(unknown)}")
        # Read-only copies: the settings object is shared by every computation.
        object.__setattr__(self, "milestones_by_kind", MappingProxyType(dict(self.milestones_by_kind)))
        object.__setattr__(self, "milestones_by_signatory", MappingProxyType(dict(self.milestones_by_signatory)))

    def milestones_for(self, kind: str, signatory_id: int | None) -> tuple[MilestoneOffsets, str]:
        """The offsets that apply and where they come from (shown in the explanation)."""
        if signatory_id is not None and signatory_id in self.milestones_by_signatory:
            return self.milestones_by_signatory[signatory_id], "instelling voor de ondertekenaar"
        if kind in self.milestones_by_kind:
            return self.milestones_by_kind[kind], "instelling voor dit soort zaak"
        return self.milestones, "standaardinstelling"


DEFAULT_SETTINGS = DeadlineSettings()
