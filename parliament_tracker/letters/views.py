"""Letter pages: start from a case, edit, generate, preview, download, upload, versions, compare.

Routes:
    GET/POST  /cases/<ref>/letters/new                   start a letter from the case (and others)
    POST      /cases/<ref>/postponement                  one click: the postponement notice, generated
    GET       /letters                                   all letters (?mine=1: the ones I started)
    GET       /letters/<id>                              the letter: preview, downloads, versions
    GET/POST  /letters/<id>/edit                         edit the draft (optimistic locking)
    POST      /letters/<id>/generate                     make a new version from the draft
    POST      /letters/<id>/upload                       upload a DOCX edited in Word
    GET       /letters/<id>/versions/<n>/docx|pdf        download (pdf?inline=1 for the preview)
    GET       /letters/<id>/compare?a=1&b=2              compare two versions as text

The administrators' template pages (``/letter-templates``...) are in ``template_views`` and
registered on this blueprint.

A single letter renders inline in the request (~0.2–0.3 s with WeasyPrint warm).
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from parliament_tracker import edge
from parliament_tracker.audit.services import entries_for
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import references
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.page_hooks import CasePagePart, register_case_page_part
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters import answer_assist, downloads, rendering, services, template_views, versions
from parliament_tracker.letters.approval.views import workflow_context
from parliament_tracker.letters.engine import markup
from parliament_tracker.letters.forms import (
    MARKUP_HELP,
    LetterForm,
    PostponementForm,
    StartLetterForm,
    UploadForm,
    answer_rows,
    answers_from_form,
)
from parliament_tracker.letters.models import Letter, LetterKind, LetterStatus, LetterVersion
from parliament_tracker.organisation.models import Signatory

bp = Blueprint("letters", __name__)
template_views.register(bp)


def case_page_context(case: Case, rows: list[Any]) -> dict[str, Any]:
    """The case page's letters section: the case's letters (each with its latest version's
    number) and the postponement form."""
    return {"letters": services.letters_on_case_page(rows), "postponement_form": PostponementForm()}


def init_app(app: Flask) -> None:
    """At app creation: the case page shows the case's letters (a part of the cases pages' hook)."""
    register_case_page_part(app, CasePagePart("letters", services.case_page_letter_rows, case_page_context))



def _get_case(reference: str) -> Case:
    case = case_services.find_case(reference)
    if case is None:
        abort(404, _("No case with reference %(ref)s.", ref=references.normalise(reference)))
    return case


def _refuse_non_draft(letter: Letter):
    """Editing and generating need a draft: a signed or sent letter gets a 409, one in review
    goes back to its page with a message. Returns the response to send, or None to go on."""
    _refuse_locked(letter)
    if letter.status != LetterStatus.draft:
        flash(_("Only draft letters can be changed."), "error")
        return redirect(url_for("letters.show", letter_id=letter.id))
    return None


def _get_version(letter: Letter, number: int) -> LetterVersion:
    version = versions.get_version(letter, number)
    if version is None:
        abort(404)
    return version


def _refuse_locked(letter: Letter) -> None:
    """A signed or sent letter is final: edits, generation and uploads get a 409 with the reason."""
    try:
        services.ensure_unlocked(letter)
    except services.LetterLocked as exc:
        abort(409, exc.message)


def _cases_from(text: str | None) -> tuple[list[Case], str | None]:
    found: list[Case] = []
    for token in re.split(r"[\s,;]+", text or ""):
        if not token:
            continue
        case = case_services.find_case(token)
        if case is None:
            return [], _("No case with reference %(ref)s.", ref=references.normalise(token))
        found.append(case)
    return found, None


def _show_errors(form: Any, exc: DomainError) -> None:
    """A refused change: each message under its field (when the form has it), the summary flashed."""
    for name, message in exc.errors.items():
        target = getattr(form, name, None)
        if target is not None:
            target.errors = [*list(target.errors or []), message]
    flash(exc.message, "error")


# --------------------------------------------------------------------------- start


@bp.route("/cases/<reference>/letters/new", methods=["GET", "POST"])
@permission_required("letter.draft")
def new(reference: str):
    """Start a letter from this case (and, optionally, others), prefilled from them."""
    case = _get_case(reference)
    form = StartLetterForm()
    if request.method == "GET":
        kind = request.args.get("kind")
        if kind in LetterKind.__members__:
            form.kind.data = kind
        else:
            form.kind.data = (
                LetterKind.answers if case.kind == CaseKind.written_questions else LetterKind.kamerbrief
            ).value
        if request.args.get("mentions"):
            form.mentions.data = request.args["mentions"]
    if form.validate_on_submit():
        others, error = _cases_from(form.also_answers.data)
        if error:
            form.also_answers.errors = [error]
        mentions, error2 = _cases_from(form.mentions.data)
        if error2:
            form.mentions.errors = [error2]
        if not error and not error2:

            def refused(exc: DomainError) -> Any:
                _show_errors(form, exc)
                return render_template("letters/new.html", form=form, case=case), 422

            edge.on_refusal(refused)
            letter = services.start_letter([case, *others], LetterKind(form.kind.data), actor=edge.actor(), mentions=mentions)
            flash(_("Letter started. Write the text and generate the letter."), "success")
            return redirect(url_for("letters.edit", letter_id=letter.id))
    status = 422 if request.method == "POST" else 200
    return render_template("letters/new.html", form=form, case=case), status


@bp.post("/cases/<reference>/letters/postponement-notice")
@permission_required("letter.draft")
def postpone(reference: str):
    """Prepare the postponement notice for written questions in one step, with its reason."""
    case = _get_case(reference)
    form = PostponementForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for the postponement."), "error")
        return redirect(url_for("cases.show", reference=case.reference) + "#letters")
    edge.on_refusal_redirect(url_for("cases.show", reference=case.reference) + "#letters")
    letter = services.prepare_postponement(case, form.reason.data, actor=edge.actor())
    flash(_("Postponement notice prepared."), "success")
    return redirect(url_for("letters.show", letter_id=letter.id))


# --------------------------------------------------------------------------- the letter


@bp.get("/letters")
@permission_required("letter.view")
def index():
    """All letters, newest first (``?mine=1``: the ones I started)."""
    query = db.select(Letter).order_by(Letter.updated_at.desc(), Letter.id.desc()).limit(200)
    mine = request.args.get("mine") == "1"
    if mine:
        query = query.where(Letter.created_by_id == current_user.id)
    letters = db.session.scalars(query).all()
    return render_template("letters/index.html", letters=letters, mine=mine)


@bp.get("/letters/<int:letter_id>")
@permission_required("letter.view")
def show(letter_id: int):
    """The letter: PDF preview of the latest version, downloads, versions and compare."""
    letter = db.get_or_404(Letter, letter_id)
    versions = list(reversed(letter.versions))
    return render_template(
        "letters/show.html",
        letter=letter,
        versions=versions,
        latest=letter.latest_version,
        upload_form=UploadForm(),
        timeline=entries_for(letter),
        answered=rendering.answered_cases(letter),
        mentioned=rendering.mentioned_cases(letter),
        max_upload_kb=current_app.config["LETTER_MAX_UPLOAD_BYTES"] // 1024,
        wf=workflow_context(letter),
    )


def _signatory_choices(form: LetterForm) -> None:
    form.signatory_id.choices = [(None, "—")] + [
        (s.id, s.label)
        for s in db.session.scalars(db.select(Signatory).where(Signatory.is_active).order_by(Signatory.office_title))
    ]


def _expected_version(form: LetterForm) -> int:
    """The version the editor started from (optimistic locking); garbage counts as stale."""
    try:
        return int(form.version.data or 0)
    except ValueError:
        return 0


def _letter_input(form: LetterForm, letter: Letter, answers: list[dict[str, Any]] | None) -> services.LetterInput:
    """The edit form's fields as the service's input (the dates and the signatory may be cleared)."""
    return services.LetterInput(
        subject=form.subject.data,
        letter_date=form.letter_date.data,
        our_reference=form.our_reference.data or "",
        your_reference=form.your_reference.data or "",
        your_letter_date=form.your_letter_date.data,
        addressee=form.addressee.data,
        body=form.body.data or "",
        signatory=db.session.get(Signatory, form.signatory_id.data) if form.signatory_id.data else None,
        answers=answers,
        postponement_reason=form.postponement_reason.data if letter.kind == LetterKind.postponement_notice else None,
    )


@bp.route("/letters/<int:letter_id>/edit", methods=["GET", "POST"])
@permission_required("letter.draft")
def edit(letter_id: int):
    """Edit the draft: letter blocks, the text, and one answer per question for written questions."""
    letter = db.get_or_404(Letter, letter_id)
    if (refused := _refuse_non_draft(letter)) is not None:
        return refused
    form = LetterForm(obj=letter if request.method == "GET" else None)
    _signatory_choices(form)
    if request.method == "GET":
        form.signatory_id.data = letter.signatory_id
        form.body.data = markup.from_blocks(letter.body or [])
        form.version.data = str(letter.version)
    rows = answer_rows(letter, request.form if request.method == "POST" else None)
    if form.validate_on_submit():
        numbers = [r["number"] for r in rows]
        answers, answer_errors = answers_from_form(request.form, numbers) if rows else (None, {})
        expected = _expected_version(form)
        data = _letter_input(form, letter, answers)

        def refused(exc: DomainError) -> Any:
            # after the rollback ``letter`` reads what is stored now
            if isinstance(exc, services.StaleLetter):
                flash(exc.message, "error")
                form.version.data = str(letter.version)
                return _edit_page(form, letter, rows, {}, stale=True), 409
            _show_errors(form, exc)
            return _edit_page(form, letter, rows, exc.errors), 422

        edge.on_refusal(refused)
        if answer_errors:
            raise DomainError(_("The letter could not be saved. Check the fields marked below."), answer_errors)
        services.update_letter(letter, data, expected_version=expected, actor=edge.actor())
        answer_assist.saved(letter, request.form, edge.actor())
        if "generate" in request.form:
            return _generate_after_save(letter)
        flash(_("Changes saved."), "success")
        return redirect(url_for("letters.edit", letter_id=letter.id))
    status = 422 if request.method == "POST" else 200
    if status == 422:
        flash(_("The letter could not be saved. Check the fields marked below."), "error")
    return _edit_page(form, letter, rows, {}), status


def _edit_page(form: LetterForm, letter: Letter, rows: list[dict[str, Any]], answer_errors: dict[str, str], stale: bool = False) -> str:
    """The editor, with what the answer helper (if one is registered) shows under each field."""
    assist, after_form = answer_assist.render(letter, rows)
    return render_template(
        "letters/edit.html", form=form, letter=letter, rows=rows, answer_errors=answer_errors, help=MARKUP_HELP,
        stale=stale, assist=assist, after_form=after_form,
    )


def _generate_after_save(letter: Letter) -> Any:
    """The "save and generate" button: the edits are kept even when the template cannot be filled."""
    try:
        # A savepoint: if the template cannot be filled, the edits are still kept.
        with db.session.begin_nested():
            version = versions.generate_version(letter, actor=edge.actor())
    except DomainError as exc:
        flash(_("Changes saved, but the letter could not be generated."), "warning")
        flash(exc.message, "error")
        return redirect(url_for("letters.edit", letter_id=letter.id))
    flash(_("Saved, and version %(n)d generated.", n=version.number), "success")
    return redirect(url_for("letters.show", letter_id=letter.id) + "#preview")


@bp.post("/letters/<int:letter_id>/generate")
@permission_required("letter.draft")
def generate(letter_id: int):
    """Fill the active template with the draft and keep the DOCX and PDF/A as a new version."""
    letter = db.get_or_404(Letter, letter_id)
    if (refused := _refuse_non_draft(letter)) is not None:
        return refused
    edge.on_refusal_redirect(url_for("letters.show", letter_id=letter.id))
    version = versions.generate_version(letter, actor=edge.actor())
    flash(_("Version %(n)d generated.", n=version.number), "success")
    return redirect(url_for("letters.show", letter_id=letter.id) + "#preview")


@bp.post("/letters/<int:letter_id>/upload")
@permission_required("letter.draft")
def upload(letter_id: int):
    """Upload the DOCX edited in Word; the PDF is made from it. Refused files store nothing."""
    letter = db.get_or_404(Letter, letter_id)
    _refuse_locked(letter)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("Choose a DOCX file."), "error")
        return redirect(url_for("letters.show", letter_id=letter.id) + "#upload")
    limit = current_app.config["LETTER_MAX_UPLOAD_BYTES"]
    data = form.file.data.read(limit + 1)
    edge.on_refusal_redirect(url_for("letters.show", letter_id=letter.id) + "#upload", 303)
    version = versions.upload_docx(letter, form.file.data.filename or "", data, actor=edge.actor(), note=form.note.data or "")
    flash(_("Version %(n)d uploaded; its PDF was made from your DOCX.", n=version.number), "success")
    return redirect(url_for("letters.show", letter_id=letter.id) + "#preview")


@bp.get("/letters/<int:letter_id>/versions/<int:number>/docx")
@permission_required("letter.view")
def version_docx(letter_id: int, number: int):
    """Download a version's DOCX."""
    letter = db.get_or_404(Letter, letter_id)
    return downloads.send_version(letter, _get_version(letter, number), "docx")


@bp.get("/letters/<int:letter_id>/versions/<int:number>/pdf")
@permission_required("letter.view")
def version_pdf(letter_id: int, number: int):
    """Download a version's PDF/A (``?inline=1`` shows it in the browser)."""
    letter = db.get_or_404(Letter, letter_id)
    return downloads.send_version(letter, _get_version(letter, number), "pdf", inline=request.args.get("inline") == "1")


@bp.get("/letters/<int:letter_id>/compare")
@permission_required("letter.view")
def compare(letter_id: int):
    """Compare two versions as text, paragraph by paragraph."""
    letter = db.get_or_404(Letter, letter_id)
    try:
        a, b = int(request.args.get("a", "")), int(request.args.get("b", ""))
    except ValueError:
        flash(_("Choose two versions to compare."), "error")
        return redirect(url_for("letters.show", letter_id=letter.id) + "#versions")
    old, new_ = _get_version(letter, a), _get_version(letter, b)
    lines = versions.compare_versions(old, new_)
    return render_template(
        "letters/compare.html",
        letter=letter,
        old=old,
        new=new_,
        lines=lines,
        changed=any(line.op != "same" for line in lines),
    )
