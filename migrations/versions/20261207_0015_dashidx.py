"""index for the dashboard's Monday list within a directorate: its count reads the index alone

Revision ID: 0015_dashidx
Revises: 0014_refstamp
Create Date: 2026-12-07

"""
from alembic import op

revision = "0015_dashidx"
down_revision = "0014_refstamp"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_cases_directorate_kind_status_postponed",
        "cases",
        ["lead_directorate_id", "kind", "status", "received_on", "postponed_on"],
    )


def downgrade():
    op.drop_index("ix_cases_directorate_kind_status_postponed", table_name="cases")
