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

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """At app creation: register with the hooks lower parts offer (never at import time): the
    timeline names letter kinds, the dashboard lists the letters awaiting a user's approval,
    the case page and the API show a case's letters, and the OpenAPI document has the letters
    and approval APIs (after the cases API, whose Case they extend)."""
    from parliament_tracker.api import register_openapi
    from parliament_tracker.audit import describe
    from parliament_tracker.deadlines import presentation as deadline_pages
    from parliament_tracker.letters import api, api_docs, views
    from parliament_tracker.letters.approval import api as approval_api
    from parliament_tracker.letters.approval import api_docs as approval_api_docs
    from parliament_tracker.letters.approval import services as approval
    from parliament_tracker.letters.models import LetterKind

    describe.register_titles("letter_kind", LetterKind)
    deadline_pages.register_awaiting_list(app, approval.awaiting)
    api.init_app(app)
    approval_api.init_app(app)
    views.init_app(app)
    register_openapi(app, api_docs.openapi)
    register_openapi(app, approval_api_docs.openapi)
