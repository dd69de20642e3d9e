"""notification kinds for contributions: asked, delivered, overdue

Revision ID: 0012_contrib
Revises: 0011_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

revision = "0012_contrib"
down_revision = "0011_contrib"
branch_labels = None
depends_on = None

OLD_KINDS = (
    "reminder_draft", "reminder_approval", "reminder_signature", "reminder_due", "escalation", "weekly_digest",
    "tk_new_case", "tk_update",
    "case_assigned", "approval_requested", "changes_requested", "letter_to_sign", "letter_withdrawn", "letter_signed",
    "letter_sent", "postponement_sent", "daily_summary",
)
NEW_KINDS = (*OLD_KINDS, "contribution_asked", "contribution_delivered", "contribution_overdue")
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
    _keeping_deliveries(lambda: _kinds(NEW_KINDS))


def downgrade():
    for table in KIND_TABLES:
        op.execute(sa.text(f"DELETE FROM {table} WHERE kind IN ('contribution_asked', 'contribution_delivered', 'contribution_overdue')"))
    _keeping_deliveries(lambda: _kinds(OLD_KINDS))
