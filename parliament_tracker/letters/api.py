"""Letter endpoints of the JSON API.

POST /api/v1/cases/<reference>/letters   start a letter, fill it and generate version 1 → 201
GET  /api/v1/letters/<id>                the letter with its status and versions
GET  /api/v1/letters/<id>/docx|pdf       the latest version's files
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, request, url_for

from parliament_tracker import edge
from parliament_tracker.api import (
    ApiError,
    api_permission,
    json_body,
    make_blueprint,
)
from parliament_tracker.cases import api as cases_api
from parliament_tracker.cases import services as case_services
from parliament_tracker.extensions import db
from parliament_tracker.letters import downloads, services, versions
from parliament_tracker.letters.engine import markup
from parliament_tracker.letters.models import (
    Letter,
    LetterKind,
    LetterVersion,
)

bp = make_blueprint("letters_api", __name__)

KNOWN_FIELDS = {
    "kind",
    "subject",
    "body",
    "answers",
    "mentions",
    "also_answers",
    "postponement_reason",
    "our_reference",
}


def version_json(version: LetterVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "source": version.source.value,
        "filename": version.filename,
        "created_at": version.created_at.isoformat(),
        "created_by": version.created_by.username if version.created_by else None,
        "docx_sha256": version.docx_sha256,
        "pdf_sha256": version.pdf_sha256,
        "note": version.note,
    }


#: ``app.extensions`` key: the functions that add fields to a letter's JSON (the approval workflow's)
_EXTENDERS_KEY = "letter_json_extenders"


def register_letter_json_extender(app: Flask, extend: Any) -> None:
    """The hook the approval workflow registers with at app creation to add its fields."""
    app.extensions.setdefault(_EXTENDERS_KEY, []).append(extend)


def letter_json(letter: Letter) -> dict[str, Any]:
    data = {
        "id": letter.id,
        "kind": letter.kind.value,
        "status": letter.status.value,
        "subject": letter.subject,
        "letter_date": letter.letter_date.isoformat() if letter.letter_date else None,
        "our_reference": letter.our_reference,
        "your_reference": letter.your_reference,
        "your_letter_date": letter.your_letter_date.isoformat() if letter.your_letter_date else None,
        "signatory": letter.signatory.office_title if letter.signatory else None,
        "cases": [{"reference": link.case.reference, "role": link.role.value} for link in letter.case_links],
        "body": markup.from_blocks(letter.body or []),
        "body_blocks": letter.body or [],
        "answers": letter.answers or [],
        "postponement_reason": letter.postponement_reason,
        "version": letter.version,
        "versions": [version_json(v) for v in letter.versions],
        "url": url_for("letters.show", letter_id=letter.id, _external=True),
        "docx_url": url_for("letters_api.latest_docx", letter_id=letter.id, _external=True)
        if letter.versions
        else None,
        "pdf_url": url_for("letters_api.latest_pdf", letter_id=letter.id, _external=True) if letter.versions else None,
    }
    for extend in current_app.extensions.get(_EXTENDERS_KEY, ()):
        data.update(extend(letter))
    return data


def case_letters_json(case: Any) -> dict[str, Any]:
    """Added to the case JSON: the letters that answer, postpone or mention the case."""
    return {
        "letters": [
            {
                "id": letter.id,
                "kind": letter.kind.value,
                "status": letter.status.value,
                "subject": letter.subject,
                "versions": len(letter.versions),
                "url": url_for("letters_api.get_letter", letter_id=letter.id, _external=True),
            }
            for letter in services.letters_for_case(case)
        ]
    }


def init_app(app: Flask) -> None:
    """At app creation: the case JSON lists the case's letters (the cases API's hook)."""
    cases_api.register_case_json_extender(app, case_letters_json, of_a_new_case={"letters": []})


def _body_markup(value: Any, errors: dict[str, str]) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        # a list of paragraphs: each one is a paragraph even if it contains single line breaks
        return markup.from_blocks(
            [b for p in value for b in (markup.to_blocks(p) or [{"type": "p", "runs": [{"text": ""}]}])]
        )
    errors["body"] = "Must be a string (with the drafting markup) or a list of paragraph strings."
    return None


def _references(body: dict[str, Any], name: str, errors: dict[str, str]) -> list[Any]:
    value = body.get(name) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[name] = "Must be a list of reference numbers."
        return []
    found = []
    for ref in value:
        case = case_services.find_case(ref)
        if case is None:
            errors[name] = f"Unknown case: {ref!r}."
        else:
            found.append(case)
    return found


@bp.post("/cases/<reference>/letters")
@api_permission("letter.draft")
def create_letter(reference: str) -> Any:
    """Start a letter from a case, fill it with the given text and generate version 1."""
    case = case_services.find_case(reference)
    if case is None:
        raise ApiError(404, f"No case with reference {reference}.")
    body = json_body()
    errors: dict[str, str] = {key: "Unknown field." for key in body if key not in KNOWN_FIELDS}
    kind_raw = body.get("kind")
    if not isinstance(kind_raw, str) or kind_raw not in LetterKind.__members__:
        errors["kind"] = f"Must be one of: {', '.join(LetterKind.__members__)}."
    for name in ("subject", "postponement_reason", "our_reference"):
        if name in body and not isinstance(body[name], str):
            errors[name] = "Must be a string."
    text = _body_markup(body.get("body"), errors)
    mentions = _references(body, "mentions", errors)
    others = _references(body, "also_answers", errors)
    answers = body.get("answers")
    if answers is not None and not isinstance(answers, list):
        errors["answers"] = "Must be a list of {questions: [numbers], text} or {questions: [numbers], see: number}."
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)
    assert isinstance(kind_raw, str)  # checked above
    kind = LetterKind(kind_raw)
    if kind == LetterKind.postponement_notice and not (body.get("postponement_reason") or "").strip():
        raise ApiError(
            422,
            "A postponement notice must give its reason.",
            {"postponement_reason": "A postponement notice must give its reason."},
        )
    actor = edge.actor()
    letter = services.start_letter(
        [case, *others],
        kind,
        actor=actor,
        mentions=mentions,
        postponement_reason=body.get("postponement_reason") or "",
    )
    data = services.LetterInput(
        subject=body.get("subject"), body=text, answers=answers, our_reference=body.get("our_reference")
    )
    services.update_letter(letter, data, expected_version=letter.version, actor=actor)
    versions.generate_version(letter, actor=actor)
    db.session.flush()  # the answer shows what is stored (versions, numbers)
    response = letter_json(letter)
    return response, 201, {"Location": url_for("letters_api.get_letter", letter_id=letter.id, _external=True)}


def _letter(letter_id: int) -> Letter:
    letter = db.session.get(Letter, letter_id)
    if letter is None:
        raise ApiError(404, f"No letter {letter_id}.")
    return letter


@bp.get("/letters/<int:letter_id>")
@api_permission("letter.view")
def get_letter(letter_id: int) -> Any:
    """The letter with its status and versions."""
    return letter_json(_letter(letter_id))


def _latest(letter_id: int) -> tuple[Letter, LetterVersion]:
    letter = _letter(letter_id)
    if letter.latest_version is None:
        raise ApiError(404, "The letter has no version yet.")
    return letter, letter.latest_version


@bp.get("/letters/<int:letter_id>/docx")
@api_permission("letter.view")
def latest_docx(letter_id: int) -> Any:
    """The latest version's DOCX."""
    return downloads.send_version(*_latest(letter_id), "docx")


@bp.get("/letters/<int:letter_id>/pdf")
@api_permission("letter.view")
def latest_pdf(letter_id: int) -> Any:
    """The latest version's PDF/A-2b."""
    return downloads.send_version(*_latest(letter_id), "pdf")


CONTENT_FIELDS = {"version", "subject", "body", "answers", "our_reference", "postponement_reason"}


@bp.patch("/letters/<int:letter_id>")
@api_permission("letter.draft")
def update_letter(letter_id: int) -> Any:
    """Change a draft's content; ``version`` must be the version you read (else 409)."""
    letter = _letter(letter_id)
    body = json_body()
    errors: dict[str, str] = {key: "Unknown field." for key in body if key not in CONTENT_FIELDS}
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        errors["version"] = "Required: the version you read (integer)."
    for name in ("subject", "our_reference", "postponement_reason"):
        if name in body and not isinstance(body[name], str):
            errors[name] = "Must be a string."
    text = _body_markup(body.get("body"), errors)
    answers = body.get("answers")
    if answers is not None and not isinstance(answers, list):
        errors["answers"] = "Must be a list of {questions: [numbers], text} or {questions: [numbers], see: number}."
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)
    data = services.LetterInput(
        subject=body.get("subject"),
        body=text,
        answers=answers,
        our_reference=body.get("our_reference"),
        postponement_reason=body.get("postponement_reason"),
    )
    assert isinstance(version, int)  # checked above
    services.update_letter(letter, data, expected_version=version, actor=edge.actor())
    db.session.flush()
    return letter_json(letter)


@bp.get("/letters/<int:letter_id>/versions")
@api_permission("letter.view")
def list_versions(letter_id: int) -> Any:
    """The letter's versions, oldest first."""
    return {"items": [version_json(v) for v in _letter(letter_id).versions]}


@bp.post("/letters/<int:letter_id>/versions")
@api_permission("letter.draft")
def generate(letter_id: int) -> Any:
    """Generate a new version (DOCX and PDF) from the draft's content."""
    letter = _letter(letter_id)
    version = versions.generate_version(letter, actor=edge.actor())
    db.session.flush()
    return version_json(version), 201


@bp.post("/letters/<int:letter_id>/upload")
@api_permission("letter.draft")
def upload(letter_id: int) -> Any:
    """Upload a DOCX edited in Word (multipart ``file``, optional ``note``); its PDF is made from it."""
    letter = _letter(letter_id)
    upload = request.files.get("file")
    limit = current_app.config["LETTER_MAX_UPLOAD_BYTES"]
    data = upload.read(limit + 1) if upload else b""
    if not data:
        raise ApiError(422, "Send the DOCX as multipart form field 'file'.", {"file": "Required."})
    assert upload is not None  # no upload, no data
    version = versions.upload_docx(letter, upload.filename or "", data, actor=edge.actor(), note=request.form.get("note", ""))
    db.session.flush()
    return version_json(version), 201
