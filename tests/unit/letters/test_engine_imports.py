"""The document engine stays pure: no Flask, no database, nothing of the app outside the engine."""

from __future__ import annotations

import ast
from pathlib import Path

import parliament_tracker.letters.engine as engine

ENGINE_DIR = Path(engine.__file__).parent
ENGINE_PACKAGE = "parliament_tracker.letters.engine"


def forbidden_imports(source: str, package: str = ENGINE_PACKAGE) -> list[str]:
    """Modules imported anywhere in ``source`` (also inside functions) that the engine may not use."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:  # relative: resolve against the engine package
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{module}" if module else base
            # "from a.b import c" may import the module a.b.c: judge the full name
            names = [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            outside_engine = top == "parliament_tracker" and not (
                name == package or name.startswith(package + ".")
            )
            if top in ("flask", "sqlalchemy", "werkzeug") or top.startswith("flask_") or outside_engine:
                found.append(name)
    return found


def test_the_scan_finds_what_is_forbidden():
    source = (
        "import flask\nfrom flask_babel import gettext\nimport sqlalchemy as sa\n"
        "from parliament_tracker.extensions import db\nfrom .. import services\n"
        "def late():\n    from parliament_tracker.letters import models\n"
        "from parliament_tracker.letters.engine import fill\nfrom . import pdf\nimport docx\n"
    )
    assert sorted(forbidden_imports(source)) == [
        "flask",
        "flask_babel.gettext",
        "parliament_tracker.extensions.db",
        "parliament_tracker.letters.models",
        "parliament_tracker.letters.services",
        "sqlalchemy",
    ]


def test_engine_modules_import_no_flask_database_or_app_module():
    modules = sorted(ENGINE_DIR.rglob("*.py"))
    assert len(modules) > 10  # the scan really looks at the engine
    problems = {
        str(path.relative_to(ENGINE_DIR)): bad
        for path in modules
        if (bad := forbidden_imports(path.read_text(encoding="utf-8")))
    }
    assert problems == {}
