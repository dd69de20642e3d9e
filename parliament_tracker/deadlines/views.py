"""Deadline pages: the case's "Termijnen" section and its forms, the calendar, the dashboard.

Routes:
    POST      /cases/<ref>/postponement              record the uitstelbericht (written questions)
    POST      /deadlines/<id>/override               a director's date for one deadline
    GET       /calendar                              month, week or agenda view
    GET       /dashboard                             the director's dashboard
    POST      /account/calendar-feeds                create a personal ICS feed (shown once)
    POST      /account/calendar-feeds/<id>/revoke    revoke it
    GET       /ics/<secret>.ics                      the feed (public: the secret is the credential)
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.http import http_date

from parliament_tracker import edge, kept_forms
from parliament_tracker.auth.forms import ChangePasswordForm
from parliament_tracker.auth.models import ApiToken
from parliament_tracker.auth.permissions import permission_required, public
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case
from parliament_tracker.db import today_local
from parliament_tracker.deadlines import feeds, overrides, presentation, queries, services
from parliament_tracker.deadlines.models import (
    CalendarFeed,
    Deadline,
)
from parliament_tracker.deadlines.presentation import case_deadline_rows, dashboard_lists
from parliament_tracker.deadlines.rules import INTERNAL_KINDS, DeadlineKind
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.forms import int_arg, parse_dutch_date
from parliament_tracker.i18n import format_day
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.web import writes_on_get

bp = Blueprint("deadlines", __name__)

def _parse_date(value: str | None) -> dt.date | None:
    """A date as the date fields take it: dd-mm-jjjj (or ISO, as the calendar's links have it)."""
    return parse_dutch_date(value) if value else None


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
    _keep_typed_on_refusal(target)
    overrides.record_postponement(case, sent_on, request.form.get("reason", ""), actor=edge.actor())
    flash(_("Postponement recorded; the deadline is now %(date)s.", date=format_day(case.practical_due_on) if case.practical_due_on else "—"), "success")
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
        kept_forms.keep("refused", target)
        return redirect(target)
    _keep_typed_on_refusal(target)
    overrides.override_deadline(deadline, due_on, request.form.get("reason", ""), actor=edge.actor())
    flash(_("The deadline date was changed.") if due_on else _("The deadline is back to the computed date."), "success")
    return redirect(target)


def _keep_typed_on_refusal(target: str) -> None:
    """A refusal is flashed with its field messages and the user goes back to the case page,
    where the form shows what was typed again (``kept_fields``)."""

    def refused(exc: DomainError) -> Any:
        flash(" ".join([exc.message, *exc.errors.values()]), "error")
        kept_forms.keep("refused", target)
        return redirect(target)

    edge.on_refusal(refused)


@bp.app_context_processor
def deadline_helpers() -> dict[str, Any]:
    return {"case_deadline_rows": case_deadline_rows, "calendar_feeds_of": calendar_feeds_of}


# -- the calendar ----------------------------------------------------------------------------------

VIEWS = ("month", "week", "agenda")
AGENDA_DAYS = 42
#: the kind filter: binding answer dates (default), internal milestones, everything, or one kind
KIND_FILTERS = ("binding", "internal", "all", *[k.value for k in DeadlineKind])


def _calendar_filters(args: Any) -> dict[str, Any]:
    view = args.get("view") if args.get("view") in VIEWS else "month"
    day = _parse_date(args.get("date")) or today_local()
    if not services.EARLIEST <= day <= services.LATEST:  # previous/next must stay valid dates
        day = today_local()
    kind = args.get("kind") if args.get("kind") in KIND_FILTERS else "binding"
    directorate_id = int_arg(args.get("directorate"))
    mine = args.get("mine") == "1"
    return {"view": view, "date": day, "kind": kind, "directorate": directorate_id, "mine": mine}


def _range(view: str, day: dt.date) -> tuple[dt.date, dt.date, dt.date, dt.date]:
    """(first day shown, last day shown, previous anchor, next anchor)."""
    if view == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6), start - dt.timedelta(days=7), start + dt.timedelta(days=7)
    if view == "agenda":
        return day, day + dt.timedelta(days=AGENDA_DAYS - 1), day - dt.timedelta(days=AGENDA_DAYS), day + dt.timedelta(days=AGENDA_DAYS)
    first = day.replace(day=1)
    next_month = (first + dt.timedelta(days=32)).replace(day=1)
    last = next_month - dt.timedelta(days=1)
    start = first - dt.timedelta(days=first.weekday())
    end = last + dt.timedelta(days=6 - last.weekday())
    prev_month = (first - dt.timedelta(days=1)).replace(day=1)
    return start, end, prev_month, next_month


#: a month cell lists this many deadlines and links to the day's agenda for the rest
MONTH_CELL_ENTRIES = 8
#: the same for a day of the week view
WEEK_DAY_ENTRIES = 30
#: the agenda lists this many deadlines a page
AGENDA_PAGE_ENTRIES = 200


def calendar_entries(
    start: dt.date,
    end: dt.date,
    *,
    kind: str,
    directorate_id: int | None,
    drafter_id: int | None,
    per_day: int | None = None,
    page: int | None = None,
) -> tuple[list[dict[str, Any]], dict[dt.date, int] | None, int]:
    """The decorated entries; with ``per_day`` the full count of deadlines per date; and the
    total number of deadlines in the range. With ``page`` one page of AGENDA_PAGE_ENTRIES."""
    kinds = None
    binding_only = False
    if kind == "binding":
        binding_only = True
    elif kind == "internal":
        kinds = sorted(INTERNAL_KINDS)
    elif kind != "all":
        kinds = [DeadlineKind(kind)]
    if per_day:
        rows, totals = queries.capped_per_day(
            start, end, per_day, directorate_id=directorate_id, drafter_id=drafter_id, kinds=kinds, binding_only=binding_only
        )
        return presentation.decorate(rows), totals, sum(totals.values())
    rows, total = queries.paged_between(
        start,
        end,
        page=page or 1,
        per_page=AGENDA_PAGE_ENTRIES,
        directorate_id=directorate_id,
        drafter_id=drafter_id,
        kinds=kinds,
        binding_only=binding_only,
    )
    return presentation.decorate(rows), None, total


@bp.get("/calendar")
@permission_required("calendar.view")
def calendar():
    """Deadlines by month, week or as an agenda, with filters."""
    f = _calendar_filters(request.args)
    start, end, prev_anchor, next_anchor = _range(f["view"], f["date"])
    page = max(1, min(request.args.get("page", 1, type=int), 10_000)) if f["view"] == "agenda" else None
    entries, day_totals, total = calendar_entries(
        start,
        end,
        kind=f["kind"],
        directorate_id=f["directorate"],
        drafter_id=current_user.id if f["mine"] else None,
        per_day={"month": MONTH_CELL_ENTRIES, "week": WEEK_DAY_ENTRIES}.get(f["view"]),
        page=page,
    )
    pages = max(1, -(-total // AGENDA_PAGE_ENTRIES))
    if page and page > pages:  # past the end (the data changed, or a typed address): the last page
        last_page: dict[str, Any] = {**request.args.to_dict(), "page": pages}
        return redirect(url_for("deadlines.calendar", **last_page))
    # A page of the agenda covers the days from its first entry to its last: days outside it
    # have their deadlines on other pages and must not read "no deadlines".
    page_from = entries[0]["date"] if page and page > 1 and entries else start
    page_to = entries[-1]["date"] if page and page < pages and entries else end
    by_day, days, weeks = _grid(start, end, entries)
    args = {k: v for k, v in {"view": f["view"], "kind": f["kind"], "directorate": f["directorate"], "mine": "1" if f["mine"] else None}.items() if v}
    events = queries.events_by_day(start, end)
    today = today_local()
    return render_template(
        "deadlines/calendar.html",
        f=f,
        start=start,
        end=end,
        days=days,
        weeks=weeks,
        by_day=by_day,
        events_by_day=events,
        cells=_month_cells(days, f["date"], today, by_day, events, day_totals or {}, args) if f["view"] == "month" else {},
        entries=entries,
        day_totals=day_totals or {},
        total=total,
        page=page,
        pages=pages,
        first_shown=((page or 1) - 1) * AGENDA_PAGE_ENTRIES + 1,
        page_from=page_from,
        page_to=page_to,
        today=today,
        prev_date=prev_anchor,
        next_date=next_anchor,
        args=args,
        directorates=db.session.scalars(db.select(Directorate).order_by(Directorate.code)).all(),
        kind_options=_kind_options(),
    )


def _grid(start: dt.date, end: dt.date, entries: list[dict[str, Any]]) -> tuple[dict[dt.date, list[dict[str, Any]]], list[dt.date], list[list[dt.date]]]:
    """The entries by day, the days from ``start`` to ``end``, and those days by week."""
    by_day: dict[dt.date, list[dict[str, Any]]] = {}
    for e in entries:
        by_day.setdefault(e["date"], []).append(e)
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return by_day, days, [days[i : i + 7] for i in range(0, len(days), 7)]


def _month_cells(
    days: list[dt.date],
    month_of: dt.date,
    today: dt.date,
    by_day: dict[dt.date, list[dict[str, Any]]],
    events: dict[dt.date, list[Any]],
    day_totals: dict[dt.date, int],
    args: dict[str, Any],
) -> dict[dt.date, dict[str, Any]]:
    """What each cell of the month grid shows, worked out here rather than in the template
    (a template's method calls and look-ups per cell were most of the page's rendering)."""
    more_url = url_for("deadlines.calendar", **dict(args, view="agenda", date="0000-00-00"))
    cells = {}
    for d in days:
        shown = by_day.get(d, [])
        classes = "day"
        if d.month != month_of.month:
            classes += " other-month"
        if d == today:
            classes += " today"
        if d.weekday() >= 5:
            classes += " weekend"
        iso = d.isoformat()
        cells[d] = {
            "iso": iso,
            "day": d.day,
            "classes": classes,
            "today": d == today,
            "entries": shown,
            "events": events.get(d, ()),
            "more": day_totals.get(d, 0) - len(shown),
            "more_url": more_url.replace("0000-00-00", iso),
        }
    return cells


def _kind_options() -> list[tuple[str, str]]:
    return [("binding", _("Binding deadlines")), ("internal", _("Internal milestones")), ("all", _("All deadlines"))] + [
        (k.value, k.label) for k in DeadlineKind
    ]


@bp.get("/dashboard")
@permission_required("dashboard.view")
def dashboard():
    """Overdue, due this week, awaiting my approval, the Monday list, timeliness."""
    today = today_local()
    raw = request.args.get("directorate")
    if raw == "all":
        directorate_id = None
    else:  # a directorate's id, else the user's own
        directorate_id = int_arg(raw)
        if directorate_id is None:
            directorate_id = current_user.directorate_id
    lists = dashboard_lists(today, directorate_id, current_user._get_current_object())
    stats = queries.timeliness(today, directorate_id=directorate_id)
    directorates = db.session.scalars(db.select(Directorate).order_by(Directorate.code)).all()
    return render_template(
        "deadlines/dashboard.html",
        today=today,
        **lists,
        stats=stats,
        directorates=directorates,
        directorate_id=directorate_id,
        selected=next((d for d in directorates if d.id == directorate_id), None),
    )


# -- personal ICS feeds -----------------------------------------------------------------------------


def _account_page(new_feed_url: str | None = None) -> Any:
    tokens = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == current_user.id).order_by(ApiToken.created_at.desc())).all()
    return render_template("auth/account.html", form=ChangePasswordForm(), tokens=tokens, new_token=None, new_feed_url=new_feed_url)


@bp.post("/account/calendar-feeds")
@permission_required("account")
def create_feed():
    """Create a personal calendar feed and show its secret address once."""
    scope = request.form.get("scope")
    if scope not in feeds.SCOPES:
        flash(_("Choose which deadlines the feed shows."), "error")
        return redirect(url_for("auth.account") + "#calendar-feeds")
    _feed, token = feeds.create_feed(edge.actor(), scope)
    return _account_page(url_for("deadlines.ics_feed", token=token, _external=True))


@bp.post("/account/calendar-feeds/<int:feed_id>/revoke")
@permission_required("account")
def revoke_feed(feed_id: int):
    """Revoke one of the user's calendar feeds: its address stops working."""
    feed = db.get_or_404(CalendarFeed, feed_id)
    if feed.user_id != current_user.id:
        abort(404)
    feeds.revoke_feed(feed, actor=edge.actor())
    flash(_("The calendar feed has been revoked."), "success")
    return redirect(url_for("auth.account") + "#calendar-feeds")


@bp.get("/ics/<token>.ics")
@public
@writes_on_get  # last_used_at
def ics_feed(token: str):
    """A personal deadline feed (the secret in the address is the credential)."""
    feed = feeds.feed_for_token(token)
    if feed is None:
        abort(404)
    version = feeds.feed_version(feed, feeds.feed_locale(feed))
    headers = {"Cache-Control": "private, max-age=300", "ETag": version.etag, "Last-Modified": http_date(version.last_modified)}
    if _not_modified(version):
        feeds.touch(feed)
        return Response(status=304, headers=headers)
    body = feeds.build_feed(feed)  # sets last_used_at, committed by the edge
    return Response(body, mimetype="text/calendar", headers={**headers, "Content-Disposition": 'inline; filename="termijnen.ics"'})


def _not_modified(version: feeds.FeedVersion) -> bool:
    """If-None-Match wins over If-Modified-Since (RFC 9110 13.2.2)."""
    if request.if_none_match:
        return request.if_none_match.contains(version.etag.strip('"'))
    since = request.if_modified_since
    return since is not None and version.last_modified <= since


def calendar_feeds_of(user: Any) -> list[CalendarFeed]:
    return list(db.session.scalars(db.select(CalendarFeed).where(CalendarFeed.user_id == user.id).order_by(CalendarFeed.created_at.desc())))
