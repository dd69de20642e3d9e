"""SQLite search index: FTS5 trigram table over cases.search_text, kept by triggers

Revision ID: 0001b
Revises: 0001a
Create Date: 2026-11-29

"""
from alembic import op

from parliament_tracker.cases.search_index import CREATE_STATEMENTS, DROP_STATEMENTS

revision = "0001b"
down_revision = "0001a"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in CREATE_STATEMENTS:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROP_STATEMENTS:
            op.execute(statement)
