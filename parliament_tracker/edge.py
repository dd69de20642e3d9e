"""The edge: one unit of work around every page, API call, CLI command and scheduled job.

A unit of work authenticates (a session for pages, a bearer token for the API), holds the
actor, commits once when the work finished without raising and rolls back on any exception
(the shape of Indico's ``RH.process`` and Warehouse's per-request transaction). Services below
it only add and flush; they take the actor (and the deadline rule context) as arguments.

A :class:`~parliament_tracker.errors.DomainError` that leaves the work is turned into the
answer the caller understands, after the rollback: on pages a flash plus the re-rendered form
(with what the user typed) or a redirect back; on the API the documented JSON error with the
status its kind names; in the CLI a ``click`` error. Nothing else in the app commits or rolls
back, apart from the scheduler's own run records and locks and the mail sender's claims.
"""

from __future__ import annotations

import contextlib
import contextvars
import dataclasses
import functools
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from urllib.parse import urlsplit

import click
from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from parliament_tracker import kept_forms
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")

#: a view function attribute: authenticate with a bearer token instead of the session
BEARER_ATTR = "bearer_token"
#: a view function attribute: the permission it needs (None: public); set by
#: ``auth.permissions.permission_required`` and ``api.api_permission``
PERMISSION_ATTR = "required_permission"


@dataclasses.dataclass(frozen=True)
class ApiHooks:
    """What the edge needs of the JSON API (``parliament_tracker.api``, a higher part), which
    registers it at app creation (:func:`register_api`)."""

    #: the API's path prefix ("/api/v1"): requests under it are answered in JSON
    prefix: str
    #: the user of the request's bearer token; raises (401) without a valid one
    bearer_user: Callable[[], Any]
    #: the exception to raise for a token whose user may not do this: (user, permission)
    forbidden: Callable[[Any, str], Exception]
    #: the documented JSON error for a refusal
    error_response: Callable[[DomainError], Any]


_API_HOOKS_KEY = "edge_api"


def register_api(app: Flask, hooks: ApiHooks) -> None:
    """The hook the API registers with at app creation (the edge never imports it)."""
    app.extensions[_API_HOOKS_KEY] = hooks


def _api() -> ApiHooks | None:
    return current_app.extensions.get(_API_HOOKS_KEY)


@dataclasses.dataclass
class UnitOfWork:
    """What one request, command or job shares: the actor and what the edge does on refusal."""

    actor: Any = None
    #: called after the rollback with the DomainError; returns the response (or None: default)
    refusal: Callable[[DomainError], Any] | None = None
    #: the message for a concurrent change found at commit (stale version, unique row taken)
    conflict_message: str | None = None
    #: run after a rollback, in a transaction of their own (see :func:`after_rollback`)
    after_rollback: list[Callable[[], None]] = dataclasses.field(default_factory=list)
    #: False when the work decided to keep nothing (see :func:`discard`)
    keep: bool = True
    #: loaded at most once per unit; see :func:`memo`
    memo: dict[str, Any] = dataclasses.field(default_factory=dict)


_current: contextvars.ContextVar[UnitOfWork | None] = contextvars.ContextVar("unit_of_work", default=None)


def current() -> UnitOfWork:
    """The unit of work being run; outside one (tests calling services directly) a blank one."""
    return _current.get() or UnitOfWork()


def actor() -> Any:
    """The authenticated user of this unit of work (None for the system: CLI, jobs, anonymous)."""
    return current().actor


def memo(key: str, load: Callable[[], T]) -> T:
    """``load()``, run at most once per unit of work under ``key`` (outside one: every time).

    For what reading code of one request shares, such as the deadline rule context
    (``deadlines.services.unit_rule_context``). A page that changes what was loaded recomputes
    through the services, which load their own fresh copy; this cache only serves reading."""
    uow = _current.get()
    if uow is None:
        return load()
    if key not in uow.memo:
        uow.memo[key] = load()
    return uow.memo[key]


def on_refusal(render: Callable[[DomainError], Any] | None = None, *, conflict: str | None = None) -> None:
    """Declare how a refusal in this unit is answered: ``render(exc)`` runs after the rollback
    (objects read what is stored) and returns the response, typically the form again with the
    messages under its fields and what the user typed, or None for the default answer;
    ``conflict`` is the message for a concurrent change found at the flush or commit."""
    uow = _current.get()
    if uow is None:
        return
    if render is not None:
        uow.refusal = render
    if conflict is not None:
        uow.conflict_message = conflict


def on_refusal_redirect(target: str, code: int = 302, *, with_fields: bool = False) -> None:
    """A refusal in this unit is flashed (with the field messages when ``with_fields``) and the
    user goes to ``target``: for actions whose form lives on another page."""

    def refused(exc: DomainError) -> Any:
        flash(" ".join([exc.message, *exc.errors.values()]) if with_fields else exc.message, "error")
        return redirect(target, code)

    on_refusal(refused)


def after_rollback(record: Callable[[], None]) -> None:
    """Keep ``record``'s changes even when this unit of work fails: it runs after the rollback,
    in a transaction of its own (a job's "last error" must survive the job's rollback).
    Outside a unit of work it runs at once, in the caller's transaction."""
    uow = _current.get()
    if uow is None:
        record()
    else:
        uow.after_rollback.append(record)


def abandon() -> None:
    """End the session's transaction now, keeping nothing: for the error page after a request
    that broke the session outside a unit of work, and for work that must not hold a transaction
    open (the database copy of a backup)."""
    db.session.rollback()


def discard() -> None:
    """This unit of work ends without keeping anything, although nothing was refused (e.g. a
    comparison the user left without choosing a field)."""
    uow = _current.get()
    if uow is not None:
        uow.keep = False


@contextlib.contextmanager
def _transaction(uow: UnitOfWork) -> Iterator[UnitOfWork]:
    """Make ``uow`` current; commit when the block finished, roll back on any exception.

    A concurrent change that only shows at commit (a stale version, a unique row someone else
    took) becomes a ``DomainError`` of kind conflict, after the rollback."""
    token = _current.set(uow)
    try:
        try:
            yield uow
            if uow.keep:
                db.session.commit()
            else:
                db.session.rollback()
        except (StaleDataError, IntegrityError) as exc:
            db.session.rollback()
            raise DomainError(
                uow.conflict_message or _("Someone else changed this at the same moment. Check it and try again."),
                kind=Kind.conflict,
            ) from exc
        except BaseException:
            db.session.rollback()
            _record_failure(uow)
            raise
    finally:
        _current.reset(token)


def _record_failure(uow: UnitOfWork) -> None:
    """Run what must be kept although the work failed (e.g. a job's last error), then commit."""
    if not uow.after_rollback:
        return
    try:
        for record in uow.after_rollback:
            record()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise


def unit_of_work(actor: Any = None) -> contextlib.AbstractContextManager[UnitOfWork]:
    """Run a block as one transaction with ``actor`` (None: the system)."""
    return _transaction(UnitOfWork(actor=actor))


# -- pages and API -----------------------------------------------------------------------------


def _is_api() -> bool:
    api = _api()
    return api is not None and request.path.startswith(api.prefix + "/")


def _authenticate(view: Callable[..., Any]) -> Any:
    """The actor of this request, or raise/abort: 401 without credentials, 403 without the right.

    API views authenticate with a bearer token (no cookie, no session); pages with the session."""
    permission = getattr(view, PERMISSION_ATTR, None)
    if getattr(view, BEARER_ATTR, False):
        api = _api()
        if api is None:  # pragma: no cover - create_app registers the API
            raise RuntimeError("a bearer-token view, but no API registered with the edge (edge.register_api)")
        user = api.bearer_user()
        if permission is not None and not user.can(permission):
            raise api.forbidden(user, permission)
        return user
    user = current_user._get_current_object() if current_user.is_authenticated else None
    if permission is not None:
        if user is None:
            raise _Unauthenticated()
        if not user.can(permission):
            abort(403)
    return user


class _Unauthenticated(Exception):
    """A page that needs a login, asked for without one: the login manager answers."""


def _safe_back() -> str:
    """Where a refused action without its own page goes: the page it came from (same host)."""
    referrer = request.referrer or ""
    parts = urlsplit(referrer)
    if referrer and parts.netloc in ("", request.host):
        return referrer
    return "/"


def refusal_response(exc: DomainError, uow: UnitOfWork) -> Any:
    """The answer to a refused change, built after the rollback (objects reload fresh)."""
    if uow.refusal is not None:
        response = uow.refusal(exc)
        if response is not None:
            return response
    api = _api()
    if api is not None and _is_api():
        return api.error_response(exc)
    flash(exc.message, "error")
    return redirect(_safe_back(), 303)


def dispatch(view_call: Callable[[], Any], view: Callable[..., Any] | None) -> Any:
    """Run one request's view inside a unit of work (see :class:`App`)."""
    uow = UnitOfWork()
    try:
        uow.actor = _authenticate(view) if view is not None else None
    except _Unauthenticated:
        if request.method == "POST":
            # the session ended while a form was open: keep what was typed for after the login
            page = kept_forms.keep("login")
            if page is not None:
                return redirect(url_for("auth.login", next=page), 303)
        return current_app.login_manager.unauthorized()  # type: ignore[attr-defined]
    flashes = list(session.get("_flashes", ()))
    try:
        with _transaction(uow):
            return view_call()
    except DomainError as exc:
        # What the view announced ("saved") did not happen: only the refusal is shown.
        if session.get("_flashes", []) != flashes:
            session["_flashes"] = flashes
        token = _current.set(uow)
        try:
            return refusal_response(exc, uow)
        finally:
            _current.reset(token)


class App(Flask):
    """Flask whose every view runs inside one unit of work (Indico's ``RH.process``)."""

    def dispatch_request(self) -> Any:
        rule = request.url_rule
        if request.routing_exception is not None or rule is None:
            return super().dispatch_request()
        if getattr(rule, "provide_automatic_options", False) and request.method == "OPTIONS":
            return super().dispatch_request()
        view = self.view_functions.get(rule.endpoint)
        if rule.endpoint == "static":
            return super().dispatch_request()
        return dispatch(super().dispatch_request, view)


# -- CLI commands and jobs ---------------------------------------------------------------------


def command(f: F) -> F:
    """A CLI command as one unit of work; a refusal is a ``click`` error (exit status 1)."""

    @functools.wraps(f)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        try:
            with unit_of_work():
                return f(*args, **kwargs)
        except DomainError as exc:
            details = "; ".join(f"{k}: {v}" for k, v in exc.errors.items())
            raise click.ClickException(f"{exc.message} {details}".strip()) from None

    return wrapped  # type: ignore[return-value]


def run_job(body: Callable[[], Any]) -> Any:
    """A scheduled job's body as one unit of work (the scheduler keeps its own run records)."""
    with unit_of_work():
        return body()
