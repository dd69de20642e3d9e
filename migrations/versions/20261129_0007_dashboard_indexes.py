"""indexes for the dashboard: the Monday late list, open cases of a directorate by binding date

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-29

"""
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_kind_status_received_on", "cases", ["kind", "status", "received_on", "postponed_on"])
    op.create_index("ix_cases_directorate_status_practical_due_on", "cases", ["lead_directorate_id", "status", "practical_due_on"])


def downgrade():
    op.drop_index("ix_cases_directorate_status_practical_due_on", table_name="cases")
    op.drop_index("ix_cases_kind_status_received_on", table_name="cases")
