"""The letter workflow's transition table, walked as the case table's test walks its own."""

from parliament_tracker.auth.roles import PERMISSIONS, Role
from parliament_tracker.letters.approval.transitions import (
    ENDS,
    TRANSITIONS,
    Stage,
    allowed_targets,
    is_allowed,
    reachable_from,
)
from parliament_tracker.letters.models import LetterStatus

S = Stage
R = Role

#: the whole table, spelled out: (stage, role) -> the stages that role may move the letter to
EXPECTED: dict[tuple[Stage, Role], set[Stage]] = {}
for role in Role:
    drafts = role in (R.registrar, R.drafter, R.director, R.admin)
    approves = role in (R.director, R.admin)
    EXPECTED[(S.draft, role)] = {S.in_review, S.withdrawn} if drafts else set()
    EXPECTED[(S.changes_requested, role)] = {S.in_review, S.withdrawn} if drafts else set()
    EXPECTED[(S.in_review, role)] = ({S.approved, S.changes_requested} if approves else set()) | ({S.withdrawn} if drafts else set())
    EXPECTED[(S.approved, role)] = ({S.signed} if role in (R.signatory_office, R.admin) else set()) | ({S.withdrawn} if drafts else set())
    EXPECTED[(S.signed, role)] = ({S.sent} if role in (R.signatory_office, R.registrar, R.admin) else set()) | (
        {S.withdrawn} if drafts else set()
    )
    EXPECTED[(S.sent, role)] = set()
    EXPECTED[(S.withdrawn, role)] = set()


def test_every_stage_can_reach_an_end():
    for stage in Stage:
        assert reachable_from(stage) & ENDS, f"{stage} cannot reach sent or withdrawn"


def test_every_stage_is_reachable_from_draft():
    assert reachable_from(Stage.draft) == set(Stage)


def test_ends_are_final():
    assert not [pair for pair in TRANSITIONS if pair[0] in ENDS]


def test_every_stage_and_role_gives_the_expected_moves():
    for stage in Stage:
        for role in Role:
            assert set(allowed_targets(stage, role)) == EXPECTED[(stage, role)], (stage, role)
            for target in Stage:
                assert is_allowed(stage, target, role) == (target in EXPECTED[(stage, role)])
        assert allowed_targets(stage, None) == []


def test_table_agrees_with_the_permissions_the_pages_check():
    """A role the page lets through is never refused by the table for the same step (a 403)."""
    step_permission = {S.in_review: "letter.submit", S.approved: "letter.approve", S.changes_requested: "letter.approve",
                       S.signed: "letter.sign", S.sent: "letter.send", S.withdrawn: "letter.draft"}
    for (frm, to), roles in TRANSITIONS.items():
        assert roles == PERMISSIONS[step_permission[to]], (frm, to)
        assert Role.viewer not in roles


def test_stages_are_stored_as_letter_statuses():
    assert {s.status for s in Stage} == set(LetterStatus)
    assert Stage.changes_requested.status == LetterStatus.draft
