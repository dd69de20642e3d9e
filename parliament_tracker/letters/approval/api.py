"""Letter workflow endpoints of the JSON API.

POST /api/v1/letters/<id>/submit           {"approvers": [usernames in order]}
POST /api/v1/letters/<id>/approve          {"comment": "…"}
POST /api/v1/letters/<id>/request-changes  {"comment": "…"}
POST /api/v1/letters/<id>/sign             {"signatory": office title or id, "our_reference", "letter_date"}
POST /api/v1/letters/<id>/send             {"sent_on": "YYYY-MM-DD"}
POST /api/v1/letters/<id>/withdraw         {"comment": "…"}
GET  /api/v1/letters/<id>/archive          a sent letter's archive package (ZIP; audited)
POST /api/v1/verify                        multipart "file": a PDF

Each step answers with the letter JSON; 409 when the letter's state does not allow it,
403 for the wrong role or the wrong person, 422 for bad input.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import request

from parliament_tracker import edge
from parliament_tracker.api import (
    ApiError,
    api_permission,
    json_body,
    make_blueprint,
)
from parliament_tracker.auth.models import User
from parliament_tracker.extensions import db
from parliament_tracker.forms import MAX_INT
from parliament_tracker.letters.api import _letter, letter_json, register_letter_json_extender
from parliament_tracker.letters.approval import archive, signing, verification
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.models import Letter
from parliament_tracker.organisation.models import Signatory

bp = make_blueprint("letter_workflow_api", __name__)


def workflow_fields(letter: Letter) -> dict[str, Any]:
    """Added to every letter JSON: sent date, approvals, whose turn it is, the signature."""
    signature = signing.signature_of(letter)
    current = workflow.current_approval(letter)
    return {
        "sent_on": letter.sent_on.isoformat() if letter.sent_on else None,
        "approvals": [
            {
                "round": a.round,
                "position": a.position,
                "approver": a.approver.username,
                "decision": a.decision.value,
                "comment": a.comment,
                "decided_at": a.decided_at.isoformat() if a.decided_at else None,
            }
            for a in workflow.all_approvals(letter)
        ],
        "current_approver": current.approver.username if current else None,
        "signature": None
        if signature is None
        else {
            "signatory": signature.signatory.office_title if signature.signatory else None,
            "signed_by": signature.signed_by.username if signature.signed_by else None,
            "signed_at": signature.signed_at.isoformat(),
            "pdf_sha256": signature.pdf_sha256,
            "certificate_subject": signature.certificate_subject,
            "our_reference": signature.our_reference,
            "letter_date": signature.letter_date.isoformat(),
            "version": signature.version.number,
        },
    }


def init_app(app: Any) -> None:
    """At app creation: every letter JSON carries the workflow's fields (the letters API's hook)."""
    register_letter_json_extender(app, workflow_fields)


def workflow_letter_json(letter: Letter) -> dict[str, Any]:
    return letter_json(letter)


def _run(letter: Letter, step: Any) -> Any:
    """One workflow step; the edge commits it. Someone else taking a step on this letter at the
    same moment shows at the flush (a stale version or a taken unique row): a 409."""
    edge.on_refusal(conflict="Someone else changed this letter at the same moment. Reload it and try again.")
    step()
    db.session.flush()
    return workflow_letter_json(letter)


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    errors = {key: "Unknown field." for key in body if key not in allowed}
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)


def _comment(body: dict[str, Any]) -> str:
    comment = body.get("comment", "")
    if not isinstance(comment, str):
        raise ApiError(422, "The request has invalid fields.", {"comment": "Must be a string."})
    return comment


def _date_field(body: dict[str, Any], name: str, *, required: bool) -> dt.date | None:
    raw = body.get(name)
    if raw in (None, ""):
        if required:
            raise ApiError(422, "The request has invalid fields.", {name: "Required (YYYY-MM-DD)."})
        return None
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    raise ApiError(422, "The request has invalid fields.", {name: "Must be a date (YYYY-MM-DD)."})


def _user() -> User:
    return edge.actor()


@bp.post("/letters/<int:letter_id>/submit")
@api_permission("letter.submit")
def submit(letter_id: int) -> Any:
    """Submit a draft to approvers (usernames, in order)."""
    letter = _letter(letter_id)
    body = json_body()
    _only(body, {"approvers"})
    names = body.get("approvers")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        raise ApiError(422, "The request has invalid fields.", {"approvers": "A list of usernames, in order."})
    approvers = []
    for name in names:
        user = db.session.scalar(db.select(User).where(User.username == name))
        if user is None:
            raise ApiError(422, "The request has invalid fields.", {"approvers": f"Unknown user: {name!r}."})
        approvers.append(user)
    return _run(letter, lambda: workflow.submit(letter, approvers, actor=_user()))


@bp.post("/letters/<int:letter_id>/approve")
@api_permission("letter.approve")
def approve(letter_id: int) -> Any:
    """The current approver approves; the last approval makes the letter approved."""
    letter = _letter(letter_id)
    body = json_body() if request.get_data() else {}
    _only(body, {"comment"})
    comment = _comment(body)
    return _run(letter, lambda: workflow.approve(letter, actor=_user(), comment=comment))


@bp.post("/letters/<int:letter_id>/request-changes")
@api_permission("letter.approve")
def request_changes(letter_id: int) -> Any:
    """The current approver sends the letter back to draft with a comment."""
    letter = _letter(letter_id)
    body = json_body()
    _only(body, {"comment"})
    comment = _comment(body)
    return _run(letter, lambda: workflow.request_changes(letter, actor=_user(), comment=comment))


@bp.post("/letters/<int:letter_id>/sign")
@api_permission("letter.sign")
def sign(letter_id: int) -> Any:
    """Sign an approved letter (signatory optional when the letter names one)."""
    letter = _letter(letter_id)
    body = json_body() if request.get_data() else {}
    _only(body, {"signatory", "our_reference", "letter_date"})
    signatory = None
    raw = body.get("signatory")
    if raw not in (None, ""):
        if isinstance(raw, int) and not isinstance(raw, bool):
            signatory = db.session.get(Signatory, raw) if 0 < raw <= MAX_INT else None
        elif isinstance(raw, str):
            signatory = db.session.scalar(db.select(Signatory).where(Signatory.office_title == raw))
        if signatory is None:
            raise ApiError(422, "The request has invalid fields.", {"signatory": f"Unknown signatory: {raw!r}."})
    our_reference = body.get("our_reference") or ""
    if not isinstance(our_reference, str):
        raise ApiError(422, "The request has invalid fields.", {"our_reference": "Must be a string."})
    letter_date = _date_field(body, "letter_date", required=False)
    return _run(
        letter,
        lambda: signing.sign(
            letter, actor=_user(), signatory=signatory, our_reference=our_reference, letter_date=letter_date
        ),
    )


@bp.post("/letters/<int:letter_id>/send")
@api_permission("letter.send")
def send(letter_id: int) -> Any:
    """Record the date the signed letter was sent; the cases it answers become answered."""
    letter = _letter(letter_id)
    body = json_body()
    _only(body, {"sent_on"})
    sent_on = _date_field(body, "sent_on", required=True)
    return _run(letter, lambda: workflow.send(letter, sent_on=sent_on, actor=_user()))


@bp.post("/letters/<int:letter_id>/withdraw")
@api_permission("letter.draft")
def withdraw(letter_id: int) -> Any:
    """Withdraw a letter that was not sent; the cases it answered are back in drafting."""
    letter = _letter(letter_id)
    body = json_body() if request.get_data() else {}
    _only(body, {"comment"})
    comment = _comment(body)
    return _run(letter, lambda: workflow.withdraw(letter, actor=_user(), comment=comment))


@bp.get("/letters/<int:letter_id>/archive")
@api_permission("letter.view")
def archive_package(letter_id: int) -> Any:
    """A sent letter's archive package: signed PDF/A, DOCX, validation report, MDTO metadata."""
    letter = _letter(letter_id)
    return archive.package_response(archive.build_package(letter, actor=_user()))


@bp.post("/verify")
@api_permission("letter.verify")
def verify() -> Any:
    """Upload a PDF (multipart field "file"): signed by this system? intact? who signed and when?"""
    upload = request.files.get("file")
    limit = verification.verify_max_bytes()
    data = upload.read(limit + 1) if upload else b""
    if not data:
        raise ApiError(422, "Send the PDF as multipart form field 'file'.", {"file": "Required."})
    if len(data) > limit:
        raise ApiError(422, "The file is too large.", {"file": f"At most {limit} bytes."})
    return verification.verify(data).as_json()
