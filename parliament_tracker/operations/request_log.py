"""A request id for every request, and (setting ``JSON_LOGS``) the logs as JSON lines.

Every response carries ``X-Request-ID``: the id the reverse proxy sent (letters, digits,
``.``, ``_``, ``-``; 8 to 128 characters), or a new random one. The error pages show it, so a
user's report ("reference 3f2a…") finds the request in the logs.

With ``JSON_LOGS`` on, each request is one JSON line on standard error (logger
``parliament_tracker.requests``: time, request id, method, path without the query, endpoint,
status, duration, user id, client address), and the app's own log records
(``parliament_tracker.*``, e.g. an unhandled exception with its traceback) are JSON lines too,
with the request id of the request they happened in. gunicorn and systemd pass standard error
to the journal; ship it from there.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import time
import uuid
from typing import Any

from flask import Flask, g, has_request_context, request

REQUEST_ID_HEADER = "X-Request-ID"
_INCOMING_ID = re.compile(r"[A-Za-z0-9._-]{8,128}")

request_log = logging.getLogger("parliament_tracker.requests")


def current_request_id() -> str | None:
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request id, the record's
    ``fields`` (extra) and the exception's traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None) or current_request_id()
        if request_id:
            line["request_id"] = request_id
        line.update(getattr(record, "fields", None) or {})
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class _StandardErrorHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (gunicorn, systemd and tests swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


_JSON_HANDLER_MARK = "_parliament_tracker_json"


def _install_json_handler(logger: logging.Logger) -> None:
    if any(getattr(h, _JSON_HANDLER_MARK, False) for h in logger.handlers):
        return
    handler = _StandardErrorHandler()
    handler.setFormatter(JsonFormatter())
    setattr(handler, _JSON_HANDLER_MARK, True)
    logger.addHandler(handler)
    logger.propagate = False
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)


def init_request_log(app: Flask) -> None:
    if app.config.get("JSON_LOGS"):
        _install_json_handler(request_log)
        _install_json_handler(logging.getLogger("parliament_tracker"))

    def assign_request_id() -> None:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = incoming if _INCOMING_ID.fullmatch(incoming) else uuid.uuid4().hex
        g.request_started = time.perf_counter()

    # first of all before_request hooks: a request refused by an earlier hook has its id too
    app.before_request_funcs.setdefault(None, []).insert(0, assign_request_id)

    @app.after_request
    def answer_with_request_id(response: Any) -> Any:
        request_id = g.get("request_id")
        if request_id:
            response.headers[REQUEST_ID_HEADER] = request_id
        if app.config.get("JSON_LOGS"):
            _log_request(response)
        return response


def _log_request(response: Any) -> None:
    started = g.get("request_started")
    # the user Flask-Login loaded for this request, if any (not loaded here: no query for a log line)
    user = g.get("_login_user")
    user_id = getattr(user, "id", None) if user is not None and getattr(user, "is_authenticated", False) else None
    request_log.info(
        "%s %s %s",
        request.method,
        request.path,
        response.status_code,
        extra={
            "fields": {
                "method": request.method,
                "path": request.path,
                "endpoint": request.endpoint,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started is not None else None,
                "user_id": user_id,
                "remote_addr": request.remote_addr,
                "bytes": response.calculate_content_length(),
            }
        },
    )
