"""Reply letters, in three parts.

- ``engine/``: the document engine (fill → DOCX→HTML → PDF/A-2b → PAdES signing primitives).
  Pure: no Flask, no database, no app config; a test guards its imports.
- drafting: templates, letters, versions, compare and downloads. Uses the database and the app
  config and turns rows into the engine's plain input (see the modules' docstrings).
- the approval workflow (``workflow*.py``): approvals, the signing step, sending, verification.

Services change state, write the audit entry and flush; the caller commits.
"""
