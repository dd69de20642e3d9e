"""The contributions API's part of the OpenAPI document (schemas and operations)."""

from __future__ import annotations

from typing import Any

from parliament_tracker.api import OpenApiParts, error_response, json_body_of, json_response, list_of, nullable, obj
from parliament_tracker.contributions.workflow import ContributionState

#: this part's own schemas and operations (copied into each OpenAPI document)
_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}
_SCHEMAS["Contribution"] = obj(
    {
        "id": {"type": "integer"},
        "case": {"type": "string", "description": "the case's reference"},
        "questions": {"type": "array", "items": {"type": "integer"}, "description": "empty: the whole case"},
        "directorate": nullable("string", description="the directorate asked (code)"),
        "user": nullable("string", description="the person asked (username)"),
        "external_email": nullable("string", description="the outside address asked"),
        "asked_by": nullable("string"),
        "request_text": {"type": "string"},
        "due_on": {"type": "string", "format": "date"},
        "state": {"type": "string", "enum": [s.value for s in ContributionState]},
        "overdue": {"type": "boolean", "description": "still asked after its due date"},
        "answer_text": {"type": "string"},
        "answer_file": nullable("string", description="the answer's file name (download on the contribution's page)"),
        "delivered_at": nullable("string", format="date-time"),
        "delivered_by": nullable("string"),
        "url": {"type": "string", "description": "the contribution's page"},
    }
)
_SCHEMAS["ContributionAsk"] = obj(
    {
        "directorate": nullable("string", description="a directorate code; or give external_email"),
        "user": nullable("string", description="a username in that directorate (optional)"),
        "external_email": nullable("string", description="an address outside the app (gets a link)"),
        "questions": {"type": "array", "items": {"type": "integer"}},
        "due_on": nullable("string", format="date", description="default: the draft milestone minus the lead time"),
        "request_text": {"type": "string"},
    },
    required=["request_text"],
)
_SCHEMAS["ContributionAnswer"] = obj(
    {
        "text": {"type": "string"},
        "filename": {"type": "string", "description": "a PDF or DOCX, with content"},
        "content": {"type": "string", "contentEncoding": "base64"},
    },
    required=[],
)
_SCHEMAS["ContributionTake"] = obj(
    {
        "letter": {"type": "integer", "description": "a draft letter answering the contribution's case"},
        "version": {"type": "integer", "description": "the letter's version you read"},
    }
)
_SCHEMAS["ContributionTaken"] = obj(
    {
        "contribution": {"$ref": "#/components/schemas/Contribution"},
        "letter": {"$ref": "#/components/schemas/Letter"},
    }
)
_REF = {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}
_ID = {"name": "contribution_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_PATHS["/cases/{reference}/contributions"] = {
    "get": {
        "summary": "A case's contributions, due first first",
        "parameters": [_REF],
        "responses": {"200": json_response("the contributions", list_of("Contribution")), "404": error_response(404)},
    },
    "post": {
        "summary": "Ask a directorate (or one of its users) or an outside address for a contribution",
        "parameters": [_REF],
        "requestBody": json_body_of("ContributionAsk"),
        "responses": {
            "201": json_response("the contribution asked", "Contribution"),
            "400": error_response(400),
            "404": error_response(404),
            "422": error_response(422),
        },
    },
}
_PATHS["/contributions/{contribution_id}"] = {
    "get": {
        "summary": "One contribution",
        "parameters": [_ID],
        "responses": {"200": json_response("the contribution", "Contribution"), "404": error_response(404)},
    }
}
_PATHS["/contributions/{contribution_id}/answer"] = {
    "post": {
        "summary": "Answer a contribution asked of you or your directorate: text and/or a file",
        "parameters": [_ID],
        "requestBody": json_body_of("ContributionAnswer"),
        "responses": {
            "200": json_response("the contribution, delivered", "Contribution"),
            "400": error_response(400),
            "404": error_response(404),
            "409": error_response(409, "already delivered or withdrawn"),
            "422": error_response(422),
        },
    }
}
_PATHS["/contributions/{contribution_id}/withdraw"] = {
    "post": {
        "summary": "Withdraw a request still open (an outside link stops working)",
        "parameters": [_ID],
        "responses": {
            "200": json_response("the contribution, withdrawn", "Contribution"),
            "404": error_response(404),
            "409": error_response(409, "already delivered or withdrawn"),
        },
    }
}
_PATHS["/contributions/{contribution_id}/take"] = {
    "post": {
        "summary": "Take a delivered contribution's text into a draft letter's answers for its questions",
        "parameters": [_ID],
        "requestBody": json_body_of("ContributionTake"),
        "responses": {
            "200": json_response("the contribution and the letter, changed", "ContributionTaken"),
            "400": error_response(400),
            "404": error_response(404),
            "409": error_response(
                409,
                "the letter changed since you read it, or the contribution is not delivered, has no text or "
                "questions, or is for a case the letter does not answer",
            ),
            "422": error_response(422, "invalid fields, an unknown letter, or a letter that is no longer a draft"),
        },
    }
}


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    doc.add(_PATHS, _SCHEMAS)
