"""The cases API's part of the OpenAPI document (schemas and operations)."""

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
from parliament_tracker.cases.models import CaseKind, LinkType
from parliament_tracker.cases.workflow import CaseStatus

#: this part's own schemas and operations (filled here, copied into each document)
_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}

_summary_properties: dict[str, Any] = {
    "reference": {"type": "string", "example": "2021Z19601"},
    "kind": {"type": "string", "enum": list(CaseKind.__members__)},
    "subject": {"type": "string"},
    "received_on": {"type": "string", "format": "date"},
    "status": {"type": "string", "enum": [s.value for s in CaseStatus]},
    "version": {"type": "integer", "description": "send it back with PATCH"},
    "lead_directorate": nullable("string", description="directorate code"),
    "drafter": nullable("string", description="username"),
    "addressed_to": nullable("string", description="signatory office title"),
    "committee": nullable("string"),
    "members": {"type": "array", "items": obj({"name": {"type": "string"}, "party": nullable("string")})},
    "dossier": nullable("string"),
    "due_on": nullable("string", format="date", description="the binding deadline"),
    "practical_due_on": nullable("string", format="date"),
    "url": {"type": "string", "description": "the case's page"},
}
_SCHEMAS["CaseSummary"] = obj(_summary_properties)
#: the full case; feature modules add their fields (deadlines, letters) to its properties
_SCHEMAS["Case"] = obj(
    {
        **_summary_properties,
        "notes": nullable("string"),
        "questions": {
            "type": "array",
            "items": obj(
                {
                    "number": {"type": "integer"},
                    "text": {"type": "string"},
                    "see_answer_to": nullable("integer"),
                    "directorate": nullable("string", description="the question's directorate (code): its own, else the case's"),
                    "drafter": nullable("string", description="the question's drafter (username): its own, else the case's"),
                    "own_assignment": {"type": "boolean", "description": "false: it follows the case's directorate and drafter"},
                }
            ),
        },
        "links": {
            "type": "array",
            "items": obj(
                {
                    "reference": {"type": "string"},
                    "type": {"type": "string", "enum": list(LinkType.__members__)},
                    "direction": {"type": "string", "enum": ["outgoing", "incoming"]},
                }
            ),
        },
        "warnings": {
            "type": "object",
            "description": (
                "Only in the answer to POST and PATCH, when a date is plausible but unusual (a `received_on` more "
                "than a year ago): the case was saved; per field, what the form would have asked the user to confirm. "
                "Refused outright (422): a `received_on` in the future, a `committee_due_on` before `received_on`."
            ),
            "propertyNames": {"enum": ["received_on"]},
            "additionalProperties": {"type": "string"},
        },
    }
)
_SCHEMAS["Case"]["required"].remove("warnings")  # only when there is something to confirm
_SCHEMAS["CaseInput"] = {
    "type": "object",
    "description": "POST needs reference, kind, subject and received_on; PATCH needs version and any fields to change.",
    "additionalProperties": False,
    "properties": {
        "reference": {"type": "string"},
        "kind": {"type": "string", "enum": list(CaseKind.__members__)},
        "subject": {"type": "string"},
        "received_on": {"type": "string", "format": "date"},
        "lead_directorate": nullable("string", description="directorate code"),
        "drafter": nullable("string", description="username"),
        "addressed_to": nullable("string", description="signatory office title"),
        "committee": nullable("string", description="committee name"),
        "members": {"type": "array", "items": {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}, "party": nullable("string")}}},
        "dossier": nullable("string"),
        "notes": nullable("string"),
        "questions_text": nullable("string", description="the questions, numbered 1. 2. …"),
        "version": {"type": "integer", "description": "PATCH: the version you read"},
        "committee_due_on": nullable("string", format="date"),
        "given_due_on": nullable("string", format="date"),
        "due_before_event": nullable("integer", description="event id"),
    },
}
ref_param = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
ok = lambda d: json_response(d, "Case")  # noqa: E731
_case_query = [
    {"name": n, "in": "query", "schema": {"type": "string"}}
    for n in ("q", "kind", "status", "state", "sort", "directorate", "drafter", "committee", "party", "received_from", "received_to")
] + [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
    {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 500}},
]
_PATHS["/cases"] = {
    "get": {
        "summary": "Search and filter cases",
        "parameters": _case_query,
        "responses": {"200": json_response(
                "A page of cases with the total, counted up to 1,000: past that ``total`` is 1,001 and "
                "``total_capped`` is true",
                page_of("CaseSummary", total_capped={"type": "boolean"}),
            )},
    },
    "post": {
        "summary": "Register a case",
        "requestBody": json_body_of("CaseInput"),
        "responses": {
            "201": ok("Created"),
            "409": error_response(409, "A case with this reference exists (`existing` is its path)"),
            "422": error_response(422),
        },
    },
}
_PATHS["/cases/{reference}"] = {
    "get": {"summary": "One case", "parameters": [ref_param], "responses": {"200": ok("The case"), "404": error_response(404)}},
    "patch": {
        "summary": "Edit a case (send the version you read)",
        "parameters": [ref_param],
        "requestBody": json_body_of("CaseInput"),
        "responses": {"200": ok("Saved"), "404": error_response(404), "409": error_response(409), "422": error_response(422)},
    },
}
_PATHS["/cases/{reference}/questions/{number}"] = {
    "patch": {
        "summary": "Assign one written question to a directorate and drafter (null: the case's); send the case's version",
        "parameters": [ref_param, {"name": "number", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "requestBody": json_body_of(
            obj(
                {
                    "version": {"type": "integer"},
                    "directorate": nullable("string", description="a directorate code"),
                    "drafter": nullable("string", description="a username (drafter or director of that directorate)"),
                },
                required=["version"],
            )
        ),
        "responses": {"200": ok("Saved: the case"), "404": error_response(404), "409": error_response(409), "422": error_response(422)},
    }
}
_PATHS["/cases/{reference}/links"] = {
    "post": {
        "summary": "Link to another case",
        "parameters": [ref_param],
        "requestBody": json_body_of(
            {
                "type": "object",
                "required": ["reference"],
                "additionalProperties": False,
                "properties": {"reference": {"type": "string"}, "type": {"type": "string", "enum": list(LinkType.__members__)}},
            }
        ),
        "responses": {"201": ok("Linked"), "404": error_response(404), "409": error_response(409), "422": error_response(422)},
    },
    "delete": {
        "summary": "Remove a link",
        "parameters": [ref_param, {"name": "reference", "in": "query", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": ok("Unlinked"), "404": error_response(404), "422": error_response(422)},
    },
}
_SCHEMAS["Attachment"] = obj(
    {
        "id": {"type": "integer"},
        "filename": {"type": "string"},
        "content_type": {"enum": ["application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"]},
        "size": {"type": "integer"},
        "sha256": {"type": "string"},
        "uploaded_by": nullable("string"),
        "created_at": {"type": "string", "format": "date-time"},
        "url": {"type": "string"},
    }
)
_PATHS["/cases/{reference}/attachments"] = {
    "get": {
        "summary": "A case's attachments",
        "parameters": [ref_param],
        "responses": {"200": json_response("The attachments", list_of("Attachment")), "404": error_response(404)},
    },
    "post": {
        "summary": "Attach an incoming PDF or DOCX",
        "parameters": [ref_param],
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}
                }
            },
        },
        "responses": {
            "201": json_response("Attached", "Attachment"),
            "404": error_response(404),
            "422": error_response(422, "No file, or not a clean PDF or DOCX within the size limit"),
        },
    },
}
_PATHS["/cases/{reference}/attachments/{attachment_id}"] = {
    "get": {
        "summary": "Download an attachment",
        "parameters": [ref_param, {"name": "attachment_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {
            "200": {
                "description": "The file",
                "content": {
                    "application/pdf": {},
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {},
                },
            },
            "404": error_response(404),
        },
    }
}


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    doc.add(_PATHS, _SCHEMAS)
