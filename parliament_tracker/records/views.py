"""Records pages: the Woo file of a case and of a search, legal holds, retention settings and
destruction lists. Thin: each view reads its input, calls one service and answers.

Routes:
    POST      /cases/<ref>/woo                    the case's Woo file (ZIP), at once
    POST      /woo/exports                        the Woo file of a search (the case list's filters): queued
    GET       /woo/exports                        my Woo files of searches
    GET       /woo/exports/<id>                   one, with its progress (the page refreshes itself)
    GET       /woo/download/<token>               the ZIP, by the signed, time-limited link
    POST      /cases/<ref>/holds                  place a legal hold; POST /holds/<id>/lift lifts it
    GET       /retention                          the retention schedule and the destruction lists
    POST      /retention/rules                    set the schedule (administrators)
    GET       /retention/lists/<id>               one destruction list
    POST      /retention/items/<id>/decide        approve or remove an item (archivist)
    POST      /retention/lists/<id>/destroy       destroy the approved items (archivist)
    POST      /retention/lists/<id>/transfer      the transfer package of the approved items (archivist)
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import references
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case
from parliament_tracker.downloads import content_disposition
from parliament_tracker.extensions import db
from parliament_tracker.forms import int_arg
from parliament_tracker.records import exports, retention, woo
from parliament_tracker.records.models import (
    DestroyedRecord,
    DestructionItem,
    DestructionList,
    HoldReason,
    LegalHold,
    RetentionOutcome,
    WooExport,
    WooExportStatus,
)
from parliament_tracker.web import writes_on_get

bp = Blueprint("records", __name__)


def _get_case(reference: str) -> Case:
    case = case_services.find_case(reference)
    if case is None:
        abort(404, _("No case with reference %(ref)s.", ref=references.normalise(reference)))
    return case


def case_page_context(case: Case, rows: list[Any]) -> dict[str, Any]:
    """What the case page shows of records: the Woo file button (by permission), the active
    legal holds and the retention."""
    if not current_user.is_authenticated:
        return {}
    rule, holds = retention.rule_and_holds(case, rows)
    text = _("Retention: %(outcome)s %(years)d years after closing.", outcome=rule.outcome.label.lower(), years=rule.period_years)
    return {"records": {
        "may_export": current_user.can("woo.export"),
        "may_hold": current_user.can("retention.hold"),
        "holds": holds,
        "hold_reasons": HoldReason.choices(),
        "retention": text,
    }}


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
    edge.on_refusal_redirect(url_for("cases.show", reference=case.reference), 303)
    woo_file = woo.case_file(case, actor=edge.actor(), depth=int_arg(request.form.get("depth")))
    return zip_response(woo_file.filename, woo_file.data)


# -- the Woo file of a search ----------------------------------------------------------------------


@bp.post("/woo/exports")
@permission_required("woo.export")
def request_search_file():
    """Queue the Woo file of the case list's search; the job builds it, the page shows how far."""
    edge.on_refusal_redirect(url_for("cases.index") + "?" + urlencode(exports.clean_filters(request.form)), 303)
    export = exports.request_export(request.form, actor=edge.actor(), depth=int_arg(request.form.get("depth")))
    flash(_("The Woo file is being put together. You get a notification when it is ready."), "success")
    return redirect(url_for("records.export_page", export_id=export.id), 303)


@bp.get("/woo/exports")
@permission_required("woo.export")
def my_exports():
    query = db.select(WooExport).order_by(WooExport.id.desc()).limit(100)
    if not current_user.can("admin"):
        query = query.where(WooExport.requested_by_id == current_user.id)
    return render_template("records/exports.html", items=db.session.scalars(query).all())


def _export(export_id: int) -> WooExport:
    export = db.get_or_404(WooExport, export_id)
    if not exports.visible_to(export, current_user):
        abort(404)
    return export


@bp.get("/woo/exports/<int:export_id>")
@permission_required("woo.export")
def export_page(export_id: int):
    """The progress of a Woo file of a search and, when ready, its download link."""
    export = _export(export_id)
    link = url_for("records.download", token=exports.download_token(export)) if export.status == WooExportStatus.ready else None
    unfinished = export.status in (WooExportStatus.queued, WooExportStatus.running)
    return render_template("records/export.html", export=export, link=link, unfinished=unfinished,
                           percent=int(100 * export.done / export.total) if export.total else 0)


@bp.get("/woo/download/<token>")
@permission_required("woo.export")
@writes_on_get
def download(token: str):
    """The ZIP of a ready Woo file, by its signed link (the requester's, while it lasts)."""
    edge.on_refusal(lambda exc: (render_template("records/link_refused.html", message=exc.message), exc.status))
    export = exports.from_token(token, current_user)
    data = exports.downloaded(export, actor=edge.actor())
    return zip_response(f"woo-zoekopdracht-{export.id}.zip", data)


# -- legal holds ----------------------------------------------------------------------------------


@bp.post("/cases/<reference>/holds")
@permission_required("retention.hold")
def place_hold(reference: str):
    case = _get_case(reference)
    edge.on_refusal_redirect(url_for("cases.show", reference=case.reference) + "#records", 303, with_fields=True)
    retention.place_hold(case, request.form.get("reason"), request.form.get("note", ""), actor=edge.actor())
    flash(_("Legal hold placed: the case will not be destroyed until it is lifted."), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#records", 303)


@bp.post("/holds/<int:hold_id>/lift")
@permission_required("retention.hold")
def lift_hold(hold_id: int):
    hold = db.get_or_404(LegalHold, hold_id)
    target = url_for("cases.show", reference=hold.case.reference) + "#records"
    edge.on_refusal_redirect(target, 303)
    retention.lift_hold(hold, actor=edge.actor())
    flash(_("Legal hold lifted."), "success")
    return redirect(target, 303)


# -- retention ------------------------------------------------------------------------------------


@bp.get("/retention")
@permission_required("retention.view")
def retention_index():
    lists = db.session.scalars(db.select(DestructionList).order_by(DestructionList.id.desc()).limit(50)).all()
    destroyed = db.session.scalars(db.select(DestroyedRecord).order_by(DestroyedRecord.id.desc()).limit(200)).all()
    return render_template("records/retention.html", rules=retention.rules(), lists=lists, destroyed=destroyed,
                           outcomes=RetentionOutcome.choices(), errors={}, typed={})


@bp.post("/retention/rules")
@permission_required("retention.settings")
def save_rules():
    def refused(exc: Any) -> Any:
        lists = db.session.scalars(db.select(DestructionList).order_by(DestructionList.id.desc()).limit(50)).all()
        return render_template("records/retention.html", rules=retention.rules(), lists=lists, destroyed=[],
                               outcomes=RetentionOutcome.choices(), errors=exc.errors, typed=request.form), exc.status

    edge.on_refusal(refused)
    for kind in retention.rules():
        retention.set_rule(kind, request.form.get(f"years_{kind.value}", ""), request.form.get(f"outcome_{kind.value}"),
                           actor=edge.actor())
    flash(_("Retention schedule saved."), "success")
    return redirect(url_for("records.retention_index"), 303)


@bp.get("/retention/lists/<int:list_id>")
@permission_required("retention.view")
def list_page(list_id: int):
    proposal = db.get_or_404(DestructionList, list_id)
    return render_template("records/list.html", proposal=proposal)


@bp.post("/retention/items/<int:item_id>/decide")
@permission_required("retention.decide")
def decide(item_id: int):
    item = db.get_or_404(DestructionItem, item_id)
    target = url_for("records.list_page", list_id=item.list_id)
    edge.on_refusal_redirect(target, 303)
    approve = request.form.get("decision") == "approve"
    if request.form.get("decision") not in ("approve", "remove"):
        abort(400)
    retention.decide(item, approve, request.form.get("note", ""), actor=edge.actor())
    return redirect(target, 303)


@bp.post("/retention/lists/<int:list_id>/destroy")
@permission_required("retention.decide")
def destroy(list_id: int):
    proposal = db.get_or_404(DestructionList, list_id)
    target = url_for("records.list_page", list_id=proposal.id)
    edge.on_refusal_redirect(target, 303)
    kept = retention.destroy_approved(proposal, actor=edge.actor())
    flash(_("%(n)d cases destroyed; their minimal records are kept.", n=len(kept)), "success")
    return redirect(target, 303)


@bp.post("/retention/lists/<int:list_id>/transfer")
@permission_required("retention.decide")
def transfer(list_id: int):
    proposal = db.get_or_404(DestructionList, list_id)
    edge.on_refusal_redirect(url_for("records.list_page", list_id=proposal.id), 303)
    filename, data = retention.transfer_package(proposal, actor=edge.actor())
    return zip_response(filename, data)
