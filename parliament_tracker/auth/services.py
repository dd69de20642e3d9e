"""Account verbs: create users, check passwords with lock-out, issue and check API tokens."""

from __future__ import annotations

import contextlib
import datetime as dt
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import ApiToken, User, hash_token
from parliament_tracker.auth.roles import Role
from parliament_tracker.db import now_utc
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate

_hasher = PasswordHasher()
#: verified against when the user does not exist, so timing does not reveal user names
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 10


class AccountError(DomainError):
    """A refused account change (e.g. a password too short)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")


def find_user(username: str) -> User | None:
    return db.session.scalar(db.select(User).where(User.username == username.strip().lower()))


def create_user(
    username: str,
    password: str,
    role: Role,
    *,
    display_name: str | None = None,
    email: str | None = None,
    directorate: Directorate | None = None,
    actor: User | None = None,
) -> User:
    username = username.strip().lower()
    if not username:
        raise AccountError("A user name is required.")
    if find_user(username):
        raise AccountError(f"The user name {username!r} is taken.")
    _check_password(password)
    user = User(
        username=username,
        display_name=display_name or username,
        email=email,
        password_hash=hash_password(password),
        role=role,
        directorate=directorate,
    )
    db.session.add(user)
    db.session.flush()
    record("user:created", user, f"user {username} created with role {role.value}", actor=actor, role=role)
    return user


def set_password(user: User, password: str, *, actor: User | None = None) -> None:
    _check_password(password)
    user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    record("user:password_set", user, f"password of {user.username} changed", actor=actor)


class LoginResult:
    def __init__(self, user: User | None, locked: bool = False) -> None:
        self.user = user
        self.locked = locked


def authenticate(username: str, password: str) -> LoginResult:
    """Check a password. Failures count towards a temporary lock-out of the account."""
    user = find_user(username)
    if user is None or not user.is_enabled:
        with contextlib.suppress(VerificationError):
            _hasher.verify(_DUMMY_HASH, password)
        return LoginResult(None)
    now = now_utc()
    if user.locked_until and user.locked_until > now:
        return LoginResult(None, locked=True)
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        user.failed_logins += 1
        if user.failed_logins >= current_app.config["LOGIN_MAX_FAILURES"]:
            user.locked_until = now + dt.timedelta(seconds=current_app.config["LOGIN_LOCKOUT_SECONDS"])
            user.failed_logins = 0
            record("user:locked", user, f"user {user.username} locked after repeated failed logins", actor=user)
            return LoginResult(None, locked=True)
        return LoginResult(None)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    return LoginResult(user)


def issue_token(user: User, *, actor: User | None = None) -> str:
    """A new API token; returned once, stored only as its hash."""
    token = "pt_" + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=hash_token(token), prefix=token[:10])
    db.session.add(row)
    db.session.flush()
    record("user:token_issued", user, f"API token {row.prefix}… issued to {user.username}", actor=actor)
    return token


def user_for_token(token: str) -> User | None:
    row = db.session.scalar(
        db.select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None))
    )
    if row is None or not row.user.is_enabled:
        return None
    return row.user
