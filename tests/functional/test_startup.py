"""Start-up (issue #19): building the app and answering its first request loads none of the heavy
libraries; they come where they are used (a render, a signature, ``flask db``) and with
``serving.prepare_worker`` (gunicorn's --preload master)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("weasyprint", "pyhanko", "pyhanko_certvalidator", "alembic", "flask_migrate", "docx", "docxtpl",
         "requests", "snowballstemmer", "aiohttp")

CHILD = """
import json, sys
from parliament_tracker import create_app
from parliament_tracker.extensions import db
app = create_app({"SECRET_KEY": "startup-test", "SQLALCHEMY_DATABASE_URI": "sqlite:///%(tmp)s/s.sqlite"})
with app.app_context():
    db.create_all()
status = app.test_client().get("/login").status_code
loaded = sorted(m for m in %(heavy)r if m in sys.modules)
%(after)s
print(json.dumps({"status": status, "loaded": loaded, "after": sorted(m for m in %(heavy)r if m in sys.modules)}))
"""


def _run(tmp_path: Path, after: str = "") -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PARLIAMENT_TRACKER_INSTANCE_PATH": str(tmp_path)}
    code = CHILD % {"tmp": tmp_path, "heavy": HEAVY, "after": after}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_app_answers_its_first_request_without_the_heavy_libraries(tmp_path):
    result = _run(tmp_path)
    assert result["status"] == 200
    assert result["loaded"] == []


def test_prepare_worker_loads_them_before_the_fork(tmp_path):
    result = _run(tmp_path, "from parliament_tracker.serving import prepare_worker\nprepare_worker(app)")
    assert result["loaded"] == []
    # everything a worker needs sooner or later, except Alembic (only `flask db` uses it)
    assert set(result["after"]) == set(HEAVY) - {"alembic", "flask_migrate"}


def test_prepare_worker_compiles_every_template_once_for_all_workers(app):
    from parliament_tracker.serving import compile_templates

    names = set(app.jinja_env.list_templates())
    assert "layout.html" in names
    assert compile_templates(app) == len(names)
    cached = {key[1] for key in app.jinja_env.cache}  # Jinja's cache key: (loader, name)
    assert names <= cached


def test_flask_db_loads_flask_migrate_when_it_runs(app):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["db", "--help"])
    assert listed.exit_code == 0, listed.output
    assert "upgrade" in listed.output and "--directory" in listed.output
    heads = runner.invoke(args=["db", "heads"])  # Alembic prints to the real stdout, not the runner's
    assert heads.exit_code == 0, heads.output
    # bound now: Flask-Migrate's own state, as migrations/env.py and flask_migrate.upgrade() read it
    state = app.extensions["migrate"]
    assert type(state).__module__ == "flask_migrate" and state.db is not None
    assert state.directory == str(ROOT / "migrations")
