import re

import pytest

from parliament_tracker.cases import references


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(" 2021z19241 ", "2021Z19241"), ("2021Z19601", "2021Z19601"), ("2021 Z 19601", "2021Z19601"), ("tz202412-116", "TZ202412-116")],
)
def test_normalise(raw, expected):
    assert references.normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("2021Z19601", "written_questions"),
        (" 2021z19241", "committee_request"),
        ("TZ202412-116", "commitment"),
        ("2024Z01234", "commitment"),
        ("35925-VI-12", "motion"),
        ("2021D99601", "other"),
    ],
)
def test_valid_per_kind(app, raw, kind):
    with app.test_request_context():
        assert references.validate(raw, kind) == references.normalise(raw)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("2021Z1960", "written_questions"),
        ("2021Z196011", "written_questions"),
        ("TZ202412-116", "written_questions"),
        ("35925-VI-12", "committee_request"),
        ("2021D99601", "written_questions"),
        ("TZ202413-116", "commitment"),
        ("1821Z19601", "written_questions"),
    ],
)
def test_invalid_per_kind_has_dutch_message(app, raw, kind):
    with app.test_request_context(headers={"Cookie": "lang=nl"}), pytest.raises(references.ReferenceError_) as info:
        references.validate(raw, kind)
    # The message names what was typed (normalised) and gives an example of the right format.
    assert references.normalise(raw) in info.value.message
    assert re.search(r"\d{4}Z\d{5}", info.value.message)


def test_find_references_in_text_keeps_order_and_normalises():
    text = "Zie ook 2021z19601 en kenmerk 2021Z19241/2021D12345; nogmaals 2021Z19601."
    assert references.find_references([text, None, "TZ202412-116"]) == ["2021Z19601", "2021Z19241", "TZ202412-116"]


def test_find_references_ignores_lookalikes():
    assert references.find_references(["bedrag 12021Z196011 en 2021Z1960"]) == []


def test_empty_reference_asks_for_one(app):
    with app.test_request_context(), pytest.raises(references.ReferenceError_) as info:
        references.validate("  ", "written_questions")
    assert "reference" in info.value.message.lower() or "kenmerk" in info.value.message.lower()
