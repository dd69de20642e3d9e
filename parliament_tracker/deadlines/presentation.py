"""Deadlines as the pages show them: the risk in words, the case page's rows, the calendar's
and dashboard's entries, and the dashboard's lists (with the hook through which the letters
package adds "awaiting my approval")."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from flask import (
    Flask,
    current_app,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from parliament_tracker.cases.models import Case
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import today_local
from parliament_tracker.deadlines import lateness, progress, queries, services
from parliament_tracker.deadlines.models import (
    Deadline,
)
from parliament_tracker.deadlines.rules import ANSWER_KINDS, DeadlineKind
from parliament_tracker.deadlines.wording import in_language
from parliament_tracker.i18n import format_day

RISK_TITLES = {
    "overdue": _l("Overdue"),
    "due_soon": _l("Due within %(n)d working days"),
    "on_track": _l("On track"),
    "done": _l("Done"),
}


def risk_title(risk: str | None, ctx: services.RuleContext | None = None) -> str:
    if risk is None:
        return ""
    if risk == "due_soon":
        n = (ctx or services.unit_rule_context()).settings.due_soon_working_days
        return _("Due within %(n)d working days", n=n)
    return str(RISK_TITLES[risk])


def risk_judge() -> Callable[[dt.date, bool], tuple[str, str]]:
    """For the case list and its export (``cases.page_hooks.DeadlineHooks``): (practical due date,
    closed) -> (risk, its words), with the rule context loaded once (per unit of work: the
    dashboard's other lists read the same one)."""
    ctx = services.unit_rule_context()
    today = today_local()

    def judge(due: dt.date, closed: bool) -> tuple[str, str]:
        risk = lateness.risk(due, today, closed, ctx.calendar, ctx.settings.due_soon_working_days)
        return risk, risk_title(risk, ctx)

    return judge


def case_deadline_rows(case: Case) -> list[dict[str, Any]]:
    """What the case page shows per deadline (used from the template)."""
    ctx = services.unit_rule_context()
    today = today_local()
    rows = []
    for d in services.ordered(case.deadlines):
        risk = services.deadline_risk(d, case, today, ctx)
        rows.append({"deadline": d, "risk": risk, "risk_title": risk_title(risk, ctx), "title": d.title})
    return rows


def decorate(rows: list[Deadline]) -> list[dict[str, Any]]:
    """Entries for the calendar and dashboard lists (see :func:`entries`)."""
    return entries([(d, d.case) for d in rows])


def entries(pairs: Iterable[tuple[Any, Any]], *, day_labels: bool = False) -> list[dict[str, Any]]:
    """Entries for the calendar and dashboard lists from (deadline, case) pairs: Deadline and
    Case objects, or one column row as both (``queries.dashboard``; a deadline's kind, binding
    flag and dates, its case's reference, subject, status and postponement date).

    Titles are translated once per call (thousands of lazy strings per month view were a third
    of the page time). ``day_labels``: each entry's "day" is its date as the dashboard shows it
    ("ma 6 dec", ``nl_date('EEE d MMM')``), formatted once per date."""
    ctx = services.unit_rule_context()
    today = today_local()
    kind_titles = {k: k.label for k in DeadlineKind}
    status_titles = {s: s.label for s in CaseStatus}
    risk_titles = {r: risk_title(r, ctx) for r in (*RISK_TITLES, None)}
    calendar, soon = ctx.calendar, ctx.settings.due_soon_working_days
    # url_for once; references are letters, digits and "-" (cases.references), safe in a path
    prefix = url_for("cases.show", reference="0")[:-1]
    days: dict[dt.date, str] = {}
    out = []
    for d, case in pairs:
        on = d.overridden_due_on or d.practical_due_on  # Deadline.effective_due_on
        # services.deadline_risk, from the columns
        if d.kind in ANSWER_KINDS and not d.is_binding:
            risk = None
        else:
            risk = lateness.risk(on, today, progress.is_done(d.kind, case.status, case.postponed_on), calendar, soon)
        out.append(
            {
                "deadline": d,
                "case": case,
                "url": f"{prefix}{quote(case.reference)}#deadlines",
                "date": on,
                "title": kind_titles[d.kind],
                "status_title": status_titles[case.status],
                "risk": risk,
                "risk_title": risk_titles[risk],
            }
        )
        if day_labels:
            if on not in days:
                days[on] = format_day(on, weekday="EEE")
            out[-1]["day"] = days[on]
    return out


def monday_entries(rows: Iterable[Any]) -> list[dict[str, Any]]:
    """The Monday list's rows (``queries.dashboard``) with their address and "submitted <date>"
    (translated and formatted once per date, not per row in the template)."""
    prefix = url_for("cases.show", reference="0")[:-1]
    submitted: dict[dt.date, str] = {}
    out = []
    for row in rows:
        if row.received_on not in submitted:
            submitted[row.received_on] = _("submitted %(date)s", date=format_day(row.received_on))
        out.append(
            {
                "url": f"{prefix}{quote(row.reference)}",
                "reference": row.reference,
                "subject": row.subject,
                "submitted": submitted[row.received_on],
                "postponed_on": row.postponed_on,
            }
        )
    return out


_AWAITING_KEY = "dashboard_awaiting"


def register_awaiting_list(app: Flask, awaiting: Callable[[Any], list[Any]]) -> None:
    """The hook the letters package registers with at app creation: the letters awaiting a
    user's approval, for the dashboard (deadlines sits below letters and never imports it)."""
    app.extensions[_AWAITING_KEY] = awaiting


def awaiting_for(user: Any) -> list[Any]:
    return current_app.extensions[_AWAITING_KEY](user)


def dashboard_lists(today: dt.date, directorate_id: int | None, user: Any) -> dict[str, Any]:
    """What the dashboard shows, each list with the count its heading gives.

    "Awaiting my approval" is the approvals page's list (letters whose current approver is
    ``user``; the letters package registers it, :func:`register_awaiting_list`), so the count
    on the dashboard is the length of the page it links to.
    """
    week_end = today + dt.timedelta(days=6 - today.weekday())
    lists = queries.dashboard(today, week_end, directorate_id)
    awaiting = awaiting_for(user)
    return {
        "week_end": week_end,
        "overdue": entries(((row, row) for row in lists["overdue"]), day_labels=True),
        "overdue_total": lists["overdue_total"],
        "this_week": entries(((row, row) for row in lists["week"]), day_labels=True),
        "week_total": lists["week_total"],
        "awaiting": awaiting,
        "awaiting_total": len(awaiting),
        "monday": lists["monday"],
        "monday_list": monday_entries(lists["monday_list"]),
        "monday_total": lists["monday_total"],
    }


def explain(text: str | None) -> str:
    """The engine's Dutch explanation or warning in the reader's language (the page's, or the
    API token user's): the ``explain`` template filter and the API's deadline fields."""
    return in_language(text or "", str(get_locale() or "nl"))
