"""A small OData v4 client for the Tweede Kamer Gegevensmagazijn, built on ``requests``.

Why not tkapi: it loads every relation lazily with one HTTP call each (40+ calls per Zaak) and
its tests need the live API (DOMAIN §1.10). Here one ``$expand=ZaakActor,Document`` request gives
a whole Zaak, and the tests run against a local fake server.

Behaviour worth knowing:

* Every query adds ``Verwijderd eq false``; deleted rows inside expansions are dropped as well
  (``records``), because the top-level filter does not reach them.
* Pages of at most 250 are followed through ``@odata.nextLink``, only on the configured host.
* Network errors, timeouts, HTTP 5xx and 429 are retried ``max_retries`` times with exponential
  backoff (``backoff_base * 2**n``, capped), then ``TKUnavailable`` is raised. 404 gives
  ``TKNotFound``; other 4xx give ``TKError``; unreadable bodies give ``TKBadResponse``.
* Many Zaken by number (``fetch_zaken_by_numbers``) are asked for in batches of ``Nummer eq … or
  Nummer eq …`` that keep each URL under ``max_url_length``; the batches may run in a few threads
  at once, each thread with a copy of the client (its own session, the same retries and
  timeouts). A batch that fails is reported with its numbers; the other batches' Zaken are kept.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

if TYPE_CHECKING:  # requests is imported when a client is made, not with the app (issue #19)
    import requests

from parliament_tracker.tk.errors import TKBadResponse, TKError, TKNotFound, TKUnavailable
from parliament_tracker.tk.mapping import addressed_offices, is_addressed_to, normalise_office
from parliament_tracker.tk.records import (
    JSON,
    Activiteit,
    Zaak,
    is_deleted,
    parse_activiteit,
    parse_zaak,
)
from parliament_tracker.tk.timestamps import AMSTERDAM, odata_datetime_literal

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/"
#: What a Zaak needs for mapping. Add "Kamerstukdossier" to also get the dossier (35925-VI).
DEFAULT_ZAAK_EXPAND: tuple[str, ...] = ("ZaakActor", "Document")
WRITTEN_QUESTIONS = "Schriftelijke vragen"
NOT_DELETED = "Verwijderd eq false"
# 429 is "slow down", so it is worth a retry just like a server error.
_RETRY_STATUSES = frozenset({429})
#: Kept under the 2,048 characters IIS (and many proxies) accept in a URL, with room to spare.
DEFAULT_MAX_URL_LENGTH = 2000
DEFAULT_BATCH_SIZE = 40
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def odata_string(value: str) -> str:
    """Quote a string literal for ``$filter``; OData escapes a quote by doubling it."""
    return "'" + value.replace("'", "''") + "'"


def and_filters(*clauses: str | None) -> str:
    """Join clauses with ``and``, parenthesising each so an ``or`` inside stays inside.

    Always parenthesised rather than "when it contains ' or '": a caller's filter may spell
    ``)or(`` without spaces, and superfluous parentheses cost nothing.
    """
    parts = [c.strip() for c in clauses if c and c.strip()]
    if len(parts) == 1:
        return parts[0]
    return " and ".join(f"({p})" for p in parts)


def numbers_clause(numbers: Iterable[str]) -> str:
    """``Nummer eq 'a' or Nummer eq 'b' ...``: several Zaken in one query in plain OData 4.0
    (``in (...)`` came with 4.01, which the service is not promised to speak)."""
    return " or ".join(f"Nummer eq {odata_string(n)}" for n in numbers)


@dataclass(frozen=True)
class FailedBatch:
    """A batch of Zaak numbers whose request failed (after the client's retries)."""

    numbers: tuple[str, ...]
    error: TKError


@dataclass
class ZaakBatches:
    """What ``fetch_zaken_by_numbers`` found: the Zaken in the order asked (unknown numbers left
    out), the batches that failed, and how many batches (first requests) were sent."""

    zaken: list[Zaak] = field(default_factory=list)
    failed: list[FailedBatch] = field(default_factory=list)
    batches: int = 0

    @property
    def failed_numbers(self) -> list[str]:
        return [n for batch in self.failed for n in batch.numbers]


def _since_literal(since: date | datetime) -> str:
    if isinstance(since, datetime):
        if since.tzinfo is None:
            raise ValueError("since must be timezone-aware (the API compares instants)")
        return odata_datetime_literal(since)
    return odata_datetime_literal(datetime(since.year, since.month, since.day, tzinfo=AMSTERDAM))


class TKClient:
    """Read-only client. Not thread-safe (one ``requests.Session``); make one per worker."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        connect_timeout: float = 5.0,
        read_timeout: float = 30.0,
        max_retries: int = 3,
        backoff_base: float = 1.0,
        backoff_max: float = 30.0,
        zaak_expand: Iterable[str] = DEFAULT_ZAAK_EXPAND,
        max_pages: int = 1000,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.timeout = (connect_timeout, read_timeout)
        self.max_retries = max(0, max_retries)
        self.backoff_base = backoff_base
        self.backoff_max = backoff_max
        self.zaak_expand = tuple(zaak_expand)
        self.max_pages = max_pages
        self.max_url_length = DEFAULT_MAX_URL_LENGTH
        self._sleep = sleep
        if session is None:
            import requests

            session = requests.Session()
        self._session = session
        self._session.headers.setdefault("Accept", "application/json")
        self._session.headers["User-Agent"] = "parliament-tracker (+tk client)"
        base = urlsplit(self.base_url)
        self._origin = (base.scheme, base.netloc)

    def close(self) -> None:
        self._session.close()

    def copy(self) -> TKClient:
        """A client with the same settings and its own session, for another thread.

        The session's headers, authentication, proxies and TLS settings are carried over."""
        import requests

        session = requests.Session()
        session.headers.update(self._session.headers)
        session.auth = self._session.auth
        session.proxies.update(self._session.proxies)
        session.verify = self._session.verify
        session.cert = self._session.cert
        session.trust_env = self._session.trust_env
        other = TKClient(
            self.base_url,
            connect_timeout=self.timeout[0],
            read_timeout=self.timeout[1],
            max_retries=self.max_retries,
            backoff_base=self.backoff_base,
            backoff_max=self.backoff_max,
            zaak_expand=self.zaak_expand,
            max_pages=self.max_pages,
            session=session,
            sleep=self._sleep,
        )
        other.max_url_length = self.max_url_length
        return other

    def __enter__(self) -> TKClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- Zaak ---------------------------------------------------------------------------------

    def get_zaak(self, number: str) -> Zaak | None:
        """One Zaak by its number (e.g. ``2021Z19601``) with actors and documents, or ``None``."""
        number = number.strip().upper()
        found = list(self.iter_zaken(f"Nummer eq {odata_string(number)}", limit=2))
        if len(found) > 1:
            log.warning("TK returned %d live Zaken numbered %s; using the first", len(found), number)
        return found[0] if found else None

    def iter_zaken(
        self,
        filter: str | None = None,
        since: datetime | None = None,
        *,
        orderby: str | None = None,
        limit: int | None = None,
    ) -> Iterator[Zaak]:
        """Zaken matching an OData ``filter``, page by page, expanded with ``zaak_expand``.

        ``since`` keeps only Zaken whose ``ApiGewijzigdOp`` is later (the watermark of an
        incremental sync); the results then come oldest change first, so the caller can store
        the last ``changed_at`` it processed as the next watermark.
        """
        clauses = [filter]
        if since is not None:
            clauses.append(f"ApiGewijzigdOp gt {_since_literal(since)}")
            orderby = orderby or "ApiGewijzigdOp"
        for record in self.iter_records(
            "Zaak", filter=and_filters(*clauses), expand=self.zaak_expand, orderby=orderby, top=limit
        ):
            yield parse_zaak(record)

    def zaken_by_numbers(self, numbers: Iterable[str], *, chunk_size: int = DEFAULT_BATCH_SIZE) -> list[Zaak]:
        """The Zaken for these numbers, in the given order; unknown numbers are left out.

        Asked for in batches one after another (see ``fetch_zaken_by_numbers``); the first
        failed batch's error is raised.
        """
        found = self.fetch_zaken_by_numbers(numbers, chunk_size=chunk_size, parallel=1)
        if found.failed:
            raise found.failed[0].error
        return found.zaken

    def number_batches(self, numbers: Iterable[str], *, chunk_size: int = DEFAULT_BATCH_SIZE) -> list[list[str]]:
        """Numbers in batches of at most ``chunk_size`` whose Zaak query URL stays within
        ``max_url_length`` (a number too long on its own still gets a batch of its own)."""
        batches: list[list[str]] = []
        current: list[str] = []
        for number in numbers:
            candidate = [*current, number]
            if current and (len(candidate) > chunk_size or self.zaak_query_url_length(numbers_clause(candidate)) > self.max_url_length):
                batches.append(current)
                candidate = [number]
            current = candidate
        if current:
            batches.append(current)
        return batches

    def fetch_zaken_by_numbers(
        self, numbers: Iterable[str], *, chunk_size: int = DEFAULT_BATCH_SIZE, parallel: int = 1
    ) -> ZaakBatches:
        """The Zaken for these numbers in batches (``number_batches``), at most ``parallel``
        requests at a time; each batch follows its own ``@odata.nextLink`` pages.

        A batch that fails after the retries is reported in ``failed`` with its numbers; the
        other batches' Zaken are returned all the same. Errors other than ``TKError`` (bugs)
        are raised. Only HTTP happens in the threads: the caller's database work stays in its own.
        """
        wanted = list(dict.fromkeys(n.strip().upper() for n in numbers if n and n.strip()))
        batches = self.number_batches(wanted, chunk_size=max(1, chunk_size))
        workers = max(1, min(parallel, len(batches)))
        if workers == 1:
            outcomes = [_fetch_batch(self, batch) for batch in batches]
        else:
            outcomes = self._in_threads(batches, workers)
        result = ZaakBatches(batches=len(batches))
        by_number: dict[str, Zaak] = {}
        for batch, outcome in zip(batches, outcomes, strict=True):
            if isinstance(outcome, TKError):
                log.warning("TK batch of %d Zaak numbers (%s, ...) failed: %s", len(batch), batch[0], outcome)
                result.failed.append(FailedBatch(tuple(batch), outcome))
                continue
            for zaak in outcome:
                by_number.setdefault(zaak.number, zaak)
        result.zaken = [by_number[n] for n in wanted if n in by_number]
        return result

    def _in_threads(self, batches: list[list[str]], workers: int) -> list[list[Zaak] | TKError]:
        """``_fetch_batch`` for each batch in ``workers`` threads, each thread with its own copy
        of this client (a ``requests.Session`` is not made to be shared between threads)."""
        local = threading.local()
        copies: list[TKClient] = []
        lock = threading.Lock()

        def fetch(batch: list[str]) -> list[Zaak] | TKError:
            client = getattr(local, "client", None)
            if client is None:
                client = local.client = self.copy()
                with lock:
                    copies.append(client)
            return _fetch_batch(client, batch)

        try:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tk-fetch") as pool:
                return list(pool.map(fetch, batches))
        finally:
            for client in copies:
                client.close()

    def zaak_query_url_length(self, filter: str) -> int:
        """The length of the first URL ``iter_zaken(filter)`` sends (the query encoded as
        ``requests`` encodes it)."""
        import requests

        prepared = requests.PreparedRequest()
        query = self._query(and_filters(filter), self.zaak_expand, None, None)
        prepared.prepare_url(self.base_url + "Zaak", query)
        return len(prepared.url or "")

    def new_written_questions(
        self, addressed_to_office_substring: str | Iterable[str], since: datetime
    ) -> list[Zaak]:
        """Written questions changed after ``since`` that are addressed to an office.

        The office match is done here rather than with ``ZaakActor/any(...)`` in the filter: it
        is case- and whitespace-insensitive and keeps the query simple. Pass several substrings
        (e.g. "Justitie en Veiligheid", "Rechtsbescherming") to watch all offices of a ministry.
        """
        if isinstance(addressed_to_office_substring, str):
            addressed_to_office_substring = [addressed_to_office_substring]
        needles = [normalise_office(s) for s in addressed_to_office_substring if s.strip()]
        if not needles:
            raise ValueError("an office to watch is required")
        zaken = self.iter_zaken(f"Soort eq {odata_string(WRITTEN_QUESTIONS)}", since)
        return [zaak for zaak in zaken if is_addressed_to(addressed_offices(zaak), needles)]

    # -- Activiteit ---------------------------------------------------------------------------

    def activiteiten(
        self,
        committees: Iterable[str],
        since: date | datetime,
        *,
        until: date | datetime | None = None,
        soorten: Iterable[str] = (),
        changed_since: datetime | None = None,
    ) -> list[Activiteit]:
        """Activities (debates, procedure meetings) led by these committees from ``since`` on.

        ``committees`` holds committee GUIDs (matched on ``Voortouwcommissie_Id``) or names
        (matched on the full name ``Voortouwnaam``, the abbreviation ``Voortouwafkorting`` and
        the short name ``Voortouwkortenaam``). Plenary debates,
        such as the budget debate, are led by "Tweede Kamer". ``since``/``until`` filter on the
        activity date; ``changed_since`` additionally limits to rows changed after a watermark,
        which is how moved or cancelled activities are picked up.
        """
        who = []
        for committee in (c.strip() for c in committees):
            if not committee:
                continue
            if _GUID_RE.match(committee):
                # GUIDs are unquoted: the old guid'...' literal gives HTTP 400 (DOMAIN §1.1).
                who.append(f"Voortouwcommissie_Id eq {committee.lower()}")
            else:
                quoted = odata_string(committee)
                who.append(f"Voortouwnaam eq {quoted} or Voortouwafkorting eq {quoted} or Voortouwkortenaam eq {quoted}")
        if not who:
            raise ValueError("at least one committee name or id is required")
        kinds = " or ".join(f"Soort eq {odata_string(s)}" for s in soorten)
        clauses = [" or ".join(who), kinds, f"Datum ge {_since_literal(since)}"]
        if until is not None:
            clauses.append(f"Datum le {_since_literal(until)}")
        if changed_since is not None:
            clauses.append(f"ApiGewijzigdOp gt {_since_literal(changed_since)}")
        records = self.iter_records("Activiteit", filter=and_filters(*clauses), orderby="Datum")
        return [parse_activiteit(r) for r in records]

    # -- generic paging and HTTP --------------------------------------------------------------

    def iter_records(
        self,
        entity_set: str,
        *,
        filter: str | None = None,
        expand: Iterable[str] = (),
        orderby: str | None = None,
        top: int | None = None,
    ) -> Iterator[JSON]:
        """Raw live records of an entity set, following ``@odata.nextLink`` page by page."""
        params: dict[str, str] | None = self._query(filter, expand, orderby, top)
        url: str | None = self.base_url + entity_set
        seen: set[str] = set()
        yielded = 0
        pages = 0
        while url is not None:
            pages += 1
            if pages > self.max_pages:
                raise TKBadResponse(detail=f"more than {self.max_pages} pages for {entity_set}")
            payload = self._get_json(url, params)
            for record in payload["value"]:
                if is_deleted(record):  # the server should have filtered; be sure anyway
                    continue
                yield record
                yielded += 1
                if top is not None and yielded >= top:
                    return
            url = self._next_link(payload, seen)
            params = None  # the next link carries all query options itself

    @staticmethod
    def _query(filter: str | None, expand: Iterable[str], orderby: str | None, top: int | None) -> dict[str, str]:
        query = {"$filter": and_filters(filter, NOT_DELETED)}
        expand_option = ",".join(expand)
        if expand_option:
            query["$expand"] = expand_option
        if orderby:
            query["$orderby"] = orderby
        if top is not None:
            query["$top"] = str(top)
        return query

    def _next_link(self, payload: JSON, seen: set[str]) -> str | None:
        link = payload.get("@odata.nextLink")
        if link is None:
            return None
        if not isinstance(link, str):
            raise TKBadResponse(detail="@odata.nextLink is not a string")
        # Relative links are resolved against the service root, as OData allows.
        link = urljoin(self.base_url, link)
        parts = urlsplit(link)
        if (parts.scheme, parts.netloc) != self._origin:
            # Never send our requests to a host we were not configured for.
            raise TKBadResponse(detail=f"@odata.nextLink points to another host: {parts.netloc}")
        if link in seen:
            raise TKBadResponse(detail="@odata.nextLink repeats a page")
        seen.add(link)
        return link

    def _backoff(self, retry_number: int) -> float:
        return min(self.backoff_max, self.backoff_base * 2 ** (retry_number - 1))

    def _get_json(self, url: str, params: dict[str, str] | None) -> JSON:
        import requests

        last_problem = ""
        for attempt in range(self.max_retries + 1):
            if attempt:
                delay = self._backoff(attempt)
                log.info("TK request failed (%s); retry %d in %.2fs", last_problem, attempt, delay)
                self._sleep(delay)
            try:
                response = self._session.get(url, params=params, timeout=self.timeout)
            except requests.Timeout as exc:
                last_problem = f"timeout: {exc}"
                continue
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                last_problem = f"network error: {exc}"
                continue
            except requests.RequestException as exc:  # invalid URL and the like: retrying won't help
                raise TKError(detail=f"{type(exc).__name__}: {exc}") from exc
            status = response.status_code
            if status >= 500 or status in _RETRY_STATUSES:
                last_problem = f"HTTP {status} from {response.url}"
                response.close()
                continue
            if status == 404:
                raise TKNotFound(detail=f"HTTP 404 from {response.url}", status=status)
            if status >= 400:
                raise TKError(
                    "The Tweede Kamer data service rejected the request.",
                    detail=f"HTTP {status} from {response.url}: {response.text[:300]}",
                    status=status,
                )
            return self._decode(response)
        raise TKUnavailable(detail=f"after {self.max_retries + 1} attempts, last: {last_problem}")

    @staticmethod
    def _decode(response: requests.Response) -> JSON:
        try:
            payload: Any = response.json()
        except ValueError as exc:  # requests.JSONDecodeError is a ValueError
            raise TKBadResponse(detail=f"no JSON from {response.url}: {response.text[:200]!r}") from exc
        if not isinstance(payload, dict) or not isinstance(payload.get("value"), list):
            raise TKBadResponse(detail=f"no 'value' list in the answer from {response.url}")
        if not all(isinstance(item, dict) for item in payload["value"]):
            raise TKBadResponse(detail=f"'value' holds non-objects in the answer from {response.url}")
        return payload


def _fetch_batch(client: TKClient, numbers: list[str]) -> list[Zaak] | TKError:
    """One batch's Zaken (all its pages), or the error that stopped it."""
    try:
        return list(client.iter_zaken(numbers_clause(numbers)))
    except TKError as exc:
        return exc
