"""Walk every route in the URL map, for anonymous users and every role."""

import pytest

from parliament_tracker.auth.permissions import PERMISSION_ATTR
from parliament_tracker.auth.roles import PERMISSIONS, Role

#: sample values for URL parameters
SAMPLES = {"reference": "2021Z19601", "export_id": "1", "hold_id": "1", "list_id": "1", "kind": "users", "obj_id": "1", "code": "nl", "token_id": "1", "attachment_id": "1", "filename": "app.css", "event_id": "1", "deadline_id": "1", "day_id": "1", "feed_id": "1", "token": "not-a-token", "notification_id": "1", "letter_id": "1", "number": "1", "template_id": "1", "item_id": "1", "contribution_id": "1", "line_id": "1"}


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        view = app.view_functions[rule.endpoint]
        url = rule.build({k: SAMPLES[k] for k in rule.arguments}, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, method, url, view


def test_every_route_declares_its_permission(app):
    missing = [endpoint for endpoint, _m, _u, view in _routes(app) if not hasattr(view, PERMISSION_ATTR)]
    assert missing == []
    unknown = [getattr(v, PERMISSION_ATTR) for _e, _m, _u, v in _routes(app) if getattr(v, PERMISSION_ATTR) not in (None, *PERMISSIONS)]
    assert unknown == []


def test_anonymous_gets_login_or_401(app, client, seed_case):
    for endpoint, method, url, view in _routes(app):
        permission = getattr(view, PERMISSION_ATTR)
        response = client.open(url, method=method)
        response.get_data()  # a streamed body (exports) runs to its end, inside its own request context
        if permission is None:
            # /health answers 503 by design here (no scheduler, a database made without Alembic)
            assert response.status_code < 500 or endpoint.startswith("operations.health"), (endpoint, response.status_code)
        elif url.startswith("/api/"):
            assert response.status_code == 401, (endpoint, method)
        elif method == "GET":
            assert response.status_code == 302 and "/login" in response.headers["Location"], (endpoint, response.status_code)
        else:
            # Forms without a CSRF token are refused before anything else.
            assert response.status_code in (302, 400), (endpoint, method, response.status_code)


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_every_route_for_every_role(app, client, seed_case, users, api_token, role):
    from tests.conftest import Browser

    browser = Browser(client)
    assert browser.login(users[role].username).status_code == 302
    headers = api_token(role)
    # API routes first: the web loop below revokes token 1 through /account/tokens/1/revoke.
    for endpoint, method, url, view in sorted(_routes(app), key=lambda r: not r[2].startswith("/api/")):
        permission = getattr(view, PERMISSION_ATTR)
        allowed = permission is None or Role(role) in PERMISSIONS[permission]
        if endpoint in ("auth.logout",):
            continue
        if url.startswith("/api/"):
            response = client.open(url, method=method, headers=headers, json={} if method in ("POST", "PATCH") else None)
        elif method == "GET":
            response = client.get(url)
        else:
            response = browser.post(url, {}, token_from="/account")
        response.get_data()  # a streamed body (exports) runs to its end, inside its own request context
        assert response.status_code < 500 or endpoint.startswith("operations.health"), (role, endpoint, method, response.status_code)
        if allowed:
            assert response.status_code != 403, (role, endpoint, method)
        else:
            assert response.status_code == 403, (role, endpoint, method, response.status_code)
