"""notification_deliveries.summary_id indexed (partial: only carried deliveries have one): the
"ON DELETE SET NULL" of every deleted notification read all deliveries without it, so pruning
notifications (and the bodies they leave behind, the prune_bodies job) was quadratic.

Revision ID: 0022_digest
Revises: 0021_search3
Create Date: 2026-12-08

"""
import sqlalchemy as sa
from alembic import op

revision = "0022_digest"
down_revision = "0021_search3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_notification_deliveries_summary_id", "notification_deliveries", ["summary_id"],
        postgresql_where=sa.text("summary_id IS NOT NULL"), sqlite_where=sa.text("summary_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_notification_deliveries_summary_id", table_name="notification_deliveries")
