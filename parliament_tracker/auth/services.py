"""Account verbs: create users, check passwords with lock-out, issue and check API tokens."""

from __future__ import annotations

import datetime as dt
import functools
import math
import secrets
from typing import TYPE_CHECKING

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import ApiToken, LoginThrottle, User, hash_token
from parliament_tracker.auth.roles import Role
from parliament_tracker.db import now_utc
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db

if TYPE_CHECKING:  # organisation sits above auth in the import order
    from parliament_tracker.organisation.models import Directorate

_hasher = PasswordHasher()
#: per hasher: a hash verified against when the user does not exist, so the time taken does not
#: reveal user names. Made on first use (not at import) with the hasher's own cost.
_dummy_hashes: dict[int, str] = {}

MIN_PASSWORD_LENGTH = 10


class AccountError(DomainError):
    """A refused account change (e.g. a password too short)."""


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def _dummy_hash() -> str:
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash("not-a-real-password")
    return _dummy_hashes[key]


def end_sessions(user: User, *, actor: User | None = None, reason: str = "ended") -> None:
    """End every session of the user: cookies carry the generation they were issued for."""
    user.session_generation = (user.session_generation or 0) + 1
    record("user:sessions_ended", user, f"sessions of {user.username} {reason}", actor=actor, reason=reason)


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
    password_hash: str | None = None,
) -> User:
    """``password_hash``: ``hash_password(password)`` made before, for accounts that share one
    password (the demo's: each hash deliberately takes long, so it is made once)."""
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
        password_hash=password_hash or hash_password(password),
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
    _clear_throttle("account", user.username)
    record("user:password_set", user, f"password of {user.username} changed", actor=actor)
    end_sessions(user, actor=actor, reason="ended by a password change")


class LoginResult:
    def __init__(self, user: User | None, locked: bool = False, retry_after: int = 0) -> None:
        self.user = user
        self.locked = locked
        #: seconds until the next attempt is checked (when ``locked``)
        self.retry_after = retry_after


def _throttle(scope: str, key: str) -> LoginThrottle | None:
    return db.session.get(LoginThrottle, (scope, key[:255]))


def _clear_throttle(scope: str, key: str) -> None:
    row = _throttle(scope, key)
    if row is not None:
        db.session.delete(row)


def _blocked_for(row: LoginThrottle | None, now: dt.datetime) -> int:
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return 0
    return max(1, math.ceil((row.blocked_until - now).total_seconds()))


def _count_failure(scope: str, key: str, allowed: int, now: dt.datetime) -> LoginThrottle:
    """One more failure. Past ``allowed`` failures the next attempt waits, and the wait doubles
    with every further failure up to LOGIN_LOCKOUT_SECONDS: a stranger slows an account down
    but cannot shut it for longer than that (and a known device is not held by it at all)."""
    row = _throttle(scope, key)
    if row is None:
        row = LoginThrottle(scope=scope, key=key[:255], failures=0, updated_at=now)
        db.session.add(row)
    # A quiet day forgets old failures.
    if row.updated_at and now - row.updated_at > dt.timedelta(days=1):
        row.failures = 0
    row.failures += 1
    row.updated_at = now
    if row.failures >= allowed:
        base = current_app.config["LOGIN_DELAY_SECONDS"]
        cap = current_app.config["LOGIN_LOCKOUT_SECONDS"]
        delay = min(cap, base * 2 ** min(row.failures - allowed, 30))
        row.blocked_until = now + dt.timedelta(seconds=delay)
    return row


def authenticate(username: str, password: str, *, address: str | None = None, device_user_id: int | None = None) -> LoginResult:
    """Check a password, throttled per account name and per client address.

    Unknown and disabled accounts go through the same steps as known ones (their failures are
    counted under the name, a password hash is checked), so the answer and its time do not tell
    which names exist. ``device_user_id``: the browser holds a signed cookie from an earlier
    login of this user (a known device); the account's own throttle, which anyone can trigger,
    does not hold it back, so a stranger cannot lock the owner out. The address throttle still does.
    """
    name = username.strip().lower()
    now = now_utc()
    config = current_app.config
    user = find_user(name)
    usable = user is not None and user.is_enabled
    known_device = usable and device_user_id is not None and device_user_id == user.id  # type: ignore[union-attr]
    waits = [_blocked_for(_throttle("address", address), now)] if address else []
    if not known_device:
        waits.append(_blocked_for(_throttle("account", name), now))
    if max(waits, default=0):
        return LoginResult(None, locked=True, retry_after=max(waits))
    try:
        _hasher.verify(user.password_hash if usable else _dummy_hash(), password)  # type: ignore[union-attr]
        valid = usable
    except (VerificationError, InvalidHashError):
        valid = False
    if not valid:
        account = _count_failure("account", name, config["LOGIN_MAX_FAILURES"], now)
        rows = [account]
        if address:
            rows.append(_count_failure("address", address, config["LOGIN_MAX_FAILURES_PER_ADDRESS"], now))
        if usable and user is not None:
            user.failed_logins += 1
            user.locked_until = account.blocked_until
            if account.failures == config["LOGIN_MAX_FAILURES"]:
                record("user:locked", user, f"user {user.username} throttled after repeated failed logins", actor=user)
        wait = max((_blocked_for(r, now) for r in rows), default=0)
        return LoginResult(None, locked=wait > 0, retry_after=wait)
    assert user is not None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    _clear_throttle("account", name)
    return LoginResult(user)


def record_break_glass_login(user: User, *, address: str | None) -> None:
    """Local passwords are off and the break-glass account was used: that is worth an entry."""
    record("user:break_glass_login", user, f"break-glass login of {user.username} with a local password", actor=user, address=address)


def issue_token(user: User, *, actor: User | None = None) -> str:
    """A new API token; returned once, stored only as its hash."""
    token = "pt_" + secrets.token_urlsafe(32)
    row = ApiToken(user=user, token_hash=hash_token(token), prefix=token[:10])
    db.session.add(row)
    db.session.flush()
    record("user:token_issued", user, f"API token {row.prefix}… issued to {user.username}", actor=actor)
    return token


@functools.cache
def _token_statement() -> sa.Select[tuple[User]]:
    """The user of the live token with this hash (bound parameter ``token_hash``): built once,
    not for every API request (building it and finding its cached compiled form anew cost more
    than running it), and loading the user alone, not the token row as well. Built on first use:
    the mappers are complete only once the app is."""
    return (
        sa.select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == sa.bindparam("token_hash", type_=sa.String), ApiToken.revoked_at.is_(None))
    )


def user_for_token(token: str) -> User | None:
    user = db.session.scalar(_token_statement(), {"token_hash": hash_token(token)})
    if user is None or not user.is_enabled:
        return None
    return user
