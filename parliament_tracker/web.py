"""Request-level wiring: user loading, security headers, error pages, template helpers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g, jsonify, redirect, render_template, request, url_for
from flask.sessions import SecureCookieSessionInterface
from flask_babel import format_date, format_decimal, get_locale
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from jinja2 import pass_context
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from parliament_tracker import kept_forms, reference_data
from parliament_tracker.audit.describe import changes, sentence
from parliament_tracker.auth.models import User
from parliament_tracker.auth.permissions import public
from parliament_tracker.extensions import db, login_manager
from parliament_tracker.i18n import format_day, format_moment


def init_web(app: Flask) -> None:
    """The pages' shared machinery: sessions, security headers, error pages, template helpers."""
    _init_login(app)
    _init_headers(app)
    _init_errors(app)
    _init_templates(app)
    app.add_template_global(kept_fields)

    @app.get("/healthz")
    @public
    def healthz() -> Any:
        db.session.execute(db.text("SELECT 1"))
        return jsonify(status="ok")


def _init_login(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = None  # the login page says enough
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        # "<id>:<generation>" (User.get_id): a session from before a logout, a password or role
        # change, disabling or "log out everywhere" names an old generation and is refused.
        ident, _, generation = user_id.partition(":")
        if not (ident.isdigit() and generation.isdigit()):
            return None
        names, statement = _user_load_statement(current_app)
        row = db.session.execute(statement, {"user_id": int(ident)}).one_or_none()
        if row is None or row[0].session_generation != int(generation):
            return None
        reference_data.note_stamp(row[1])
        g.user_columns = dict(zip(names, row[2:], strict=True))
        return row[0]

    @app.url_value_preprocessor
    def forget_last_requests_user_columns(_endpoint: str | None, _values: dict[str, Any] | None) -> None:
        # A test (or a CLI command) may keep one app context, and so one ``g``, over requests.
        # URL value preprocessors run before every before_request function (which may load the user).
        g.pop("user_columns", None)
        reference_data.note_stamp(None)

    @app.teardown_request
    def forget_this_requests_user_columns(_exc: BaseException | None) -> None:
        # nor does what was read with this request's user outlive it in a kept app context
        g.pop("user_columns", None)
        reference_data.note_stamp(None)


_USER_COLUMNS_KEY = "user_load_columns"
_USER_STATEMENT_KEY = "user_load_statement"


def _user_load_statement(app: Flask) -> tuple[tuple[str, ...], sa.Select[Any]]:
    """The names of the registered columns and the statement that loads the session's user
    (bound parameter ``user_id``), built once per app.

    One statement: the user, the reference data's stamp (reference_data: whether this worker's
    copies of holidays, settings and recesses are current) and what the higher packages
    registered to read with the user (notifications: the unread count). Built afresh for every
    request it cost about 0.4 ms of CPU (building it, and SQLAlchemy working out its cache key
    before it finds the compiled form): a third of what a request costs before its view runs."""
    kept = app.extensions.get(_USER_STATEMENT_KEY)
    if kept is not None:
        return kept
    extras = app.extensions.get(_USER_COLUMNS_KEY, {})
    statement = sa.select(User, reference_data.stamp_column(), *(column(User.id).label(name) for name, column in extras.items())).where(
        User.id == sa.bindparam("user_id", type_=sa.Integer)
    )
    kept = (tuple(extras), statement)
    app.extensions[_USER_STATEMENT_KEY] = kept
    return kept


def register_user_column(app: Flask, name: str, column: Callable[[Any], Any]) -> None:
    """A higher package reads a value with the signed-in user's load (one statement for both):
    ``column(User.id)`` gives a scalar subquery; :func:`user_column` reads its value."""
    app.extensions.setdefault(_USER_COLUMNS_KEY, {})[name] = column
    app.extensions.pop(_USER_STATEMENT_KEY, None)  # built again with it


def user_column(name: str) -> Any:
    """The value read with this request's user under ``name`` (None when no user was loaded)."""
    return g.get("user_columns", {}).get(name)


#: every response's security headers, unless the view set its own
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "frame-src 'self'; object-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "SAMEORIGIN"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")


def _init_headers(app: Flask) -> None:
    app.session_interface = KeptSerializerSessionInterface()

    @app.after_request
    def security_headers(response: Any) -> Any:
        # what setdefault does per header, with the response's header names read once
        headers = response.headers
        present = {name.lower() for name in headers.keys()}  # noqa: SIM118 - Headers iterates (name, value) pairs
        wanted = (*SECURITY_HEADERS, HSTS) if app.config.get("SESSION_COOKIE_SECURE") else SECURITY_HEADERS
        for name, value in wanted:
            if name.lower() not in present:
                headers.add(name, value)
        return response


class KeptSerializerSessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per secret key
    (Flask makes a new one to read and another to write the cookie, on every request)."""

    _kept: tuple[Any, Any] | None = None

    def get_signing_serializer(self, app: Flask) -> Any:
        keys = (app.secret_key, tuple(app.config.get("SECRET_KEY_FALLBACKS") or ()))
        kept = self._kept
        if kept is not None and kept[0] == keys:
            return kept[1]
        serializer = super().get_signing_serializer(app)
        self._kept = (keys, serializer)
        return serializer


def _init_errors(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError) -> Any:
        # A form posted after its token or the session ran out: keep what was typed and send the
        # user back to the form (through the login page when the session ended).
        if request.method == "POST" and not request.path.startswith("/api/"):
            page = kept_forms.keep("login" if not current_user.is_authenticated else "csrf")
            if page is not None:
                if not current_user.is_authenticated:
                    return redirect(url_for("auth.login", next=page), 303)
                return redirect(page, 303)
        return http_error(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        if request.path.startswith("/api/"):
            if isinstance(error, MethodNotAllowed) and not _routes_for_any(error.valid_methods or []):
                # Werkzeug says 405 when a number past an <int:> route's cap fails for one method
                # and another method's rule exists: no route serves this address at all.
                error = NotFound()
            return jsonify(error={"status": error.code, "message": error.description}), error.code
        return render_template("error.html", error=error), error.code


def _init_templates(app: Flask) -> None:
    @app.context_processor
    def template_helpers() -> dict[str, Any]:
        # the case kinds' and statuses' titles come from cases.init_app (cases sits above web)
        return {"audit_sentence": sentence, "audit_changes": changes, "current_locale": str(get_locale())}

    @app.template_global()
    @pass_context
    def page_has_errors(context: Any) -> bool:
        """Whether a form on this page came back with errors (the title then starts "Fout:")."""
        if context.get("has_errors"):
            return True
        errors = context.get("errors")  # pages whose form is a plain dict of field -> message
        if isinstance(errors, dict) and errors:
            return True
        return any(isinstance(value, FlaskForm) and value.errors for value in context.values())

    @app.template_filter("number")
    def number(value: Any) -> str:
        """A count with the locale's digit grouping: 17.728 in Dutch, 17,728 in English."""
        return format_decimal(value)

    @app.template_filter("date_entry")
    def date_entry(value: Any) -> str:
        """A date as the date fields take it (dd-mm-jjjj); text (what was typed) stays as it is."""
        if isinstance(value, dt.date):
            return value.strftime("%d-%m-%Y")
        return str(value or "")

    @app.template_filter("nl_date")
    def nl_date(value: Any, fmt: str = "EEEE d MMMM y") -> str:
        """A date in the app's one style (``i18n.format_day``: "7 december", the year when it is
        not this year); a pattern with the day's name keeps it ("EEEE", "EEE"). Patterns
        without a day of the month ("MMMM y", "EEEE") are parts of a date, used as given."""
        if not value:
            return ""
        if "d" not in fmt:
            return format_date(value, fmt)
        return format_day(value, weekday="EEEE" if "EEEE" in fmt else ("EEE" if "EEE" in fmt else ""))

    @app.template_filter("moment")
    def moment(value: Any) -> str:
        """A moment in the app's one style, in Europe/Amsterdam (``i18n.format_moment``)."""
        return format_moment(value)

    @app.template_filter("nl_datetime")
    def nl_datetime(value: Any, fmt: str = "d MMMM y HH:mm") -> str:
        """An instant in the interface's time zone (BABEL_DEFAULT_TIMEZONE)."""
        from flask_babel import format_datetime

        return format_datetime(value, fmt) if value else ""


#: a view attribute: this GET request writes (e.g. a feed's last-used time), begin it IMMEDIATE
WRITES_ON_GET_ATTR = "sqlite_writes_on_get"


def kept_fields(*names: str) -> Any:
    """For a form written by hand on a page another URL posts to: what the user typed in it when
    it was refused (``kept_forms.keep``), or None. Taken once."""
    taken = kept_forms.take(set(names))
    return taken[0] if taken else None


def writes_on_get(view: Any) -> Any:
    """Mark a GET view that writes, so its SQLite transaction takes the write lock up front."""
    setattr(view, WRITES_ON_GET_ATTR, True)
    return view


def sqlite_writes_expected() -> bool:
    from flask import has_request_context

    if not has_request_context():
        return True  # CLI commands, scheduled jobs, tests' own transactions
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return True
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, WRITES_ON_GET_ATTR, False))


def _routes_for_any(methods: Iterable[str]) -> bool:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in methods:
        try:
            adapter.match(method=method)
        except HTTPException:
            continue
        return True
    return False
