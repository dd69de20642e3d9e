"""Events (debates, recesses) and days off: save, cancel and delete them, with the recompute
of the cases they move and the notices that follow (``event_moves``).

Like the other deadline services these change state, write audit entries, flush at most, and
leave the commit to the caller.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from parliament_tracker.audit.services import record
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CLOSED
from parliament_tracker.deadlines import event_moves
from parliament_tracker.deadlines.models import (
    Event,
    EventKind,
    NonWorkingDay,
)
from parliament_tracker.deadlines.services import (
    DAY_OFF_REACH,
    in_range,
    recompute_cases,
    recompute_open_cases,
    set_case_facts,
)
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db

EVENT_FIELDS = ("kind", "name", "starts_on", "ends_on", "dossier", "tk_number")


def _validate_event(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not isinstance(values.get("kind"), EventKind):
        errors["kind"] = _("Choose a kind of event.")
    if not (values.get("name") or "").strip():
        errors["name"] = _("Enter a name.")
    elif len(values["name"]) > 300:
        errors["name"] = _("The name is too long.")
    if not in_range(values.get("starts_on")):
        errors["starts_on"] = _("Enter the first day as a valid date.")
    ends = values.get("ends_on")
    if ends is not None and not in_range(ends):
        errors["ends_on"] = _("Enter the last day as a valid date.")
    elif ends is not None and isinstance(values.get("starts_on"), dt.date) and ends < values["starts_on"]:
        errors["ends_on"] = _("The last day cannot be before the first day.")
    if values.get("kind") == EventKind.recess and ends is None and "ends_on" not in errors:
        errors["ends_on"] = _("A recess needs a last day.")
    for name, limit in (("dossier", 32), ("tk_number", 64)):
        if values.get(name) and len(values[name]) > limit:
            errors[name] = _("Too long.")
    return errors


def save_event(event: Event | None, values: dict[str, Any], *, actor: Any = None) -> Event:
    """Create or change an event; cases anchored to it (or all open cases, for a recess) follow."""
    creating = event is None
    merged = {name: getattr(event, name) for name in EVENT_FIELDS} if event is not None else {}
    merged.update({k: v for k, v in values.items() if k in EVENT_FIELDS})
    for name in ("dossier", "tk_number"):
        merged[name] = (merged.get(name) or "").strip() or None
    if isinstance(merged.get("name"), str):
        merged["name"] = merged["name"].strip()
    errors = _validate_event(merged)
    if errors:
        raise DomainError(_("The event could not be saved."), errors)
    was_recess = event is not None and event.kind == EventKind.recess
    before_dates = {"starts_on": event.starts_on, "ends_on": event.ends_on} if event is not None else {}
    if event is None:
        event = Event(**{k: merged.get(k) for k in EVENT_FIELDS})
        db.session.add(event)
        changes: dict[str, tuple[Any, Any]] = {}
    else:
        changes = {k: (getattr(event, k), merged.get(k)) for k in EVENT_FIELDS if getattr(event, k) != merged.get(k)}
        if not changes:
            return event
        for key, (_before, after) in changes.items():
            setattr(event, key, after)
    db.session.flush()
    if creating:
        record("event:created", event, f"event {event.name} ({event.starts_on}) created", actor=actor, kind=event.kind)
    else:
        record("event:updated", event, f"event {event.name} changed: {', '.join(sorted(changes))}", actor=actor, changes=changes)
    if event.kind == EventKind.recess or was_recess:
        if creating or {"starts_on", "ends_on", "kind", "name"} & set(changes):
            _recess_changed(event, changes, creating=creating, actor=actor)
    elif not creating and {"starts_on", "ends_on", "name"} & set(changes):
        _event_changed(event, changes, before_dates, actor=actor)
    return event


def _recess_changed(event: Event, changes: dict[str, tuple[Any, Any]], *, creating: bool, actor: Any) -> None:
    """The open cases with a deadline in the recess, old or new range, are recomputed."""
    days = [event.starts_on, event.ends_on or event.starts_on]
    for name in ("starts_on", "ends_on"):
        if name in changes and changes[name][0] is not None:
            days.append(changes[name][0])  # the old range loses its warnings
    recompute_open_cases(
        reason=f"recess {event.name} {'added' if creating else 'changed'}",
        actor=actor,
        touching=(min(days), max(days)),
        cause={"code": "recess", "event": event.name},
    )


def _event_changed(event: Event, changes: dict[str, tuple[Any, Any]], before_dates: dict[str, Any], *, actor: Any) -> None:
    """The cases due before a changed debate are recomputed; a move is announced (event_moves)."""
    if "starts_on" in changes:
        why = f"event {event.name} moved from {changes['starts_on'][0]} to {changes['starts_on'][1]}"
        cause = {"code": "event_moved", "event": event.name, "before": changes["starts_on"][0].isoformat(), "after": event.starts_on.isoformat()}
    else:
        why = f"event {event.name} changed"
        cause = {"code": "event_changed", "event": event.name}
    anchored = db.session.scalars(
        db.select(Case).where(Case.due_before_event_id == event.id).options(selectinload(Case.deadlines))
    ).all()
    recompute_cases(anchored, reason=why, actor=actor, cause=cause)
    if "starts_on" in changes:
        open_cases = [c for c in anchored if c.status not in CLOSED]
        event_moves.announce(event, open_cases, before=before_dates, cancelled=False, name=event.name, actor=actor)


#: the name of a debate the Tweede Kamer cancelled ends with this; the cases keep it as anchor
CANCELLED_SUFFIX = " (geannuleerd)"


def cancel_event(event: Event, *, actor: Any = None, **values: Any) -> list[Case]:
    """A debate that will not take place: kept, renamed "… (geannuleerd)", the deadlines stay
    and the open cases due before it are told to choose anew. Returns those cases ([] when it
    was cancelled already). ``values``: other event fields to save with it (the Kamer's number)."""
    if event.name.endswith(CANCELLED_SUFFIX):
        return []
    original = event.name
    cases = event_moves.anchored_open_cases(event)
    before = {"starts_on": event.starts_on, "ends_on": event.ends_on}
    save_event(event, {**values, "name": original[: 300 - len(CANCELLED_SUFFIX)] + CANCELLED_SUFFIX}, actor=actor)
    event_moves.announce(event, cases, before=before, cancelled=True, name=original, actor=actor)
    return cases


def delete_event(event: Event, *, actor: Any = None) -> int:
    """Remove an event; cases due before it lose the anchor (audited) and are recomputed.
    Returns the number of cases that were anchored to it."""
    anchored = db.session.scalars(db.select(Case).where(Case.due_before_event_id == event.id)).all()
    if event.kind != EventKind.recess:
        # A debate removed by hand is cancelled as far as its cases know (as when the Kamer
        # cancels it), but they lose the anchor instead of keeping it.
        open_cases = [c for c in anchored if c.status not in CLOSED]
        before = {"starts_on": event.starts_on, "ends_on": event.ends_on}
        event_moves.announce(event, open_cases, before=before, cancelled=True, name=event.name, actor=actor, still_due_before=False)
    for case in anchored:
        set_case_facts(case, actor=actor, due_before_event=None)
    was_recess = event.kind == EventKind.recess
    record("event:deleted", event, f"event {event.name} ({event.starts_on}) deleted", actor=actor, anchored=len(anchored))
    db.session.delete(event)
    db.session.flush()
    if was_recess:
        recompute_open_cases(
            reason=f"recess {event.name} removed",
            actor=actor,
            touching=(event.starts_on, event.ends_on or event.starts_on),
            cause={"code": "recess", "event": event.name},
        )
    return len(anchored)


def add_non_working_day(date: dt.date | None, name: str, *, actor: Any = None) -> NonWorkingDay:
    """Add a day off (e.g. a bridge day); open cases with a deadline near it are recomputed."""
    errors = {}
    if not in_range(date):
        errors["date"] = _("Enter a valid date.")
    if not (name or "").strip():
        errors["name"] = _("Enter a name.")
    if date is not None and db.session.scalar(db.select(NonWorkingDay).where(NonWorkingDay.date == date)) is not None:
        errors["date"] = _("This day is already a day off.")
    if errors:
        raise DomainError(_("The day off could not be saved."), errors)
    day = NonWorkingDay(date=date, name=name.strip())
    db.session.add(day)
    db.session.flush()
    record("non_working_day:created", day, f"day off {day.date} ({day.name}) added", actor=actor)
    recompute_open_cases(
        reason=f"day off {day.date} ({day.name}) added",
        actor=actor,
        touching=(day.date - DAY_OFF_REACH, day.date + DAY_OFF_REACH),
        cause={"code": "day_off", "date": day.date.isoformat(), "name": day.name},
    )
    return day


def delete_non_working_day(day: NonWorkingDay, *, actor: Any = None) -> None:
    record("non_working_day:deleted", day, f"day off {day.date} ({day.name}) removed", actor=actor)
    db.session.delete(day)
    db.session.flush()
    recompute_open_cases(
        reason=f"day off {day.date} ({day.name}) removed",
        actor=actor,
        touching=(day.date - DAY_OFF_REACH, day.date + DAY_OFF_REACH),
        cause={"code": "day_off", "date": day.date.isoformat(), "name": day.name},
    )
