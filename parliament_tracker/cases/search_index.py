"""SQLite's search index: an FTS5 trigram table over ``cases.search_text``, kept by triggers.

PostgreSQL uses a pg_trgm GIN index on the column itself (see the Case model); SQLite has no
such index type, and a LIKE '%word%' scan reads every case (≈250 ms at 100,000 cases). The FTS5
trigram tokenizer answers the same LIKE patterns from an index. It is an external-content
table, so the text is stored once, in ``cases``.
"""

from __future__ import annotations

import sqlalchemy as sa

#: the FTS5 table as a lightweight selectable (not part of the ORM metadata)
cases_fts = sa.table("cases_fts", sa.column("rowid", sa.Integer), sa.column("search_text", sa.Text))

CREATE_STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5("
    "search_text, content='cases', content_rowid='id', tokenize='trigram', detail='none')",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_ai AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_ad AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_au AFTER UPDATE OF search_text ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    # Index what is already there (a no-op on an empty table).
    "INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')",
)
DROP_STATEMENTS = (
    "DROP TRIGGER IF EXISTS cases_fts_ai",
    "DROP TRIGGER IF EXISTS cases_fts_ad",
    "DROP TRIGGER IF EXISTS cases_fts_au",
    "DROP TABLE IF EXISTS cases_fts",
)

#: FTS5 trigram needs at least three characters, and LIKE wildcards in a term are not indexed
MIN_TERM_LENGTH = 3


def indexable(terms: list[str]) -> bool:
    return bool(terms) and all(len(t) >= MIN_TERM_LENGTH and not any(ch in t for ch in "%_\\") for t in terms)


def is_shadow_table(name: str | None) -> bool:
    """FTS5 tables (``cases_fts``, the answers' ``answer_index_fts``: every ``*_fts``) and the
    shadow tables FTS5 keeps their data in; schema comparisons must leave them alone."""
    return name is not None and (name.endswith("_fts") or "_fts_" in name)


def install(target: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in CREATE_STATEMENTS:
            connection.exec_driver_sql(statement)


def uninstall(target: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP_STATEMENTS:
            connection.exec_driver_sql(statement)
