"""The app factory: builds the application from every package. ``parliament_tracker.create_app``
hands over to ``create_app`` here, so that importing any one module of the package (a model,
``db``, a migration's helpers) does not load the whole application."""

from __future__ import annotations

import os
import select
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.exc import InvalidatePoolError
from werkzeug.routing import IntegerConverter

from parliament_tracker import (
    PROJECT_ROOT,
    api,
    models,  # noqa: F401 - every model module, so the metadata is complete (Alembic, create_all)
    operations,
    scheduler,
)
from parliament_tracker.answers import hooks as answers_hooks
from parliament_tracker.api import bp as api_bp
from parliament_tracker.auth.views import bp as auth_bp
from parliament_tracker.cases import hooks as cases_hooks
from parliament_tracker.cases.api import bp as cases_api_bp
from parliament_tracker.cases.question_views import bp as case_questions_bp
from parliament_tracker.cases.related_views import bp as case_related_bp
from parliament_tracker.cases.views import bp as cases_bp
from parliament_tracker.cli import register_commands
from parliament_tracker.config import default_settings, environment_overrides, require_secret_key
from parliament_tracker.contributions import api_docs as contributions_api_docs
from parliament_tracker.contributions import views as contribution_pages
from parliament_tracker.contributions.api import bp as contributions_api_bp
from parliament_tracker.contributions.views import bp as contributions_bp
from parliament_tracker.deadlines import hooks as deadlines_hooks
from parliament_tracker.deadlines.admin_views import bp as deadline_admin_bp
from parliament_tracker.deadlines.api import bp as deadlines_api_bp
from parliament_tracker.deadlines.views import bp as deadlines_bp
from parliament_tracker.edge import App
from parliament_tracker.extensions import babel, csrf, db, login_manager, migrate
from parliament_tracker.forms import MAX_INT
from parliament_tracker.i18n import install_template_gettext, select_locale
from parliament_tracker.input_guard import init_input_guard
from parliament_tracker.letters import hooks as letters_hooks
from parliament_tracker.letters.api import bp as letters_api_bp
from parliament_tracker.letters.approval.api import bp as letter_workflow_api_bp
from parliament_tracker.letters.approval.views import bp as letter_workflow_bp
from parliament_tracker.letters.views import bp as letters_bp
from parliament_tracker.notifications import api as notifications_api
from parliament_tracker.notifications import event_notices, receivers
from parliament_tracker.notifications import views as notification_pages
from parliament_tracker.notifications.api import bp as notifications_api_bp
from parliament_tracker.notifications.views import bp as notifications_bp
from parliament_tracker.organisation import api as organisation_api
from parliament_tracker.organisation.api import bp as organisation_api_bp
from parliament_tracker.organisation.views import bp as admin_bp
from parliament_tracker.records import hooks as records_hooks
from parliament_tracker.records.views import bp as records_bp
from parliament_tracker.response_policy import init_response_policy
from parliament_tracker.sso import hooks as sso_hooks
from parliament_tracker.tk.views import bp as tk_bp
from parliament_tracker.web import init_web, sqlite_writes_expected
from parliament_tracker.worklist import api as worklist_api
from parliament_tracker.worklist.api import bp as worklist_api_bp
from parliament_tracker.worklist.views import bp as worklist_bp


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application. No threads, no migrations, no network: that is the CLI's job.

    Every view runs inside one unit of work (``edge.App``): authenticated, committed once."""
    app = App(
        "parliament_tracker",
        instance_path=os.environ.get("PARLIAMENT_TRACKER_INSTANCE_PATH", os.path.join(PROJECT_ROOT, "instance")),
        instance_relative_config=True,
        template_folder=os.path.join(PROJECT_ROOT, "templates"),
    )
    app.config.from_mapping(default_settings(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(environment_overrides(os.environ))
    if test_config is not None:
        app.config.update(test_config)
    require_secret_key(app.config, app.instance_path)

    register_extensions(app)
    register_hardening(app)
    app.url_map.converters["int"] = DatabaseIntConverter
    register_blueprints(app)
    register_hooks(app)
    register_receivers()
    register_web_hooks(app)
    register_cli(app)
    return app


class DatabaseIntConverter(IntegerConverter):
    """``<int:...>`` in every route, capped at what an INTEGER column holds: a longer number in
    an address is a 404 like any unknown id, not a database error (SQLite raises OverflowError,
    PostgreSQL "integer out of range")."""

    def __init__(self, url_map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(url_map, *args, **kwargs)


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if app.config["CHECK_POOLED_CONNECTIONS"] and uri.startswith("postgresql+psycopg"):
        with app.app_context():
            check_pooled_connections(db.engine)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            configure_sqlite(db.engine, busy_timeout_ms=app.config["SQLITE_BUSY_TIMEOUT_MS"])
    migrate.init_app(app, db, directory=os.path.join(PROJECT_ROOT, "migrations"), render_as_batch=True)
    csrf.init_app(app)
    login_manager.init_app(app)
    babel.init_app(app, locale_selector=select_locale, default_translation_directories="translations")
    install_template_gettext(app)


def register_hardening(app: Flask) -> None:
    """Input refused at the edge (bad bytes, deep JSON) and response policies (caching, 401s)."""
    init_input_guard(app)
    init_response_policy(app)


def register_blueprints(app: Flask) -> None:
    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(case_questions_bp)
    app.register_blueprint(case_related_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(tk_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(cases_api_bp)
    app.register_blueprint(deadlines_api_bp)
    app.register_blueprint(notifications_bp)
    app.register_blueprint(deadlines_bp)
    app.register_blueprint(deadline_admin_bp)
    app.register_blueprint(letters_bp)
    app.register_blueprint(letters_api_bp)
    app.register_blueprint(letter_workflow_bp)
    app.register_blueprint(letter_workflow_api_bp)
    app.register_blueprint(organisation_api_bp)
    app.register_blueprint(worklist_bp)
    app.register_blueprint(worklist_api_bp)
    app.register_blueprint(notifications_api_bp)
    app.register_blueprint(contributions_bp)
    app.register_blueprint(contributions_api_bp)
    app.register_blueprint(records_bp)


def register_hooks(app: Flask) -> None:
    """Higher parts register with the hooks lower parts offer, here and never at import time
    (tests/unit/test_import_contract.py forbids every upward import, lazy ones too)."""
    api.init_app(app)
    cases_hooks.init_app(app)
    deadlines_hooks.init_app(app)
    letters_hooks.init_app(app)
    answers_hooks.init_app(app)
    contribution_pages.init_app(app)
    notification_pages.init_app(app)
    records_hooks.init_app(app)
    scheduler.init_app(app)
    operations.init_app(app)
    sso_hooks.init_app(app)
    # the OpenAPI parts of the packages without other hooks (cases, deadlines and letters
    # register theirs in their init_app)
    for contribute in (organisation_api.openapi, contributions_api_docs.openapi, worklist_api.openapi, notifications_api.openapi):
        api.register_openapi(app, contribute)


def register_receivers() -> None:
    """Connect the higher packages' receivers to the domain events (parliament_tracker.signals)."""
    answers_hooks.register_receivers()
    event_notices.connect()
    receivers.register_receivers()


def register_web_hooks(app: Flask) -> None:
    init_web(app)


def register_cli(app: Flask) -> None:
    register_commands(app)


def check_pooled_connections(engine: Any) -> None:
    """What ``pool_pre_ping`` is for (a pooled connection the server has closed since: a restart,
    ``idle_session_timeout``, an administrator's ``pg_terminate_backend``) without its ``SELECT 1``
    round trip on every check-out, which cost each request about 50 µs of CPU here and as much
    in PostgreSQL (issue #19).

    A server that ends a connection says so (an error message, then it closes the socket), and
    an idle connection is never sent anything else (no LISTEN here; parameter changes are reported
    only with the next answer): so an idle pooled socket with anything to read, or hung up, is
    dead. Then, as after a failed ping, the pool drops every connection made before it (a restart
    ends them all) and connects anew. Not seen, as with the ping: a server host that vanished
    without closing anything (the ping would have waited for TCP to give up; here the request's
    own statement does, and its connection is dropped)."""

    @event.listens_for(engine, "checkout")
    def closed_by_server(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
        pgconn = getattr(dbapi_connection, "pgconn", None)
        if pgconn is None:  # pragma: no cover - psycopg 3 only
            return
        try:
            poller = select.poll()
            poller.register(pgconn.socket, select.POLLIN | select.POLLPRI)
            dead = bool(poller.poll(0)) or dbapi_connection.closed
        except Exception:  # no socket any more (closed, broken): dead as well
            dead = True
        if dead:
            raise InvalidatePoolError("the server closed a pooled connection")


def configure_sqlite(engine: Any, busy_timeout_ms: int = 30000) -> None:
    """Foreign keys on, WAL for a web and a scheduler process side by side, and real
    transactions (pysqlite's own BEGIN handling breaks SAVEPOINT; SQLAlchemy docs, "pysqlite")."""
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        # How long a writer waits for the one before it (BEGIN IMMEDIATE queues writers here).
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        # A 64 MiB page cache per connection (the default is 2 MiB): a calendar month of a
        # large register touches tens of thousands of index and table pages, which otherwise
        # are read from the OS again on every request.
        cursor.execute("PRAGMA cache_size=-65536")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Any) -> None:
        # A transaction that reads and later writes cannot wait for another writer: SQLite
        # answers "database is locked" at once when a commit landed after its first read. So
        # every transaction that may write takes the write lock up front (BEGIN IMMEDIATE, which
        # waits up to busy_timeout): form posts and API writes, the CLI and jobs. Only reading
        # requests (GET, HEAD) begin deferred, and read alongside the writer (WAL).
        connection.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_writes_expected() else "BEGIN")
