"""notifications: the message bodies TOAST-compressed with lz4 on PostgreSQL 14+ built with lz4
(a weekly digest writes ~1 GB of bodies; pglz took ~3x the server's CPU). Applies to values
written from now on; SQLite and other servers unchanged.

Revision ID: 0016_lz4bodies
Revises: 0015_dashidx
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

# Its own SQL, not models.LZ4_BODIES: since 0018_bodies the bodies live in notification_bodies.
HAS_LZ4 = "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)"

revision = "0016_lz4bodies"
down_revision = "0015_dashidx"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(sa.text(HAS_LZ4)).first():
        op.execute("ALTER TABLE notifications ALTER COLUMN body_text SET COMPRESSION lz4, ALTER COLUMN body_html SET COMPRESSION lz4")


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == "postgresql" and bind.execute(sa.text(HAS_LZ4)).first():
        op.execute("ALTER TABLE notifications ALTER COLUMN body_text SET COMPRESSION default, ALTER COLUMN body_html SET COMPRESSION default")
