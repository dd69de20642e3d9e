"""Signing in with a real OpenID provider (node oidc-provider on 127.0.0.1) in Chromium: the
first sign-in makes the account with the role of its group, a changed group changes the role
at the next sign-in, a user without a mapped group is refused, and logging out ends the
session at the provider too (RP-initiated logout)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.axe import axe_violations
from tests.browser.conftest import AppServer, require_browser, serving_demo
from tests.oidc_provider import missing_provider_reason, running

require_browser()
_reason = missing_provider_reason()
if _reason:
    pytest.skip(f"OpenID Connect browser tests skipped: {_reason}", allow_module_level=True)

pytestmark = pytest.mark.browser

CLIENT_ID = "parliament-tracker"
CLIENT_SECRET = "test-client-secret-0123456789-abcdefghij"
PROVIDER_NAME = "Rijksportaal Test"
MAPPING = {
    "PT-Beheerders": {"role": "admin"},
    "PT-Directeuren-DGMI": {"role": "director", "directorate": "DGMI"},
    "PT-Behandelaars-DGSenB": {"role": "drafter", "directorate": "DGSenB"},
}
ACCOUNTS = {
    "dirk.idp": {"name": "Dirk van der IdP", "email": "dirk.idp@example.org", "preferred_username": "dirk.idp", "groups": ["Alle-Medewerkers", "PT-Directeuren-DGMI"]},
    "vera.idp": {"name": "Vera Zondergroep", "email": "vera.idp@example.org", "preferred_username": "vera.idp", "groups": ["Alle-Medewerkers"]},
}


@dataclass
class Site:
    url: str
    app: Any
    provider: Any
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The app on a real HTTP server and the provider, each knowing the other's address: the
    server's port is taken first, the provider learns the app's callback, the app the issuer."""
    folder = tmp_path_factory.mktemp("oidc-browser")
    server = AppServer()
    client = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uris": [f"{server.url}/sso/callback"],
        "post_logout_redirect_uris": [f"{server.url}/login"],
    }
    with running(folder, [client], ACCOUNTS) as provider, serving_demo(
        folder,
        server,
        SECRET_KEY="oidc-browser-test",
        OIDC_ISSUER=provider.issuer,
        OIDC_CLIENT_ID=CLIENT_ID,
        OIDC_CLIENT_SECRET=CLIENT_SECRET,
        OIDC_SCOPES="openid profile email groups",
        OIDC_DISPLAY_NAME=PROVIDER_NAME,
        OIDC_GROUP_MAPPING=MAPPING,
        LOCAL_PASSWORDS_ENABLED=False,
        BREAK_GLASS_ADMIN="admin",
    ) as live:
        yield Site(url=live.url, app=live.app, provider=provider, errors=live.errors)


@pytest.fixture
def page(site: Site, chromium: Any) -> Iterator[Any]:
    site.errors.clear()
    context = chromium.new_context(base_url=site.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    # the provider's pages ask Google for a font: nothing leaves this machine
    context.route("https://**/*", lambda route: route.abort())
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
    if site.errors:
        pytest.fail("the server raised while the browser used it:\n\n" + "\n\n".join(site.errors), pytrace=False)


def _user(site: Site, username: str) -> Any:
    from parliament_tracker.auth.models import User
    from parliament_tracker.extensions import db

    with site.app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        if user is not None:
            db.session.expunge(user)  # read after the context ends (directorate is joined)
        db.session.remove()
        return user


def _audit(site: Site, action: str) -> list[Any]:
    from parliament_tracker.audit.models import AuditEntry
    from parliament_tracker.extensions import db

    with site.app.app_context():
        rows = [(e.object_type, e.object_id, e.summary, dict(e.details)) for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id))]
        db.session.remove()
        return rows


def _sign_in_at_provider(page: Any, login: str, base: str) -> None:
    """From the app's login page through the provider's login (and consent, the first time)."""
    page.goto("/login")
    page.get_by_role("link", name=f"Inloggen met {PROVIDER_NAME}").click()
    page.wait_for_url(lambda url: "/interaction/" in url)
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "any password: the development login takes any")
    page.click("button[type=submit]")
    page.wait_for_load_state("load")
    if "/interaction/" in page.url:  # consent, asked once per client
        page.click("button[type=submit]")
    page.wait_for_url(lambda url: url.startswith(base + "/") and "/login" not in url)


def _log_out(page: Any) -> None:
    """The app's logout button; the provider asks to confirm its own logout, then sends back."""
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(lambda url: "/session/end" in url)
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(lambda url: url.rstrip("/").endswith("/login") or "/login?" in url)


def test_sign_in_role_from_groups_role_change_and_logout(page: Any, site: Site) -> None:
    login_page = page.goto(f"{site.url}/login")
    assert login_page.status == 200
    assert page.get_by_role("link", name=f"Inloggen met {PROVIDER_NAME}").is_visible()
    assert axe_violations(page) == []

    # first sign-in: the account is made with the group's role and directorate
    _sign_in_at_provider(page, "dirk.idp", site.url)
    assert page.url.startswith(site.url) and "/me/worklist" in page.url, page.url
    assert "Dirk van der IdP" in page.locator("header").inner_text()
    user = _user(site, "dirk.idp")
    assert user is not None and user.role.value == "director" and user.directorate.code == "DGMI"
    assert user.oidc_subject == "dirk.idp" and user.email == "dirk.idp@example.org"
    assert not user.has_local_password
    assert any(summary.startswith("user dirk.idp created at the first sign-in") for _t, _i, summary, _d in _audit(site, "user:created"))
    signed_in = _audit(site, "user:signed_in")
    assert signed_in[-1][3]["group"] == "PT-Directeuren-DGMI"
    # a director's page opens; no password to change here
    assert page.goto(f"{site.url}/dashboard").status == 200
    page.goto(f"{site.url}/account")
    assert "uw wachtwoord beheert u daar" in page.locator("#no-local-password").inner_text()
    # the discovery document was read once, at the first sign-in, and is kept
    from parliament_tracker.sso import EXTENSION

    loaded_at = site.app.extensions[EXTENSION].oauth_app.server_metadata["_loaded_at"]

    # logging out ends the session here and at the provider
    _log_out(page)
    assert "U bent uitgelogd" in page.locator("main").inner_text() or "uitgelogd" in page.content()
    assert page.goto(f"{site.url}/dashboard").url.startswith(f"{site.url}/login")

    # the provider moves Dirk to another group: the next sign-in follows it
    site.provider.set_accounts({**ACCOUNTS, "dirk.idp": {**ACCOUNTS["dirk.idp"], "groups": ["PT-Behandelaars-DGSenB"]}})
    _sign_in_at_provider(page, "dirk.idp", site.url)  # the provider's login form again: its session ended
    user = _user(site, "dirk.idp")
    assert user.role.value == "drafter" and user.directorate.code == "DGSenB"
    assert site.app.extensions[EXTENSION].oauth_app.server_metadata["_loaded_at"] == loaded_at
    changes = _audit(site, "user:role_from_provider")
    assert changes and changes[-1][3]["changes"]["role"] == ["director", "drafter"]
    assert changes[-1][3]["changes"]["directorate"] == ["DGMI", "DGSenB"]
    assert page.goto(f"{site.url}/dashboard").status == 403  # a drafter has no dashboard
    site.provider.set_accounts(ACCOUNTS)


def test_user_without_a_mapped_group_is_refused(page: Any, site: Site) -> None:
    _sign_in_at_provider(page, "vera.idp", site.url)
    assert "/sso/callback" in page.url
    text = page.locator("main").inner_text()
    assert "U kunt niet inloggen" in text and "geen van uw groepen" in text
    assert page.locator("#refusal").get_attribute("data-reason") == "unmapped"
    assert axe_violations(page) == []
    assert _user(site, "vera.idp") is None  # no account, no default role
    refused = _audit(site, "user:sign_in_refused")
    assert refused[-1][0] == "identity_provider" and refused[-1][3]["reason"] == "unmapped"
    assert refused[-1][3]["subject"] == "vera.idp" and refused[-1][3]["groups"] == ["Alle-Medewerkers"]
    # still not signed in
    assert page.goto(f"{site.url}/cases").url.startswith(f"{site.url}/login")


def test_local_passwords_are_off_except_break_glass(page: Any, site: Site) -> None:
    page.goto("/login")
    page.locator("summary").click()
    page.fill("#username", "registrar")
    page.fill("#password", "demo-wachtwoord")
    page.locator("details button[type=submit]").click()
    page.wait_for_load_state("load")
    assert "/login" in page.url
    assert f"Wachtwoorden worden hier niet gebruikt: log in met {PROVIDER_NAME}." in page.locator("main").inner_text()
    assert page.locator("details[open]").count() == 1  # the form stays open with the message
    assert _audit(site, "user:break_glass_login") == []
    page.fill("#username", "admin")
    page.fill("#password", "demo-wachtwoord")
    page.locator("details button[type=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    assert _audit(site, "user:break_glass_login")[-1][2].startswith("break-glass login of admin")


def test_an_answer_without_the_sessions_state_is_refused(page: Any, site: Site) -> None:
    """A callback the browser did not start (forged or replayed: its state is not in the
    session) never signs anyone in."""
    response = page.goto(f"{site.url}/sso/callback?code=forged&state=not-ours")
    assert response.status == 400
    assert page.locator("#refusal").get_attribute("data-reason") == "provider_error"
    assert _audit(site, "user:sign_in_refused")[-1][3]["reason"] == "provider_error"
    assert page.goto(f"{site.url}/cases").url.startswith(f"{site.url}/login")
