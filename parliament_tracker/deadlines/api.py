"""Deadline endpoints of the JSON API: case deadlines, postponement, events, the calendar.

Case JSON gets its deadline fields through the cases API's extender hook, registered at app
creation (:func:`init_app`). ``committee_due_on``, ``given_due_on`` and ``due_before_event``
are case fields: the cases API passes them to the case service, as the form does.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, jsonify, request, url_for

from parliament_tracker import edge
from parliament_tracker.api import (
    ApiError,
    api_permission,
    json_body,
    make_blueprint,
)
from parliament_tracker.auth.models import User
from parliament_tracker.cases import api as cases_api
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case
from parliament_tracker.db import today_local
from parliament_tracker.deadlines import events, lateness, overrides, presentation, queries, services
from parliament_tracker.deadlines.models import Deadline, Event, EventKind
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate

bp = make_blueprint("deadlines_api", __name__)

MAX_RANGE_DAYS = 400
#: /calendar returns the deadlines a page at a time (a year of every kind is ~10^5 rows at scale)
CALENDAR_PER_PAGE = 500
CALENDAR_MAX_PER_PAGE = 2000


def _iso(d: dt.date | None) -> str | None:
    return d.isoformat() if d else None


def deadline_json(d: Deadline) -> dict[str, Any]:
    return {
        "kind": d.kind.value,
        "due_on": d.due_on.isoformat(),
        "practical_due_on": d.practical_due_on.isoformat(),
        "rule": d.rule,
        # stored in Dutch (quoted in letters); the API reader gets them in their language
        "explanation": presentation.explain(d.explanation),
        "is_binding": d.is_binding,
        "warnings": [presentation.explain(w) for w in d.warnings or []],
        "overridden_due_on": _iso(d.overridden_due_on),
        "override_reason": d.override_reason,
    }


def case_deadlines_json(case: Case) -> dict[str, Any]:
    return {
        "due_on": _iso(case.due_on),
        "practical_due_on": _iso(case.practical_due_on),
        "committee_due_on": _iso(case.committee_due_on),
        "given_due_on": _iso(case.given_due_on),
        "due_before_event": case.due_before_event_id,
        "postponed_on": _iso(case.postponed_on),
        "deadlines": [deadline_json(d) for d in services.ordered(case.deadlines)],
    }


def init_app(app: Flask) -> None:
    """At app creation: the case JSON gets the deadline fields (the cases API's hook)."""
    cases_api.register_case_json_extender(app, case_deadlines_json)


def _iso_date(value: Any) -> dt.date | None:
    """``value`` as a date when it is an ISO date string (YYYY-MM-DD), else None."""
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    return None


@bp.post("/cases/<reference>/postponement")
@api_permission("case.postpone")
def postpone(reference: str):
    """Record the uitstelbericht of a set of written questions: {"sent_on", "reason"}."""
    case = case_services.find_case(reference)
    if case is None:
        raise ApiError(404, f"No case with reference {reference!r}.")
    body = json_body()
    # Only the shape is checked here; the rules (not before the questions, not in the future, a
    # reason) are the service's, for the page and the API alike.
    errors: dict[str, str] = {}
    sent_on = _iso_date(body.get("sent_on"))
    if sent_on is None:
        errors["sent_on"] = "Required: an ISO date (YYYY-MM-DD)."
    reason = body.get("reason")
    if reason is not None and not isinstance(reason, str):
        errors["reason"] = "Must be a string."
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)
    overrides.record_postponement(case, sent_on, reason or "", actor=edge.actor())
    db.session.flush()  # the answer shows the stored version
    return jsonify(cases_api.case_json(case))


def event_json(event: Event) -> dict[str, Any]:
    return {
        "id": event.id,
        "kind": event.kind.value,
        "name": event.name,
        "starts_on": event.starts_on.isoformat(),
        "ends_on": _iso(event.ends_on),
        "dossier": event.dossier,
        "tk_number": event.tk_number,
    }


def _event_values(body: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    known = {"kind", "name", "starts_on", "ends_on", "dossier", "tk_number"}
    for key in body:
        if key not in known:
            errors[key] = "Unknown field."
    if "kind" in body or creating:
        if body.get("kind") not in EventKind.__members__:
            errors["kind"] = f"Must be one of: {', '.join(EventKind.__members__)}."
        else:
            values["kind"] = EventKind(body["kind"])
    for name in ("name", "dossier", "tk_number"):
        if name in body:
            if body[name] is not None and not isinstance(body[name], str):
                errors[name] = "Must be a string."
            else:
                values[name] = body[name]
    if creating and body.get("name") is None:  # a name of the wrong type keeps "Must be a string."
        errors["name"] = "Required."
    for name in ("starts_on", "ends_on"):
        if name in body or (creating and name == "starts_on"):
            raw = body.get(name)
            if raw is None and name == "ends_on":
                values[name] = None
                continue
            values[name] = _iso_date(raw)
            if values[name] is None:
                errors[name] = "Must be an ISO date (YYYY-MM-DD)."
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)
    return values


@bp.get("/events")
@api_permission("calendar.view")
def list_events():
    """Events (debates and recesses), newest first."""
    rows = db.session.scalars(db.select(Event).order_by(Event.starts_on.desc())).all()
    return jsonify(items=[event_json(e) for e in rows])


@bp.post("/events")
@api_permission("event.manage")
def create_event():
    """Create an event: {"kind", "name", "starts_on", "ends_on"}."""
    values = _event_values(json_body(), creating=True)
    event = events.save_event(None, values, actor=edge.actor())
    db.session.flush()  # the id for the Location header
    return jsonify(event_json(event)), 201, {"Location": url_for("deadlines_api.get_event", event_id=event.id)}


def _event_or_404(event_id: int) -> Event:
    event = db.session.get(Event, event_id)
    if event is None:
        raise ApiError(404, f"No event with id {event_id}.")
    return event


@bp.get("/events/<int:event_id>")
@api_permission("calendar.view")
def get_event(event_id: int):
    """One event."""
    event = _event_or_404(event_id)
    return jsonify(event_json(event))


@bp.patch("/events/<int:event_id>")
@api_permission("event.manage")
def patch_event(event_id: int):
    """Change an event; the cases anchored to it are recomputed."""
    event = _event_or_404(event_id)
    values = _event_values(json_body(), creating=False)
    events.save_event(event, values, actor=edge.actor())
    db.session.flush()
    return jsonify(event_json(event))


@bp.delete("/events/<int:event_id>")
@api_permission("event.manage")
def delete_event(event_id: int):
    """Delete an event; cases due before it lose that date and are recomputed."""
    event = _event_or_404(event_id)
    count = events.delete_event(event, actor=edge.actor())
    return jsonify(deleted=event_id, cases_recomputed=count)


def _query_date(name: str, default: dt.date, errors: dict[str, str]) -> dt.date:
    raw = request.args.get(name)
    if not raw:
        return default
    value = _iso_date(raw)
    if value is None:
        errors[name] = "Must be an ISO date (YYYY-MM-DD)."
        return default
    if not services.EARLIEST <= value <= services.LATEST:
        errors[name] = f"Must be between {services.EARLIEST} and {services.LATEST}."
        return default
    return value


@bp.get("/calendar")
@api_permission("calendar.view")
def calendar():
    """Deadlines whose date (override, else practical date) is in [from, to]."""
    errors: dict[str, str] = {}
    today = today_local()
    start = _query_date("from", today, errors)
    end = _query_date("to", start + dt.timedelta(days=30), errors)
    if not errors and end < start:
        errors["to"] = "Must not be before 'from'."
    if not errors and (end - start).days > MAX_RANGE_DAYS:
        errors["to"] = f"The range may be at most {MAX_RANGE_DAYS} days."
    directorate = None
    code = request.args.get("directorate")
    if code:
        directorate = db.session.scalar(db.select(Directorate).where(Directorate.code == code))
        if directorate is None:
            errors["directorate"] = f"Unknown directorate {code!r}."
    drafter = None
    username = request.args.get("drafter")
    if username:
        drafter = db.session.scalar(db.select(User).where(User.username == username))
        if drafter is None:
            errors["drafter"] = f"Unknown user {username!r}."
    binding_only = request.args.get("binding") in ("1", "true")
    page = _query_int("page", 1, 1, 1_000_000, errors)
    per_page = _query_int("per_page", CALENDAR_PER_PAGE, 1, CALENDAR_MAX_PER_PAGE, errors)
    if errors:
        raise ApiError(422, "The request has invalid parameters.", errors)
    rows, total = queries.paged_between(
                start,
        end,
        page=page,
        per_page=per_page,
        directorate_id=directorate.id if directorate else None,
        drafter_id=drafter.id if drafter else None,
        binding_only=binding_only,
    )
    items = calendar_entries(rows, today)
    return jsonify({"from": start.isoformat(), "to": end.isoformat(), "items": items, "total": total, "page": page, "per_page": per_page})


def calendar_entries(rows: list[Deadline], today: dt.date) -> list[dict[str, Any]]:
    """Deadlines with their case, date and risk: the calendar's and the dashboard's entries."""
    ctx = services.unit_rule_context()
    items = []
    for d in rows:
        case = d.case
        items.append(
            {
                **deadline_json(d),
                "date": d.effective_due_on.isoformat(),
                "risk": services.deadline_risk(d, case, today, ctx),
                "case": case.reference,
                "subject": case.subject,
                "status": case.status.value,
                "lead_directorate": case.lead_directorate.code if case.lead_directorate else None,
                "url": url_for("cases.show", reference=case.reference, _external=True),
            }
        )
    return items


@bp.get("/dashboard")
@api_permission("dashboard.view")
def dashboard():
    """The dashboard's lists: overdue, due this week, awaiting approval and the Monday list,
    for a directorate (``?directorate=CODE``), every directorate (``all``), else the user's own."""
    today = today_local()
    code = request.args.get("directorate")
    if code == "all":
        directorate_id = None
    elif code:
        directorate = db.session.scalar(db.select(Directorate).where(Directorate.code == code))
        if directorate is None:
            raise ApiError(422, "The request has invalid parameters.", {"directorate": f"Unknown directorate {code!r}."})
        directorate_id = directorate.id
    else:
        directorate_id = edge.actor().directorate_id
    week_end = today + dt.timedelta(days=6 - today.weekday())
    overdue_rows, overdue_total = queries.overdue(today, directorate_id=directorate_id, limit=100)
    week_rows, week_total = queries.binding_between(today, week_end, directorate_id=directorate_id, limit=200)
    awaiting = queries.awaiting_approval(directorate_id, limit=100)
    monday_rows, monday_total = queries.monday_list_preview(today, directorate_id)
    chosen = db.session.get(Directorate, directorate_id) if directorate_id else None
    return jsonify(
        today=today.isoformat(),
        week_end=week_end.isoformat(),
        monday=lateness.next_monday(today).isoformat(),
        directorate=chosen.code if chosen else None,
        overdue={"items": calendar_entries(overdue_rows, today), "total": overdue_total},
        this_week={"items": calendar_entries(week_rows, today), "total": week_total},
        awaiting_approval={"items": [cases_api.case_json(c, full=False) for c in awaiting], "total": len(awaiting)},
        monday_list={"items": [cases_api.case_json(c, full=False) for c in monday_rows], "total": monday_total},
    )


def _query_int(name: str, default: int, low: int, high: int, errors: dict[str, str]) -> int:
    raw = request.args.get(name)
    if raw in (None, ""):
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:  # isdigit() alone takes "²"
        errors[name] = f"Must be a whole number from {low} to {high}."
        return default
    return int(raw)
