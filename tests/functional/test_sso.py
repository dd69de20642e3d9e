"""The rules of signing in with the identity provider (sso.services), on validated claims.
The whole flow against a real provider is in tests/browser/test_oidc_browser.py."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.sso.services import ProviderSettings, Refusal, sign_in

CONFIG = {
    "OIDC_DISPLAY_NAME": "Rijksportaal",
    "OIDC_GROUP_MAPPING": {
        "PT-Beheerders": {"role": "admin"},
        "PT-Directeuren-DGMI": {"role": "director", "directorate": "DGMI"},
        "PT-Behandelaars-DGMI": {"role": "drafter", "directorate": "DGMI"},
        "PT-Directeuren-XYZ": {"role": "director", "directorate": "XYZ"},
    },
    "BREAK_GLASS_ADMIN": "admin",
}


@pytest.fixture
def settings() -> ProviderSettings:
    return ProviderSettings.from_config(CONFIG)


@pytest.fixture
def ctx(app: Any, db: Any) -> Any:
    with app.app_context():
        if db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI")) is None:
            db.session.add(Directorate(code="DGMI", name="DG Migratie"))
            db.session.flush()
        yield db


def claims(sub: str, *groups: str, **extra: Any) -> dict[str, Any]:
    return {"sub": sub, "preferred_username": sub, "name": f"Name {sub}", "email": f"{sub}@example.org", "groups": list(groups), **extra}


def actions(db: Any) -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_mapping_needs_known_roles() -> None:
    with pytest.raises(ValueError, match="unknown role 'boss'"):
        ProviderSettings.from_config({"OIDC_GROUP_MAPPING": {"G": {"role": "boss"}}})
    with pytest.raises(ValueError, match="needs a role"):
        ProviderSettings.from_config({"OIDC_GROUP_MAPPING": {"G": "director"}})


def test_first_sign_in_creates_the_user_from_the_first_mapped_group(ctx: Any, settings: ProviderSettings) -> None:
    # both groups map; the mapping's order decides (director is listed before drafter)
    result = sign_in(claims("k.jansen", "PT-Behandelaars-DGMI", "PT-Directeuren-DGMI", "Iedereen"), settings)
    user = result.user
    assert result.refused is None and user is not None
    assert (user.username, user.role, user.directorate.code) == ("k.jansen", Role.director, "DGMI")
    assert user.oidc_subject == "k.jansen" and user.email == "k.jansen@example.org" and user.display_name == "Name k.jansen"
    assert not user.has_local_password and user.last_login_at is not None
    assert actions(ctx)[-2:] == ["user:created", "user:signed_in"]


def test_groups_are_followed_at_every_sign_in(ctx: Any, settings: ProviderSettings) -> None:
    user = sign_in(claims("k.jansen", "PT-Directeuren-DGMI"), settings).user
    generation = user.session_generation
    again = sign_in(claims("k.jansen", "PT-Beheerders"), settings).user
    assert again.id == user.id and again.role == Role.admin and again.directorate is None
    assert again.session_generation == generation + 1  # other sessions with the old role end
    change = ctx.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user:role_from_provider"))
    assert change.details["changes"] == {"role": ["director", "admin"], "directorate": ["DGMI", None]}
    # nothing changed: no role entry, sessions kept
    sign_in(claims("k.jansen", "PT-Beheerders"), settings)
    assert actions(ctx).count("user:role_from_provider") == 1
    assert again.session_generation == generation + 1


def test_a_user_without_a_mapped_group_is_refused_and_recorded(ctx: Any, settings: ProviderSettings) -> None:
    result = sign_in(claims("p.smit", "Iedereen"), settings)
    assert result.user is None and result.refused == Refusal.unmapped
    assert ctx.session.scalar(sa.select(User).where(User.username == "p.smit")) is None
    entry = ctx.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "user:sign_in_refused"))
    assert entry.object_type == "identity_provider" and entry.details["groups"] == ["Iedereen"]
    # a known user who lost every group is refused too, recorded on the account
    user = sign_in(claims("k.jansen", "PT-Directeuren-DGMI"), settings).user
    refused = sign_in(claims("k.jansen"), settings)
    assert refused.refused == Refusal.unmapped
    entries = ctx.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "user:sign_in_refused").order_by(AuditEntry.id)).all()
    assert (entries[-1].object_type, entries[-1].object_id) == ("user", user.id)


def test_refusals_disabled_unknown_directorate_name_taken(ctx: Any, settings: ProviderSettings, make_user: Any) -> None:
    user = sign_in(claims("k.jansen", "PT-Directeuren-DGMI"), settings).user
    user.is_enabled = False
    assert sign_in(claims("k.jansen", "PT-Directeuren-DGMI"), settings).refused == Refusal.disabled
    result = sign_in(claims("n.nieuw", "PT-Directeuren-XYZ"), settings)
    assert (result.refused, result.detail) == (Refusal.unknown_directorate, "XYZ")
    # the break-glass account is never taken over by the provider
    make_user("admin", "admin")
    taken = sign_in(claims("other-subject", "PT-Beheerders", preferred_username="admin"), settings)
    assert (taken.refused, taken.detail) == (Refusal.username_taken, "admin")
    assert sign_in({"groups": ["PT-Beheerders"]}, settings).refused == Refusal.no_subject


def test_a_local_account_is_linked_at_its_first_sign_in(ctx: Any, settings: ProviderSettings, make_user: Any) -> None:
    local = make_user("drafter", "d.local")
    result = sign_in(claims("sub-123", "PT-Behandelaars-DGMI", preferred_username="D.Local"), settings)
    assert result.user is not None and result.user.id == local.id and result.user.oidc_subject == "sub-123"
    assert "user:linked_to_provider" in actions(ctx)
    # another subject claiming the same name later is refused
    assert sign_in(claims("sub-999", "PT-Behandelaars-DGMI", preferred_username="d.local"), settings).refused == Refusal.username_taken
    no_link = ProviderSettings.from_config({**CONFIG, "OIDC_LINK_LOCAL_ACCOUNTS": False})
    make_user("viewer", "v.local")
    assert sign_in(claims("sub-456", "PT-Beheerders", preferred_username="v.local"), no_link).refused == Refusal.username_taken


def test_local_passwords_off_except_the_break_glass_admin(app: Any, client: Any, users: Any) -> None:
    from tests.conftest import Browser

    saved = {k: app.config[k] for k in ("LOCAL_PASSWORDS_ENABLED", "BREAK_GLASS_ADMIN")}
    app.config.update(LOCAL_PASSWORDS_ENABLED=False, BREAK_GLASS_ADMIN="admin")
    try:
        browser = Browser(client)
        refused = browser.login(users["registrar"].username)
        assert refused.status_code == 401
        assert browser.login(users["admin"].username).status_code == 302
    finally:
        app.config.update(saved)
