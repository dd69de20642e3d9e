"""per-question drafter; notification kinds for contribution reminders and escalations

Revision ID: 0013_handover
Revises: 0012_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

revision = "0013_handover"
down_revision = "0012_contrib"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "reminder_draft", "reminder_approval", "reminder_signature", "reminder_due", "escalation", "weekly_digest",
    "tk_new_case", "tk_update",
    "case_assigned", "approval_requested", "changes_requested", "letter_to_sign", "letter_withdrawn", "letter_signed",
    "letter_sent", "postponement_sent", "daily_summary",
    "contribution_asked", "contribution_delivered", "contribution_overdue",
)
ADDED = ("contribution_reminder", "contribution_escalation")
NEW_KINDS = (*OLD_KINDS, *ADDED)
KIND_TABLES = ("notifications", "notification_opt_outs")


def _kinds(values):
    for table in KIND_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f"ck_{table}_notificationkind"), type_="check")
            batch_op.create_check_constraint(op.f(f"ck_{table}_notificationkind"), sa.column("kind").in_(values))


def _keeping_deliveries(change):
    """On SQLite the batch rebuild drops "notifications", which cascades to the delivery rows
    pointing at it: they are kept aside and put back (same ids) after the rebuild."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute(sa.text("CREATE TABLE _kept_deliveries AS SELECT * FROM notification_deliveries"))
    change()
    if sqlite:
        op.execute(sa.text("DELETE FROM notification_deliveries"))
        op.execute(sa.text("INSERT INTO notification_deliveries SELECT * FROM _kept_deliveries"))
        op.execute(sa.text("DROP TABLE _kept_deliveries"))


def upgrade():
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("drafter_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_questions_drafter_id"), ["drafter_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_questions_drafter_id_users"), "users", ["drafter_id"], ["id"])
    _keeping_deliveries(lambda: _kinds(NEW_KINDS))


def downgrade():
    for table in KIND_TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE kind IN ('contribution_reminder', 'contribution_escalation')"))
    _keeping_deliveries(lambda: _kinds(OLD_KINDS))
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_questions_drafter_id_users"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_questions_drafter_id"))
        batch_op.drop_column("drafter_id")
