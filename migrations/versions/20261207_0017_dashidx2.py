"""partial index on the binding deadline of each case (the dashboard's lists read it by case id)

Revision ID: 0017_dashidx2
Revises: 0016_lz4bodies
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

revision = "0017_dashidx2"
down_revision = "0016_lz4bodies"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_deadlines_binding_case_id",
        "deadlines",
        ["case_id"],
        postgresql_where=sa.text("is_binding"),
        sqlite_where=sa.text("is_binding = 1"),
    )


def downgrade():
    op.drop_index("ix_deadlines_binding_case_id", table_name="deadlines")
