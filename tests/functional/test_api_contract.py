"""The API keeps its OpenAPI contract.

Every response of every API test is checked by tests/contract.py (the test client); these tests
check the document itself, that the checker can fail, and fuzz the live app with schemathesis.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable

from parliament_tracker.api import API_PREFIX, ApiError, openapi_document
from tests.contract import ContractViolation, openapi_for

#: examples per operation and mode; SCHEMATHESIS_EXAMPLES=50 for a longer local run
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "4"))


def _document(app):
    with app.test_request_context():
        return openapi_document()


def _flask_path(rule: str) -> str:
    import re

    return re.sub(r"<(?:[a-z]+:)?(\w+)>", r"{\1}", rule.removeprefix(API_PREFIX))


def test_every_api_route_is_documented_with_its_statuses(app):
    doc = _document(app)
    openapi_for(app)  # openapi-core validates the document itself (OpenAPI 3.1)
    routes = {
        (_flask_path(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API_PREFIX + "/") and rule.endpoint != "api.openapi"
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    assert routes - documented == set(), "routes without an operation in the document"
    assert documented - routes == set(), "documented operations without a route"
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            responses = op["responses"]
            assert {"401", "403"} <= set(responses), (method, path)
            for status, response in responses.items():
                if (status == "200" and method != "get") or status in ("200", "201"):
                    content = response.get("content")
                    assert content, f"{method} {path} {status} has no content"
                    for media, body in content.items():
                        if media == "application/json":
                            assert body.get("schema"), f"{method} {path} {status} has no schema"


def _closed(schema, doc, seen=()):
    """Every object schema in ``schema`` lists its fields and allows no others."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[1]
        if name in seen:
            return
        schema = doc["components"]["schemas"][name]
        seen = (*seen, name)
    for alternative in schema.get("oneOf", []):
        _closed(alternative, doc, seen)
    types = schema.get("type")
    if (types == "object" or (isinstance(types, list) and "object" in types)) and "properties" in schema:
        assert schema.get("additionalProperties") is False, schema
        assert set(schema.get("required", [])) <= set(schema["properties"])
        for value in schema["properties"].values():
            _closed(value, doc, seen)
    if "items" in schema:
        _closed(schema["items"], doc, seen)


def test_every_json_response_schema_is_closed(app):
    doc = _document(app)
    for ops in doc["paths"].values():
        for op in ops.values():
            for response in op["responses"].values():
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema:
                    _closed(schema, doc)


def test_the_contract_check_fails_on_an_undocumented_field_and_status(app, client, seed_draft, api_token, monkeypatch):
    from parliament_tracker.cases import api as cases_api

    headers = api_token("viewer")
    assert client.get("/api/v1/cases/2021Z19601", headers=headers).status_code == 200
    extenders = app.extensions[cases_api._EXTENDERS_KEY]
    monkeypatch.setitem(app.extensions, cases_api._EXTENDERS_KEY, [*extenders, (lambda case: {"secret": 1}, None)])
    with pytest.raises(ContractViolation, match="secret"):
        client.get("/api/v1/cases/2021Z19601", headers=headers)
    monkeypatch.setitem(app.extensions, cases_api._EXTENDERS_KEY, [*extenders, (lambda case: {"due_on": 5}, None)])
    with pytest.raises(ContractViolation):
        client.get("/api/v1/cases/2021Z19601", headers=headers)
    monkeypatch.setitem(app.extensions, cases_api._EXTENDERS_KEY, extenders)
    monkeypatch.setattr(cases_api.services, "find_case", lambda reference, **_kw: (_ for _ in ()).throw(ApiError(418, "teapot")))
    with pytest.raises(ContractViolation, match="418"):
        client.get("/api/v1/cases/2021Z19601", headers=headers)


# -- schemathesis against the live app ---------------------------------------------------------


def test_schemathesis_finds_no_server_error_and_no_schema_violation(app, seed_draft, api_token):
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation.modes import GenerationMode
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_wsgi(API_PREFIX + "/openapi.json", app)
    headers = api_token("admin")
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
    started = time.monotonic()
    counted = {"examples": 0, "operations": 0}

    for result in schema.get_all_operations():
        operation = result.ok()
        counted["operations"] += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            strategy = operation.as_strategy(generation_mode=mode, headers=headers)

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                phases=[Phase.explicit, Phase.generate],
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def call(case):
                counted["examples"] += 1
                case.call_and_validate(checks=checks)

            try:
                call()
            except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
                assert mode == GenerationMode.NEGATIVE, operation.label
    elapsed = time.monotonic() - started
    print(f"schemathesis: {counted['examples']} examples over {counted['operations']} operations in {elapsed:.1f} s")
    assert counted["operations"] == sum(len(ops) for ops in _document(app)["paths"].values())
