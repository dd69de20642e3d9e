"""letter logos: a ministry's own logo for the templates' logo slot

Revision ID: 0013_tagpdf
Revises: 0012_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa

import parliament_tracker.db
from alembic import op

revision = "0013_tagpdf"
down_revision = "0013_handover"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "letter_logos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", parliament_tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"], name=op.f("fk_letter_logos_uploaded_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_letter_logos")),
    )


def downgrade():
    op.drop_table("letter_logos")
