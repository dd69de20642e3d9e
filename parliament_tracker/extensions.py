"""Extension objects, created unconfigured; ``create_app`` binds them."""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect

from parliament_tracker.db import Base


class MigrateOnDemand:
    """Flask-Migrate, bound to the app when something first needs it: the ``flask db`` commands,
    ``flask_migrate.upgrade()`` and the like. Alembic costs about 0.15 s of import that a web
    process never needs (issue #19: start-up), so ``init_app`` only records the migrations
    directory (``app.extensions["migrate"].directory``, which the health check reads) and adds a
    ``db`` command that loads Flask-Migrate when it runs."""

    def init_app(self, app: Flask, db: SQLAlchemy, *, directory: str, **options: Any) -> None:
        app.extensions["migrate"] = _PendingMigrate(app, db, directory, options)
        app.cli.add_command(_DbCommand(app))


def bind_migrate(app: Flask) -> Any:
    """Flask-Migrate's own state for ``app`` (``app.extensions["migrate"]``), binding it first
    if it is still pending. Replaces the ``db`` command by Flask-Migrate's."""
    state = app.extensions["migrate"]
    if isinstance(state, _PendingMigrate):
        from flask_migrate import Migrate

        Migrate().init_app(app, state.db, directory=state.directory, **state.options)
    return app.extensions["migrate"]


class _PendingMigrate:
    """``app.extensions["migrate"]`` until Flask-Migrate is bound: the directory and the database
    are at hand; anything else (``.migrate``, ``.configure_args``) binds it."""

    def __init__(self, app: Flask, db: SQLAlchemy, directory: str, options: dict[str, Any]) -> None:
        self.app, self.db, self.directory, self.options = app, db, directory, options

    def __getattr__(self, name: str) -> Any:
        return getattr(bind_migrate(self.app), name)


class _DbCommand(click.Group):
    """``flask db``: Flask-Migrate's command group, loaded when the command is run."""

    def __init__(self, app: Flask) -> None:
        super().__init__("db", help="Perform database migrations.")
        self.app = app

    def _real(self) -> click.Group:
        bind_migrate(self.app)
        from flask_migrate.cli import db as db_command

        return db_command

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._real().get_command(ctx, cmd_name)


db = SQLAlchemy(model_class=Base)
migrate = MigrateOnDemand()
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
