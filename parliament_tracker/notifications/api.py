"""My notifications in the API.

Routes:
    GET   /api/v1/me/notifications                 my notifications (newest first)   notifications.view
    POST  /api/v1/me/notifications/<id>/read       mark one read                      notifications.view
    POST  /api/v1/me/notifications/read            mark all read                      notifications.view
"""

from __future__ import annotations

from typing import Any

from flask import jsonify, request

from parliament_tracker import edge
from parliament_tracker.api import (
    ApiError,
    OpenApiParts,
    api_permission,
    error_response,
    json_response,
    make_blueprint,
    nullable,
    obj,
)
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import Notification

bp = make_blueprint("notifications_api", __name__)

MAX_LIMIT = 200


def notification_json(n: Notification) -> dict[str, Any]:
    return {
        "id": n.id,
        "kind": n.kind.value,
        "kind_title": n.kind.label,
        "subject": n.subject,
        "text": n.body_text,
        "url": n.url,
        "case": n.case.reference if n.case is not None else None,
        "created_at": n.created_at.isoformat(),
        "read_at": n.read_at.isoformat() if n.read_at else None,
    }


@bp.get("/me/notifications")
@api_permission("notifications.view")
def index() -> Any:
    raw = request.args.get("limit", "50")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(422, f"limit must be a whole number from 1 to {MAX_LIMIT}.", {"limit": "out of range"})
    user = edge.actor()
    items = services.for_user(user, limit=int(raw))
    return jsonify({"unread": services.unread_count(user), "items": [notification_json(n) for n in items]})


@bp.post("/me/notifications/<int:notification_id>/read")
@api_permission("notifications.view")
def mark_read(notification_id: int) -> Any:
    user = edge.actor()
    n = db.session.get(Notification, notification_id)
    if n is None or n.user_id != user.id or not n.in_app:
        raise ApiError(404, "You have no notification with this id.")
    services.mark_read(user, notification_id)
    db.session.refresh(n)  # the UPDATE bypassed the identity map
    return jsonify(notification_json(n))


@bp.post("/me/notifications/read")
@api_permission("notifications.view")
def mark_all_read() -> Any:
    count = services.mark_read(edge.actor())
    return jsonify({"marked": count, "unread": 0})


#: this part's own schemas and operations (copied into each OpenAPI document)
_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}
_SCHEMAS["Notification"] = obj(
    {
        "id": {"type": "integer"},
        "kind": {"type": "string"},
        "kind_title": {"type": "string"},
        "subject": {"type": "string"},
        "text": {"type": "string"},
        "url": nullable("string", description="where the thing to do is"),
        "case": nullable("string"),
        "created_at": {"type": "string", "format": "date-time"},
        "read_at": nullable("string", format="date-time"),
    }
)
_PATHS["/me/notifications"] = {
    "get": {
        "summary": "My notifications, newest first, with the number unread",
        "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT}}],
        "responses": {
            "200": json_response(
                "unread count and items",
                obj({"unread": {"type": "integer"}, "items": {"type": "array", "items": {"$ref": "#/components/schemas/Notification"}}}),
            ),
            "422": error_response(422, "limit out of range"),
        },
    }
}
_PATHS["/me/notifications/{notification_id}/read"] = {
    "post": {
        "summary": "Mark one of my notifications as read",
        "parameters": [{"name": "notification_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
        "responses": {"200": json_response("the notification", "Notification"), "404": error_response(404, "not mine or unknown")},
    }
}
_PATHS["/me/notifications/read"] = {
    "post": {
        "summary": "Mark all my notifications as read",
        "responses": {"200": json_response("how many were marked", obj({"marked": {"type": "integer"}, "unread": {"type": "integer"}}))},
    }
}


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    doc.add(_PATHS, _SCHEMAS)
