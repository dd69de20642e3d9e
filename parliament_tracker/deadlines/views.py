"""Deadline pages: the case's "Termijnen" section and its forms, the calendar, the dashboard.

Routes:
    POST      /cases/<ref>/postponement              record the uitstelbericht (written questions)
    POST      /deadlines/<id>/override               a director's date for one deadline
    GET       /calendar                              month, week or agenda view
    GET       /dashboard                             the director's dashboard
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case
from parliament_tracker.db import today_local
from parliament_tracker.deadlines import services
from parliament_tracker.deadlines.models import Deadline
from parliament_tracker.extensions import db

bp = Blueprint("deadlines", __name__)

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
        n = (ctx or services.rule_context()).settings.due_soon_working_days
        return _("Due within %(n)d working days", n=n)
    return str(RISK_TITLES[risk])


def case_deadline_rows(case: Case) -> list[dict[str, Any]]:
    """What the case page shows per deadline (used from the template)."""
    ctx = services.rule_context()
    today = today_local()
    rows = []
    for d in services.ordered(case.deadlines):
        risk = services.deadline_risk(d, case, today, ctx)
        rows.append({"deadline": d, "risk": risk, "risk_title": risk_title(risk, ctx), "title": d.title})
    return rows


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _case_or_404(reference: str) -> Case:
    case = case_services.find_case(reference)
    if case is None:
        abort(404)
    return case


@bp.post("/cases/<reference>/postponement")
@permission_required("case.postpone")
def postpone(reference: str):
    """Record that the postponement notice (uitstelbericht) was sent."""
    case = _case_or_404(reference)
    target = url_for("cases.show", reference=case.reference) + "#deadlines"
    sent_on = _parse_date(request.form.get("sent_on"))
    try:
        services.record_postponement(case, sent_on, request.form.get("reason", ""), actor=current_user)
    except services.DeadlineError as exc:
        db.session.rollback()
        flash(" ".join([exc.message, *exc.errors.values()]), "error")
        return redirect(target)
    db.session.commit()
    flash(_("Postponement recorded; the deadline is now %(date)s.", date=case.practical_due_on.isoformat() if case.practical_due_on else "—"), "success")
    return redirect(target)


@bp.post("/deadlines/<int:deadline_id>/override")
@permission_required("deadline.override")
def override(deadline_id: int):
    """Set (or clear) the date that counts for one deadline, with a reason."""
    deadline = db.get_or_404(Deadline, deadline_id)
    target = url_for("cases.show", reference=deadline.case.reference) + "#deadlines"
    clear = request.form.get("clear") == "1"
    due_on = None if clear else _parse_date(request.form.get("due_on"))
    if not clear and due_on is None:
        flash(_("Enter the new date as a valid date."), "error")
        return redirect(target)
    try:
        services.override_deadline(deadline, due_on, request.form.get("reason", ""), actor=current_user)
    except services.DeadlineError as exc:
        db.session.rollback()
        flash(" ".join([exc.message, *exc.errors.values()]), "error")
        return redirect(target)
    db.session.commit()
    flash(_("The deadline date was changed.") if due_on else _("The deadline is back to the computed date."), "success")
    return redirect(target)


@bp.app_context_processor
def deadline_helpers() -> dict[str, Any]:
    return {"case_deadline_rows": case_deadline_rows}
