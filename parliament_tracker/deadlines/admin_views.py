"""Admin pages for the deadline rules: events (debates, recesses), days off and settings.

Routes:
    GET/POST  /admin/deadlines/events                list and add events (registrar, admin)
    GET/POST  /admin/deadlines/events/<id>           edit an event; anchored cases follow
    GET/POST  /admin/deadlines/days-off              list and add days off (admin)
    POST      /admin/deadlines/events/<id>/delete    delete an event; anchored cases are recomputed
    POST      /admin/deadlines/days-off/<id>/delete  remove a day off
    GET/POST  /admin/deadlines/settings              terms and milestone offsets (admin)
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.deadlines import events as event_services
from parliament_tracker.deadlines import services
from parliament_tracker.deadlines import settings as deadline_settings
from parliament_tracker.deadlines.forms import EventForm, NonWorkingDayForm
from parliament_tracker.deadlines.models import Event, EventKind, NonWorkingDay
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Signatory

bp = Blueprint("deadline_admin", __name__, url_prefix="/admin/deadlines")


def _events_page(form: EventForm, event: Event | None, status: int = 200) -> Any:
    events = db.session.scalars(db.select(Event).order_by(Event.starts_on.desc())).all()
    counts: dict[int, int] = dict(
        db.session.execute(
            db.select(Case.due_before_event_id, db.func.count()).where(Case.due_before_event_id.is_not(None)).group_by(Case.due_before_event_id)
        ).tuples().all()
    )
    return render_template("deadlines/admin_events.html", form=form, event=event, events=events, counts=counts), status


def _with_errors(form: Any, exc: DomainError) -> Any:
    """``form`` with the refusal's messages under its fields (what was typed stays)."""
    for name, message in exc.errors.items():
        field = getattr(form, name, None)
        if field is not None:
            field.errors = [message]
    return form


def _save_event(event: Event | None) -> Any:
    form = EventForm(obj=event if request.method == "GET" else None)
    if request.method == "GET" and event is not None:
        form.kind.data = event.kind.value
    if form.validate_on_submit():
        values = {
            "kind": EventKind(form.kind.data), "name": form.name.data, "starts_on": form.starts_on.data,
            "ends_on": form.ends_on.data, "dossier": form.dossier.data, "tk_number": form.tk_number.data,
        }
        edge.on_refusal(lambda exc: _events_page(_with_errors(form, exc), event, exc.status))
        event_services.save_event(event, values, actor=edge.actor())
        flash(_("Event saved; the deadlines of the cases linked to it were recomputed."), "success")
        return redirect(url_for("deadline_admin.events"))
    return _events_page(form, event, 422 if form.is_submitted() else 200)


@bp.route("/events", methods=["GET", "POST"])
@permission_required("event.manage")
def events():
    """Debates and recesses; add one."""
    return _save_event(None)


@bp.route("/events/<int:event_id>", methods=["GET", "POST"])
@permission_required("event.manage")
def edit_event(event_id: int):
    """Change an event (e.g. a debate that moved)."""
    return _save_event(db.get_or_404(Event, event_id))


@bp.post("/events/<int:event_id>/delete")
@permission_required("event.manage")
def delete_event(event_id: int):
    """Delete an event; cases due before it are recomputed without it."""
    event = db.get_or_404(Event, event_id)
    count = event_services.delete_event(event, actor=edge.actor())
    flash(_("Event deleted; %(n)d cases no longer have it as their deadline.", n=count), "success")
    return redirect(url_for("deadline_admin.events"))


@bp.route("/days-off", methods=["GET", "POST"])
@permission_required("admin")
def days_off():
    """Days off besides the public holidays, such as bridge days."""
    form = NonWorkingDayForm()

    def page(status: int) -> Any:
        days = db.session.scalars(db.select(NonWorkingDay).order_by(NonWorkingDay.date.desc())).all()
        return render_template("deadlines/admin_days_off.html", form=form, days=days), status

    def refused(exc: DomainError) -> Any:
        _with_errors(form, exc)
        return page(exc.status)

    if form.validate_on_submit():
        edge.on_refusal(refused)
        event_services.add_non_working_day(form.date.data, form.name.data, actor=edge.actor())
        flash(_("Day off added; open cases were recomputed."), "success")
        return redirect(url_for("deadline_admin.days_off"))
    return page(422 if form.is_submitted() else 200)


@bp.post("/days-off/<int:day_id>/delete")
@permission_required("admin")
def delete_day_off(day_id: int):
    """Remove a day off."""
    day = db.get_or_404(NonWorkingDay, day_id)
    event_services.delete_non_working_day(day, actor=edge.actor())
    flash(_("Day off removed; open cases were recomputed."), "success")
    return redirect(url_for("deadline_admin.days_off"))


_MILESTONE_PARTS = ("draft", "approval", "signature")


def _offsets_from_form(prefix: str, errors: dict[str, str]) -> list[int] | None:
    raw = [request.form.get(f"{prefix}-{part}", "").strip() for part in _MILESTONE_PARTS]
    if not any(raw):
        return None
    try:
        return [int(v) for v in raw]
    except ValueError:
        errors[prefix] = _("Enter three whole numbers, or leave all three empty.")
        return None


def _settings_from_form(values: dict[str, Any], signatories: Any, errors: dict[str, str]) -> dict[str, Any]:
    """The numbers and milestones the settings form sent (a field's problem goes in ``errors``)."""
    new: dict[str, Any] = {}
    for key in deadline_settings.ADMIN_INT_SETTINGS:
        raw = request.form.get(key, "")
        if key in deadline_settings.OTHER_INT_SETTINGS and not raw.strip():
            continue  # not sent (an older form): the stored value stays
        try:
            new[key] = int(raw)
        except ValueError:
            errors[key] = _("Enter a whole number.")
    new["milestones"] = _offsets_from_form("milestones", errors) or values["milestones"]
    new["milestones_by_kind"] = {}
    for kind in CaseKind:
        offsets = _offsets_from_form(f"kind-{kind.value}", errors)
        if offsets:
            new["milestones_by_kind"][kind.value] = offsets
    new["milestones_by_signatory"] = {}
    for s in signatories:
        offsets = _offsets_from_form(f"signatory-{s.id}", errors)
        if offsets:
            new["milestones_by_signatory"][str(s.id)] = offsets
    return new


@bp.route("/settings", methods=["GET", "POST"])
@permission_required("admin")
def settings():
    """Terms in days and the internal milestones (working days before the deadline)."""
    values = deadline_settings.setting_values()
    signatories = db.session.scalars(db.select(Signatory).order_by(Signatory.office_title)).all()
    errors: dict[str, str] = {}
    status = 200

    def page(shown: dict[str, Any], status: int) -> Any:
        return render_template(
            "deadlines/admin_settings.html",
            values=shown,
            errors=errors,
            kinds=list(CaseKind),
            signatories=signatories,
            parts=_MILESTONE_PARTS,
            maxima=deadline_settings.SETTING_MAXIMA,
            milestone_maximum=deadline_settings.MILESTONE_MAXIMUM,
        ), status
    if request.method == "POST":  # CSRFProtect has checked the token already
        new = _settings_from_form(values, signatories, errors)
        if not errors:

            def refused(exc: DomainError) -> Any:
                flash(exc.message, "error")
                return page({**values, **new}, 422)

            edge.on_refusal(refused)
            count = services.save_settings(new, actor=edge.actor())
            flash(_("Settings saved; %(n)d open cases were recomputed.", n=count), "success")
            return redirect(url_for("deadline_admin.settings"))
        else:
            values = {**values, **new}
            flash(_("The settings could not be saved. Check the fields marked below."), "error")
            status = 422
    return page(values, status)
