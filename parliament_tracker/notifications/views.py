"""In-app notifications ("Mijn meldingen"), preferences, and the admin outbox and job runs.

Routes:
    GET       /notifications                      my notifications           notifications.view
    POST      /notifications/<id>/read            mark one read              notifications.view
    POST      /notifications/read-all             mark all read              notifications.view
    GET/POST  /notifications/preferences          which reminders I receive  notifications.view
    GET       /admin/outbox                       e-mails not sent (yet)     outbox.view
    GET       /admin/outbox/<id>                  one message                outbox.view
    GET       /admin/jobs                         jobs, schedules, runs      jobs.view
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.extensions import db
from parliament_tracker.notifications import job_board, services
from parliament_tracker.notifications.channels.email import smtp_configured
from parliament_tracker.notifications.models import (
    APP_CHANNEL,
    OPTIONAL_KINDS,
    EmailMode,
    Notification,
    NotificationKind,
)
from parliament_tracker.web import register_user_column, user_column

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    """At app creation: the menu's unread count is read with the signed-in user (one statement)."""
    register_user_column(app, "unread_notifications", services.unread_count_column)


@bp.app_context_processor
def notification_helpers() -> dict[str, Any]:
    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        # read with the user at the request's start: right for a read; a page that answers a
        # change (a form's refusal) counts again, the change may have been a notification's
        preloaded = user_column("unread_notifications") if request.method in ("GET", "HEAD") else None
        return preloaded if preloaded is not None else services.unread_count(current_user)

    return {"unread_notifications": unread_notifications}


@bp.get("/notifications")
@permission_required("notifications.view")
def index():
    items = services.for_user(current_user)
    unread = services.unread_count(current_user)  # all of them, as the menu badge says, not only the 200 shown
    return render_template("notifications/index.html", items=items, unread=unread)


@bp.post("/notifications/<int:notification_id>/read")
@permission_required("notifications.view")
def mark_read(notification_id: int):
    services.mark_read(current_user, notification_id)
    return redirect(url_for("notifications.index"))


@bp.post("/notifications/read-all")
@permission_required("notifications.view")
def mark_all_read():
    count = services.mark_read(current_user)
    if count:
        flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))


@bp.route("/notifications/preferences", methods=["GET", "POST"])
@permission_required("notifications.view")
def preferences():
    optional = [k for k in NotificationKind if k in OPTIONAL_KINDS]
    names = services.channel_names()
    if request.method == "POST":
        mode = request.form.get("email_mode") or None
        if mode is not None and mode not in {m.value for m in EmailMode}:
            abort(400)
        chosen = [(k, c) for c in names for k in optional if k.value in set(request.form.getlist(c))]
        services.set_preferences(current_user, chosen, mode)
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template(
        "notifications/preferences.html",
        optional=optional,
        channels=[(APP_CHANNEL, _("In the app")), *((c.name, c.title) for c in services.enabled_channels())],
        wanted=services.wanted(current_user),
        always=[k for k in NotificationKind if k not in OPTIONAL_KINDS and k != NotificationKind.daily_summary],
        modes=list(EmailMode),
        mode=services.email_mode(current_user),
    )


@bp.get("/admin/outbox")
@permission_required("outbox.view")
def outbox():
    return render_template(
        "notifications/outbox.html",
        waiting=services.outbox(),
        sent=services.recently_sent(),
        smtp=smtp_configured(),
        smtp_host=current_app.config.get("SMTP_HOST"),
    )


@bp.get("/admin/outbox/<int:notification_id>")
@permission_required("outbox.view")
def outbox_message(notification_id: int):
    message = db.session.get(Notification, notification_id)
    if message is None:
        abort(404)
    return render_template("notifications/message.html", message=message)


@bp.get("/admin/jobs")
@permission_required("jobs.view")
def jobs():
    jobs = job_board.board()
    return render_template(
        "notifications/jobs.html",
        jobs=jobs.jobs,
        schedules=jobs.schedules(current_app),
        unknown=jobs.unknown(current_app),
        last=jobs.last_runs(),
        runs=jobs.recent_runs(),
    )
