"""Tweede Kamer import pages.

Routes:
    GET       /cases/new/from-tk?reference=      fetch a Zaak and open the prefilled new-case form
    GET/POST  /cases/<ref>/tk                    compare a case with the Kamer; apply accepted fields
    GET       /admin/tk                          sync state of the Tweede Kamer jobs       admin
    POST      /admin/tk/run                      run one of them now (form field ``job``)  admin
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import references
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.views import new_case_form_response
from parliament_tracker.errors import DomainError
from parliament_tracker.notifications import job_board
from parliament_tracker.notifications.models import JobStatus
from parliament_tracker.tk import services
from parliament_tracker.tk import sync_state as job_state
from parliament_tracker.tk.errors import TKBadResponse, TKError, TKNotFound, TKUnavailable

bp = Blueprint("tk", __name__)


def error_message(stored: str | None) -> str:
    """Words for a stored ``last_error`` ("TKUnavailable: after 3 attempts, last: timeout ...")."""
    if not stored:
        return ""
    kind, _sep, detail = stored.partition(": ")
    status = re.search(r"HTTP (\d{3})", detail)
    if kind == "TKUnavailable":
        if "timeout" in detail.casefold():
            return _("The Tweede Kamer did not answer in time (time-out). The job will try again at its next run.")
        if status:
            return _("The Tweede Kamer's server reported an error (HTTP %(status)s). The job will try again at its next run.", status=status.group(1))
        return _("The Tweede Kamer could not be reached (network error). The job will try again at its next run.")
    if kind == "TKBadResponse":
        return _("The Tweede Kamer sent an answer that could not be read (malformed or changed data). Nothing was changed.")
    if kind == "TKNotFound":
        return _("The Tweede Kamer data service was not found (HTTP 404); check the setting TK_API_URL.")
    if status:
        return _("The Tweede Kamer refused the request (HTTP %(status)s). Nothing was changed.", status=status.group(1))
    return _("The Tweede Kamer data service could not be used. Nothing was changed.")


def _tk_problem(exc: TKError) -> str:
    """A Dutch (or English) message for the user; the technical detail goes to the log."""
    current_app.logger.warning("Tweede Kamer request failed: %s %s", exc.message, getattr(exc, "detail", ""))
    if isinstance(exc, TKUnavailable):
        reason = _("The Tweede Kamer could not be reached (network error, time-out or a server error).")
    elif isinstance(exc, TKBadResponse):
        reason = _("The Tweede Kamer sent an answer that could not be read.")
    elif isinstance(exc, TKNotFound):
        reason = _("The Tweede Kamer does not know this item.")
    else:
        reason = _("The Tweede Kamer refused the request.")
    return reason + " " + _("Nothing was saved; try again later or type the details yourself.")

FIELD_TITLES = {
    "kind": _l("Kind"),
    "subject": _l("Subject"),
    "received_on": _l("Received"),
    "members": _l("Requested by members"),
    "committee": _l("Requested by committee"),
    "addressed_to": _l("Addressed to"),
    "dossier": _l("Dossier"),
}


@bp.get("/cases/new/from-tk")
@permission_required("case.create")
def fetch_new():
    """Fetch a Zaak by number and show the new-case form filled with the Kamer's data."""
    reference = references.normalise(request.args.get("reference", ""))
    if not references.ZAAK_RE.match(reference):
        flash(_("Type a Tweede Kamer zaak number such as 2021Z19601 to fetch it."), "error")
        return redirect(url_for("cases.new", reference=reference))
    existing = case_services.find_case(reference)
    if existing is not None:
        flash(_("%(ref)s is already registered; compare it with the Kamer's data here.", ref=reference), "info")
        return redirect(url_for("tk.compare", reference=reference))
    try:
        data = services.fetch(reference)
    except TKError as exc:
        flash(_tk_problem(exc), "error")
        return redirect(url_for("cases.new", reference=reference))
    if data is None:
        flash(_("The Tweede Kamer has no zaak %(ref)s.", ref=reference), "error")
        return redirect(url_for("cases.new", reference=reference))
    # Members and parties new to the tracker are added for the form's choices (and kept).
    prefill = services.case_input(data)
    flash(_("Filled in from the Tweede Kamer. Check the details and save."), "success")
    return new_case_form_response(prefill)


@bp.route("/cases/<reference>/tk", methods=["GET", "POST"])
@permission_required("case.edit")
def compare(reference: str):
    """Compare a case with the Kamer's data and apply only the fields the user accepts."""
    case = case_services.find_case(reference)
    if case is None:
        return redirect(url_for("cases.show", reference=reference))
    try:
        data = services.fetch(case.reference)
    except TKError as exc:
        flash(_tk_problem(exc), "error")
        return redirect(url_for("cases.show", reference=case.reference))
    if data is None:
        flash(_("The Tweede Kamer has no zaak %(ref)s.", ref=case.reference), "error")
        return redirect(url_for("cases.show", reference=case.reference))
    remote = services.case_input(data)
    diffs = services.differences(case, remote)
    if request.method == "POST":
        accepted = set(request.form.getlist("accept"))
        if not accepted:
            edge.discard()
            flash(_("Nothing selected; the case was not changed."), "info")
            return redirect(url_for("cases.show", reference=case.reference))

        def refused(exc: DomainError) -> Any:
            flash(exc.message, "error")
            return redirect(url_for("tk.compare", reference=case.reference))

        edge.on_refusal(refused)
        # A missing or garbled version is never a case's version (> 0): "changed meanwhile".
        version = request.form.get("version", 0, type=int)
        services.apply_accepted(case, remote, accepted, expected_version=version, actor=edge.actor())
        flash(_("Updated from the Tweede Kamer."), "success")
        return redirect(url_for("cases.show", reference=case.reference))
    return render_template("tk/compare.html", case=case, diffs=diffs, data=data, field_titles=FIELD_TITLES)


SYNC_JOBS = {
    "tk_watch": _l("New written questions"),
    "tk_reconcile": _l("Answers, postponements and withdrawals"),
    "tk_events": _l("Debates (events)"),
}


@bp.get("/admin/tk")
@permission_required("admin")
def sync_state():
    """Watermarks, last runs and last errors of the Tweede Kamer jobs, with "run now" buttons."""

    states = job_state.states()
    rows = []
    for job, title in SYNC_JOBS.items():
        key = job_state.JOB_KEYS[job]
        rows.append({"job": job, "title": title, "state": states[key], "error": error_message(state.last_error if (state := states[key]) else None)})
    jobs = job_board.board()
    return render_template(
        "tk/admin.html", rows=rows, last=jobs.last_runs(), schedules=jobs.schedules(current_app), api_url=current_app.config["TK_API_URL"]
    )


@bp.post("/admin/tk/run")
@permission_required("admin")
def run_now():
    job = request.form.get("job", "")
    if job not in SYNC_JOBS:
        flash(_("Choose one of the Tweede Kamer jobs."), "error")
        return redirect(url_for("tk.sync_state"))
    run = job_board.board().run_now(job, None)
    if run.status == JobStatus.ok:
        counts = ", ".join(f"{k}: {v}" for k, v in (run.counts or {}).items())
        flash(_("%(job)s done (%(counts)s).", job=SYNC_JOBS[job], counts=counts), "success")
    elif run.status == JobStatus.skipped:
        flash(_("%(job)s is already running in another process; try again in a moment.", job=SYNC_JOBS[job]), "info")
    else:
        state = job_state.states()[job_state.JOB_KEYS[job]]
        reason = error_message(state.last_error if state else None) or _("An unexpected error occurred; see the job runs page.")
        flash(_("%(job)s failed: %(reason)s", job=SYNC_JOBS[job], reason=reason), "error")
    return redirect(url_for("tk.sync_state"))
