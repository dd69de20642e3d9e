"""partial index on the binding deadline of each case (the dashboard's lists read it by case id);
cases by binding date and reference (the calendar month's first cases of each date, index only)

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
    op.create_index(
        "ix_cases_practical_due_on_reference", "cases", ["practical_due_on", "reference", "id", "lead_directorate_id"]
    )


def downgrade():
    op.drop_index("ix_cases_practical_due_on_reference", table_name="cases")
    op.drop_index("ix_deadlines_binding_case_id", table_name="deadlines")
