"""Letter workflow pages: submit for approval, approve / request changes, sign, send, verify.

Routes:
    POST      /letters/<id>/submit            the drafter submits to approvers in order
    GET       /approvals                      letters waiting for my approval
    POST      /letters/<id>/approve           the current approver approves (with a comment)
    POST      /letters/<id>/request-changes   … or sends it back to draft with a comment
    POST      /letters/<id>/sign              the signatory's office signs (date, Ons kenmerk, signatory)
    POST      /letters/<id>/send              record the date sent; answered cases are closed
    POST      /letters/<id>/withdraw          withdraw a letter not yet sent (with a reason)
    GET       /letters/<id>/signed.pdf        the signed PDF (its SHA-256 is checked first)
    GET       /letters/<id>/archive.zip       a sent letter's archive package (audited)
    GET/POST  /verify                         upload a PDF: signed by us? intact? who, when?
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from parliament_tracker import edge
from parliament_tracker.auth.models import User
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db
from parliament_tracker.forms import int_arg, parse_dutch_date
from parliament_tracker.letters import services
from parliament_tracker.letters.approval import archive, signing, transitions, verification
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.organisation.models import Signatory

bp = Blueprint("letter_workflow", __name__)

MAX_APPROVERS = 3


def _back(letter: Letter, anchor: str = "workflow") -> Any:
    return redirect(url_for("letters.show", letter_id=letter.id) + "#" + anchor)


def _step(letter: Letter) -> None:
    """One workflow step on ``letter``, committed by the edge. A refusal (not your turn, wrong
    state, bad input) goes back to the letter with the reason; so does someone else taking a step
    on the same letter at the same moment. Nothing of a refused step is kept."""
    edge.on_refusal_redirect(url_for("letters.show", letter_id=letter.id) + "#workflow", 303)
    edge.on_refusal(conflict=_("Someone else changed this letter at the same moment. Check it and try again."))


def _date(value: str | None) -> dt.date | None:
    """A date as the date fields take it: dd-mm-jjjj (or ISO)."""
    return parse_dutch_date(value or "")


def workflow_context(letter: Letter) -> dict[str, Any]:
    """What the letter page shows about approvals, signing and sending."""
    return {
        "approvals": workflow.all_approvals(letter),
        "current_approval": workflow.current_approval(letter),
        "possible_approvers": workflow.possible_approvers(letter, edge.actor()),
        "signature": signing.signature_of(letter),
        "signatories": db.session.scalars(db.select(Signatory).order_by(Signatory.office_title)).all(),
        "today": today_local(),
        "max_approvers": MAX_APPROVERS,
        "stage": workflow.stage_of(letter),
        "can_withdraw": transitions.Stage.withdrawn
        in transitions.allowed_targets(workflow.stage_of(letter), edge.actor().role),
    }


@bp.post("/letters/<int:letter_id>/submit")
@permission_required("letter.submit")
def submit(letter_id: int):
    """Submit the draft to one to three approvers, in the order chosen."""
    letter = db.get_or_404(Letter, letter_id)
    approvers: list[User] = []
    for i in range(1, MAX_APPROVERS + 1):
        raw = request.form.get(f"approver_{i}", "").strip()
        if not raw:
            continue
        user = db.session.get(User, int_arg(raw)) if int_arg(raw) else None
        if user is None:
            flash(_("Unknown approver."), "error")
            return _back(letter), 303
        approvers.append(user)
    _step(letter)
    workflow.submit(letter, approvers, actor=edge.actor())
    flash(_("Submitted for approval."), "success")
    return _back(letter)


@bp.get("/approvals")
@permission_required("letter.approve")
def approvals():
    """Letters waiting for my decision."""
    return render_template("letters/approvals.html", letters=workflow.awaiting(edge.actor()))


@bp.post("/letters/<int:letter_id>/approve")
@permission_required("letter.approve")
def approve(letter_id: int):
    letter = db.get_or_404(Letter, letter_id)
    _step(letter)
    workflow.approve(letter, actor=edge.actor(), comment=request.form.get("comment", ""))
    flash(
        _("Letter approved.")
        if letter.status == LetterStatus.approved
        else _("Approved; the next approver has it now."),
        "success",
    )
    return _back(letter)


@bp.post("/letters/<int:letter_id>/request-changes")
@permission_required("letter.approve")
def request_changes(letter_id: int):
    letter = db.get_or_404(Letter, letter_id)
    _step(letter)
    workflow.request_changes(
        letter, actor=edge.actor(), comment=request.form.get("comment", "")
    )
    flash(_("Changes requested; the letter is a draft again."), "success")
    return _back(letter)


@bp.post("/letters/<int:letter_id>/sign")
@permission_required("letter.sign")
def sign(letter_id: int):
    """Fix the date and Ons kenmerk, make the final PDF/A and sign it."""
    letter = db.get_or_404(Letter, letter_id)
    signatory = None
    raw = request.form.get("signatory_id", "").strip()
    if raw:
        signatory = db.session.get(Signatory, int_arg(raw)) if int_arg(raw) else None
        if signatory is None:
            flash(_("Choose the signatory."), "error")
            return _back(letter), 303
    letter_date = None
    if request.form.get("letter_date", "").strip():
        letter_date = _date(request.form.get("letter_date"))
        if letter_date is None:
            flash(_("Enter the letter date as dd-mm-yyyy, for example 7-12-2026."), "error")
            return _back(letter), 303
    _step(letter)
    signing.sign(
        letter,
        actor=edge.actor(),
        signatory=signatory,
        our_reference=request.form.get("our_reference", ""),
        letter_date=letter_date,
    )
    flash(_("Letter signed (Ons kenmerk %(ref)s).", ref=letter.our_reference), "success")
    return _back(letter)


@bp.post("/letters/<int:letter_id>/send")
@permission_required("letter.send")
def send(letter_id: int):
    letter = db.get_or_404(Letter, letter_id)
    typed = request.form.get("sent_on", "").strip()
    sent_on = _date(typed)
    if typed and sent_on is None:
        flash(_("Enter the date sent as dd-mm-yyyy, for example 7-12-2026."), "error")
        return _back(letter), 303
    _step(letter)
    workflow.send(letter, sent_on=sent_on, actor=edge.actor())
    flash(_("Letter recorded as sent."), "success")
    return _back(letter)


@bp.post("/letters/<int:letter_id>/withdraw")
@permission_required("letter.draft")
def withdraw(letter_id: int):
    """The letter will not go; the cases it answered are back in drafting."""
    letter = db.get_or_404(Letter, letter_id)
    _step(letter)
    workflow.withdraw(letter, actor=edge.actor(), comment=request.form.get("comment", ""))
    flash(_("Letter withdrawn."), "success")
    return _back(letter)


@bp.get("/letters/<int:letter_id>/signed.pdf")
@permission_required("letter.view")
def signed_pdf(letter_id: int):
    """The signed PDF, after checking it still matches the SHA-256 recorded at signing."""
    from parliament_tracker.letters.downloads import checked_version as _checked
    from parliament_tracker.letters.downloads import file_response as _file_response

    letter = db.get_or_404(Letter, letter_id)
    signature = signing.signature_of(letter)
    if signature is None:
        abort(404)
    version = _checked(letter, signature.version)
    return _file_response(version.pdf, "application/pdf", f"{services.file_stem(letter)}-ondertekend.pdf")


@bp.get("/letters/<int:letter_id>/archive.zip")
@permission_required("letter.view")
def archive_package(letter_id: int):
    """The archive package of a sent letter: signed PDF/A, DOCX, validation report, MDTO metadata."""
    letter = db.get_or_404(Letter, letter_id)
    edge.on_refusal_redirect(url_for("letters.show", letter_id=letter.id) + "#workflow", 303)
    return archive.package_response(archive.build_package(letter, actor=edge.actor()))


@bp.route("/verify", methods=["GET", "POST"])
@permission_required("letter.verify")
def verify():
    """Upload a PDF to learn whether this system signed it, whether it is intact, who signed and when."""
    result = None
    status = 200
    if request.method == "POST":
        upload = request.files.get("file")
        limit = verification.verify_max_bytes()
        data = upload.read(limit + 1) if upload else b""
        if not data:
            flash(_("Choose a PDF file."), "error")
            status = 422
        elif len(data) > limit:  # read no further: it is not one of our letters
            flash(_("The file is too large (at most %(mb)d MB).", mb=limit // (1024 * 1024)), "error")
            status = 422
        else:
            result = verification.verify(data)
    return render_template("letters/verify.html", result=result), status
