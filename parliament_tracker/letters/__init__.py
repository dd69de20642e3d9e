"""Reply letters, in three parts.

- ``engine/``: the document engine (fill → DOCX→HTML → PDF/A-2b, and the PAdES signing
  primitives). Pure: no Flask, no database, no app config; a test guards its imports.
- drafting: ``templates`` (template versions), ``services`` (start and edit a letter),
  ``versions`` (generated and uploaded versions with their SHA-256, compare), ``downloads``
  (the one way letter bytes are handed out, page and API), ``rendering`` (rows and app config →
  the engine's input), ``errors``, ``messages`` (the engine's refusals in the reader's
  language), and the web side: ``forms``, ``views``, ``template_views``, ``api``.
- ``approval/``: the approval workflow (its transition table, approvals, the signing step,
  sending, withdrawing, verification); the cases a letter answers follow it.

Services change state, write the audit entry and flush; the caller commits.
"""
