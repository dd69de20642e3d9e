"""sessions that end (users.session_generation) and login throttling per name and address

Revision ID: 0009_harden
Revises: 0008
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from parliament_tracker.db import UTCDateTime

revision = "0009_harden"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "login_throttles",
        sa.Column("scope", sa.String(16), nullable=False),
        sa.Column("key", sa.String(255), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("blocked_until", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("scope", "key", name=op.f("pk_login_throttles")),
    )


def downgrade():
    op.drop_table("login_throttles")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("session_generation")
