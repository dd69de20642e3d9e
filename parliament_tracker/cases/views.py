"""Case pages: list and search, register, view, edit, questions, status (links and attachments:
``related_views``).

Routes:
    GET       /                                   -> my worklist (Mijn werk)
    GET       /cases                              list, search, filters, sort, pages
    GET       /cases/export.csv                   the current list as CSV (Dutch Excel)
    GET       /cases/export.xlsx                  the current list as an Excel workbook
    GET/POST  /cases/new                          register a case
    GET       /cases/<ref>                        the case page with links and timeline
    GET/POST  /cases/<ref>/edit                   edit (optimistic locking)
    POST      /cases/<ref>/questions              correct the numbered questions
    POST      /cases/<ref>/transition             change status
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from parliament_tracker import edge
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import form_data, page_hooks, queries, references, services
from parliament_tracker.cases import status as case_status
from parliament_tracker.cases.export import csv_lines, xlsx_chunks
from parliament_tracker.cases.forms import AttachmentForm, CaseForm, LinkForm, TransitionForm
from parliament_tracker.cases.models import Case, CaseKind, LinkType
from parliament_tracker.cases.workflow import CaseStatus, allowed_targets, is_allowed
from parliament_tracker.db import today_local
from parliament_tracker.downloads import content_disposition
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.forms import int_arg
from parliament_tracker.i18n import format_day
from parliament_tracker.organisation.models import Committee, Signatory

bp = Blueprint("cases", __name__)


def _get_case(reference: str, *, shown: bool = False) -> Case:
    case = services.find_case(reference, shown=shown, attachments=shown)
    if case is None:
        abort(404, _("No case with reference %(ref)s.", ref=references.normalise(reference)))
    return case


@bp.get("/")
@permission_required("case.view")
def home():
    """Start page: the user's worklist (Mijn werk)."""
    return redirect(url_for("worklist.index"))


@bp.get("/cases")
@permission_required("case.view")
def index():
    """The case list with search, filters, sorting and pages."""
    f = _list_filter()
    if f.q and references.looks_like_reference(f.q):
        exact = services.find_case(f.q)
        if exact is not None:
            return redirect(url_for("cases.show", reference=exact.reference))
    rows, total = queries.list_page(f)
    pages = max(1, -(-total // f.per_page))
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "cases/index.html", items=_list_rows(rows), total=total, total_capped=queries.is_capped(total), cap=queries.COUNT_CAP,
        f=f, pages=pages, args=args, mine=bool(request.args.get("mine")), **form_data.filter_options(),
    )


@dataclasses.dataclass(frozen=True, slots=True)
class _ListRow:
    """One line of the case list, its texts made ready: the template only writes them out."""

    href: str
    reference: str
    kind: str
    subject: str
    received: str
    due: str
    #: (risk, the words for it) when the deadline is late or close
    risk: tuple[str, str] | None
    directorate: str
    drafter: str
    status: str
    status_label: str


def _list_rows(rows: list[Any]) -> list[_ListRow]:
    """The list's rows with their texts, formatted here rather than per row in the template
    (a page of 50 rows spent more CPU in Jinja than in its query): each date and title once
    per page, the case link built from the route's link for one reference."""
    risks = page_hooks.risks(rows)
    day = functools.lru_cache(maxsize=None)(format_day)
    kinds = {k: k.label for k in CaseKind}
    statuses = {s: s.label for s in CaseStatus}
    link = url_for("cases.show", reference="0")[:-1]
    return [
        _ListRow(
            href=link + quote(r.reference, safe="!$&'()*+,/:;=@"),  # as werkzeug's path converter quotes
            reference=r.reference,
            kind=kinds[r.kind],
            subject=r.subject,
            received=day(r.received_on),
            due=day(r.practical_due_on) if r.practical_due_on else "—",
            risk=risks.get(r.id),
            directorate=r.directorate or "—",
            drafter=r.drafter_name or "—",
            status=r.status.value,
            status_label=statuses[r.status],
        )
        for r in rows
    ]


def _list_filter() -> queries.CaseFilter:
    """The list's filters from the query string; "mine" is the current user's cases."""
    f = queries.filter_from_args(request.args, per_page=current_app.config["CASES_PER_PAGE"])
    if request.args.get("mine"):
        f.drafter_id = current_user.id
    return f


@bp.get("/cases/export.csv")
@permission_required("case.export")
def export_csv():
    """The current list (same filters) as a CSV file that opens as columns in a Dutch Excel."""
    f = _list_filter()
    stamp = today_local().isoformat()
    # Resolved now: the rows stream after the edge's commit, when the user row is no longer loaded
    # and the locale selector (which reads current_user) would fail on the header's titles.
    get_locale()
    return Response(
        stream_with_context(csv_lines(page_hooks.export_rows(f))),
        mimetype="text/csv; charset=utf-8",
        headers={"Content-Disposition": content_disposition(f"zaken-{stamp}.csv")},
    )


@bp.get("/cases/export.xlsx")
@permission_required("case.export")
def export_xlsx():
    """The same columns as an Excel workbook (frozen header row, real date cells), built and
    sent as it is read (see export_csv on what is resolved before the edge commits)."""
    f = _list_filter()
    stamp = today_local().isoformat()
    get_locale()
    return Response(
        stream_with_context(xlsx_chunks(page_hooks.export_rows(f), sheet_title=str(_("Cases")))),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="zaken-{stamp}.xlsx"'},
    )


def _show_errors(form: CaseForm, exc: DomainError) -> None:
    for field, message in exc.errors.items():
        target = getattr(form, field, None) or getattr(form, f"{field}_id", None)
        if target is not None:
            target.errors = [*list(target.errors or []), message]
    flash(exc.message, "error")


def _confirm_dates(form: CaseForm, case: Case | None) -> Any:
    """An implausible but possible date (received over a year ago) is asked about before saving:
    the form comes back with everything typed, the warning at the field and a "save anyway"
    button that confirms this very date (None: nothing to ask, or confirmed)."""
    dates = services.CaseInput(
        received_on=form.received_on.data, committee_due_on=form.committee_due_on.data, given_due_on=form.given_due_on.data
    )
    warnings = services.date_warnings(dates, case)
    received = form.received_on.data
    if not warnings or (received is not None and form.confirmed_received_on.data == received.isoformat()):
        return None
    form.confirmed_received_on.data = received.isoformat() if received else ""
    return render_template("cases/form.html", form=form, case=case, date_warnings=warnings)


def new_case_form_response(prefill: services.CaseInput) -> Any:
    """The new-case form filled from ``prefill`` (used by the Tweede Kamer import)."""
    form = CaseForm(formdata=None)
    form_data.fill_choices(form)
    form.reference.data = prefill.reference
    form.kind.data = prefill.kind.value if prefill.kind else None
    form.subject.data = prefill.subject
    form.received_on.data = prefill.received_on
    form.committee_id.data = prefill.committee.id if isinstance(prefill.committee, Committee) else None
    form.member_ids.data = [m.id for m in prefill.members or []]
    form.addressed_to_id.data = prefill.addressed_to.id if isinstance(prefill.addressed_to, Signatory) else None
    form.dossier.data = prefill.dossier
    return render_template("cases/form.html", form=form, case=None)


@bp.route("/cases/new", methods=["GET", "POST"])
@permission_required("case.create")
def new():
    """Register an incoming item."""
    form = CaseForm()
    form_data.fill_choices(form)
    if request.method == "GET" and not form.restored:
        form.reference.data = request.args.get("reference", "")
        if request.args.get("kind") in CaseKind.__members__:
            form.kind.data = request.args["kind"]
    if form.validate_on_submit():
        if (asking := _confirm_dates(form, None)) is not None:
            return asking

        def refused(exc: DomainError) -> Any:
            _show_errors(form, exc)
            # A duplicate keeps everything typed: the existing case is shown next to the form, to
            # open or to correct the reference against.
            existing = exc.existing if isinstance(exc, services.DuplicateCase) else None
            return render_template("cases/form.html", form=form, case=None, existing=existing), exc.status

        edge.on_refusal(refused)
        case = services.create_case(form_data.input_from_form(form, with_questions=True), actor=edge.actor())
        flash(_("Case %(ref)s registered.", ref=case.reference), "success")
        return redirect(url_for("cases.show", reference=case.reference))
    status = 422 if request.method == "POST" else 200
    if status == 422:
        flash(_("The case could not be saved. Check the fields marked below."), "error")
    return render_template("cases/form.html", form=form, case=None), status


@bp.get("/cases/<reference>")
@permission_required("case.view")
def show(reference: str):
    """A case with its questions, links, attachments and timeline."""
    case = _get_case(reference, shown=True)
    if case.reference != reference:
        return redirect(url_for("cases.show", reference=case.reference))
    return _case_page(case)


def _case_page(
    case: Case, *, link_form: LinkForm | None = None, attachment_form: AttachmentForm | None = None, **refused: Any
) -> str:
    """The case page; a refused form on it comes back with its input and errors. Its links and
    suggested links are a part of the page (``links.case_page_links``) read with the others."""
    extras = page_hooks.page_extras(case)
    if not current_user.can("case.link"):
        extras["suggestions"] = []
    return render_template(
        "cases/show.html",
        case=case,
        link_form=link_form or LinkForm(formdata=None),
        attachment_form=attachment_form or AttachmentForm(formdata=None),
        targets=allowed_targets(case.status, current_user.role),
        link_types=list(LinkType),
        **extras,
        **refused,
    )


@bp.route("/cases/<reference>/edit", methods=["GET", "POST"])
@permission_required("case.edit")
def edit(reference: str):
    """Edit a case; a form saved on an older version is refused and kept on screen."""
    case = _get_case(reference)
    form = CaseForm(obj=case if request.method == "GET" else None)
    form_data.fill_choices(form)
    if request.method == "GET" and not form.restored:
        form.kind.data = case.kind.value
        form.committee_id.data = case.committee_id
        form.member_ids.data = [m.id for m in case.members]
        form.addressed_to_id.data = case.addressed_to_id
        form.lead_directorate_id.data = case.lead_directorate_id
        form.drafter_id.data = case.drafter_id
        form.due_before_event_id.data = case.due_before_event_id
        form.version.data = str(case.version)
    if form.validate_on_submit():
        if (asking := _confirm_dates(form, case)) is not None:
            return asking
        try:
            expected = int(form.version.data or 0)
        except ValueError:
            expected = 0

        def refused(exc: DomainError) -> Any:
            # after the rollback ``case`` reads what is stored now
            if isinstance(exc, services.StaleCase) or (exc.kind == Kind.conflict and not isinstance(exc, services.DuplicateCase)):
                if not isinstance(exc, services.StaleCase):
                    exc = services.StaleCase(case)
                flash(exc.message, "error")
                return render_template("cases/form.html", form=form, case=case, stale=True, has_errors=True), 409
            _show_errors(form, exc)
            existing = exc.existing if isinstance(exc, services.DuplicateCase) else None
            return render_template("cases/form.html", form=form, case=case, existing=existing), exc.status

        edge.on_refusal(refused)
        services.update_case(case, form_data.input_from_form(form, with_questions=False), expected_version=expected, actor=edge.actor())
        flash(_("Changes saved."), "success")
        return redirect(url_for("cases.show", reference=case.reference))
    status = 422 if request.method == "POST" else 200
    if status == 422:
        flash(_("The case could not be saved. Check the fields marked below."), "error")
    return render_template("cases/form.html", form=form, case=case), status


def _on_case_page(case: Case, anchor: str, action: Callable[[], Any], success: Callable[[], str]) -> Any:
    """Run one service call for a form on the case page and say so; a refusal (rolled back by
    the edge) is flashed. Either way, back to the case page (at ``anchor``)."""
    target = url_for("cases.show", reference=case.reference) + anchor
    edge.on_refusal_redirect(target)
    action()
    flash(success(), "success")
    return redirect(target)


@bp.post("/cases/<reference>/questions")
@permission_required("case.edit")
def save_questions(reference: str):
    """Save corrected question numbers and texts. A refusal shows the case page again with
    what was typed, the error next to the question it is about and the focus there."""
    case = _get_case(reference)
    rows = form_data.question_rows(request.form)
    new_text = (request.form.get("new_question") or "").strip()
    if any(row["error"] for row in rows):
        return _questions_refused(case, rows, new_text, None, 422)
    items = [(row["value"], row["text"]) for row in rows]
    if new_text:
        items.append((max([n for n, _t in items] + [0]) + 1, new_text))
    expected = int_arg(request.form.get("version", "")) or 0

    def refused(exc: DomainError) -> Any:
        return _questions_refused(case, rows, new_text, exc.message, exc.status)

    edge.on_refusal(refused)
    services.set_questions(case, items, expected_version=expected, actor=edge.actor())
    flash(_("Questions saved."), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#questions")


def _questions_refused(case: Case, rows: list[dict[str, Any]], new_text: str, message: str | None, status: int) -> Any:
    """The case page with the questions as typed; the focus goes to the first question in error
    (or, for a refusal of the whole list, to the message above it)."""
    focus = next((f"q-{row['index']}-number" for row in rows if row["error"]), None if message else "new_question")
    return (
        _case_page(case, question_rows=rows, new_question=new_text, questions_error=message, questions_focus=focus or "questions-error", has_errors=True),
        status,
    )


@bp.post("/cases/<reference>/transition")
@permission_required("case.transition")
def change_status(reference: str):
    """Move the case to another status, as the workflow table allows."""
    case = _get_case(reference)
    form = TransitionForm()
    if not form.validate_on_submit() or form.target.data not in CaseStatus.__members__:
        flash(_("Choose a valid status."), "error")
        return redirect(url_for("cases.show", reference=case.reference))
    target = CaseStatus(form.target.data)
    if target.is_closed and form.confirmed.data != "yes" and is_allowed(case.status, target, current_user.role):
        # Closing (withdrawn, transferred, no reply needed, answered) asks first, on its own page:
        # it works without JavaScript and a stray click closes nothing.
        return render_template("cases/confirm_status.html", case=case, target=target, form=form)
    return _on_case_page(
        case,
        "",
        lambda: case_status.transition(
            case, CaseStatus(form.target.data), actor=edge.actor(), expected_version=form.version.data, comment=form.comment.data or ""
        ),
        lambda: _("Status changed to “%(status)s”.", status=case.status.label),
    )
