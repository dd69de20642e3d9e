"""Earlier answers and standard lines at the drafter's hand (issue 15).

- ``text``: Dutch tokens and Snowball stems (pure), the same at index and query time.
- ``models``: the index of sent answers (one row per question of a sent letter) and the
  standard lines (standaardteksten) with their versions.
- ``fts``: SQLite's FTS5 table over the stemmed text (PostgreSQL: a ``dutch`` tsvector column).
- ``indexing``: a sent letter's answers into the index (the letter workflow's
  ``letter_status_changed`` signal), ``reindex`` for the backfill.
- ``ranking`` (pure) on top of ``search`` (the database's candidates).
- ``standard_lines``: create, change (versioned, audited), search.
- ``services``: "use" an earlier answer or a line in a letter (its source in the letter's
  history), related cases.
- the web side: ``views`` (the letter's answer fields, the search page, the case page's related
  cases, the standard lines pages), ``api`` and ``api_docs``.

Nothing here commits: the edge does.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """At app creation: the letter's answer fields get proposals (the letters hook), the case
    page shows related cases (the cases hook), the timeline names the new actions, and the
    OpenAPI document has the answers API."""
    from parliament_tracker.answers import api, api_docs, views

    views.init_app(app)
    api.init_app(app)
    from parliament_tracker.api import register_openapi

    register_openapi(app, api_docs.openapi)


def register_receivers() -> None:
    """A sent letter's answers are indexed in the sender's unit of work."""
    from parliament_tracker.answers import indexing

    indexing.connect()
