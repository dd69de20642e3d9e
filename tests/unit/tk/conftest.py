"""Fixtures for the Tweede Kamer client tests: a fake OData server over real local HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from parliament_tracker.tk.client import TKClient
from tests.tk_fake import FakeTK

# Small enough that the timeout and retry tests take well under a second each.
FAST = {"connect_timeout": 0.5, "read_timeout": 0.5, "max_retries": 2, "backoff_base": 0.001}


@pytest.fixture
def fake_tk() -> Iterator[FakeTK]:
    with FakeTK() as fake:
        yield fake


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff delays the client asked for (recorded, and not actually slept)."""
    return []


@pytest.fixture
def client(fake_tk: FakeTK, sleeps: list[float]) -> Iterator[TKClient]:
    with TKClient(fake_tk.base_url, sleep=sleeps.append, **FAST) as tk_client:
        yield tk_client
