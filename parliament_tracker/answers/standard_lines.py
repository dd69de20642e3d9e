"""Standard lines (standaardteksten): create, change (a new version each time, audited), search.

A directorate keeps its approved lines per topic; its own staff (and administrators) create and
change them. A line past its ``valid_until`` is kept and shown as expired, but never proposed
or offered to drafters. Search is in Python: a directorate has hundreds of lines, not hundreds
of thousands, and the same stems as the answer index are compared (``text``), so both
databases answer alike. Nothing here commits.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from parliament_tracker.answers import ranking, text
from parliament_tracker.answers.models import StandardLine, StandardLineVersion
from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate

LIMITS = {"topic": 200, "title": 300, "text": 20_000, "approved_by": 200}


class StaleLine(DomainError):
    kind = Kind.conflict

    def __init__(self) -> None:
        super().__init__(_("Someone else changed this standard line since you opened it. Check the current text and try again."))


@dataclasses.dataclass
class LineInput:
    """A line's fields; on a change None leaves a field as it is."""

    topic: str | None = None
    title: str | None = None
    text: str | None = None
    owner: User | None = None
    approved_by: str | None = None
    valid_until: dt.date | None = None


def may_manage(directorate: Directorate | None, user: User | None) -> bool:
    """The directorate's own staff (not viewers) and administrators."""
    if user is None or directorate is None:
        return False
    if user.role == Role.admin:
        return True
    return user.role in (Role.drafter, Role.director, Role.registrar) and user.directorate_id == directorate.id


def _check(data: LineInput, *, creating: bool, today: dt.date) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, limit in LIMITS.items():
        value = getattr(data, name)
        if value is None:
            if creating:
                errors[name] = _("Fill in this field.")
            continue
        if not value.strip():
            errors[name] = _("Fill in this field.")
        elif len(value) > limit:
            errors[name] = _("Too long (at most %(n)d characters).", n=limit)
    if data.owner is None and creating:
        errors["owner"] = _("Choose the owner.")
    elif data.owner is not None and not data.owner.is_enabled:
        errors["owner"] = _("The owner must be an active user.")
    if data.valid_until is None and creating:
        errors["valid_until"] = _("Enter the date until which the line is valid.")
    elif data.valid_until is not None and data.valid_until < today:
        errors["valid_until"] = _("The date lies in the past.")
    return errors


def _version(line: StandardLine, actor: User | None) -> StandardLineVersion:
    number = (max((v.number for v in line.versions), default=0)) + 1
    version = StandardLineVersion(
        number=number, topic=line.topic, title=line.title, text=line.text, owner_id=line.owner_id,
        approved_by=line.approved_by, valid_until=line.valid_until, changed_by=actor,
    )
    line.versions.append(version)
    return version


def create(directorate: Directorate, data: LineInput, *, actor: User | None, today: dt.date) -> StandardLine:
    if actor is not None and not may_manage(directorate, actor):
        raise DomainError(_("Only %(d)s keeps its standard lines.", d=directorate.code), kind=Kind.refused)
    errors = _check(data, creating=True, today=today)
    if errors:
        raise DomainError(_("The standard line could not be saved. Check the fields marked."), errors)
    assert data.owner is not None and data.valid_until is not None
    line = StandardLine(
        directorate=directorate, topic=(data.topic or "").strip(), title=(data.title or "").strip(), text=(data.text or "").strip(),
        owner=data.owner, approved_by=(data.approved_by or "").strip(), valid_until=data.valid_until,
    )
    db.session.add(line)
    db.session.flush()
    version = _version(line, actor)
    db.session.flush()
    record(
        "standard_line:created", line, f"Standard line {line.id} created ({directorate.code}: {line.title})", actor=actor,
        version=version.number, directorate=directorate.code, title=line.title, valid_until=line.valid_until,
    )
    return line


def change(line: StandardLine, data: LineInput, *, expected_version: int, actor: User | None, today: dt.date) -> StandardLine:
    """Change a line: all fields checked at once, a stale form refused, a new version kept."""
    if actor is not None and not may_manage(line.directorate, actor):
        raise DomainError(_("Only %(d)s keeps its standard lines.", d=line.directorate.code), kind=Kind.refused)
    if expected_version != line.version:
        raise StaleLine()
    errors = _check(data, creating=False, today=today)
    if errors:
        raise DomainError(_("The standard line could not be saved. Check the fields marked."), errors)
    changes: dict[str, tuple[Any, Any]] = {}
    for name in ("topic", "title", "text", "approved_by"):
        value = getattr(data, name)
        if value is not None and value.strip() != getattr(line, name):
            changes[name] = (getattr(line, name), value.strip())
            setattr(line, name, value.strip())
    if data.owner is not None and data.owner.id != line.owner_id:
        changes["owner"] = (line.owner.username, data.owner.username)
        line.owner = data.owner
    if data.valid_until is not None and data.valid_until != line.valid_until:
        changes["valid_until"] = (line.valid_until, data.valid_until)
        line.valid_until = data.valid_until
    if not changes:
        return line
    db.session.flush()
    version = _version(line, actor)
    db.session.flush()
    record(
        "standard_line:changed", line, f"Standard line {line.id} changed (version {version.number})", actor=actor,
        changes={k: v for k, v in changes.items() if k != "text"}, text_changed="text" in changes, version=version.number,
        title=line.title,
    )
    return line


def lines(*, directorate_id: int | None = None, topic: str | None = None) -> list[StandardLine]:
    stmt = sa.select(StandardLine).order_by(StandardLine.topic, StandardLine.title, StandardLine.id)
    if directorate_id is not None:
        stmt = stmt.where(StandardLine.directorate_id == directorate_id)
    if topic:
        stmt = stmt.where(StandardLine.topic == topic)
    return list(db.session.scalars(stmt))


def _score(terms: list[str], line: StandardLine) -> float:
    """How many of the query's stems the line has: the title and topic count double."""
    head = set(text.stems(f"{line.title} {line.topic}"))
    body = set(text.stems(line.text))
    return sum(2.0 if t in head else 1.0 if t in body else 0.0 for t in terms)


def search(query: str, context: ranking.Context, *, today: dt.date, limit: int = 5) -> list[ranking.Ranked]:
    """Valid lines matching ``query`` (its stems), ranked like earlier answers (the directorate
    of the question being answered boosts). An expired line is never offered."""
    terms = text.query_terms(query)
    if not terms:
        return []
    valid = db.session.scalars(sa.select(StandardLine).where(StandardLine.valid_until >= today)).all()
    candidates = []
    for line in valid:
        score = _score(terms, line)
        if score > 0:
            candidates.append(
                ranking.Candidate(
                    id=line.id, text_score=score, dossier=None, member_ids=frozenset(),
                    directorate_id=line.directorate_id, sent_on=None, item=line,
                )
            )
    return ranking.rank(candidates, context, limit=limit)
