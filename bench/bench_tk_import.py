"""Benchmark: fetch and map N synthetic written questions through the Tweede Kamer client.

Not a test. Starts the fake OData server (tests/tk_fake.py) on 127.0.0.1 with N Zaken, then
times ``TKClient.iter_zaken`` (real HTTP, pages of 250 via @odata.nextLink, $expand) plus
``to_zaak_data`` for all of them. The database import is not included: the budget for the whole
import of 1,000 Zaken is 10 s, so this part should stay well below that.

    /tmp/venv/bin/python bench/bench_tk_import.py [--count 1000] [--page-size 250] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run from anywhere: tests/ and parliament_tracker/ live here

from parliament_tracker.tk.client import TKClient  # noqa: E402
from parliament_tracker.tk.mapping import to_zaak_data  # noqa: E402
from tests.tk_fake import FakeTK, synthetic_written_questions  # noqa: E402


def run_once(client: TKClient) -> tuple[float, float, int]:
    fetch = mapping = 0.0
    count = 0
    started = time.perf_counter()
    iterator = client.iter_zaken("Soort eq 'Schriftelijke vragen'", since=datetime(2020, 1, 1, tzinfo=UTC))
    while True:
        try:
            zaak = next(iterator)
        except StopIteration:
            break
        mapped_at = time.perf_counter()
        fetch += mapped_at - started
        data = to_zaak_data(zaak, resource_base=client.base_url)
        assert data.kind == "written_questions"
        count += 1
        started = time.perf_counter()
        mapping += started - mapped_at
    return fetch, mapping, count


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--page-size", type=int, default=250)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with FakeTK(zaken=synthetic_written_questions(args.count), page_size=args.page_size) as fake:
        totals = []
        for run in range(1, args.repeat + 1):
            with TKClient(fake.base_url) as client:
                before = len(fake.requests)
                fetch, mapping, count = run_once(client)
                pages = len(fake.requests) - before
            if count != args.count:
                print(f"run {run}: expected {args.count} Zaken, got {count}", file=sys.stderr)
                return 1
            totals.append(fetch + mapping)
            print(
                f"run {run}: {count} zaken, {pages} pages: fetch+parse {fetch:.3f} s, "
                f"mapping {mapping:.3f} s, total {fetch + mapping:.3f} s"
            )
    print(f"median total for {args.count} zaken: {statistics.median(totals):.3f} s (budget incl. DB import: 10 s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
