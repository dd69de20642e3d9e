"""``/sso/login`` sends the browser to the provider; ``/sso/callback`` takes the answer."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user

from parliament_tracker.auth.permissions import public
from parliament_tracker.sso import EXTENSION, services
from parliament_tracker.sso.client import Provider
from parliament_tracker.web import writes_on_get

log = logging.getLogger(__name__)

bp = Blueprint("sso", __name__, url_prefix="/sso")

#: session keys: the ID token (for the provider's logout) and where to go after signing in
ID_TOKEN_KEY = "sso_id_token"
NEXT_KEY = "sso_next"


def _provider() -> Provider:
    provider = current_app.extensions.get(EXTENSION)
    if provider is None:
        abort(404)  # no identity provider configured
    return provider


def _safe_next(target: str | None) -> str | None:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return None


@bp.get("/login")
@public
def login() -> Any:
    """To the provider's sign-in page (state, nonce and the PKCE verifier kept in the session)."""
    provider = _provider()
    if current_user.is_authenticated:
        return redirect(url_for("worklist.index"))
    session[NEXT_KEY] = _safe_next(request.args.get("next"))
    return provider.oauth_app.authorize_redirect(url_for("sso.callback", _external=True))


def _claims(provider: Provider) -> dict[str, Any]:
    """The validated ID token's claims, completed from the userinfo endpoint when the groups
    claim is not in the token (Entra ID and Keycloak can be set either way)."""
    from authlib.integrations.base_client import OAuthError

    try:
        token = provider.oauth_app.authorize_access_token()
    except OAuthError as exc:
        raise _ProviderError(exc.error or "error") from exc
    except Exception as exc:  # a bad signature or claim, a network error
        log.warning("sign-in through the identity provider failed", exc_info=True)
        raise _ProviderError(type(exc).__name__) from exc
    claims = token.get("userinfo")
    if not claims:  # no ID token, or no nonce kept: nothing validated
        raise _ProviderError("no ID token")
    claims = dict(claims)
    settings = provider.settings
    if settings.groups_claim not in claims and provider.oauth_app.load_server_metadata().get("userinfo_endpoint"):
        extra = provider.oauth_app.userinfo(token=token)
        if extra.get("sub") == claims.get("sub"):
            claims = {**extra, **claims}
    session[ID_TOKEN_KEY] = token.get("id_token")
    return claims


class _ProviderError(Exception):
    pass


@bp.get("/callback")
@public
@writes_on_get
def callback() -> Any:
    """The provider's answer: validate it, find or make the account, sign in or refuse."""
    provider = _provider()
    settings = provider.settings
    try:
        claims = _claims(provider)
    except _ProviderError as exc:
        result = services.refuse(services.Refusal.provider_error, settings, detail=str(exc))
        return render_template("sso/refused.html", result=result, provider_name=settings.display_name), 400
    result = services.sign_in(claims, settings)
    if result.user is None:
        session.pop(ID_TOKEN_KEY, None)
        return render_template("sso/refused.html", result=result, provider_name=settings.display_name), 403
    login_user(result.user)
    return redirect(session.pop(NEXT_KEY, None) or url_for("worklist.index"))


def provider_logout_url() -> str | None:
    """Where logging out sends the browser: the provider's end_session_endpoint, when the user
    signed in there and the provider offers it (RP-initiated logout); None otherwise."""
    provider = current_app.extensions.get(EXTENSION)
    id_token = session.pop(ID_TOKEN_KEY, None)
    if provider is None or not id_token:
        return None
    try:
        metadata = provider.oauth_app.load_server_metadata()
    except Exception:  # the provider is unreachable: the local session still ends
        log.warning("identity provider metadata unavailable at logout", exc_info=True)
        return None
    if not metadata.get("end_session_endpoint"):
        return None
    result = provider.oauth_app.create_logout_url(
        post_logout_redirect_uri=url_for("auth.login", _external=True),
        id_token_hint=id_token,
    )
    return result["url"]
