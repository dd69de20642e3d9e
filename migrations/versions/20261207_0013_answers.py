"""earlier answers and standard lines: the answer index (FTS5 on SQLite, a dutch tsvector on
PostgreSQL), standard lines with their versions, the owners' expiry reminder

Revision ID: 0013_answers
Revises: 0012_contrib
Create Date: 2026-12-07

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from migrations.notification_kinds import KINDS_0013_ANSWERS, KINDS_0013_HANDOVER, change_kinds, drop_notifications_of

import parliament_tracker.db
from parliament_tracker.answers.fts import CREATE_STATEMENTS, DROP_STATEMENTS

revision = "0013_answers"
down_revision = "0013_tagpdf"
branch_labels = None
depends_on = None

OLD_KINDS = KINDS_0013_HANDOVER
NEW_KINDS = KINDS_0013_ANSWERS
def upgrade():
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "answer_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("letter_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("question_number", sa.Integer(), nullable=False),
        sa.Column("question_text", sa.Text(), nullable=False),
        sa.Column("answer_text", sa.Text(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("case_reference", sa.String(length=32), nullable=False),
        sa.Column("member_ids", sa.JSON(), nullable=False),
        sa.Column("members_label", sa.Text(), nullable=False),
        sa.Column("directorate_id", sa.Integer(), nullable=True),
        sa.Column("dossier", sa.String(length=32), nullable=True),
        sa.Column("superseded_by_id", sa.Integer(), nullable=True),
        sa.Column("search_vector", postgresql.TSVECTOR() if postgres else sa.Text(), nullable=True),
        sa.Column("created_at", parliament_tracker.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["letter_id"], ["letters.id"], name=op.f("fk_answer_index_letter_id_letters"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_answer_index_case_id_cases"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["directorate_id"], ["directorates.id"], name=op.f("fk_answer_index_directorate_id_directorates"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["superseded_by_id"], ["letters.id"], name=op.f("fk_answer_index_superseded_by_id_letters"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_index")),
        sa.UniqueConstraint("letter_id", "case_id", "question_number", name="uq_answer_index_letter_case_question"),
    )
    with op.batch_alter_table("answer_index", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_index_letter_id"), ["letter_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_answer_index_directorate_id"), ["directorate_id"], unique=False)
        batch_op.create_index("ix_answer_index_case_question", ["case_id", "question_number"], unique=False)
        batch_op.create_index("ix_answer_index_dossier", ["dossier"], unique=False)
    if postgres:
        op.create_index("ix_answer_index_search_vector", "answer_index", ["search_vector"], unique=False, postgresql_using="gin")
    else:
        for statement in CREATE_STATEMENTS:
            op.execute(statement)

    op.create_table(
        "standard_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("directorate_id", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", parliament_tracker.db.UTCDateTime(), nullable=False),
        sa.Column("updated_at", parliament_tracker.db.UTCDateTime(), nullable=False),
        sa.CheckConstraint("version > 0", name=op.f("ck_standard_lines_version_positive")),
        sa.ForeignKeyConstraint(["directorate_id"], ["directorates.id"], name=op.f("fk_standard_lines_directorate_id_directorates")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_standard_lines_owner_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_lines")),
    )
    with op.batch_alter_table("standard_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_standard_lines_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index("ix_standard_lines_directorate_topic", ["directorate_id", "topic"], unique=False)
        batch_op.create_index("ix_standard_lines_valid_until", ["valid_until"], unique=False)

    op.create_table(
        "standard_line_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", parliament_tracker.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["line_id"], ["standard_lines.id"], name=op.f("fk_standard_line_versions_line_id_standard_lines"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_standard_line_versions_owner_id_users")),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"], name=op.f("fk_standard_line_versions_changed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_standard_line_versions")),
        sa.UniqueConstraint("line_id", "number", name="uq_standard_line_versions_line_number"),
    )
    change_kinds(NEW_KINDS)


def downgrade():
    drop_notifications_of(("standard_line_expiring",))
    change_kinds(OLD_KINDS)
    op.drop_table("standard_line_versions")
    with op.batch_alter_table("standard_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_standard_lines_valid_until")
        batch_op.drop_index("ix_standard_lines_directorate_topic")
        batch_op.drop_index(batch_op.f("ix_standard_lines_owner_id"))
    op.drop_table("standard_lines")
    if op.get_bind().dialect.name == "sqlite":
        for statement in DROP_STATEMENTS:
            op.execute(statement)
    else:
        op.drop_index("ix_answer_index_search_vector", table_name="answer_index", postgresql_using="gin")
    op.drop_table("answer_index")
