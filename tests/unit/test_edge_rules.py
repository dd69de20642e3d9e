"""Rules of the edge, read from the source: who may commit or roll back, and which modules may
read the request. Each test names the offending lines when it fails."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[2] / "parliament_tracker"

#: the only places that end a transaction: the edge, the scheduler's own run records and locks,
#: and the mail sender's claim loop (claims must be visible to other senders before sending)
MAY_COMMIT = {"edge.py", "scheduler.py", "notifications/delivery.py"}

#: the web layer: modules that handle requests and may read the request, ``g``, the session and
#: the logged-in user. Every other module is a service, a rule or a model: it gets what it needs
#: (the actor, the rule context) as arguments. Request guards and the response policy are web layer,
#: and so are the request hooks of ``operations`` (the request id and its log line, the per-request
#: metrics and the ``/metrics`` access check): middleware around every request, not services.
WEB_LAYER = re.compile(
    r"(^|/)(views|[a-z_]+_views|api|[a-z_]+_api)\.py$"
    r"|^(edge|web|i18n|cli|input_guard|response_policy|kept_forms|operations/request_log|operations/metrics)\.py$"
)

REQUEST_NAMES = {"flask": {"request", "g", "session"}, "flask_login": {"current_user"}}

ENDS_TRANSACTION = re.compile(r"\bsession\.(commit|rollback)\(")


def _modules() -> list[pathlib.Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "translations" not in p.parts)


def _name(path: pathlib.Path) -> str:
    return path.relative_to(PACKAGE).as_posix()


def test_only_the_edge_commits_or_rolls_back():
    found = [
        f"{_name(path)}:{number}: {line.strip()}"
        for path in _modules()
        if _name(path) not in MAY_COMMIT
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if ENDS_TRANSACTION.search(line)
    ]
    assert not found, "commit/rollback outside the edge:\n" + "\n".join(found)


def _request_imports(path: pathlib.Path) -> list[str]:
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in REQUEST_NAMES:
            names = {alias.name for alias in node.names} & REQUEST_NAMES[node.module]
            found += [f"{_name(path)}:{node.lineno}: from {node.module} import {n}" for n in sorted(names)]
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.attr in REQUEST_NAMES.get(node.value.id, ())
        ):
            found.append(f"{_name(path)}:{node.lineno}: {node.value.id}.{node.attr}")
    return found


def test_no_service_reads_the_request():
    found = [hit for path in _modules() if not WEB_LAYER.search(_name(path)) for hit in _request_imports(path)]
    assert not found, "modules outside the web layer that read the request:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "hits"),
    [
        ("from flask import g, request\n", 2),
        ("from flask_login import current_user\n", 1),
        ("import flask\nx = flask.request.args\n", 1),
        ("from flask import current_app, url_for\n", 0),
    ],
)
def test_the_request_check_sees_each_form_of_import(tmp_path, source, hits):
    module = tmp_path / "services.py"
    module.write_text(source)
    original = PACKAGE
    try:
        globals()["PACKAGE"] = tmp_path
        assert len(_request_imports(module)) == hits
    finally:
        globals()["PACKAGE"] = original


def test_the_commit_check_sees_commits_and_rollbacks():
    assert ENDS_TRANSACTION.search("    db.session.commit()")
    assert ENDS_TRANSACTION.search("db.session.rollback()  # why")
    assert not ENDS_TRANSACTION.search("with db.session.begin_nested():")


def test_one_domain_error():
    """CaseError, DeadlineError and LetterError were the same class three times; DomainError is
    the one left (subclasses carry what a caller needs, e.g. the existing case of a duplicate)."""
    found = [
        f"{_name(path)}:{number}: {line.strip()}"
        for path in _modules()
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"\b(CaseError|DeadlineError|LetterError)\b", line)
    ]
    assert not found, "the old error classes are still named:\n" + "\n".join(found)
