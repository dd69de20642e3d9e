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
