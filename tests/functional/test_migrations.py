"""The Alembic migrations build exactly the schema the models describe."""


import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from parliament_tracker import create_app
from parliament_tracker.cases.search_index import is_shadow_table
from parliament_tracker.db import exists_on
from parliament_tracker.extensions import db
from tests.conftest import scratch_database


# ix_deadlines_effective (an index on an expression) exists on PostgreSQL only, where it is
# compared; Alembic warns that SQLite cannot reflect such indexes before include_object skips it.
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index 'ix_deadlines_effective'")
def test_migrations_match_models(tmp_path):
    with scratch_database(tmp_path, "migrated") as url:
        _check_migrations(url)


def _check_migrations(url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            opts = {"compare_type": True, "include_object": exists_on(conn.dialect.name, unmanaged_table=is_shadow_table)}
            diff = compare_metadata(MigrationContext.configure(conn, opts=opts), db.metadata)
        assert diff == []
        if db.engine.dialect.name == "sqlite":
            with db.engine.connect() as conn:
                triggers = set(conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'").scalars())
            assert {"cases_fts_ai", "cases_fts_ad", "cases_fts_au"} <= triggers
        _check_audit_is_append_only()
        db.engine.dispose()


def _check_audit_is_append_only() -> None:
    """The migrated database refuses UPDATE and DELETE of audit entries (issue 20)."""
    import pytest
    import sqlalchemy as sa

    from parliament_tracker.audit.models import AuditEntry
    from parliament_tracker.db import now_utc

    with db.engine.begin() as conn:
        conn.execute(sa.insert(AuditEntry).values(created_at=now_utc(), action="x:y", object_type="x", object_id=1, summary="s", details={}))
    for statement in (sa.update(AuditEntry).values(summary="changed"), sa.delete(AuditEntry)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.execute(statement)
