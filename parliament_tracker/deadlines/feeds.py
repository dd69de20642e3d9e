"""Personal ICS feeds: a secret URL per user and scope, stored hashed, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any, NamedTuple
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User, hash_token
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import OPEN, CaseStatus
from parliament_tracker.db import now_utc, today_local, unindexed
from parliament_tracker.deadlines import ics
from parliament_tracker.deadlines.models import CalendarFeed, Deadline
from parliament_tracker.deadlines.queries import EFFECTIVE, effective_between
from parliament_tracker.deadlines.rules import ANSWER_KINDS, INTERNAL_KINDS, DeadlineKind
from parliament_tracker.deadlines.wording import in_language
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


class FeedRow(NamedTuple):
    """One deadline as a feed shows it: plain columns, no ORM objects (a feed has thousands)."""

    case_id: int
    reference: str
    subject: str
    status: CaseStatus
    kind: DeadlineKind
    date: dt.date
    explanation: str
    overridden: bool
    override_reason: str | None
    warnings: list[str] | None
    is_binding: bool


_DEADLINE_COLUMNS = (
    Deadline.kind,
    EFFECTIVE,
    Deadline.explanation,
    Deadline.overridden_due_on.is_not(None),
    Deadline.override_reason,
    Deadline.warnings,
    Deadline.is_binding,
)


def feed_rows(feed: CalendarFeed, today: dt.date | None = None) -> list[FeedRow]:
    """The deadlines a feed shows, by date: open cases, from a month back to half a year ahead."""
    today = today or today_local()
    start, end = today - dt.timedelta(days=PAST_DAYS), today + dt.timedelta(days=FUTURE_DAYS)
    if feed.scope == "mine":
        # A drafter's own work plan: the binding date and the internal milestones.
        query = (
            db.select(Case.id, Case.reference, Case.subject, Case.status, *_DEADLINE_COLUMNS)
            .join(Deadline.case)
            .where(
                effective_between(start, end),
                unindexed(Case.status).in_(OPEN),
                Case.drafter_id == feed.user_id,
                Deadline.is_binding.is_(True) | Deadline.kind.in_(sorted(INTERNAL_KINDS)),
            )
            .order_by(EFFECTIVE, Case.id, Deadline.kind)
        )
        return [FeedRow(*row) for row in db.session.execute(query)]
    # A directorate's or everyone's feed: the binding dates only (milestones of thousands of
    # cases would bury them), found through the case's denormalised binding date.
    if feed.scope == "directorate" and feed.user.directorate_id is None:
        return []
    cases = db.select(Case.id, Case.reference, Case.subject, Case.status).where(
        Case.practical_due_on.between(start, end), unindexed(Case.status).in_(OPEN)  # see db.unindexed
    )
    if feed.scope == "directorate":
        cases = cases.where(Case.lead_directorate_id == feed.user.directorate_id)
    case_rows = db.session.execute(cases.order_by(Case.practical_due_on, Case.reference)).all()
    # Their binding rows through the (case_id, kind) index; "is_binding" is checked here, as
    # in the WHERE it leads SQLite to the is_binding index and a scan.
    binding: dict[int, tuple[Any, ...]] = {}
    ids = [row[0] for row in case_rows]
    for i in range(0, len(ids), 1000):
        query = db.select(Deadline.case_id, Deadline.is_binding, *_DEADLINE_COLUMNS).where(
            Deadline.case_id.in_(ids[i : i + 1000]), Deadline.kind.in_(sorted(ANSWER_KINDS))
        )
        binding.update((row[0], tuple(row[2:])) for row in db.session.execute(query) if row[1])
    return [FeedRow(*case, *binding[case[0]]) for case in case_rows if case[0] in binding]


class FeedVersion(NamedTuple):
    """What a calendar client's conditional request is compared with (ETag, Last-Modified)."""

    etag: str
    last_modified: dt.datetime


def feed_version(feed: CalendarFeed, lang: str, today: dt.date | None = None) -> FeedVersion:
    """The feed's version without building it: every change to cases and deadlines writes an
    audit entry, and the window moves with the day, so (latest audit entry, today, the feed,
    the language) changes whenever the feed can. One index lookup, so a client that polls gets
    its 304 for next to nothing. (Conservative: a change elsewhere also makes a new version.)"""
    today = today or today_local()
    latest_id, latest_at = db.session.execute(
        db.select(AuditEntry.id, AuditEntry.created_at).order_by(AuditEntry.id.desc()).limit(1)
    ).first() or (0, None)
    key = f"{feed.id}:{feed.scope}:{feed.user.directorate_id}:{lang}:{today.isoformat()}:{latest_id}"
    midnight = dt.datetime.combine(today, dt.time(), tzinfo=ZoneInfo("Europe/Amsterdam")).astimezone(dt.UTC)
    modified = max(midnight, latest_at) if latest_at is not None else midnight
    return FeedVersion('"' + hashlib.sha256(key.encode()).hexdigest()[:32] + '"', modified.replace(microsecond=0))


def touch(feed: CalendarFeed) -> None:
    """Note the feed's use, at most once an hour (a client polls every few minutes)."""
    now = now_utc()
    last = feed.last_used_at
    if last is None or now - last > dt.timedelta(hours=1):
        feed.last_used_at = now


def feed_locale(feed: CalendarFeed) -> str:
    """The feed is read by a calendar program, not a browser session: it speaks its owner's
    language (their setting), else the ministry's."""
    locale = feed.user.locale
    if locale and locale in current_app.config["LANGUAGES"]:
        return locale
    return str(current_app.config["BABEL_DEFAULT_LOCALE"])


def build_feed(feed: CalendarFeed, today: dt.date | None = None) -> bytes:
    """The feed in its owner's language (:func:`feed_locale`)."""
    locale = feed_locale(feed)
    with force_locale(locale):
        status_titles = {s: s.label for s in CaseStatus}  # translated once, not per entry
        kind_titles = {k: k.label for k in DeadlineKind}
        changed = _("Date changed: %(reason)s")
        note = _("Note: %(warning)s")
        status_line = _("Status: %(status)s")
        name = {"mine": _("My deadlines"), "directorate": _("Directorate deadlines"), "all": _("All deadlines")}[feed.scope]
    entries = []
    case_url = url_for("cases.show", reference="0", _external=True)[:-1]  # references are URL-safe
    for row in feed_rows(feed, today):
        lines = [in_language(row.explanation, locale), status_line % {"status": status_titles[row.status]}]
        if row.overridden:
            lines.append(changed % {"reason": row.override_reason or ""})
        lines += [note % {"warning": in_language(w, locale)} for w in row.warnings or []]
        entries.append(
            ics.IcsEntry(
                uid=ics.entry_uid(row.case_id, row.kind.value, row.is_binding),
                date=row.date,
                summary=ics.shorten(f"{row.reference}: {kind_titles[row.kind]} – {row.subject}"),
                description="\n".join(lines),
                url=case_url + quote(row.reference),
            )
        )
    feed.last_used_at = now_utc()
    return ics.build_ics(entries, f"Parliament Tracker – {name}")
