"""The API's contract: every /api/v1 response a test produces is checked against the OpenAPI
document the app serves (openapi-core). A response with an undocumented status, content type,
field or shape fails the test that produced it."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openapi_core import OpenAPI
from openapi_core.contrib.werkzeug import WerkzeugOpenAPIRequest, WerkzeugOpenAPIResponse

API_PREFIX = "/api/v1/"


def openapi_for(app: Flask) -> OpenAPI:
    """The app's OpenAPI document as openapi-core reads it (built once per app)."""
    spec = app.extensions.get("contract_openapi")
    if spec is None:
        with app.test_request_context():
            from parliament_tracker.api import openapi_document

            document = openapi_document()
        # the document's relative server URL, made absolute for the test client's host
        document["servers"] = [{"url": f"http://{app.config['SERVER_NAME']}/api/v1"}]
        spec = app.extensions["contract_openapi"] = OpenAPI.from_dict(document)
    return spec


class ContractViolation(AssertionError):
    pass


class _SentRequest(WerkzeugOpenAPIRequest):
    """The request as openapi-core needs it to find the operation; its body was read already."""

    @property
    def body(self) -> bytes | None:
        return None


#: set by the ``contract_exempt`` marker for a test that simulates an answer an operation cannot give
EXEMPT = {"active": False}


def check_response(app: Flask, response: Any) -> None:
    if EXEMPT["active"]:
        return
    request = response.request
    if not request.path.startswith(API_PREFIX) or request.path == API_PREFIX + "openapi.json":
        return
    spec = openapi_for(app)
    try:
        spec.validate_response(_SentRequest(request), WerkzeugOpenAPIResponse(response))
    except Exception as exc:  # every openapi-core complaint is a broken contract
        details = "; ".join(str(e) for e in getattr(exc, "schema_errors", None) or (getattr(exc, "__cause__", None) and [exc.__cause__]) or [])
        body = response.get_data(as_text=True)[:600] if response.mimetype == "application/json" else response.mimetype
        raise ContractViolation(
            f"{request.method} {request.full_path.rstrip('?')} -> {response.status_code} breaks the OpenAPI document: "
            f"{type(exc).__name__}: {exc} {details}\n{body}"
        ) from exc


class ContractClient(FlaskClient):
    """The test client, checking every API response it receives against the document."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        response = super().open(*args, **kwargs)
        check_response(self.application, response)
        return response
