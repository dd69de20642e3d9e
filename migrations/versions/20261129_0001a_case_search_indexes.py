"""case search indexes: filter combination, and trigram search on PostgreSQL

Revision ID: 0001a
Revises: 0001
Create Date: 2026-11-29

"""
from alembic import op

revision = "0001a"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_cases_directorate_kind_status", "cases", ["lead_directorate_id", "kind", "status", "received_on", "id"]
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_cases_search_text_trgm",
            "cases",
            ["search_text"],
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_cases_search_text_trgm", table_name="cases")
    op.drop_index("ix_cases_directorate_kind_status", table_name="cases")
