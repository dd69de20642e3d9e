"""Earlier answers and standard lines in the API.

Routes:
    GET    /api/v1/answers?q=&case=&limit=          earlier answers, ranked        answers.view
    GET    /api/v1/standard-lines?directorate=&topic=  the lines                    answers.view
    POST   /api/v1/standard-lines                   a new line (own directorate)    standard_line.manage
    GET    /api/v1/standard-lines/<id>              one line with its versions      answers.view
    PATCH  /api/v1/standard-lines/<id>              change it (``version`` you read) standard_line.manage
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Flask, jsonify, request, url_for

from parliament_tracker import edge
from parliament_tracker.answers import ranking, search, services, standard_lines
from parliament_tracker.answers.models import IndexedAnswer, StandardLine
from parliament_tracker.api import ApiError, api_permission, json_body, make_blueprint
from parliament_tracker.auth.models import User
from parliament_tracker.cases.services import find_case
from parliament_tracker.db import today_local
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate

bp = make_blueprint("answers_api", __name__)

MAX_LIMIT = 50
FIELDS = ("topic", "title", "text", "owner", "approved_by", "valid_until")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


def answer_json(r: ranking.Ranked, versions: dict[int, int]) -> dict[str, Any]:
    a: IndexedAnswer = r.item
    number = versions.get(a.letter_id)
    return {
        "id": a.id,
        "score": r.score,
        "reasons": list(r.reasons),
        "case": a.case_reference,
        "question_number": a.question_number,
        "question": a.question_text,
        "answer": a.answer_text,
        "letter_id": a.letter_id,
        "sent_on": a.sent_on.isoformat(),
        "members": a.members_label,
        "directorate": a.directorate.code if a.directorate else None,
        "dossier": a.dossier,
        "signed_pdf": url_for("letters.version_pdf", letter_id=a.letter_id, number=number, _external=True) if number else None,
    }


def line_json(line: StandardLine, *, versions: bool = False) -> dict[str, Any]:
    today = today_local()
    out: dict[str, Any] = {
        "id": line.id,
        "directorate": line.directorate.code,
        "topic": line.topic,
        "title": line.title,
        "text": line.text,
        "owner": line.owner.username,
        "approved_by": line.approved_by,
        "valid_until": line.valid_until.isoformat(),
        "expired": line.expired(today),
        "version": line.version,
    }
    if versions:
        out["versions"] = [
            {
                "number": v.number,
                "title": v.title,
                "topic": v.topic,
                "text": v.text,
                "approved_by": v.approved_by,
                "valid_until": v.valid_until.isoformat(),
                "changed_by": v.changed_by.username if v.changed_by else None,
                "changed_at": v.created_at.isoformat(),
            }
            for v in line.versions
        ]
    return out


def _limit() -> int:
    raw = request.args.get("limit", "10")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(422, f"limit must be a whole number from 1 to {MAX_LIMIT}.", {"limit": "out of range"})
    return int(raw)


@bp.get("/answers")
@api_permission("answers.view")
def answers() -> Any:
    query = (request.args.get("q") or "").strip()
    if not query:
        raise ApiError(422, "Give the words to search for in q.", {"q": "required"})
    if len(query) > search.MAX_QUERY:
        raise ApiError(422, f"q is too long (at most {search.MAX_QUERY} characters).", {"q": "too long"})
    limit = _limit()
    context = ranking.Context()
    reference = request.args.get("case")
    if reference:
        case = find_case(reference)
        if case is None:
            raise ApiError(422, f"No case with reference {reference}.", {"case": "unknown"})
        context = services.context_for(case)
    hits = search.search(query, context, limit=limit)
    versions = search.final_versions([r.item.letter_id for r in hits])
    return jsonify({"items": [answer_json(r, versions) for r in hits]})


@bp.get("/standard-lines")
@api_permission("answers.view")
def lines() -> Any:
    code = request.args.get("directorate")
    directorate_id = None
    if code:
        directorate = db.session.scalar(db.select(Directorate).where(Directorate.code == code))
        if directorate is None:
            raise ApiError(422, f"No directorate {code}.", {"directorate": "unknown"})
        directorate_id = directorate.id
    items = standard_lines.lines(directorate_id=directorate_id, topic=(request.args.get("topic") or "").strip() or None)
    return jsonify({"items": [line_json(line) for line in items]})


def _input(data: dict[str, Any], *, creating: bool) -> standard_lines.LineInput:
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for name in ("topic", "title", "text", "approved_by"):
        if name in data:
            if not isinstance(data[name], str):
                errors[name] = "must be a string"
            else:
                values[name] = data[name]
    if "owner" in data:
        owner = db.session.scalar(db.select(User).where(User.username == data["owner"])) if isinstance(data["owner"], str) else None
        if owner is None:
            errors["owner"] = "unknown user"
        values["owner"] = owner
    if "valid_until" in data:
        try:
            values["valid_until"] = dt.date.fromisoformat(data["valid_until"])
        except (TypeError, ValueError):
            errors["valid_until"] = "must be a date (YYYY-MM-DD)"
    if errors:
        raise ApiError(422, "Invalid fields.", errors)
    return standard_lines.LineInput(**values)


@bp.post("/standard-lines")
@api_permission("standard_line.manage")
def create_line() -> Any:
    data = json_body()
    code = data.get("directorate")
    directorate = db.session.scalar(db.select(Directorate).where(Directorate.code == code)) if isinstance(code, str) else None
    if directorate is None:
        raise ApiError(422, "Name the directorate (its code).", {"directorate": "unknown"})
    line = standard_lines.create(directorate, _input(data, creating=True), actor=edge.actor(), today=today_local())
    return jsonify(line_json(line, versions=True)), 201


def _line(line_id: int) -> StandardLine:
    line = db.session.get(StandardLine, line_id)
    if line is None:
        raise ApiError(404, "There is no standard line with this id.")
    return line


@bp.get("/standard-lines/<int:line_id>")
@api_permission("answers.view")
def read_line(line_id: int) -> Any:
    return jsonify(line_json(_line(line_id), versions=True))


@bp.patch("/standard-lines/<int:line_id>")
@api_permission("standard_line.manage")
def change_line(line_id: int) -> Any:
    line = _line(line_id)
    data = json_body()
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ApiError(422, "Send the version you read.", {"version": "required"})
    line = standard_lines.change(line, _input(data, creating=False), expected_version=version, actor=edge.actor(), today=today_local())
    return jsonify(line_json(line, versions=True))
