"""WSGI entry point: ``gunicorn wsgi:app`` and the ``flask`` command (FLASK_APP=wsgi)."""

from parliament_tracker import create_app

app = create_app()
