"""Deadline verbs: recompute a case's stored deadlines, set a case's deadline facts, save the
settings (postpone and override: ``overrides``; events and days off: ``events``).

Like the case services these change state, write audit entries, flush at most, and leave the
commit to the caller (one commit per request or CLI command).

The denormalised ``cases.due_on`` / ``cases.practical_due_on`` are
written with a plain UPDATE that does not touch ``cases.version``: a recompute caused by a
moved debate or a new bridge day is not an edit of the case, and must not make a drafter's
open edit form stale.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, lazyload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from parliament_tracker import edge, reference_data
from parliament_tracker.audit.services import record
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CLOSED, CaseStatus
from parliament_tracker.db import now_utc, today_local
from parliament_tracker.deadlines import lateness, progress, rules
from parliament_tracker.deadlines.dutch import long_date, working_days_words
from parliament_tracker.deadlines.models import (
    Deadline,
    DeadlineSetting,
    Event,
    EventKind,
    NonWorkingDay,
)
from parliament_tracker.deadlines.rules import (
    ANSWER_KINDS,
    CaseFacts,
    DeadlineKind,
    DeadlineSettings,
    RecessTable,
    compute_deadlines,
)
from parliament_tracker.deadlines.settings import (
    ADMIN_INT_SETTINGS,
    MILESTONE_MAXIMUM,
    OTHER_INT_SETTINGS,
    SETTING_DEFAULTS,
    SETTING_MAXIMA,
    setting_values,
    settings_from_values,
    settings_problem,
)
from parliament_tracker.deadlines.workdays import WorkingCalendar
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db

#: dates outside this range are refused: the working-day calendar covers real years only
EARLIEST, LATEST = dt.date(1990, 1, 1), dt.date(2199, 12, 31)


def in_range(value: Any) -> bool:
    return isinstance(value, dt.date) and EARLIEST <= value <= LATEST


# -- settings -------------------------------------------------------------------------------


def save_settings(values: dict[str, Any], *, actor: Any = None) -> int:
    """Store new rule values and recompute the open cases. Returns the number recomputed."""
    current = setting_values()
    merged = {**current, **{k: v for k, v in values.items() if k in SETTING_DEFAULTS}}
    try:
        settings_from_values(merged)
    except ValueError as exc:
        raise DomainError(settings_problem(exc)) from None
    offsets = [merged["milestones"], *merged["milestones_by_kind"].values(), *merged["milestones_by_signatory"].values()]
    if any(int(merged[k]) < 0 for k in OTHER_INT_SETTINGS):
        raise DomainError(_("Working-day counts cannot be negative."))
    too_long = any(int(merged[k]) > SETTING_MAXIMA[k] for k in ADMIN_INT_SETTINGS)
    if too_long or any(int(n) > MILESTONE_MAXIMUM for o in offsets for n in o):
        # Also keeps DAY_OFF_REACH valid: no rule counts back more than 60 working days.
        raise DomainError(
            _("These settings are not valid: terms are at most 366 days, working-day counts at most 20 and milestones at most 60 working days.")
        )
    changes = {k: (current[k], merged[k]) for k in SETTING_DEFAULTS if current[k] != merged[k]}
    if not changes:
        return 0
    rows = {row.key: row for row in db.session.scalars(db.select(DeadlineSetting))}
    for key in changes:
        row = rows.get(key)
        if row is None:
            row = rows[key] = DeadlineSetting(key=key)
        row.value = merged[key]
        row.updated_by_id = getattr(actor, "id", None)
        db.session.add(row)
    db.session.flush()
    for key, (before, after) in changes.items():
        record("deadline_setting:changed", rows[key], f"deadline setting {key} changed", actor=actor, changes={key: (str(before), str(after))})
    return recompute_open_cases(reason="deadline settings changed", actor=actor, cause={"code": "settings"})


# -- the rule context (settings, days off, recesses) ------------------------------------------


@dataclasses.dataclass(frozen=True)
class RuleContext:
    calendar: WorkingCalendar
    settings: DeadlineSettings
    recesses: RecessTable


def load_rule_context() -> RuleContext:
    days_off = db.session.scalars(db.select(NonWorkingDay)).all()
    calendar = WorkingCalendar({d.date for d in days_off}, {d.date: d.name for d in days_off})
    try:
        settings = settings_from_values(setting_values())
    except ValueError:
        settings = rules.DEFAULT_SETTINGS
    recess_rows = db.session.scalars(db.select(Event).where(Event.kind == EventKind.recess).order_by(Event.starts_on)).all()
    recesses = RecessTable((e.name, e.starts_on, e.ends_on or e.starts_on) for e in recess_rows)
    return RuleContext(calendar, settings, recesses)


def rule_context() -> RuleContext:
    """The context as stored now. A unit of work keeps one for its reads (:func:`unit_rule_context`)
    and passes it in; a service that changed settings, days off or recesses loads its own."""
    return load_rule_context()


def unit_rule_context() -> RuleContext:
    """The context for reading pages and API calls: the worker's kept copy while the database's
    reference stamp is the one it was loaded under (``reference_data``: days off, settings and
    recesses change the stamp in the transaction that changes them, so a copy is never used
    after such a change commits, in any worker), read once per unit of work (the edge keeps it).
    A session that changed them itself loads afresh."""
    return edge.memo("rule_context", lambda: reference_data.kept("deadlines.rule_context", load_rule_context))


# -- computing and storing ------------------------------------------------------------------------


def facts_for(case: Case) -> CaseFacts:
    event = case.due_before_event
    return CaseFacts(
        kind=case.kind.value,
        received_on=case.received_on,
        committee_due_on=case.committee_due_on,
        given_due_on=case.given_due_on,
        postponed_on=case.postponed_on,
        event=rules.Event(event.name, event.starts_on, event.ends_on) if event is not None else None,
        signatory_id=case.addressed_to_id,
        answered=case.status == CaseStatus.answered,
    )


def _set_quietly(case: Case, **values: Any) -> None:
    """Write denormalised columns without an ORM change (so ``version`` stays as it is)."""
    if all(getattr(case, k) == v for k, v in values.items()):
        return
    db.session.execute(
        sa.update(Case).where(Case.id == case.id).values(**values), execution_options={"synchronize_session": False}
    )
    for key, value in values.items():
        set_committed_value(case, key, value)


def binding_of(case: Case) -> Deadline | None:
    return next((d for d in case.deadlines if d.is_binding), None)


def recompute_case(
    case: Case,
    actor: Any = None,
    reason: str = "recomputed",
    *,
    ctx: RuleContext | None = None,
    cause: dict[str, Any] | None = None,
) -> dict[str, tuple[Any, Any]]:
    """Compute the case's deadlines and upsert the rows, keeping directors' overrides.

    Returns the changes ``{kind: (before, after)}`` of the practical dates; an audit entry
    "case:deadlines_recomputed" with those changes and the reason is written when a stored
    date changed. ``reason`` is the untranslated line for logs; ``cause`` ({"code": ..., plus
    values}) lets the timeline say the same in the reader's language (audit.describe).
    """
    ctx = ctx or rule_context()
    computed = compute_deadlines(facts_for(case), calendar=ctx.calendar, settings=ctx.settings, recesses=ctx.recesses)
    existing = {d.kind: d for d in case.deadlines}
    before = {kind: d.practical_due_on for kind, d in existing.items()}
    before_binding = next((k for k, d in existing.items() if d.is_binding), None)
    _store(case, computed, existing)
    binding = binding_of(case)
    if binding is not None and binding.overridden_due_on is not None:
        _milestones_from_override(case, binding, ctx)
    _set_binding_dates(case, binding)
    after = {d.kind: d.practical_due_on for d in case.deadlines}
    changes: dict[str, tuple[Any, Any]] = {
        kind.value: (before.get(kind), after.get(kind))
        for kind in sorted(set(before) | set(after))
        if before.get(kind) != after.get(kind)
    }
    after_binding = binding.kind if binding is not None else None
    if before_binding != after_binding:
        changes["binding"] = (before_binding, after_binding)
    if before and changes:
        record(
            "case:deadlines_recomputed",
            case,
            f"deadlines of {case.reference} recomputed: {reason}",
            actor=actor,
            changes=changes,
            reason=reason,
            cause=cause or {},
        )
    return changes


def _store(case: Case, computed: Iterable[Any], existing: dict[DeadlineKind, Deadline]) -> None:
    """Upsert the computed deadlines (only the columns that changed) and drop the rows no rule
    gives any more; a director's override on a kept row stays."""
    stamp = now_utc()
    seen: set[DeadlineKind] = set()
    for c in computed:
        row = existing.get(c.kind)
        if row is None:
            row = Deadline(kind=c.kind)
            case.deadlines.append(row)
        for name in ("due_on", "practical_due_on", "rule", "explanation", "is_binding"):
            if getattr(row, name) != getattr(c, name):
                setattr(row, name, getattr(c, name))
        if row.warnings != list(c.warnings):
            row.warnings = list(c.warnings)
        if row.id is None or sa.inspect(row).modified:
            # only rows that changed: a no-op recompute of 100,000 cases then writes nothing
            row.computed_at = stamp
        seen.add(c.kind)
    for kind, row in existing.items():
        if kind not in seen:
            case.deadlines.remove(row)


def _milestones_from_override(case: Case, binding: Deadline, ctx: RuleContext) -> None:
    """A director's date for the binding deadline moves the internal milestones with it."""
    base = binding.overridden_due_on
    assert base is not None
    offsets, source = ctx.settings.milestones_for(case.kind.value, case.addressed_to_id)
    steps = (offsets.draft, offsets.approval, offsets.signature)
    rows = {d.kind: d for d in case.deadlines}
    for (kind, _rule, label), n, due in zip(rules.MILESTONES, steps, ctx.calendar.subtract_working_days_each(base, steps), strict=True):
        row = rows.get(kind)
        if row is None or row.overridden_due_on is not None:
            continue
        row.due_on = row.practical_due_on = due
        row.explanation = (
            f"{label}: {working_days_words(n)} vóór de handmatig vastgestelde uiterste datum {long_date(base)} ({source}) = {long_date(due)}"
        )


def _set_binding_dates(case: Case, binding: Deadline | None) -> None:
    if binding is None:
        _set_quietly(case, due_on=None, practical_due_on=None)
    else:
        _set_quietly(case, due_on=binding.overridden_due_on or binding.due_on, practical_due_on=binding.effective_due_on)


def recompute_cases(cases: Iterable[Case], *, reason: str, actor: Any = None, cause: dict[str, Any] | None = None) -> int:
    ctx = rule_context()
    count = 0
    for case in cases:
        recompute_case(case, actor, reason, ctx=ctx, cause=cause)
        count += 1
    return count


def _batched(query: sa.Select[Any], batch_size: int) -> Iterable[Case]:
    last_id = 0
    while True:
        batch = db.session.scalars(
            query.where(Case.id > last_id)
            .order_by(Case.id)
            .limit(batch_size)
            # the rules need the case's own columns, its event and its deadlines only
            .options(lazyload("*"), joinedload(Case.due_before_event), selectinload(Case.deadlines).lazyload("*"))
        ).all()
        if not batch:
            return
        yield from batch
        last_id = batch[-1].id
        # Flushed, the batch's objects are clean; the identity map holds clean objects weakly,
        # so memory stays flat over 100,000 cases once ``batch`` is replaced.
        db.session.flush()


#: a day off can move deadline rows up to this many days around it: a due date on it moves to
#: the day before, and milestones are counted back at most 60 working days (~90 days)
DAY_OFF_REACH = dt.timedelta(days=100)


def recompute_open_cases(
    *,
    reason: str,
    actor: Any = None,
    batch_size: int = 500,
    touching: tuple[dt.date, dt.date] | None = None,
    cause: dict[str, Any] | None = None,
) -> int:
    """Recompute open cases; with ``touching=(start, end)`` only those with a stored deadline
    in that range (a recess or a day off only affects dates near it: an admin adding one
    should not wait for every open case to be recomputed)."""
    query = db.select(Case).where(Case.status.not_in(list(CLOSED)))
    if touching is not None:
        start, end = touching
        near = db.select(Deadline.case_id).where(
            sa.or_(Deadline.due_on.between(start, end), Deadline.practical_due_on.between(start, end))
        )
        query = query.where(Case.id.in_(near))
    return recompute_cases(_batched(query, batch_size), reason=reason, actor=actor, cause=cause)


def recompute_all(*, reason: str = "recomputed for all cases", actor: Any = None, batch_size: int = 500) -> int:
    """Recompute every case in batches (the caller commits once at the end)."""
    return recompute_cases(_batched(db.select(Case), batch_size), reason=reason, actor=actor, cause={"code": "all"})


# -- hooks called by the case services ------------------------------------------------------------


def on_case_saved(case: Case, actor: Any = None, reason: str = "case edited") -> None:
    # a case's own facts changed, not the reference data: the worker's copy kept under the
    # database's stamp serves (``kept`` loads afresh when this session changed days off,
    # settings or events itself), instead of reading them all again for each case saved
    ctx = reference_data.kept("deadlines.rule_context", load_rule_context)
    recompute_case(case, actor, reason, ctx=ctx, cause={"code": "case_edited"})


def on_status_changed(case: Case, before: CaseStatus, after: CaseStatus, actor: Any = None) -> None:
    """Answered (or reopened) changes the deadlines; ``answered_on`` is set by the case workflow."""
    if CaseStatus.answered in (before, after):
        recompute_case(case, actor, f"status {before.value} -> {after.value}", cause={"code": "status", "status": after.value})


# -- case facts (postponement and overrides: ``overrides``) ------------------------------------


def set_case_facts(case: Case, *, actor: Any = None, **values: Any) -> None:
    """Set committee_due_on, given_due_on or due_before_event, audit, and recompute."""
    for name, value in values.items():
        if isinstance(value, dt.date) and not in_range(value):
            raise DomainError(_("Enter a date between 1990 and 2199."), {name: _("Enter a date between 1990 and 2199.")})
    changes: dict[str, tuple[Any, Any]] = {}
    for name, value in values.items():
        before = getattr(case, name)
        if before != value:
            # stored in the audit details: the event's name and ISO date, in no one's language
            label = (lambda v: f"{v.name} ({v.starts_on.isoformat()})" if isinstance(v, Event) else v)  # noqa: E731
            changes[name] = (label(before), label(value))
            setattr(case, name, value)
    if not changes:
        return
    db.session.flush()
    record("case:updated", case, f"case {case.reference} edited: {', '.join(sorted(changes))}", actor=actor, changes=changes)
    recompute_case(case, actor, f"{', '.join(sorted(changes))} changed", cause={"code": "case_edited"})


def anchorable_events() -> Sequence[Event]:
    return db.session.scalars(db.select(Event).where(Event.kind != EventKind.recess).order_by(Event.starts_on.desc())).all()


# -- status for display -------------------------------------------------------------------------

def is_done(deadline: Deadline, case: Case) -> bool:
    """Whether the deadline's step is done (the one rule: ``deadlines.progress``)."""
    return progress.is_done(deadline.kind, case.status, case.postponed_on)


def deadline_risk(deadline: Deadline, case: Case, today: dt.date | None = None, ctx: RuleContext | None = None) -> str | None:
    """overdue | due_soon | on_track | done; None for an answer date that does not count."""
    if deadline.kind in ANSWER_KINDS and not deadline.is_binding:
        return None
    ctx = ctx or rule_context()
    return lateness.risk(
        deadline.effective_due_on,
        today or today_local(),
        is_done(deadline, case),
        ctx.calendar,
        ctx.settings.due_soon_working_days,
    )


_ORDER = {k: i for i, k in enumerate(DeadlineKind)}


def ordered(deadlines: Iterable[Deadline]) -> list[Deadline]:
    """Binding first, then the other answer dates, then the milestones (latest last)."""
    return sorted(deadlines, key=lambda d: (not d.is_binding, d.kind not in ANSWER_KINDS, d.effective_due_on, _ORDER[d.kind]))
