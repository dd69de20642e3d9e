"""Saving reference data with an audit entry; the caller commits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from parliament_tracker.audit.services import record
from parliament_tracker.extensions import db


class DuplicateValue(ValueError):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def save(obj: Any, values: dict[str, Any], *, unique: tuple[str, ...] = (), actor: Any = None) -> Any:
    """Create or update ``obj`` with ``values``; refuses values that clash with a unique column."""
    model = type(obj)
    for field in unique:
        clash = db.session.scalar(
            sa.select(model).where(getattr(model, field) == values[field], model.id != (obj.id or 0))
        )
        if clash is not None:
            raise DuplicateValue(field)
    creating = obj.id is None
    # Secrets never go into the audit log; that a password changed is enough.
    changes = {
        k: (getattr(obj, k, None), v) if "password" not in k else ("…", "…")
        for k, v in values.items()
        if getattr(obj, k, None) != v
    }
    for key, value in values.items():
        setattr(obj, key, value)
    if creating:
        db.session.add(obj)
    db.session.flush()
    kind = model.__tablename__.rstrip("s")
    if creating:
        record(f"{kind}:created", obj, f"{kind} {obj.id} created", actor=actor, changes=changes)
    elif changes:
        record(f"{kind}:updated", obj, f"{kind} {obj.id} edited: {', '.join(sorted(changes))}", actor=actor, changes=changes)
    return obj
