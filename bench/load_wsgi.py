"""bench_load's WSGI entry: the app of ``wsgi.py`` plus a bare Flask app at ``/bare`` on the same
gunicorn workers (what the framework alone costs, for the ratio). Only for the benchmark."""

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from wsgi import app as tracker

bare = Flask("bare")


@bare.get("/")
def hello() -> str:
    return "ok"


app = DispatcherMiddleware(tracker, {"/bare": bare})
