"""index: deadlines by effective date (override, else practical date), covering the case id

Replaces ix_deadlines_overridden_due_on: on that index "overridden_due_on IS NULL" matched
nearly every row, so a calendar range read the whole table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-29

"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_deadlines_overridden_practical_case", "deadlines", ["overridden_due_on", "practical_due_on", "case_id"])
    op.drop_index("ix_deadlines_overridden_due_on", table_name="deadlines")


def downgrade():
    op.create_index("ix_deadlines_overridden_due_on", "deadlines", ["overridden_due_on"])
    op.drop_index("ix_deadlines_overridden_practical_case", table_name="deadlines")
