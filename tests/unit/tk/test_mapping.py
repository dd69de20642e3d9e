"""Pure mapping: API dicts -> ZaakData / ActivityData, kinds, reconcile, signatory matching."""

from __future__ import annotations

from datetime import date

import pytest

from parliament_tracker.cases.models import CaseKind
from parliament_tracker.tk.errors import TKBadResponse
from parliament_tracker.tk.mapping import (
    KINDS,
    activity_data_from_api,
    document_url,
    kind_for_soort,
    signatory_matches,
    zaak_data_from_api,
)
from tests.tk_fake import load_fixture


def _zaak(fixture: str) -> dict:
    return load_fixture(fixture)[0]


def _document(soort: str, datum: str, onderwerp: str = "", nummer: str = "2021D99700") -> dict:
    return {
        "Id": f"0f1a0000-2021-4000-8000-0000{nummer[-8:]}",
        "Soort": soort,
        "DocumentNummer": nummer,
        "Titel": onderwerp,
        "Onderwerp": onderwerp,
        "Datum": datum,
        "Verwijderd": False,
    }


def test_kinds_are_the_case_kinds() -> None:
    assert set(KINDS) == {kind.value for kind in CaseKind}


@pytest.mark.parametrize(
    "soort, kind",
    [
        ("Schriftelijke vragen", "written_questions"),
        ("schriftelijke  vragen", "written_questions"),
        ("Brief commissie", "committee_request"),
        ("Verzoek", "committee_request"),
        ("Rondvraagpunt procedurevergadering", "committee_request"),
        ("Motie", "motion"),
        ("Toezegging", "commitment"),
        ("Verzoek bij regeling van werkzaamheden", "plenary_request"),
        ("Verzoekschrift", "other"),  # a citizens' petition, not a committee request
        ("Mondelinge vragen", "other"),
        ("Brief regering", "other"),
        ("", "other"),
        (None, "other"),
    ],
)
def test_kind_for_soort(soort: str | None, kind: str) -> None:
    assert kind_for_soort(soort) == kind


def test_committee_letter_makes_an_unclear_zaak_a_committee_request() -> None:
    record = _zaak("zaak-2021Z19241-commissieverzoek")
    record["Soort"] = "Overig"
    assert zaak_data_from_api(record).kind == "committee_request"
    record["Document"] = []
    assert zaak_data_from_api(record).kind == "other"


def test_written_questions_fixture() -> None:
    data = zaak_data_from_api(_zaak("zaak-2021Z19601-open"))
    assert data.reference == "2021Z19601"
    assert data.subject.startswith("Vragen van de leden Podt en Ceder over het bericht")
    assert data.received_on == date(2021, 11, 5)
    assert data.members == (("Podt", "D66"), ("Ceder", "ChristenUnie"))
    assert data.committee is None
    assert data.addressed_to_offices == ("staatssecretaris van Justitie en Veiligheid",)
    assert data.dossier is None
    assert data.closed is False
    assert data.documents[0].number == "2021D99601"
    assert data.documents[0].date == date(2021, 11, 5)
    assert data.documents[0].url == (
        "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Document(0f1a0000-2021-4000-8000-000019601201)/resource"
    )


def test_co_submitters_follow_the_first_submitter_whatever_the_api_order() -> None:
    record = _zaak("zaak-2021Z19601-open")
    record["ZaakActor"].reverse()
    assert zaak_data_from_api(record).members == (("Podt", "D66"), ("Ceder", "ChristenUnie"))


def test_placeholder_actor_without_name_is_ignored() -> None:
    record = _zaak("zaak-2021Z19601-open")
    record["ZaakActor"].append({"Id": "0f1a0000-2021-4000-8000-000019601199", "Verwijderd": False})
    assert len(zaak_data_from_api(record).members) == 2


def test_answered_fixture() -> None:
    data = zaak_data_from_api(_zaak("zaak-2021Z19601-answered"))
    assert data.answered_on == date(2021, 11, 23)
    assert data.postponed_on is None
    assert data.withdrawn_on is None
    assert data.closed is True


def test_postponed_fixture() -> None:
    data = zaak_data_from_api(_zaak("zaak-2021Z19601-uitstel-variant"))
    assert data.postponed_on == date(2021, 11, 26)
    assert data.answered_on is None
    assert data.withdrawn_on is None


def test_supplementary_answer_counts_and_the_first_answer_wins() -> None:
    record = _zaak("zaak-2021Z19601-answered")
    record["Document"].append(_document("Antwoord schriftelijke vragen (nader)", "2021-12-10T00:00:00+01:00"))
    assert zaak_data_from_api(record).answered_on == date(2021, 11, 23)
    record["Document"] = [d for d in record["Document"] if d["Soort"] != "Antwoord schriftelijke vragen"]
    assert zaak_data_from_api(record).answered_on == date(2021, 12, 10)


def test_withdrawal_notice() -> None:
    record = _zaak("zaak-2021Z19601-open")
    record["Document"].append(
        _document("Mededeling", "2021-11-12T00:00:00+01:00", "Mededeling over het intrekken: vragen zijn Ingetrokken")
    )
    record["Document"].append(
        _document("Mededeling", "2021-11-10T00:00:00+01:00", "Mededeling over de volgorde", "2021D99701")
    )
    data = zaak_data_from_api(record)
    assert data.withdrawn_on == date(2021, 11, 12)
    assert data.answered_on is None and data.postponed_on is None


def test_postponement_is_not_a_withdrawal_even_if_it_says_ingetrokken() -> None:
    record = _zaak("zaak-2021Z19601-open")
    record["Document"].append(
        _document("Mededeling (uitstel antwoord)", "2021-11-26T00:00:00+01:00", "eerdere vragen ingetrokken")
    )
    data = zaak_data_from_api(record)
    assert data.withdrawn_on is None
    assert data.postponed_on == date(2021, 11, 26)


def test_documents_are_sorted_by_date() -> None:
    record = _zaak("zaak-2021Z19601-answered")
    record["Document"].reverse()
    assert [d.number for d in zaak_data_from_api(record).documents] == ["2021D99601", "2021D99602"]


@pytest.mark.parametrize(
    "started, expected",
    [
        ("2021-11-04T23:30:00Z", date(2021, 11, 5)),  # winter time, UTC+1
        ("2021-06-30T22:30:00Z", date(2021, 7, 1)),  # summer time, UTC+2
        ("2021-06-30T21:30:00Z", date(2021, 6, 30)),
    ],
)
def test_received_on_is_the_dutch_calendar_date(started: str, expected: date) -> None:
    record = _zaak("zaak-2021Z19601-open")
    record["GestartOp"] = started
    assert zaak_data_from_api(record).received_on == expected


def test_dossier_from_expanded_kamerstukdossier() -> None:
    record = _zaak("zaak-2021Z19601-open")
    record["Kamerstukdossier"] = load_fixture("kamerstukdossier-35925-VI")
    assert zaak_data_from_api(record).dossier == "35925-VI"
    record["Kamerstukdossier"] = {"Nummer": 36200, "Toevoeging": None, "Verwijderd": False}  # a single object
    assert zaak_data_from_api(record).dossier == "36200"


def test_committee_falls_back_to_a_submitting_committee() -> None:
    record = _zaak("zaak-2021Z19241-commissieverzoek")
    record["ZaakActor"] = [a for a in record["ZaakActor"] if a["Relatie"] != "Voortouwcommissie"]
    assert zaak_data_from_api(record).committee == "vaste commissie voor Justitie en Veiligheid"


@pytest.mark.parametrize(
    "change, names",
    [
        ({"GestartOp": "5 november"}, "field GestartOp"),
        ({"Nummer": None}, "Zaak record without Nummer"),
        ({"Document": "none"}, "expanded Document is not a list of records"),
        ({"Titel": 12}, "field Titel is int, expected text"),
    ],
)
def test_malformed_records_raise_bad_response(change: dict, names: str) -> None:
    record = _zaak("zaak-2021Z19601-open")
    record.update(change)
    with pytest.raises(TKBadResponse) as caught:
        zaak_data_from_api(record)
    assert names in caught.value.detail and repr(record["Id"]) in caught.value.detail, "the log names the field and the record"


def test_document_url_uses_the_configured_service() -> None:
    assert document_url("abc", "http://127.0.0.1:5000/OData/v4/2.0") == "http://127.0.0.1:5000/OData/v4/2.0/Document(abc)/resource"


# -- signatory ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "functie, title, expected",
    [
        ("staatssecretaris van Justitie en Veiligheid", "De Staatssecretaris van Justitie en Veiligheid", True),
        ("staatssecretaris van Justitie en Veiligheid", "De Staatssecretaris van Justitie en Veiligheid,", True),
        ("Staatssecretaris  van Justitie en\u00a0Veiligheid", "staatssecretaris van justitie en veiligheid", True),
        ("minister van Justitie en Veiligheid", "De Staatssecretaris van Justitie en Veiligheid", False),
        ("staatssecretaris van Justitie en Veiligheid", "De Staatssecretaris van Financiën", False),
        ("minister voor Rechtsbescherming", "De Minister van Justitie en Veiligheid", False),
        ("minister van Justitie", "De Minister van Justitie en Veiligheid", False),  # not a prefix match
        (None, "De Minister van Financiën", False),
        ("", "", False),
    ],
)
def test_signatory_matches(functie: str | None, title: str, expected: bool) -> None:
    assert signatory_matches(functie, title) is expected


# -- activities ---------------------------------------------------------------------------------


def test_budget_debate_activity() -> None:
    data = activity_data_from_api(load_fixture("activiteit-begrotingsbehandeling-jenv-2022")[0])
    assert data.number == "2021A99001"
    assert data.kind == "budget_debate"
    assert data.name == "Begroting Justitie en Veiligheid 2022 (35925-VI)"
    assert (data.starts_on, data.ends_on) == (date(2021, 11, 24), date(2021, 11, 25))
    assert data.status == "Uitgevoerd"
    assert data.committee == "Tweede Kamer"
    assert data.zaak_numbers == ("2021Z99925",)
    assert not data.is_moved and not data.is_cancelled


def test_moved_committee_debate() -> None:
    record = load_fixture("activiteit-begrotingsbehandeling-jenv-2022")[0]
    record.update(
        Soort="Commissiedebat",
        Onderwerp="Vreemdelingen- en asielbeleid",
        DatumSoort="Dag",
        Datum="2021-12-08T00:00:00+01:00",
        Aanvangstijd="2021-12-08T10:00:00+01:00",
        Eindtijd=None,
        Status="Verplaatst",
        Voortouwnaam="vaste commissie voor Justitie en Veiligheid",
    )
    data = activity_data_from_api(record)
    assert data.kind == "committee_debate"
    assert data.is_moved and not data.is_cancelled
    assert (data.starts_on, data.ends_on) == (date(2021, 12, 8), date(2021, 12, 8))
    assert data.committee == "vaste commissie voor Justitie en Veiligheid"


def test_cancelled_and_undated_activity() -> None:
    record = load_fixture("activiteit-begrotingsbehandeling-jenv-2022")[0]
    record.update(Soort="Procedurevergadering", DatumSoort="Nog geen datum bekend", Status="Geannuleerd")
    data = activity_data_from_api(record)
    assert data.kind == "procedure_meeting"
    assert data.is_cancelled
    assert data.starts_on is None and data.ends_on is None


@pytest.mark.parametrize(
    "change, names",
    [
        ({"Datum": "8 december"}, "field Datum"),
        ({"Id": None}, "Activiteit record without Id"),
        ({"Status": True}, "field Status is bool, expected text"),
        ({"Zaak": 7}, "expanded Zaak is not a list of records"),
    ],
)
def test_malformed_activity_raises_bad_response(change: dict, names: str) -> None:
    record = load_fixture("activiteit-begrotingsbehandeling-jenv-2022")[0]
    record.update(change)
    with pytest.raises(TKBadResponse) as caught:
        activity_data_from_api(record)
    assert names in caught.value.detail


def test_an_activity_that_is_not_an_object_raises_bad_response() -> None:
    with pytest.raises(TKBadResponse, match="Activiteit record is not an object"):
        activity_data_from_api(["not", "a", "record"])  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "soort, subject, kind",
    [
        ("Plenair debat", "Begroting Justitie en Veiligheid 2022", "budget_debate"),
        ("Plenair debat (debat)", "Debat over de IND", "plenary_debate"),
        ("Begrotingsoverleg", "Jaarverslag", "budget_debate"),
        ("Wetgevingsoverleg", "", "legislative_meeting"),
        ("Convocatie", "", "other"),
    ],
)
def test_activity_kinds(soort: str, subject: str, kind: str) -> None:
    from parliament_tracker.tk.mapping import activity_kind

    assert activity_kind(soort, subject) == kind
