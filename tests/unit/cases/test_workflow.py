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


def test_system_moves_follow_the_letter_from_any_open_status_and_are_not_offered():
    from parliament_tracker.cases.workflow import OPEN, SYSTEM_TRANSITIONS, is_system_move

    for status in OPEN:
        for target in (CaseStatus.drafting, CaseStatus.in_review, CaseStatus.awaiting_signature, CaseStatus.answered):
            assert is_system_move(status, target) == (status != target), (status, target)
    for status in CLOSED:
        assert not any(frm == status for frm, _to in SYSTEM_TRANSITIONS), f"the system never reopens a {status} case"
    assert is_system_move(CaseStatus.registered, CaseStatus.assigned)
    # Offered to people only where the user table has them too.
    assert CaseStatus.answered not in allowed_targets(CaseStatus.registered, Role.admin)
    assert CaseStatus.in_review not in allowed_targets(CaseStatus.assigned, Role.admin)
