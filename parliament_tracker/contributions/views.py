"""Contribution pages: ask (from the case page), the contributor's page, the outside link.

Routes:
    GET/POST  /cases/<ref>/contributions/new          ask a directorate or an outside address
    GET       /contributions/<id>                     the request, its answer, the actions
    POST      /contributions/<id>/deliver             the contributor answers (text and/or file)
    GET       /contributions/<id>/file                download the answer's file
    POST      /contributions/<id>/withdraw            withdraw the request
    POST      /contributions/<id>/take                copy the answer into a draft letter
    POST      /contributions/<id>/revoke              revoke the outside link (a new one is made)
    GET/POST  /bijdrage/<token>                       an outside contributor answers, no login
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from parliament_tracker import edge
from parliament_tracker.auth.models import User
from parliament_tracker.auth.permissions import permission_required, public
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.page_hooks import CasePagePart, register_case_page_part
from parliament_tracker.cases.services import find_case
from parliament_tracker.contributions import services
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.db import today_local
from parliament_tracker.downloads import content_disposition
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.forms import parse_dutch_date
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.letters.services import letters_for_case
from parliament_tracker.organisation.models import Directorate

bp = Blueprint("contributions", __name__)


def case_page_context(case: Case, rows: list[Any]) -> dict[str, Any]:
    """The case page's "Bijdragen" section: every contribution with its state and due date."""
    return {"contributions": services.contributions_on_case_page(rows), "today": today_local()}


def init_app(app: Flask) -> None:
    """At app creation: the case page lists the case's contributions (a part of the cases pages' hook)."""
    register_case_page_part(app, CasePagePart("contributions", services.case_page_contribution_rows, case_page_context))


def _get(contribution_id: int) -> Contribution:
    return db.get_or_404(Contribution, contribution_id)


def _link_age() -> int:
    return int(current_app.config["CONTRIBUTION_LINK_DAYS"]) * 86400


def outside_link(contribution: Contribution) -> str | None:
    """The outside contributor's link while it can be used (shown to the asker, sent by e-mail)."""
    if contribution.state != ContributionState.asked or not contribution.external_email or not contribution.link_nonce:
        return None
    token = services.link_token(contribution, current_app.config["SECRET_KEY"])
    return current_app.config["BASE_URL"].rstrip("/") + url_for("contributions.outside", token=token)


def _ask_choices() -> dict[str, Any]:
    directorates = db.session.scalars(db.select(Directorate).order_by(Directorate.code)).all()
    people = db.session.scalars(
        db.select(User).where(User.directorate_id.is_not(None), User.is_enabled).order_by(User.display_name)
    ).all()
    return {"directorates": directorates, "people": people}


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


@bp.route("/cases/<reference>/contributions/new", methods=["GET", "POST"])
@permission_required("contribution.ask")
def ask(reference: str):
    """Ask a directorate (or one of its people) or an outside address for a contribution."""
    case = find_case(reference)
    if case is None:
        abort(404)
    values: dict[str, Any] = dict(request.form) if request.method == "POST" else {}
    numbers_typed = request.form.getlist("questions")

    def page(errors: dict[str, str], status: int) -> Any:
        return render_template(
            "contributions/ask.html", case=case, values=values, numbers=numbers_typed, errors=errors,
            default_due_on=services.default_due_on(case), **_ask_choices(),
        ), status

    if request.method == "GET":
        return page({}, 200)
    errors: dict[str, str] = {}
    directorate = db.session.get(Directorate, _int(values.get("directorate_id"))) if _int(values.get("directorate_id")) else None
    user = db.session.get(User, _int(values.get("user_id"))) if _int(values.get("user_id")) else None
    if user is not None and directorate is None:
        directorate = user.directorate
    due_on = None
    if values.get("due_on"):
        due_on = parse_dutch_date(values["due_on"])
        if due_on is None:
            errors["due_on"] = _("Enter the date as dd-mm-yyyy, for example 7-12-2026.")
    numbers = [_int(n) if _int(n) is not None else n for n in numbers_typed]
    if errors:
        flash(_("The contribution could not be asked. Check the fields marked."), "error")
        return page(errors, 422)

    def refused(exc: DomainError) -> Any:
        flash(exc.message, "error")
        return page(exc.errors, exc.status)

    edge.on_refusal(refused)
    contribution = services.ask(
        case, request_text=values.get("request_text", ""), directorate=directorate, user=user,
        external_email=values.get("external_email"), question_numbers=numbers, due_on=due_on, actor=edge.actor(),
    )
    flash(_("Contribution asked."), "success")
    return redirect(url_for("contributions.show", contribution_id=contribution.id))


@bp.get("/contributions/<int:contribution_id>")
@permission_required("case.view")
def show(contribution_id: int):
    contribution = _get(contribution_id)
    letters = [
        letter for letter in letters_for_case(contribution.case) if letter.status == LetterStatus.draft
    ]
    return render_template(
        "contributions/show.html",
        contribution=contribution,
        may_deliver=contribution.state == ContributionState.asked and services.may_deliver(contribution, current_user),
        link=outside_link(contribution) if current_user.can("contribution.ask") else None,
        letters=letters,
        values={},
        errors={},
    )


def _upload() -> tuple[str, bytes] | None:
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None
    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    return upload.filename, upload.read(max_bytes + 1)


@bp.post("/contributions/<int:contribution_id>/deliver")
@permission_required("contribution.deliver")
def deliver(contribution_id: int):
    contribution = _get(contribution_id)

    def refused(exc: DomainError) -> Any:
        flash(exc.message, "error")
        return render_template(
            "contributions/show.html", contribution=contribution, may_deliver=services.may_deliver(contribution, current_user)
            and contribution.state == ContributionState.asked, link=None, letters=[], values=request.form, errors=exc.errors,
        ), exc.status

    edge.on_refusal(refused)
    services.deliver(
        contribution, text=request.form.get("answer_text", ""), file=_upload(),
        max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"], actor=edge.actor(),
    )
    flash(_("Contribution delivered."), "success")
    return redirect(url_for("contributions.show", contribution_id=contribution.id))


@bp.get("/contributions/<int:contribution_id>/file")
@permission_required("case.view")
def download(contribution_id: int):
    contribution = _get(contribution_id)
    if not contribution.answer_filename:
        abort(404)
    return Response(
        contribution.answer_content,
        mimetype=contribution.answer_content_type,
        headers={"Content-Disposition": content_disposition(contribution.answer_filename, default="bijdrage")},
    )


def _back(contribution: Contribution) -> str:
    return url_for("contributions.show", contribution_id=contribution.id)


@bp.post("/contributions/<int:contribution_id>/withdraw")
@permission_required("contribution.ask")
def withdraw(contribution_id: int):
    contribution = _get(contribution_id)
    edge.on_refusal_redirect(_back(contribution))
    services.withdraw(contribution, actor=edge.actor())
    flash(_("The request was withdrawn."), "success")
    return redirect(_back(contribution))


@bp.post("/contributions/<int:contribution_id>/revoke")
@permission_required("contribution.ask")
def revoke(contribution_id: int):
    contribution = _get(contribution_id)
    edge.on_refusal_redirect(_back(contribution))
    services.revoke_link(contribution, actor=edge.actor())
    flash(_("The old link no longer works. Send the new link below."), "success")
    return redirect(_back(contribution))


@bp.post("/contributions/<int:contribution_id>/take")
@permission_required("contribution.ask")
def take(contribution_id: int):
    contribution = _get(contribution_id)
    edge.on_refusal_redirect(_back(contribution))
    letter = db.session.get(Letter, _int(request.form.get("letter_id")) or 0)
    if letter is None:
        raise DomainError(_("Choose a draft letter."), {"letter_id": _("Choose a draft letter.")})
    version = _int(request.form.get("version"))
    services.take_into_letter(contribution, letter, expected_version=version if version is not None else letter.version, actor=edge.actor())
    flash(_("The answer was taken into the letter."), "success")
    return redirect(_back(contribution))


@bp.route("/bijdrage/<token>", methods=["GET", "POST"])
@public
def outside(token: str):
    """An outside contributor's page: their one contribution, without an account."""
    secret = current_app.config["SECRET_KEY"]
    try:
        contribution = services.from_link(token, secret, max_age=_link_age())
    except DomainError as exc:
        return render_template("contributions/outside_refused.html", message=exc.message), exc.status
    if request.method == "GET":
        return render_template("contributions/outside.html", contribution=contribution, values={}, errors={})

    def refused(exc: DomainError) -> Any:
        return render_template(
            "contributions/outside.html", contribution=contribution, values=request.form, errors=exc.errors, message=exc.message
        ), exc.status

    edge.on_refusal(refused)
    services.deliver(
        contribution, text=request.form.get("answer_text", ""), file=_upload(),
        max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"], actor=None, via_link=True,
    )
    return render_template("contributions/outside_done.html", contribution=contribution)
