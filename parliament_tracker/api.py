"""The JSON API under /api/v1: bearer tokens, JSON errors, and the OpenAPI document."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, current_app, jsonify, request

from parliament_tracker import edge
from parliament_tracker.auth.permissions import PERMISSION_ATTR, public
from parliament_tracker.auth.services import user_for_token
from parliament_tracker.edge import BEARER_ATTR
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import csrf

API_PREFIX = "/api/v1"


def make_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint under /api/v1: no CSRF (bearer tokens, no cookies), JSON errors."""
    blueprint = Blueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(blueprint)
    blueprint.register_error_handler(ApiError, api_error)
    return blueprint


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


def _forbidden(user: Any, permission: str) -> ApiError:
    return ApiError(403, f"Your role ({user.role.value}) may not do this ({permission}).")


def _refused(exc: DomainError) -> Any:
    return api_error(ApiError(exc.status, exc.message, exc.errors or None))


def init_app(app: Flask) -> None:
    """At app creation: the edge learns the API's prefix, its bearer tokens and its errors."""
    edge.register_api(app, edge.ApiHooks(prefix=API_PREFIX, bearer_user=bearer_user, forbidden=_forbidden, error_response=_refused))


def bearer_user() -> Any:
    """The user of the request's bearer token; 401 without a valid one (the edge calls this)."""
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


# -- the OpenAPI document ----------------------------------------------------------------------

ERROR_DESCRIPTIONS = {
    "400": "The body is not a JSON object, or the input holds characters that cannot be stored (NUL, lone surrogates)",
    "401": "No bearer token, or an unknown or revoked one",
    "403": "The token's role may not do this",
    "404": "Not found",
    "409": "Conflict: the object changed since you read it, or its state does not allow this",
    "413": "The upload is too large",
    "422": "Invalid fields: `errors` names each one",
    "500": "The stored file does not match its recorded SHA-256 and is not handed out",
}


def error_response(status: int | str, description: str | None = None) -> dict[str, Any]:
    return {
        "description": description or ERROR_DESCRIPTIONS[str(status)],
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def json_response(description: str, schema: dict[str, Any] | str) -> dict[str, Any]:
    """A JSON response; ``schema`` may be the name of a component schema."""
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def json_body_of(schema: dict[str, Any] | str, *, required: bool = True) -> dict[str, Any]:
    if isinstance(schema, str):
        schema = {"$ref": f"#/components/schemas/{schema}"}
    return {"required": required, "content": {"application/json": {"schema": schema}}}


def obj(properties: dict[str, Any], required: list[str] | None = None, **extra: Any) -> dict[str, Any]:
    """A closed object schema: the listed fields (all required unless ``required`` says which)."""
    return {
        "type": "object",
        "required": list(properties) if required is None else required,
        "properties": properties,
        "additionalProperties": False,
        **extra,
    }


def nullable(type_: str, **extra: Any) -> dict[str, Any]:
    return {"type": [type_, "null"], **extra}


def page_of(schema: str | dict[str, Any], **extra: dict[str, Any]) -> dict[str, Any]:
    items = {"$ref": f"#/components/schemas/{schema}"} if isinstance(schema, str) else schema
    return obj({"items": {"type": "array", "items": items}, "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"}, **extra})


def list_of(schema: str | dict[str, Any]) -> dict[str, Any]:
    items = {"$ref": f"#/components/schemas/{schema}"} if isinstance(schema, str) else schema
    return obj({"items": {"type": "array", "items": items}})


@dataclasses.dataclass
class OpenApiParts:
    """The OpenAPI document being assembled: each part's contribution adds its operations and
    component schemas, and may extend a schema a lower part contributed before it (letters add
    ``letters`` to ``Case``). Built afresh for every document, so no module changes another
    module's lists."""

    #: path -> method -> OpenAPI operation
    paths: dict[str, dict[str, Any]] = dataclasses.field(default_factory=dict)
    #: component name -> schema
    schemas: dict[str, Any] = dataclasses.field(default_factory=dict)

    def add(self, paths: dict[str, dict[str, Any]], schemas: dict[str, Any]) -> None:
        """A part's own operations and schemas (copied: the part's constants stay as they are)."""
        for path, operations in copy.deepcopy(paths).items():
            self.paths.setdefault(path, {}).update(operations)
        self.schemas.update(copy.deepcopy(schemas))

    def extend(self, schema: str, properties: dict[str, Any], required: list[str]) -> None:
        """Fields a higher part adds to a lower part's schema (deadlines and letters on Case)."""
        target = self.schemas[schema]
        target["properties"].update(copy.deepcopy(properties))
        target["required"] = [*target["required"], *required]


#: a part's contribution to the document
OpenApiContribution = Callable[[OpenApiParts], None]

_OPENAPI_KEY = "openapi_contributions"


def register_openapi(app: Flask, contribute: OpenApiContribution) -> None:
    """At app creation, in the parts' order (a part extending another's schema comes after it)."""
    app.extensions.setdefault(_OPENAPI_KEY, []).append(contribute)


def _error_schema() -> dict[str, Any]:
    return obj(
        {
            "error": obj({"status": {"type": "integer"}, "message": {"type": "string"}}),
            "errors": {
                "type": "object",
                "description": "field or parameter -> what is wrong with it",
                "additionalProperties": {"type": "string"},
            },
            "existing": {"type": "string", "description": "409 on a duplicate case: the existing case's API path"},
        },
        required=["error"],
    )


def assemble() -> OpenApiParts:
    """Every registered part's contribution, in registration order, over the shared Error schema."""
    parts = OpenApiParts(schemas={"Error": _error_schema()})
    for contribute in current_app.extensions.get(_OPENAPI_KEY, ()):
        contribute(parts)
    return parts


def openapi_document() -> dict[str, Any]:
    """The document, with the statuses every operation shares filled in: 401 and 403 on each
    protected operation, 400 on every one (bad bytes, a body that is not a JSON object), 413 on each that reads a body, 409 on
    each that writes."""
    parts = assemble()
    paths: dict[str, Any] = {}
    for path, operations in sorted(parts.paths.items()):
        paths[path] = {}
        for method, operation in operations.items():
            operation = {**operation, "responses": dict(operation["responses"])}
            responses = operation["responses"]
            if operation.get("security") != []:
                responses.setdefault("401", error_response(401))
                responses.setdefault("403", error_response(403))
            # every request's bytes are checked before the view runs (NUL, lone surrogates)
            responses.setdefault("400", error_response(400))
            if "requestBody" in operation:
                responses.setdefault("413", error_response(413))
            if method in ("post", "patch", "delete"):  # the edge finds a concurrent change at commit
                responses.setdefault("409", error_response(409, "Someone else changed this at the same moment"))
            operation.setdefault("operationId", f"{method}{path.replace('/', '_').replace('{', '').replace('}', '')}")
            paths[path][method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parliament Tracker API",
            "version": "1",
            "description": "Send `Authorization: Bearer <token>` (tokens: `flask users token USERNAME`, or the account page). "
            "Errors are `{error: {status, message}, errors: {field: message}}`.",
        },
        "servers": [{"url": API_PREFIX}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": parts.schemas,
        },
        "security": [{"bearer": []}],
        "paths": paths,
    }


@bp.get("/openapi.json")
@public
def openapi() -> Any:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
