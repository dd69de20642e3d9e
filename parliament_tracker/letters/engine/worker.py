"""Renders in a small pool of worker processes, each under a wall-time and address-space limit.

A render that runs too long is not waited for: its worker is killed and the pool replaced, so the
web worker answers again at once and the next render gets a fresh worker. The workers are forked
from the web process (after the app and WeasyPrint are loaded), so a render costs what it cost in
process plus a pickle round trip. ``RLIMIT_AS`` turns a runaway layout into a ``MemoryError`` in
the worker instead of the machine swapping. Pure: no Flask.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import importlib
import os
import resource
import signal
import threading
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

T = TypeVar("T")

#: imported by a render besides WeasyPrint (pdf.load)
RENDER_LIBRARIES = ("docx", "docxtpl")


class RenderTimeout(Exception):
    """The render took longer than the limit; its worker was killed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"The document took longer than {seconds:g} seconds to render.")
        self.seconds = seconds


class RenderOutOfMemory(Exception):
    """The render needed more memory than a worker may use."""


def _init_worker(address_space_bytes: int, warm: Callable[[], object] | None = None) -> None:
    # The web process's signal handlers (gunicorn's) must not run in a render worker.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from parliament_tracker.letters.engine import pdf

    pdf.load()  # WeasyPrint: already loaded in the web process this worker was forked from
    if warm is not None:
        # One letter rendered before the first real one: the fonts it uses (bold, italic) loaded
        # and shaped, the template's Jinja analysed, its stylesheet parsed, the logo decoded. A
        # cold worker's first letter cost about twice a warm one's CPU (230 against 110 ms), and
        # with one pool per web worker those first letters were the generation p95 under load.
        with contextlib.suppress(Exception):  # a warm-up that fails leaves the worker cold, not broken
            warm()

    if address_space_bytes > 0:
        # The budget is what a render may add to the worker as forked: a web process that already
        # maps a lot (threads' stacks, libraries) left a fixed limit no room at all, and a
        # render then failed on its first allocation with a confusing error.
        limit = _address_space_in_use() + address_space_bytes
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (limit if hard == resource.RLIM_INFINITY else min(limit, hard), hard))


def _address_space_in_use() -> int:
    """This process's virtual memory size (Linux ``/proc``; 0 where it cannot be read)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _started() -> None:
    """The job ``RenderPool.start`` sends: it makes the executor fork its workers now."""


class RenderPool:
    """A ``ProcessPoolExecutor`` per web process, started on the first render or by ``start``,
    replaced after a timeout. ``warm`` (picklable, no arguments) runs once in each worker as it
    starts, before it takes a render."""

    def __init__(self, processes: int, timeout: float, address_space_bytes: int,
                 warm: Callable[[], object] | None = None) -> None:
        self.processes = processes
        self.timeout = timeout
        self.address_space_bytes = address_space_bytes
        self.warm = warm
        self._executor: concurrent.futures.ProcessPoolExecutor | None = None
        self._pid = 0
        self._lock = threading.Lock()

    def _pool(self) -> concurrent.futures.ProcessPoolExecutor:
        with self._lock:
            if self._executor is None or self._pid != os.getpid():  # a forked web worker starts its own
                from parliament_tracker.letters.engine import pdf

                # What a render imports (WeasyPrint, python-docx, docxtpl) into this process before the
                # workers fork from it, so that no render's time limit is spent importing it (the app
                # leaves them to first use; a no-op after serving.prepare_worker)
                pdf.load()
                for name in RENDER_LIBRARIES:
                    importlib.import_module(name)
                self._executor = concurrent.futures.ProcessPoolExecutor(
                    max_workers=self.processes, initializer=_init_worker,
                    initargs=(self.address_space_bytes, self.warm)
                )
                self._pid = os.getpid()
            return self._executor

    def start(self) -> None:
        """Fork the workers now (they warm up while the web process goes on), so that the first
        letter finds them ready instead of paying for their start and warm-up. Does not wait."""
        executor = self._pool()
        if not getattr(executor, "_processes", None):  # not forked yet: the first job forks them all
            executor.submit(_started)

    def _discard(self, executor: concurrent.futures.ProcessPoolExecutor) -> None:
        """Kill the pool's workers (a stuck render cannot be cancelled) and start afresh next time."""
        with self._lock:
            if self._executor is executor:
                self._executor = None
        for process in list((getattr(executor, "_processes", None) or {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)

    def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        executor = self._pool()
        try:
            future = executor.submit(fn, *args, **kwargs)
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            self._discard(executor)
            raise RenderTimeout(self.timeout) from None
        except BrokenProcessPool:  # the worker died (killed by the kernel, or a crash in C)
            self._discard(executor)
            raise RenderOutOfMemory("The render worker stopped.") from None
        except MemoryError:
            raise RenderOutOfMemory("The document needs more memory than a render may use.") from None

    def shutdown(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True, cancel_futures=True)
