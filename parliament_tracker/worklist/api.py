"""Mijn werk in the API.

Routes:
    GET  /api/v1/me/worklist     my worklist (sections by role)     case.view
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from parliament_tracker import edge
from parliament_tracker.api import OPENAPI_PATHS, OPENAPI_SCHEMAS, api_permission, make_blueprint
from parliament_tracker.db import today_local
from parliament_tracker.worklist import queries

bp = make_blueprint("worklist_api", __name__)


@bp.get("/me/worklist")
@api_permission("case.view")
def worklist() -> Any:
    today = today_local()
    user = edge.actor()
    sections = queries.for_user(user, today)
    return jsonify({"today": today.isoformat(), "role": user.role.value, "sections": [s.as_json() for s in sections]})


OPENAPI_SCHEMAS["WorklistItem"] = {
    "type": "object",
    "properties": {
        "kind": {"type": "string", "enum": ["case", "letter"]},
        "reference": {"type": "string"},
        "title": {"type": "string"},
        "url": {"type": "string", "description": "the page where the thing to do is"},
        "due_on": {"type": ["string", "null"], "format": "date"},
        "status": {"type": "string"},
        "step": {"type": "string", "description": "the next step not done (my cases)"},
        "step_due_on": {"type": ["string", "null"], "format": "date"},
        "note": {"type": "string", "description": "e.g. the comment of a request for changes"},
    },
}
OPENAPI_PATHS["/me/worklist"] = {
    "get": {
        "summary": "My worklist (Mijn werk): sections by role",
        "responses": {
            "200": {
                "description": "The sections, each with at most 100 items and the total",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "properties": {
                                "today": {"type": "string", "format": "date"},
                                "role": {"type": "string"},
                                "sections": {
                                    "type": "array",
                                    "items": {
                                        "type": "object",
                                        "properties": {
                                            "key": {"type": "string"},
                                            "title": {"type": "string"},
                                            "total": {"type": "integer"},
                                            "items": {"type": "array", "items": {"$ref": "#/components/schemas/WorklistItem"}},
                                        },
                                    },
                                },
                            },
                        }
                    }
                },
            },
            "401": {"description": "No or unknown token"},
        },
    }
}
