"""Incoming parliamentary items: model, reference numbers, links, search, views and API."""

from __future__ import annotations

from typing import Any

from flask import Flask


def init_app(app: Flask) -> None:
    """At app creation: register with the hooks lower parts offer (never at import time): the
    timeline's titles for case statuses, kinds and link types, and the page templates' titles."""
    from parliament_tracker.audit import describe
    from parliament_tracker.cases.kinds import CaseKind
    from parliament_tracker.cases.models import LinkType
    from parliament_tracker.cases.workflow import CaseStatus

    describe.register_titles("status", CaseStatus)
    describe.register_titles("kind", CaseKind)
    describe.register_titles("link_type", LinkType)

    @app.context_processor
    def case_titles() -> dict[str, Any]:
        return {"kind_titles": CaseKind.labels(), "status_titles": CaseStatus.labels()}
