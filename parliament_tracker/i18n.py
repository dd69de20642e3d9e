"""Language choice: the user's setting (the session's user, or the API token's: the edge's
actor), then a ``lang`` cookie, then Dutch."""

from __future__ import annotations

from typing import Any

from flask import current_app, has_request_context, request
from flask_login import current_user

from parliament_tracker import edge
from parliament_tracker.db import today_local


def select_locale() -> str | None:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        # Jobs and commands: the ministry's language (e-mails choose their reader's locale themselves).
        return current_app.config["BABEL_DEFAULT_LOCALE"]

    user = edge.actor() or (current_user if current_user and current_user.is_authenticated else None)
    if getattr(user, "locale", None) in languages:
        return user.locale  # type: ignore[union-attr]
    cookie = request.cookies.get("lang")
    if cookie in languages:
        return cookie
    # Dutch is the ministry's working language: the browser's language is not followed,
    # English is an explicit choice (language switch or account setting).
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def format_day(value: Any, *, weekday: str = "") -> str:
    """A date in the app's one style, in the reader's language: "7 december", with the year
    when it is not this year ("23 november 2021"); ``weekday`` "EEEE" or "EEE" puts the day's
    name first. Dates are days: no time zone applies."""
    import datetime as dt

    from flask_babel import format_date


    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value[:10])
        except ValueError:
            return value
    pattern = "d MMMM" if value.year == today_local().year else "d MMMM y"
    return format_date(value, f"{weekday} {pattern}".strip())


def format_moment(value: Any) -> str:
    """A moment (an aware or UTC datetime) in the app's one style, in Europe/Amsterdam (the
    configured time zone): "7 december 14:05", with the year when it is not this year."""
    from flask_babel import format_time

    if not value:
        return ""
    return f"{format_day(value)} {format_time(_local(value), 'HH:mm')}"


def _local(value: Any) -> Any:
    """A datetime in the configured time zone (a naive one is UTC, as the database stores it)."""
    import datetime as dt

    from flask_babel import get_timezone

    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(get_timezone())
