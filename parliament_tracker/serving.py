"""What a web process does once, after the app is built and before its first request.

``wsgi.py`` calls it (so gunicorn workers get it); the benchmarks call it too, so they measure
what production runs.
"""

from __future__ import annotations

import gc


def prepare_worker() -> None:
    """Warm the PDF renderer and move start-up objects out of the garbage collector's way.

    Rendering one dummy PDF loads fonts and WeasyPrint's internals, so the first letter is as
    fast as the rest. ``gc.freeze()`` then parks the ~200,000 objects of the loaded app
    (modules, mappers, templates, holiday tables) in the permanent generation: without it,
    every full collection walks them all, a ~100 ms pause every few dozen requests that made
    up the p95 of the calendar and dashboard pages (bench/bench_deadlines.py).
    """
    from parliament_tracker.letters.engine.pdf import warm_up

    warm_up()
    gc.freeze()
