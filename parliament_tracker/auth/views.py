"""Log in, log out, language choice and the user's own account page."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadSignature, URLSafeTimedSerializer

from parliament_tracker.auth import services
from parliament_tracker.auth.forms import ChangePasswordForm, LoginForm
from parliament_tracker.auth.models import ApiToken, User
from parliament_tracker.auth.permissions import permission_required, public
from parliament_tracker.db import now_utc
from parliament_tracker.extensions import db

bp = Blueprint("auth", __name__)

_OFFER_KEY = "auth.sign_in_offer"
_LOGOUT_KEY = "auth.logout_redirect"


def register_sign_in_offer(app: Flask, label: str, endpoint: str) -> None:
    """A higher part (``sso``) offers signing in elsewhere: the login page shows
    "Log in with <label>" linking to ``endpoint``."""
    app.extensions[_OFFER_KEY] = {"label": label, "endpoint": endpoint}


def register_logout_redirect(app: Flask, url: Callable[[], str | None]) -> None:
    """A higher part (``sso``) sends a logged-out browser on (the provider's logout): ``url()``
    runs before the local session ends and returns the address, or None to stay here."""
    app.extensions[_LOGOUT_KEY] = url


def password_login_allowed(username: str) -> bool:
    """Local passwords may be switched off (LOCAL_PASSWORDS_ENABLED) once an identity provider
    signs people in; the break-glass administrator named in BREAK_GLASS_ADMIN keeps his."""
    config = current_app.config
    if config.get("LOCAL_PASSWORDS_ENABLED", True):
        return True
    break_glass = (config.get("BREAK_GLASS_ADMIN") or "").strip().lower()
    return bool(break_glass) and username.strip().lower() == break_glass

#: a signed cookie naming the user who last logged in from this browser ("known device")
DEVICE_COOKIE = "known_device"


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _device_user_id() -> int | None:
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        value = _device_serializer().loads(raw, max_age=current_app.config["KNOWN_DEVICE_DAYS"] * 86400)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("worklist.index")


def _tokens_of(user: User) -> list[ApiToken]:
    """The user's API tokens for the account page, newest first."""
    return list(db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))


def _login_page(form: LoginForm, status: int = 200, **context: object):
    offer = current_app.extensions.get(_OFFER_KEY)
    local = current_app.config.get("LOCAL_PASSWORDS_ENABLED", True)
    return render_template("auth/login.html", form=form, offer=offer, local_passwords=local, **context), status


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    """The login form, and the identity provider's button when one is configured."""
    if current_user.is_authenticated:
        return redirect(url_for("worklist.index"))
    form = LoginForm()
    if form.validate_on_submit():
        if not password_login_allowed(form.username.data):
            offer = current_app.extensions.get(_OFFER_KEY)
            name = offer["label"] if offer else _("the identity provider")
            flash(_("Passwords are not used here: log in with %(name)s.", name=name), "error")
            return _login_page(form, 401, has_errors=True)
        result = services.authenticate(
            form.username.data, form.password.data, address=request.remote_addr, device_user_id=_device_user_id()
        )
        if result.user:
            if not current_app.config.get("LOCAL_PASSWORDS_ENABLED", True):
                services.record_break_glass_login(result.user, address=request.remote_addr)
            login_user(result.user)
            response = redirect(_safe_next(request.args.get("next")))
            response.set_cookie(
                DEVICE_COOKIE,
                _device_serializer().dumps(result.user.id),
                max_age=current_app.config["KNOWN_DEVICE_DAYS"] * 86400,
                secure=current_app.config["SESSION_COOKIE_SECURE"],
                httponly=True,
                samesite="Lax",
            )
            return response
        if result.locked:
            minutes = -(-result.retry_after // 60)
            flash(
                ngettext(
                    "Too many failed attempts. Try again in %(num)d minute.",
                    "Too many failed attempts. Try again in %(num)d minutes.",
                    minutes,
                ),
                "error",
            )
        else:
            flash(_("User name or password is incorrect."), "error")
        return _login_page(form, 401, has_errors=True)
    return _login_page(form)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    """End the session, on the server too: the user's session generation moves on, so a copy
    of the cookie no longer works (nor do the user's sessions in other browsers)."""
    elsewhere = current_app.extensions.get(_LOGOUT_KEY)
    target = elsewhere() if elsewhere is not None and current_user.is_authenticated else None
    if current_user.is_authenticated:
        services.end_sessions(current_user, actor=current_user, reason="ended by logging out")
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(target or url_for("auth.login"))


@bp.route("/language/<code>", methods=["POST"])
@public
def set_language(code: str):
    """Switch the interface language (cookie, and the account setting when logged in)."""
    if code not in current_app.config["LANGUAGES"]:
        code = current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated:
        current_user.locale = code
    response = redirect(_safe_next(request.form.get("next")))
    response.set_cookie(
        "lang", code, max_age=365 * 86400, samesite="Lax", httponly=True, secure=current_app.config["SESSION_COOKIE_SECURE"]
    )
    return response


@bp.post("/session/keepalive")
@permission_required("account")
def keepalive():
    """"Stay signed in" (static/app.js warns before a form's page runs out): the session cookie
    is renewed and the page gets a fresh CSRF token, good for another WTF_CSRF_TIME_LIMIT."""
    session.modified = True
    return jsonify(csrf_token=generate_csrf(), seconds=current_app.config["WTF_CSRF_TIME_LIMIT"] or 0)


@bp.route("/account", methods=["GET", "POST"])
@permission_required("account")
def account():
    """The user's own account: password and API tokens."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not services.authenticate(current_user.username, form.current_password.data).user:
            form.current_password.errors.append(_("The current password is incorrect."))
        else:
            services.set_password(current_user, form.new_password.data)
            # The change ended every session of the user; this browser continues with a new one.
            login_user(current_user._get_current_object())
            flash(_("Your password has been changed."), "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, tokens=_tokens_of(current_user), new_token=None)


@bp.route("/account/tokens", methods=["POST"])
@permission_required("account")
def create_token():
    """Issue a new API token and show it once."""
    token = services.issue_token(current_user)
    return render_template("auth/account.html", form=ChangePasswordForm(), tokens=_tokens_of(current_user), new_token=token)


@bp.route("/account/tokens/<int:token_id>/revoke", methods=["POST"])
@permission_required("account")
def revoke_token(token_id: int):
    """Revoke one of the user's API tokens."""
    row = db.get_or_404(ApiToken, token_id)
    if row.user_id != current_user.id:
        return ("", 404)
    if row.revoked_at is None:
        row.revoked_at = now_utc()
    flash(_("The token has been revoked."), "success")
    return redirect(url_for("auth.account"))
