"""notifications: the message bodies TOAST-compressed with lz4 on PostgreSQL 14+ built with lz4
(a weekly digest writes ~1 GB of bodies; pglz took ~3x the server's CPU). Applies to values
written from now on; SQLite and other servers unchanged.

Revision ID: 0016_lz4bodies
Revises: 0015_dashidx
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

from parliament_tracker.notifications.models import LZ4_BODIES

revision = "0016_lz4bodies"
down_revision = "0015_dashidx"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(sa.text(LZ4_BODIES[0])).first():
        op.execute(LZ4_BODIES[1])


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(sa.text(LZ4_BODIES[0])).first():
        op.execute("ALTER TABLE notifications ALTER COLUMN body_text SET COMPRESSION default, ALTER COLUMN body_html SET COMPRESSION default")
