"""contributions (bijdragen) asked of a directorate or an outside address

Revision ID: 0011_contrib
Revises: 0009_notify
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op

import parliament_tracker.db

revision = "0011_contrib"
down_revision = "0009_notify"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "contributions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("question_numbers", sa.JSON(), nullable=False),
        sa.Column("directorate_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("external_email", sa.String(length=254), nullable=True),
        sa.Column("asked_by_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("request_text", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("asked", "delivered", "withdrawn", name="contributionstate", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("answer_text", sa.Text(), nullable=False),
        sa.Column("answer_filename", sa.String(length=255), nullable=True),
        sa.Column("answer_content_type", sa.String(length=100), nullable=True),
        sa.Column("answer_size", sa.Integer(), nullable=True),
        sa.Column("answer_sha256", sa.String(length=64), nullable=True),
        sa.Column("answer_content", sa.LargeBinary(), nullable=True),
        sa.Column("delivered_at", parliament_tracker.db.UTCDateTime(), nullable=True),
        sa.Column("delivered_by_id", sa.Integer(), nullable=True),
        sa.Column("link_nonce", sa.String(length=64), nullable=True),
        sa.Column("created_at", parliament_tracker.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "(directorate_id IS NOT NULL AND external_email IS NULL) OR (directorate_id IS NULL AND external_email IS NOT NULL AND user_id IS NULL)",
            name=op.f("ck_contributions_one_contributor"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_contributions_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["directorate_id"], ["directorates.id"], name=op.f("fk_contributions_directorate_id_directorates")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_contributions_user_id_users")),
        sa.ForeignKeyConstraint(["asked_by_id"], ["users.id"], name=op.f("fk_contributions_asked_by_id_users")),
        sa.ForeignKeyConstraint(["delivered_by_id"], ["users.id"], name=op.f("fk_contributions_delivered_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contributions")),
    )
    with op.batch_alter_table("contributions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contributions_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contributions_directorate_id"), ["directorate_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contributions_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_contributions_state_due_on", ["state", "due_on"], unique=False)


def downgrade():
    op.drop_table("contributions")
