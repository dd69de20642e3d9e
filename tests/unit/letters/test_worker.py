"""The render pool: a render over its time is refused, its worker replaced; memory is capped."""

from __future__ import annotations

import os
import time

import pytest

from parliament_tracker.letters.engine.worker import RenderOutOfMemory, RenderPool, RenderTimeout


def slow(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def pid() -> int:
    return os.getpid()


def hog(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


@pytest.fixture
def pool():
    made = RenderPool(1, timeout=1.0, address_space_bytes=1024 * 1024 * 1024)
    yield made
    made.shutdown()


def test_a_render_over_the_time_limit_is_refused_and_the_next_one_works(pool):
    first = pool.run(pid)
    assert first != os.getpid()  # rendered in a worker, not here
    started = time.monotonic()
    with pytest.raises(RenderTimeout, match="longer than 1 seconds"):
        pool.run(slow, 30)
    assert time.monotonic() - started < 5  # not waited for
    second = pool.run(pid)
    assert second not in (first, os.getpid())  # the stuck worker was killed and replaced


def test_a_worker_cannot_take_more_memory_than_its_limit(pool):
    with pytest.raises(RenderOutOfMemory):
        pool.run(hog, 2048)
    assert pool.run(hog, 10) == 10 * 1024 * 1024


def test_exceptions_with_details_cross_the_process_boundary(pool):
    from parliament_tracker.letters.engine.fill import TemplateError, fill_template

    with pytest.raises(TemplateError) as exc:
        pool.run(fill_template, b"not a docx", {})
    assert exc.value.problems == ["The file is not a readable DOCX document."]


_WARMED: list[int] = []


def warm() -> None:
    _WARMED.append(os.getpid())


def warmed_in() -> list[int]:
    return list(_WARMED)


def failing_warm() -> None:
    raise RuntimeError("no fonts")


def test_start_forks_the_workers_and_warms_each_before_its_first_render():
    pool = RenderPool(1, timeout=10.0, address_space_bytes=0, warm=warm)
    try:
        pool.start()
        assert pool._executor is not None and len(pool._executor._processes) == 1  # forked, without a render
        (worker,) = pool._executor._processes
        pool.start()  # a second start is a no-op: the same worker
        assert list(pool._executor._processes) == [worker]
        assert pool.run(warmed_in) == [worker]  # warmed once, in the worker, before this render
        assert _WARMED == []  # not here
    finally:
        pool.shutdown()


def test_a_warm_up_that_fails_leaves_a_working_worker():
    pool = RenderPool(1, timeout=10.0, address_space_bytes=0, warm=failing_warm)
    try:
        assert pool.run(pid) != os.getpid()
    finally:
        pool.shutdown()
