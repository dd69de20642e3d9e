"""SQLite's case search index (cases_fts) with trigram positions (detail='full') and without
case folding: a search word is confirmed from the index as a phrase of its trigrams instead of
by reading each candidate case's text (see parliament_tracker.cases.search_index). The table
and its triggers are made anew and filled from cases.search_text. PostgreSQL: nothing (its
trigram index is on the column itself).

Revision ID: 0021_search3
Revises: 0020_casepage
Create Date: 2026-12-08

"""
from alembic import op

revision = "0021_search3"
down_revision = "0020_casepage"
branch_labels = None
depends_on = None

# This revision's own copies (the search index module may change later).
TRIGGERS = (
    "CREATE TRIGGER cases_fts_ai AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER cases_fts_ad AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER cases_fts_au AFTER UPDATE OF search_text ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
)
DROP = (
    "DROP TRIGGER IF EXISTS cases_fts_ai",
    "DROP TRIGGER IF EXISTS cases_fts_ad",
    "DROP TRIGGER IF EXISTS cases_fts_au",
    "DROP TABLE IF EXISTS cases_fts",
)
TABLE_FULL = (
    "CREATE VIRTUAL TABLE cases_fts USING fts5(search_text, content='cases', content_rowid='id', "
    "tokenize='trigram case_sensitive 1', detail='full', columnsize=0)"
)
TABLE_NONE = (
    "CREATE VIRTUAL TABLE cases_fts USING fts5(search_text, content='cases', content_rowid='id', "
    "tokenize='trigram', detail='none')"
)
REBUILD = "INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')"


def _recreate(table: str) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for statement in (*DROP, table, *TRIGGERS, REBUILD):
        op.execute(statement)


def upgrade():
    _recreate(TABLE_FULL)


def downgrade():
    _recreate(TABLE_NONE)
