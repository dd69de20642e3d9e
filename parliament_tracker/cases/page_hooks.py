"""The hooks the case pages offer the packages above cases, which register at app creation:
the case page's extra sections (letters, contributions) and what the list, its export and
the case form show of the deadlines."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app

from parliament_tracker.cases import queries
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.extensions import db

_PAGE_EXTRAS_KEY = "case_page_extenders"


def register_case_page_extender(app: Flask, extend: Callable[[Case], dict[str, Any]]) -> None:
    """The hook a higher package registers with at app creation to add to the case page's
    template context (letters adds the case's letters and the postponement form); cases itself
    never imports it."""
    app.extensions.setdefault(_PAGE_EXTRAS_KEY, []).append(extend)


@dataclasses.dataclass(frozen=True)
class CasePagePart:
    """A side section of the case page that a higher package fills from rows of its own select.

    ``rows`` builds the select (once per process): its columns labelled, bound to the case by
    ``sa.bindparam("case_id")`` and (if it needs it) ``sa.bindparam("kind")``, or to values of
    its own that ``params`` gives per case (names no other part uses); ``build`` turns the rows
    it got (in no particular order) into the part's template context. The cases package runs
    every registered part's select as one UNION ALL, so the case page's sections (links,
    timeline, letters, contributions, legal holds) cost one statement, not one each."""

    name: str
    rows: Callable[[], sa.Select[Any]]
    build: Callable[[Case, list[sa.Row[Any]]], dict[str, Any]]
    #: the values of the part's own bound parameters for this case
    params: Callable[[Case], dict[str, Any]] | None = None


_PAGE_PARTS_KEY = "case_page_parts"
_PAGE_PARTS_STATEMENT_KEY = "case_page_parts_statement"


def register_case_page_part(app: Flask, part: CasePagePart) -> None:
    """Like :func:`register_case_page_extender`, for a section read by a select of its own."""
    app.extensions.setdefault(_PAGE_PARTS_KEY, []).append(part)
    app.extensions.pop(_PAGE_PARTS_STATEMENT_KEY, None)


def _parts_statement(parts: Sequence[CasePagePart]) -> tuple[sa.CompoundSelect, list[slice]]:
    """The parts' selects as one UNION ALL, built once per app: a row is (the part's index, then
    every part's columns side by side), a part's own columns filled and the others' NULL, cast
    to their type (PostgreSQL resolves a union's column types branch by branch)."""
    built = current_app.extensions.get(_PAGE_PARTS_STATEMENT_KEY)
    if built is not None:
        return built
    selects = [part.rows() for part in parts]
    columns = [list(select.selected_columns) for select in selects]
    slots: list[slice] = []
    start = 1
    for own in columns:
        slots.append(slice(start, start + len(own)))
        start += len(own)
    branches = []
    for index, select in enumerate(selects):
        filled: list[Any] = [sa.literal(index, sa.Integer).label("part")]
        for other, own in enumerate(columns):
            for n, column in enumerate(own):
                label = f"p{other}_{n}"
                filled.append(column.label(label) if other == index else sa.cast(sa.null(), column.type).label(label))
        branches.append(select.with_only_columns(*filled).order_by(None))
    built = (sa.union_all(*branches), slots)
    current_app.extensions[_PAGE_PARTS_STATEMENT_KEY] = built
    return built


def page_extras(case: Case) -> dict[str, Any]:
    extras: dict[str, Any] = {}
    for extend in current_app.extensions.get(_PAGE_EXTRAS_KEY, ()):
        extras.update(extend(case))
    parts: list[CasePagePart] = current_app.extensions.get(_PAGE_PARTS_KEY, [])
    if parts:
        statement, slots = _parts_statement(parts)
        params: dict[str, Any] = {"case_id": case.id, "kind": case.kind}
        for part in parts:
            if part.params is not None:
                params.update(part.params(case))
        rows: list[list[Any]] = [[] for _part in parts]
        for row in db.session.execute(statement, params):
            rows[row[0]].append(row[slots[row[0]]])
        for part, own in zip(parts, rows):
            extras.update(part.build(case, own))
    return extras


#: (practical due date, the case is closed) -> (its risk, the words for it), e.g. ("overdue", "Overdue")
RiskJudge = Callable[[dt.date, bool], tuple[str, str]]


@dataclasses.dataclass(frozen=True)
class DeadlineHooks:
    """What the case list, its export and the case form show of the deadlines. The deadlines
    package sits above cases and registers it at app creation (:func:`register_deadline_hooks`)."""

    #: a risk judge for one list (the rule context is loaded once per call)
    risk_judge: Callable[[], RiskJudge]
    #: the events a case can be due before, for the form's choices
    anchorable_events: Callable[[], Sequence[Any]]


_DEADLINE_HOOKS_KEY = "case_deadline_hooks"


def register_deadline_hooks(app: Flask, hooks: DeadlineHooks) -> None:
    app.extensions[_DEADLINE_HOOKS_KEY] = hooks


def deadline_hooks() -> DeadlineHooks:
    return current_app.extensions[_DEADLINE_HOOKS_KEY]


def event_class() -> type:
    """The event class as Case maps it (deadlines sits above cases in the import order)."""
    return sa.inspect(Case).relationships["due_before_event"].mapper.class_


def risks(items: Sequence[Any]) -> dict[int, tuple[str, str]]:
    """Per listed case (a ``Case`` or a ``queries.list_page`` row: its ``id``, ``status`` and
    ``practical_due_on``) with a deadline that is late or close: (risk, the words for it)."""
    judge = deadline_hooks().risk_judge()
    out: dict[int, tuple[str, str]] = {}
    for case in items:
        if case.practical_due_on is None:
            continue
        risk, words = judge(case.practical_due_on, case.status.is_closed)
        if risk in ("overdue", "due_soon"):
            out[case.id] = (risk, words)
    return out


def export_rows(f: queries.CaseFilter) -> Iterator[dict[str, Any]]:
    """The export's rows with titles for kinds and statuses and the deadline's state in words.

    The titles and the judge's words depend only on the kind, the status and (due date, closed):
    each is translated once per export and reused (a 100,000-row export has a few thousand
    distinct due dates), not once per row.
    """
    judge = deadline_hooks().risk_judge()
    kinds: dict[Any, str] = {}
    statuses: dict[Any, tuple[str, bool]] = {}
    states: dict[tuple[dt.date, bool], str] = {}
    for row in queries.export_rows(f):
        kind = kinds.get(row["kind"])
        if kind is None:
            kind = kinds[row["kind"]] = str(CaseKind(row["kind"]).label)
        status = statuses.get(row["status"])
        if status is None:
            known = CaseStatus(row["status"])
            status = statuses[row["status"]] = (str(known.label), known.is_closed)
        due, closed = row["practical_due_on"], status[1]
        if not due:
            state = ""
        elif (due, closed) in states:
            state = states[(due, closed)]
        else:
            risk, words = judge(due, closed)
            state = states[(due, closed)] = words if risk and risk != "done" else ""
        yield {**row, "kind": kind, "status": status[0], "deadline_state": state}
