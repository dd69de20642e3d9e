"""the case page's related cases by index: the newest cases of a dossier, the cases of a member
(both were a scan of every case or case member)

Revision ID: 0020_casepage
Revises: 0019_calendar
Create Date: 2026-12-08

"""
from alembic import op

revision = "0020_casepage"
down_revision = "0019_calendar"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_cases_dossier_received_on", "cases", ["dossier", "received_on"])
    op.create_index("ix_case_members_member_id_case_id", "case_members", ["member_id", "case_id"])


def downgrade():
    op.drop_index("ix_case_members_member_id_case_id", table_name="case_members")
    op.drop_index("ix_cases_dossier_received_on", table_name="cases")
