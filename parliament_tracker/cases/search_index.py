"""SQLite's search index: an FTS5 trigram table over ``cases.search_text``, kept by triggers.

PostgreSQL uses a pg_trgm GIN index on the column itself (see the Case model); SQLite has no
such index type, and a LIKE '%word%' scan reads every case (≈250 ms at 100,000 cases). The FTS5
trigram tokenizer finds a word of three or more characters as a phrase of its trigrams
(``match_query``). It is an external-content table, so the text is stored once, in ``cases``.

``detail='full'`` keeps each trigram's positions, so FTS5 confirms the phrase from the index
alone; with ``detail='none'`` (until 0021_search3) a match had to be confirmed by reading
every candidate's text from ``cases`` (2.5-2.9 ms to count 1,001 cases with "politie" at
100,000, against 0.3-0.6 ms now), at 4x the index's size (23 -> 99 MB at 100,000 cases) and
0.3 -> 0.5-0.8 ms per changed text. ``case_sensitive 1``: ``search_text`` and the search
words are both lower-cased in Python, so the index compares them as they are, exactly as
Python's ``in`` does (FTS5's own case folding would also equate e.g. "ſ" with "s").
``columnsize=0``: nothing ranks matches, so no per-row sizes are kept.
"""

from __future__ import annotations

import sqlalchemy as sa

#: the FTS5 table as a lightweight selectable (not part of the ORM metadata)
cases_fts = sa.table("cases_fts", sa.column("rowid", sa.Integer), sa.column("search_text", sa.Text))

CREATE_STATEMENTS = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5("
    "search_text, content='cases', content_rowid='id', tokenize='trigram case_sensitive 1', "
    "detail='full', columnsize=0)",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_ai AFTER INSERT ON cases BEGIN "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_ad AFTER DELETE ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS cases_fts_au AFTER UPDATE OF search_text ON cases BEGIN "
    "INSERT INTO cases_fts(cases_fts, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO cases_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    # Index what is already there (a no-op on an empty table).
    REBUILD := "INSERT INTO cases_fts(cases_fts) VALUES ('rebuild')",
)
DROP_STATEMENTS = (
    "DROP TRIGGER IF EXISTS cases_fts_ai",
    "DROP TRIGGER IF EXISTS cases_fts_ad",
    "DROP TRIGGER IF EXISTS cases_fts_au",
    "DROP TABLE IF EXISTS cases_fts",
)

#: an FTS5 trigram is three characters: shorter words cannot be found through the index
MIN_TERM_LENGTH = 3


def indexable(term: str) -> bool:
    """Whether a search word can be found through the index (``match_query``)."""
    return len(term) >= MIN_TERM_LENGTH and "\x00" not in term


def match_query(terms: list[str]) -> str:
    """The FTS5 query that finds the cases whose text contains every one of ``terms``: each
    word a quoted phrase (a quote in it doubled), so no character in it is an operator, and a
    phrase of trigrams in consecutive positions is the word as a substring."""
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def is_shadow_table(name: str | None) -> bool:
    """FTS5 tables (``cases_fts``, the answers' ``answer_index_fts``: every ``*_fts``) and the
    shadow tables FTS5 keeps their data in; schema comparisons must leave them alone."""
    return name is not None and (name.endswith("_fts") or "_fts_" in name)


def install(target: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in CREATE_STATEMENTS:
            connection.exec_driver_sql(statement)


def ensure(connection: sa.Connection) -> None:
    """After migrations (migrations/env.py): the table and its triggers exist, since a SQLite
    batch migration that rebuilds ``cases`` drops its triggers with it. The index is rebuilt
    only when the table had to be made: a rebuild reads every case (5.7 s of CPU at 100,000),
    and an upgrade with nothing to do must not cost that."""
    existed = connection.exec_driver_sql(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'cases_fts'"
    ).first() is not None
    for statement in CREATE_STATEMENTS:
        if not (existed and statement == REBUILD):
            connection.exec_driver_sql(statement)


def uninstall(target: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP_STATEMENTS:
            connection.exec_driver_sql(statement)
