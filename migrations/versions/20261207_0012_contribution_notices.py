"""notification kinds for contributions: asked, delivered, overdue

Revision ID: 0012_contrib
Revises: 0011_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from migrations.notification_kinds import change_kinds, drop_notifications_of

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
def upgrade():
    change_kinds(NEW_KINDS)


def downgrade():
    drop_notifications_of(("contribution_asked", "contribution_delivered", "contribution_overdue"))
    change_kinds(OLD_KINDS)
