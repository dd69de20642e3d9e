"""The import contract: packages import downward only.

``LAYERS`` lists the parts of ``parliament_tracker`` from the bottom up (the same order is in
README's layout section). A module may import from its own part, from a part in a lower layer,
or from a part in the same layer; never from a higher layer. That holds for imports inside
functions too (a "lazy" import hides a cycle, it does not remove it): where a lower part needs
something of a higher one, it offers a hook (``signals.py``, ``audit.describe.register_titles``,
``cases.follower.register``, ``edge.register_api``, ...) that the higher part
registers with at app creation (``create_app`` → ``register_hooks``), never at import time.

``ALLOWED`` lists the upward imports that remain today, each with its reason. A new upward
import fails the test; so does an entry here that no longer happens (so the list only shrinks).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = "parliament_tracker"
ROOT = Path(__file__).resolve().parents[2] / PACKAGE

#: Bottom first. A part is a subpackage or a top-level module of parliament_tracker.
LAYERS: list[set[str]] = [
    # infrastructure: no feature knowledge
    {"config", "db", "extensions", "errors", "enums", "signals", "forms", "downloads", "i18n", "reference_data",
     "input_guard", "response_policy", "edge", "transitions", "kept_forms", "telemetry"},
    # the log every package writes to (its models name User only for the type checker)
    {"audit"},
    {"auth"},
    # shared HTTP helpers the feature packages' views and API modules use
    {"api", "web"},
    {"organisation"},
    # signing in with the identity provider: users (auth) with their directorate (organisation)
    {"sso"},
    {"cases"},
    {"deadlines"},
    {"letters"},
    # earlier answers and standard lines: index sent letters, help the letter editor
    {"answers"},
    # contributions (bijdragen) take answers into letters; notifications tell of them
    {"contributions"},
    {"notifications"},
    {"tk"},
    {"worklist"},
    # Woo files and retention: gather every feature's documents, so above them all
    {"records"},
    # the edges that put everything together
    {"backup", "cli", "demo", "scheduler", "models", "serving", "operations", "factory", "__init__"},
]

#: (importing module, imported module) -> why it is still there. Empty today: every package
#: imports downward. An exception added here needs its one-line reason.
ALLOWED: dict[tuple[str, str], str] = {}

#: The review's structure check: an import of another part inside a function hides where a
#: module's dependencies are (and, upward, a cycle), so at most this many remain ...
MAX_FUNCTION_LEVEL = 8

#: ... each listed here with its reason. A new one fails the test, so does one that is gone.
FUNCTION_LEVEL: dict[tuple[str, str], str] = {
    ("parliament_tracker", "parliament_tracker.factory"):
        "the package's __init__ runs on every import of any of its modules (a model, db, a "
        "migration): at its top, the factory would load the whole application each time",
    ("parliament_tracker.scheduler", "parliament_tracker.create_app"):
        "a cycle by design: the factory registers the scheduler's hooks, and the scheduler's "
        "job runner builds an app in its own process",
    ("parliament_tracker.serving", "parliament_tracker.letters.engine.pdf"):
        "WeasyPrint, loaded on purpose before the workers fork (gunicorn's post-fork hook), "
        "not by every `flask` command",
    ("parliament_tracker.cli", "parliament_tracker.letters.engine.signing"):
        "pyHanko, for `flask signing dev-cert` only: `flask` builds the app for every command",
    ("parliament_tracker.cli", "parliament_tracker.backup"):
        "one helper (cli._backup) for the three backup commands: backup verifies signatures "
        "with pyHanko, which the other commands and the web workers should not load",
    ("parliament_tracker.demo", "parliament_tracker.letters.engine.signing"):
        "pyHanko, for the demo's development certificate only (cli imports demo at its top)",
    ("parliament_tracker.enums", "parliament_tracker.i18n"):
        "enums is pure (the deadline rules and case kinds declare titled enums without Flask); "
        "a title, when read, takes the request's translations kept by i18n",
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _rank() -> dict[str, int]:
    return {part: i for i, layer in enumerate(LAYERS) for part in layer}


def _module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(body: list[ast.stmt]):  # yields (imported module, line), at any depth
    for node in body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == PACKAGE:  # from parliament_tracker import edge
                for alias in node.names:
                    yield f"{PACKAGE}.{alias.name}", node.lineno
            else:
                yield node.module, node.lineno
        elif isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
            continue  # for the type checker only: never runs
        else:  # function and class bodies, if/try/with/for blocks: every nested statement
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    yield from _imports([child])
                elif isinstance(child, ast.excepthandler | ast.match_case):
                    yield from _imports(child.body)


def upward_imports(root: Path = ROOT) -> dict[tuple[str, str], str]:
    """Every import of a higher layer, at module level or inside a function or class:
    (importer, imported) -> "file:line"."""
    rank = _rank()
    found: dict[tuple[str, str], str] = {}
    for path in sorted(root.rglob("*.py")):
        importer = _module_name(path, root)
        own = _part(importer) if importer != PACKAGE else "__init__"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for imported, line in _imports(tree.body):
            if not imported.startswith(PACKAGE + "."):
                continue
            other = _part(imported)
            if other not in rank:
                other = "__init__"  # a name, not a part: from parliament_tracker import create_app
            if other != own and rank[other] > rank[own]:
                found.setdefault((importer, imported), f"{path.relative_to(root.parent)}:{line}")
    return found


def function_level_imports(root: Path = ROOT) -> dict[tuple[str, str], str]:
    """Every import of another part of the package inside a function or method, whatever the
    layers: (importer, imported) -> "file:line" (the first one)."""
    found: dict[tuple[str, str], str] = {}
    for path in sorted(root.rglob("*.py")):
        importer = _module_name(path, root)
        own = _part(importer) if importer != PACKAGE else "__init__"
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        lines: dict[int, str] = {}
        for function in ast.walk(tree):
            if isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                for imported, line in _imports(function.body):
                    lines.setdefault(line, imported)
        for line, imported in sorted(lines.items()):
            if not imported.startswith(PACKAGE + "."):
                continue
            other = _part(imported)
            if other != own:
                found.setdefault((importer, imported), f"{path.relative_to(root.parent)}:{line}")
    return found


def test_every_part_has_a_layer() -> None:
    parts = {p.stem if p.is_file() else p.name for p in ROOT.iterdir()
             if (p.suffix == ".py") or (p.is_dir() and (p / "__init__.py").exists())}
    assert parts - set(_rank()) == set(), "add the new module or package to LAYERS (and README)"


def test_no_new_upward_imports() -> None:
    new = {pair: where for pair, where in upward_imports().items() if pair not in ALLOWED}
    assert not new, "imports of a higher layer (see LAYERS):\n" + "\n".join(
        f"  {where}: {a} imports {b}" for (a, b), where in sorted(new.items())
    )


def test_the_allow_list_has_no_stale_entries() -> None:
    stale = set(ALLOWED) - set(upward_imports())
    assert not stale, f"these upward imports are gone; remove them from ALLOWED: {sorted(stale)}"


def _package(tmp_path: Path, init: str, module: str, source: str, part: str = "cases") -> Path:
    """A made-up parliament_tracker with ``init`` as its __init__ and ``<part>/<module>``."""
    package = tmp_path / PACKAGE
    (package / part).mkdir(parents=True)
    (package / "__init__.py").write_text(init)
    (package / part / "__init__.py").write_text("")
    (package / part / module).write_text(source)
    return package


def test_a_forbidden_import_is_caught(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        "",
        "models.py",
        "import datetime\nfrom parliament_tracker.cases.models import Case\n"
        "from parliament_tracker import auth\n"
        "if TYPE_CHECKING:\n    from parliament_tracker.worklist import queries\n",
        part="organisation",
    )
    assert upward_imports(package) == {
        ("parliament_tracker.organisation.models", "parliament_tracker.cases.models"): "parliament_tracker/organisation/models.py:2"
    }


def test_a_lazy_forbidden_import_is_caught(tmp_path: Path) -> None:
    """An import inside a function (or a method, or a block in one) counts as much as one at
    the top: it is the same dependency, only later."""
    package = _package(
        tmp_path,
        "",
        "services.py",
        "def later():\n    from parliament_tracker.deadlines import services\n"
        "class Later:\n    def method(self):\n        try:\n            import parliament_tracker.letters.models\n"
        "        except ImportError:\n            pass\n"
        "def fine():\n    from parliament_tracker.organisation.models import Member\n"
        "    from parliament_tracker.cases import models\n",
    )
    assert upward_imports(package) == {
        ("parliament_tracker.cases.services", "parliament_tracker.deadlines"): "parliament_tracker/cases/services.py:2",
        ("parliament_tracker.cases.services", "parliament_tracker.letters.models"): "parliament_tracker/cases/services.py:6",
    }


def test_function_level_imports_of_other_parts_are_few_and_each_has_its_reason() -> None:
    found = function_level_imports()
    assert len(FUNCTION_LEVEL) <= MAX_FUNCTION_LEVEL
    unlisted = {pair: where for pair, where in found.items() if pair not in FUNCTION_LEVEL}
    assert not unlisted, "import these at the top of the module (or register through a hook):\n" + "\n".join(
        f"  {where}: {a} imports {b}" for (a, b), where in sorted(unlisted.items())
    )
    stale = set(FUNCTION_LEVEL) - set(found)
    assert not stale, f"these function-level imports are gone; remove them from FUNCTION_LEVEL: {sorted(stale)}"


def test_a_function_level_import_of_another_part_is_found(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        "def create_app():\n    from parliament_tracker.factory import build\n",
        "views.py",
        "from parliament_tracker.auth import services\n"
        "def page():\n    from parliament_tracker.cases import models\n"
        "    import json\n"
        "    def inner():\n        from parliament_tracker.audit.services import record\n"
        "class View:\n    def get(self):\n        if True:\n            from parliament_tracker import kept_forms\n",
    )
    assert function_level_imports(package) == {
        ("parliament_tracker", "parliament_tracker.factory"): "parliament_tracker/__init__.py:2",
        ("parliament_tracker.cases.views", "parliament_tracker.audit.services"): "parliament_tracker/cases/views.py:6",
        ("parliament_tracker.cases.views", "parliament_tracker.kept_forms"): "parliament_tracker/cases/views.py:10",
    }
