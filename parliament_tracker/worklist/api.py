"""Mijn werk in the API.

Routes:
    GET  /api/v1/me/worklist     my worklist (sections by role)     case.view
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from parliament_tracker import edge
from parliament_tracker.api import (
    OpenApiParts,
    api_permission,
    json_response,
    make_blueprint,
    nullable,
    obj,
)
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


#: this part's own schemas and operations (copied into each OpenAPI document)
_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}
_SCHEMAS["WorklistItem"] = obj(
    {
        "kind": {
            "type": "string",
            "enum": ["case", "letter", "contribution", "questions"],
            "description": "questions: questions of a case assigned to me (their numbers in note)",
        },
        "reference": {"type": "string"},
        "title": {"type": "string"},
        "url": {"type": "string", "description": "the page where the thing to do is"},
        "due_on": nullable("string", format="date"),
        "status": {"type": "string"},
        "step": {"type": "string", "description": "the next step not done (my cases)"},
        "step_due_on": nullable("string", format="date"),
        "note": {
            "type": "string",
            "description": "e.g. the comment of a request for changes, a contribution's request or contributor",
        },
    }
)
_PATHS["/me/worklist"] = {
    "get": {
        "summary": "My worklist (Mijn werk): sections by role",
        "responses": {
            "200": json_response(
                "The sections, each with at most 100 items and the total",
                obj(
                    {
                        "today": {"type": "string", "format": "date"},
                        "role": {"type": "string"},
                        "sections": {
                            "type": "array",
                            "items": obj(
                                {
                                    "key": {
                                        "type": "string",
                                        "description": "my_cases, questions_assigned, sent_back, contributions_asked, "
                                        "contributions_back, awaiting_approval, overdue, due_this_week, "
                                        "directorate_contributions, to_sign, to_send, new_from_kamer, not_assigned, monday_list",
                                    },
                                    "title": {"type": "string"},
                                    "total": {"type": "integer"},
                                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/WorklistItem"}},
                                }
                            ),
                        },
                    }
                ),
            ),
        },
    }
}


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    doc.add(_PATHS, _SCHEMAS)
