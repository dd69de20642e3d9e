"""The deadline rule values an administrator sets: their names, defaults and limits, the
values as stored, and the engine's settings built from them (``save_settings`` in
``services`` stores new ones and recomputes)."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask_babel import gettext as _

from parliament_tracker.deadlines import rules
from parliament_tracker.deadlines.models import (
    DeadlineSetting,
)
from parliament_tracker.deadlines.rules import (
    DeadlineSettings,
    MilestoneOffsets,
)
from parliament_tracker.extensions import db

INT_SETTINGS = (
    "written_questions_term_days",
    "postponement_term_days",
    "committee_request_term_days",
    "event_lead_working_days",
    "due_soon_working_days",
)
#: numbers the admin sets that the deadline engine does not use: contributions are asked this many
#: working days before the case's draft milestone
OTHER_INT_SETTINGS = ("contribution_lead_working_days",)
ADMIN_INT_SETTINGS = INT_SETTINGS + OTHER_INT_SETTINGS
#: the largest value each number may take (the settings page uses them as the fields' max):
#: terms at most a year, working-day counts at most 20
SETTING_MAXIMA = {k: (366 if k.endswith("_term_days") else 20) for k in ADMIN_INT_SETTINGS}
#: milestones are counted back at most this many working days (keeps DAY_OFF_REACH valid)
MILESTONE_MAXIMUM = 60
#: key -> default (the engine's own defaults); what the admin page edits. Offsets are
#: [draft, approval, signature].
SETTING_DEFAULTS: dict[str, Any] = {
    **{name: getattr(rules.DEFAULT_SETTINGS, name) for name in INT_SETTINGS},
    "contribution_lead_working_days": 2,
    "milestones": list(dataclasses.astuple(rules.DEFAULT_SETTINGS.milestones)),
    "milestones_by_kind": {},
    "milestones_by_signatory": {},
}


def setting_values() -> dict[str, Any]:
    stored = {row.key: row.value for row in db.session.scalars(db.select(DeadlineSetting))}
    return {key: stored.get(key, default) for key, default in SETTING_DEFAULTS.items()}


def settings_from_values(values: dict[str, Any]) -> DeadlineSettings:
    """Build the engine's settings; raises ValueError (with the engine's message) if invalid."""
    try:
        return DeadlineSettings(
            **{name: int(values[name]) for name in INT_SETTINGS},
            milestones=MilestoneOffsets(*(int(n) for n in values["milestones"])),
            milestones_by_kind={k: MilestoneOffsets(*(int(n) for n in v)) for k, v in values["milestones_by_kind"].items()},
            milestones_by_signatory={
                int(k): MilestoneOffsets(*(int(n) for n in v)) for k, v in values["milestones_by_signatory"].items()
            },
        )
    except (TypeError, KeyError) as exc:
        raise ValueError(str(exc)) from None


def settings_problem(exc: ValueError) -> str:
    """The engine's refusal (rules.InvalidSettings) in the reader's language."""
    code = getattr(exc, "code", None)
    if code == "milestone_order":
        return _("Milestones must be in order: the draft at least as many working days before the deadline as the approval, the approval at least as many as the signature.")
    if code == "term_too_short":
        return _("Every term must be at least one day.")
    if code == "postponement_shorter":
        return _("The term after a postponement notice cannot be shorter than the normal term.")
    if code == "negative_working_days":
        return _("Working-day counts cannot be negative.")
    # Not reachable from the settings page (unknown case kinds, malformed stored values).
    return _("These settings are not valid: %(reason)s", reason=str(exc))
