"""Writing audit entries. Services call ``record`` with the actor they were given (None: the
system); it flushes nothing, never commits and never reads the request."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import functools
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.extensions import db


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def object_type(model: type) -> str:
    """The audit name of a model's rows: its table name in the singular ("case", "user")."""
    return model.__tablename__.rstrip("s")  # type: ignore[attr-defined]


def record(
    action: str,
    obj: Any,
    summary: str,
    *,
    actor: Any = None,
    changes: dict[str, tuple[Any, Any]] | None = None,
    **details: Any,
) -> AuditEntry:
    """Add an audit entry for ``obj`` (a model with ``id``) to the session, by ``actor``."""
    obj = getattr(obj, "_get_current_object", lambda: obj)()  # a proxy (e.g. a user) stands for its object
    actor = getattr(actor, "_get_current_object", lambda: actor)()
    payload: dict[str, Any] = {k: _plain(v) for k, v in details.items()}
    if changes:
        payload["changes"] = {k: [_plain(a), _plain(b)] for k, (a, b) in changes.items()}
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=object_type(type(obj)),
        object_id=obj.id,
        summary=summary,
        details=payload,
    )
    db.session.add(entry)
    return entry


def entries_for(obj: Any) -> list[AuditEntry]:
    """The object's timeline, newest first, each entry with its actor's name (the timelines show
    no more of the actor: not the password hash, the login state nor the directorate)."""
    return list(db.session.scalars(_entries_statement(), {"object_type": object_type(type(obj)), "object_id": obj.id}))


@dataclasses.dataclass(frozen=True)
class Actor:
    """A person as the pages show them: by name (the timelines' actors, a legal hold's placer)."""

    display_name: str


@dataclasses.dataclass(frozen=True)
class TimelineEntry:
    """What a timeline shows of an audit entry (``describe`` reads it as it reads an entry)."""

    id: int
    created_at: dt.datetime
    actor_id: int | None
    actor: Actor | None
    action: str
    summary: str
    details: dict[str, Any]


def timeline_rows(model: type, object_id: Any) -> sa.Select[Any]:
    """``entries_for``'s columns as a select of its own, for a page that runs it with others (the
    case page's parts): the entries of ``model``'s row ``object_id`` (a bound parameter), each
    with its actor's name."""
    user = AuditEntry.actor.property.mapper.class_  # auth sits above audit in the import order
    return (
        sa.select(
            AuditEntry.id, AuditEntry.created_at, AuditEntry.actor_id, user.display_name,
            AuditEntry.action, AuditEntry.summary, AuditEntry.details,
        )
        .outerjoin(user, user.id == AuditEntry.actor_id)
        .where(AuditEntry.object_type == object_type(model), AuditEntry.object_id == object_id)
    )


def timeline(rows: Sequence[Sequence[Any]]) -> list[TimelineEntry]:
    """``timeline_rows``' rows as ``entries_for`` orders them: newest first."""
    return [
        TimelineEntry(r[0], r[1], r[2], Actor(r[3]) if r[2] is not None else None, r[4], r[5], r[6] if r[6] is not None else {})
        for r in sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)
    ]


@functools.cache
def _entries_statement() -> sa.Select[tuple[AuditEntry]]:
    """``entries_for``'s statement, built once per process (its cache key is memoized on it)."""
    user = AuditEntry.actor.property.mapper.class_  # auth sits above audit in the import order
    return (
        sa.select(AuditEntry)
        .where(AuditEntry.object_type == sa.bindparam("object_type"), AuditEntry.object_id == sa.bindparam("object_id"))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .options(orm.joinedload(AuditEntry.actor).options(orm.load_only(user.id, user.display_name), orm.lazyload(user.directorate)))
    )
