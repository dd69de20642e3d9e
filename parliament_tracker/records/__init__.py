"""Records: the Woo file of a case or a search (``woo``, built in steps by a job for a search:
``exports``) and the records' life after closing (``retention``: the selectielijst, legal
holds, destruction lists, the minimal record of a destroyed case, transfer packages).

It sits high in the import order (above every feature whose documents it gathers) and
registers with the case page's hook at app creation.
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """At app creation: the case page shows the Woo file button, the legal holds and the
    retention of the case (the cases pages' hook)."""
    from parliament_tracker.audit import describe
    from parliament_tracker.cases.page_hooks import register_case_page_extender
    from parliament_tracker.records import views
    from parliament_tracker.records.models import HoldReason

    describe.register_titles("hold_reason", HoldReason)
    register_case_page_extender(app, views.case_page_context)
