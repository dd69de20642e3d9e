"""notification kinds for contributions: asked, delivered, overdue

Revision ID: 0012_contrib
Revises: 0011_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from migrations.notification_kinds import KINDS_0009, KINDS_0012, change_kinds, drop_notifications_of

revision = "0012_contrib"
down_revision = "0011_contrib"
branch_labels = None
depends_on = None

OLD_KINDS = KINDS_0009
NEW_KINDS = KINDS_0012
def upgrade():
    change_kinds(NEW_KINDS)


def downgrade():
    drop_notifications_of(("contribution_asked", "contribution_delivered", "contribution_overdue"))
    change_kinds(OLD_KINDS)
