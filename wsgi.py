"""WSGI entry point: ``gunicorn wsgi:app`` and the ``flask`` command (FLASK_APP=wsgi)."""

import os

from parliament_tracker import create_app

app = create_app()

if os.environ.get("FLASK_RUN_FROM_CLI") != "true":
    # Under a WSGI server, render one dummy PDF at start so the first letter in a worker is as
    # fast as the rest (with gunicorn --preload the warm state is shared by the forked workers).
    # The flask CLI (migrations, users, demo) does not need it.
    from parliament_tracker.letters.pdf import warm_up

    warm_up()
