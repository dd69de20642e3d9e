from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.workflow import (
    CLOSED,
    TRANSITIONS,
    CaseStatus,
    allowed_targets,
    is_allowed,
    reachable_from,
)


def test_every_state_can_reach_an_end():
    for status in CaseStatus:
        assert reachable_from(status) & CLOSED, f"{status} cannot reach a closed state"


def test_every_state_is_reachable_from_registered():
    assert reachable_from(CaseStatus.registered) == set(CaseStatus)


def test_transition_table_is_consistent():
    for (frm, to), roles in TRANSITIONS.items():
        assert frm != to
        assert roles, f"{frm}->{to} has no role"
        assert Role.viewer not in roles, "viewers never change a case"


def test_roles_per_transition():
    assert is_allowed(CaseStatus.in_review, CaseStatus.awaiting_signature, Role.director)
    assert not is_allowed(CaseStatus.in_review, CaseStatus.awaiting_signature, Role.drafter)
    assert is_allowed(CaseStatus.awaiting_signature, CaseStatus.answered, Role.signatory_office)
    assert not is_allowed(CaseStatus.registered, CaseStatus.answered, Role.admin)
    assert not is_allowed(CaseStatus.registered, CaseStatus.assigned, None)
    assert allowed_targets(CaseStatus.registered, Role.viewer) == []
    assert CaseStatus.withdrawn in allowed_targets(CaseStatus.drafting, Role.registrar)
