"""What a web process does once, after the app is built and before its first request.

``wsgi.py`` calls it (so gunicorn workers get it); the benchmarks call it too, so they measure
what production runs.
"""

from __future__ import annotations

import gc
import importlib
from typing import Any

#: Libraries the app imports where they are used, so that it starts fast (issue #19: ``flask
#: run``, a test, a CLI command), but that a web worker needs sooner or later: letters (python-docx,
#: docxtpl), signing and verifying (pyHanko with aiohttp and pyhanko-certvalidator), the Tweede
#: Kamer client (requests) and the answers' search (snowballstemmer). WeasyPrint comes with the
#: warm-up render.
PRELOADED = ("docx", "docxtpl", "pyhanko.sign", "pyhanko.sign.validation", "requests", "snowballstemmer")


def prepare_worker(app: Any = None) -> None:
    """Load what the app left to first use, warm the PDF renderer and move start-up objects out
    of the garbage collector's way.

    Under ``gunicorn --preload`` (as the README deploys it) this runs once, in the master, before
    it forks: every worker then shares these pages (copy-on-write) instead of importing its own
    copy, and its first letter is as fast as the rest. Rendering one dummy PDF loads fonts and
    WeasyPrint's internals. ``gc.freeze()`` then parks the ~200,000 objects of the loaded app
    (modules, mappers, templates, holiday tables) in the permanent generation: without it,
    every full collection walks them all, a ~100 ms pause every few dozen requests that made
    up the p95 of the calendar and dashboard pages (bench/bench_deadlines.py); frozen objects
    are also never written to by the collector, so their pages stay shared after the fork.

    With ``app``, every template is compiled now too: otherwise each worker compiles each
    template on its first use (0.6 s of CPU for all of them, in every worker after every start).
    """
    from sqlalchemy.orm import configure_mappers

    from parliament_tracker.letters.engine.pdf import warm_up

    for name in PRELOADED:
        importlib.import_module(name)
    configure_mappers()
    warm_up()
    if app is not None:
        compile_templates(app)
    gc.freeze()


def compile_templates(app: Any) -> int:
    """Load every template into the app's Jinja cache (compiled); returns how many. One that
    does not compile is left to fail where it is used, as before."""
    from jinja2 import TemplateError

    env = app.jinja_env
    loaded = 0
    for name in env.list_templates():
        try:
            env.get_template(name)
        except TemplateError:
            continue
        loaded += 1
    return loaded
