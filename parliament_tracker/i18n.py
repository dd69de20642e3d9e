"""Language choice: the user's setting (the session's user, or the API token's: the edge's
actor), then a ``lang`` cookie, then Dutch."""

from __future__ import annotations

import functools
from typing import Any

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

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
    locale = current_locale()
    if locale is None:  # outside a request: Flask-Babel's default
        return format_date(value, f"{weekday} {pattern}".strip())
    return _formatted_day(value, f"{weekday} {pattern}".strip(), locale)


@functools.lru_cache(maxsize=8192)
def _formatted_day(value: Any, pattern: str, locale: Any) -> str:
    """A date in a pattern and locale (Babel's ``format_date``, as Flask-Babel calls it for a
    date): a page shows the same few dozen dates many times, and a year's dates stay few."""
    from babel.dates import format_date

    return format_date(value, pattern, locale=locale)


def current_locale() -> Any:
    """``flask_babel.get_locale()``, read from where Flask-Babel keeps it once it chose it for
    this request (None outside an app context)."""
    import flask_babel

    try:
        state = g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:
        return None
    locale = state.__dict__.get("babel_locale") if state is not None else None
    return locale if locale is not None else flask_babel.get_locale()


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


def translations() -> Any:
    """``flask_babel.get_translations()``, remembered for the request's locale and domain.

    Flask-Babel finds the translations anew for every string: three look-ups of its state on
    ``g`` (each several context-local proxy calls) and the locale's name built again, some
    hundreds of times per page. Here they are kept beside that state, with the locale and
    domain they are for: ``force_locale`` and ``refresh`` change or drop those, and then the
    translations are looked up afresh."""
    import flask_babel

    try:
        state = g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # no app context: Flask-Babel's own answer (the untranslated text)
        return flask_babel.get_translations()
    if state is not None:
        kept = state.__dict__.get("pt_translations")
        if kept is not None and kept[0] is state.__dict__.get("babel_locale") and kept[1] is state.__dict__.get("babel_domain"):
            return kept[2]
    found = flask_babel.get_translations()
    state = g._get_current_object().__dict__.get("_flask_babel")
    if state is not None and state.__dict__.get("babel_locale") is not None:
        state.pt_translations = (state.babel_locale, state.__dict__.get("babel_domain"), found)
    return found


def install_template_gettext(app: Flask) -> None:
    """The templates' ``_``, ``gettext``, ``ngettext`` and ``pgettext`` through :func:`translations`
    (what Flask-Babel installs, without its per-string look-ups).

    ``_``, ``gettext`` and ``ngettext`` are Jinja's "newstyle" ones (the result is Markup where
    the template autoescapes, and ``%(name)s`` variables are filled in and escaped), written as
    one function each: Jinja's own go through three calls per string (``_`` looks ``gettext``
    up, which calls the function given here), about 7 µs each on pages that translate a hundred
    strings or more."""
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext)


@pass_eval_context
def _template_gettext(eval_ctx: EvalContext, string: str, /, **variables: Any) -> str:
    """Jinja's newstyle ``gettext`` (jinja2.ext._make_new_gettext) in one call."""
    text = translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)
    # Jinja always formats (so "%%" reads "%"); without variables or "%" that changes nothing
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_ngettext(eval_ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: Any) -> str:
    """Jinja's newstyle ``ngettext`` (jinja2.ext._make_new_ngettext) in one call."""
    variables.setdefault("num", num)
    text = translations().ungettext(singular, plural, num)
    if eval_ctx.autoescape:
        text = Markup(text)
    return text % variables
