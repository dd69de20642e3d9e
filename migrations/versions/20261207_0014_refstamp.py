"""reference_versions: the stamp of the slow-changing reference data (days off, deadline
settings, events) that workers keep copies of (parliament_tracker.reference_data)

Revision ID: 0014_refstamp
Revises: 0013_woo
Create Date: 2026-12-07

"""
import uuid

import sqlalchemy as sa
from alembic import op

revision = "0014_refstamp"
down_revision = "0013_woo"
branch_labels = None
depends_on = None


def upgrade():
    table = op.create_table(
        "reference_versions",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("stamp", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_reference_versions")),
    )
    op.bulk_insert(table, [{"name": "reference", "stamp": uuid.uuid4().hex}])


def downgrade():
    op.drop_table("reference_versions")
