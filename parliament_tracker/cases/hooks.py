"""What cases registers at app creation (``factory.create_app``) with the hooks lower parts offer.

Here, not in the package's ``__init__``: that one stays empty, so importing any module of
cases loads none of what these registrations need."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import Flask

from parliament_tracker import reference_data
from parliament_tracker.api import register_openapi
from parliament_tracker.audit import describe
from parliament_tracker.audit import services as audit_services
from parliament_tracker.auth.models import User
from parliament_tracker.cases import api_docs, links
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.models import Case, LinkType
from parliament_tracker.cases.page_hooks import CasePagePart, register_case_page_extender, register_case_page_part
from parliament_tracker.cases.question_views import choices
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.organisation.models import Committee, Directorate, Party


def init_app(app: Flask) -> None:
    """At app creation: register with the hooks lower parts offer (never at import time): the
    timeline's titles for case statuses, kinds and link types, the page templates' titles, and
    the cases API's part of the OpenAPI document."""
    describe.register_titles("status", CaseStatus)
    describe.register_titles("kind", CaseKind)
    describe.register_titles("link_type", LinkType)
    register_openapi(app, api_docs.openapi)
    register_case_page_extender(app, choices)  # the per-question assignment form's choices
    # the timeline (audit entries) read with the other packages' parts of the page, one statement
    register_case_page_part(app, CasePagePart("timeline", _timeline_rows, _timeline))
    register_case_page_part(app, CasePagePart("links", links.case_page_link_rows, links.case_page_links, links.case_page_link_params))
    # the case list's filter choices are kept per worker under the reference stamp
    # (form_data.filter_options); of a user only what the drafter choice shows (not the last login)
    reference_data.watch(Directorate, Committee, Party)
    reference_data.watch_attributes(User, "role", "display_name")
    # the case page's assignment choices (question_views.choices): the drafters' directorate and state
    reference_data.watch_attributes(User, "directorate_id", "is_enabled")

    # lazy titles, translated where a page shows them: made once, not for every page
    titles = {"kind_titles": CaseKind.labels(), "status_titles": CaseStatus.labels()}

    @app.context_processor
    def case_titles() -> dict[str, Any]:
        return titles


def _timeline_rows() -> sa.Select[Any]:
    return audit_services.timeline_rows(Case, sa.bindparam("case_id"))


def _timeline(case: Case, rows: list[Any]) -> dict[str, Any]:
    return {"timeline": audit_services.timeline(rows)}
