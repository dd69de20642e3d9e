"""What answers registers at app creation (``factory.create_app``) with the hooks lower parts offer.

Here, not in the package's ``__init__``: that one stays empty, so importing any module of
answers loads none of what these registrations need."""

from __future__ import annotations

from flask import Flask

from parliament_tracker.answers import api, api_docs, indexing, views
from parliament_tracker.api import register_openapi


def init_app(app: Flask) -> None:
    """At app creation: the letter's answer fields get proposals (the letters hook), the case
    page shows related cases (the cases hook), the timeline names the new actions, and the
    OpenAPI document has the answers API."""
    views.init_app(app)
    api.init_app(app)
    register_openapi(app, api_docs.openapi)


def register_receivers() -> None:
    """A sent letter's answers are indexed in the sender's unit of work."""
    indexing.connect()
