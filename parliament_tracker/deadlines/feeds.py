"""Personal ICS feeds: a secret URL per user and scope, stored hashed, revocable."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import url_for

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User, hash_token
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CLOSED
from parliament_tracker.db import now_utc, today_local
from parliament_tracker.deadlines import ics
from parliament_tracker.deadlines.models import CalendarFeed, Deadline
from parliament_tracker.deadlines.queries import CASE_LIGHT, EFFECTIVE, _in_range
from parliament_tracker.deadlines.rules import INTERNAL_KINDS
from parliament_tracker.extensions import db

SCOPES = ("mine", "directorate", "all")
#: the window a feed covers, around today (a calendar client re-reads the feed every few hours)
PAST_DAYS = 30
FUTURE_DAYS = 183


def create_feed(user: User, scope: str) -> tuple[CalendarFeed, str]:
    """A new feed; the token is returned once and only its hash is stored."""
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r}")
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(user=user, scope=scope, token_hash=hash_token(token), prefix=token[:8])
    db.session.add(feed)
    db.session.flush()
    record("user:calendar_feed_created", user, f"calendar feed ({scope}) created for {user.username}", actor=user, scope=scope, prefix=feed.prefix)
    return feed, token


def revoke_feed(feed: CalendarFeed, *, actor: Any = None) -> None:
    if feed.revoked_at is None:
        feed.revoked_at = now_utc()
        db.session.flush()
        record("user:calendar_feed_revoked", feed.user, f"calendar feed {feed.prefix}… revoked", actor=actor, prefix=feed.prefix)


def feed_for_token(token: str) -> CalendarFeed | None:
    feed = db.session.scalar(db.select(CalendarFeed).where(CalendarFeed.token_hash == hash_token(token)))
    if feed is None or feed.revoked_at is not None or not feed.user.is_enabled:
        return None
    return feed


def feed_deadlines(feed: CalendarFeed, today: dt.date | None = None) -> list[Deadline]:
    today = today or today_local()
    start, end = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
    query = (
        db.select(Deadline)
        .join(Deadline.case)
        .options(*CASE_LIGHT)
        .where(_in_range(start, end), Case.status.not_in(list(CLOSED)))
    )
    if feed.scope == "mine":
        # A drafter's own work plan: the binding date and the internal milestones.
        query = query.where(Deadline.is_binding.is_(True) | Deadline.kind.in_(sorted(INTERNAL_KINDS)))
    else:
        # A directorate's or everyone's feed: the binding dates only (milestones of thousands
        # of cases would bury them, and made a 100,000-case feed take seconds to build).
        query = query.where(Deadline.is_binding.is_(True))
    if feed.scope == "mine":
        query = query.where(Case.drafter_id == feed.user_id)
    elif feed.scope == "directorate":
        if feed.user.directorate_id is None:
            return []
        query = query.where(Case.lead_directorate_id == feed.user.directorate_id)
    return list(db.session.scalars(query.order_by(EFFECTIVE, Case.id, Deadline.kind)).unique())


def build_feed(feed: CalendarFeed, today: dt.date | None = None) -> bytes:
    entries = []
    for d in feed_deadlines(feed, today):
        case = d.case
        lines = [d.explanation, f"Status: {case.status.title}"]
        if d.overridden_due_on:
            lines.append(f"Datum aangepast: {d.override_reason or ''}")
        lines += [f"Let op: {w}" for w in d.warnings or []]
        entries.append(
            ics.IcsEntry(
                uid=ics.deadline_uid(case.id, d.kind.value),
                date=d.effective_due_on,
                summary=f"{case.reference}: {d.title} – {case.subject[:100]}",
                description="\n".join(lines),
                url=url_for("cases.show", reference=case.reference, _external=True),
            )
        )
    name = {"mine": "Mijn termijnen", "directorate": "Termijnen directie", "all": "Alle termijnen"}[feed.scope]
    feed.last_used_at = now_utc()
    return ics.build_ics(entries, f"Parliament Tracker – {name}")
