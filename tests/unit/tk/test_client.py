"""TKClient against the fake OData server, over real HTTP on 127.0.0.1."""

from __future__ import annotations

import copy
import socket
import time
from datetime import UTC, date, datetime

import pytest

from parliament_tracker.tk.client import TKClient
from parliament_tracker.tk.errors import TKBadResponse, TKError, TKNotFound, TKUnavailable
from parliament_tracker.tk.mapping import to_zaak_data
from tests.tk_fake import FakeTK, load_fixture, synthetic_written_questions

from .conftest import FAST

JENV = "staatssecretaris van Justitie en Veiligheid"


def _zaak(fixture: str, **changes: object) -> dict:
    record = load_fixture(fixture)[0]
    record.update(changes)
    return record


# -- get by number ------------------------------------------------------------------------------


def test_get_written_questions_by_number(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.extend([_zaak("zaak-2021Z19241-commissieverzoek"), _zaak("zaak-2021Z19601-open")])

    zaak = client.get_zaak("2021z19601 ")
    assert zaak is not None
    data = to_zaak_data(zaak)

    assert data.reference == "2021Z19601"
    assert data.kind == "written_questions"
    assert data.received_on == date(2021, 11, 5)
    assert data.members == (("Podt", "D66"), ("Ceder", "ChristenUnie"))
    assert data.addressed_to_offices == (JENV,)
    assert [d.soort for d in data.documents] == ["Schriftelijke vragen"]
    assert (data.answered_on, data.postponed_on, data.withdrawn_on) == (None, None, None)
    sent = fake_tk.requests[-1]
    assert sent["$expand"] == "ZaakActor,Document"
    assert "Verwijderd eq false" in sent["$filter"]


def test_get_committee_request_by_number(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.extend([_zaak("zaak-2021Z19601-open"), _zaak("zaak-2021Z19241-commissieverzoek")])

    data = to_zaak_data(client.get_zaak("2021Z19241"))

    assert data.kind == "committee_request"
    assert data.received_on == date(2021, 11, 2)
    assert data.committee == "vaste commissie voor Justitie en Veiligheid"
    assert data.members == ()  # the committee is the submitter, not a member
    assert data.addressed_to_offices == (JENV,)


def test_unknown_number_gives_none(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open"))
    assert client.get_zaak("2021Z00001") is None


def test_quotes_in_a_number_are_escaped_not_injected(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open"))
    # Unescaped, this would become "... or Nummer eq '2021Z19601'" and return the Zaak.
    assert client.get_zaak("X' or Nummer eq '2021Z19601") is None


# -- paging -------------------------------------------------------------------------------------


def test_pages_are_followed_through_next_link(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.page_size = 3
    fake_tk.zaken.extend(synthetic_written_questions(8))

    numbers = [z.number for z in client.iter_zaken("Soort eq 'Schriftelijke vragen'")]

    assert numbers == [f"2021Z{50000 + i}" for i in range(8)]
    assert len(fake_tk.requests) == 3
    assert [r.get("$skip") for r in fake_tk.requests] == [None, "3", "6"]


def test_limit_stops_paging_early(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.page_size = 3
    fake_tk.zaken.extend(synthetic_written_questions(8))

    assert len(list(client.iter_zaken(limit=4))) == 4
    assert fake_tk.requests[0]["$top"] == "4"
    assert len(fake_tk.requests) == 2


def test_next_link_to_another_host_is_refused(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.fail_next(
        "body", payload={"value": [], "@odata.nextLink": "https://evil.example/OData/v4/2.0/Zaak?$skip=250"}
    )
    with pytest.raises(TKBadResponse):
        list(client.iter_zaken())
    assert len(fake_tk.requests) == 1


def test_repeated_next_link_is_refused(fake_tk: FakeTK, client: TKClient) -> None:
    loop = {"value": [], "@odata.nextLink": fake_tk.base_url + "Zaak?$skip=3"}
    fake_tk.fail_next("body", times=3, payload=loop)
    with pytest.raises(TKBadResponse, match="repeats"):
        list(client.iter_zaken())


# -- deleted records ----------------------------------------------------------------------------


def test_deleted_zaken_are_not_returned(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open", Verwijderd=True))
    fake_tk.zaken.append(_zaak("zaak-2021Z19241-commissieverzoek"))

    assert client.get_zaak("2021Z19601") is None
    assert [z.number for z in client.iter_zaken()] == ["2021Z19241"]


def test_deleted_rows_the_server_still_sends_are_dropped(fake_tk: FakeTK, client: TKClient) -> None:
    deleted = _zaak("zaak-2021Z19601-open", Verwijderd=True)
    fake_tk.fail_next("body", payload={"value": [deleted, _zaak("zaak-2021Z19241-commissieverzoek")]})
    assert [z.number for z in client.iter_zaken()] == ["2021Z19241"]


def test_deleted_actors_and_documents_inside_expansions_are_dropped(fake_tk: FakeTK, client: TKClient) -> None:
    answered = _zaak("zaak-2021Z19601-answered")
    answered["Document"][1]["Verwijderd"] = True  # the answer was withdrawn from the data
    answered["ZaakActor"][1]["Verwijderd"] = True  # Ceder
    fake_tk.zaken.append(answered)

    data = to_zaak_data(client.get_zaak("2021Z19601"))

    assert data.members == (("Podt", "D66"),)
    assert data.answered_on is None
    assert [d.number for d in data.documents] == ["2021D99601"]


# -- timestamps ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "started, expected",
    [
        ("2021-11-05T00:00:00+01:00", date(2021, 11, 5)),
        ("2021-11-04T23:00:00Z", date(2021, 11, 5)),  # UTC, but 5 Nov in The Hague
        ("2021-11-04T23:30:00.1234567Z", date(2021, 11, 5)),
        ("2021-11-05T10:12:13.123Z", date(2021, 11, 5)),
        ("2021-11-05T23:59:59.44+01:00", date(2021, 11, 5)),
    ],
)
def test_both_timestamp_styles_over_http(fake_tk: FakeTK, client: TKClient, started: str, expected: date) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open", GestartOp=started))
    assert to_zaak_data(client.get_zaak("2021Z19601")).received_on == expected


# -- errors and retries -------------------------------------------------------------------------


def test_server_errors_are_retried_with_exponential_backoff(
    fake_tk: FakeTK, client: TKClient, sleeps: list[float]
) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open"))
    fake_tk.fail_next("status", status=500)
    fake_tk.fail_next("status", status=503)

    assert client.get_zaak("2021Z19601") is not None
    assert len(fake_tk.requests) == 3
    assert sleeps == [0.001, 0.002]


def test_rate_limit_is_retried(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open"))
    fake_tk.fail_next("status", status=429)
    assert client.get_zaak("2021Z19601") is not None


def test_persistent_server_error_gives_unavailable_after_bounded_retries(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.fail_next("status", status=500, times=10)
    with pytest.raises(TKUnavailable) as caught:
        client.get_zaak("2021Z19601")
    assert len(fake_tk.requests) == 3  # 1 + max_retries
    assert caught.value.message == "The Tweede Kamer data service is not reachable at the moment. Please try again later."
    assert "HTTP 500" in caught.value.detail


def test_backoff_really_waits_and_is_capped(fake_tk: FakeTK) -> None:
    fake_tk.fail_next("status", status=502, times=3)
    tk = TKClient(fake_tk.base_url, max_retries=3, backoff_base=0.05, backoff_max=0.08, read_timeout=0.5)
    started = time.monotonic()
    assert list(tk.iter_zaken()) == []
    # waits 0.05 + 0.08 (capped, not 0.10) + 0.08 (capped, not 0.20)
    assert 0.2 <= time.monotonic() - started < 1.0


def test_timeout_gives_unavailable_after_bounded_retries(fake_tk: FakeTK) -> None:
    fake_tk.fail_next("timeout", times=5, delay=3.0)
    tk = TKClient(fake_tk.base_url, read_timeout=0.1, max_retries=1, backoff_base=0.001)
    started = time.monotonic()
    with pytest.raises(TKUnavailable, match="timeout"):
        tk.get_zaak("2021Z19601")
    assert time.monotonic() - started < 1.5
    assert len(fake_tk.requests) == 2


def test_timeout_then_success(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open"))
    fake_tk.fail_next("timeout", delay=3.0)
    client.timeout = (0.5, 0.1)
    assert client.get_zaak("2021Z19601") is not None


def test_connection_refused_gives_unavailable(sleeps: list[float]) -> None:
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    tk = TKClient(f"http://127.0.0.1:{port}/OData/v4/2.0/", sleep=sleeps.append, **FAST)
    with pytest.raises(TKUnavailable, match="network error"):
        tk.get_zaak("2021Z19601")
    assert len(sleeps) == 2


@pytest.mark.parametrize("kind", ["bad_json", "html"])
def test_unreadable_body_gives_bad_response_without_retry(fake_tk: FakeTK, client: TKClient, kind: str) -> None:
    fake_tk.fail_next(kind)
    with pytest.raises(TKBadResponse) as caught:
        client.get_zaak("2021Z19601")
    assert caught.value.message == "The Tweede Kamer data service sent an answer that could not be read."
    assert len(fake_tk.requests) == 1


@pytest.mark.parametrize("payload", [{"value": {"Id": "x"}}, ["not", "an", "object"], {"value": ["text"]}, {}])
def test_unexpected_shape_gives_bad_response(fake_tk: FakeTK, client: TKClient, payload: object) -> None:
    fake_tk.fail_next("body", payload=payload)
    with pytest.raises(TKBadResponse):
        client.get_zaak("2021Z19601")


def test_record_with_unreadable_timestamp_gives_bad_response(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.append(_zaak("zaak-2021Z19601-open", GestartOp="vrijdag 5 november"))
    with pytest.raises(TKBadResponse, match="GestartOp"):
        client.get_zaak("2021Z19601")


def test_empty_result(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.extend([_zaak("zaak-2021Z19601-open"), _zaak("zaak-2021Z19241-commissieverzoek")])
    fake_tk.fail_next("empty", times=3)
    assert client.get_zaak("2021Z19601") is None
    assert client.zaken_by_numbers(["2021Z19601", "2021Z19241"]) == []
    assert client.new_written_questions("Justitie", since=datetime(2021, 1, 1, tzinfo=UTC)) == []


def test_not_found(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.fail_next("not_found")
    with pytest.raises(TKNotFound) as caught:
        client.get_zaak("2021Z19601")
    assert caught.value.status == 404
    assert len(fake_tk.requests) == 1


def test_wrong_base_url_gives_not_found(fake_tk: FakeTK) -> None:
    tk = TKClient(fake_tk.base_url.replace("/v4/", "/v3/"), **FAST)
    with pytest.raises(TKNotFound):
        tk.get_zaak("2021Z19601")


def test_rejected_query_is_a_plain_error_and_not_retried(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.fail_next("status", status=400)
    with pytest.raises(TKError) as caught:
        client.get_zaak("2021Z19601")
    assert type(caught.value) is TKError
    assert caught.value.status == 400
    assert len(fake_tk.requests) == 1


# -- batches and watch queries ------------------------------------------------------------------


def test_zaken_by_numbers_keeps_order_and_skips_unknown(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.extend([_zaak("zaak-2021Z19601-open"), _zaak("zaak-2021Z19241-commissieverzoek")])
    fake_tk.zaken.extend(synthetic_written_questions(3))

    found = client.zaken_by_numbers(["2021Z50002", "2021Z19601", "2021Z99999", "2021z19601"], chunk_size=2)

    assert [z.number for z in found] == ["2021Z50002", "2021Z19601"]
    assert len(fake_tk.requests) == 2  # three distinct numbers in chunks of two


def test_new_written_questions_since_watermark(fake_tk: FakeTK, client: TKClient) -> None:
    zaken = synthetic_written_questions(10)  # every 5th (0, 5) goes to Financiën
    fake_tk.zaken.extend(reversed(zaken))  # server order must not matter
    later = "2030-01-01T00:00:00.1234567Z"
    fake_tk.zaken.append(_zaak("zaak-2021Z19241-commissieverzoek", ApiGewijzigdOp=later))  # not a question
    watermark = client.get_zaak("2021Z50004").changed_at

    found = client.new_written_questions("justitie en  VEILIGHEID", since=watermark)

    assert [z.number for z in found] == ["2021Z50006", "2021Z50007", "2021Z50008", "2021Z50009"]
    assert "ApiGewijzigdOp gt " in fake_tk.requests[-1]["$filter"]
    assert fake_tk.requests[-1]["$orderby"] == "ApiGewijzigdOp"


def test_new_written_questions_watch_several_offices(fake_tk: FakeTK, client: TKClient) -> None:
    fake_tk.zaken.extend(synthetic_written_questions(6))
    found = client.new_written_questions(["Financiën", "Justitie"], since=datetime(2020, 1, 1, tzinfo=UTC))
    assert len(found) == 6


def test_watermark_must_be_timezone_aware(client: TKClient) -> None:
    with pytest.raises(ValueError, match="timezone"):
        client.new_written_questions("Justitie", since=datetime(2021, 11, 1))


# -- activities ---------------------------------------------------------------------------------


def _committee_debate(number: str, when: str, status: str, committee: str, abbreviation: str, cid: str) -> dict:
    record = copy.deepcopy(load_fixture("activiteit-begrotingsbehandeling-jenv-2022")[0])
    record.update(
        Id=f"0f1a0000-2021-4000-8000-0000a00{number[-5:]}",
        Nummer=number,
        Soort="Commissiedebat",
        Onderwerp="Vreemdelingen- en asielbeleid",
        DatumSoort="Dag",
        Datum=when,
        Aanvangstijd=when,
        Eindtijd=None,
        Status=status,
        Voortouwnaam=committee,
        Voortouwafkorting=abbreviation,
        Voortouwcommissie_Id=cid,
        Zaak=[],
    )
    return record


JENV_ID = "0f1a0000-2021-4000-8000-0000000c0001"


@pytest.fixture
def activities(fake_tk: FakeTK) -> FakeTK:
    fake_tk.activiteiten.extend(load_fixture("activiteit-begrotingsbehandeling-jenv-2022"))
    jenv = ("vaste commissie voor Justitie en Veiligheid", "J&V", JENV_ID)
    fake_tk.activiteiten.append(_committee_debate("2021A99002", "2021-12-08T10:00:00+01:00", "Verplaatst", *jenv))
    fake_tk.activiteiten.append(_committee_debate("2021A99003", "2021-10-01T10:00:00+02:00", "Uitgevoerd", *jenv))
    other = ("vaste commissie voor Financiën", "FIN", "0f1a0000-2021-4000-8000-0000000c0002")
    fake_tk.activiteiten.append(_committee_debate("2021A99004", "2021-12-09T10:00:00+01:00", "Gepland", *other))
    return fake_tk


def test_activities_of_a_committee_since_a_date(activities: FakeTK, client: TKClient) -> None:
    found = client.activiteiten(["J&V"], since=date(2021, 11, 1))
    assert [a.number for a in found] == ["2021A99002"]
    assert found[0].status == "Verplaatst"


def test_activities_by_committee_id_and_plenary(activities: FakeTK, client: TKClient) -> None:
    found = client.activiteiten([JENV_ID.upper(), "Tweede Kamer"], since=datetime(2021, 9, 1, tzinfo=UTC))
    assert [a.number for a in found] == ["2021A99003", "2021A99001", "2021A99002"]  # by date


def test_activities_until_and_kinds(activities: FakeTK, client: TKClient) -> None:
    found = client.activiteiten(
        ["vaste commissie voor Justitie en Veiligheid", "Tweede Kamer"],
        since=date(2021, 11, 1),
        until=date(2021, 11, 30),
        soorten=["Plenair debat"],
    )
    assert [a.number for a in found] == ["2021A99001"]


def test_activities_need_a_committee(client: TKClient) -> None:
    with pytest.raises(ValueError):
        client.activiteiten([" "], since=date(2021, 11, 1))
