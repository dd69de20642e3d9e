"""Pages: earlier answers at the letter's answer fields, "use", the related cases on the case
page, and the standard lines.

Routes:
    GET   /letters/<id>/questions/<n>/earlier?q=     earlier answers and standard lines for one
                                                     question (a page; ?partial=1: the hits only,
                                                     for the editor's script)
    POST  /letters/<id>/questions/<n>/use            use one (source, version): saved at once
    GET   /standard-lines                            the lines (?directorate=CODE, ?topic=)
    GET/POST /standard-lines/new                     a new line for one's own directorate
    GET/POST /standard-lines/<id>                    a line, its versions; changed by its directorate

Progressive enhancement: the editor shows the proposals under each answer field; without
JavaScript "use" leads to the question's page, whose button saves the answer; with JavaScript
(app.js) it copies the text into the field and names the source in a hidden field, which the
letter's save records (the letters editor's hook, ``letters.answer_assist``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from parliament_tracker import edge
from parliament_tracker.answers import search, services, standard_lines
from parliament_tracker.answers.models import StandardLine
from parliament_tracker.auth.models import User
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.page_hooks import register_case_page_extender
from parliament_tracker.db import today_local
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters.answer_assist import AnswerAssist, register_answer_assist
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.organisation.models import Directorate

bp = Blueprint("answers", __name__)



#: why a hit or a related case is shown, translated when shown
_REASON_WORDS = {
    "dossier": _l("same dossier"),
    "members": _l("same members"),
    "directorate": _l("same directorate"),
    "text": _l("similar questions"),
}


def reason_words(reasons: Any) -> list[str]:
    """The words for the reasons given (only those translated)."""
    return [str(_REASON_WORDS[r]) for r in reasons if r in _REASON_WORDS]


def init_app(app: Flask) -> None:
    """At app creation: the blueprint, the letter editor's answer helper, the case page's
    related cases."""
    app.register_blueprint(bp)
    register_answer_assist(app, AnswerAssist(render=render_assist, saved=saved, after_form=search_forms))
    register_case_page_extender(app, case_page_context)
    app.jinja_env.globals["answer_reasons"] = reason_words


# -- the letter editor -----------------------------------------------------------------------


def _hits_context(letter: Letter, number: int, found: dict[str, list[Any]], *, page: bool) -> dict[str, Any]:
    return {
        "letter": letter,
        "number": number,
        "answers": found["answers"],
        "lines": found["lines"],
        "final_versions": search.final_versions([r.item.letter_id for r in found["answers"]]),
        "page": page,
        "today": today_local(),
    }


def render_assist(letter: Letter, rows: list[dict[str, Any]]) -> dict[int, Markup]:
    """Under each answer field: the closest earlier answers and standard lines, unasked."""
    out: dict[int, Markup] = {}
    for row in rows:
        found = services.proposals(letter, row["number"], today=today_local(), limit=3)
        out[row["number"]] = Markup(
            render_template("answers/_assist.html", **_hits_context(letter, row["number"], found, page=False))
        )
    return out


def search_forms(letter: Letter, rows: list[dict[str, Any]]) -> Markup:
    """The search boxes' own GET forms (a form cannot nest in the editor's form; the inputs
    inside the editor name these with ``form=``)."""
    return Markup(render_template("answers/_search_forms.html", letter=letter, rows=rows))


def saved(letter: Letter, form: Any, actor: Any) -> None:
    services.record_sources_from_form(letter, form, actor=actor, today=today_local())


def _letter_and_question(letter_id: int, number: int) -> Letter:
    letter = db.get_or_404(Letter, letter_id)
    try:
        services.question_of(letter, number)
    except DomainError:
        abort(404)
    return letter


@bp.get("/letters/<int:letter_id>/questions/<int:number>/earlier")
@permission_required("letter.draft")
def earlier(letter_id: int, number: int):
    """Earlier answers and standard lines for one question: the closest to the question, or
    to what the drafter searched for."""
    letter = _letter_and_question(letter_id, number)
    query = (request.args.get("q") or "").strip()[:500]
    found = services.proposals(letter, number, query=query or None, today=today_local(), limit=10)
    ctx = _hits_context(letter, number, found, page=True)
    if request.args.get("partial") == "1":
        return render_template("answers/_hits.html", **{**ctx, "page": False})
    case, question = services.question_of(letter, number)
    return render_template("answers/earlier.html", question=question, case=case, query=query, **ctx)


@bp.post("/letters/<int:letter_id>/questions/<int:number>/use")
@permission_required("letter.draft")
def use(letter_id: int, number: int):
    """Use an earlier answer or a standard line for this question: saved at once, its source
    in the letter's history."""
    letter = _letter_and_question(letter_id, number)
    back = url_for("answers.earlier", letter_id=letter.id, number=number)
    edge.on_refusal_redirect(back)
    if letter.status != LetterStatus.draft:
        raise DomainError(_("Only draft letters can be changed."))
    try:
        version = int(request.form.get("version") or letter.version)
    except ValueError:
        version = 0
    services.use(letter, number, services.Source.parse(request.form.get("source")), expected_version=version,
                 actor=edge.actor(), today=today_local())
    flash(_("The answer to question %(n)d was filled in; its source is in the letter's history.", n=number), "success")
    return redirect(url_for("letters.edit", letter_id=letter.id) + f"#answer-{number}")


# -- the case page ---------------------------------------------------------------------------


def case_page_context(case: Case) -> dict[str, Any]:
    """The case page's "Related cases": same dossier, same members, similar questions."""
    return {"related_cases": services.related_cases(case)}


# -- standard lines --------------------------------------------------------------------------


def _directorates() -> list[Directorate]:
    return list(db.session.scalars(db.select(Directorate).order_by(Directorate.code)))


def _people() -> list[User]:
    return list(db.session.scalars(db.select(User).where(User.is_enabled).order_by(User.display_name)))


@bp.get("/standard-lines")
@permission_required("answers.view")
def lines():
    code = request.args.get("directorate") or ""
    directorate = db.session.scalar(db.select(Directorate).where(Directorate.code == code)) if code else None
    topic = (request.args.get("topic") or "").strip()
    items = standard_lines.lines(directorate_id=directorate.id if directorate else None, topic=topic or None)
    return render_template(
        "answers/lines.html", lines=items, directorates=_directorates(), directorate=directorate, topic=topic, today=today_local(),
        may_create=current_user.can("standard_line.manage"),
    )


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _line_input(form: Any, errors: dict[str, str]) -> standard_lines.LineInput:
    valid_until = None
    if form.get("valid_until"):
        try:
            valid_until = dt.date.fromisoformat(form["valid_until"])
        except ValueError:
            errors["valid_until"] = _("Enter a date.")
    owner = db.session.get(User, _int(form.get("owner_id")) or 0) if form.get("owner_id") else None
    if form.get("owner_id") and owner is None:
        errors["owner"] = _("Choose the owner.")
    return standard_lines.LineInput(
        topic=form.get("topic", ""), title=form.get("title", ""), text=form.get("text", ""), owner=owner,
        approved_by=form.get("approved_by", ""), valid_until=valid_until,
    )


@bp.route("/standard-lines/new", methods=["GET", "POST"])
@permission_required("standard_line.manage")
def new_line():
    values: dict[str, Any] = dict(request.form) if request.method == "POST" else {"owner_id": str(current_user.id)}
    mine = [d for d in _directorates() if standard_lines.may_manage(d, current_user)]

    def page(errors: dict[str, str], status: int) -> Any:
        return render_template("answers/line_form.html", line=None, values=values, errors=errors, directorates=mine, people=_people()), status

    if request.method == "GET":
        return page({}, 200)
    errors: dict[str, str] = {}
    directorate = db.session.get(Directorate, _int(values.get("directorate_id")) or 0)
    if directorate is None:
        errors["directorate_id"] = _("Choose the directorate.")
    data = _line_input(request.form, errors)
    if errors:
        return _not_saved(page, errors)
    _refusals_shown_on(page)
    assert directorate is not None
    line = standard_lines.create(directorate, data, actor=edge.actor(), today=today_local())
    flash(_("Standard line saved."), "success")
    return redirect(url_for("answers.line", line_id=line.id))


def _not_saved(page: Callable[[dict[str, str], int], Any], errors: dict[str, str]) -> Any:
    """The standard line's form again, its fields marked (422)."""
    flash(_("The standard line could not be saved. Check the fields marked."), "error")
    return page(errors, 422)


def _refusals_shown_on(page: Callable[[dict[str, str], int], Any]) -> None:
    """A refusal of the service (DomainError) shows the form again with its message."""

    def refused(exc: DomainError) -> Any:
        flash(exc.message, "error")
        return page(exc.errors, exc.status)

    edge.on_refusal(refused)


@bp.route("/standard-lines/<int:line_id>", methods=["GET", "POST"])
@permission_required("answers.view")
def line(line_id: int):
    item = db.get_or_404(StandardLine, line_id)
    may_change = standard_lines.may_manage(item.directorate, current_user)
    values: dict[str, Any] = dict(request.form) if request.method == "POST" else {}

    def page(errors: dict[str, str], status: int) -> Any:
        return render_template(
            "answers/line.html", line=item, values=values, errors=errors, may_change=may_change, people=_people(), today=today_local(),
        ), status

    if request.method == "GET":
        return page({}, 200)
    if not may_change:
        abort(403)
    errors: dict[str, str] = {}
    data = _line_input(request.form, errors)
    if errors:
        return _not_saved(page, errors)
    _refusals_shown_on(page)
    standard_lines.change(item, data, expected_version=_int(values.get("version")) or 0, actor=edge.actor(), today=today_local())
    flash(_("Standard line saved."), "success")
    return redirect(url_for("answers.line", line_id=item.id))
