"""Sign-in with the organisation's identity provider (OpenID Connect, Authlib).

Off unless ``OIDC_ISSUER`` is set. Then ``init_app`` registers the provider's client (nothing
is fetched yet: the discovery document is read at the first sign-in and kept for the process's
life), the ``/sso/...`` pages, the login page's "Log in with <name>" offer and the logout hook
that ends the session at the provider too (RP-initiated logout, when it offers that).
"""

from __future__ import annotations

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
