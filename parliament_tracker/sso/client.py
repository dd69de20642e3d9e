"""The provider's OpenID Connect client (Authlib): authorisation code flow with PKCE (S256),
state and nonce kept in the session, the ID token's signature (the provider's JWKS) and claims
(iss, aud, exp, iat, nonce) validated by Authlib. The discovery document and the JWKS are
fetched once, at the first sign-in, and kept by the client for the process's life."""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Flask

from parliament_tracker.sso.services import ProviderSettings


@dataclasses.dataclass
class Provider:
    settings: ProviderSettings
    oauth_app: Any


def discovery_url(config: Any) -> str:
    return config.get("OIDC_DISCOVERY_URL") or config["OIDC_ISSUER"].rstrip("/") + "/.well-known/openid-configuration"


def register(app: Flask) -> Any:
    from authlib.integrations.flask_client import OAuth

    config = app.config
    oauth = OAuth(app)
    return oauth.register(
        "identity_provider",
        client_id=config["OIDC_CLIENT_ID"],
        client_secret=config.get("OIDC_CLIENT_SECRET") or None,
        server_metadata_url=discovery_url(config),
        client_kwargs={
            "scope": config.get("OIDC_SCOPES") or "openid profile email",
            "code_challenge_method": "S256",
            "timeout": float(config.get("OIDC_TIMEOUT") or 10),
        },
    )
