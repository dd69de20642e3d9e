"""The OpenAPI operations and schemas of the answers API (``answers.api``)."""

from __future__ import annotations

from typing import Any

from parliament_tracker.api import OpenApiParts, error_response, json_body_of, json_response, list_of, nullable, obj

_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}

_SCHEMAS["EarlierAnswer"] = obj(
    {
        "id": {"type": "integer"},
        "score": {"type": "number", "description": "relative text similarity (best 1.0) plus the boosts"},
        "reasons": {"type": "array", "items": {"type": "string", "enum": ["dossier", "members", "directorate"]}},
        "case": {"type": "string"},
        "question_number": {"type": "integer"},
        "question": {"type": "string"},
        "answer": {"type": "string"},
        "letter_id": {"type": "integer"},
        "sent_on": {"type": "string", "format": "date"},
        "members": {"type": "string"},
        "directorate": nullable("string"),
        "dossier": nullable("string"),
        "signed_pdf": nullable("string", description="the signed letter's PDF"),
    }
)
_LINE_FIELDS: dict[str, Any] = {
    "id": {"type": "integer"},
    "directorate": {"type": "string"},
    "topic": {"type": "string"},
    "title": {"type": "string"},
    "text": {"type": "string"},
    "owner": {"type": "string", "description": "user name"},
    "approved_by": {"type": "string"},
    "valid_until": {"type": "string", "format": "date"},
    "expired": {"type": "boolean", "description": "past valid_until: not offered to drafters"},
    "version": {"type": "integer"},
}
_SCHEMAS["StandardLine"] = obj(_LINE_FIELDS)
_SCHEMAS["StandardLineVersion"] = obj(
    {
        "number": {"type": "integer"},
        "title": {"type": "string"},
        "topic": {"type": "string"},
        "text": {"type": "string"},
        "approved_by": {"type": "string"},
        "valid_until": {"type": "string", "format": "date"},
        "changed_by": nullable("string"),
        "changed_at": {"type": "string", "format": "date-time"},
    }
)
_SCHEMAS["StandardLineWithVersions"] = obj(
    {**_LINE_FIELDS, "versions": {"type": "array", "items": {"$ref": "#/components/schemas/StandardLineVersion"}}}
)
_INPUT = {
    "topic": {"type": "string"},
    "title": {"type": "string"},
    "text": {"type": "string"},
    "owner": {"type": "string", "description": "user name"},
    "approved_by": {"type": "string"},
    "valid_until": {"type": "string", "format": "date"},
}
_SCHEMAS["StandardLineNew"] = obj({"directorate": {"type": "string"}, **_INPUT}, required=["directorate", *_INPUT])
_SCHEMAS["StandardLineChange"] = obj({"version": {"type": "integer"}, **_INPUT}, required=["version"])

_ID = [{"name": "line_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

_PATHS["/answers"] = {
    "get": {
        "summary": "Earlier answers (per question of a sent letter), by Dutch-stemmed text similarity, boosted by a case's dossier, members and directorate",
        "parameters": [
            {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "case", "in": "query", "schema": {"type": "string"}, "description": "the case being answered: its dossier, members and directorate boost"},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 50}},
        ],
        "responses": {
            "200": json_response("the hits, best first", list_of("EarlierAnswer")),
            "422": error_response(422, "q missing or too long, an unknown case, limit out of range"),
        },
    }
}
_PATHS["/standard-lines"] = {
    "get": {
        "summary": "Standard lines (standaardteksten), expired ones marked",
        "parameters": [
            {"name": "directorate", "in": "query", "schema": {"type": "string"}},
            {"name": "topic", "in": "query", "schema": {"type": "string"}},
        ],
        "responses": {"200": json_response("the lines", list_of("StandardLine")), "422": error_response(422, "unknown directorate")},
    },
    "post": {
        "summary": "A new standard line of the token user's own directorate (administrators: any)",
        "requestBody": json_body_of("StandardLineNew"),
        "responses": {
            "201": json_response("the line", "StandardLineWithVersions"),
            "400": error_response(400),
            "422": error_response(422),
        },
    },
}
_PATHS["/standard-lines/{line_id}"] = {
    "get": {
        "summary": "One standard line with its versions",
        "parameters": _ID,
        "responses": {"200": json_response("the line", "StandardLineWithVersions"), "404": error_response(404)},
    },
    "patch": {
        "summary": "Change a standard line (its own directorate): a new version, audited",
        "parameters": _ID,
        "requestBody": json_body_of("StandardLineChange"),
        "responses": {
            "200": json_response("the line", "StandardLineWithVersions"),
            "400": error_response(400),
            "404": error_response(404),
            "409": error_response(409, "changed since you read it"),
            "422": error_response(422),
        },
    },
}


def openapi(doc: OpenApiParts) -> None:
    doc.add(_PATHS, _SCHEMAS)
