"""The audit entry: who did what to which object, when, with before/after details."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.db import Base, created_at_now, intpk

if TYPE_CHECKING:  # mapped by name: every package writes the log, so audit sits below auth
    from parliament_tracker.auth.models import User


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


# The ORM refuses changes of loaded entries; bulk statements (sa.update, sa.delete) and other
# clients bypass it, so the database itself refuses them too. The same statements are in the
# migration 0010_harden; create_all (tests) runs them through these listeners.
sa.event.listen(AuditEntry, "before_update", _forbid_change)
sa.event.listen(AuditEntry, "before_delete", _forbid_change)

APPEND_ONLY_MESSAGE = "audit entries are append-only"

SQLITE_APPEND_ONLY = [
    f"CREATE TRIGGER IF NOT EXISTS audit_entries_no_{verb.lower()} BEFORE {verb} ON audit_entries "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
    for verb in ("UPDATE", "DELETE")
]
POSTGRESQL_APPEND_ONLY = [
    "CREATE OR REPLACE FUNCTION audit_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege'; END $$",
    "CREATE TRIGGER audit_entries_no_change BEFORE UPDATE OR DELETE ON audit_entries "
    "FOR EACH ROW EXECUTE FUNCTION audit_entries_append_only()",
    "CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_entries_append_only()",
]

for _statement in SQLITE_APPEND_ONLY:
    sa.event.listen(AuditEntry.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="sqlite"))
for _statement in POSTGRESQL_APPEND_ONLY:
    sa.event.listen(AuditEntry.__table__, "after_create", sa.DDL(_statement).execute_if(dialect="postgresql"))


