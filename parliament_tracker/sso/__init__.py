"""Sign-in with the organisation's identity provider (OpenID Connect, Authlib).

Off unless ``OIDC_ISSUER`` is set. Then ``hooks.init_app`` registers the provider's client (nothing
is fetched yet: the discovery document is read at the first sign-in and kept for the process's
life), the ``/sso/...`` pages, the login page's "Log in with <name>" offer and the logout hook
that ends the session at the provider too (RP-initiated logout, when it offers that).
"""

#: app.extensions key of the registered provider client and its settings
EXTENSION = "parliament_tracker.sso"
