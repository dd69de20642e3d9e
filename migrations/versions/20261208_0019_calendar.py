"""deadlines by effective date (override, else practical date) with kind, case, binding and id,
the two dates included: the calendar's month, week and agenda of every kind from the index alone
(PostgreSQL only; SQLite 3.40 cannot read an expression index as covering)

Revision ID: 0019_calendar
Revises: 0018_bodies
Create Date: 2026-12-08

"""
import sqlalchemy as sa
from alembic import op

revision = "0019_calendar"
down_revision = "0018_bodies"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_deadlines_effective",
            "deadlines",
            [sa.text("coalesce(overridden_due_on, practical_due_on)"), "kind", "case_id", "is_binding", "id"],
            postgresql_include=["overridden_due_on", "practical_due_on"],
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_deadlines_effective", table_name="deadlines")
