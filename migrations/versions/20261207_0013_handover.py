"""per-question drafter; notification kinds for contribution reminders and escalations

Revision ID: 0013_handover
Revises: 0012_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from migrations.notification_kinds import KINDS_0012, KINDS_0013_HANDOVER, change_kinds, drop_notifications_of

revision = "0013_handover"
down_revision = "0012_contrib"
branch_labels = None
depends_on = None

OLD_KINDS = KINDS_0012
ADDED = ("contribution_reminder", "contribution_escalation")
NEW_KINDS = KINDS_0013_HANDOVER
def upgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drafter_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_questions_drafter_id"), ["drafter_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_questions_drafter_id_users"), "users", ["drafter_id"], ["id"])
    change_kinds(NEW_KINDS)


def downgrade():
    drop_notifications_of(ADDED)
    change_kinds(OLD_KINDS)
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_questions_drafter_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_questions_drafter_id"))
        batch_op.drop_column("drafter_id")
