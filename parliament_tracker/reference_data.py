"""Slow-changing reference data (holidays, deadline settings, recesses) kept per process, and
the stamp that says when a kept copy is out of date.

One row of ``reference_versions`` holds a stamp: a random token that every commit of a change
to a watched model (:func:`watch`) replaces, in the same transaction as the change (as its last
write, so the row's lock is held only while committing). A copy kept
under a stamp is used only while the database still holds that same stamp, so:

* it is correct across gunicorn workers and hosts: a worker does not have to be told of a
  change, it reads the stamp of the database (in the statement that loads the signed-in user,
  :func:`stamp_column`, so the check costs no statement of its own) and reloads on a mismatch;
* a change is seen by the first request that starts after its commit (no time-to-live);
* the token is random rather than a counter, so a database restored from a backup (or another
  database with the same counter) cannot hand back a stamp some kept copy was built for with
  other data: a token names one state of the data.

Changes made outside the ORM's flush (raw SQL, a migration's data step, a restore) must leave
the stamp changed too: a migration that edits reference data calls :func:`bump` or writes a new
token; a restore brings the dump's own token, which matches its data.
"""

from __future__ import annotations

import contextvars
import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, mapped_column

from parliament_tracker.db import Base
from parliament_tracker.extensions import db

T = TypeVar("T")

#: the one stamp all watched reference data shares (a change of any of it reloads all copies)
REFERENCE = "reference"
#: session.info key: this session changed watched data (its requests read fresh copies)
_CHANGED = "reference_data_changed"
#: session.info key: its transaction changed watched data; its commit changes the stamp
_PENDING = "reference_data_pending"

_watched: set[type] = set()
#: models watched only for some of their columns (model -> attribute names)
_watched_attributes: dict[type, frozenset[str]] = {}
_kept: dict[str, tuple[str, Any]] = {}
_lock = threading.Lock()
_request_stamp: contextvars.ContextVar[str | None] = contextvars.ContextVar("reference_stamp", default=None)


class ReferenceVersion(Base):
    __tablename__ = "reference_versions"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    stamp: Mapped[str] = mapped_column(sa.String(32), nullable=False)


@sa.event.listens_for(ReferenceVersion.__table__, "after_create")
def _first_stamp(target: sa.Table, connection: sa.Connection, **_kw: Any) -> None:
    """create_all (tests) starts with a stamp as the migration does."""
    connection.execute(target.insert().values(name=REFERENCE, stamp=new_token()))


def new_token() -> str:
    return uuid.uuid4().hex


def watch(*models: type) -> None:
    """Changes of these models (any flush adding, changing or deleting one) change the stamp."""
    _watched.update(models)


def watch_attributes(model: type, *names: str) -> None:
    """Adding or deleting one of these models, or changing one of these attributes of one,
    changes the stamp; other changes (a user's last login) do not."""
    _watched_attributes[model] = _watched_attributes.get(model, frozenset()) | frozenset(names)


def _attributes_changed(obj: Any, names: frozenset[str]) -> bool:
    attrs = sa.inspect(obj).attrs
    return any(attrs[name].history.has_changes() for name in names)


@sa.event.listens_for(Session, "before_flush")
def _note_change(session: Session, _flush_context: Any, _instances: Any) -> None:
    """A flush changing watched data: the session reads afresh from now on, and its commit
    will change the stamp."""
    if not _watched and not _watched_attributes:
        return
    kinds = (*_watched, *_watched_attributes)
    added_or_deleted = any(isinstance(obj, kinds) for obj in (*session.new, *session.deleted))
    if added_or_deleted or any(_modified(session, obj) for obj in session.dirty):
        session.info[_CHANGED] = True
        session.info[_PENDING] = True


@sa.event.listens_for(Session, "before_commit")
def _bump_at_commit(session: Session) -> None:
    # The stamp's row is locked last, at commit, so a transaction holding it waits for no other
    # row: a bump at the first flush could deadlock with a transaction that locked a case first
    # and then changes an event (the TK sync) while this one recomputes that case.
    # (A rollback keeps the mark: the session's next commit then changes the stamp for nothing,
    # which costs the workers one reload; forgetting it after a savepoint's rollback could keep
    # a stale copy in use.)
    session.flush()
    if session.info.pop(_PENDING, False):
        bump(session)


def _modified(session: Session, obj: Any) -> bool:
    names = _watched_attributes.get(type(obj))
    if names is not None and type(obj) not in _watched:
        return _attributes_changed(obj, names)
    return isinstance(obj, tuple(_watched)) and session.is_modified(obj)


def bump(session: Session | None = None) -> None:
    """Give the reference data a new stamp (in the caller's transaction)."""
    session = session or db.session()
    conn = session.connection()
    token = new_token()
    done = conn.execute(sa.update(ReferenceVersion).where(ReferenceVersion.name == REFERENCE).values(stamp=token))
    if not done.rowcount:
        conn.execute(sa.insert(ReferenceVersion).values(name=REFERENCE, stamp=token))
    session.info[_CHANGED] = True


def stamp_column() -> sa.ScalarSelect[str]:
    """The stamp as a column, to read it in a statement that runs anyway (the user's load)."""
    return sa.select(ReferenceVersion.stamp).where(ReferenceVersion.name == REFERENCE).scalar_subquery()


def read_stamp() -> str | None:
    return db.session.scalar(sa.select(stamp_column()))


def note_stamp(stamp: str | None) -> None:
    """The stamp read with this request's user (``web`` notes it when it loads the user and
    clears it at each request's start and end)."""
    _request_stamp.set(stamp)


def current_stamp() -> str | None:
    """The stamp this request read with its user, else read now (one small statement)."""
    stamp = _request_stamp.get()
    return stamp if stamp is not None else read_stamp()


def kept(key: str, load: Callable[[], T], stamp: Callable[[], str | None] = current_stamp) -> T:
    """``load()``'s result as kept for the database's current stamp, loading it on a mismatch.

    ``stamp()`` says the current stamp (the one read with the user, or :func:`read_stamp`). A
    session that changed watched data itself (not yet committed, or committed within this
    unit of work) always loads afresh and keeps nothing."""
    if db.session().info.get(_CHANGED):
        return load()
    current = stamp()
    if current is None:
        return load()
    hit = _kept.get(key)
    if hit is not None and hit[0] == current:
        return hit[1]
    # Read after the stamp: the data is at least as new as ``current`` (a change commits its
    # data and its new token together), so nothing older is ever kept under a newer stamp.
    value = load()
    with _lock:
        _kept[key] = (current, value)
    return value


def forget() -> None:
    """Drop every kept copy (tests that swap databases)."""
    with _lock:
        _kept.clear()
