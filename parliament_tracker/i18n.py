"""Language choice: the user's setting (the session's user, or the API token's: the edge's
actor), then a ``lang`` cookie, then Dutch."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Jobs and commands: the ministry's language (e-mails choose their reader's locale themselves).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    from parliament_tracker import edge

    user = edge.actor() or (current_user if current_user and current_user.is_authenticated else None)
    if getattr(user, "locale", None) in languages:
        return user.locale  # type: ignore[union-attr]
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    # Dutch is the ministry's working language: the browser's language is not followed,
    # English is an explicit choice (language switch or account setting).
    return current_app.config["BABEL_DEFAULT_LOCALE"]
