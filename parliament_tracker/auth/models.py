"""User accounts and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from parliament_tracker.auth.roles import Role
from parliament_tracker.db import Base, created_at_now, enum_column, intpk

if TYPE_CHECKING:
    from parliament_tracker.organisation.models import Directorate


#: the password hash of an account made by the identity provider: matches no password
NO_PASSWORD = "!no-local-password"


class User(UserMixin, Base):
    __tablename__ = "users"

    id: Mapped[intpk]
    #: login name, lower-case
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    #: Argon2id hash
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = enum_column(Role)
    directorate_id: Mapped[int | None] = mapped_column(sa.ForeignKey("directorates.id"))
    directorate: Mapped[Directorate | None] = relationship(lazy="joined")
    is_enabled: Mapped[bool] = mapped_column(default=True)
    #: preferred UI language, None = browser default
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]
    #: raised to end every session of the user (logout, password, role, disabling, "log out
    #: everywhere"): a session cookie names the generation it was issued for (``get_id``)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    #: the identity provider's subject ("sub") of this account, when it signs in with OpenID
    #: Connect (parliament_tracker.sso); None for local accounts
    #: unique through a unique index (migration 0013_oidc adds it in place, no table rebuild)
    oidc_subject: Mapped[str | None] = mapped_column(sa.String(255), unique=True, index=True)
    created_at: Mapped[created_at_now]

    def get_id(self) -> str:
        """Flask-Login's alternative id: "<id>:<generation>", so a copied cookie dies with its generation."""
        return f"{self.id}:{self.session_generation}"

    @property
    def is_active(self) -> bool:  # Flask-Login: disabled accounts cannot log in
        return self.is_enabled

    @property
    def has_local_password(self) -> bool:
        """False for accounts made by the identity provider (their hash is a marker, never valid)."""
        return not self.password_hash.startswith(NO_PASSWORD)

    def can(self, permission: str) -> bool:
        from parliament_tracker.auth.roles import has_permission

        return has_permission(self.role, permission)


class LoginThrottle(Base):
    """Failed logins per account name (known or not, so both answer alike) and per client address."""

    __tablename__ = "login_throttles"

    #: "account" or "address"
    scope: Mapped[str] = mapped_column(sa.String(16), primary_key=True)
    #: the lower-cased user name, or the client's IP address
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    blocked_until: Mapped[dt.datetime | None]
    updated_at: Mapped[dt.datetime] = mapped_column()


def hash_token(token: str) -> str:
    """API tokens are random and long, so a plain SHA-256 is enough (and fast per request)."""
    return hashlib.sha256(token.encode()).hexdigest()


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    user: Mapped[User] = relationship(lazy="joined")
    #: SHA-256 of the token; the token itself is shown once and never stored
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: first characters, to tell tokens apart in the UI
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[created_at_now]
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
