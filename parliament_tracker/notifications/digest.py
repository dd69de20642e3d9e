"""The weekly digest job's body: per director, what will be on the Kamer's Monday late list,
what is due next week, and what waits for approval or signature."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import OPEN, CaseStatus
from parliament_tracker.deadlines import lateness, rules
from parliament_tracker.deadlines.models import Deadline, Event, EventKind
from parliament_tracker.deadlines.services import facts_for, load_rule_context
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services
from parliament_tracker.notifications.jobs import EFFECTIVE, batch_size, in_range
from parliament_tracker.notifications.models import NotificationKind
from parliament_tracker.notifications.services import Draft


def weekly_digest(today: dt.date, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Per director: what will be on the Kamer's Monday late list, what is due next week,
    and what waits for approval or signature. A recess in the coming week is mentioned.

    One step per call: the next ``batch_size()`` directors in (directorate, id) order after
    ``previous["after"]``; the scheduler commits each step and calls again while ``more``. A
    directorate's sections are gathered once per step and its directors share one message
    context (rendered once, see ``services.render_many``). A run that failed midway starts
    again and skips the digests its committed steps queued (the unique notification rows).
    """
    previous = previous or {}
    after_directorate, after_user = previous.get("after") or (0, 0)
    ctx = load_rule_context()
    monday = lateness.next_monday(today + dt.timedelta(days=1))
    recesses = _recesses_in_week(monday)
    limit = batch_size()
    directors = list(
        db.session.scalars(
            sa.select(User)
            .where(User.is_enabled.is_(True), User.role == Role.director, User.directorate_id.is_not(None))
            .where(
                sa.or_(
                    User.directorate_id > after_directorate,
                    sa.and_(User.directorate_id == after_directorate, User.id > after_user),
                )
            )
            .order_by(User.directorate_id, User.id)
            .limit(limit + 1)
        )
    )
    more = len(directors) > limit
    directors = directors[:limit]
    off = services.opted_out(u.id for u in directors)
    drafts: list[Draft] = []
    counts = {key: int(previous.get(key, 0)) for key in ("directors", "queued", "empty")}
    contexts: dict[int, dict[str, Any] | None] = {}
    for director in directors:
        if (director.id, NotificationKind.weekly_digest) in off:
            continue
        directorate_id = director.directorate_id
        assert directorate_id is not None  # selected above
        if directorate_id not in contexts:
            sections = _digest_sections(directorate_id, today, monday, ctx.settings)
            contexts[directorate_id] = None if not any(sections.values()) and not recesses else {
                "monday": monday,
                "friday": monday + dt.timedelta(days=4),
                "directorate": director.directorate.name if director.directorate else "",
                "recesses": [{"name": e.name, "starts_on": e.starts_on, "ends_on": e.ends_on or e.starts_on} for e in recesses],
                **sections,
            }
        context = contexts[directorate_id]
        if context is None:
            counts["empty"] += 1
            continue
        drafts.append(Draft(services.user_recipient(director), NotificationKind.weekly_digest, None, monday, "weekly_digest", context))
    queued = services.queue(drafts)
    counts["directors"] += len(directors)
    counts["queued"] += queued
    result: dict[str, Any] = {**counts, "recess": bool(recesses)}
    if more:
        last = directors[-1]
        return {**result, "more": True, "after": [last.directorate_id, last.id]}
    return result


def _recesses_in_week(monday: dt.date) -> list[Event]:
    sunday = monday + dt.timedelta(days=6)
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.kind == EventKind.recess, Event.starts_on <= sunday, sa.func.coalesce(Event.ends_on, Event.starts_on) >= monday)
            .order_by(Event.starts_on)
        )
    )


def _item(case: Case, due_on: dt.date | None = None) -> dict[str, Any]:
    return {
        "reference": case.reference,
        "subject": case.subject,
        "due_on": due_on or case.practical_due_on,
        "status": case.status,
        "drafter": case.drafter.display_name if case.drafter else None,
        "url": services.case_url(case.reference),
    }


def _digest_sections(directorate_id: int, today: dt.date, monday: dt.date, settings: rules.DeadlineSettings) -> dict[str, list[Any]]:
    open_cases = list(
        db.session.scalars(
            sa.select(Case)
            .where(Case.lead_directorate_id == directorate_id, Case.status.in_(OPEN))
            .order_by(Case.practical_due_on, Case.reference)
        )
    )
    late_list = [
        _item(c) for c in open_cases if c.kind == CaseKind.written_questions and lateness.monday_late_list(facts_for(c), today, settings)
    ]
    friday = monday + dt.timedelta(days=4)
    due_rows = db.session.execute(
        sa.select(Case, EFFECTIVE.label("due"))
        .join(Deadline, Deadline.case_id == Case.id)
        .where(Case.lead_directorate_id == directorate_id, Case.status.in_(OPEN), Deadline.is_binding.is_(True))
        .where(in_range(monday, friday))
        .order_by(EFFECTIVE, Case.reference)
    ).all()
    due_next_week = [_item(c, due) for c, due in due_rows]
    approval = [_item(c) for c in open_cases if c.status == CaseStatus.in_review]
    signature = [_item(c) for c in open_cases if c.status == CaseStatus.awaiting_signature]
    return {"late_list": late_list, "due_next_week": due_next_week, "waiting_approval": approval, "waiting_signature": signature}
