"""WSGI entry point: ``gunicorn wsgi:app`` and the ``flask`` command (FLASK_APP=wsgi)."""

import os

from parliament_tracker import create_app

app = create_app()

if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
    # Under a WSGI server: load what the app leaves to first use (WeasyPrint, pyHanko, ...), warm
    # the PDF renderer and freeze the start-up objects out of the garbage collector (see
    # serving.prepare_worker). With gunicorn --preload that happens once, in the master, and the
    # workers fork ready (and share it); the app itself starts without it (issue #19). The flask
    # CLI (flask run, migrations, users, demo, the scheduler) does not need it.
    from parliament_tracker.serving import prepare_worker

    prepare_worker(app)
