"""The Alembic migrations build exactly the schema the models describe."""

import os

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from parliament_tracker import create_app
from parliament_tracker.db import exists_on
from parliament_tracker.extensions import db


def test_migrations_match_models(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
        base = sa.engine.make_url(url)
        name = f"{base.database}_migrations_{os.getpid()}"
        admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = base.set(database=name).render_as_string(hide_password=False)
    else:
        admin = None
        url = "sqlite:///" + str(tmp_path / "migrated.sqlite")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    try:
        with app.app_context():
            upgrade()
            with db.engine.connect() as conn:
                opts = {"compare_type": True, "include_object": exists_on(conn.dialect.name)}
                diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
            assert diff == []
            if db.engine.dialect.name == "sqlite":
                with db.engine.connect() as conn:
                    triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
                assert {"cases_fts_ai", "cases_fts_ad", "cases_fts_au"} <= triggers
            db.engine.dispose()
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            admin.dispose()
