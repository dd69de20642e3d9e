"""What records registers at app creation (``factory.create_app``) with the hooks lower parts offer.

Here, not in the package's ``__init__``: that one stays empty, so importing any module of
records loads none of what these registrations need."""

from __future__ import annotations

from flask import Flask

from parliament_tracker.audit import describe
from parliament_tracker.cases.page_hooks import CasePagePart, register_case_page_part
from parliament_tracker.records import retention, views
from parliament_tracker.records.models import HoldReason


def init_app(app: Flask) -> None:
    """At app creation: the case page shows the Woo file button, the legal holds and the
    retention of the case (the cases pages' hook)."""
    describe.register_titles("hold_reason", HoldReason)
    register_case_page_part(app, CasePagePart("records", retention.case_page_rule_and_hold_rows, views.case_page_context))
