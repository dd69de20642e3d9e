"""SQLite's answer index: an FTS5 table of Snowball stems, written by ``indexing``.

PostgreSQL stems with its own ``dutch`` configuration into ``answer_index.search_vector`` (a
GIN index). SQLite has no Dutch stemmer, so the text is stemmed in Python (``text.stemmed``)
and FTS5 holds the stems: the question in one column, the answer in the other (bm25 weighs
them). The rowid is ``answer_index.id``; the table is kept by the indexing service, not by
triggers (a trigger cannot stem).
"""

from __future__ import annotations

import sqlalchemy as sa

TABLE = "answer_index_fts"

answer_fts = sa.table(TABLE, sa.column("rowid", sa.Integer), sa.column("question", sa.Text), sa.column("answer", sa.Text))

CREATE_STATEMENTS = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TABLE} USING fts5(question, answer, tokenize='unicode61 remove_diacritics 2')",
)
DROP_STATEMENTS = (f"DROP TABLE IF EXISTS {TABLE}",)


def install(target: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in CREATE_STATEMENTS:
            connection.exec_driver_sql(statement)


def uninstall(target: sa.Table, connection: sa.Connection, **_kw: object) -> None:
    if connection.dialect.name == "sqlite":
        for statement in DROP_STATEMENTS:
            connection.exec_driver_sql(statement)
