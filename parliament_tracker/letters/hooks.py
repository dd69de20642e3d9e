"""What letters registers at app creation (``factory.create_app``) with the hooks lower parts offer.

Here, not in the package's ``__init__``: that one stays empty, so importing any module of
letters loads none of what these registrations need."""

from __future__ import annotations

from flask import Flask

from parliament_tracker.api import register_openapi
from parliament_tracker.audit import describe
from parliament_tracker.deadlines import presentation as deadline_pages
from parliament_tracker.letters import api, api_docs, rendering, views
from parliament_tracker.letters.approval import api as approval_api
from parliament_tracker.letters.approval import api_docs as approval_api_docs
from parliament_tracker.letters.approval import services as approval
from parliament_tracker.letters.models import LetterKind


def init_app(app: Flask) -> None:
    """At app creation: register with the hooks lower parts offer (never at import time): the
    timeline names letter kinds, the dashboard lists the letters awaiting a user's approval,
    the case page and the API show a case's letters, and the OpenAPI document has the letters
    and approval APIs (after the cases API, whose Case they extend); a served app starts its
    render workers before the first letter."""
    describe.register_titles("letter_kind", LetterKind)
    deadline_pages.register_awaiting_list(app, approval.awaiting)
    api.init_app(app)
    approval_api.init_app(app)
    views.init_app(app)
    register_openapi(app, api_docs.openapi)
    register_openapi(app, approval_api_docs.openapi)
    if not app.testing:  # a served app's render workers start with its first request, not its first letter
        app.before_request(rendering.start_render_pool)
