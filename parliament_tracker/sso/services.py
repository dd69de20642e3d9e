"""Signing in with the identity provider: who the claims are, what they may do here.

``sign_in`` takes the claims of a validated ID token (and the userinfo endpoint's), finds or
makes the account (just in time), sets its role and directorate from the group mapping on every
sign-in and writes the audit entries: the sign-in, a refusal with its reason, a role or
directorate the provider changed. It never commits (the edge does) and never reads the request.

The group mapping (``OIDC_GROUP_MAPPING``) maps a group (or role) claim value to a role and an
optional directorate code; the first entry of the mapping the user's groups contain decides.
A user without a mapped group is refused, never given a default role.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import NO_PASSWORD, User
from parliament_tracker.auth.roles import Role
from parliament_tracker.auth.services import end_sessions, find_user
from parliament_tracker.db import now_utc
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate


class Refusal(enum.StrEnum):
    unmapped = "unmapped"  # none of the user's groups gives access
    disabled = "disabled"  # the account is disabled here
    unknown_directorate = "unknown_directorate"  # the mapping names a directorate that does not exist
    username_taken = "username_taken"  # another account here has that user name
    no_subject = "no_subject"  # the ID token has no "sub"
    provider_error = "provider_error"  # the provider's answer was an error or could not be validated


@dataclasses.dataclass(frozen=True)
class Access:
    group: str
    role: Role
    directorate: str | None


@dataclasses.dataclass(frozen=True)
class ProviderSettings:
    """The sign-in settings (``OIDC_*``), read once at app creation."""

    display_name: str
    username_claim: str = "preferred_username"
    name_claim: str = "name"
    email_claim: str = "email"
    groups_claim: str = "groups"
    mapping: tuple[Access, ...] = ()
    #: an existing local account with the same user name is linked at its first sign-in
    link_local_accounts: bool = True
    #: never signs in through the provider (the break-glass account stays local)
    break_glass_admin: str = ""

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> ProviderSettings:
        mapping = []
        for group, target in (config.get("OIDC_GROUP_MAPPING") or {}).items():
            if not isinstance(target, Mapping) or "role" not in target:
                raise ValueError(f"OIDC_GROUP_MAPPING[{group!r}] needs a role: {{'role': 'director', 'directorate': 'DGMI'}}")
            try:
                role = Role(target["role"])
            except ValueError:
                raise ValueError(f"OIDC_GROUP_MAPPING[{group!r}]: unknown role {target['role']!r} (one of {', '.join(r.value for r in Role)})") from None
            mapping.append(Access(str(group), role, target.get("directorate") or None))
        return cls(
            display_name=config.get("OIDC_DISPLAY_NAME") or "SSO",
            username_claim=config.get("OIDC_USERNAME_CLAIM") or "preferred_username",
            name_claim=config.get("OIDC_NAME_CLAIM") or "name",
            email_claim=config.get("OIDC_EMAIL_CLAIM") or "email",
            groups_claim=config.get("OIDC_GROUPS_CLAIM") or "groups",
            mapping=tuple(mapping),
            link_local_accounts=bool(config.get("OIDC_LINK_LOCAL_ACCOUNTS", True)),
            break_glass_admin=(config.get("BREAK_GLASS_ADMIN") or "").strip().lower(),
        )


@dataclasses.dataclass
class SignInResult:
    user: User | None
    refused: Refusal | None = None
    #: what the refusal page names (a directorate code, a user name, the provider's error)
    detail: str = ""


class IdentityProvider:
    """What a refusal of someone without an account here is recorded against (the provider)."""

    __tablename__ = "identity_providers"
    id = 0


def groups_of(claims: Mapping[str, Any], settings: ProviderSettings) -> list[str]:
    value = claims.get(settings.groups_claim) or []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def mapped_access(groups: list[str], settings: ProviderSettings) -> Access | None:
    have = set(groups)
    return next((access for access in settings.mapping if access.group in have), None)


def refuse(reason: Refusal, settings: ProviderSettings, *, user: User | None = None, subject: str = "", detail: str = "", groups: list[str] | None = None) -> SignInResult:
    """Record a refused sign-in (against the account when there is one) and answer it."""
    who = user.username if user is not None else (subject or "?")
    record(
        "user:sign_in_refused",
        user if user is not None else IdentityProvider(),
        f"sign-in of {who} through {settings.display_name} refused: {reason.value}",
        actor=user,
        reason=reason.value,
        subject=subject,
        detail=detail,
        groups=groups or [],
    )
    return SignInResult(None, reason, detail)


def _username(claims: Mapping[str, Any], settings: ProviderSettings, subject: str) -> str:
    raw = str(claims.get(settings.username_claim) or claims.get("email") or subject)
    return raw.strip().lower()[:64]


def sign_in(claims: Mapping[str, Any], settings: ProviderSettings) -> SignInResult:
    """The account for a validated ID token's claims, or the refusal (recorded either way)."""
    subject = str(claims.get("sub") or "")
    groups = groups_of(claims, settings)
    if not subject:
        return refuse(Refusal.no_subject, settings, groups=groups)
    user = db.session.scalar(sa.select(User).where(User.oidc_subject == subject))
    username = _username(claims, settings, subject)
    if user is None:
        existing = find_user(username)
        if existing is not None:
            if existing.oidc_subject is None and settings.link_local_accounts and existing.username != settings.break_glass_admin:
                user = existing
                user.oidc_subject = subject
                record("user:linked_to_provider", user, f"user {user.username} linked to {settings.display_name}", actor=user, subject=subject)
            else:
                return refuse(Refusal.username_taken, settings, subject=subject, detail=username, groups=groups)
    access = mapped_access(groups, settings)
    if access is None:
        return refuse(Refusal.unmapped, settings, user=user, subject=subject, groups=groups)
    directorate = None
    if access.directorate:
        directorate = db.session.scalar(sa.select(Directorate).where(Directorate.code == access.directorate))
        if directorate is None:
            return refuse(Refusal.unknown_directorate, settings, user=user, subject=subject, detail=access.directorate, groups=groups)
    name = str(claims.get(settings.name_claim) or username)[:200]
    email = claims.get(settings.email_claim) or None
    if user is None:
        user = _create(username, name, email, subject, access, directorate, settings)
    else:
        if not user.is_enabled:
            return refuse(Refusal.disabled, settings, user=user, subject=subject, groups=groups)
        _follow_provider(user, access, directorate, settings)
        user.display_name = name
        if email:
            user.email = str(email)[:254]
    user.last_login_at = now_utc()
    record(
        "user:signed_in",
        user,
        f"{user.username} signed in through {settings.display_name}",
        actor=user,
        role=user.role,
        directorate=access.directorate,
        group=access.group,
    )
    return SignInResult(user)


def _create(
    username: str, name: str, email: Any, subject: str, access: Access, directorate: Directorate | None, settings: ProviderSettings
) -> User:
    """The account made at a user's first sign-in through the provider (no password), recorded."""
    user = User(
        username=username,
        display_name=name,
        email=str(email)[:254] if email else None,
        password_hash=NO_PASSWORD,
        role=access.role,
        directorate=directorate,
        oidc_subject=subject,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user:created",
        user,
        f"user {username} created at the first sign-in through {settings.display_name} with role {access.role.value}",
        actor=user,
        role=access.role,
        directorate=access.directorate,
        group=access.group,
    )
    return user


def _follow_provider(user: User, access: Access, directorate: Directorate | None, settings: ProviderSettings) -> None:
    """Role and directorate as the provider's groups say; a change is recorded and ends the
    user's other sessions (like an administrator's change of role)."""
    changes: dict[str, tuple[Any, Any]] = {}
    if user.role != access.role:
        changes["role"] = (user.role, access.role)
    old_code = user.directorate.code if user.directorate is not None else None
    new_code = directorate.code if directorate is not None else None
    if old_code != new_code:
        changes["directorate"] = (old_code, new_code)
    if not changes:
        return
    user.role = access.role
    user.directorate = directorate
    record(
        "user:role_from_provider",
        user,
        f"role of {user.username} set by {settings.display_name} (group {access.group}): "
        + ", ".join(f"{field} {old} → {new}" for field, (old, new) in changes.items()),
        actor=user,
        changes=changes,
        group=access.group,
    )
    end_sessions(user, actor=user, reason="ended by a role change at the identity provider")
