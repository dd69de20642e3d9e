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
    OPENAPI_PATHS,
    OPENAPI_SCHEMAS,
    ApiError,
    api_permission,
    error_response,
    json_body,
    json_body_of,
    json_response,
    make_blueprint,
    nullable,
    obj,
)
from parliament_tracker.auth.models import User
from parliament_tracker.extensions import db
from parliament_tracker.forms import MAX_INT
from parliament_tracker.letters.api import _letter, letter_json, register_letter_json_extender
from parliament_tracker.letters.approval import archive, signing, verification
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.approval.models import ApprovalDecision
from parliament_tracker.letters.engine.signing import PadesLevel, Verdict
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


_ID = [{"name": "letter_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

OPENAPI_SCHEMAS["Letter"]["properties"].update(
    {
        "sent_on": nullable("string", format="date"),
        "approvals": {
            "type": "array",
            "items": obj(
                {
                    "round": {"type": "integer"},
                    "position": {"type": "integer"},
                    "approver": {"type": "string"},
                    "decision": {"enum": [d.value for d in ApprovalDecision]},
                    "comment": nullable("string"),
                    "decided_at": nullable("string", format="date-time"),
                }
            ),
        },
        "current_approver": nullable("string"),
        "signature": {
            "oneOf": [
                {"type": "null"},
                obj(
                    {
                        "signatory": nullable("string"),
                        "signed_by": nullable("string"),
                        "signed_at": {"type": "string", "format": "date-time"},
                        "pdf_sha256": {"type": "string"},
                        "certificate_subject": nullable("string"),
                        "our_reference": {"type": "string"},
                        "letter_date": {"type": "string", "format": "date"},
                        "version": {"type": "integer"},
                    }
                ),
            ]
        },
    }
)
OPENAPI_SCHEMAS["Letter"]["required"] += ["sent_on", "approvals", "current_approver", "signature"]


def _step(summary: str, properties: dict[str, Any], required: list[str] | None = None, **more: Any) -> dict[str, Any]:
    return {
        "post": {
            "summary": summary,
            "parameters": _ID,
            "requestBody": json_body_of(
                {"type": "object", "properties": properties, "required": required or [], "additionalProperties": False},
                required=bool(required),
            ),
            "responses": {
                "200": json_response("The letter", "Letter"),
                "403": error_response(403, "Wrong role, or not this user's turn"),
                "404": error_response(404, "No such letter"),
                "409": error_response(409, "The letter's state does not allow this step"),
                "422": error_response(422),
                **more,
            },
        }
    }


OPENAPI_PATHS["/letters/{letter_id}/submit"] = _step(
    "Submit a draft for approval", {"approvers": {"type": "array", "items": {"type": "string"}}}, ["approvers"]
)
OPENAPI_PATHS["/letters/{letter_id}/approve"] = _step("Approve (the current approver)", {"comment": {"type": "string"}})
OPENAPI_PATHS["/letters/{letter_id}/request-changes"] = _step(
    "Request changes: back to draft", {"comment": {"type": "string"}}, ["comment"]
)
OPENAPI_PATHS["/letters/{letter_id}/sign"] = _step(
    "Sign an approved letter (PAdES)",
    {
        "signatory": {"type": ["string", "integer"], "description": "office title or id"},
        "our_reference": {"type": "string", "description": "empty: the next number of the scheme"},
        "letter_date": {"type": "string", "format": "date"},
    },
    None,
    **{"503": error_response(503, "No signing certificate is configured, or the time-stamp service is unreachable")},
)
OPENAPI_PATHS["/letters/{letter_id}/send"] = _step(
    "Record the signed letter as sent", {"sent_on": {"type": "string", "format": "date"}}, ["sent_on"]
)
OPENAPI_PATHS["/letters/{letter_id}/withdraw"] = _step(
    "Withdraw a letter that was not sent", {"comment": {"type": "string", "description": "the reason"}}
)
OPENAPI_PATHS["/letters/{letter_id}/archive"] = {
    "get": {
        "summary": "The archive package of a sent letter (ZIP)",
        "description": "One folder with the signed PDF/A, the DOCX, validatierapport.json and .txt (the signature "
        "validation report), mdto.json (MDTO archive metadata with a SHA-256 checksum per file) and "
        "manifest-sha256.txt. Every download is recorded in the audit log.",
        "parameters": _ID,
        "responses": {
            "200": {"description": "ZIP", "content": {"application/zip": {}}},
            "404": error_response(404, "No such letter"),
            "409": error_response(409, "The letter was not sent"),
            "500": error_response(500, "The stored signed letter does not match its recorded SHA-256"),
        },
    }
}
OPENAPI_SCHEMAS["Timestamp"] = obj(
    {
        "time": {"type": "string", "format": "date-time"},
        "authority": {"type": "string", "description": "the time-stamping authority's certificate subject"},
        "intact": {"type": "boolean"},
        "trusted": {"type": "boolean"},
    }
)
OPENAPI_SCHEMAS["Verification"] = obj(
    {
        "verdict": {
            "enum": [v.value for v in Verdict],
            "description": "The one answer. valid: signed with a trusted certificate and unchanged since signing; "
            "modified: the signed bytes were changed or bytes were added after the signature; "
            "not_trusted: signed and unchanged, but not with a certificate this system trusts; "
            "not_signed: a PDF without a signature; unreadable: not a PDF, or its signature cannot be read. "
            "Accept a letter only when the verdict is valid.",
        },
        "verdict_text": {"type": "string", "description": "the verdict in the user's language"},
        "sha256": {"type": "string"},
        "signed": {"type": "boolean"},
        "intact": {"type": "boolean", "description": "detail: the signature covers the whole file, unchanged"},
        "trusted": {"type": "boolean", "description": "detail: the signer's certificate chains to a trusted root"},
        "signer_certificate": nullable("string"),
        "signing_time": nullable("string", format="date-time"),
        "level": {
            "oneOf": [{"type": "null"}, {"enum": [lv.value for lv in PadesLevel]}],
            "description": "the PAdES baseline level the file carries (null: not a PAdES signature)",
        },
        "level_text": nullable("string"),
        "timestamp": {
            "oneOf": [{"type": "null"}, {"$ref": "#/components/schemas/Timestamp"}],
            "description": "the RFC 3161 timestamp on the signature (B-T and up): its time and authority",
        },
        "document_timestamps": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/Timestamp"},
            "description": "document timestamps over the signed file and its validation data (B-LTA)",
        },
        "certificate_chain": {
            "type": "array",
            "description": "the signer's certificate first, up to the root",
            "items": obj(
                {
                    "subject": {"type": "string"},
                    "issuer": {"type": "string"},
                    "serial": {"type": "string", "description": "hexadecimal"},
                    "not_before": {"type": "string", "format": "date-time"},
                    "not_after": {"type": "string", "format": "date-time"},
                    "sha256": {"type": "string"},
                }
            ),
        },
        "validation_data": {
            "oneOf": [
                {"type": "null"},
                obj({"certificates": {"type": "integer"}, "ocsp_responses": {"type": "integer"}, "crls": {"type": "integer"}}),
            ],
            "description": "what the file's DSS holds (B-LT and up)",
        },
        "long_term_validation": {
            "type": "boolean",
            "description": "the signer's chain was judged as of the signature timestamp with the embedded data only",
        },
        "validated_at": nullable("string", format="date-time"),
        "known_letter": {"type": "boolean", "description": "detail: this exact file was signed by this system"},
        "letter": {
            "oneOf": [
                {"type": "null"},
                obj(
                    {
                        "id": {"type": "integer"},
                        "our_reference": {"type": "string"},
                        "letter_date": {"type": "string", "format": "date"},
                        "signatory": nullable("string"),
                        "signed_by": nullable("string"),
                        "signed_at": {"type": "string", "format": "date-time"},
                    }
                ),
            ]
        },
    }
)
OPENAPI_PATHS["/verify"] = {
    "post": {
        "summary": "Verify a signed PDF: one verdict, with the details beside it",
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary"}}}
                }
            },
        },
        "responses": {
            "200": json_response("The verification", "Verification"),
            "413": error_response(413),
            "422": error_response(422, "No file, or a file over the limit"),
        },
    }
}
