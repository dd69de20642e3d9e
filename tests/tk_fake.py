"""A local fake of the Tweede Kamer OData v4 service, for tests and benchmarks.

``FakeTK`` serves Zaak and Activiteit records (shaped like ``tests/fixtures/tk/*.json``) over real
HTTP on 127.0.0.1, with a werkzeug server in a background thread:

    with FakeTK(zaken=[...], page_size=2) as fake:
        client = TKClient(fake.base_url)
        fake.fail_next("status", status=500)      # error injection, consumed request by request
        fake.fail_matching("2021Z50005", "status", status=503, times=3)  # only requests naming it

``latency`` delays every answer (a realistic network); ``max_in_flight`` is the most requests
the server was handling at the same moment, and ``urls`` the full URL of every request.

Supported OData subset: ``$filter`` with ``eq ne gt ge lt le``, ``and``/``or``/``not`` and
parentheses over string, datetime (unquoted ISO, with or without fraction/offset), GUID, number,
``true``/``false``/``null`` literals; ``$expand`` of navigation properties (without nested
options); ``$orderby`` on fields (``asc``/``desc``); ``$top``/``$skip`` with server-driven paging
through an absolute ``@odata.nextLink``. Anything else gets HTTP 400, as the real service would,
so a client that starts sending new syntax fails loudly here.

Deliberately independent of ``parliament_tracker.tk`` (own timestamp parsing), so the client is
not tested against its own assumptions.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

FIXTURES = Path(__file__).parent / "fixtures" / "tk"
SERVICE_PATH = "/OData/v4/2.0/"

#: Navigation properties per entity set: left out of a record unless named in $expand.
NAVIGATION = {
    "Zaak": {"ZaakActor", "Document", "Kamerstukdossier", "Activiteit", "Agendapunt", "Besluit"},
    "Activiteit": {"Zaak", "ActiviteitActor", "Agendapunt", "Document"},
}


def load_fixture(name: str) -> list[dict[str, Any]]:
    """The ``value`` records of ``tests/fixtures/tk/<name>.json`` (fresh copies)."""
    with open(FIXTURES / f"{name}.json", encoding="utf-8") as handle:
        return json.load(handle)["value"]


# -- $filter ------------------------------------------------------------------------------------


class ODataSyntaxError(ValueError):
    pass


_TOKEN_RE = re.compile(
    r"""\s*(?:
      (?P<lparen>\() | (?P<rparen>\)) |
      (?P<string>'(?:[^']|'')*') |
      (?P<datetime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?) |
      (?P<guid>[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}) |
      (?P<number>-?\d+(?:\.\d+)?) |
      (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)
_COMPARISONS = {"eq", "ne", "gt", "ge", "lt", "le"}


def fake_parse_datetime(text: str) -> datetime:
    """ISO timestamp -> aware datetime (own implementation; offsetless = UTC)."""
    match = re.fullmatch(r"(.{16}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?", text)
    if not match:
        raise ValueError(text)
    base, fraction, zone = match.groups()
    if len(base) == 16:
        base += ":00"
    result = datetime.strptime(base, "%Y-%m-%dT%H:%M:%S")
    if fraction:
        result = result.replace(microsecond=int(fraction[:6].ljust(6, "0")))
    if zone and zone != "Z":
        sign = 1 if zone[0] == "+" else -1
        offset = timedelta(hours=int(zone[1:3]), minutes=int(zone[4:6])) * sign
        return result.replace(tzinfo=timezone(offset))
    return result.replace(tzinfo=UTC)


def _tokenise(text: str) -> list[tuple[str, str]]:
    tokens, position = [], 0
    text = text.rstrip()
    while position < len(text):
        match = _TOKEN_RE.match(text, position)
        if not match or match.end() == position:
            raise ODataSyntaxError(f"cannot read $filter at: {text[position:position + 30]!r}")
        position = match.end()
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
    return tokens


Predicate = Callable[[dict[str, Any]], bool]


class _FilterParser:
    def __init__(self, text: str) -> None:
        self.tokens = _tokenise(text)
        self.position = 0

    def parse(self) -> Predicate:
        predicate = self._or()
        if self.position != len(self.tokens):
            raise ODataSyntaxError(f"unexpected {self.tokens[self.position][1]!r}")
        return predicate

    def _peek_word(self) -> str | None:
        if self.position < len(self.tokens) and self.tokens[self.position][0] == "word":
            return self.tokens[self.position][1]
        return None

    def _next(self) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise ODataSyntaxError("unexpected end of $filter")
        token = self.tokens[self.position]
        self.position += 1
        return token

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek_word() == "or":
            self.position += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._unary()]
        while self._peek_word() == "and":
            self.position += 1
            parts.append(self._unary())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def _unary(self) -> Predicate:
        if self._peek_word() == "not":
            self.position += 1
            inner = self._unary()
            return lambda r: not inner(r)
        kind, value = self._next()
        if kind == "lparen":
            inner = self._or()
            if self._next()[0] != "rparen":
                raise ODataSyntaxError("missing )")
            return inner
        if kind != "word":
            raise ODataSyntaxError(f"expected a field name, got {value!r}")
        field = value
        op_kind, op = self._next()
        if op_kind != "word" or op not in _COMPARISONS:
            raise ODataSyntaxError(f"unsupported operator {op!r} after {field}")
        literal = self._literal()
        return lambda r: _compare(r.get(field), op, literal)

    def _literal(self) -> Any:
        kind, value = self._next()
        if kind == "string":
            return value[1:-1].replace("''", "'")
        if kind == "datetime":
            return fake_parse_datetime(value)
        if kind == "guid":
            return value.lower()
        if kind == "number":
            return float(value) if "." in value else int(value)
        if kind == "word" and value in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[value]
        raise ODataSyntaxError(f"unsupported literal {value!r}")


def _compare(field_value: Any, op: str, literal: Any) -> bool:
    if isinstance(literal, datetime):
        if not isinstance(field_value, str):
            return op == "ne"
        field_value = fake_parse_datetime(field_value)
    elif isinstance(literal, str) and isinstance(field_value, str) and _is_guid(literal):
        field_value = field_value.lower()
    if op == "eq":
        return field_value == literal
    if op == "ne":
        return field_value != literal
    if field_value is None or literal is None:
        return False
    return {"gt": field_value > literal, "ge": field_value >= literal,
            "lt": field_value < literal, "le": field_value <= literal}[op]


def _is_guid(text: str) -> bool:
    return re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", text) is not None


def parse_filter(text: str | None) -> Predicate:
    if not text or not text.strip():
        return lambda record: True
    return _FilterParser(text).parse()


# -- the server ---------------------------------------------------------------------------------


@dataclass
class Fault:
    """One injected failure. kind: status | timeout | bad_json | empty | not_found | html | body.

    ``body`` answers HTTP 200 with ``payload`` as JSON, verbatim (odd shapes, foreign links).
    """

    kind: str
    status: int = 500
    delay: float = 1.0
    payload: Any = None


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args: Any, **kwargs: Any) -> None:  # no access log in test output
        pass


@contextmanager
def serve_to_app(fake: FakeTK, app: Any, monkeypatch: Any, *, read_timeout: float) -> Iterator[FakeTK]:
    """Start ``fake`` and point ``app``'s TK client at it (short time-outs and back-off), for a
    pytest fixture: ``with serve_to_app(FakeTK(...), app, monkeypatch, read_timeout=0.2) as fake: yield fake``."""
    with fake:
        monkeypatch.setitem(app.config, "TK_API_URL", fake.base_url)
        monkeypatch.setitem(app.config, "TK_READ_TIMEOUT", read_timeout)
        monkeypatch.setitem(app.config, "TK_BACKOFF_SECONDS", 0.001)
        yield fake


class FakeTK:
    def __init__(
        self,
        zaken: Iterable[dict[str, Any]] = (),
        activiteiten: Iterable[dict[str, Any]] = (),
        *,
        page_size: int = 250,
        latency: float = 0.0,
    ) -> None:
        self.entities: dict[str, list[dict[str, Any]]] = {
            "Zaak": list(zaken),
            "Activiteit": list(activiteiten),
        }
        self.page_size = page_size
        self.latency = latency
        self.errors: deque[Fault] = deque()
        self.targeted: list[tuple[str, Fault]] = []  # (text in $filter, fault), first match first
        self.requests: list[dict[str, str]] = []  # query args of every request, in order
        self.urls: list[str] = []  # the full URL of every request, as sent
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._server: Any = None
        self._thread: threading.Thread | None = None

    # convenience
    @property
    def zaken(self) -> list[dict[str, Any]]:
        return self.entities["Zaak"]

    @property
    def activiteiten(self) -> list[dict[str, Any]]:
        return self.entities["Activiteit"]

    def fail_next(
        self, kind: str, *, times: int = 1, status: int = 500, delay: float = 1.0, payload: Any = None
    ) -> None:
        for _ in range(times):
            self.errors.append(Fault(kind, status=status, delay=delay, payload=payload))

    def fail_matching(
        self, text: str, kind: str, *, times: int = 1, status: int = 500, delay: float = 1.0, payload: Any = None
    ) -> None:
        """Fail the next ``times`` requests whose ``$filter`` contains ``text`` (others are served)."""
        with self._lock:
            for _ in range(times):
                self.targeted.append((text, Fault(kind, status=status, delay=delay, payload=payload)))

    def _take_fault(self, request: Request) -> Fault | None:
        text = request.args.get("$filter", "")
        with self._lock:
            for index, (needle, fault) in enumerate(self.targeted):
                if needle in text:
                    del self.targeted[index]
                    return fault
            return self.errors.popleft() if self.errors else None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeTK is not started")
        return f"http://127.0.0.1:{self._server.server_port}{SERVICE_PATH}"

    # lifecycle
    def start(self) -> FakeTK:
        self._server = make_server("127.0.0.1", 0, self.wsgi_app, threaded=True, request_handler=_QuietHandler)
        # A short poll interval keeps shutdown() fast; the default 0.5 s would add up over tests.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="FakeTK", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers that are "timing out"
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeTK:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # WSGI
    def wsgi_app(self, environ: dict[str, Any], start_response: Any) -> Any:
        request = Request(environ)
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                self._stopping.wait(self.latency)
            response = self._respond(request)
        finally:
            with self._lock:
                self.in_flight -= 1
        return response(environ, start_response)

    def _respond(self, request: Request) -> Response:
        self.requests.append({"path": request.path, **request.args.to_dict()})
        self.urls.append(request.host_url.rstrip("/") + request.environ.get("RAW_URI", request.full_path))
        fault = self._take_fault(request)
        if fault is not None:
            if fault.kind == "timeout":
                self._stopping.wait(fault.delay)  # longer than the client's read timeout
            elif fault.kind == "status":
                return _json_response({"error": {"code": "", "message": "injected"}}, fault.status)
            elif fault.kind == "not_found":
                return _json_response({"error": {"code": "", "message": "Not found"}}, 404)
            elif fault.kind == "bad_json":
                return Response('{"value": [ {"Id": ', status=200, content_type="application/json")
            elif fault.kind == "html":
                return Response("<html>maintenance</html>", status=200, content_type="text/html")
            elif fault.kind == "body":
                return _json_response(fault.payload)
            elif fault.kind == "empty":
                return _json_response({"@odata.context": "x", "value": []})
            else:
                raise ValueError(f"unknown fault {fault.kind}")
        if not request.path.startswith(SERVICE_PATH):
            return _json_response({"error": {"message": "Not found"}}, 404)
        entity_set = request.path[len(SERVICE_PATH):]
        if entity_set not in self.entities:
            return _json_response({"error": {"message": f"Resource not found for segment '{entity_set}'"}}, 404)
        try:
            return self._query(request, entity_set)
        except ODataSyntaxError as exc:
            return _json_response({"error": {"code": "", "message": str(exc)}}, 400)

    def _query(self, request: Request, entity_set: str) -> Response:
        args = request.args
        unknown = {k for k in args if k.startswith("$")} - {"$filter", "$expand", "$orderby", "$top", "$skip"}
        if unknown:
            raise ODataSyntaxError(f"unsupported query options {sorted(unknown)}")
        predicate = parse_filter(args.get("$filter"))
        expand = [e.strip() for e in args.get("$expand", "").split(",") if e.strip()]
        for name in expand:
            if name not in NAVIGATION[entity_set]:
                raise ODataSyntaxError(f"Could not find a navigation property named '{name}'")
        rows = [r for r in self.entities[entity_set] if predicate(r)]
        for clause in reversed([c.strip() for c in args.get("$orderby", "").split(",") if c.strip()]):
            field, _, direction = clause.partition(" ")
            rows.sort(key=lambda r, f=field: _sort_key(r.get(f)), reverse=direction.strip() == "desc")
        skip = int(args.get("$skip", 0))
        top = int(args["$top"]) if "$top" in args else None
        remaining = rows[skip:] if top is None else rows[skip : skip + top]
        page = remaining[: self.page_size]
        body: dict[str, Any] = {
            "@odata.context": f"{request.host_url.rstrip('/')}{SERVICE_PATH}$metadata#{entity_set}",
            "value": [_shape(r, NAVIGATION[entity_set], expand) for r in page],
        }
        if len(remaining) > len(page):
            following = dict(args.items())
            following["$skip"] = str(skip + len(page))
            if top is not None:
                following["$top"] = str(top - len(page))
            query = urlencode(following, quote_via=quote, safe="$,'")
            body["@odata.nextLink"] = f"{request.host_url.rstrip('/')}{request.path}?{query}"
        return _json_response(body)


def _sort_key(value: Any) -> tuple[int, Any]:
    if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}T", value):
        return (1, fake_parse_datetime(value))
    return (0, "") if value is None else (1, value)


def _shape(record: dict[str, Any], navigation: set[str], expand: list[str]) -> dict[str, Any]:
    shaped = {k: v for k, v in record.items() if k not in navigation}
    for name in expand:
        shaped[name] = record.get(name, [])
    return shaped


def _json_response(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status=status, content_type="application/json; odata.metadata=minimal")


# -- synthetic data -----------------------------------------------------------------------------


def synthetic_written_questions(
    count: int,
    *,
    start: datetime = datetime(2021, 9, 1, 9, 0, tzinfo=UTC),
    office: str = "staatssecretaris van Justitie en Veiligheid",
) -> list[dict[str, Any]]:
    """``count`` written-question Zaken shaped like ``zaak-2021Z19601-*.json``.

    Variety on purpose: both timestamp styles, every 5th addressed to another ministry, every 3rd
    answered, every 4th postponed, every 7th with a deleted document, every 2nd with a co-asker.
    """
    if count > 49_999:
        raise ValueError("Zaak numbers have five digits")
    zaken = []
    for i in range(count):
        started = start + timedelta(hours=6 * i)
        changed = started + timedelta(hours=2, microseconds=i)
        zaak_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-tk/zaak/{i}"))
        local = started.astimezone(timezone(timedelta(hours=1)))
        # Alternate the two styles the real API mixes.
        started_text = (
            local.strftime("%Y-%m-%dT%H:%M:%S+01:00") if i % 2 == 0 else started.strftime("%Y-%m-%dT%H:%M:%S.%f0Z")
        )
        addressed = office if i % 5 else "minister van Financiën"
        actors = [
            _actor(zaak_id, i, 1, f"Lid{i}", "D66", "Tweede Kamerlid", "Indiener"),
            _actor(zaak_id, i, 3, "Bewindspersoon", None, addressed, "Gericht aan"),
        ]
        if i % 2 == 0:
            actors.insert(1, _actor(zaak_id, i, 2, f"Medelid{i}", "ChristenUnie", "Tweede Kamerlid", "Medeindiener"))
        documents = [_document(zaak_id, i, 1, "Schriftelijke vragen", started, f"Vragen van het lid Lid{i}")]
        if i % 4 == 0:
            documents.append(_document(zaak_id, i, 2, "Mededeling (uitstel antwoord)", started + timedelta(days=21), "Uitstelbericht"))
        if i % 3 == 0:
            documents.append(_document(zaak_id, i, 3, "Antwoord schriftelijke vragen", started + timedelta(days=30), "Antwoord"))
        if i % 7 == 0:
            documents.append({**_document(zaak_id, i, 4, "Mededeling", started, "Vragen ingetrokken"), "Verwijderd": True})
        zaken.append(
            {
                "Id": zaak_id,
                "Nummer": f"2021Z{50000 + i:05d}",
                "Soort": "Schriftelijke vragen",
                "Titel": f"Vragen van het lid Lid{i} over onderwerp {i}",
                "Onderwerp": f"Vragen van het lid Lid{i} over onderwerp {i}",
                "Status": "Vrijgegeven",
                "GestartOp": started_text,
                "Organisatie": "Tweede Kamer",
                "Termijn": None,
                "Vergaderjaar": "2021-2022",
                "Afgedaan": i % 3 == 0,
                "GrootProject": False,
                "GewijzigdOp": local.strftime("%Y-%m-%dT%H:%M:%S.513+01:00"),
                "ApiGewijzigdOp": changed.strftime("%Y-%m-%dT%H:%M:%S.%f0Z"),
                "Verwijderd": False,
                "ZaakActor": actors,
                "Document": documents,
            }
        )
    return zaken


def _actor(zaak_id: str, i: int, n: int, name: str, party: str | None, function: str, relation: str) -> dict[str, Any]:
    return {
        "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-tk/actor/{i}/{n}")),
        "Zaak_Id": zaak_id,
        "ActorNaam": name,
        "ActorFractie": party,
        "ActorAfkorting": None,
        "Functie": function,
        "Relatie": relation,
        "Persoon_Id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-tk/persoon/{name}")),
        "Fractie_Id": None,
        "Commissie_Id": None,
        "Verwijderd": False,
    }


def _document(zaak_id: str, i: int, n: int, soort: str, when: datetime, title: str) -> dict[str, Any]:
    return {
        "Id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"fake-tk/document/{i}/{n}")),
        "Soort": soort,
        "DocumentNummer": f"2021D{(60000 + i * 4 + n) % 100000:05d}",
        "Titel": title,
        "Onderwerp": title,
        "Datum": when.astimezone(timezone(timedelta(hours=1))).strftime("%Y-%m-%dT00:00:00+01:00"),
        "Volgnummer": -1,
        "Aanhangselnummer": None,
        "Verwijderd": False,
    }
