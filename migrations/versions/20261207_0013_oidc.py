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
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("oidc_subject", sa.String(255), nullable=True))
        batch.create_unique_constraint(op.f("uq_users_oidc_subject"), ["oidc_subject"])


def downgrade():
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_oidc_subject"), type_="unique")
        batch.drop_column("oidc_subject")
    op.drop_table("scheduler_heartbeats")
