"""the audit log is append-only in the database: triggers refuse UPDATE and DELETE

Revision ID: 0010_harden
Revises: 0009_harden
Create Date: 2026-12-07

"""
from alembic import op

from parliament_tracker.audit.models import POSTGRESQL_APPEND_ONLY, SQLITE_APPEND_ONLY

revision = "0010_harden"
down_revision = "0009_harden"
branch_labels = None
depends_on = None


def upgrade():
    dialect = op.get_bind().dialect.name
    for statement in POSTGRESQL_APPEND_ONLY if dialect == "postgresql" else SQLITE_APPEND_ONLY:
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_truncate ON audit_entries")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_change ON audit_entries")
        op.execute("DROP FUNCTION IF EXISTS audit_entries_append_only()")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_entries_no_delete")
