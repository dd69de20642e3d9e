"""Tweede Kamer import pages.

Routes:
    GET       /cases/new/from-tk?reference=      fetch a Zaak and open the prefilled new-case form
    GET/POST  /cases/<ref>/tk                    compare a case with the Kamer; apply accepted fields
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import references
from parliament_tracker.cases import services as case_services
from parliament_tracker.extensions import db
from parliament_tracker.tk import services
from parliament_tracker.tk.errors import TKBadResponse, TKError, TKNotFound, TKUnavailable

bp = Blueprint("tk", __name__)


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
    from parliament_tracker.cases.views import new_case_form_response

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
    prefill = services.case_input(data)
    # Members and parties new to the tracker were added to the session for the form's choices.
    db.session.commit()
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
            db.session.rollback()
            flash(_("Nothing selected; the case was not changed."), "info")
            return redirect(url_for("cases.show", reference=case.reference))
        try:
            services.apply_accepted(case, remote, accepted, expected_version=int(request.form.get("version", 0)), actor=current_user)
        except case_services.CaseError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("tk.compare", reference=case.reference))
        db.session.commit()
        flash(_("Updated from the Tweede Kamer."), "success")
        return redirect(url_for("cases.show", reference=case.reference))
    db.session.commit()
    return render_template("tk/compare.html", case=case, diffs=diffs, data=data, field_titles=FIELD_TITLES)
