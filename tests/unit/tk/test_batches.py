"""Many Zaken by number: batched ``or`` filters, paging, a few requests at a time, failed batches
reported beside the others' results (real HTTP against the fake OData server)."""

from __future__ import annotations

import math

import pytest

from parliament_tracker.tk.client import TKClient, numbers_clause
from parliament_tracker.tk.errors import TKBadResponse, TKError, TKUnavailable
from tests.tk_fake import FakeTK, synthetic_written_questions

from .conftest import FAST

N = 45
NUMBERS = [f"2021Z{50000 + i:05d}" for i in range(N)]


@pytest.fixture
def many(fake_tk: FakeTK) -> FakeTK:
    fake_tk.zaken.extend(synthetic_written_questions(N))
    return fake_tk


def _summary(zaken) -> list[tuple]:
    return [(z.number, z.changed_at, tuple(d.soort for d in z.documents), tuple(a.name for a in z.actors)) for z in zaken]


@pytest.mark.parametrize(("chunk_size", "parallel"), [(10, 1), (10, 3), (7, 4), (46, 4)])
def test_one_request_per_batch_and_the_same_zaken_as_one_by_one(many: FakeTK, client: TKClient, chunk_size: int, parallel: int) -> None:
    one_by_one = [client.get_zaak(n) for n in NUMBERS]
    many.requests.clear()

    found = client.fetch_zaken_by_numbers([*reversed(NUMBERS), "2021Z99999"], chunk_size=chunk_size, parallel=parallel)

    assert found.failed == []
    assert found.batches == math.ceil((N + 1) / chunk_size) == len(many.requests)
    assert _summary(found.zaken) == _summary(reversed(one_by_one)), "in the order asked, unknown numbers left out"
    for sent in many.requests:
        assert sent["$filter"].startswith("(Nummer eq '2021Z") and " or " in sent["$filter"]
        assert sent["$filter"].endswith(") and (Verwijderd eq false)")


def test_batches_keep_the_url_short(many: FakeTK, client: TKClient) -> None:
    client.max_url_length = 600
    batches = client.number_batches(NUMBERS, chunk_size=40)
    assert sum(len(b) for b in batches) == N and max(len(b) for b in batches) < 40
    found = client.fetch_zaken_by_numbers(NUMBERS, chunk_size=40, parallel=2)
    assert len(found.zaken) == N and len(many.urls) == len(batches)
    assert all(len(url) <= 600 for url in many.urls), max(len(url) for url in many.urls)
    assert max(len(url) for url in many.urls) > 500, "batches are filled up to the limit"
    # The length is computed as sent (threads may send in any order).
    assert client.zaak_query_url_length(numbers_clause(batches[0])) in {len(url) for url in many.urls}


def test_default_batches_of_forty_stay_under_two_thousand_characters(fake_tk: FakeTK, client: TKClient) -> None:
    numbers = [f"2021Z{10000 + i:05d}" for i in range(200)]
    batches = client.number_batches(numbers)
    assert [len(b) for b in batches] == [40] * 5
    assert max(client.zaak_query_url_length(numbers_clause(b)) for b in batches) < 2000


def test_a_batch_is_followed_through_its_pages(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.extend(synthetic_written_questions(N))
    fake_tk.page_size = 4
    found = client.fetch_zaken_by_numbers(NUMBERS, chunk_size=10, parallel=3)
    assert [z.number for z in found.zaken] == NUMBERS
    assert found.batches == 5 and len(fake_tk.requests) == 4 * 3 + 2  # 10 a batch in pages of 4, 4, 2; the last 5 in 4, 1
    assert sum("$skip" in r for r in fake_tk.requests) == len(fake_tk.requests) - 5


def test_a_failing_batch_is_reported_and_the_others_kept(many: FakeTK, client: TKClient, sleeps: list[float]) -> None:
    many.fail_matching("'2021Z50012'", "status", status=503, times=3)  # every attempt of its batch
    many.fail_matching("'2021Z50031'", "bad_json")

    found = client.fetch_zaken_by_numbers(NUMBERS, chunk_size=10, parallel=3)

    assert found.batches == 5 and len(found.failed) == 2
    failed = {batch.numbers[0]: batch.error for batch in found.failed}
    assert isinstance(failed["2021Z50010"], TKUnavailable) and "HTTP 503" in (failed["2021Z50010"].detail or "")
    assert isinstance(failed["2021Z50030"], TKBadResponse)
    assert found.failed_numbers == NUMBERS[10:20] + NUMBERS[30:40]
    assert [z.number for z in found.zaken] == NUMBERS[:10] + NUMBERS[20:30] + NUMBERS[40:]
    assert sleeps == [0.001, 0.002], "the failing batch was retried with the client's backoff"


def test_zaken_by_numbers_raises_the_failed_batchs_error(many: FakeTK, client: TKClient) -> None:
    many.fail_matching("'2021Z50003'", "status", status=400)
    with pytest.raises(TKError) as caught:
        client.zaken_by_numbers(NUMBERS, chunk_size=10)
    assert caught.value.status == 400


def test_never_more_requests_at_once_than_allowed(fake_tk: FakeTK) -> None:
    fake_tk.zaken.extend(synthetic_written_questions(N))
    fake_tk.latency = 0.05
    with TKClient(fake_tk.base_url, **FAST) as tk:
        found = tk.fetch_zaken_by_numbers(NUMBERS, chunk_size=3, parallel=3)
        assert len(found.zaken) == N and len(fake_tk.requests) == 15
        assert 2 <= fake_tk.max_in_flight <= 3

        fake_tk.max_in_flight = 0
        tk.fetch_zaken_by_numbers(NUMBERS, chunk_size=3, parallel=1)
        assert fake_tk.max_in_flight == 1


def test_a_copy_has_the_same_settings_and_its_own_session(fake_tk: FakeTK, client: TKClient) -> None:
    client._session.headers["X-Test"] = "1"
    client.max_url_length = 900
    other = client.copy()
    try:
        assert other._session is not client._session and other._session.headers["X-Test"] == "1"
        assert (other.base_url, other.timeout, other.max_retries, other.backoff_base, other.zaak_expand, other.max_url_length) == (
            client.base_url, client.timeout, client.max_retries, client.backoff_base, client.zaak_expand, 900)
    finally:
        other.close()
