"""Differential test: every list and count the app shows, against a plain-Python reading of
the same rows, on SQLite without statistics, SQLite after ANALYZE and PostgreSQL after ANALYZE.

A database of its own is filled from a seed with thousands of cases (every kind and status,
postponements, overrides, events moved and cancelled, days off, recesses, several
directorates and drafters, letters waiting for approvers) through the real services where
they decide something (deadlines are computed by ``recompute_all``, overrides, event moves
and cancellations, days off and recesses go through their services) and bulk inserts where
they only store rows. Then the dashboard's lists, the calendar's month, week and agenda, the
Monday list, what the reminder and escalation jobs would send, and the ICS feeds are compared
with the same answers computed in Python from every row read with a plain SELECT.

The queries take shortcuts whose answers may depend on the plan (one seek per status, counts
per status, unindexed filters; the Monday list once listed a question that was not late
after the nightly ANALYZE). This test makes such a difference fail whatever the plan.

CI runs a fixed seed. ``PT_DIFF_SEED=random`` (or a number) runs another one; the seed is
printed and named in every failure message.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import random
import re
import shutil
import time
from collections import defaultdict
from typing import Any

import pytest
import sqlalchemy as sa
import time_machine

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case, CaseKind, Question
from parliament_tracker.cases.workflow import OPEN, CaseStatus
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.deadlines.models import CalendarFeed, Deadline, EventKind, NonWorkingDay
from parliament_tracker.deadlines.rules import INTERNAL_KINDS, DeadlineKind
from parliament_tracker.deadlines.workdays import WorkingCalendar
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval.models import Approval, ApprovalDecision
from parliament_tracker.letters.models import Letter, LetterCase, LetterCaseRole, LetterKind, LetterStatus
from parliament_tracker.notifications.models import Notification, NotificationKind, NotificationOptOut
from parliament_tracker.organisation.models import Directorate, Signatory
from tests.functional.plan_helpers import analyze, on_postgresql, separate_app

FIXED_SEED = 20261207
#: cases in the generated register (each gets up to six deadline rows)
CASES = int(os.environ.get("PT_DIFF_CASES", "2000"))
BASE = dt.date(2026, 12, 7)  # a Monday
#: the days the dashboard, the Monday list, the jobs and the feeds are read on: a Monday, a
#: Friday, a Wednesday in the week before Christmas and Christmas Day (no reminders)
TODAYS = (BASE, BASE + dt.timedelta(days=4), BASE + dt.timedelta(days=16), dt.date(2026, 12, 25))


def _seed() -> int:
    raw = os.environ.get("PT_DIFF_SEED", "").strip()
    if not raw:
        return FIXED_SEED
    if raw == "random":
        return random.SystemRandom().randrange(1, 2**31)
    return int(raw)


SEED = _seed()


# -- filling the database --------------------------------------------------------------------


@dataclasses.dataclass
class Built:
    seed: int
    cases: int
    deadlines: int
    seconds: float


def _populate(seed: int, count: int, span: int) -> Built:
    """Fill the (empty) database of the current app with ``count`` cases received in the last
    ``span`` days; commits once at the end."""
    from parliament_tracker.auth.services import create_user
    from parliament_tracker.deadlines import events as deadline_events
    from parliament_tracker.deadlines import feeds
    from parliament_tracker.deadlines import overrides as deadline_overrides
    from parliament_tracker.deadlines import services as deadline_services
    from parliament_tracker.notifications import services as notification_services

    started = time.perf_counter()
    rnd = random.Random(seed)
    # Directorates of very different sizes; the two small ones are new (recent cases only):
    # a status with few rows is where a plan that skips a range check shows.
    sizes = {"DGA": 34, "DGB": 24, "DGC": 18, "DGD": 14, "DNEW": 6, "DTINY": 4}
    emails = {"DGA": "dga@example.org", "DGB": "dgb@example.org", "DNEW": "dnew@example.org"}
    directorates = [Directorate(code=code, name=f"Directie {code}", email=emails.get(code)) for code in sizes]
    db.session.add_all(directorates)
    db.session.add_all(Signatory(office_title=f"Bewindspersoon {i}", name=f"Naam {i}") for i in range(3))
    db.session.flush()
    signatories = db.session.scalars(sa.select(Signatory.id)).all()
    by_code = {d.code: d for d in directorates}

    def user(name: str, role: Role, directorate: Directorate | None = None, *, email: bool = True, enabled: bool = True) -> User:
        u = create_user(name, "correct-horse-battery", role, email=f"{name}@example.org" if email else None, directorate=directorate)
        u.is_enabled = enabled
        return u

    drafters = [
        user(f"drafter{i}", Role.drafter, directorates[i % len(directorates)], email=i != 3, enabled=i not in (4, 9))
        for i in range(12)
    ]
    directors = [
        user("director_a", Role.director, by_code["DGA"]),
        user("director_a2", Role.director, by_code["DGA"]),
        user("director_b", Role.director, by_code["DGB"]),
        user("director_c", Role.director, by_code["DGC"], enabled=False),  # DGC has nobody
        user("director_new", Role.director, by_code["DNEW"]),
    ]
    user("registrar", Role.registrar, enabled=False)  # escalations go to directors, mailboxes, admins
    user("admin", Role.admin)
    db.session.flush()
    for u in drafters[::3]:  # some drafters switched reminders off
        notification_services.set_preferences(u, [NotificationKind.reminder_due])

    # Days off and recesses through their services (the rule context reads them).
    for day, name in ((dt.date(2026, 12, 24), "Kerstavond (vrij)"), (dt.date(2026, 11, 13), "Brugdag"), (dt.date(2027, 1, 4), "Extra vrij")):
        deadline_events.add_non_working_day(day, name)
    deadline_events.save_event(None, {"kind": EventKind.recess, "name": "Kerstreces", "starts_on": dt.date(2026, 12, 18), "ends_on": dt.date(2027, 1, 11)})
    deadline_events.save_event(None, {"kind": EventKind.recess, "name": "Herfstreces", "starts_on": dt.date(2026, 10, 16), "ends_on": dt.date(2026, 10, 26)})
    debate_kinds = [EventKind.committee_debate, EventKind.budget_debate, EventKind.plenary_debate, EventKind.other]
    events = [
        deadline_events.save_event(
            None, {"kind": debate_kinds[i % 4], "name": f"Debat {i}", "starts_on": BASE + dt.timedelta(days=rnd.randint(-90, 90))}
        )
        for i in range(12)
    ]
    db.session.flush()

    # The register, bulk-inserted: the rules only read these columns.
    weights = list(sizes.values())
    statuses = list(CaseStatus)
    status_weights = [10, 12, 14, 10, 6, 30, 6, 4, 4]
    now = dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC)
    rows = []
    for n in range(count):
        directorate = rnd.choices(directorates, weights)[0]
        young = directorate.code in ("DNEW", "DTINY")
        received = BASE - dt.timedelta(days=rnd.randint(-3, min(40, span) if young else span))
        kind = rnd.choice(list(CaseKind))
        status = rnd.choices(statuses, status_weights)[0]
        if (BASE - received).days > 90 and status in OPEN and rnd.random() < 0.85:
            status = rnd.choice([CaseStatus.answered, CaseStatus.answered, CaseStatus.withdrawn, CaseStatus.no_reply_needed])
        drafter = rnd.choice(drafters) if rnd.random() < 0.85 else None
        row: dict[str, Any] = {
            "reference": f"{received.year}Z{n:05d}" if kind != CaseKind.commitment else f"TZ{received.year}{received.month:02d}-{n:05d}",
            "kind": kind.value,
            "subject": f"Zaak {n} " + "over een onderwerp met een lange titel " * rnd.randint(0, 4),
            "received_on": received,
            "status": status.value,
            "lead_directorate_id": directorate.id if rnd.random() < 0.97 else None,
            "drafter_id": drafter.id if drafter else None,
            "addressed_to_id": rnd.choice(signatories),
            "committee_due_on": None,
            "given_due_on": None,
            "due_before_event_id": None,
            "postponed_on": None,
            "answered_on": None,
            "notes": "",
            "search_text": "",
            "version": 1,
            "created_at": now,
            "updated_at": now,
        }
        if kind == CaseKind.committee_request and rnd.random() < 0.5:
            row["committee_due_on"] = received + dt.timedelta(days=rnd.randint(5, 50))
        if kind in (CaseKind.commitment, CaseKind.motion, CaseKind.plenary_request, CaseKind.other) and rnd.random() < 0.9:
            row["given_due_on"] = received + dt.timedelta(days=rnd.randint(7, 90))
        if rnd.random() < 0.12:
            row["due_before_event_id"] = rnd.choice(events).id
        if kind == CaseKind.written_questions and rnd.random() < 0.35:
            # before or after the three weeks, some after the Monday they are read on
            row["postponed_on"] = received + dt.timedelta(days=rnd.randint(3, 45))
        if status == CaseStatus.answered:
            row["answered_on"] = min(BASE, received + dt.timedelta(days=rnd.randint(3, 60)))
        rows.append(row)
    for start in range(0, len(rows), 1000):
        db.session.execute(sa.insert(Case), rows[start : start + 1000])

    # Deadlines: the rules engine's computation for every case, stored as recompute_case
    # stores a new case's rows (bulk, so thousands of cases take seconds); a sample is then
    # recomputed by the service itself and must not change.
    _store_computed_deadlines()
    sample = db.session.scalars(sa.select(Case).order_by(Case.id)).all()
    for case in rnd.sample(sample, k=min(40, len(sample))):
        assert deadline_services.recompute_case(case) == {}, f"the fast path differs from recompute_case for {case.reference} (seed {seed})"

    # Directors' overrides of binding dates (the milestones follow) and of single milestones.
    binding = db.session.scalars(sa.select(Deadline).where(Deadline.is_binding.is_(True)).order_by(Deadline.id)).all()
    for d in rnd.sample(binding, k=max(1, len(binding) // 30)):
        deadline_overrides.override_deadline(d, d.practical_due_on + dt.timedelta(days=rnd.randint(-10, 20)), "differential test")
    milestones = db.session.scalars(sa.select(Deadline).where(Deadline.kind.in_(sorted(INTERNAL_KINDS))).order_by(Deadline.id)).all()
    for d in rnd.sample(milestones, k=max(1, len(milestones) // 40)):
        deadline_overrides.override_deadline(d, d.practical_due_on + dt.timedelta(days=rnd.randint(-5, 5)), "differential test")
    # Events moved and cancelled: their cases follow.
    for event in events[:3]:
        deadline_events.save_event(event, {"starts_on": event.starts_on + dt.timedelta(days=rnd.randint(-20, 20))})
    for event in events[3:5]:
        deadline_events.delete_event(event)
    # A day off added once the register exists (recomputes the cases near it).
    deadline_events.add_non_working_day(dt.date(2026, 12, 31), "Oudejaarsdag (vrij)")

    # Letters in review and their approvers, as the approval workflow stores them.
    approvers = [u for u in directors if u.is_enabled] + [db.session.scalar(sa.select(User).where(User.username == "admin"))]
    for i in range(60):
        status = rnd.choice([LetterStatus.draft, LetterStatus.in_review, LetterStatus.in_review, LetterStatus.approved])
        letter = Letter(kind=LetterKind.kamerbrief, status=status, subject=f"Brief {i}", body=[], answers=[], created_by_id=rnd.choice(drafters).id)
        db.session.add(letter)
        db.session.flush()
        rounds = rnd.randint(1, 2)
        for round_ in range(1, rounds + 1):
            chain = rnd.sample(approvers, k=rnd.randint(1, 3))
            decided = rnd.randint(0, len(chain)) if round_ == rounds else len(chain)
            for position, approver in enumerate(chain, start=1):
                decision = ApprovalDecision.approved if position <= decided else ApprovalDecision.pending
                if round_ < rounds and position == len(chain):
                    decision = ApprovalDecision.changes_requested
                db.session.add(Approval(letter_id=letter.id, round=round_, position=position, approver_id=approver.id, decision=decision))
    _questions_and_contributions(rnd, drafters, directors, now)
    # Calendar feeds of every scope.
    for u in (*drafters[:6], *directors, db.session.scalar(sa.select(User).where(User.username == "admin"))):
        for scope in feeds.SCOPES:
            feeds.create_feed(u, scope)
    db.session.commit()
    return Built(
        seed=seed,
        cases=db.session.scalar(sa.select(sa.func.count()).select_from(Case)) or 0,
        deadlines=db.session.scalar(sa.select(sa.func.count()).select_from(Deadline)) or 0,
        seconds=time.perf_counter() - started,
    )


def _questions_and_contributions(rnd: random.Random, drafters: list[User], directors: list[User], now: dt.datetime) -> None:
    """Written questions with their per-question drafters (some the case's own, some of
    disabled users, many cases without any) and contributions in every state, asked of a
    directorate, one of its people or an outside address, due around the days read."""
    written = db.session.execute(
        sa.select(Case.id, Case.drafter_id, Case.lead_directorate_id).where(Case.kind == CaseKind.written_questions).order_by(Case.id)
    ).all()
    questions = []
    for case_id, drafter_id, _lead in written:
        for number in range(1, rnd.randint(1, 6)):
            assigned = rnd.random()
            if assigned < 0.25:
                drafter = rnd.choice(drafters)
                questions.append({"case_id": case_id, "number": number, "text": f"Vraag {number}", "answer": "",
                                  "directorate_id": drafter.directorate_id, "drafter_id": drafter.id})
            else:
                questions.append({"case_id": case_id, "number": number, "text": f"Vraag {number}", "answer": "",
                                  "directorate_id": None, "drafter_id": drafter_id if assigned < 0.3 else None})
    for start in range(0, len(questions), 1000):
        db.session.execute(sa.insert(Question), questions[start : start + 1000])
    case_ids = db.session.scalars(sa.select(Case.id).order_by(Case.id)).all()
    directorates = db.session.scalars(sa.select(Directorate).order_by(Directorate.id)).all()
    askers = [*drafters, *directors]
    rows = []
    for i in range(max(40, len(case_ids) // 12)):
        state = rnd.choices(list(ContributionState), [6, 3, 1])[0]
        row: dict[str, Any] = {
            "case_id": rnd.choice(case_ids), "question_numbers": [], "directorate_id": None, "user_id": None,
            "external_email": None, "asked_by_id": rnd.choice(askers).id,
            "due_on": BASE + dt.timedelta(days=rnd.randint(-25, 25)), "request_text": f"Bijdrage {i}",
            "state": state.value, "answer_text": "", "created_at": now, "link_nonce": None,
            # a few delivered at the same moment: the id breaks the tie
            "delivered_at": now - dt.timedelta(hours=rnd.randint(0, 12)) if state == ContributionState.delivered else None,
        }
        if rnd.random() < 0.15:
            row["external_email"] = f"extern{i}@example.org"
            row["link_nonce"] = f"nonce-{i}" if state == ContributionState.asked and i % 5 else None  # a few links revoked
        else:
            directorate = rnd.choice(directorates)
            row["directorate_id"] = directorate.id
            people = [u for u in drafters if u.directorate_id == directorate.id]
            if people and rnd.random() < 0.5:
                row["user_id"] = rnd.choice(people).id
        rows.append(row)
    db.session.execute(sa.insert(Contribution), rows)


def _store_computed_deadlines() -> None:
    """What ``recompute_case`` stores for a case without deadline rows, for every case."""
    from sqlalchemy.orm import joinedload, lazyload

    from parliament_tracker.deadlines import services as deadline_services
    from parliament_tracker.deadlines.rules import compute_deadlines

    ctx = deadline_services.load_rule_context()
    stamp = dt.datetime.now(dt.UTC)
    deadlines: list[dict[str, Any]] = []
    binding_dates: list[dict[str, Any]] = []
    cases = db.session.scalars(sa.select(Case).options(lazyload("*"), joinedload(Case.due_before_event))).all()
    for case in cases:
        computed = compute_deadlines(deadline_services.facts_for(case), calendar=ctx.calendar, settings=ctx.settings, recesses=ctx.recesses)
        binding = next((c for c in computed if c.is_binding), None)
        deadlines += [
            {"case_id": case.id, "kind": c.kind, "due_on": c.due_on, "practical_due_on": c.practical_due_on, "rule": c.rule,
             "explanation": c.explanation, "is_binding": c.is_binding, "warnings": list(c.warnings), "computed_at": stamp}
            for c in computed
        ]
        binding_dates.append({"b_id": case.id, "b_due": binding.due_on if binding else None, "b_practical": binding.practical_due_on if binding else None})
    for start in range(0, len(deadlines), 2000):
        db.session.execute(sa.insert(Deadline), deadlines[start : start + 2000])
    table = Case.__table__  # the denormalised binding dates, written without touching ``version``
    db.session.execute(
        sa.update(table).where(table.c.id == sa.bindparam("b_id")).values(due_on=sa.bindparam("b_due"), practical_due_on=sa.bindparam("b_practical")),
        binding_dates,
    )
    db.session.expire_all()


# -- the plain reading -----------------------------------------------------------------------


@dataclasses.dataclass
class Rows:
    """Every row the lists are made of, read with plain SELECTs."""

    cases: dict[int, Any]
    deadlines: list[Any]
    users: dict[int, Any]
    directorates: dict[int, Any]
    opt_outs: set[tuple[int, NotificationKind]]
    days_off: set[dt.date]
    approvals: list[Any]
    letters: dict[int, Any]
    feeds: list[Any]
    questions: list[Any]
    contributions: list[Any]

    @classmethod
    def read(cls) -> Rows:
        def all_of(table: sa.Table) -> list[Any]:
            return db.session.execute(sa.select(table)).all()

        rows = cls(
            cases={r.id: r for r in all_of(Case.__table__)},
            deadlines=all_of(Deadline.__table__),
            users={r.id: r for r in all_of(User.__table__)},
            directorates={r.id: r for r in all_of(Directorate.__table__)},
            opt_outs={(r.user_id, NotificationKind(r.kind)) for r in all_of(NotificationOptOut.__table__)},
            days_off={r.date for r in all_of(NonWorkingDay.__table__)},
            approvals=all_of(Approval.__table__),
            letters={r.id: r for r in all_of(Letter.__table__)},
            feeds=all_of(CalendarFeed.__table__),
            questions=all_of(Question.__table__),
            contributions=all_of(Contribution.__table__),
        )
        rows.open_ids = {c.id for c in rows.cases.values() if CaseStatus(c.status) in OPEN}
        rows.by_date = defaultdict(list)
        for d in rows.deadlines:
            rows.by_date[Rows.effective(d)].append(d)
        return rows

    open_ids: set[int] = dataclasses.field(default_factory=set)
    by_date: dict[dt.date, list[Any]] = dataclasses.field(default_factory=dict)

    def between(self, start: dt.date, end: dt.date) -> list[Any]:
        """The deadlines whose effective date lies in [start, end]."""
        return [d for day in sorted(self.by_date) if start <= day <= end for d in self.by_date[day]]

    # Values are read as the dialect returns them; enums come back as their values.
    def status(self, case: Any) -> CaseStatus:
        return CaseStatus(case.status)

    def is_open(self, case: Any) -> bool:
        return case.id in self.open_ids

    @staticmethod
    def effective(d: Any) -> dt.date:
        return d.overridden_due_on or d.practical_due_on


def _entry(d: Any, rows: Rows) -> tuple[dt.date, str, str]:
    return (Rows.effective(d), rows.cases[d.case_id].reference, DeadlineKind(d.kind).value)


def _got(entries: list[Any]) -> list[tuple[dt.date, str, str]]:
    """(date, reference, kind) of deadline objects, decorated entries, or the dashboard's column
    rows (``queries.dashboard``: the deadline's dates and kind with its case's reference)."""
    out = []
    for e in entries:
        d = e["deadline"] if isinstance(e, dict) else e
        if isinstance(d, Deadline):
            out.append((d.effective_due_on, d.case.reference, d.kind.value))
        else:
            out.append((d.overridden_due_on or d.practical_due_on, d.reference, DeadlineKind(d.kind).value))
    return out


# -- expected answers, in Python ---------------------------------------------------------------


def expected_binding(rows: Rows, start: dt.date | None, end: dt.date, directorate_id: int | None, *, open_only: bool = True, drafter_id: int | None = None) -> list[tuple[dt.date, str, str]]:
    """Binding deadlines by their date, then reference."""
    out = []
    for d in rows.deadlines:
        if not d.is_binding:
            continue
        c = rows.cases[d.case_id]
        due = Rows.effective(d)
        in_range = (start is None or start <= due) and due <= end and (not open_only or rows.is_open(c))
        if in_range and directorate_id in (None, c.lead_directorate_id) and drafter_id in (None, c.drafter_id):
            out.append(_entry(d, rows))
    return sorted(out, key=lambda e: (e[0], e[1]))


def expected_monday(rows: Rows, today: dt.date, directorate_id: int | None) -> list[str]:
    """Open written questions not answered within 3 weeks (6 once the postponement notice
    went out on or before the Monday) on the next Monday, by date received then id."""
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)
    out = []
    for c in rows.cases.values():
        if CaseKind(c.kind) != CaseKind.written_questions or not rows.is_open(c) or directorate_id not in (None, c.lead_directorate_id):
            continue
        postponed = c.postponed_on is not None and c.postponed_on <= monday
        if monday > c.received_on + dt.timedelta(weeks=6 if postponed else 3):
            out.append((c.received_on, c.id, c.reference))
    return [ref for _r, _i, ref in sorted(out)]


def expected_awaiting(rows: Rows, user_id: int) -> list[int]:
    """Letters in review whose first pending approval of the latest round is this user's."""
    by_letter: dict[int, list[Any]] = defaultdict(list)
    for a in rows.approvals:
        by_letter[a.letter_id].append(a)
    out = []
    for letter_id, approvals in by_letter.items():
        if LetterStatus(rows.letters[letter_id].status) != LetterStatus.in_review:
            continue
        last = max(a.round for a in approvals)
        pending = sorted((a for a in approvals if a.round == last and ApprovalDecision(a.decision) == ApprovalDecision.pending), key=lambda a: a.position)
        if pending and pending[0].approver_id == user_id:
            out.append(letter_id)
    return sorted(out)


def expected_calendar(rows: Rows, start: dt.date, end: dt.date, kind: str, directorate_id: int | None, drafter_id: int | None) -> list[tuple[dt.date, str, str]]:
    """Every deadline in [start, end] of open and closed cases, by date, reference, kind."""
    out = []
    for d in rows.between(start, end):
        k = DeadlineKind(d.kind)
        if kind == "binding" and not d.is_binding:
            continue
        if kind == "internal" and k not in INTERNAL_KINDS:
            continue
        if kind not in ("binding", "internal", "all") and k.value != kind:
            continue
        c = rows.cases[d.case_id]
        if directorate_id not in (None, c.lead_directorate_id) or drafter_id not in (None, c.drafter_id):
            continue
        if start <= Rows.effective(d) <= end:
            out.append(_entry(d, rows))
    return sorted(out)


def _working_day(rows: Rows, d: dt.date) -> bool:
    return d.weekday() < 5 and WorkingCalendar(rows.days_off).is_working_day(d)


def _not_done(d: Any, c: Any) -> bool:
    status = CaseStatus(c.status)
    if status not in OPEN:
        return False
    k = DeadlineKind(d.kind)
    if d.is_binding or k == DeadlineKind.internal_signature:
        return True
    if k == DeadlineKind.internal_draft:
        return status not in (CaseStatus.in_review, CaseStatus.awaiting_signature)
    if k == DeadlineKind.internal_approval:
        return status != CaseStatus.awaiting_signature
    return False


_REMINDER = {
    DeadlineKind.internal_draft: NotificationKind.reminder_draft,
    DeadlineKind.internal_approval: NotificationKind.reminder_approval,
    DeadlineKind.internal_signature: NotificationKind.reminder_signature,
}


def expected_reminders(rows: Rows, today: dt.date, working_days: int) -> set[tuple[Any, str, int, dt.date]]:
    """(user id or mailbox, kind, case id, date) of each reminder the job would send."""
    if not _working_day(rows, today):
        return set()
    horizon, left = today, working_days
    while left:
        horizon += dt.timedelta(days=1)
        left -= _working_day(rows, horizon)
    out = set()
    for d in rows.deadlines:
        if not (d.is_binding or DeadlineKind(d.kind) in _REMINDER):
            continue
        c = rows.cases[d.case_id]
        due = Rows.effective(d)
        if not (today <= due <= horizon) or not _not_done(d, c):
            continue
        kind = NotificationKind.reminder_due if d.is_binding else _REMINDER[DeadlineKind(d.kind)]
        drafter = rows.users.get(c.drafter_id)
        if drafter is not None and drafter.is_enabled:
            if (drafter.id, kind) not in rows.opt_outs:
                out.add((drafter.id, kind.value, c.id, due))
            continue
        directorate = rows.directorates.get(c.lead_directorate_id)
        if directorate is not None and directorate.email:
            out.add((directorate.email, kind.value, c.id, due))
    return out


def expected_escalations(rows: Rows, today: dt.date) -> set[tuple[Any, int, dt.date]]:
    """(user id or mailbox, case id, date) of each escalation: the latest missed step of each
    case, to the directorate's enabled directors and the registrars, else its mailbox, else
    the administrators."""
    latest: dict[int, Any] = {}
    for d in rows.deadlines:
        if not (d.is_binding or DeadlineKind(d.kind) in _REMINDER):
            continue
        c = rows.cases[d.case_id]
        if not (Rows.effective(d) < today and _not_done(d, c)):
            continue
        best = latest.get(c.id)
        if best is None or (Rows.effective(d), d.is_binding) > (Rows.effective(best), best.is_binding):
            latest[c.id] = d
    enabled = [u for u in rows.users.values() if u.is_enabled]
    out = set()
    for case_id, d in latest.items():
        c = rows.cases[case_id]
        to: list[Any] = [u.id for u in enabled if (Role(u.role) == Role.director and u.directorate_id == c.lead_directorate_id and u.directorate_id is not None) or Role(u.role) == Role.registrar]
        if not to:
            directorate = rows.directorates.get(c.lead_directorate_id)
            to = [directorate.email] if directorate is not None and directorate.email else [u.id for u in enabled if Role(u.role) == Role.admin]
        out.update((who, case_id, Rows.effective(d)) for who in to)
    return out


def expected_contribution_job(rows: Rows, today: dt.date, working_days: int) -> set[tuple[Any, str, int]]:
    """(user id or mailbox, kind, contribution id) of what the contributions job sends: on working
    days a reminder to the contributor of each one due within the horizon; for each overdue one
    the asker and the contributor, and the escalation to the enabled directors of the directorate
    asked (an outside one: the case's lead directorate), else its mailbox, else the admins."""
    enabled = {u.id: u for u in rows.users.values() if u.is_enabled}
    out: set[tuple[Any, str, int]] = set()

    def contributor(c: Any, kind: NotificationKind) -> None:
        if c.external_email:
            if c.link_nonce:
                out.add(("mail:" + c.external_email.lower(), kind.value, c.id))
        elif c.user_id is not None:
            if c.user_id in enabled and (c.user_id, kind) not in rows.opt_outs:
                out.add((c.user_id, kind.value, c.id))
        elif (d := rows.directorates.get(c.directorate_id)) is not None and d.email:
            out.add(("mail:" + d.email.lower(), kind.value, c.id))

    asked = [c for c in rows.contributions if ContributionState(c.state) == ContributionState.asked]
    if _working_day(rows, today):
        horizon, left = today, working_days
        while left:
            horizon += dt.timedelta(days=1)
            left -= _working_day(rows, horizon)
        for c in asked:
            if today <= c.due_on <= horizon:
                contributor(c, NotificationKind.contribution_reminder)
    for c in asked:
        if c.due_on >= today:
            continue
        late = NotificationKind.contribution_overdue
        if c.asked_by_id in enabled and (c.asked_by_id, late) not in rows.opt_outs:
            out.add((c.asked_by_id, late.value, c.id))
        contributor(c, late)
        directorate_id = c.directorate_id if c.directorate_id is not None else rows.cases[c.case_id].lead_directorate_id
        to: list[Any] = [u.id for u in enabled.values() if Role(u.role) == Role.director and directorate_id is not None and u.directorate_id == directorate_id]
        if not to:
            d = rows.directorates.get(directorate_id)
            to = ["mail:" + d.email.lower()] if d is not None and d.email else [u.id for u in enabled.values() if Role(u.role) == Role.admin]
        out.update((who, NotificationKind.contribution_escalation.value, c.id) for who in to)
    return out


def expected_feed(rows: Rows, feed: Any, today: dt.date) -> list[tuple[dt.date, str, str]]:
    """A feed's deadlines: open cases, a month back to half a year ahead; a drafter's own
    binding dates and milestones, else the binding dates of the directorate or everyone."""
    start, end = today - dt.timedelta(days=30), today + dt.timedelta(days=183)
    owner = rows.users[feed.user_id]
    out = []
    for d in rows.between(start, end):
        c = rows.cases[d.case_id]
        if not rows.is_open(c):
            continue
        if feed.scope == "mine":
            if c.drafter_id == owner.id and (d.is_binding or DeadlineKind(d.kind) in INTERNAL_KINDS):
                out.append((Rows.effective(d), c.id, DeadlineKind(d.kind).value, c.reference))
        elif d.is_binding and (feed.scope == "all" or (owner.directorate_id is not None and c.lead_directorate_id == owner.directorate_id)):
            out.append((Rows.effective(d), c.reference, "", c.reference))
    out.sort()
    return [(e[0], e[3], "") for e in out]


# -- the comparison ------------------------------------------------------------------------------


# -- the worklists ("Mijn werk"), in Python ------------------------------------------------------

WORKLIST_LIMIT = 100


def _step_not_done(d: Any, c: Any) -> bool:
    """A step still to take: the binding answer date, a milestone or the postponement notice."""
    status = CaseStatus(c.status)
    k = DeadlineKind(d.kind)
    if status not in OPEN or not (d.is_binding or k in INTERNAL_KINDS or k == DeadlineKind.postponement_notice):
        return False
    if k == DeadlineKind.postponement_notice:
        return c.postponed_on is None
    if k == DeadlineKind.internal_draft:
        return status not in (CaseStatus.in_review, CaseStatus.awaiting_signature)
    if k == DeadlineKind.internal_approval:
        return status != CaseStatus.awaiting_signature
    return True


def _first_steps(rows: Rows, case_ids: set[int]) -> dict[int, tuple[dt.date, DeadlineKind]]:
    """Per case, the step not done yet that is due first (ties broken by the row's id)."""
    out: dict[int, tuple[dt.date, int, DeadlineKind]] = {}
    for d in rows.deadlines:
        if d.case_id in case_ids and _step_not_done(d, rows.cases[d.case_id]):
            key = (Rows.effective(d), d.id, DeadlineKind(d.kind))
            if d.case_id not in out or key[:2] < out[d.case_id][:2]:
                out[d.case_id] = key
    return {case_id: (due, kind) for case_id, (due, _id, kind) in out.items()}


def _letters_in_expected(rows: Rows, links: list[Any], status: LetterStatus) -> list[int]:
    due: dict[int, dt.date] = {}
    for link in links:
        case_due = rows.cases[link.case_id].practical_due_on
        if case_due is not None and (link.letter_id not in due or case_due < due[link.letter_id]):
            due[link.letter_id] = case_due
    letters = [lt for lt in rows.letters.values() if LetterStatus(lt.status) == status]
    letters.sort(key=lambda lt: (lt.id not in due, due.get(lt.id, dt.date.min), lt.updated_at, lt.id))
    return [lt.id for lt in letters][:WORKLIST_LIMIT]


def _sent_back_expected(rows: Rows, links: list[Any], user_id: int) -> list[tuple[int, str]]:
    by_letter: dict[int, list[Any]] = defaultdict(list)
    for a in rows.approvals:
        by_letter[a.letter_id].append(a)
    mine_by_case = {
        link.letter_id
        for link in links
        if LetterCaseRole(link.role) == LetterCaseRole.answers and rows.cases[link.case_id].drafter_id == user_id
    }
    candidates = [
        lt
        for lt in rows.letters.values()
        if LetterStatus(lt.status) == LetterStatus.draft
        and any(ApprovalDecision(a.decision) == ApprovalDecision.changes_requested for a in by_letter[lt.id])
        and (lt.created_by_id == user_id or lt.id in mine_by_case)
    ]
    candidates.sort(key=lambda lt: (lt.updated_at, lt.id), reverse=True)
    out = []
    for lt in candidates[:WORKLIST_LIMIT]:
        last_round = max(a.round for a in by_letter[lt.id])
        current = sorted((a for a in by_letter[lt.id] if a.round == last_round), key=lambda a: a.position)
        comment = next((a.comment for a in reversed(current) if ApprovalDecision(a.decision) == ApprovalDecision.changes_requested), None)
        if comment is not None:
            out.append((lt.id, comment))
    return out


def _contributions_expected(rows: Rows, key: str, user: Any) -> list[int]:
    """The contribution sections: asked of me (or of my directorate, nobody named), the ones I
    asked that came back on open cases (latest first), and all asked of my directorate."""
    asked = [c for c in rows.contributions if ContributionState(c.state) == ContributionState.asked]
    if key == "contributions_asked":
        mine = [c for c in asked if c.user_id == user.id or (c.user_id is None and user.directorate_id is not None and c.directorate_id == user.directorate_id)]
        return [c.id for c in sorted(mine, key=lambda c: (c.due_on, c.id))]
    if key == "directorate_contributions":
        ours = [c for c in asked if user.directorate_id is not None and c.directorate_id == user.directorate_id]
        return [c.id for c in sorted(ours, key=lambda c: (c.due_on, c.id))]
    back = [
        c for c in rows.contributions
        if c.asked_by_id == user.id and ContributionState(c.state) == ContributionState.delivered and rows.is_open(rows.cases[c.case_id])
    ]
    back.sort(key=lambda c: (c.delivered_at, c.id), reverse=True)
    return [c.id for c in back]


def _questions_expected(rows: Rows, user_id: int) -> list[tuple[str, str]]:
    """Open cases another drafter leads (or nobody) with questions assigned to me: the case's
    reference and my question numbers, the case due first first."""
    numbers: dict[int, list[int]] = defaultdict(list)
    for q in rows.questions:
        c = rows.cases[q.case_id]
        if q.drafter_id == user_id and rows.is_open(c) and c.drafter_id != user_id:
            numbers[q.case_id].append(q.number)
    cases = sorted((rows.cases[i] for i in numbers), key=lambda c: (c.practical_due_on is None, c.practical_due_on or dt.date.min, c.reference))
    return [(c.reference, "Vragen " + ", ".join(str(n) for n in sorted(numbers[c.id]))) for c in cases]


def _letter_id(item: Any) -> int:
    return int(re.search(r"/letters/(\d+)", item.url).group(1))


def _compare_worklists(rows: Rows, users: dict[str, User], why: str, checked: dict[str, int]) -> None:
    """Every section of every user's worklist against the rows, on two days."""
    from parliament_tracker.worklist import queries as worklist

    links = db.session.execute(sa.select(LetterCase.__table__)).all()
    registered = sorted(
        (c for c in rows.cases.values() if CaseStatus(c.status) == CaseStatus.registered),
        key=lambda c: (c.practical_due_on is None, c.practical_due_on or dt.date.min, c.id),
    )
    for today in TODAYS[:2]:
        week_end = today + dt.timedelta(days=6 - today.weekday())
        for username in sorted(users):
            user = users[username]
            for section in worklist.for_user(user, today):
                refs = [i.reference for i in section.items]
                label = f"worklist {username} {section.key} {today} {why}"
                directorate_id = user.directorate_id if user.role == Role.director else None
                if section.key in ("overdue", "due_this_week"):
                    start, end = (None, today - dt.timedelta(days=1)) if section.key == "overdue" else (today, week_end)
                    expected = expected_binding(rows, start, end, directorate_id)
                    assert (refs, section.total) == ([e[1] for e in expected][:WORKLIST_LIMIT], len(expected)), label
                elif section.key == "monday_list":
                    expected_refs = expected_monday(rows, today, None)
                    assert (refs, section.total) == (expected_refs[:WORKLIST_LIMIT], len(expected_refs)), label
                elif section.key == "my_cases":
                    expected = expected_binding(rows, None, today + dt.timedelta(days=3650), None, drafter_id=user.id)
                    assert (refs, section.total) == ([e[1] for e in expected][:WORKLIST_LIMIT], len(expected)), label
                    by_reference = {c.reference: c.id for c in rows.cases.values()}
                    steps = _first_steps(rows, {by_reference[r] for r in refs})
                    for item in section.items:
                        due, kind = steps.get(by_reference[item.reference], (None, None))
                        assert (item.step_due_on, item.step) == (due, kind.label if kind else ""), f"{label} step of {item.reference}"
                elif section.key == "awaiting_approval":
                    got = [_letter_id(i) for i in section.items]
                    assert sorted(got) == expected_awaiting(rows, user.id), label
                    assert section.total == len(got), label
                elif section.key in ("to_sign", "to_send"):
                    status = LetterStatus.approved if section.key == "to_sign" else LetterStatus.signed
                    assert [_letter_id(i) for i in section.items] == _letters_in_expected(rows, links, status), label
                elif section.key == "not_assigned":
                    assert (refs, section.total) == ([c.reference for c in registered][:WORKLIST_LIMIT], len(registered)), label
                elif section.key == "sent_back":
                    got = [(_letter_id(i), i.note) for i in section.items]
                    assert got == _sent_back_expected(rows, links, user.id), label
                elif section.key in ("contributions_asked", "contributions_back", "directorate_contributions"):
                    expected_ids = _contributions_expected(rows, section.key, user)
                    got = [int(re.search(r"/contributions/(\d+)", i.url).group(1)) for i in section.items]
                    assert (got, section.total) == (expected_ids[:WORKLIST_LIMIT], len(expected_ids)), label
                    checked[f"worklist {section.key} (non-empty)"] += bool(got)
                    by_id = {c.id: c for c in rows.contributions}
                    for item in section.items:
                        c = by_id[int(re.search(r"/contributions/(\d+)", item.url).group(1))]
                        late = ContributionState(c.state) == ContributionState.asked and c.due_on < today
                        assert (item.due_on, item.reference, item.status == "Te laat") == (c.due_on, rows.cases[c.case_id].reference, late), f"{label} {item.url}"
                elif section.key == "questions_assigned":
                    expected_q = _questions_expected(rows, user.id)
                    assert ([(i.reference, i.note) for i in section.items], section.total) == (expected_q[:WORKLIST_LIMIT], len(expected_q)), label
                    checked[f"worklist {section.key} (non-empty)"] += bool(expected_q)
                elif section.key == "new_from_kamer":
                    continue  # registered by the Kamer sync: the seeded register has none (checked in its own tests)
                else:
                    raise AssertionError(f"no expected answer for worklist section {section.key!r}")
                checked[f"worklist {section.key}"] += 1


def _compare_everything(own: Any, label: str) -> dict[str, int]:
    """Compare every list with its expected answer; returns how many comparisons were made."""
    from parliament_tracker.deadlines import feeds, queries, views
    from parliament_tracker.notifications import jobs

    rows = Rows.read()
    why = f"[{label}, PT_DIFF_SEED={SEED}]"
    checked: dict[str, int] = defaultdict(int)
    directorate_ids = [None, *sorted(rows.directorates)]
    users = {u.username: db.session.get(User, u.id) for u in rows.users.values()}
    with own.test_request_context():
        # The dashboard, for every directorate, on each day (as one of the directors sees it).
        viewers = ("director_a", "director_new", "admin", "director_b", "director_a2")
        for i, today in enumerate(TODAYS):
            week_end = today + dt.timedelta(days=6 - today.weekday())
            for j, directorate_id in enumerate(directorate_ids):
                viewer = viewers[(i + j) % len(viewers)]
                lists = views.dashboard_lists(today, directorate_id, users[viewer])
                overdue = expected_binding(rows, None, today - dt.timedelta(days=1), directorate_id)
                assert _got(lists["overdue"]) == overdue[:100], f"overdue {today} {directorate_id} {why}"
                assert lists["overdue_total"] == len(overdue), f"overdue count {today} {directorate_id} {why}"
                week = expected_binding(rows, today, week_end, directorate_id)
                assert _got(lists["this_week"]) == week[:200], f"due this week {today} {directorate_id} {why}"
                assert lists["week_total"] == len(week), f"due this week count {today} {directorate_id} {why}"
                monday = expected_monday(rows, today, directorate_id)
                assert [c["reference"] for c in lists["monday_list"]] == monday[:200], f"Monday list {today} {directorate_id} {why}"
                assert lists["monday_total"] == len(monday), f"Monday list count {today} {directorate_id} {why}"
                awaiting = expected_awaiting(rows, users[viewer].id)
                assert sorted(letter.id for letter in lists["awaiting"]) == awaiting, f"awaiting {viewer} {why}"
                assert lists["awaiting_total"] == len(awaiting), f"awaiting count {viewer} {why}"
                checked["dashboard lists"] += 4
                # the same lists with other limits (the first n of the same order)
                for limit in (1, 7):
                    got, total = queries.overdue(today, directorate_id=directorate_id, limit=limit)
                    assert (_got(got), total) == (overdue[:limit], len(overdue)), f"overdue limit {limit} {today} {directorate_id} {why}"
                    got, total = queries.binding_between(today, week_end, directorate_id=directorate_id, limit=limit)
                    assert (_got(got), total) == (week[:limit], len(week)), f"due this week limit {limit} {today} {directorate_id} {why}"
                    items, total = queries.monday_list_preview(today, directorate_id, limit=limit)
                    assert ([c.reference for c in items], total) == (monday[:limit], len(monday)), f"Monday list limit {limit} {why}"
                    checked["limited lists"] += 3
        # The calendar: month, week and agenda views, every kind filter, directorates, drafters.
        windows = [("month", dt.date(2026, 11, 10)), ("month", BASE), ("month", dt.date(2027, 1, 5)), ("week", BASE), ("week", BASE + dt.timedelta(days=14)), ("agenda", BASE - dt.timedelta(days=10))]
        some_drafter = next(u.id for u in rows.users.values() if u.username == "drafter1")
        small = next(d.id for d in rows.directorates.values() if d.code == "DNEW")
        big = next(d.id for d in rows.directorates.values() if d.code == "DGA")
        for view, anchor in windows:
            start, end, _prev, _next = views._range(view, anchor)
            for kind in ("binding", "internal", "all", "postponed_external", "before_event", "internal_draft"):
                for directorate_id, drafter_id in ((None, None), (big, None), (small, None), (None, some_drafter)):
                    expected = expected_calendar(rows, start, end, kind, directorate_id, drafter_id)
                    if view == "agenda":
                        page, got, total = 1, [], None
                        while True:
                            entries, _totals, total = views.calendar_entries(start, end, kind=kind, directorate_id=directorate_id, drafter_id=drafter_id, page=page)
                            got += _got(entries)
                            if page * views.AGENDA_PAGE_ENTRIES >= total:
                                break
                            page += 1
                        assert got == expected and total == len(expected), f"agenda {start} {kind} {directorate_id} {drafter_id} {why}"
                    else:
                        per_day = views.MONTH_CELL_ENTRIES if view == "month" else views.WEEK_DAY_ENTRIES
                        entries, totals, total = views.calendar_entries(start, end, kind=kind, directorate_id=directorate_id, drafter_id=drafter_id, per_day=per_day)
                        by_day: dict[dt.date, list[Any]] = defaultdict(list)
                        for e in expected:
                            by_day[e[0]].append(e)
                        shown = [e for day in sorted(by_day) for e in by_day[day][:per_day]]
                        assert _got(entries) == shown, f"{view} {start} {kind} {directorate_id} {drafter_id} {why}"
                        assert totals == {day: len(es) for day, es in by_day.items()}, f"{view} counts {start} {kind} {directorate_id} {why}"
                        assert total == len(expected), f"{view} total {start} {kind} {directorate_id} {why}"
                    checked[f"calendar {view}"] += 1
        # What the reminder and escalation jobs would send (each run undone afterwards).
        working_days = int(own.config.get("REMINDER_WORKING_DAYS_BEFORE", 2))
        for today in TODAYS:
            for job, expected in (("reminders", expected_reminders(rows, today, working_days)), ("escalation", expected_escalations(rows, today))):
                before = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0  # e.g. notices of moved events
                getattr(jobs, job)(today)
                db.session.flush()
                sent = db.session.scalars(sa.select(Notification).where(Notification.id > before)).all()
                if job == "reminders":
                    got = {(n.user_id or n.recipient.removeprefix("mail:"), n.kind.value, n.case_id, n.due_on) for n in sent}
                else:
                    got = {(n.user_id or n.recipient.removeprefix("mail:"), n.case_id, n.due_on) for n in sent}
                db.session.rollback()
                assert got == expected, f"{job} {today}: {len(got - expected)} unexpected, {len(expected - got)} missing {why}"
                checked[f"{job} job"] += 1
        # What the contributions job would send (reminders, overdue, escalations), each run undone.
        from parliament_tracker.notifications import contribution_notices

        for today in TODAYS:
            before = db.session.scalar(sa.select(sa.func.max(Notification.id))) or 0
            contribution_notices.overdue(today)
            db.session.flush()
            sent = db.session.scalars(sa.select(Notification).where(Notification.id > before)).all()
            got_c = {(n.user_id or n.recipient, n.kind.value, int(re.search(r"contribution:(\d+):", n.dedupe_key).group(1))) for n in sent}
            db.session.rollback()
            expected_c = expected_contribution_job(rows, today, working_days)
            assert got_c == expected_c, f"contributions job {today}: {sorted(got_c - expected_c)[:5]} unexpected, {sorted(expected_c - got_c)[:5]} missing {why}"
            checked["contributions job"] += 1
            checked["contributions job (escalations)"] += sum(1 for e in expected_c if e[1] == "contribution_escalation")
        # Every user's worklist (Mijn werk).
        _compare_worklists(rows, users, why, checked)
        # The ICS feeds of every scope.
        for feed_row in rows.feeds:
            feed = db.session.get(CalendarFeed, feed_row.id)
            for today in TODAYS[:2]:
                got = [(r.date, r.reference, "") for r in feeds.feed_rows(feed, today)]
                expected = expected_feed(rows, feed_row, today)
                assert got == expected, f"feed {feed.scope} of {feed.user.username} {today} {why}"
                checked[f"ICS feed ({feed.scope})"] += 1
    return dict(checked)


# -- the databases --------------------------------------------------------------------------------


#: the registers compared: a new installation's few dozen cases (the planner's statistics
#: then describe tiny groups, as on the dashboard of the issue) and a register of thousands
REGISTERS = {"new-installation": (60, 60), "large-register": (CASES, 420)}


@pytest.fixture(scope="module")
def sqlite_templates(tmp_path_factory):
    """Each register built once in a SQLite file (lazily); each test works on a copy."""
    if on_postgresql():
        pytest.skip("the PostgreSQL run compares on PostgreSQL")
    built: dict[str, tuple[Any, Built]] = {}

    def template(register: str) -> tuple[Any, Built]:
        if register not in built:
            path = tmp_path_factory.mktemp(register)
            with time_machine.travel(dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC), tick=False), separate_app(path, "sqlite", "template"):
                built[register] = (path / "template.sqlite", _populate(SEED, *REGISTERS[register]))
        return built[register]

    return template


def _assert_new_sections_had_items(checked: dict[str, int]) -> None:
    """The contribution and question sections were compared with something in them."""
    for key in ("contributions_asked", "contributions_back", "directorate_contributions", "questions_assigned"):
        assert checked[f"worklist {key} (non-empty)"], f"worklist {key}: only empty lists compared"
    assert checked["contributions job (escalations)"], "the contributions job escalated nothing"


def _report(label: str, built: Built, checked: dict[str, int], seconds: float) -> None:
    print(
        f"\ndifferential {label}: PT_DIFF_SEED={built.seed}, {built.cases} cases, {built.deadlines} deadlines "
        f"(built in {built.seconds:.1f} s), compared in {seconds:.1f} s: "
        + ", ".join(f"{name} {n}" for name, n in sorted(checked.items()))
    )


@pytest.mark.parametrize("register", list(REGISTERS))
@pytest.mark.parametrize("statistics", [False, True], ids=["sqlite-without-statistics", "sqlite-after-analyze"])
def test_lists_agree_with_the_rows_on_sqlite(sqlite_templates, tmp_path, statistics, register):
    template, built = sqlite_templates(register)
    shutil.copy(template, tmp_path / "copy.sqlite")
    label = f"{register}, SQLite " + ("after ANALYZE" if statistics else "without statistics")
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, tzinfo=dt.UTC), tick=False), separate_app(tmp_path, "sqlite", "copy") as own:
        if statistics:
            assert analyze()["database"] == "sqlite"
            assert db.session.scalar(sa.text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'cases'"))
        else:
            assert not db.session.scalar(sa.text("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"))
        started = time.perf_counter()
        checked = _compare_everything(own, label)
    _report(label, built, checked, time.perf_counter() - started)
    assert checked["calendar agenda"] and checked["reminders job"] and checked["ICS feed (mine)"]
    _assert_new_sections_had_items(checked)


@pytest.mark.skipif(not on_postgresql(), reason="needs TEST_DATABASE_URL on PostgreSQL (the CI's second run)")
@pytest.mark.parametrize("register", list(REGISTERS))
def test_lists_agree_with_the_rows_on_postgresql_after_analyze(tmp_path, register):
    label = f"{register}, PostgreSQL after ANALYZE"
    with time_machine.travel(dt.datetime(2026, 12, 6, 12, tzinfo=dt.UTC), tick=False), separate_app(tmp_path, "postgresql", "diff") as own:
        built = _populate(SEED, *REGISTERS[register])
        with time_machine.travel(dt.datetime(2026, 12, 7, 8, tzinfo=dt.UTC), tick=False):
            assert analyze()["database"] == "postgresql"
            started = time.perf_counter()
            checked = _compare_everything(own, label)
    _report(label, built, checked, time.perf_counter() - started)
    assert checked["calendar agenda"] and checked["reminders job"] and checked["ICS feed (mine)"]
    _assert_new_sections_had_items(checked)
