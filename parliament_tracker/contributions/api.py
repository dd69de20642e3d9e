"""Contributions in the API: the same service calls as the pages.

Routes:
    GET   /api/v1/cases/<ref>/contributions      a case's contributions           case.view
    POST  /api/v1/cases/<ref>/contributions      ask for a contribution           contribution.ask
    GET   /api/v1/contributions/<id>             one contribution                 case.view
    POST  /api/v1/contributions/<id>/answer      the contributor answers (text)   contribution.deliver
    POST  /api/v1/contributions/<id>/withdraw    withdraw the request             contribution.ask
    POST  /api/v1/contributions/<id>/take        take the answer into a draft     contribution.ask
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

from flask import current_app, jsonify, url_for

from parliament_tracker import edge
from parliament_tracker.api import ApiError, api_permission, json_body, make_blueprint
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.services import find_case
from parliament_tracker.contributions import services
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db
from parliament_tracker.letters.api import letter_json
from parliament_tracker.letters.models import Letter
from parliament_tracker.organisation.models import Directorate

bp = make_blueprint("contributions_api", __name__)

INVALID = "The request has invalid fields."


def contribution_json(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.id,
        "case": c.case.reference,
        "questions": list(c.question_numbers or []),
        "directorate": c.directorate.code if c.directorate else None,
        "user": c.user.username if c.user else None,
        "external_email": c.external_email,
        "asked_by": c.asked_by.username if c.asked_by else None,
        "request_text": c.request_text,
        "due_on": c.due_on.isoformat(),
        "state": c.state.value,
        "overdue": c.state == ContributionState.asked and c.due_on < today_local(),
        "answer_text": c.answer_text or "",
        "answer_file": c.answer_filename,
        "delivered_at": c.delivered_at.isoformat() if c.delivered_at else None,
        "delivered_by": c.delivered_by.username if c.delivered_by else None,
        "url": url_for("contributions.show", contribution_id=c.id, _external=True),
    }


def _case(reference: str) -> Case:
    case = find_case(reference)
    if case is None:
        raise ApiError(404, f"No case with reference {reference}.")
    return case


def _contribution(contribution_id: int) -> Contribution:
    c = db.session.get(Contribution, contribution_id)
    if c is None:
        raise ApiError(404, "No contribution with this id.")
    return c


def _only(body: dict[str, Any], allowed: set[str]) -> None:
    errors = {key: "Unknown field." for key in body if key not in allowed}
    if errors:
        raise ApiError(422, INVALID, errors)


def _string(body: dict[str, Any], name: str, errors: dict[str, str]) -> str | None:
    value = body.get(name)
    if value is None or isinstance(value, str):
        return value
    errors[name] = "Must be a string."
    return None


@bp.get("/cases/<reference>/contributions")
@api_permission("case.view")
def index(reference: str) -> Any:
    return jsonify({"items": [contribution_json(c) for c in services.contributions_for(_case(reference))]})


@bp.post("/cases/<reference>/contributions")
@api_permission("contribution.ask")
def ask(reference: str) -> Any:
    """Ask a directorate (code), optionally one of its users (username), or an outside address."""
    case = _case(reference)
    body = json_body()
    _only(body, {"directorate", "user", "external_email", "questions", "due_on", "request_text"})
    errors: dict[str, str] = {}
    code = _string(body, "directorate", errors)
    username = _string(body, "user", errors)
    email = _string(body, "external_email", errors)
    text = _string(body, "request_text", errors)
    directorate = user = None
    if code:
        directorate = db.session.scalar(db.select(Directorate).where(Directorate.code == code))
        if directorate is None:
            errors["directorate"] = f"Unknown directorate: {code!r}."
    if username:
        user = db.session.scalar(db.select(User).where(User.username == username, User.is_enabled))
        if user is None:
            errors["user"] = f"Unknown user: {username!r}."
        elif directorate is None and "directorate" not in errors:
            directorate = user.directorate
    numbers = body.get("questions", [])
    if not isinstance(numbers, list):
        errors["questions"] = "A list of question numbers."
        numbers = []
    due_on = None
    raw_due = body.get("due_on")
    if raw_due not in (None, ""):
        try:
            due_on = dt.date.fromisoformat(raw_due) if isinstance(raw_due, str) else None
        except ValueError:
            due_on = None
        if due_on is None:
            errors["due_on"] = "Must be a date (YYYY-MM-DD)."
    if errors:
        raise ApiError(422, INVALID, errors)
    c = services.ask(
        case, request_text=text or "", directorate=directorate, user=user, external_email=email,
        question_numbers=numbers, due_on=due_on, actor=edge.actor(),
    )
    return jsonify(contribution_json(c)), 201


@bp.get("/contributions/<int:contribution_id>")
@api_permission("case.view")
def show(contribution_id: int) -> Any:
    return jsonify(contribution_json(_contribution(contribution_id)))


@bp.post("/contributions/<int:contribution_id>/answer")
@api_permission("contribution.deliver")
def answer(contribution_id: int) -> Any:
    """The contributor's answer: ``text`` and/or a file (``filename`` with base64 ``content``)."""
    c = _contribution(contribution_id)
    body = json_body()
    _only(body, {"text", "filename", "content"})
    errors: dict[str, str] = {}
    text = _string(body, "text", errors) or ""
    filename = _string(body, "filename", errors)
    content = _string(body, "content", errors)
    file = None
    if (filename is None) != (content is None):
        errors["content" if content is None else "filename"] = "A file needs both filename and content."
    elif filename is not None and content is not None:
        try:
            file = (filename, base64.b64decode(content, validate=True))
        except (binascii.Error, ValueError):
            errors["content"] = "Must be base64."
    if errors:
        raise ApiError(422, INVALID, errors)
    services.deliver(c, text=text, file=file, max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"], actor=edge.actor())
    return jsonify(contribution_json(c))


@bp.post("/contributions/<int:contribution_id>/withdraw")
@api_permission("contribution.ask")
def withdraw(contribution_id: int) -> Any:
    """Withdraw a request still open (its outside link stops working); 409 once answered or withdrawn."""
    c = _contribution(contribution_id)
    services.withdraw(c, actor=edge.actor())
    return jsonify(contribution_json(c))


def _integer(body: dict[str, Any], name: str, errors: dict[str, str]) -> int | None:
    value = body.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    errors[name] = "Required: an integer."
    return None


@bp.post("/contributions/<int:contribution_id>/take")
@api_permission("contribution.ask")
def take(contribution_id: int) -> Any:
    """Take a delivered answer into a draft letter's answers for its questions: ``letter`` (id)
    and ``version``, the letter's version you read (409 when it changed since)."""
    c = _contribution(contribution_id)
    body = json_body()
    _only(body, {"letter", "version"})
    errors: dict[str, str] = {}
    letter_id = _integer(body, "letter", errors)
    version = _integer(body, "version", errors)
    letter = db.session.get(Letter, letter_id) if letter_id is not None else None
    if letter_id is not None and letter is None:
        errors["letter"] = "No letter with this id."
    if errors or letter is None or version is None:
        raise ApiError(422, INVALID, errors)
    services.take_into_letter(c, letter, expected_version=version, actor=edge.actor())
    db.session.flush()  # the answer shows the letter's new version
    return jsonify({"contribution": contribution_json(c), "letter": letter_json(letter)})
