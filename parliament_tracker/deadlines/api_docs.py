"""The deadlines API's part of the OpenAPI document: its own operations and the deadline fields of Case."""

from __future__ import annotations

from typing import Any

from parliament_tracker.api import (
    OpenApiParts,
    error_response,
    json_body_of,
    json_response,
    list_of,
    nullable,
    obj,
    page_of,
)
from parliament_tracker.deadlines.models import EventKind
from parliament_tracker.deadlines.rules import DeadlineKind

#: this part's own schemas and operations (filled here, copied into each document)
_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}

_DEADLINE_PROPERTIES: dict[str, Any] = {
    "kind": {"type": "string", "enum": [k.value for k in DeadlineKind]},
    "due_on": {"type": "string", "format": "date"},
    "practical_due_on": {"type": "string", "format": "date", "description": "moved off weekends, holidays and recess"},
    "rule": {"type": "string"},
    "explanation": {"type": "string", "description": "how the date was reached, in the token user's language (stored in Dutch)"},
    "is_binding": {"type": "boolean"},
    "warnings": {"type": "array", "items": {"type": "string"}, "description": "in the token user's language"},
    "overridden_due_on": nullable("string", format="date"),
    "override_reason": nullable("string"),
}
_SCHEMAS["Deadline"] = obj(_DEADLINE_PROPERTIES)
#: the deadline fields of the cases API's Case (``case_deadlines_json``)
_CASE_FIELDS: dict[str, Any] = {
    "committee_due_on": nullable("string", format="date"),
    "given_due_on": nullable("string", format="date"),
    "due_before_event": nullable("integer", description="event id"),
    "postponed_on": nullable("string", format="date"),
    "deadlines": {"type": "array", "items": {"$ref": "#/components/schemas/Deadline"}},
}
_EVENT_PROPERTIES: dict[str, Any] = {
    "id": {"type": "integer"},
    "kind": {"type": "string", "enum": list(EventKind.__members__)},
    "name": {"type": "string"},
    "starts_on": {"type": "string", "format": "date"},
    "ends_on": nullable("string", format="date"),
    "dossier": nullable("string"),
    "tk_number": nullable("string"),
}
_SCHEMAS["Event"] = obj(_EVENT_PROPERTIES)
_SCHEMAS["EventInput"] = {
    "type": "object",
    "description": "POST needs kind, name and starts_on; PATCH takes any of the fields.",
    "additionalProperties": False,
    "properties": {k: v for k, v in _EVENT_PROPERTIES.items() if k != "id"},
}
_SCHEMAS["CalendarEntry"] = obj(
    {
        **_DEADLINE_PROPERTIES,
        "date": {"type": "string", "format": "date", "description": "the override, else the practical date"},
        "risk": nullable("string", enum=["overdue", "due_soon", "on_track", "done", None]),
        "case": {"type": "string", "description": "case reference"},
        "subject": {"type": "string"},
        "status": {"type": "string"},
        "lead_directorate": nullable("string"),
        "url": {"type": "string"},
    }
)
_event = json_body_of("EventInput")
_event_id = {"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_PATHS["/cases/{reference}/postponement"] = {
    "post": {
        "summary": "Record the postponement notice (written questions)",
        "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": json_body_of(
            {
                "type": "object",
                "required": ["sent_on", "reason"],
                "properties": {"sent_on": {"type": "string", "format": "date"}, "reason": {"type": "string"}},
            }
        ),
        "responses": {
            "200": json_response("The case with its new deadlines", "Case"),
            "404": error_response(404),
            "409": error_response(409),
            "422": error_response(422),
        },
    }
}
_PATHS["/events"] = {
    "get": {"summary": "List events, newest first", "responses": {"200": json_response("Events", list_of("Event"))}},
    "post": {
        "summary": "Create an event",
        "requestBody": _event,
        "responses": {"201": json_response("Created", "Event"), "422": error_response(422)},
    },
}
_PATHS["/events/{event_id}"] = {
    "get": {"summary": "One event", "parameters": [_event_id], "responses": {"200": json_response("The event", "Event"), "404": error_response(404)}},
    "patch": {
        "summary": "Change an event (anchored cases are recomputed)",
        "parameters": [_event_id],
        "requestBody": _event,
        "responses": {"200": json_response("Saved", "Event"), "404": error_response(404), "422": error_response(422)},
    },
    "delete": {
        "summary": "Delete an event (cases due before it lose that date and are recomputed)",
        "parameters": [_event_id],
        "responses": {
            "200": json_response("Deleted", obj({"deleted": {"type": "integer"}, "cases_recomputed": {"type": "integer"}})),
            "404": error_response(404),
        },
    },
}
_PATHS["/calendar"] = {
    "get": {
        "summary": "Deadlines in a date range, by date",
        "parameters": [
            {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "directorate", "in": "query", "schema": {"type": "string"}, "description": "directorate code"},
            {"name": "drafter", "in": "query", "schema": {"type": "string"}, "description": "username: that drafter's cases"},
            {"name": "binding", "in": "query", "schema": {"type": "string", "enum": ["1", "true"]}},
            {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
            {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 2000, "default": 500}},
        ],
        "responses": {
            "200": json_response(
                "A page of deadlines in [from, to]",
                page_of("CalendarEntry", **{"from": {"type": "string", "format": "date"}, "to": {"type": "string", "format": "date"}}),
            ),
            "422": error_response(422),
        },
    }
}

_listed = lambda items: obj({"items": {"type": "array", "items": items}, "total": {"type": "integer", "description": "all that match; items holds the first ones"}})  # noqa: E731
_PATHS["/dashboard"] = {
    "get": {
        "summary": "The dashboard's lists: overdue, due this week, awaiting approval, the Monday list",
        "parameters": [
            {
                "name": "directorate",
                "in": "query",
                "schema": {"type": "string"},
                "description": "a directorate code, or `all`; default: the user's own directorate",
            }
        ],
        "responses": {
            "200": json_response(
                "The lists",
                obj(
                    {
                        "today": {"type": "string", "format": "date"},
                        "week_end": {"type": "string", "format": "date"},
                        "monday": {"type": "string", "format": "date", "description": "the Monday of the next late-answers list"},
                        "directorate": nullable("string"),
                        "overdue": _listed({"$ref": "#/components/schemas/CalendarEntry"}),
                        "this_week": _listed({"$ref": "#/components/schemas/CalendarEntry"}),
                        "awaiting_approval": _listed({"$ref": "#/components/schemas/CaseSummary"}),
                        "monday_list": _listed({"$ref": "#/components/schemas/CaseSummary"}),
                    }
                ),
            ),
            "422": error_response(422),
        },
    }
}


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    doc.add(_PATHS, _SCHEMAS)
    doc.extend("Case", _CASE_FIELDS, list(_CASE_FIELDS))
