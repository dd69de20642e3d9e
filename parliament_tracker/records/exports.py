"""The Woo file of a search: asked for on the case list, built by the ``woo_exports`` job.

The job runs in steps, each its own unit of work (the scheduler repeats a stepping job while
it reports ``more``), so the export page shows how far it is:

1. a queued export: the search is run once and its cases' ids kept (``case_ids``);
2. then ``WOO_EXPORT_BATCH_CASES`` cases at a time: their documents and those of their linked
   cases (``link_depth`` levels) are made and kept as numbered parts, each document once
   (a part's ``key`` is unique per export);
3. when every case is done: the ZIP (inventory and documents) is made from the parts and
   stored until ``expires_at`` (``WOO_EXPORT_LINK_HOURS``), the parts are dropped, each case's
   timeline records the export and the requester is notified with a signed download link.

A step that fails rolls back and marks the export failed (kept after the rollback). Expired
ZIPs are dropped by the next run. Services take the actor and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from parliament_tracker import edge
from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases import queries
from parliament_tracker.cases.models import Case
from parliament_tracker.db import now_utc, today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services as notification_services
from parliament_tracker.notifications.models import NotificationKind
from parliament_tracker.records import woo
from parliament_tracker.records.models import WooExport, WooExportPart, WooExportStatus

LINK_SALT = "woo-export-download"
#: the case list's query arguments a Woo file of a search keeps
FILTER_KEYS = ("q", "kind", "status", "state", "directorate", "drafter", "committee", "party", "received_from", "received_to")
#: a stepping job's bound on steps per run (the next run goes on)
MAX_STEPS = 500


def clean_filters(args: Mapping[str, str]) -> dict[str, str]:
    """The search's arguments that the case list understands, as it would read them."""
    parsed = queries.filter_from_args(args, per_page=1)
    kept = {k: str(args[k]).strip() for k in FILTER_KEYS if args.get(k)}
    # drop what the list would ignore (unknown kinds, bad dates): the file is what the list showed
    if parsed.kind is None:
        kept.pop("kind", None)
    if parsed.status is None:
        kept.pop("status", None)
    if parsed.state is None:
        kept.pop("state", None)
    for key in ("received_from", "received_to"):
        if getattr(parsed, key) is None:
            kept.pop(key, None)
    return kept


def matching_ids(filters: Mapping[str, str]) -> list[int]:
    f = queries.filter_from_args(filters, per_page=1)
    stmt = queries.filtered(f).with_only_columns(Case.id).order_by(*queries.SORTS[queries.DEFAULT_SORT])
    return list(db.session.scalars(stmt))


def request_export(filters: Mapping[str, str], *, actor: User, depth: int | None = None) -> WooExport:
    """Queue the Woo file of a search; refused when it matches no case."""
    kept = clean_filters(filters)
    count = len(matching_ids(kept))
    if count == 0:
        raise DomainError(_("No case matches this search: there is nothing to put in a Woo file."), kind=Kind.invalid)
    export = WooExport(requested_by=actor, filters=kept, link_depth=woo.link_depth(depth), status=WooExportStatus.queued,
                       case_ids=[], done=0, documents=0)
    db.session.add(export)
    db.session.flush()
    record("woo_export:requested", export, f"Woo file of a search requested ({count} cases)", actor=actor,
           filters=kept, cases=count, link_depth=export.link_depth)
    return export


def visible_to(export: WooExport, user: User) -> bool:
    """The requester sees their export; administrators see all."""
    return user.role == Role.admin or export.requested_by_id == user.id


# -- the job ------------------------------------------------------------------------------------


def _next_export() -> WooExport | None:
    stmt = (
        sa.select(WooExport)
        .where(WooExport.status.in_([WooExportStatus.queued, WooExportStatus.running]))
        .order_by(WooExport.id)
        .limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update(skip_locked=True, of=WooExport)
    return db.session.scalar(stmt)


def _expire(now: dt.datetime) -> int:
    expired = db.session.scalars(
        sa.select(WooExport).where(WooExport.status == WooExportStatus.ready, WooExport.expires_at < now)
    ).all()
    for export in expired:
        export.status = WooExportStatus.expired
        export.zip_data = None
    return len(expired)


def _failed(export_id: int, message: str) -> None:
    db.session.execute(
        sa.update(WooExport).where(WooExport.id == export_id)
        .values(status=WooExportStatus.failed, error=message[:2000], finished_at=now_utc()),
        execution_options={"synchronize_session": False},
    )


def step(today: dt.date) -> dict[str, Any]:
    """One step of the oldest unfinished export (the ``woo_exports`` job's body)."""
    expired = _expire(now_utc())
    export = _next_export()
    if export is None:
        return {"more": False, "expired": expired}
    export_id = export.id
    edge.after_rollback(lambda: _failed(export_id, "the step failed; see the job run's error"))
    if export.status == WooExportStatus.queued:
        export.case_ids = matching_ids(export.filters or {})
        export.status = WooExportStatus.running
        return {"more": True, "export": export_id, "cases": export.total, "expired": expired}
    if export.done < export.total:
        return {"more": True, "export": export_id, **_gather(export)}
    _finish(export)
    return {"more": _next_export() is not None, "export": export_id, "ready": True, "documents": export.documents}


def _gather(export: WooExport) -> dict[str, Any]:
    batch = int(current_app.config.get("WOO_EXPORT_BATCH_CASES", 10))
    ids = export.case_ids[export.done : export.done + batch]
    found = {c.id: c for c in db.session.scalars(sa.select(Case).where(Case.id.in_(ids)))}
    cases = woo.with_linked([found[i] for i in ids if i in found], export.link_depth)
    seen = set(db.session.scalars(sa.select(WooExportPart.key).where(WooExportPart.export_id == export.id)))
    number = db.session.scalar(sa.select(sa.func.max(WooExportPart.number)).where(WooExportPart.export_id == export.id)) or 0
    added = 0
    for doc in woo.documents(cases, seen):
        number += 1
        db.session.add(WooExportPart(export_id=export.id, key=doc.key, number=number, row=doc.row(number), data=doc.data))
        added += 1
    db.session.flush()
    export.done += len(ids)
    export.documents += added
    return {"cases_done": export.done, "documents": added}


def _finish(export: WooExport) -> None:
    parts = db.session.execute(
        sa.select(WooExportPart.row, WooExportPart.data).where(WooExportPart.export_id == export.id).order_by(WooExportPart.number)
    ).tuples()
    cases = db.session.scalars(sa.select(Case).where(Case.id.in_(export.case_ids))).all()
    references = sorted(c.reference for c in cases)
    title = f"Inventarislijst Woo-dossier (zoekopdracht {export.id})"
    woo_file = woo.assemble(title, f"woo-zoekopdracht-{export.id}-{today_local().isoformat()}.zip", references, parts)
    db.session.execute(sa.delete(WooExportPart).where(WooExportPart.export_id == export.id))
    now = now_utc()
    export.zip_data = woo_file.data
    export.zip_sha256 = woo_file.sha256
    export.zip_size = len(woo_file.data)
    export.documents = len(woo_file.rows)
    export.status = WooExportStatus.ready
    export.finished_at = now
    export.expires_at = now + dt.timedelta(hours=link_hours())
    actor = export.requested_by
    record("woo_export:ready", export, f"Woo file of search {export.id} ready ({export.documents} documents)", actor=actor,
           documents=export.documents, cases=references, zip_sha256=woo_file.sha256)
    for case in cases:
        record("case:woo_exported", case, f"In the Woo file of search {export.id} ({export.documents} documents)",
               actor=actor, export_id=export.id, documents=export.documents, zip_sha256=woo_file.sha256)
    if actor is not None:
        _notify(export, actor)


def link_hours() -> int:
    return int(current_app.config.get("WOO_EXPORT_LINK_HOURS", 72))


def _notify(export: WooExport, user: User) -> None:
    url = notification_services.absolute_url(f"/woo/download/{download_token(export)}")
    notification_services.queue([
        notification_services.Draft(
            recipient=notification_services.user_recipient(user),
            kind=NotificationKind.woo_export_ready,
            case_id=None,
            due_on=None,
            template="woo_export_ready",
            context={"url": url, "export_id": export.id, "documents": export.documents, "cases": export.total,
                     "hours": link_hours(), "page": notification_services.absolute_url(f"/woo/exports/{export.id}")},
            ref=f"woo_export:{export.id}",
        )
    ])


# -- the download link --------------------------------------------------------------------------


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=LINK_SALT)


def download_token(export: WooExport) -> str:
    """Signed: names the export and its ZIP's hash; valid for ``WOO_EXPORT_LINK_HOURS``."""
    return _serializer().dumps({"e": export.id, "h": (export.zip_sha256 or "")[:16]})


def from_token(token: str, user: User) -> WooExport:
    """The ready export a link names, for its requester (or an administrator); refused when the
    link is bad or expired or the file is gone."""
    try:
        data = _serializer().loads(token, max_age=link_hours() * 3600)
    except SignatureExpired:
        raise DomainError(_("This download link has expired. Ask for the Woo file again."), kind=Kind.refused) from None
    except BadSignature:
        raise DomainError(_("This download link is not valid."), kind=Kind.not_found) from None
    export = db.session.get(WooExport, data.get("e")) if isinstance(data, dict) else None
    if export is None or not visible_to(export, user):
        raise DomainError(_("This download link is not valid."), kind=Kind.not_found)
    if export.status != WooExportStatus.ready or (export.zip_sha256 or "")[:16] != data.get("h"):
        raise DomainError(_("This Woo file is no longer available. Ask for it again."), kind=Kind.refused)
    return export


def downloaded(export: WooExport, *, actor: User) -> bytes:
    data = export.zip_data or b""
    record("woo_export:downloaded", export, f"Woo file of search {export.id} downloaded", actor=actor,
           zip_sha256=export.zip_sha256)
    return data
