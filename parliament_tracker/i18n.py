"""Language choice: the user's setting, then a ``lang`` cookie, then Dutch."""

from __future__ import annotations

from flask import current_app, has_request_context, request
from flask_login import current_user


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Jobs and commands: the ministry's language (e-mails choose their reader's locale themselves).
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and getattr(current_user, "locale", None) in languages:
        return current_user.locale
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    # Dutch is the ministry's working language: the browser's language is not followed,
    # English is an explicit choice (language switch or account setting).
    return current_app.config["BABEL_DEFAULT_LOCALE"]
