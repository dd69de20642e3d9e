"""Keeping the tracker in step with the Tweede Kamer: three scheduled jobs.

* ``watch``: new written questions addressed to the ministry's offices become cases, and the
  registrars are notified (one notification per case).
* ``reconcile``: open cases with a zaak number are compared with the Kamer's documents; an
  answer, uitstelbericht or withdrawal is stored on the case (``tk_*`` columns), optionally
  acted on (postponement recorded, case marked answered), audited, and the drafter notified.
* ``events``: debates of the configured committees become Events (matched by ``tk_number``);
  a moved debate moves the event (anchored cases are recomputed by the deadline services), a
  cancelled one is renamed "… (geannuleerd)" and the anchored cases get a warning.

Each job first reads everything it needs from the Kamer, then writes in the caller's single
transaction (services flush, never commit). On a Tweede Kamer error the job changes nothing:
``run_job`` rolls back, and the error is stored on the job's ``TKSyncState`` row in a separate
commit before it is raised again, so the JobRun records it as well.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases import references
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases import status as case_status
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import CLOSED, CaseStatus
from parliament_tracker.db import now_utc
from parliament_tracker.deadlines import events as deadline_events
from parliament_tracker.deadlines import overrides as deadline_overrides
from parliament_tracker.deadlines.event_moves import anchored_open_cases
from parliament_tracker.deadlines.models import Event, EventKind
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.notifications import services as notifications
from parliament_tracker.notifications.models import NotificationKind
from parliament_tracker.tk.client import DEFAULT_BATCH_SIZE, WRITTEN_QUESTIONS, TKClient, odata_string
from parliament_tracker.tk.committees import query_names
from parliament_tracker.tk.mapping import (
    ActivityData,
    ZaakData,
    is_addressed_to,
    normalise_office,
    to_activity_data,
    to_zaak_data,
)
from parliament_tracker.tk.services import active_signatories, case_input, members_for
from parliament_tracker.tk.sync_state import EVENTS, RECONCILE, WATCH, describe_error, run, state, succeeded
from parliament_tracker.tk.timestamps import AMSTERDAM

log = logging.getLogger(__name__)

CANCELLED_SUFFIX = deadline_events.CANCELLED_SUFFIX
POSTPONEMENT_REASON = "Uitstelbericht gepubliceerd door de Tweede Kamer (automatisch overgenomen)."
_DOSSIER_RE = re.compile(r"\((\d{5}(?:-[A-Z]+)?)\)")


# -- notifications ------------------------------------------------------------------------------


def _registrars() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.registrar, User.is_enabled.is_(True)).order_by(User.id)))


def _case_context(case: Case) -> dict[str, Any]:
    return {"reference": case.reference, "case_subject": case.subject, "url": notifications.case_url(case.reference)}


def _drafts(users: Iterable[User], kind: NotificationKind, case: Case, on: dt.date | None, template: str, **context: Any) -> list[notifications.Draft]:
    return [
        notifications.Draft(
            recipient=notifications.user_recipient(user),
            kind=kind,
            case_id=case.id,
            due_on=on,
            template=template,
            context={**_case_context(case), **context},
        )
        for user in users
    ]


def _notify(users: Iterable[User], kind: NotificationKind, case: Case, on: dt.date | None, template: str, **context: Any) -> int:
    return notifications.queue(_drafts(users, kind, case, on, template, **context))


# -- watch --------------------------------------------------------------------------------------


def watch_offices() -> list[str]:
    configured = current_app.config.get("TK_WATCH_OFFICES")
    if configured:
        return [configured] if isinstance(configured, str) else list(configured)
    return [s.office_title for s in active_signatories()]


def _written_questions_since(
    client: TKClient, since: dt.datetime, needles: list[str], watermark: dt.datetime | None
) -> tuple[list[ZaakData], dt.datetime | None]:
    """The written questions changed since ``since`` addressed to a watched office, and the
    watermark moved to the latest change seen (addressed to us or not)."""
    seen: list[ZaakData] = []
    for zaak in client.iter_zaken(f"Soort eq {odata_string(WRITTEN_QUESTIONS)}", since):
        if zaak.changed_at is not None and (watermark is None or zaak.changed_at > watermark):
            watermark = zaak.changed_at
        data = to_zaak_data(zaak)
        if is_addressed_to(data.addressed_to_offices, needles):
            seen.append(data)
    return seen, watermark


def _registered(refs: list[str]) -> set[str]:
    """Which of these references are registered cases already."""
    existing: set[str] = set()
    for start in range(0, len(refs), 500):
        existing.update(db.session.scalars(sa.select(Case.reference).where(Case.reference.in_(refs[start : start + 500]))))
    return existing


def watch(today: dt.date, client: TKClient) -> dict[str, Any]:
    """Register new written questions addressed to the watched offices since the watermark."""
    needles = [normalise_office(o) for o in watch_offices() if o and o.strip()]
    if not needles:
        succeeded(WATCH, {"status": "no offices to watch"})
        return {"status": "no offices to watch"}
    row = state(WATCH)
    since = row.watermark
    if since is None:
        first = today - dt.timedelta(days=int(current_app.config.get("TK_WATCH_FIRST_DAYS", 14)))
        since = dt.datetime(first.year, first.month, first.day, tzinfo=AMSTERDAM)
    # Read everything first: an error half-way must leave the database as it was.
    seen, watermark = _written_questions_since(client, since, needles, row.watermark)
    wanted = {d.reference: d for d in seen}
    existing = _registered(list(wanted))
    created = 0
    drafts: list[notifications.Draft] = []
    registrars = _registrars()
    invalid: list[str] = []
    todo = [d for r, d in wanted.items() if r not in existing]
    signatories = active_signatories()
    members = members_for(pair for d in todo for pair in d.members)
    for data in todo:
        reference = data.reference
        try:
            case = case_services.create_case(case_input(data, signatories=signatories, members=members), actor=None)
            created += 1
            drafts += _drafts(registrars, NotificationKind.tk_new_case, case, None, "tk_new_case")
            # Written; keep the session small (flushes and garbage collection slow down with it).
            db.session.flush()
            db.session.expunge(case)
        except case_services.DuplicateCase:
            raise  # registered meanwhile by someone else: the job is rolled back and retried next run
        except DomainError as exc:  # e.g. no submission date: leave it to a person
            log.warning("tk watch: %s not registered: %s %s", reference, exc.message, getattr(exc, "errors", ""))
            invalid.append(reference)
    # One batch: rendered per language once, one existence check, bulk inserts.
    notified = notifications.queue(drafts)
    counts: dict[str, Any] = {"seen": len(wanted), "new": created, "existing": len(wanted) - created - len(invalid), "not_registered": len(invalid), "notified": notified}
    if invalid:  # the watermark moves past them: name them so a registrar can import them by hand
        counts["not_registered_references"] = invalid[:50]
    succeeded(WATCH, counts, watermark)
    return counts


# -- reconcile ----------------------------------------------------------------------------------

_TK_FIELDS = ("answered_on", "postponed_on", "withdrawn_on")


def _open_zaak_cases() -> list[Case]:
    query = (
        sa.select(Case)
        .where(Case.status.not_in(list(CLOSED)), Case.reference.like("____Z%"))
        .order_by(Case.id)
        .options(selectinload(Case.deadlines))
    )
    return [c for c in db.session.scalars(query) if references.ZAAK_RE.match(c.reference)]


def _set_quietly(case: Case, **values: Any) -> None:
    """Write TK columns without an ORM change, so ``version`` (open forms) is not disturbed."""
    db.session.execute(sa.update(Case).where(Case.id == case.id).values(**values), execution_options={"synchronize_session": False})
    for key, value in values.items():
        set_committed_value(case, key, value)


def _mark_answered(case: Case, answered_on: dt.date) -> None:
    case_status.system_transition(
        case,
        CaseStatus.answered,
        actor=None,
        reason=f"Tweede Kamer published the answer on {answered_on}",
        comment=f"Tweede Kamer: antwoord gepubliceerd op {answered_on.isoformat()}",
        answered_on=answered_on,
    )


def reconcile(today: dt.date, client: TKClient) -> dict[str, Any]:
    """Store what the Kamer lists for open cases and act on it as configured.

    The cases are asked for in batches (``TK_BATCH_SIZE`` numbers per request) with at most
    ``TK_PARALLEL_REQUESTS`` requests at a time; all reads come first, the database work stays
    in this thread. A batch that fails leaves its cases as they were (not even "checked"), the
    counts name them, and the other batches are applied; when every batch fails the job fails.
    """
    config = current_app.config
    cases = _open_zaak_cases()
    by_reference = {c.reference: c for c in cases}
    fetched = client.fetch_zaken_by_numbers(
        list(by_reference),
        # a setting of 0 or less means one: one number per request, one request at a time
        chunk_size=max(1, int(config.get("TK_BATCH_SIZE", DEFAULT_BATCH_SIZE))),
        parallel=max(1, int(config.get("TK_PARALLEL_REQUESTS", 4))),
    )
    if fetched.failed and len(fetched.failed) == fetched.batches:
        raise fetched.failed[0].error  # nothing read: the job fails and changes nothing
    zaken = fetched.zaken
    not_read = set(fetched.failed_numbers)
    cases = [c for c in cases if c.reference not in not_read]
    now = now_utc()
    counts: dict[str, Any] = {"checked": len(cases), "found": len(zaken), "changed": 0, "answered": 0, "postponed": 0, "withdrawn": 0,
                              "postponements_recorded": 0, "marked_answered": 0, "notified": 0, "refused": 0, "requests": fetched.batches, "failed": len(not_read)}
    if fetched.failed:  # the run result says what was not read and why; the next run tries them again
        counts["failed_requests"] = len(fetched.failed)
        counts["failed_references"] = sorted(not_read)[:50]
        counts["errors"] = list(dict.fromkeys(describe_error(f.error)[:300] for f in fetched.failed))[:5]
    watermark = None
    for zaak in zaken:
        data = to_zaak_data(zaak)
        case = by_reference.get(data.reference)
        if case is None:
            continue
        if data.changed_at is not None and (watermark is None or data.changed_at > watermark):
            watermark = data.changed_at
        changes = {
            f"tk_{name}": (getattr(case, f"tk_{name}"), getattr(data, name))
            for name in _TK_FIELDS
            if getattr(case, f"tk_{name}") != getattr(data, name)
        }
        if not changes:
            continue
        counts["changed"] += 1
        _set_quietly(case, **{k: after for k, (_before, after) in changes.items()})
        record("case:tk_reconciled", case, f"Tweede Kamer lists for {case.reference}: " + ", ".join(f"{k} {a}" for k, (_b, a) in changes.items()), changes=changes)
        news = [(name, getattr(data, name)) for name in _TK_FIELDS if f"tk_{name}" in changes and getattr(data, name) is not None]
        _act_on_news(case, news, counts)
    _mark_checked(cases, now)
    succeeded(RECONCILE, counts, watermark)
    return counts


def _act_on_news(case: Case, news: list[tuple[str, Any]], counts: dict[str, int]) -> None:
    """What the Kamer newly lists for a case, acted on as configured: a postponement recorded,
    the case marked answered, the drafter told."""
    config = current_app.config
    for name, _on in news:
        counts[name.removesuffix("_on")] += 1
    postponed = dict(news).get("postponed_on")
    if postponed and config.get("TK_RECONCILE_RECORD_POSTPONEMENT", True) and case.kind == CaseKind.written_questions and case.postponed_on is None:
        try:
            deadline_overrides.record_postponement(case, postponed, POSTPONEMENT_REASON)
            counts["postponements_recorded"] += 1
        except DomainError as exc:
            log.warning("tk reconcile: postponement of %s not recorded: %s %s", case.reference, exc, getattr(exc, "errors", ""))
            counts["refused"] += 1
    answered = dict(news).get("answered_on")
    if answered and config.get("TK_RECONCILE_MARK_ANSWERED", False) and case.status not in CLOSED:
        _mark_answered(case, answered)
        counts["marked_answered"] += 1
    if news and case.drafter is not None and case.drafter.is_enabled:
        name, on = news[-1]
        counts["notified"] += _notify([case.drafter], NotificationKind.tk_update, case, on, "tk_update", tk_what=name, tk_date=on)


def _mark_checked(cases: list[Case], now: dt.datetime) -> None:
    """One statement for "checked now" instead of one per case."""
    ids = [c.id for c in cases]
    for start in range(0, len(ids), 500):
        db.session.execute(sa.update(Case).where(Case.id.in_(ids[start : start + 500])).values(tk_checked_at=now), execution_options={"synchronize_session": False})
    for case in cases:
        set_committed_value(case, "tk_checked_at", now)


# -- events -------------------------------------------------------------------------------------


def _dossier(subject: str) -> str | None:
    match = _DOSSIER_RE.search(subject or "")
    return match.group(1) if match else None


def _wanted_activity(data: ActivityData) -> bool:
    config = current_app.config
    if data.kind not in set(config.get("TK_EVENT_KINDS") or ()):
        return False
    if (data.committee or "").casefold() == "tweede kamer":
        keywords = [k.casefold() for k in config.get("TK_EVENT_PLENARY_KEYWORDS") or ()]
        return not keywords or any(k in (data.name or "").casefold() for k in keywords)
    return True


def _find_event(data: ActivityData) -> Event | None:
    event = db.session.scalar(sa.select(Event).where(Event.tk_number == data.number))
    if event is not None or data.starts_on is None:
        return event
    # An event typed in by hand before the import (the demo's budget debate): same kind and day,
    # and the same dossier or name. It gets the Kamer's number from now on.
    candidates = db.session.scalars(
        sa.select(Event).where(Event.tk_number.is_(None), Event.kind == EventKind(data.kind), Event.starts_on == data.starts_on)
    ).all()
    dossier = _dossier(data.name)
    for candidate in candidates:
        if (dossier and candidate.dossier == dossier) or candidate.name == data.name:
            return candidate
    return None


def events(today: dt.date, client: TKClient) -> dict[str, Any]:
    """Import the committees' debates as events; follow moves and cancellations."""
    config = current_app.config
    committees = config.get("TK_EVENT_COMMITTEES") or []
    counts = {"seen": 0, "created": 0, "moved": 0, "updated": 0, "cancelled": 0, "unchanged": 0, "warned": 0}
    if not committees:
        succeeded(EVENTS, {"status": "no committees configured"})
        return {"status": "no committees configured"}
    since = today - dt.timedelta(days=int(config.get("TK_EVENT_DAYS_BACK", 30)))
    until = today + dt.timedelta(days=int(config.get("TK_EVENT_DAYS_AHEAD", 365)))
    # Each configured committee by its full name, abbreviation and short name (tk.committees).
    records = client.activiteiten(query_names(committees), since, until=until)  # all reads first
    watermark = max((r.changed_at for r in records if r.changed_at is not None), default=None)
    for activity in [to_activity_data(r) for r in records]:
        if _wanted_activity(activity):
            counts["seen"] += 1
            outcome, warned = _take_activity(activity)
            counts[outcome] += 1
            counts["warned"] += warned
    succeeded(EVENTS, counts, watermark)
    return counts


def _take_activity(activity: ActivityData) -> tuple[str, int]:
    """One debate the Kamer lists, taken over as an event: (what happened to it, how many open
    cases due before it were warned)."""
    event = _find_event(activity)
    if activity.is_cancelled:
        if event is None or event.name.endswith(CANCELLED_SUFFIX):
            return "unchanged", 0
        # Kept and renamed; the deadline stays as it was; the people on the cases are told
        # to choose anew (the same result as when an administrator removes a debate).
        anchored = deadline_events.cancel_event(event, tk_number=activity.number)
        return "cancelled", len(anchored)
    if activity.starts_on is None:
        return "unchanged", 0
    values: dict[str, Any] = {
        "kind": EventKind(activity.kind),
        "name": (activity.name or activity.tk_soort)[:300],
        "starts_on": activity.starts_on,
        "ends_on": activity.ends_on if activity.ends_on and activity.ends_on > activity.starts_on else None,
        "tk_number": activity.number,
    }
    dossier = _dossier(activity.name)
    if event is None:
        values["dossier"] = dossier
        deadline_events.save_event(None, values)
        return "created", 0
    if dossier and not event.dossier:
        values["dossier"] = dossier
    # A name typed by hand is kept; the dates and number are the Kamer's.
    values.pop("name")
    values.pop("kind")
    changed = {k for k, v in values.items() if getattr(event, k) != v}
    if not changed:
        return "unchanged", 0
    anchored = anchored_open_cases(event) if "starts_on" in changed else []
    # The timeline entries and the notices follow from the move (deadlines.event_moves).
    deadline_events.save_event(event, values)
    if "starts_on" in changed:
        return "moved", len(anchored)
    return "updated", 0


# -- job bodies (scheduler.JOBS) -------------------------------------------------------------------


def watch_job(today: dt.date, client: TKClient | None = None) -> dict[str, Any]:
    return run(WATCH, watch, today, client)


def reconcile_job(today: dt.date, client: TKClient | None = None) -> dict[str, Any]:
    return run(RECONCILE, reconcile, today, client)


def events_job(today: dt.date, client: TKClient | None = None) -> dict[str, Any]:
    return run(EVENTS, events, today, client)
