"""What hangs on a case, from its page: links to other cases and attachments.

Routes:
    POST  /cases/<ref>/links                   add a link                        case.link
    POST  /cases/<ref>/links/remove            remove one                        case.link
    POST  /cases/<ref>/attachments             attach a PDF/DOCX                 case.attach
    GET   /cases/<ref>/attachments/<id>        download it                       case.view
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import links, services
from parliament_tracker.cases.forms import AttachmentForm, LinkForm
from parliament_tracker.cases.models import Attachment, Case, LinkType
from parliament_tracker.cases.views import _case_page, _get_case, _on_case_page
from parliament_tracker.downloads import content_disposition
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db

bp = Blueprint("case_related", __name__)


@bp.post("/cases/<reference>/links")
@permission_required("case.link")
def add_link(reference: str):
    """Link this case to another by reference."""
    case = _get_case(reference)
    form = LinkForm()
    if not form.validate_on_submit():
        return _refused_on_case_page(case, form, 422, link_form=form)

    def refused(exc: DomainError) -> Any:
        _field_errors(form, exc, default="reference")
        return _refused_on_case_page(case, form, exc.status, link_form=form)

    edge.on_refusal(refused)
    links.add_link(case, form.reference.data, LinkType(form.link_type.data), actor=edge.actor())
    flash(_("Link added."), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#links")


def _field_errors(form: Any, exc: DomainError, *, default: str) -> None:
    """Put a refusal's messages under the fields they name (the whole message under ``default``)."""
    placed = False
    for name, message in exc.errors.items():
        target = getattr(form, name, None)
        if target is not None and hasattr(target, "errors"):
            target.errors = [*list(target.errors or []), message]
            placed = True
    if not placed:
        target = getattr(form, default)
        target.errors = [*list(target.errors or []), exc.message]


def _refused_on_case_page(case: Case, form: Any, status: int, **forms: Any) -> Any:
    """The case page again with the refused form's input, its errors under the fields and the
    focus (autofocus, which also scrolls there) on the first field in error."""
    for f in form:
        if f.errors and f.type != "CSRFTokenField":
            f.render_kw = {**(f.render_kw or {}), "autofocus": True}
            break
    else:
        if form.errors.get("csrf_token"):
            flash(" ".join(form.errors["csrf_token"]), "error")
    return _case_page(case, **forms), status


@bp.post("/cases/<reference>/links/remove")
@permission_required("case.link")
def remove_link(reference: str):
    """Remove the link with another case."""
    case = _get_case(reference)
    return _on_case_page(
        case,
        "#links",
        lambda: links.remove_link(case, request.form.get("reference", ""), actor=edge.actor()),
        lambda: _("Link removed."),
    )


@bp.post("/cases/<reference>/attachments")
@permission_required("case.attach")
def add_attachment(reference: str):
    """Attach an incoming PDF or DOCX."""
    case = _get_case(reference)
    form = AttachmentForm()
    if not form.validate_on_submit():
        return _refused_on_case_page(case, form, 422, attachment_form=form)
    upload = form.file.data
    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = upload.read(max_bytes + 1)

    def refused(exc: DomainError) -> Any:
        _field_errors(form, exc, default="file")
        return _refused_on_case_page(case, form, exc.status, attachment_form=form)

    edge.on_refusal(refused)
    services.add_attachment(case, upload.filename or "", data, max_bytes=max_bytes, actor=edge.actor())
    flash(_("File attached."), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#attachments")


@bp.get("/cases/<reference>/attachments/<int:attachment_id>")
@permission_required("case.view")
def download_attachment(reference: str, attachment_id: int):
    """Download an attachment."""
    case = _get_case(reference)
    attachment = db.get_or_404(Attachment, attachment_id)
    if attachment.case_id != case.id:
        abort(404)
    return Response(
        attachment.content,
        mimetype=attachment.content_type,
        headers={"Content-Disposition": content_disposition(attachment.filename, default="bijlage")},
    )
