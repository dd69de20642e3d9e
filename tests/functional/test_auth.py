import pytest

from parliament_tracker.auth.models import User
from tests.conftest import PASSWORD, Browser, csrf_token


def test_login_page_and_logout(client, users):
    browser = Browser(client)
    page = client.get("/login")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text
    assert browser.login("drafter").status_code == 302
    assert client.get("/cases").status_code == 200
    token = csrf_token(client, "/cases")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/cases").status_code == 302


def test_wrong_password_is_refused_with_message(client, users):
    response = Browser(client).login("drafter", "wrong-password")
    assert response.status_code == 401
    assert client.get("/cases").status_code == 302


def test_lockout_after_repeated_failures(client, users, db):
    browser = Browser(client)
    for _ in range(3):  # LOGIN_MAX_FAILURES is 3 in the test app
        assert browser.login("drafter", "nope-nope-nope").status_code == 401
    # Now even the right password is refused until the lock expires.
    assert browser.login("drafter", PASSWORD).status_code == 401
    user = db.session.scalar(db.select(User).where(User.username == "drafter"))
    assert user.locked_until is not None


def test_post_without_csrf_token_is_refused(client, users):
    """Refused, not logged in: the user is sent back to the form (what was typed is kept, see
    test_kept_forms; the password never is)."""
    response = client.post("/login", data={"username": "drafter", "password": PASSWORD})
    assert response.status_code == 303 and "/login" in response.headers["Location"]
    assert client.get("/cases").status_code == 302


def test_open_redirect_is_not_followed(client, users):
    token = csrf_token(client)
    response = client.post(
        "/login?next=https://evil.example/x", data={"username": "drafter", "password": PASSWORD, "csrf_token": token}
    )
    assert response.headers["Location"].endswith("/me/worklist")  # not the other site: the worklist


def test_security_headers(client):
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_session_cookie_is_httponly(client, users):
    Browser(client).login("drafter")
    cookie = client.get_cookie("session", domain="tracker.test")
    assert cookie is not None and cookie.http_only


@pytest.mark.parametrize(("code", "expected"), [("en", "Cases"), ("nl", "Zaken")])
def test_language_switch(login, code, expected):
    browser = login("drafter")
    browser.post(f"/language/{code}", {"next": "/cases"}, token_from="/cases")
    assert f"<h1>{expected}</h1>" in browser.get("/cases").text


def test_dutch_is_the_default(login):
    page = login("drafter").get("/cases", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="nl">' in page.text
    assert "<h1>Zaken</h1>" in page.text


def test_account_token_create_and_revoke(login, client, db):
    browser = login("drafter")
    page = browser.post("/account/tokens", token_from="/account")
    assert page.status_code == 200
    import re

    token = re.search(r'<code class="token">([^<]+)</code>', page.text).group(1)
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    from parliament_tracker.auth.models import ApiToken

    row = db.session.scalar(db.select(ApiToken))
    assert token not in (row.token_hash, row.prefix)
    browser.post(f"/account/tokens/{row.id}/revoke", token_from="/account")
    assert client.get("/api/v1/cases", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_a_disabled_users_token_is_refused(client, db, users, api_token):
    headers = api_token("viewer")
    assert client.get("/api/v1/cases", headers=headers).status_code == 200
    from parliament_tracker.auth.models import User

    db.session.get(User, users["viewer"].id).is_enabled = False
    db.session.commit()
    assert client.get("/api/v1/cases", headers=headers).status_code == 401
    assert client.get("/api/v1/cases", headers={"Authorization": headers["Authorization"] + "x"}).status_code == 401


def test_a_token_of_another_user_cannot_be_revoked(login, client, db, users, api_token):
    from parliament_tracker.auth.models import ApiToken

    headers = api_token("viewer")
    row = db.session.scalar(db.select(ApiToken).where(ApiToken.user_id == users["viewer"].id))
    refused = login("drafter").post(f"/account/tokens/{row.id}/revoke", token_from="/account")
    assert refused.status_code == 404
    assert client.get("/api/v1/cases", headers=headers).status_code == 200


def test_change_password(login, client):
    browser = login("drafter")
    bad = browser.post("/account", {"current_password": "wrong", "new_password": "another-password-1"}, token_from="/account")
    assert bad.status_code == 200 and "new_password" in bad.text
    ok = browser.post("/account", {"current_password": PASSWORD, "new_password": "another-password-1"}, token_from="/account")
    assert ok.status_code == 302
    browser.post("/logout", token_from="/cases")
    assert Browser(client).login("drafter", "another-password-1").status_code == 302


def test_a_short_new_password_is_refused_with_the_minimum(login):
    from parliament_tracker.auth.services import MIN_PASSWORD_LENGTH

    browser = login("drafter")
    short = browser.post("/account", {"current_password": PASSWORD, "new_password": "x" * (MIN_PASSWORD_LENGTH - 1)}, token_from="/account")
    assert short.status_code == 200 and f"Het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens lang zijn." in short.text
