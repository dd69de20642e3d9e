"""Case endpoints of the JSON API (/api/v1/cases…)."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

from flask import Flask, Response, current_app, jsonify, request, url_for

from parliament_tracker import edge
from parliament_tracker.api import (
    ApiError,
    api_error,
    api_permission,
    json_body,
    make_blueprint,
)
from parliament_tracker.auth.models import User
from parliament_tracker.cases import assignments, links, queries, services
from parliament_tracker.cases.forms import MAX_MEMBERS, TEXT_LIMITS
from parliament_tracker.cases.models import Attachment, Case, CaseKind, LinkType
from parliament_tracker.cases.uploads import UploadRejected
from parliament_tracker.downloads import content_disposition
from parliament_tracker.extensions import db
from parliament_tracker.forms import MAX_INT
from parliament_tracker.organisation.models import Committee, Directorate, Signatory
from parliament_tracker.organisation.services import member_for

#: the columns' lengths (organisation.models Member.name, Party.abbreviation)
MEMBER_NAME_MAX = 200
PARTY_ABBREVIATION_MAX = 32

#: ``app.extensions`` key: the functions that add fields to a case's JSON (e.g. its deadlines)
_EXTENDERS_KEY = "case_json_extenders"


def register_case_json_extender(
    app: Flask, extend: Callable[[Case], dict[str, Any]], *, of_a_new_case: dict[str, Any] | None = None
) -> None:
    """The hook a higher package registers with at app creation to add fields to the case JSON
    (deadlines adds the deadline list); cases itself never imports it. ``of_a_new_case``: what
    ``extend`` can only give for a case created in this request (letters: none), so the create's
    answer does not query for it."""
    app.extensions.setdefault(_EXTENDERS_KEY, []).append((extend, of_a_new_case))


def case_json(case: Case, *, full: bool = True, new: bool = False) -> dict[str, Any]:
    """``new``: the case was created in this request (it has no links yet, nor what an extender
    registered ``of_a_new_case`` for)."""
    data: dict[str, Any] = {
        "reference": case.reference,
        "kind": case.kind.value,
        "subject": case.subject,
        "received_on": case.received_on.isoformat(),
        "status": case.status.value,
        "version": case.version,
        "lead_directorate": case.lead_directorate.code if case.lead_directorate else None,
        "drafter": case.drafter.username if case.drafter else None,
        "addressed_to": case.addressed_to.office_title if case.addressed_to else None,
        "committee": case.committee.name if case.committee else None,
        "members": [{"name": m.name, "party": m.party.abbreviation if m.party else None} for m in case.members],
        "dossier": case.dossier,
        # the binding deadline (denormalised; the full list comes from the registered extenders)
        "due_on": case.due_on.isoformat() if case.due_on else None,
        "practical_due_on": case.practical_due_on.isoformat() if case.practical_due_on else None,
        "url": url_for("cases.show", reference=case.reference, _external=True),
    }
    if full:
        data["notes"] = case.notes
        data["questions"] = [_question_json(q) for q in case.questions]
        data["links"] = [] if new else [
            {"reference": v.case.reference, "type": v.link_type.value, "direction": "outgoing" if v.outgoing else "incoming"}
            for v in links.links_of(case)
        ]
        for extend, of_a_new_case in current_app.extensions.get(_EXTENDERS_KEY, ()):
            data.update(copy.deepcopy(of_a_new_case) if new and of_a_new_case is not None else extend(case))
    return data


def _question_json(q: Any) -> dict[str, Any]:
    """A question with its directorate and drafter: its own assignment, else the case's."""
    directorate, drafter = assignments.effective_directorate(q), assignments.effective_drafter(q)
    return {
        "number": q.number,
        "text": q.text,
        "see_answer_to": q.see_answer_to,
        "directorate": directorate.code if directorate else None,
        "drafter": drafter.username if drafter else None,
        "own_assignment": q.directorate_id is not None or q.drafter_id is not None,
    }


def _lookup(model: Any, column: Any, value: Any, field: str, errors: dict[str, str]) -> Any:
    if value in (None, ""):
        return None
    if not isinstance(value, str):
        errors[field] = "Must be a string."
        return None
    found = db.session.scalar(db.select(model).where(column == value))
    if found is None:
        errors[field] = f"Unknown {field}: {value!r}."
    return found


#: the fields a case's JSON may hold
KNOWN_FIELDS = {
    "reference", "kind", "subject", "received_on", "lead_directorate", "drafter", "addressed_to",
    "committee", "members", "dossier", "notes", "questions_text", "version",
    "committee_due_on", "given_due_on", "due_before_event",
}


def input_from_json(body: dict[str, Any], *, creating: bool) -> services.CaseInput:
    """Validate types and look up related objects; raises 422 with every field's problem."""
    errors: dict[str, str] = {}
    data = services.CaseInput()
    for key in body:
        if key not in KNOWN_FIELDS:
            errors[key] = "Unknown field."
    _texts(body, data, errors)
    _kind_and_received_on(body, data, errors, creating=creating)
    if creating:
        for name in ("reference", "subject"):
            if not body.get(name):
                errors.setdefault(name, "Required.")
    _relations(body, data, errors)
    if "members" in body:
        members = _members(body["members"], errors)
        if members is not None:
            data.members = members
    for name in ("committee_due_on", "given_due_on"):
        if name in body:
            raw = body[name]
            try:
                setattr(data, name, None if raw is None else dt.date.fromisoformat(raw))
            except (TypeError, ValueError):
                errors[name] = "Must be an ISO date (YYYY-MM-DD) or null."
    if "due_before_event" in body:
        data.due_before_event = _event(body["due_before_event"], errors)
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)
    return data


def _texts(body: dict[str, Any], data: services.CaseInput, errors: dict[str, str]) -> None:
    for name in ("reference", "subject", "dossier", "notes", "questions_text"):
        if name in body:
            if body[name] is not None and not isinstance(body[name], str):
                errors[name] = "Must be a string."
            elif body[name] is not None and len(body[name]) > TEXT_LIMITS[name]:
                # The same limits as the form's: the API takes no more than the pages do.
                errors[name] = f"At most {TEXT_LIMITS[name]} characters."
            else:
                setattr(data, name, body[name] if body[name] is not None else "")


def _kind_and_received_on(body: dict[str, Any], data: services.CaseInput, errors: dict[str, str], *, creating: bool) -> None:
    if "kind" in body or creating:
        raw = body.get("kind")
        if not isinstance(raw, str) or raw not in CaseKind.__members__:
            errors["kind"] = f"Must be one of: {', '.join(CaseKind.__members__)}."
        else:
            data.kind = CaseKind(raw)
    if "received_on" in body or creating:
        raw = body.get("received_on")
        try:
            data.received_on = dt.date.fromisoformat(raw) if isinstance(raw, str) else None
        except ValueError:
            data.received_on = None
        if data.received_on is None:
            errors["received_on"] = "Must be an ISO date (YYYY-MM-DD)."


def _relations(body: dict[str, Any], data: services.CaseInput, errors: dict[str, str]) -> None:
    """The related rows named by their natural keys (directorate code, username, ...)."""
    if "lead_directorate" in body:
        data.lead_directorate = _lookup(Directorate, Directorate.code, body["lead_directorate"], "lead_directorate", errors)
    if "drafter" in body:
        data.drafter = _lookup(User, User.username, body["drafter"], "drafter", errors)
    if "addressed_to" in body:
        data.addressed_to = _lookup(Signatory, Signatory.office_title, body["addressed_to"], "addressed_to", errors)
    if "committee" in body:
        data.committee = _lookup(Committee, Committee.name, body["committee"], "committee", errors)


def _members(raw: Any, errors: dict[str, str]) -> list[Any] | None:
    """The members ({name, party}), found or added; None (and an error) when not a list."""
    if not isinstance(raw, list):
        errors["members"] = "Must be a list of {name, party}."
        return None
    if len(raw) > MAX_MEMBERS:
        errors["members"] = f"At most {MAX_MEMBERS} members."
        return None
    members = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not isinstance(item.get("party"), str | None):
            errors["members"] = "Must be a list of {name, party}."
            break
        party = item.get("party")
        if not item["name"].strip() or len(item["name"]) > MEMBER_NAME_MAX or (
            party is not None and (not isinstance(party, str) or len(party) > PARTY_ABBREVIATION_MAX)
        ):
            errors["members"] = f"Each member needs a name of at most {MEMBER_NAME_MAX} characters and a party abbreviation of at most {PARTY_ABBREVIATION_MAX}."
            break
        members.append(member_for(item["name"], item.get("party")))
    return members


def _event(value: Any, errors: dict[str, str]) -> Any:
    """The event a case is due before, by id (None clears it). Whether it may be one (not a
    recess) is the case service's rule, for the form and the API alike."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool):
        errors["due_before_event"] = "Must be an event id (integer) or null."
        return ...
    event_model = Case.due_before_event.property.mapper.class_
    event = db.session.get(event_model, value) if 0 < value <= MAX_INT else None
    if event is None:
        errors["due_before_event"] = f"No event with id {value}."
        return ...
    return event


def _get(reference: str, *, shown: bool = False) -> Case:
    case = services.find_case(reference, shown=shown)
    if case is None:
        raise ApiError(404, f"No case with reference {reference!r}.")
    return case


bp = make_blueprint("cases_api", __name__)


def _duplicate(exc: Any) -> Any:
    """A duplicate reference also names where the existing case is."""
    if not isinstance(exc, services.DuplicateCase):
        return None
    return jsonify(
        error={"status": exc.status, "message": exc.message},
        errors=exc.errors,
        existing=url_for("cases_api.get_case", reference=exc.existing.reference),
    ), exc.status


@bp.post("/cases")
@api_permission("case.create")
def create_case():
    """Register a case: the same service call, audit entry and recompute as the form."""
    body = json_body()
    data = input_from_json(body, creating=True)
    edge.on_refusal(_duplicate)
    warnings = services.date_warnings(data)
    case = services.create_case(data, actor=edge.actor())
    db.session.flush()  # the answer shows the stored version (the recompute changed the case)
    return jsonify(_with_warnings(case_json(case, new=True), warnings)), 201, {"Location": url_for("cases_api.get_case", reference=case.reference)}


@bp.get("/cases")
@api_permission("case.view")
def list_cases():
    """Search and filter cases."""
    f = queries.filter_from_args(request.args, per_page=current_app.config["CASES_PER_PAGE"])
    per_page = request.args.get("per_page", type=int)
    if per_page:
        f.per_page = max(1, min(per_page, 500))
    items, total = queries.search(f, members=True)  # each item names its members
    return jsonify(
        items=[case_json(c, full=False) for c in items],
        total=total,
        total_capped=queries.is_capped(total),
        page=f.page,
        per_page=f.per_page,
    )


@bp.get("/cases/<reference>")
@api_permission("case.view")
def get_case(reference: str):
    """One case, with its links."""
    return jsonify(case_json(_get(reference, shown=True)))


@bp.patch("/cases/<reference>")
@api_permission("case.edit")
def patch_case(reference: str):
    """Edit a case; ``version`` must be the version you read."""
    case = _get(reference)
    body = json_body()
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ApiError(422, "The request has invalid fields.", {"version": "Required: the version you read (integer)."})
    data = input_from_json(body, creating=False)
    warnings = services.date_warnings(data, case)
    services.update_case(case, data, expected_version=version, actor=edge.actor())
    db.session.flush()
    return jsonify(_with_warnings(case_json(case), warnings))


def _with_warnings(data: dict[str, Any], warnings: dict[str, str]) -> dict[str, Any]:
    """A saved case with what the form would have asked to confirm (a date received over a
    year ago): the API saves it and says so, per field."""
    if warnings:
        data["warnings"] = warnings
    return data


@bp.post("/cases/<reference>/links")
@api_permission("case.link")
def add_link(reference: str):
    """Link two cases."""
    case = _get(reference)
    body = json_body()
    raw_type = body.get("type", "related")
    if raw_type not in LinkType.__members__:
        raise ApiError(422, "The request has invalid fields.", {"type": f"Must be one of: {', '.join(LinkType.__members__)}."})
    if not isinstance(body.get("reference"), str):
        raise ApiError(422, "The request has invalid fields.", {"reference": "Required."})
    links.add_link(case, body["reference"], LinkType(raw_type), actor=edge.actor())
    db.session.flush()
    return jsonify(case_json(case)), 201


@bp.delete("/cases/<reference>/links")
@api_permission("case.link")
def delete_link(reference: str):
    """Remove a link: ``?reference=`` names the other case."""
    case = _get(reference)
    other = request.args.get("reference", "").strip()
    if not other:
        raise ApiError(422, "Name the other case: ?reference=.", {"reference": "Required."})
    links.remove_link(case, other, actor=edge.actor())
    db.session.flush()
    return jsonify(case_json(case))

def attachment_json(case: Case, attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_by": attachment.uploaded_by.username if attachment.uploaded_by else None,
        "created_at": attachment.created_at.isoformat(),
        "url": url_for("cases_api.download_attachment", reference=case.reference, attachment_id=attachment.id, _external=True),
    }


@bp.get("/cases/<reference>/attachments")
@api_permission("case.view")
def list_attachments(reference: str):
    """The incoming documents kept with the case."""
    case = _get(reference)
    return jsonify(items=[attachment_json(case, a) for a in case.attachments])


@bp.post("/cases/<reference>/attachments")
@api_permission("case.attach")
def add_attachment(reference: str):
    """Attach an incoming PDF or DOCX (multipart ``file``)."""
    case = _get(reference)
    upload = request.files.get("file")
    max_bytes = current_app.config["ATTACHMENT_MAX_BYTES"]
    data = upload.read(max_bytes + 1) if upload else b""
    if upload is None:
        raise ApiError(422, "Send the file as multipart form field 'file'.", {"file": "Required."})
    try:
        attachment = services.add_attachment(case, upload.filename or "", data, max_bytes=max_bytes, actor=edge.actor())
    except UploadRejected as exc:
        raise ApiError(422, exc.message, {"file": exc.message}) from None
    return jsonify(attachment_json(case, attachment)), 201


@bp.get("/cases/<reference>/attachments/<int:attachment_id>")
@api_permission("case.view")
def download_attachment(reference: str, attachment_id: int):
    """The attachment's file."""
    case = _get(reference)
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise ApiError(404, f"No attachment {attachment_id} on {case.reference}.")
    return Response(
        attachment.content,
        mimetype=attachment.content_type,
        headers={"Content-Disposition": content_disposition(attachment.filename, default="bijlage")},
    )


@bp.patch("/cases/<reference>/questions/<int:number>")
@api_permission("case.edit")
def assign_question(reference: str, number: int):
    """A question's own directorate (code) and drafter (username); null: the case's. The same
    service call and audit entry as the case page's form."""
    case = _get(reference)
    body = json_body()
    errors = {key: "Unknown field." for key in body if key not in ("version", "directorate", "drafter")}
    version = body.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        errors["version"] = "Required: the case's version you read (integer)."
        version = -1
    directorate = _lookup(Directorate, Directorate.code, body.get("directorate"), "directorate", errors)
    drafter = _lookup(User, User.username, body.get("drafter"), "drafter", errors)
    if errors:
        raise ApiError(422, "The request has invalid fields.", errors)
    if number not in {q.number for q in case.questions}:
        raise ApiError(404, f"Case {case.reference} has no question {number}.")
    edge.on_refusal(lambda exc: api_error(ApiError(exc.status, exc.message, _api_fields(exc.errors, number) or None)))
    assignments.assign_questions(
        case, {number: assignments.Assignment(directorate, drafter)}, expected_version=version, actor=edge.actor()
    )
    db.session.flush()
    return jsonify(case_json(case))


def _api_fields(errors: dict[str, str], number: int) -> dict[str, str]:
    """The form's field names (a-3-drafter) as the API's (drafter)."""
    prefix = f"a-{number}-"
    return {key.removeprefix(prefix): message for key, message in errors.items()}
