"""The JSON API under /api/v1: bearer tokens, JSON errors, and the OpenAPI document."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, jsonify, request

from parliament_tracker.auth.permissions import PERMISSION_ATTR, public
from parliament_tracker.edge import BEARER_ATTR
from parliament_tracker.extensions import csrf

API_PREFIX = "/api/v1"


def make_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1: no CSRF (bearer tokens, no cookies), JSON errors."""
    blueprint = Blueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(blueprint)
    blueprint.register_error_handler(ApiError, api_error)
    return blueprint

#: filled by the feature modules: path -> method -> OpenAPI operation
OPENAPI_PATHS: dict[str, dict[str, Any]] = {}
OPENAPI_SCHEMAS: dict[str, Any] = {}


class ApiError(Exception):
    def __init__(self, status: int, message: str, errors: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def api_error(error: ApiError) -> Any:
    body: dict[str, Any] = {"error": {"status": error.status, "message": error.message}}
    if error.errors is not None:
        body["errors"] = error.errors
    return jsonify(body), error.status


def bearer_user() -> Any:
    """The user of the request's bearer token; 401 without a valid one (the edge calls this)."""
    from parliament_tracker.auth.services import user_for_token

    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Missing bearer token: send 'Authorization: Bearer <token>'.")
    user = user_for_token(token.strip())
    if user is None:
        raise ApiError(401, "The token is unknown or revoked.")
    return user


def api_permission(permission: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declares an API view: the edge authenticates its bearer token and checks ``permission``
    before the view runs, and makes the token's user the actor."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        setattr(view, PERMISSION_ATTR, permission)
        setattr(view, BEARER_ATTR, True)
        return view

    return decorator


def json_body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ApiError(400, "The request body must be a JSON object.")
    return data


bp = make_blueprint("api", __name__)


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(
        {
            "openapi": "3.1.0",
            "info": {"title": "Parliament Tracker API", "version": "1"},
            "servers": [{"url": "/api/v1"}],
            "components": {
                "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                "schemas": OPENAPI_SCHEMAS,
            },
            "security": [{"bearer": []}],
            "paths": OPENAPI_PATHS,
        }
    )
