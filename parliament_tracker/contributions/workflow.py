"""The one owner of a contribution's state: its transition table. Pure."""

from __future__ import annotations

from parliament_tracker.enums import N_, TitledEnum


class ContributionState(TitledEnum):
    asked = "asked", N_("Asked")
    delivered = "delivered", N_("Delivered")
    withdrawn = "withdrawn", N_("Withdrawn")


#: state -> the states it may go to; delivered and withdrawn are final
TRANSITIONS: dict[ContributionState, frozenset[ContributionState]] = {
    ContributionState.asked: frozenset({ContributionState.delivered, ContributionState.withdrawn}),
    ContributionState.delivered: frozenset(),
    ContributionState.withdrawn: frozenset(),
}


def can_move(before: ContributionState, after: ContributionState) -> bool:
    return after in TRANSITIONS[before]
