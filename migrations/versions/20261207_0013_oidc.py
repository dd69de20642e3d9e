"""operations and sign-in with the identity provider: the scheduler's heartbeat, and the
provider's subject on users (OpenID Connect)

Revision ID: 0013_oidc
Revises: 0012_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from parliament_tracker.db import UTCDateTime

revision = "0013_oidc"
down_revision = "0013_answers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scheduler_heartbeats",
        sa.Column("holder", sa.String(120), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("beat_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("holder", name=op.f("pk_scheduler_heartbeats")),
    )
    # In place, no batch rebuild of "users": on SQLite a rebuild DROPs the table, and with
    # foreign keys on that implicit DELETE cascades to every row that references a user
    # (notifications and their deliveries, opt-outs, API tokens, feeds). The subject is unique
    # through a unique index, which SQLite can add to an existing table.
    op.add_column("users", sa.Column("oidc_subject", sa.String(255), nullable=True))
    op.create_index(op.f("ix_users_oidc_subject"), "users", ["oidc_subject"], unique=True)


def downgrade():
    op.drop_index(op.f("ix_users_oidc_subject"), table_name="users")
    # SQLite drops a column in place (3.35+): no rebuild, nothing cascades
    op.drop_column("users", "oidc_subject")
    op.drop_table("scheduler_heartbeats")
