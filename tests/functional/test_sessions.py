"""Sessions end on the server (issue 20), and the login throttle treats names and addresses alike."""

import time

import pytest
import time_machine

from parliament_tracker.auth.models import LoginThrottle, User
from tests.conftest import PASSWORD, Browser, csrf_token


def _copy_of_session(app, client):
    """A second browser holding a copy of the first one's session cookie."""
    stolen = app.test_client()
    stolen.set_cookie("session", client.get_cookie("session", domain="tracker.test").value, domain="tracker.test")
    return stolen


def _logged_in(client) -> bool:
    return client.get("/cases").status_code == 200


def test_a_cookie_copied_before_logout_no_longer_works(app, client, users):
    assert Browser(client).login("drafter").status_code == 302
    stolen = _copy_of_session(app, client)
    assert _logged_in(stolen)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/cases")})
    assert not _logged_in(client)
    assert not _logged_in(stolen)


def test_a_password_change_ends_other_sessions_but_keeps_this_one(app, client, users):
    browser = Browser(client)
    browser.login("drafter")
    stolen = _copy_of_session(app, client)
    response = browser.post(
        "/account", {"current_password": PASSWORD, "new_password": "another-long-password", "confirm": "another-long-password"}
    )
    assert response.status_code == 302, response.text
    assert _logged_in(client)
    assert not _logged_in(stolen)


@pytest.mark.parametrize("change", ["role", "disable", "everywhere", "password"])
def test_admin_changes_end_every_session_of_the_user(app, client, users, db, change):
    victim = app.test_client()
    Browser(victim).login("drafter")
    assert _logged_in(victim)
    admin = Browser(client)
    admin.login("admin")
    drafter = users["drafter"]
    if change == "everywhere":
        response = admin.post(f"/admin/users/{drafter.id}/end-sessions", token_from=f"/admin/users/{drafter.id}")
    else:
        form = {
            "username": "drafter",
            "display_name": "Test drafter",
            "email": "",
            "role": "viewer" if change == "role" else "drafter",
            "directorate": "",
            "password": "a-new-password-1" if change == "password" else "",
        }
        if change != "disable":
            form["is_enabled"] = "y"
        response = admin.post(f"/admin/users/{drafter.id}", form, token_from=f"/admin/users/{drafter.id}")
    assert response.status_code == 302, response.text
    assert not _logged_in(victim)
    assert _logged_in(client)  # the admin's own session is untouched


def test_an_edit_that_changes_nothing_sensitive_keeps_sessions(app, client, users):
    victim = app.test_client()
    Browser(victim).login("drafter")
    admin = Browser(client)
    admin.login("admin")
    drafter = users["drafter"]
    form = {"username": "drafter", "display_name": "Renamed", "email": "", "role": "drafter", "directorate": "", "password": "", "is_enabled": "y"}
    assert admin.post(f"/admin/users/{drafter.id}", form, token_from=f"/admin/users/{drafter.id}").status_code == 302
    assert _logged_in(victim)


def test_an_old_style_session_id_is_refused(app, client, users):
    """Cookies from before session generations carried the bare id."""
    with client.session_transaction() as session:
        session["_user_id"] = str(users["drafter"].id)
        session["_fresh"] = True
    assert not _logged_in(client)


# -- the login throttle --------------------------------------------------------------------


def _flash(response) -> str:
    import re

    return " ".join(re.findall(r'class="flash[^"]*"[^>]*>(.*?)<', response.text, re.S))


def test_unknown_and_known_names_get_the_same_answers(app, db, users):
    """Known and unknown names: same status, same message, failure after failure, and the
    password hash is checked for both (the time is that of one Argon2 verification)."""
    known, unknown = app.test_client(), app.test_client()
    for attempt in range(4):  # LOGIN_MAX_FAILURES is 3 in the test app: the fourth is throttled
        a = Browser(known).login("drafter", "wrong-password")
        b = Browser(unknown).login("nobody-here", "wrong-password")
        assert a.status_code == b.status_code == 401
        message_a = _flash(a).replace("drafter", "X")
        assert message_a == _flash(b), attempt
    assert "minute" in _flash(a) or "minuut" in _flash(a) or "minuten" in _flash(a)


def test_unknown_name_costs_a_password_check(app, db, users, monkeypatch):
    from parliament_tracker.auth import services

    checked = []
    real = services._hasher

    class Counting:
        def verify(self, h, p):
            checked.append(h)
            return real.verify(h, p)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(services, "_hasher", Counting())
    with app.test_request_context():
        services.authenticate("nobody-here", "whatever-password")
    assert len(checked) == 1 and checked[0].startswith("$argon2")


def test_the_dummy_hash_is_made_lazily():
    """Importing the module hashes nothing (a production-cost hash at import slowed every start)."""
    import subprocess
    import sys

    code = "import parliament_tracker.auth.services as s; print(s._dummy_hashes)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True).stdout
    assert out.strip() == "{}"


def test_lockout_message_says_how_long(client, users):
    browser = Browser(client)
    for _ in range(3):
        browser.login("drafter", "nope-nope-nope")
    response = browser.login("drafter", PASSWORD)
    assert response.status_code == 401
    assert "1 minuut" in _flash(response) or "1 minute" in _flash(response)


def _blocked_until(db):
    return db.session.scalar(
        db.select(LoginThrottle.blocked_until).where(LoginThrottle.scope == "account", LoginThrottle.key == "drafter")
    )


def test_the_delay_grows_and_expires(app, client, db, users):
    browser = Browser(client)
    start = time.time()
    with time_machine.travel(start, tick=False):
        for _ in range(3):
            browser.login("drafter", "nope-nope-nope")
        first = _blocked_until(db)
    with time_machine.travel(start + 31, tick=False):  # LOGIN_DELAY_SECONDS is 30
        assert browser.login("drafter", "still-wrong-pw").status_code == 401
        second = _blocked_until(db)
        assert (second - first).total_seconds() > 31  # the next wait is longer (60 s)
    with time_machine.travel(start + 31 + 61, tick=False):
        assert browser.login("drafter", PASSWORD).status_code == 302


def test_a_stranger_cannot_lock_the_owner_out_of_a_known_device(app, client, db, users):
    owner = Browser(client)
    assert owner.login("admin").status_code == 302
    client.post("/logout", data={"csrf_token": csrf_token(client, "/cases")})
    stranger = app.test_client()
    for _ in range(5):
        stranger.post("/login", data={"username": "admin", "password": "guess-guess", "csrf_token": csrf_token(stranger)},
                      environ_base={"REMOTE_ADDR": "203.0.113.9"})
    # The stranger is held back, even with the right password from their browser …
    response = stranger.post("/login", data={"username": "admin", "password": PASSWORD, "csrf_token": csrf_token(stranger)},
                             environ_base={"REMOTE_ADDR": "203.0.113.9"})
    assert response.status_code == 401
    # … the owner's browser, which logged in before, is not.
    assert owner.login("admin").status_code == 302


def test_one_address_is_throttled_across_names(app, client, db, users):
    app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 4
    try:
        for i in range(4):
            Browser(client).login(f"name-{i}", "wrong-password")
        assert Browser(client).login("drafter", PASSWORD).status_code == 401
        other = app.test_client()
        response = other.post("/login", data={"username": "drafter", "password": PASSWORD, "csrf_token": csrf_token(other)},
                              environ_base={"REMOTE_ADDR": "198.51.100.7"})
        assert response.status_code == 302
    finally:
        app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"] = 20


def test_disabled_user_answers_like_an_unknown_one(app, db, users):
    drafter = db.session.get(User, users["drafter"].id)
    drafter.is_enabled = False
    db.session.commit()
    a = Browser(app.test_client()).login("drafter", PASSWORD)
    b = Browser(app.test_client()).login("nobody-here", PASSWORD)
    assert a.status_code == b.status_code == 401
    assert _flash(a) == _flash(b)
