"""The weekly digest job's body: per director, what will be on the Kamer's Monday late list,
what is due next week, and what waits for approval or signature."""

from __future__ import annotations

import dataclasses
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
from parliament_tracker.notifications.jobs import EFFECTIVE, batch_size, end_run, in_range, run_state
from parliament_tracker.notifications.models import NotificationKind, dedupe_key
from parliament_tracker.notifications.services import Draft
from parliament_tracker.organisation.models import Directorate


@dataclasses.dataclass
class _Run:
    """What a digest run gathers once: the coming week's recesses and per directorate its
    message context (None: nothing to tell)."""

    recesses: list[dict[str, Any]]
    contexts: dict[int, dict[str, Any] | None] = dataclasses.field(default_factory=dict)
    #: each context rendered once per language for all its directors (``services.render_many``)
    rendered: services.SharedRenderings = dataclasses.field(default_factory=dict)


def weekly_digest(today: dt.date, previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """Per director: what will be on the Kamer's Monday late list, what is due next week,
    and what waits for approval or signature. A recess in the coming week is mentioned.

    One step per call: the next ``batch_size()`` directors in (directorate, id) order after
    ``previous["after"]``; the scheduler commits each step and calls again while ``more``. A
    directorate's sections are gathered once per run (at the first step that needs them; the
    run's token goes from step to step in the counts) and its directors share one message
    context, rendered once per run (``services.render_many``). A run that failed midway starts again
    and skips the digests its committed steps queued (the unique notification rows), without
    gathering the sections of a directorate whose directors all have theirs.
    """
    previous = previous or {}
    monday = lateness.next_monday(today + dt.timedelta(days=1))
    # each directorate's sections gathered (and its message rendered) once per run, not once
    # per step that reaches one of its directors (jobs.run_state)
    token, run = run_state("weekly_digest", previous, lambda: _Run(_recess_items(monday)))
    after_directorate, after_user = previous.get("after") or (0, 0)
    limit = batch_size()
    # Plain rows, not User entities: a step reads a thousand directors.
    directors = list(
        db.session.execute(
            sa.select(User.id, User.email, User.display_name, User.locale, User.directorate_id)
            .where(User.is_enabled.is_(True), User.role == Role.director, User.directorate_id.is_not(None))
            .where(
                sa.or_(
                    User.directorate_id > after_directorate,
                    sa.and_(User.directorate_id == after_directorate, User.id > after_user),
                )
            )
            .order_by(User.directorate_id, User.id)
            .limit(limit + 1)
        ).all()
    )
    more = len(directors) > limit
    directors = directors[:limit]
    # One read of the step's opt-outs, and of its stored keys, for the digest and ``queue`` both.
    triples = services.channel_opt_outs(u.id for u in directors)
    off = services.opted_out(triples=triples)
    locale = services.default_locale()
    wanted = [
        (u.directorate_id, services.Recipient(u.id, u.email or None, u.display_name, u.locale or locale))
        for u in directors
        if (u.id, NotificationKind.weekly_digest) not in off
    ]
    kind = NotificationKind.weekly_digest
    keys = [dedupe_key(r.key, kind.value, None, monday, None) for _d, r in wanted]
    done = services.existing_keys(keys)  # queued by an earlier run of the day that failed midway
    counts = {key: int(previous.get(key, 0)) for key in ("directors", "queued", "empty")}
    drafts: list[Draft] = []
    for (directorate_id, recipient), key in zip(wanted, keys, strict=True):
        if key in done:
            continue
        if directorate_id not in run.contexts:
            run.contexts[directorate_id] = _context(directorate_id, today, monday, run.recesses)
        context = run.contexts[directorate_id]
        if context is None:
            counts["empty"] += 1
            continue
        drafts.append(Draft(recipient, kind, None, monday, "weekly_digest", context))
    queued = services.queue(drafts, run.rendered, checked=True, opt_outs=triples)
    counts["directors"] += len(directors)
    counts["queued"] += queued
    result: dict[str, Any] = {**counts, "recess": bool(run.recesses)}
    if more:
        last = directors[-1]
        return {**result, "more": True, "after": [last.directorate_id, last.id], "run": token}
    end_run("weekly_digest")
    return result


def _context(directorate_id: int, today: dt.date, monday: dt.date, recesses: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The message context of one directorate's digest; None when there is nothing to tell."""
    sections = _digest_sections(directorate_id, today, monday, load_rule_context().settings)
    if not any(sections.values()) and not recesses:
        return None
    name = db.session.scalar(sa.select(Directorate.name).where(Directorate.id == directorate_id))
    return {
        "monday": monday,
        "friday": monday + dt.timedelta(days=4),
        "directorate": name or "",
        "recesses": recesses,
        **sections,
    }


def _recess_items(monday: dt.date) -> list[dict[str, Any]]:
    return [{"name": e.name, "starts_on": e.starts_on, "ends_on": e.ends_on or e.starts_on} for e in _recesses_in_week(monday)]


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


#: what a digest item and the late-list rule read of a case: its drafter's name and the event
#: it is due before; not its members and questions (loaded with a case by default)
_SECTION_LOADS = (sa.orm.selectinload(Case.drafter), sa.orm.selectinload(Case.due_before_event), sa.orm.raiseload("*"))


def _digest_sections(directorate_id: int, today: dt.date, monday: dt.date, settings: rules.DeadlineSettings) -> dict[str, list[Any]]:
    # the open cases that can be in a section: written questions (the Monday late list) and
    # the cases waiting for approval or signature
    open_cases = list(
        db.session.scalars(
            sa.select(Case)
            .where(Case.lead_directorate_id == directorate_id, Case.status.in_(OPEN))
            .where((Case.kind == CaseKind.written_questions) | Case.status.in_([CaseStatus.in_review, CaseStatus.awaiting_signature]))
            .order_by(Case.practical_due_on, Case.reference)
            .options(*_SECTION_LOADS)
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
        .options(*_SECTION_LOADS)
    ).all()
    due_next_week = [_item(c, due) for c, due in due_rows]
    approval = [_item(c) for c in open_cases if c.status == CaseStatus.in_review]
    signature = [_item(c) for c in open_cases if c.status == CaseStatus.awaiting_signature]
    return {"late_list": late_list, "due_next_week": due_next_week, "waiting_approval": approval, "waiting_signature": signature}
