"""What a user typed into a form that could not be accepted because the session or its CSRF
token ran out: kept on the server, given back to the same form once the user is back.

A POST refused for an expired CSRF token, or for a session that no longer names a user, keeps
its fields (never passwords, tokens or files) in a file under ``KEPT_FORMS_DIR``, named by a
random key held in the browser's session; the user goes to the form's page (through the login
page when the session ended). The first form on that page whose fields cover what was kept is
filled from it (:func:`take`), once. Files, not the cookie: a question text does not fit in 4 KB.
"""

from __future__ import annotations

import json
import os
import secrets
import time
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, request, session
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

SESSION_KEY = "kept_form"
#: fields never written down
_SECRET = ("csrf_token", "password", "current_password", "new_password", "confirm_password")
#: kept forms older than this are removed when another is kept
MAX_AGE_SECONDS = 24 * 3600


def _dir() -> str:
    return current_app.config["KEPT_FORMS_DIR"]


def form_page() -> str:
    """The page that shows the form just posted: its own address when that answers GET, else
    the same-host page it was posted from, else the start page."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(request.path, method="GET")
        return request.full_path.rstrip("?")
    except HTTPException:  # no GET here (405), or a redirect the form's page would not need
        pass
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc in ("", request.host):
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def keep(reason: str, page: str | None = None) -> str | None:
    """Keep this POST's fields for ``page`` (default :func:`form_page`); returns that page
    (None: nothing typed)."""
    fields = [(k, v) for k, v in request.form.items(multi=True) if k not in _SECRET]
    if not fields:
        return None
    page = page or form_page()
    directory = _dir()
    os.makedirs(directory, exist_ok=True)
    _prune(directory)
    key = secrets.token_urlsafe(24)
    with open(os.path.join(directory, f"{key}.json"), "w", encoding="utf-8") as out:
        json.dump({"path": urlsplit(page).path, "fields": fields, "reason": reason}, out)
    session[SESSION_KEY] = key
    return page


def _prune(directory: str) -> None:
    cutoff = time.time() - MAX_AGE_SECONDS
    for name in os.listdir(directory):
        path = os.path.join(directory, name)
        try:
            if os.path.getmtime(path) < cutoff:
                os.remove(path)
        except OSError:
            continue


def _path_of(key: str) -> str | None:
    if not key.replace("-", "").replace("_", "").isalnum():
        return None
    return os.path.join(_dir(), f"{key}.json")


def take(field_names: set[str]) -> tuple[MultiDict[str, str], str] | None:
    """The kept fields and the reason when they belong to this page and a form with these
    fields; removed once taken."""
    if request.method != "GET" or SESSION_KEY not in session:
        return None
    path = _path_of(str(session[SESSION_KEY]))
    if path is None or not os.path.exists(path):
        session.pop(SESSION_KEY, None)
        return None
    with open(path, encoding="utf-8") as src:
        kept: dict[str, Any] = json.load(src)
    if kept.get("path") != request.path or not {k for k, _v in kept["fields"]} <= field_names:
        return None
    session.pop(SESSION_KEY, None)
    os.remove(path)
    return MultiDict(kept["fields"]), kept.get("reason", "")
