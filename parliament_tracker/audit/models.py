"""The audit entry: who did what to which object, when, with before/after details."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.auth.models import User
from parliament_tracker.db import Base, created_at_now, intpk


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (sa.Index("ix_audit_entries_object", "object_type", "object_id", "created_at"),)

    id: Mapped[intpk]
    created_at: Mapped[created_at_now]
    #: None for the system (scheduler, CLI without a user)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    actor: Mapped[User | None] = relationship(lazy="joined")
    #: "subject:action", e.g. "case:created", "case:linked"
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(32))
    object_id: Mapped[int] = mapped_column()
    #: one line, untranslated, for logs and CSV
    summary: Mapped[str] = mapped_column(sa.Text)
    #: {"changes": {field: [before, after]}, ...}
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


def _forbid_change(*_args: Any) -> None:
    raise RuntimeError("audit entries are append-only")


sa.event.listen(AuditEntry, "before_update", _forbid_change)
sa.event.listen(AuditEntry, "before_delete", _forbid_change)


