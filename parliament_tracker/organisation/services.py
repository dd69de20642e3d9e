"""Saving reference data with an audit entry; the caller commits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from parliament_tracker.audit.services import object_type, record
from parliament_tracker.auth.services import end_sessions
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Committee, Member, Party


class DuplicateValue(DomainError):
    """A value a unique column already holds; ``field`` names it."""

    kind = Kind.conflict

    def __init__(self, field: str) -> None:
        message = _("This value is already in use.")
        super().__init__(message, {field: message})
        self.field = field


#: a user's sessions end when an admin changes one of these
SESSION_ENDING_FIELDS = frozenset({"password_hash", "role", "is_enabled"})


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
    kind = object_type(model)
    if not creating and changes.keys() & SESSION_ENDING_FIELDS and hasattr(obj, "session_generation"):
        end_sessions(obj, actor=actor, reason=f"ended by a change of {', '.join(sorted(changes.keys() & SESSION_ENDING_FIELDS))}")
    if creating:
        record(f"{kind}:created", obj, f"{kind} {obj.id} created", actor=actor, changes=changes)
    elif changes:
        record(f"{kind}:updated", obj, f"{kind} {obj.id} edited: {', '.join(sorted(changes))}", actor=actor, changes=changes)
    return obj


def member_for(name: str, party_abbreviation: str | None) -> Member:
    """The member with this name and party, created (with the party) when new."""
    party = None
    if party_abbreviation:
        party = db.session.scalar(sa.select(Party).where(Party.abbreviation == party_abbreviation))
        if party is None:
            party = Party(abbreviation=party_abbreviation, name=party_abbreviation)
            db.session.add(party)
            db.session.flush()
    member = db.session.scalar(
        sa.select(Member).where(Member.name == name, Member.party_id == (party.id if party else None))
    )
    if member is None:
        member = Member(name=name, party=party)
        db.session.add(member)
    return member


def committee_for(name: str | None) -> Committee | None:
    """The committee with this name (case-insensitive), created when new."""
    if not name:
        return None
    found = db.session.scalar(sa.select(Committee).where(sa.func.lower(Committee.name) == name.lower()))
    if found is None:
        found = Committee(name=name)
        db.session.add(found)
    return found
