"""Timeline sentences name fields and values in the reader's language (issue 17): no column
names ("Gewijzigd: subject") and no stored English ("3 paragraphs")."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from parliament_tracker.audit.describe import changes, sentence


def _entry(action: str, **details):
    return SimpleNamespace(action=action, details=details, actor_id=1, summary="untranslated summary")


@pytest.mark.parametrize(
    ("lang", "expected_sentence", "expected_rows"),
    [
        ("nl", "Gewijzigd: onderwerp, tekst van de brief.", [("Onderwerp", "Oud", "Nieuw"), ("Tekst van de brief", "2 alinea's", "1 alinea")]),
        ("en", "Edited: subject, text of the letter.", [("Subject", "Oud", "Nieuw"), ("Text of the letter", "2 paragraphs", "1 paragraph")]),
    ],
)
def test_a_letter_edit_is_told_in_the_readers_language(app, lang, expected_sentence, expected_rows):
    entry = _entry("letter:updated", changes={"subject": ["Oud", "Nieuw"], "body": ["2 paragraphs", "1 paragraphs"]})
    with app.test_request_context("/", headers={"Cookie": f"lang={lang}"}):
        assert sentence(entry) == expected_sentence
        assert changes(entry) == expected_rows


def test_a_status_moved_by_a_letter_names_the_letter(app):
    entry = _entry("case:status_changed", changes={"status": ["in_review", "answered"]}, letter_id=7)
    with app.test_request_context("/", headers={"Cookie": "lang=nl"}):
        text = sentence(entry)
    assert text.startswith("Status gewijzigd van") and text.endswith("door brief 7.")


def test_an_unknown_field_is_not_shown_by_its_column_name(app):
    with app.test_request_context("/", headers={"Cookie": "lang=nl"}):
        assert sentence(_entry("case:updated", changes={"frobnicated_on": [None, "x"]})) == "Gewijzigd: een ander veld."
