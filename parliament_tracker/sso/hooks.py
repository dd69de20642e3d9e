"""What sso registers at app creation (``factory.create_app``) with the hooks lower parts offer.

Here, not in the package's ``__init__``: that one stays empty, so importing any module of
sso loads none of what these registrations need."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask

from parliament_tracker.auth.views import register_logout_redirect, register_sign_in_offer
from parliament_tracker.sso import EXTENSION, client
from parliament_tracker.sso.services import ProviderSettings
from parliament_tracker.sso.views import bp, provider_logout_url


def init_app(app: Flask) -> None:
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
    issuer = urlsplit(app.config["OIDC_ISSUER"])
    logout = urlsplit(app.config.get("OIDC_LOGOUT_ORIGIN") or app.config["OIDC_ISSUER"])
    origins = sorted({f"{issuer.scheme}://{issuer.netloc}", f"{logout.scheme}://{logout.netloc}"})

    @app.after_request
    def provider_in_form_action(response: Any) -> Any:
        policy = response.headers.get("Content-Security-Policy")
        if policy and "form-action 'self'" in policy:
            response.headers["Content-Security-Policy"] = policy.replace("form-action 'self'", "form-action 'self' " + " ".join(origins))
        return response
