"""Records pages: the Woo file of a case and of a search, legal holds, retention settings and
destruction lists. Thin: each view reads its input, calls one service and answers.

Routes:
    POST      /cases/<ref>/woo                    the case's Woo file (ZIP), at once
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _
from flask_login import current_user

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import references
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case
from parliament_tracker.downloads import content_disposition
from parliament_tracker.forms import int_arg
from parliament_tracker.records import woo

bp = Blueprint("records", __name__)


def _get_case(reference: str) -> Case:
    case = case_services.find_case(reference)
    if case is None:
        abort(404, _("No case with reference %(ref)s.", ref=references.normalise(reference)))
    return case


def case_page_context(case: Case) -> dict[str, Any]:
    """What the case page shows of records: the Woo file button (by permission)."""
    return {"records": {"may_export": current_user.is_authenticated and current_user.can("woo.export"),
                        "holds": [], "may_hold": False}}


def zip_response(filename: str, data: bytes) -> Response:
    response = Response(data, mimetype=woo.ZIP)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/cases/<reference>/woo")
@permission_required("woo.export")
def case_woo_file(reference: str):
    """The Woo file of one case and its linked cases, as one ZIP (the export is audited)."""
    case = _get_case(reference)
    edge.on_refusal_redirect(f"/cases/{case.reference}")
    woo_file = woo.case_file(case, actor=edge.actor(), depth=int_arg(request.form.get("depth")))
    return zip_response(woo_file.filename, woo_file.data)
