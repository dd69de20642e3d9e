"""Sign-in with the organisation's identity provider (OpenID Connect, Authlib).

Off unless ``OIDC_ISSUER`` is set. Then ``init_app`` registers the provider's client (nothing
is fetched yet: the discovery document is read at the first sign-in and kept for the process's
life), the ``/sso/...`` pages, the login page's "Log in with <name>" offer and the logout hook
that ends the session at the provider too (RP-initiated logout, when it offers that).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

#: app.extensions key of the registered provider client and its settings
EXTENSION = "parliament_tracker.sso"


def init_app(app: Flask) -> None:
    from parliament_tracker.auth.views import register_logout_redirect, register_sign_in_offer
    from parliament_tracker.sso import client
    from parliament_tracker.sso.services import ProviderSettings
    from parliament_tracker.sso.views import bp, provider_logout_url

    app.register_blueprint(bp)
    if not app.config.get("OIDC_ISSUER"):
        return
    settings = ProviderSettings.from_config(app.config)
    app.extensions[EXTENSION] = client.Provider(settings=settings, oauth_app=client.register(app))
    register_sign_in_offer(app, settings.display_name, "sso.login")
    register_logout_redirect(app, provider_logout_url)
    _allow_logout_form_to_provider(app)


def _allow_logout_form_to_provider(app: Flask) -> None:
    """The logout form's answer redirects to the provider's end-session page, and browsers hold
    a form's redirects to the page's CSP ``form-action``: the provider's origin joins 'self'."""
    from urllib.parse import urlsplit

    issuer = urlsplit(app.config["OIDC_ISSUER"])
    logout = urlsplit(app.config.get("OIDC_LOGOUT_ORIGIN") or app.config["OIDC_ISSUER"])
    origins = sorted({f"{issuer.scheme}://{issuer.netloc}", f"{logout.scheme}://{logout.netloc}"})

    @app.after_request
    def provider_in_form_action(response: Any) -> Any:
        policy = response.headers.get("Content-Security-Policy")
        if policy and "form-action 'self'" in policy:
            response.headers["Content-Security-Policy"] = policy.replace("form-action 'self'", "form-action 'self' " + " ".join(origins))
        return response
