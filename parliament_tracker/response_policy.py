"""Response headers that depend on who asked: nothing private is kept in caches, and an API 401
says how to authenticate.

Pages for a logged-in user, every API answer and every download carry ``Cache-Control:
no-store``, so a shared computer's browser cache or a proxy keeps no copy of a case, a letter or
an attachment after logout. An API 401 carries ``WWW-Authenticate: Bearer`` (RFC 6750).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, request
from flask_login import current_user

API_REALM = 'Bearer realm="Parliament Tracker API"'


def _private(response: Any) -> bool:
    if request.path.startswith("/api/"):
        return True
    if "Content-Disposition" in response.headers:
        return True
    if request.endpoint == "static":
        return False
    return bool(current_user and current_user.is_authenticated)


def init_response_policy(app: Flask) -> None:
    @app.after_request
    def private_responses(response: Any) -> Any:
        if _private(response) and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        if response.status_code == 401 and request.path.startswith("/api/"):
            response.headers.setdefault("WWW-Authenticate", API_REALM)
        return response
