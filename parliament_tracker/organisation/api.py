"""Reference data in the JSON API: directorates, signatories, committees, parties and members.

GET   /api/v1/<kind>          every object of the kind (any token)
POST  /api/v1/<kind>          create one (admin tokens)
PATCH /api/v1/<kind>/<id>     change one (admin tokens)

Input is checked by the admin pages' own forms and saved by ``services.save``.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify
from werkzeug.datastructures import MultiDict

from parliament_tracker import edge
from parliament_tracker.api import (
    ApiError,
    OpenApiParts,
    api_permission,
    error_response,
    json_body,
    json_body_of,
    json_response,
    list_of,
    make_blueprint,
    nullable,
    obj,
)
from parliament_tracker.extensions import db
from parliament_tracker.forms import MAX_INT
from parliament_tracker.organisation import services
from parliament_tracker.organisation.models import Party
from parliament_tracker.organisation.views import SECTIONS, fill_choices

bp = make_blueprint("organisation_api", __name__)

#: kind -> the fields a client reads and writes (``party`` is a party abbreviation)
FIELDS: dict[str, dict[str, dict[str, Any]]] = {
    "directorates": {
        "code": {"type": "string", "maxLength": 32},
        "name": {"type": "string", "maxLength": 200},
        "email": nullable("string", maxLength=254, description="functional mailbox"),
    },
    "signatories": {
        "office_title": {"type": "string", "maxLength": 200},
        "name": {"type": "string", "maxLength": 200},
        "is_active": {"type": "boolean", "default": True},
    },
    "committees": {"name": {"type": "string", "maxLength": 200}, "abbreviation": nullable("string", maxLength=32)},
    "parties": {"abbreviation": {"type": "string", "maxLength": 32}, "name": {"type": "string", "maxLength": 200}},
    "members": {"name": {"type": "string", "maxLength": 200}, "party": nullable("string", description="party abbreviation")},
}
SCHEMA_NAMES = {"directorates": "Directorate", "signatories": "Signatory", "committees": "Committee", "parties": "Party", "members": "Member"}


def item_json(kind: str, item: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": item.id}
    for name in FIELDS[kind]:
        data[name] = (item.party.abbreviation if item.party else None) if name == "party" else getattr(item, name)
    return data


def checked_values(kind: str, item: Any, body: dict[str, Any]) -> dict[str, Any]:
    """Check the body with the admin page's form (over the stored values for a change)."""
    section = SECTIONS[kind]
    fields = FIELDS[kind]
    errors = {key: "Unknown field." for key in body if key not in fields}
    for key, value in body.items():
        schema_type = fields.get(key, {}).get("type")
        allowed = (bool,) if schema_type == "boolean" else (str, type(None)) if isinstance(schema_type, list) else (str,)
        if key in fields and not isinstance(value, allowed):
            errors[key] = "Must be true or false." if schema_type == "boolean" else "Must be a string."
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)
    # a new object starts from the admin form's defaults (a new signatory is active)
    current = item_json(kind, item) if item.id else {"is_active": True} if kind == "signatories" else {}
    merged = {**current, **body}
    formdata: MultiDict[str, str] = MultiDict()
    for name, value in merged.items():
        if name == "id" or value is None or value is False:
            continue
        if name == "party":
            party = db.session.scalar(db.select(Party).where(Party.abbreviation == value))
            if party is None:
                raise ApiError(422, "The request has invalid fields.", {"party": f"Unknown party: {value!r}."})
            formdata["party_id"] = str(party.id)
        else:
            formdata[name] = "y" if value is True else value
    form = section.form(formdata=formdata, meta={"csrf": False})
    fill_choices(form)
    if not form.validate():
        raise ApiError(
            422,
            "The request has invalid fields.",
            {("party" if n == "party_id" else n): " ".join(str(e) for e in errs) for n, errs in form.errors.items()},
        )
    values = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
    for key in ("email", "abbreviation"):
        if key in values and not values[key]:
            values[key] = None
    return values


def _save(kind: str, item: Any, body: dict[str, Any]) -> Any:
    values = checked_values(kind, item, body)
    try:
        services.save(item, values, unique=SECTIONS[kind].unique, actor=edge.actor())
    except services.DuplicateValue as exc:
        raise ApiError(409, "This value is already in use.", {exc.field: "This value is already in use."}) from None
    db.session.flush()
    return item


def _register(kind: str) -> None:
    model = SECTIONS[kind].model
    order = getattr(model, SECTIONS[kind].order_by)

    def list_items() -> Any:
        rows = db.session.scalars(db.select(model).order_by(order, model.id)).all()
        return jsonify(items=[item_json(kind, row) for row in rows])

    def create_item() -> Any:
        item = _save(kind, model(), json_body())
        return jsonify(item_json(kind, item)), 201

    def update_item(item_id: int) -> Any:
        item = db.session.get(model, item_id) if item_id <= MAX_INT else None
        if item is None:
            raise ApiError(404, f"No {kind[:-1]} with id {item_id}.")
        return jsonify(item_json(kind, _save(kind, item, json_body())))

    bp.add_url_rule(f"/{kind}", f"list_{kind}", api_permission("case.view")(list_items), methods=["GET"])
    bp.add_url_rule(f"/{kind}", f"create_{kind}", api_permission("admin")(create_item), methods=["POST"])
    bp.add_url_rule(f"/{kind}/<int:item_id>", f"update_{kind}", api_permission("admin")(update_item), methods=["PATCH"])


def _document(doc: OpenApiParts, kind: str) -> None:
    name = SCHEMA_NAMES[kind]
    doc.schemas[name] = obj({"id": {"type": "integer"}, **FIELDS[kind]})
    required = [f for f, s in FIELDS[kind].items() if s.get("type") == "string"]
    doc.schemas[f"{name}Input"] = {
        "type": "object",
        "description": f"POST needs {', '.join(required)}; PATCH takes any of the fields.",
        "additionalProperties": False,
        "properties": FIELDS[kind],
    }
    doc.paths[f"/{kind}"] = {
        "get": {"summary": f"List {kind}", "responses": {"200": json_response(f"All {kind}", list_of(name))}},
        "post": {
            "summary": f"Create one of the {kind} (admin)",
            "requestBody": json_body_of(f"{name}Input"),
            "responses": {"201": json_response("Created", name), "409": error_response(409, "The value is in use"), "422": error_response(422)},
        },
    }
    doc.paths[f"/{kind}/{{item_id}}"] = {
        "patch": {
            "summary": f"Change one of the {kind} (admin)",
            "parameters": [{"name": "item_id", "in": "path", "required": True, "schema": {"type": "integer"}}],
            "requestBody": json_body_of(f"{name}Input"),
            "responses": {
                "200": json_response("Saved", name),
                "404": error_response(404),
                "409": error_response(409, "The value is in use"),
                "422": error_response(422),
            },
        }
    }


for _kind in FIELDS:
    _register(_kind)


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    for kind in FIELDS:
        _document(doc, kind)
