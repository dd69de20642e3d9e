"""The letters API's part of the OpenAPI document: letters, versions, and the letters of a Case."""

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
)
from parliament_tracker.letters.downloads import DOCX_MIME
from parliament_tracker.letters.engine import markup
from parliament_tracker.letters.models import (
    LetterCaseRole,
    LetterKind,
    LetterStatus,
    VersionSource,
)

#: this part's own schemas and operations (filled here, copied into each document)
_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}

_ANSWER = {
    "type": "object",
    "required": ["questions"],
    "additionalProperties": False,
    "properties": {
        "questions": {"type": "array", "items": {"type": "integer"}},
        "text": {"type": "string"},
        "see": {"type": "integer", "description": "'Zie het antwoord op vraag n'"},
    },
}
_BODY = {
    "oneOf": [
        {"type": "string", "description": markup.HELP_TEXT},
        {"type": "array", "items": {"type": "string"}, "description": "one string a paragraph"},
    ]
}
_SCHEMAS["LetterInput"] = {
    "type": "object",
    "required": ["kind"],
    "additionalProperties": False,
    "properties": {
        "kind": {"enum": [k.value for k in LetterKind]},
        "subject": {"type": "string"},
        "body": _BODY,
        "answers": {"type": "array", "items": _ANSWER},
        "mentions": {"type": "array", "items": {"type": "string"}},
        "also_answers": {"type": "array", "items": {"type": "string"}},
        "postponement_reason": {"type": "string"},
        "our_reference": {"type": "string"},
    },
}
_SCHEMAS["LetterVersion"] = obj(
    {
        "number": {"type": "integer"},
        "source": {"enum": [s.value for s in VersionSource]},
        "filename": nullable("string"),
        "created_at": {"type": "string", "format": "date-time"},
        "created_by": nullable("string"),
        "docx_sha256": {"type": "string"},
        "pdf_sha256": {"type": "string"},
        "note": nullable("string"),
    }
)
_SCHEMAS["Letter"] = obj(
    {
        "id": {"type": "integer"},
        "kind": {"enum": [k.value for k in LetterKind]},
        "status": {"enum": [s.value for s in LetterStatus]},
        "subject": {"type": "string"},
        "letter_date": nullable("string", format="date"),
        "our_reference": nullable("string"),
        "your_reference": nullable("string"),
        "your_letter_date": nullable("string", format="date"),
        "signatory": nullable("string", description="office title"),
        "cases": {
            "type": "array",
            "items": obj({"reference": {"type": "string"}, "role": {"enum": [r.value for r in LetterCaseRole]}}),
        },
        "body": {"type": "string", "description": "the body in the drafting markup"},
        "body_blocks": {"type": "array", "items": {"type": "object"}, "description": "the body as stored blocks"},
        "answers": {"type": "array", "items": _ANSWER},
        "postponement_reason": nullable("string"),
        "version": {"type": "integer", "description": "send it back when you change the content"},
        "versions": {"type": "array", "items": {"$ref": "#/components/schemas/LetterVersion"}},
        "url": {"type": "string"},
        "docx_url": nullable("string"),
        "pdf_url": nullable("string"),
    }
)
#: the letters field of the cases API's Case (``case_letters_json``)
_CASE_LETTERS: dict[str, Any] = {
    "type": "array",
    "items": obj(
        {
            "id": {"type": "integer"},
            "kind": {"enum": [k.value for k in LetterKind]},
            "status": {"enum": [s.value for s in LetterStatus]},
            "subject": {"type": "string"},
            "versions": {"type": "integer", "description": "how many"},
            "url": {"type": "string"},
        }
    ),
}
_ID = [{"name": "letter_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_FILE_ERRORS = {"404": error_response(404, "No letter, or no version yet"), "500": error_response(500)}
_PATHS["/cases/{reference}/letters"] = {
    "post": {
        "summary": "Start a letter from a case and generate its first version",
        "parameters": [{"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}}],
        "requestBody": json_body_of("LetterInput"),
        "responses": {
            "201": json_response("Created", "Letter"),
            "404": error_response(404),
            "409": error_response(409),
            "422": error_response(422),
        },
    }
}
_PATHS["/letters/{letter_id}"] = {
    "get": {
        "summary": "A letter with its content, status, versions and approvals",
        "parameters": _ID,
        "responses": {"200": json_response("The letter", "Letter"), "404": error_response(404)},
    }
}
_PATHS["/letters/{letter_id}/docx"] = {
    "get": {
        "summary": "The latest version as DOCX",
        "parameters": _ID,
        "responses": {"200": {"description": "DOCX", "content": {DOCX_MIME: {}}}, **_FILE_ERRORS},
    }
}
_PATHS["/letters/{letter_id}/pdf"] = {
    "get": {
        "summary": "The latest version as PDF/A-2b (signed once the letter is signed)",
        "parameters": _ID,
        "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}, **_FILE_ERRORS},
    }
}
_SCHEMAS["LetterContent"] = {
    "type": "object",
    "required": ["version"],
    "additionalProperties": False,
    "properties": {
        "version": {"type": "integer", "description": "the version you read; another one gets 409"},
        "subject": {"type": "string"},
        "body": _BODY,
        "answers": {"type": "array", "items": _ANSWER},
        "our_reference": {"type": "string"},
        "postponement_reason": {"type": "string"},
    },
}
_PATHS["/letters/{letter_id}"]["patch"] = {
    "summary": "Change a draft's content (subject, body, answers); send the version you read",
    "parameters": _ID,
    "requestBody": json_body_of("LetterContent"),
    "responses": {
        "200": json_response("Saved", "Letter"),
        "404": error_response(404),
        "409": error_response(409, "Someone changed the letter since you read it, or it is signed"),
        "422": error_response(422),
    },
}
_PATHS["/letters/{letter_id}/versions"] = {
    "get": {
        "summary": "The letter's versions",
        "parameters": _ID,
        "responses": {"200": json_response("Versions, oldest first", list_of("LetterVersion")), "404": error_response(404)},
    },
    "post": {
        "summary": "Generate a new version from the draft",
        "parameters": _ID,
        "responses": {
            "201": json_response("The new version", "LetterVersion"),
            "404": error_response(404),
            "409": error_response(409, "The letter is signed or sent"),
            "422": error_response(422),
        },
    },
}
_PATHS["/letters/{letter_id}/upload"] = {
    "post": {
        "summary": "Upload a DOCX edited in Word as a new version",
        "parameters": _ID,
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}, "note": {"type": "string"}},
                    }
                }
            },
        },
        "responses": {
            "201": json_response("The new version", "LetterVersion"),
            "404": error_response(404),
            "409": error_response(409, "The letter is signed or sent"),
            "422": error_response(422, "No file, or a file that is not a usable DOCX"),
        },
    }
}


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    doc.add(_PATHS, _SCHEMAS)
    doc.extend("Case", {"letters": _CASE_LETTERS}, ["letters"])
