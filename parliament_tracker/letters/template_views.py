"""The administrators' template pages: list and upload versions, preview with demo data,
download, activate, store the shipped defaults. Registered on the ``letters`` blueprint by
``views`` (so the endpoints stay ``letters.templates`` and so on):

    GET/POST  /letter-templates                          list and upload templates
    GET       /letter-templates/<id>/preview             the template filled with demo data (PDF)
    GET       /letter-templates/<id>/docx                download a template version
    POST      /letter-templates/<id>/activate            use this version from now on
    POST      /letter-templates/load                     store the shipped defaults
    POST      /letter-templates/logo                     upload the ministry's logo (the logo slot)
    POST      /letter-templates/logo/reset               back to the templates' neutral logo
    GET       /letter-templates/logo.png                 the logo in use (uploaded)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters import downloads
from parliament_tracker.letters import templates as letter_templates
from parliament_tracker.letters.engine.variables import KNOWN_VARIABLES
from parliament_tracker.letters.forms import LogoUploadForm, TemplateUploadForm
from parliament_tracker.letters.models import LetterKind, LetterTemplate


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/letter-templates", "templates", templates, methods=["GET", "POST"])
    bp.add_url_rule("/letter-templates/<int:template_id>/preview", "template_preview", template_preview, methods=["GET"])
    bp.add_url_rule("/letter-templates/<int:template_id>/docx", "template_docx", template_docx, methods=["GET"])
    bp.add_url_rule("/letter-templates/<int:template_id>/activate", "template_activate", template_activate, methods=["POST"])
    bp.add_url_rule("/letter-templates/load", "templates_load", templates_load, methods=["POST"])
    bp.add_url_rule("/letter-templates/logo", "template_logo", template_logo, methods=["POST"])
    bp.add_url_rule("/letter-templates/logo/reset", "template_logo_reset", template_logo_reset, methods=["POST"])
    bp.add_url_rule("/letter-templates/logo.png", "template_logo_png", template_logo_png, methods=["GET"])


@permission_required("template.manage")
def templates():
    """Template versions per kind of letter; upload a new version."""
    form = TemplateUploadForm()
    return _page(form, LogoUploadForm(), [], [], 200) if request.method != "POST" else _upload_template(form)


def _page(form: TemplateUploadForm, logo_form: LogoUploadForm, problems: list[str], logo_problems: list[str],
          status: int) -> Any:
    return render_template(
        "letters/templates.html",
        form=form,
        logo_form=logo_form,
        logo=letter_templates.current_logo(),
        logo_problems=logo_problems,
        problems=problems,
        by_kind=letter_templates.templates_by_kind(),
        kinds=list(LetterKind),
        variables=KNOWN_VARIABLES,
    ), status


def _upload_template(form: TemplateUploadForm) -> Any:
    def refused(exc: DomainError) -> Any:
        flash(exc.message, "error")
        return _page(form, LogoUploadForm(formdata=None), getattr(exc, "problems", []), [], 422)

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
    return _page(form, LogoUploadForm(formdata=None), [], [], 422)


@permission_required("template.manage")
def template_logo():
    """Upload the ministry's logo: every letter generated from now on carries it in the logo slot."""
    logo_form = LogoUploadForm()

    def refused(exc: DomainError) -> Any:
        flash(exc.message, "error")
        return _page(TemplateUploadForm(formdata=None), logo_form, [], [exc.message], 422)

    if not logo_form.validate_on_submit():
        flash(_("Choose a PNG or JPEG file."), "error")
        return _page(TemplateUploadForm(formdata=None), logo_form, [], [], 422)
    data = logo_form.logo.data.read(letter_templates.MAX_LOGO_BYTES + 1)
    edge.on_refusal(refused)
    letter_templates.upload_logo(logo_form.logo.data.filename or "", data, actor=edge.actor())
    flash(_("Logo uploaded: new letters carry it."), "success")
    return redirect(url_for("letters.templates") + "#logo")


@permission_required("template.manage")
def template_logo_reset():
    """Back to the templates' own (neutral) logo."""
    if letter_templates.reset_logo(actor=edge.actor()):
        flash(_("New letters carry the templates' own logo again."), "success")
    return redirect(url_for("letters.templates") + "#logo")


@permission_required("template.manage")
def template_logo_png():
    """The uploaded logo in use."""
    logo = letter_templates.current_logo()
    if logo is None:
        abort(404)
    return downloads.file_response(logo.png, "image/png", "logo.png", inline=True)


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
