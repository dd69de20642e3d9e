"""The approval workflow's part of the OpenAPI document: its steps, verification, the archive package, and its fields of Letter."""

from __future__ import annotations

from typing import Any

from parliament_tracker.api import (
    OpenApiParts,
    error_response,
    json_body_of,
    json_response,
    nullable,
    obj,
)
from parliament_tracker.letters.approval.models import ApprovalDecision
from parliament_tracker.letters.engine.signing import PadesLevel, Verdict

#: this part's own schemas and operations (filled here, copied into each document)
_SCHEMAS: dict[str, Any] = {}
_PATHS: dict[str, dict[str, Any]] = {}

_ID = [{"name": "letter_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

#: the workflow's fields of the letters API's Letter (``workflow_fields``)
_LETTER_FIELDS: dict[str, Any] = {
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


_PATHS["/letters/{letter_id}/submit"] = _step(
    "Submit a draft for approval", {"approvers": {"type": "array", "items": {"type": "string"}}}, ["approvers"]
)
_PATHS["/letters/{letter_id}/approve"] = _step("Approve (the current approver)", {"comment": {"type": "string"}})
_PATHS["/letters/{letter_id}/request-changes"] = _step(
    "Request changes: back to draft", {"comment": {"type": "string"}}, ["comment"]
)
_PATHS["/letters/{letter_id}/sign"] = _step(
    "Sign an approved letter (PAdES)",
    {
        "signatory": {"type": ["string", "integer"], "description": "office title or id"},
        "our_reference": {"type": "string", "description": "empty: the next number of the scheme"},
        "letter_date": {"type": "string", "format": "date"},
    },
    None,
    **{"503": error_response(503, "No signing certificate is configured, or the time-stamp service is unreachable")},
)
_PATHS["/letters/{letter_id}/send"] = _step(
    "Record the signed letter as sent", {"sent_on": {"type": "string", "format": "date"}}, ["sent_on"]
)
_PATHS["/letters/{letter_id}/withdraw"] = _step(
    "Withdraw a letter that was not sent", {"comment": {"type": "string", "description": "the reason"}}
)
_PATHS["/letters/{letter_id}/archive"] = {
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
_SCHEMAS["Timestamp"] = obj(
    {
        "time": {"type": "string", "format": "date-time"},
        "authority": {"type": "string", "description": "the time-stamping authority's certificate subject"},
        "intact": {"type": "boolean"},
        "trusted": {"type": "boolean"},
    }
)
_SCHEMAS["Verification"] = obj(
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
_PATHS["/verify"] = {
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


def openapi(doc: OpenApiParts) -> None:
    """This part's contribution to the OpenAPI document (registered at app creation)."""
    doc.add(_PATHS, _SCHEMAS)
    doc.extend("Letter", _LETTER_FIELDS, ["sent_on", "approvals", "current_approver", "signature"])
