"""The administrators' template pages: list and upload versions, preview with demo data,
download, activate, store the shipped defaults. Registered on the ``letters`` blueprint by
``views`` (so the endpoints stay ``letters.templates`` and so on):

    GET/POST  /letter-templates                          list and upload templates
    GET       /letter-templates/<id>/preview             the template filled with demo data (PDF)
    GET       /letter-templates/<id>/docx                download a template version
    POST      /letter-templates/<id>/activate            use this version from now on
    POST      /letter-templates/load                     store the shipped defaults
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters import downloads
from parliament_tracker.letters import templates as letter_templates
from parliament_tracker.letters.engine.variables import KNOWN_VARIABLES
from parliament_tracker.letters.forms import TemplateUploadForm
from parliament_tracker.letters.models import LetterKind, LetterTemplate


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/letter-templates", "templates", templates, methods=["GET", "POST"])
    bp.add_url_rule("/letter-templates/<int:template_id>/preview", "template_preview", template_preview, methods=["GET"])
    bp.add_url_rule("/letter-templates/<int:template_id>/docx", "template_docx", template_docx, methods=["GET"])
    bp.add_url_rule("/letter-templates/<int:template_id>/activate", "template_activate", template_activate, methods=["POST"])
    bp.add_url_rule("/letter-templates/load", "templates_load", templates_load, methods=["POST"])


@permission_required("template.manage")
def templates():
    """Template versions per kind of letter; upload a new version."""
    form = TemplateUploadForm()

    def page(problems: list[str], status: int) -> Any:
        return render_template(
            "letters/templates.html",
            form=form,
            problems=problems,
            by_kind=letter_templates.templates_by_kind(),
            kinds=list(LetterKind),
            variables=KNOWN_VARIABLES,
        ), status

    def refused(exc: DomainError) -> Any:
        flash(exc.message, "error")
        return page(getattr(exc, "problems", []), 422)

    if request.method == "POST":
        if form.validate_on_submit():
            limit = current_app.config["LETTER_MAX_UPLOAD_BYTES"]
            data = form.file.data.read(limit + 1)
            edge.on_refusal(refused)
            template = letter_templates.upload_template(
                form.file.data.filename or "", LetterKind(form.kind.data), data, actor=edge.actor(), activate=form.activate.data
            )
            flash(_("Template version %(v)d uploaded.", v=template.version), "success")
            return redirect(url_for("letters.templates"))
        flash(_("Choose a kind of letter and a DOCX file."), "error")
        return page([], 422)
    return page([], 200)


@permission_required("template.manage")
def template_preview(template_id: int):
    """The template version filled with demo data, as PDF."""
    template = db.get_or_404(LetterTemplate, template_id)
    try:
        rendered = letter_templates.preview_template(template)
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("letters.templates"))
    return downloads.file_response(
        rendered.pdf, downloads.PDF_MIME, f"preview-{template.kind.value}-v{template.version}.pdf", inline=True
    )


@permission_required("template.manage")
def template_docx(template_id: int):
    """Download a template version."""
    template = db.get_or_404(LetterTemplate, template_id)
    return downloads.file_response(template.docx, downloads.DOCX_MIME, template.name)


@permission_required("template.manage")
def template_activate(template_id: int):
    """Use this template version for new letters of its kind."""
    template = db.get_or_404(LetterTemplate, template_id)
    letter_templates.activate_template(template, actor=edge.actor())
    flash(_("Template version %(v)d is now in use.", v=template.version), "success")
    return redirect(url_for("letters.templates"))


@permission_required("template.manage")
def templates_load():
    """Store the shipped default templates as version 1 where a kind has none."""
    created = letter_templates.load_shipped_templates(actor=edge.actor())
    flash(_("%(n)d shipped templates stored.", n=len(created)), "success")
    return redirect(url_for("letters.templates"))
