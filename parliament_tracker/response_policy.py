"""Response headers that depend on who asked: nothing private is kept in caches, and an API 401
says how to authenticate.

Pages for a logged-in user, every API answer and every download carry ``Cache-Control:
no-store``, so a shared computer's browser cache or a proxy keeps no copy of a case, a letter or
an attachment after logout. An API 401 carries ``WWW-Authenticate: Bearer`` (RFC 6750).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, g, request, session

API_REALM = 'Bearer realm="Parliament Tracker API"'


def _private(response: Any) -> bool:
    if request.path.startswith("/api/"):
        return True
    if "Content-Disposition" in response.headers:
        return True
    if request.endpoint == "static":
        return False
    return _logged_in()


def _logged_in() -> bool:
    """Whether the request came with a logged-in user, without asking the database again.

    The unit of work has committed by now, which expired the user Flask-Login loaded: reading
    ``is_authenticated`` (``is_enabled``) here would reload it in a transaction of its own, a
    connection check-out and two round trips on every page. The user loaded for this request
    is asked only when it was loaded (``g._login_user``) and still holds its state; otherwise the
    session naming a user decides (a stale one only adds a ``no-store`` that does no harm)."""
    user = g.get("_login_user")
    if user is None:
        return "_user_id" in session
    if getattr(user, "is_anonymous", True):
        return False
    enabled = getattr(user, "__dict__", {}).get("is_enabled")  # None: expired by the commit
    return enabled is not False


def init_response_policy(app: Flask) -> None:
    @app.after_request
    def private_responses(response: Any) -> Any:
        if _private(response) and "no-store" not in response.headers.get("Cache-Control", ""):
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        if response.status_code == 401 and request.path.startswith("/api/"):
            response.headers.setdefault("WWW-Authenticate", API_REALM)
        return response
