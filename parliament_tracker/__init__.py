"""Parliament Tracker: parliamentary requests, deadlines and signed reply letters."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from flask import Flask

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the application (``factory.create_app``): no threads, no migrations, no network."""
    # The one import the package's own __init__ keeps inside a function: at the top it would
    # load every package whenever any one module of parliament_tracker is imported.
    from parliament_tracker.factory import create_app as build

    return build(test_config)
