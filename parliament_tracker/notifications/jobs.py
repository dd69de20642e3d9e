"""The bodies of the scheduled jobs. Each takes ``today`` and returns counts for its JobRun.

Every job selects what is "due and not done" and records what it produced (notification
rows) in the same transaction; the caller (``scheduler.run_job``) commits once. Running a
job twice for the same day adds nothing. The escalation (and ``digest.weekly_digest``) go in
steps of ``NOTIFICATION_BATCH`` messages, one commit each: the scheduler calls the body again
with the previous step's counts (its cursor and totals) while it reports ``more``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import sqlalchemy as sa
from flask import current_app

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.db import now_utc, rowcount
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.deadlines.progress import not_done_sql
from parliament_tracker.deadlines.rules import DeadlineKind
from parliament_tracker.deadlines.services import load_rule_context
from parliament_tracker.deadlines.workdays import WorkingCalendar
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import Delivery, Notification, NotificationBody, NotificationKind
from parliament_tracker.notifications.services import Draft, Recipient
from parliament_tracker.organisation.models import Directorate

EFFECTIVE = sa.func.coalesce(Deadline.overridden_due_on, Deadline.practical_due_on)

#: deadline kind -> reminder kind (the binding answer date, whatever its kind, is reminder_due)
REMINDER_FOR = {
    DeadlineKind.internal_draft: NotificationKind.reminder_draft,
    DeadlineKind.internal_approval: NotificationKind.reminder_approval,
    DeadlineKind.internal_signature: NotificationKind.reminder_signature,
}


def add_working_days(calendar: WorkingCalendar, d: dt.date, n: int) -> dt.date:
    """The n-th working day after ``d`` (``d`` itself for n == 0)."""
    while n > 0:
        d += dt.timedelta(days=1)
        if calendar.is_working_day(d):
            n -= 1
    return d


def in_range(start: dt.date, end: dt.date) -> Any:
    # Two indexable predicates instead of one over coalesce() (see deadlines.queries).
    return sa.or_(
        sa.and_(Deadline.overridden_due_on.is_(None), Deadline.practical_due_on.between(start, end)),
        Deadline.overridden_due_on.between(start, end),
    )


def _steps_not_done(when: Any) -> list[Any]:
    """The reminded steps (internal milestones and the binding answer date) not done yet whose
    effective date matches ``when``, with the fields of their case the messages need."""
    return list(db.session.execute(_steps_not_done_query(when)).all())


def _steps_not_done_query(when: Any) -> Any:
    return (
        sa.select(
            Deadline.case_id,
            Deadline.kind,
            Deadline.is_binding,
            EFFECTIVE.label("due"),
            Case.reference,
            Case.subject,
            Case.status,
            Case.drafter_id,
            Case.lead_directorate_id,
        )
        .join(Case, Case.id == Deadline.case_id)
        .where(when, not_done_sql())
        .where(sa.or_(Deadline.kind.in_(list(REMINDER_FOR)), Deadline.is_binding.is_(True)))
    )


def _users(ids: Iterable[int]) -> dict[int, User]:
    ids = list(set(ids))
    found: dict[int, User] = {}
    for start in range(0, len(ids), 5000):
        for user in db.session.scalars(sa.select(User).where(User.id.in_(ids[start : start + 5000]))):
            found[user.id] = user
    return found


def _step(kind: DeadlineKind, binding: bool) -> NotificationKind:
    return NotificationKind.reminder_due if binding else REMINDER_FOR[kind]


# -- reminders ------------------------------------------------------------------------------


def reminders(today: dt.date) -> dict[str, Any]:
    """Remind the drafter (or, without one, the lead directorate's mailbox) N working days
    before each internal milestone and before the answer due date of every open case.

    A sweep over [today, today + N working days] rather than "exactly N days before": a day
    the scheduler was down is caught up the next working day, and the unique notification
    row keeps it to one reminder per recipient, step, case and date.
    """
    ctx = load_rule_context()
    if not ctx.calendar.is_working_day(today):
        return {"skipped": "not a working day"}
    n = int(current_app.config.get("REMINDER_WORKING_DAYS_BEFORE", 2))
    horizon = add_working_days(ctx.calendar, today, n)
    rows = _steps_not_done(in_range(today, horizon))
    users = _users(r.drafter_id for r in rows if r.drafter_id is not None)
    off = services.opted_out(users)
    mailboxes = {d.id: d for d in db.session.scalars(sa.select(Directorate))}
    drafts: list[Draft] = []
    counts = {"deadlines": len(rows), "opted_out": 0, "no_recipient": 0}
    recipients: dict[Any, Recipient] = {}
    for r in rows:
        kind = _step(r.kind, r.is_binding)
        user = users.get(r.drafter_id) if r.drafter_id is not None else None
        recipient = _reminder_recipient(r, user, kind, off, mailboxes, recipients, counts)
        if recipient is None:
            continue
        drafts.append(
            Draft(
                recipient,
                kind,
                r.case_id,
                r.due,
                "reminder",
                {
                    "reference": r.reference,
                    "case_subject": r.subject,
                    "due_on": r.due,
                    "working_days_left": ctx.calendar.working_days_between(today, r.due),
                    "url": services.case_url(r.reference),
                    "mailbox": user is None,
                },
            )
        )
    counts["queued"] = services.queue(drafts)
    counts["already_sent"] = len(drafts) - counts["queued"]
    return counts


def _reminder_recipient(
    r: Any, user: User | None, kind: NotificationKind, off: set[Any], mailboxes: dict[int, Directorate],
    recipients: dict[Any, Recipient], counts: dict[str, int],
) -> Recipient | None:
    """The drafter, or without an enabled one the lead directorate's mailbox; None (and counted)
    when the drafter opted out of this kind or there is nobody to tell."""
    if user is not None and user.is_enabled:
        if (user.id, kind) in off:
            counts["opted_out"] += 1
            return None
        return recipients.get(user.id) or recipients.setdefault(user.id, services.user_recipient(user))
    directorate = mailboxes.get(r.lead_directorate_id) if r.lead_directorate_id else None
    if directorate is None or not directorate.email:
        counts["no_recipient"] += 1
        return None
    key = ("mailbox", directorate.id)
    return recipients.get(key) or recipients.setdefault(key, services.mailbox_recipient(directorate.email, directorate.name))


# -- escalation -----------------------------------------------------------------------------


def batch_size() -> int:
    """Messages per step of the escalation and digest jobs: each step is its own commit."""
    return max(1, int(current_app.config.get("NOTIFICATION_BATCH", 1000)))


_State = TypeVar("_State")

#: per stepped job, the run in progress: (its token, what it gathered once). A run's steps are
#: calls in this process with the token in their counts (``previous["run"]``), so what every
#: step needs (the staff, the rule context, the digest's sections) is read once per run, not
#: once per step. One run of a job at a time: another token (a run that failed midway and
#: started again) starts afresh, since what the old one gathered may be stale.
_RUN_STATES: dict[str, tuple[str, Any]] = {}


def run_state(job: str, previous: dict[str, Any], gather: Callable[[], _State]) -> tuple[str, _State]:
    """The run's token and what ``gather`` read at its first step."""
    token = str(previous.get("run") or uuid.uuid4().hex)
    kept = _RUN_STATES.get(job)
    if kept is None or kept[0] != token:
        kept = _RUN_STATES[job] = (token, gather())
    return token, kept[1]


def end_run(job: str) -> None:
    """The run's last step: what it gathered is not kept."""
    _RUN_STATES.pop(job, None)


def escalation(today: dt.date, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """A case past a milestone or its due date without the step done: tell the director(s)
    of the lead directorate and the registrar(s), once per missed date.

    With neither, the escalation goes to the lead directorate's mailbox, else to the
    (enabled) administrators, and the run's counts say how many went there; only when
    there is nobody at all is it counted as ``no_recipient``.

    One step per call, for the cases after ``previous["after"]`` (case id order) up to about
    ``batch_size()`` messages; the scheduler commits each step and calls again while ``more``.
    The unique notification rows are the record of what is queued: a run that failed midway
    starts again from the first case and skips what its committed steps queued.
    """
    previous = previous or {}
    after = int(previous.get("after") or 0)
    token, (ctx, staff) = run_state("escalation", previous, lambda: (load_rule_context(), _EscalationStaff.load()))
    limit = batch_size()
    cases, more = _missed_cases(today, after, limit, staff)
    drafters = _users(r.drafter_id for r in cases if r.drafter_id is not None)
    drafts: list[Draft] = []
    counts = {key: int(previous.get(key, 0)) for key in ("cases", "queued", "already_sent", "to_mailbox", "to_admins", "no_recipient")}
    for r in cases:
        to = staff.recipients_for(r.lead_directorate_id, counts)
        drafter = drafters.get(r.drafter_id)
        # One context for every recipient of the case: rendered once (services.render_many).
        context = {
            "reference": r.reference,
            "case_subject": r.subject,
            "step": _step(r.kind, r.is_binding),
            "due_on": r.due,
            "working_days_late": ctx.calendar.working_days_between(r.due, today),
            "status": r.status,
            "drafter": drafter.display_name if drafter else None,
            "url": services.case_url(r.reference),
        }
        drafts.extend(Draft(recipient, NotificationKind.escalation, r.case_id, r.due, "escalation", context) for recipient in to)
    queued = services.queue(drafts)
    counts["cases"] += len(cases)
    counts["queued"] += queued
    counts["already_sent"] += len(drafts) - queued
    if more and cases:
        return {**counts, "more": True, "after": cases[-1].case_id, "run": token}
    end_run("escalation")
    return counts


def _missed_cases(today: dt.date, after: int, limit: int, staff: _EscalationStaff) -> tuple[list[Any], bool]:
    """The next cases after case id ``after`` with a missed date (each with its latest one),
    as many as make about ``limit`` messages; and whether more cases follow."""
    stmt = (
        _steps_not_done_query(today > EFFECTIVE)
        .where(Deadline.case_id > after)
        .order_by(Deadline.case_id)
        .execution_options(yield_per=2000)
    )
    cases: list[Any] = []
    messages = 0
    rows: list[Any] = []
    result = db.session.execute(stmt)
    try:
        for r in result:
            if rows and r.case_id != rows[0].case_id:
                if messages >= limit:
                    return cases, True
                cases.append(_latest_missed(rows)[0])
                messages += max(1, staff.count_for(rows[0].lead_directorate_id))
                rows = []
            rows.append(r)
    finally:
        result.close()
    if rows:
        if messages >= limit:
            return cases, True
        cases.append(_latest_missed(rows)[0])
    return cases, False


def _latest_missed(rows: list[Any]) -> list[Any]:
    """One escalation per case for its latest missed date: a case that missed its draft,
    approval and signature dates is one message, not three. The next missed date of the same
    case escalates again (the unique row is per case and date)."""
    latest: dict[int, Any] = {}
    for r in rows:
        best = latest.get(r.case_id)
        if best is None or (r.due, r.is_binding) > (best.due, best.is_binding):
            latest[r.case_id] = r
    return sorted(latest.values(), key=lambda r: (r.due, r.reference))


class _EscalationStaff:
    """Who is told of a missed date: the lead directorate's directors and the registrars; with
    neither, the directorate's mailbox, else the administrators."""

    def __init__(self, staff: list[User], mailboxes: dict[int, Directorate]) -> None:
        # Plain values only (ids, recipients, mailbox addresses): kept for the whole run, they
        # must not read from entities that the steps' commits expire.
        self.directors: dict[int, list[int]] = defaultdict(list)
        for u in staff:
            if u.role == Role.director and u.directorate_id is not None:
                self.directors[u.directorate_id].append(u.id)
        self.registrars = [u.id for u in staff if u.role == Role.registrar]
        self.admins = [u.id for u in staff if u.role == Role.admin]
        self.mailboxes = {d.id: (d.email, d.name) for d in mailboxes.values()}
        self.recipients: dict[Any, Recipient] = {u.id: services.user_recipient(u) for u in staff}

    @classmethod
    def load(cls) -> _EscalationStaff:
        staff = list(
            db.session.scalars(sa.select(User).where(User.is_enabled.is_(True), User.role.in_([Role.director, Role.registrar, Role.admin])))
        )
        return cls(staff, {d.id: d for d in db.session.scalars(sa.select(Directorate))})

    def count_for(self, directorate_id: int | None) -> int:
        """How many messages a case of this directorate makes (for the batch's size)."""
        directors = self.directors.get(directorate_id, []) if directorate_id is not None else []
        if directors or self.registrars:
            return len(directors) + len(self.registrars)
        return max(1, len(self.admins))

    def recipients_for(self, directorate_id: int | None, counts: dict[str, int]) -> list[Recipient]:
        directors = self.directors.get(directorate_id, []) if directorate_id is not None else []
        to = [self.recipients[user_id] for user_id in (*directors, *self.registrars)]
        if to:
            return to
        email, name = self.mailboxes.get(directorate_id, (None, "")) if directorate_id else (None, "")
        if email:
            key = ("mailbox", directorate_id)
            if key not in self.recipients:
                self.recipients[key] = services.mailbox_recipient(email, name)
            counts["to_mailbox"] += 1
            return [self.recipients[key]]
        if self.admins:
            counts["to_admins"] += 1
            return [self.recipients[user_id] for user_id in self.admins]
        counts["no_recipient"] += 1
        return []


# -- daily summary ----------------------------------------------------------------------------


def daily_summary(today: dt.date) -> dict[str, Any]:
    """One e-mail per user in "one daily summary" mode with what was held for them.

    The summary is a notification of its own (unique per user and day); the held deliveries it
    carries are marked with its id and as sent in the same transaction, and only when this run
    inserted the summary, so a second run or a second process carries each one at most once.
    """
    held = db.session.execute(
        sa.select(Delivery.id, Notification.user_id, Notification.subject, Notification.url, Notification.created_at)
        .join(Notification, Notification.id == Delivery.notification_id)
        .where(Delivery.held.is_(True), Delivery.sent_at.is_(None), Notification.user_id.is_not(None))
        .order_by(Notification.user_id, Notification.created_at, Notification.id)
    ).all()
    by_user: dict[int, list[Any]] = defaultdict(list)
    for row in held:
        by_user[row.user_id].append(row)
    users = _users(by_user)
    counts = {"users": 0, "messages": 0, "already_sent": 0}
    for user_id, rows in by_user.items():
        user = users.get(user_id)
        if user is None or not user.is_enabled or not user.email:
            continue
        item = Draft(
            services.user_recipient(user),
            NotificationKind.daily_summary,
            None,
            today,
            "daily_summary",
            {"items": [{"subject": r.subject, "url": r.url} for r in rows], "day": today,
             "url": services.absolute_url("/notifications")},
            ref=f"summary:{today.isoformat()}",
        )
        if services.queue([item]) == 0:
            counts["already_sent"] += 1
            continue
        summary_id = db.session.scalar(sa.select(Notification.id).where(Notification.dedupe_key == item.key))
        carried = db.session.execute(
            sa.update(Delivery)
            .where(Delivery.id.in_([r.id for r in rows]), Delivery.summary_id.is_(None), Delivery.sent_at.is_(None))
            .values(summary_id=summary_id, sent_at=now_utc()),
            execution_options={"synchronize_session": False},
        )
        counts["users"] += 1
        counts["messages"] += rowcount(carried) or 0
    return counts


# -- orphaned bodies ------------------------------------------------------------------------------


def prune_bodies(today: dt.date, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Delete the message bodies no notification refers to any more: a body is stored once for
    all its recipients (``services.store_bodies``), so deleting notifications (a destroyed case's,
    a deleted user's, by cascade) leaves their body behind once the last one goes.

    One step per call: the next ``batch_size()`` bodies after ``previous["after"]`` (id order)
    are looked at and the orphans among them deleted (the NOT EXISTS is asked again in the
    DELETE, by ``ix_notifications_body_id``); the scheduler commits each step and calls again
    while ``more``. Run at night: a job that queues a message the same as one whose last
    notification just went could pick its body up in the same moment and fail on the foreign
    key (its run fails and is retried, nothing is lost).
    """
    previous = previous or {}
    after = int(previous.get("after") or 0)
    limit = batch_size()
    ids = list(
        db.session.scalars(
            sa.select(NotificationBody.id).where(NotificationBody.id > after).order_by(NotificationBody.id).limit(limit)
        )
    )
    orphan = ~sa.exists().where(Notification.body_id == NotificationBody.id)
    deleted = 0
    if ids:
        result = db.session.execute(
            sa.delete(NotificationBody).where(NotificationBody.id.between(ids[0], ids[-1]), orphan),
            execution_options={"synchronize_session": False},
        )
        deleted = rowcount(result) or 0
    counts = {"looked_at": int(previous.get("looked_at", 0)) + len(ids), "deleted": int(previous.get("deleted", 0)) + deleted}
    if len(ids) == limit:
        return {**counts, "more": True, "after": ids[-1]}
    return counts


def send_outbox(today: dt.date) -> dict[str, Any]:
    """Send the e-mails waiting (the e-mail channel's deliveries)."""
    from parliament_tracker.notifications import channels
    from parliament_tracker.notifications.delivery import send_pending

    return send_pending(channels.get("email"))
