"""Input refused at the edge, before any view or database sees it.

Text that no database column can hold gets a clear 400 here instead of a 500 deep inside:
NUL characters (PostgreSQL refuses them in text), lone UTF-16 surrogates (not encodable as
UTF-8; JSON's ``"\\ud800"`` produces them) and JSON nested deeper than any request of this API
needs (Python's parser gives up with a RecursionError at about 1,000 levels). The path, the
query string, form fields, uploaded file names and JSON bodies are checked.

Also here: the error page for unexpected errors, which must render even when the failed request
left the database session broken (it rolls the session back first, and falls back to a page
that needs neither the database nor the templates).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from typing import Any

from flask import Flask, g, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, InternalServerError

from parliament_tracker import edge

log = logging.getLogger(__name__)

#: characters no text column can store
_BAD_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
#: JSON bodies nested deeper than this are refused (the API's deepest document has 4 levels)
MAX_JSON_DEPTH = 32


class BadInput(BadRequest):
    """A 400 whose description names the problem in the user's language."""


def _has_bad_text(values: Iterable[str]) -> bool:
    return any(_BAD_CHARACTERS.search(value) for value in values if value)


def _json_problem(raw: bytes) -> str | None:
    """Why this JSON body is refused, or None. The parser itself recurses, so very deep input
    is refused by counting brackets before parsing."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _("The request body is not valid UTF-8.")
    if _depth(text) > MAX_JSON_DEPTH:
        return _("The JSON document is nested too deeply (at most %(limit)d levels).", limit=MAX_JSON_DEPTH)
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):
        return None  # not JSON at all: the view says so in its own words
    stack: list[Any] = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARACTERS.search(item):
                return _bad_text_message()
        elif isinstance(item, dict):
            for key, value in item.items():
                if _BAD_CHARACTERS.search(key):
                    return _bad_text_message()
                stack.append(value)
        elif isinstance(item, list):
            stack.extend(item)
    return None


_STRUCTURE = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _depth(text: str) -> int:
    """The deepest nesting of [ and { outside strings (a regex walk: no recursion, linear)."""
    depth = deepest = 0
    for match in _STRUCTURE.finditer(text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > MAX_JSON_DEPTH:
                    return deepest
        elif token in "]}":
            depth -= 1
    return deepest


def _bad_text_message() -> str:
    return _("The input contains characters that cannot be stored (a NUL character or an unpaired surrogate). Remove them and try again.")


def _problem() -> str | None:
    if _has_bad_text([request.path]) or _has_bad_text(request.args.keys()) or _has_bad_text(request.args.values()):
        return _bad_text_message()
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        fields = request.form
        if _has_bad_text(fields.keys()) or _has_bad_text(fields.values()):
            return _bad_text_message()
        if _has_bad_text(f.filename or "" for f in request.files.values()):
            return _bad_text_message()
    elif request.is_json:
        return _json_problem(request.get_data(cache=True))
    return None


def _refuse(message: str) -> Any:
    if request.path.startswith("/api/"):
        return jsonify(error={"status": 400, "message": message}), 400
    return render_template("error.html", error=BadInput(message)), 400


def _server_error(error: InternalServerError) -> Any:
    """The 500 page, even when the failed request broke the database session: roll it back
    first; if the page still cannot be rendered, a plain one that needs nothing."""
    try:
        edge.abandon()
    except Exception:  # pragma: no cover - a dead connection: the page below needs none
        log.exception("rollback after an error failed")
    message = _("Something went wrong on our side. Your last change may not have been saved; try again.")
    if error.original_exception is None and error.description != InternalServerError.description:
        message = error.description  # abort(500, "…") with its own explanation
    if request.path.startswith("/api/"):
        return jsonify(error={"status": 500, "message": message}), 500
    try:
        return render_template("error.html", error=InternalServerError(message)), 500
    except Exception:
        log.exception("the error page could not be rendered")
        reference = g.get("request_id")
        body = f"<!doctype html><title>500</title><h1>500</h1><p>{message}</p>" + (f"<p>Referentie: {reference}</p>" if reference else "")
        return body, 500, {"Content-Type": "text/html; charset=utf-8"}


def init_input_guard(app: Flask) -> None:
    @app.before_request
    def refuse_bad_input() -> Any:
        message = _problem()
        if message is not None:
            return _refuse(message)
        return None

    app.register_error_handler(InternalServerError, _server_error)
