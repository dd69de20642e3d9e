"""index: open cases by binding date (dashboard: overdue, due this week)

Revision ID: 0003a
Revises: 0003
Create Date: 2026-11-29

"""
from alembic import op

revision = "0003a"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_status_practical_due_on", "cases", ["status", "practical_due_on"])


def downgrade():
    op.drop_index("ix_cases_status_practical_due_on", table_name="cases")
