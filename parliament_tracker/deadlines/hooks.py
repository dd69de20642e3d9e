"""What deadlines registers at app creation (``factory.create_app``) with the hooks lower parts offer.

Here, not in the package's ``__init__``: that one stays empty, so importing any module of
deadlines loads none of what these registrations need."""

from __future__ import annotations

from flask import Flask

from parliament_tracker import reference_data
from parliament_tracker.api import register_openapi
from parliament_tracker.audit import describe
from parliament_tracker.cases import follower, page_hooks
from parliament_tracker.deadlines import api, api_docs, presentation, services
from parliament_tracker.deadlines.models import DeadlineSetting, Event, NonWorkingDay
from parliament_tracker.deadlines.rules import DeadlineKind


def init_app(app: Flask) -> None:
    """At app creation: register with the hooks lower parts offer (never at import time): the
    deadlines follow a case's edits and status changes, the case list shows their risk, the
    timeline names deadline kinds, and the OpenAPI document has the deadlines API (after
    the cases API, whose Case it extends)."""
    describe.register_titles("deadline_kind", DeadlineKind)
    # the rule context (days off, settings, recesses) is kept per worker under the reference stamp
    reference_data.watch(NonWorkingDay, DeadlineSetting, Event)
    follower.register(services)
    page_hooks.register_deadline_hooks(
        app, page_hooks.DeadlineHooks(risk_judge=presentation.risk_judge, anchorable_events=services.anchorable_events)
    )
    api.init_app(app)
    register_openapi(app, api_docs.openapi)
    # ``{{ d.explanation|explain }}``: the engine's Dutch explanation in the page's language
    app.add_template_filter(presentation.explain, "explain")
