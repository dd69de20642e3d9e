"""Queueing, rendering and reading notifications; users' choices of what they receive.

``queue`` inserts with "INSERT … ON CONFLICT (dedupe_key) DO NOTHING" in the caller's
transaction: the unique row *is* the record that a message was produced, so a job that runs
twice, or two scheduler processes at once, or a hand-over heard twice, produce each message
once. Each new notification gets one delivery row per channel the recipient can be reached
on and has not switched off for that kind. Services flush, never commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, cast

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from markupsafe import escape
from sqlalchemy.dialects import postgresql, sqlite

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.db import now_utc, rowcount
from parliament_tracker.extensions import db
from parliament_tracker.notifications import channels
from parliament_tracker.notifications.models import (
    APP_CHANNEL,
    NAME_MARK,
    OPTIONAL_KINDS,
    STEP_TITLES,
    SUMMARISED_KINDS,
    Delivery,
    EmailMode,
    Notification,
    NotificationBody,
    NotificationKind,
    NotificationOptOut,
    NotificationSettings,
    body_digest,
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
    #: a hand-over's own identity (``letter:7:submitted:2``): the key is per recipient, kind and ref
    ref: str | None = None

    @property
    def key(self) -> str:
        return dedupe_key(self.recipient.key, self.kind.value, self.case_id, self.due_on, self.ref)


# -- rendering ------------------------------------------------------------------------------


def _base_url() -> str:
    """BASE_URL without a trailing slash: the links in e-mails are absolute."""
    return current_app.config["BASE_URL"].rstrip("/")


def case_url(reference: str) -> str:
    return f"{_base_url()}/cases/{reference}"


def absolute_url(path: str) -> str:
    """An absolute link for a path in the app (``/letters/7``)."""
    return f"{_base_url()}{path}"


#: stands for the recipient's name while one rendering serves several recipients (stored so,
#: ``Notification.body_text``/``body_html`` fill it in)
_NAME_MARK = NAME_MARK


#: a rendering for several recipients with the name mark, by (locale, template, kind, id(context))
SharedRenderings = dict[tuple[str, str, NotificationKind, int], tuple[str, str, str]]


#: a rendered message before the name is filled in: subject (filled in), text and HTML (with
#: ``NAME_MARK`` for the name), and the recipient's name
Rendered = tuple[str, str, str, str]


def render_many(drafts: Sequence[Draft], shared: SharedRenderings | None = None) -> list[tuple[str, str, str]]:
    """(subject, text, html) per draft, in the recipient's language, the name filled in
    (``render_marked``: the same, as stored)."""
    return [
        (subject, text.replace(NAME_MARK, name), html.replace(NAME_MARK, str(escape(name))))
        for subject, text, html, name in render_marked(drafts, shared)
    ]


def render_marked(drafts: Sequence[Draft], shared: SharedRenderings | None = None) -> list[Rendered]:
    """(subject, text, html, name) per draft, in the recipient's language.

    Templates live in ``templates/messages/<name>/{subject.txt,body.txt,body.html}``; they are
    compiled once, and the locale is switched once per language rather than per message.
    Every draft is rendered with a mark for the recipient's name (``NAME_MARK``), which the
    reader fills in (escaped in the HTML), as the templates see of a recipient only its name and
    language: so the same message to several people (an escalation's directors and registrars,
    a directorate's digest: drafts that share one context object) is rendered once per language,
    those drafts get the very same text and HTML objects, and the body is stored once (``queue``),
    also when a rerun queues one recipient the first run missed. ``shared`` keeps those renderings
    from call to call (a job's steps): its contexts must stay alive and unchanged.
    """
    env = current_app.jinja_env
    out: list[Rendered | None] = [None] * len(drafts)
    shapes: dict[tuple[str, str, NotificationKind, int], list[int]] = defaultdict(list)
    for i, d in enumerate(drafts):
        shapes[(d.recipient.locale, d.template, d.kind, id(d.context))].append(i)
    base = {"base_url": _base_url(), "ministry": current_app.config.get("MINISTRY_NAME", "")}
    by_locale: dict[str, list[list[int]]] = defaultdict(list)
    for shape, indexes in shapes.items():
        by_locale[shape[0]].append(indexes)
    for locale, groups in by_locale.items():
        with force_locale(locale):
            cache: dict[str, tuple[Any, ...]] = {}
            for indexes in groups:
                first = drafts[indexes[0]]
                templates = cache.get(first.template)
                if templates is None:
                    templates = cache[first.template] = tuple(
                        env.get_template(f"messages/{first.template}/{part}") for part in ("subject.txt", "body.txt", "body.html")
                    )
                shape = (locale, first.template, first.kind, id(first.context))
                found = shared.get(shape) if shared is not None else None
                if found is None:
                    marked = dataclasses.replace(first.recipient, name=NAME_MARK)
                    found = _render(templates, base, first, marked, normalise=False)
                    if shared is not None:
                        shared[shape] = found
                subject, text, html = found
                for i in indexes:
                    name = drafts[i].recipient.name
                    out[i] = (_subject(subject.replace(NAME_MARK, name)), text, html, name)
    return out  # type: ignore[return-value]


def _render(templates: tuple[Any, ...], base: dict[str, Any], d: Draft, recipient: Recipient, *, normalise: bool = True) -> tuple[str, str, str]:
    context = {**base, **d.context, "recipient": recipient, "kind": d.kind}
    step = STEP_TITLES.get(d.context.get("step", d.kind))
    if step is not None:
        context["step_title"] = step
    if "status" in d.context:
        context["status_title"] = d.context["status"].label
    subject = templates[0].render(context)
    return (_subject(subject) if normalise else subject, templates[1].render(context).strip() + "\n", templates[2].render(context))


def _subject(rendered: str) -> str:
    return " ".join(rendered.split())[:300]


# -- queueing -------------------------------------------------------------------------------


#: the tables themselves: Core executemany, without the ORM's bulk-insert bookkeeping per row
_NOTIFICATIONS = cast(sa.Table, Notification.__table__)
_DELIVERIES = cast(sa.Table, Delivery.__table__)


def _insert() -> Any:
    # On the table, not the mapped class: a Core executemany, without the ORM's bulk-insert
    # bookkeeping per row (most of the time of a 20,000-message run).
    name = db.session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(_NOTIFICATIONS)
    if name == "sqlite":
        return sqlite.insert(_NOTIFICATIONS)
    raise RuntimeError(f"no INSERT … ON CONFLICT for {name}")


def one_of(column: Any, values: Sequence[Any]) -> Any:
    """``column IN (values)``; on PostgreSQL ``column = ANY(:array)``: one parameter, not one per
    value (a step's 1,000 dedupe keys made a statement of 1,000 placeholders, parsed and planned
    anew each step: a third of the time of a digest run that queued nothing)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == sa.any_(sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type)))
    return column.in_(values)


def existing_keys(keys: Iterable[str]) -> set[str]:
    """The dedupe keys of these that are already stored (to skip rendering them again)."""
    keys = list(keys)
    found: set[str] = set()
    for start in range(0, len(keys), 5000):
        chunk = keys[start : start + 5000]
        found.update(db.session.scalars(sa.select(Notification.dedupe_key).where(one_of(Notification.dedupe_key, chunk))))
    return found


def queue(
    drafts: Sequence[Draft], shared: SharedRenderings | None = None, *,
    checked: bool = False, opt_outs: set[tuple[int, NotificationKind, str]] | None = None,
) -> int:
    """Store the drafts not stored before, with their deliveries; returns how many were new.
    ``shared``: renderings kept from step to step (see ``render_many``). ``checked``: the caller
    dropped the drafts whose key is stored already (``existing_keys``), so that is not asked
    twice; ``opt_outs``: the recipients' ``channel_opt_outs`` when the caller has them.

    Drafts whose key already exists are skipped before rendering; the rest are inserted with
    ON CONFLICT DO NOTHING, which also covers a concurrent run that got there first. Only a
    newly inserted notification gets deliveries, so they too exist once.
    """
    if not drafts:
        return 0
    unique: dict[str, Draft] = {}
    for d in drafts:
        unique.setdefault(d.key, d)
    already = set() if checked else existing_keys(unique)
    user_ids = {d.recipient.user_id for k, d in unique.items() if k not in already and d.recipient.user_id is not None}
    off = channel_opt_outs(user_ids) if opt_outs is None else opt_outs
    # A user who switched a kind off on every channel gets nothing at all.
    on = enabled_channels()
    # By key: a draft's key is built once (22,000 of them a step's worth of string formatting).
    by_key = {k: d for k, d in unique.items() if k not in already and not _off_everywhere(d, off, on)}
    if not by_key:
        return 0
    todo = list(by_key.values())
    modes = email_modes(user_ids)
    rendered = render_marked(todo, shared)
    body_ids = store_bodies([(text, html) for _s, text, html, _n in rendered])
    now = now_utc()
    rows = [
        _notification_row(key, d, message, body_id, off, now)
        for key, d, message, body_id in zip(by_key, todo, rendered, body_ids, strict=True)
    ]
    inserted = 0
    deliveries: list[dict[str, Any]] = []
    postgres = db.session.get_bind().dialect.name == "postgresql"
    for start in range(0, len(rows), 2000):
        chunk = rows[start : start + 2000]
        if postgres:
            stored = _pg_insert_arrays(_NOTIFICATIONS, chunk, " ON CONFLICT (dedupe_key) DO NOTHING RETURNING id, dedupe_key")
        else:
            table = _NOTIFICATIONS
            stmt = _insert().on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(table.c.id, table.c.dedupe_key)
            stored = list(db.session.execute(stmt, chunk).all())
        for notification_id, key in stored:
            inserted += 1
            deliveries.extend(_deliveries(notification_id, by_key[key], on, off, modes, now))
    for start in range(0, len(deliveries), 2000):
        if postgres:
            _pg_insert_arrays(_DELIVERIES, deliveries[start : start + 2000])
        else:
            db.session.execute(sa.insert(_DELIVERIES), deliveries[start : start + 2000])
    return inserted


_BODIES = cast(sa.Table, NotificationBody.__table__)


def store_bodies(bodies: Sequence[tuple[str, str]]) -> list[int]:
    """The stored body's id for each (text, html), inserting the ones not stored yet (by their
    hash, ON CONFLICT DO NOTHING: a concurrent run may store the same). Bodies that are the
    same objects (one shared rendering) are hashed once."""
    digests: dict[tuple[int, int], str] = {}
    new: dict[str, tuple[str, str]] = {}
    per_body: list[str] = []
    for text, html in bodies:
        same = (id(text), id(html))
        digest = digests.get(same)
        if digest is None:
            digest = digests[same] = body_digest(text, html)
            new.setdefault(digest, (text, html))
        per_body.append(digest)
    ids = _body_ids(list(new))
    missing = [{"sha256": digest, "text": text, "html": html} for digest, (text, html) in new.items() if digest not in ids]
    if missing:
        for start in range(0, len(missing), 500):
            chunk = missing[start : start + 500]
            if db.session.get_bind().dialect.name == "postgresql":
                _pg_insert_arrays(_BODIES, chunk, " ON CONFLICT (sha256) DO NOTHING")
            else:
                db.session.execute(sqlite.insert(_BODIES).on_conflict_do_nothing(index_elements=["sha256"]), chunk)
        ids.update(_body_ids([row["sha256"] for row in missing]))
    return [ids[digest] for digest in per_body]


def _body_ids(digests: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for start in range(0, len(digests), 5000):
        chunk = digests[start : start + 5000]
        found.update(db.session.execute(sa.select(_BODIES.c.sha256, _BODIES.c.id).where(one_of(_BODIES.c.sha256, chunk))).tuples().all())
    return found


def _pg_insert_arrays(table: sa.Table, rows: list[dict[str, Any]], tail: str = "") -> list[Any]:
    """The rows inserted on PostgreSQL in one statement, ``INSERT … SELECT * FROM unnest(…)``, a
    binary array parameter per column (no quoting, no per-value placeholder), with ``tail``'s
    RETURNING rows. Not SQLAlchemy's multi-row VALUES list (insertmanyvalues): a placeholder per
    value, the statement's long text parsed anew each time by psycopg, in Python (~0.5 s of CPU
    per 1,000 rows). A step's 1,000 notifications as 1,000 pipelined one-row INSERTs (psycopg's
    ``executemany``) cost the server ~2.5 s of CPU per 22,000 (parse, bind, execute and
    trigger set-up per row); one statement per 1,000 rows a fraction of that. Binary arrays:
    their text form would escape every quote of the bodies' HTML, in Python."""
    dialect = db.session.get_bind().dialect
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    processors = [c.type.bind_processor(dialect) for c in columns]
    arrays = [
        [row[name] for row in rows] if process is None else [process(row[name]) for row in rows]
        for name, process in zip(names, processors, strict=True)
    ]
    casts = ", ".join(f"%b::{c.type.compile(dialect=dialect)}[]" for c in columns)
    sql = f"INSERT INTO {table.name} ({', '.join(names)}) SELECT * FROM unnest({casts}){tail}"
    cursor = db.session.connection().connection.cursor()
    try:
        cursor.execute(sql, arrays)
        return list(cursor.fetchall()) if "RETURNING" in tail else []
    finally:
        cursor.close()


def _notification_row(
    key: str, d: Draft, message: Rendered, body_id: int, off: set[tuple[int, NotificationKind, str]], now: Any
) -> dict[str, Any]:
    """The notification's row: the draft's subject in the recipient's language, its stored body
    and the name that fills the body in."""
    subject, _text, _html, name = message
    return {
        "dedupe_key": key,
        "recipient": d.recipient.key,
        "user_id": d.recipient.user_id,
        "kind": d.kind,
        "case_id": d.case_id,
        "due_on": d.due_on,
        "locale": d.recipient.locale,
        "subject": subject,
        "body_id": body_id,
        "recipient_name": name,
        "url": d.context.get("url"),
        "in_app": d.recipient.user_id is not None and (d.recipient.user_id, d.kind, APP_CHANNEL) not in off,
        "created_at": now,
    }


def _deliveries(
    notification_id: int, d: Draft, on: Sequence[channels.Channel], off: set[tuple[int, NotificationKind, str]],
    modes: dict[int, Any], now: Any,
) -> list[dict[str, Any]]:
    """The delivery rows of a newly stored notification: one per enabled channel with an address
    for the recipient, unless they switched this kind off there; held for a daily summary."""
    out = []
    for channel in on:
        address = channel.address(d.recipient)
        uid = d.recipient.user_id
        if not address or (uid is not None and (uid, d.kind, channel.name) in off):
            continue
        held = uid is not None and modes.get(uid) == EmailMode.daily and d.kind in SUMMARISED_KINDS
        out.append(
            {"notification_id": notification_id, "channel": channel.name, "address": address, "held": held,
             "created_at": now, "attempts": 0}
        )
    return out


def enabled_channels() -> list[channels.Channel]:
    return channels.enabled()


def _off_everywhere(d: Draft, off: set[tuple[int, NotificationKind, str]], on: Sequence[channels.Channel]) -> bool:
    uid = d.recipient.user_id
    if uid is None or d.kind not in OPTIONAL_KINDS:
        return False
    return all((uid, d.kind, name) in off for name in [APP_CHANNEL, *(c.name for c in on)])


# -- preferences ----------------------------------------------------------------------------


def channel_opt_outs(user_ids: Iterable[int] | None = None) -> set[tuple[int, NotificationKind, str]]:
    """(user id, kind, channel) triples switched off."""
    query = sa.select(NotificationOptOut.user_id, NotificationOptOut.kind, NotificationOptOut.channel)
    if user_ids is not None:
        query = query.where(one_of(NotificationOptOut.user_id, list(user_ids)))
    return {(uid, kind, channel) for uid, kind, channel in db.session.execute(query)}


def opted_out(
    user_ids: Iterable[int] | None = None, triples: set[tuple[int, NotificationKind, str]] | None = None
) -> set[tuple[int, NotificationKind]]:
    """(user id, kind) pairs switched off on every channel: the jobs skip these altogether.
    ``triples``: the users' ``channel_opt_outs`` when the caller has them."""
    if triples is None:
        triples = channel_opt_outs(user_ids)
    names = [APP_CHANNEL, *(c.name for c in enabled_channels())]
    pairs = {(uid, kind) for uid, kind, _c in triples}
    return {(uid, kind) for uid, kind in pairs if all((uid, kind, n) in triples for n in names)}


def email_modes(user_ids: Iterable[int]) -> dict[int, EmailMode]:
    ids = list(user_ids)
    if not ids:
        return {}
    return dict(
        db.session.execute(
            sa.select(NotificationSettings.user_id, NotificationSettings.email_mode).where(one_of(NotificationSettings.user_id, ids))
        ).tuples().all()
    )


def email_mode(user: User) -> EmailMode:
    return email_modes([user.id]).get(user.id, EmailMode.immediate)


def channel_names() -> list[str]:
    """The channels a user chooses per kind: the in-app list and every delivery channel."""
    return [APP_CHANNEL, *(c.name for c in enabled_channels())]


def wanted(user: User) -> set[tuple[NotificationKind, str]]:
    """(kind, channel) pairs the user receives."""
    off = {(kind, channel) for _uid, kind, channel in channel_opt_outs([user.id])}
    kinds: list[NotificationKind] = [k for k in NotificationKind if k != NotificationKind.daily_summary]  # a rhythm, not a kind to choose
    return {(k, c) for k in kinds for c in channel_names()} - off


def wanted_kinds(user: User) -> set[NotificationKind]:
    """Kinds the user receives on at least one channel."""
    return {k for k, _c in wanted(user)}


def set_preferences(
    user: User,
    wanted_pairs: Iterable[tuple[NotificationKind | str, str] | NotificationKind | str],
    mode: EmailMode | str | None = None,
) -> None:
    """Store which optional kinds the user wants on which channel (escalations are always on)
    and, when given, whether e-mail comes at once or as one daily summary. A bare kind means
    that kind on every channel."""
    names = channel_names()
    chosen: set[tuple[NotificationKind, str]] = set()
    for item in wanted_pairs:
        if isinstance(item, tuple):
            if item[1] in names:
                chosen.add((NotificationKind(item[0]), item[1]))
        else:
            chosen.update((NotificationKind(item), c) for c in names)
    off = {(k, c) for k in OPTIONAL_KINDS for c in names} - chosen
    current = {(kind, channel) for _uid, kind, channel in channel_opt_outs([user.id])}
    new_mode = EmailMode(mode) if mode is not None else None
    old_mode = email_mode(user)
    if off == current and (new_mode is None or new_mode == old_mode):
        return
    if off != current:
        db.session.execute(sa.delete(NotificationOptOut).where(NotificationOptOut.user_id == user.id))
        for kind, channel in sorted(off):
            db.session.add(NotificationOptOut(user_id=user.id, kind=kind, channel=channel))
    if new_mode is not None and new_mode != old_mode:
        settings = db.session.get(NotificationSettings, user.id)
        if settings is None:
            db.session.add(NotificationSettings(user_id=user.id, email_mode=new_mode))
        else:
            settings.email_mode = new_mode
    record(
        "notifications.preferences",
        user,
        "notification preferences changed",
        actor=user,
        off=[f"{k.value}:{c}" for k, c in sorted(off)],
        email_mode=(new_mode or old_mode).value,
    )
    db.session.flush()


# -- reading ----------------------------------------------------------------------------------


def for_user(user: User, limit: int = 200) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id, Notification.in_app.is_(True))
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def unread_count(user: User) -> int:
    return db.session.scalar(sa.select(unread_count_column(user.id))) or 0


def unread_count_column(user_id: Any) -> sa.ScalarSelect[int]:
    """The user's unread in-app notifications as a scalar subquery (``user_id`` a value or a column)."""
    return (
        sa.select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.in_app.is_(True), Notification.read_at.is_(None))
        .scalar_subquery()
    )


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of this user as read."""
    stmt = sa.update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    result = db.session.execute(stmt.values(read_at=now_utc()), execution_options={"synchronize_session": False})
    return rowcount(result) or 0


def outbox(limit: int = 500) -> list[Delivery]:
    """E-mails not sent (yet): no SMTP configured, or the server refused them."""
    return list(
        db.session.scalars(
            sa.select(Delivery).where(in_outbox()).order_by(Delivery.created_at, Delivery.id).limit(limit)
        )
    )


def recently_sent(limit: int = 50) -> list[Delivery]:
    return list(
        db.session.scalars(
            sa.select(Delivery).where(Delivery.sent_at.is_not(None)).order_by(Delivery.sent_at.desc(), Delivery.id.desc()).limit(limit)
        )
    )
