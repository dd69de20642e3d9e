"""Queueing, rendering and reading notifications; users' choices of what they receive.

``queue`` inserts with "INSERT … ON CONFLICT (dedupe_key) DO NOTHING" in the caller's
transaction: the unique row *is* the record that a message was produced, so a job that runs
twice, or two scheduler processes at once, produce each message once. Services flush, never
commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from sqlalchemy.dialects import postgresql, sqlite

from parliament_tracker.auth.models import User
from parliament_tracker.db import now_utc
from parliament_tracker.extensions import db
from parliament_tracker.notifications.models import (
    OPTIONAL_KINDS,
    STEP_TITLES,
    Notification,
    NotificationKind,
    NotificationOptOut,
    dedupe_key,
    in_outbox,
    recipient_key,
)


@dataclasses.dataclass(slots=True)
class Recipient:
    """A user, or a functional mailbox (``user_id`` None)."""

    user_id: int | None
    email: str | None
    name: str
    locale: str

    @property
    def key(self) -> str:
        return recipient_key(self.user_id, self.email)


def user_recipient(user: User) -> Recipient:
    return Recipient(user.id, user.email or None, user.display_name, user.locale or default_locale())


def mailbox_recipient(email: str, name: str) -> Recipient:
    return Recipient(None, email, name, default_locale())


def default_locale() -> str:
    return str(current_app.config.get("BABEL_DEFAULT_LOCALE", "nl"))


@dataclasses.dataclass(slots=True)
class Draft:
    """A message before it is queued: who, what about, and the template context."""

    recipient: Recipient
    kind: NotificationKind
    case_id: int | None
    due_on: dt.date | None
    template: str
    context: dict[str, Any]

    @property
    def key(self) -> str:
        return dedupe_key(self.recipient.key, self.kind.value, self.case_id, self.due_on)


# -- rendering ------------------------------------------------------------------------------


def _base_url() -> str:
    """BASE_URL without a trailing slash: the links in e-mails are absolute."""
    return current_app.config["BASE_URL"].rstrip("/")


def case_url(reference: str) -> str:
    return f"{_base_url()}/cases/{reference}"


def render_many(drafts: Sequence[Draft]) -> list[tuple[str, str, str]]:
    """(subject, text, html) per draft, in the recipient's language.

    Templates live in ``templates/email/<name>/{subject.txt,body.txt,body.html}``; they are
    compiled once, and the locale is switched once per language rather than per message.
    """
    env = current_app.jinja_env
    out: list[tuple[str, str, str] | None] = [None] * len(drafts)
    by_locale: dict[str, list[int]] = defaultdict(list)
    for i, d in enumerate(drafts):
        by_locale[d.recipient.locale].append(i)
    base = {"base_url": _base_url(), "ministry": current_app.config.get("MINISTRY_NAME", "")}
    for locale, indexes in by_locale.items():
        with force_locale(locale):
            cache: dict[str, tuple[Any, Any, Any]] = {}
            for i in indexes:
                d = drafts[i]
                templates = cache.get(d.template)
                if templates is None:
                    templates = cache[d.template] = tuple(
                        env.get_template(f"email/{d.template}/{part}") for part in ("subject.txt", "body.txt", "body.html")
                    )
                context = {**base, **d.context, "recipient": d.recipient, "kind": d.kind}
                step = STEP_TITLES.get(d.context.get("step", d.kind))
                if step is not None:
                    context["step_title"] = step
                if "status" in d.context:
                    context["status_title"] = d.context["status"].label
                subject = " ".join(templates[0].render(context).split())
                out[i] = (subject[:300], templates[1].render(context).strip() + "\n", templates[2].render(context))
    return out  # type: ignore[return-value]


# -- queueing -------------------------------------------------------------------------------


def _insert() -> Any:
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(Notification)
    if name == "sqlite":
        return sqlite.insert(Notification)
    raise RuntimeError(f"no INSERT … ON CONFLICT for {name}")


def existing_keys(keys: Iterable[str]) -> set[str]:
    """The dedupe keys of these that are already stored (to skip rendering them again)."""
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        found.update(db.session.scalars(sa.select(Notification.dedupe_key).where(Notification.dedupe_key.in_(chunk))))
    return found


def queue(drafts: Sequence[Draft]) -> int:
    """Store the drafts not stored before; returns how many were new.

    Drafts whose key already exists are skipped before rendering; the rest are inserted with
    ON CONFLICT DO NOTHING, which also covers a concurrent run that got there first.
    """
    if not drafts:
        return 0
    unique: dict[str, Draft] = {}
    for d in drafts:
        unique.setdefault(d.key, d)
    already = existing_keys(unique)
    todo = [d for k, d in unique.items() if k not in already]
    if not todo:
        return 0
    rendered = render_many(todo)
    now = now_utc()
    rows = [
        {
            "dedupe_key": d.key,
            "recipient": d.recipient.key,
            "user_id": d.recipient.user_id,
            "email": d.recipient.email,
            "kind": d.kind,
            "case_id": d.case_id,
            "due_on": d.due_on,
            "locale": d.recipient.locale,
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "created_at": now,
            "attempts": 0,
        }
        for d, (subject, text, html) in zip(todo, rendered, strict=True)
    ]
    inserted = 0
    for start in range(0, len(rows), 2000):
        stmt = _insert().on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Notification.id)
        inserted += len(db.session.execute(stmt, rows[start : start + 2000]).all())
    return inserted


# -- preferences ----------------------------------------------------------------------------


def opted_out(user_ids: Iterable[int] | None = None) -> set[tuple[int, NotificationKind]]:
    """(user id, kind) pairs switched off."""
    query = sa.select(NotificationOptOut.user_id, NotificationOptOut.kind)
    if user_ids is not None:
        query = query.where(NotificationOptOut.user_id.in_(list(user_ids)))
    return {(uid, kind) for uid, kind in db.session.execute(query)}


def wanted_kinds(user: User) -> set[NotificationKind]:
    off = {kind for _uid, kind in opted_out([user.id])}
    return set(NotificationKind) - off


def set_preferences(user: User, wanted: Iterable[NotificationKind | str]) -> None:
    """Store which optional kinds the user wants; escalations are always on."""
    from parliament_tracker.audit.services import record

    wanted_set = {NotificationKind(k) for k in wanted}
    off = set(OPTIONAL_KINDS) - wanted_set
    current = {kind for _uid, kind in opted_out([user.id])}
    if off == current:
        return
    db.session.execute(sa.delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
    for kind in sorted(off):
        db.session.add(NotificationOptOut(user_id=user.id, kind=kind))
    record("notifications.preferences", user, "notification preferences changed", actor=user, off=sorted(k.value for k in off))
    db.session.flush()


# -- reading ----------------------------------------------------------------------------------


def for_user(user: User, limit: int = 200) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    ) or 0


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of this user as read."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(stmt.values(read_at=now_utc()), execution_options={"synchronize_session": False})
    return result.rowcount or 0


def outbox(limit: int = 500) -> list[Notification]:
    """E-mails not sent (yet): no SMTP configured, or the server refused them."""
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(in_outbox())
            .order_by(Notification.created_at, Notification.id)
            .limit(limit)
        )
    )


def recently_sent(limit: int = 50) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification).where(Notification.sent_at.is_not(None)).order_by(Notification.sent_at.desc()).limit(limit)
        )
    )
