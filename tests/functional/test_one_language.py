"""One language at a time (issue 17): the Dutch pages show no English interface text and the
English pages no Dutch interface text (the data itself aside), walked as each role over the
demo data; the catalogue has no empty or fuzzy entries."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.functional.page_walk import walk

PO = Path(__file__).resolve().parents[2] / "parliament_tracker" / "translations" / "nl" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[#0 +-]*(?:\d+)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")
#: a literal piece of a message with placeholders this long is specific enough to look for
MIN_FRAGMENT = 14


def _catalogue():
    with PO.open("rb") as fileobj:
        return read_po(fileobj, locale="nl")


def _pairs() -> list[tuple[str, str]]:
    """(English, Dutch) of every message whose Dutch differs from its English."""
    pairs = []
    for message in _catalogue():
        if not message.id or isinstance(message.id, tuple):
            continue
        if message.string and message.string != message.id:
            pairs.append((message.id, message.string))
    return pairs


def _needles(texts: list[str]) -> tuple[set[str], list[str]]:
    """Whole texts (messages without placeholders) and literal fragments (of the others)."""
    whole, fragments = set(), []
    for text in texts:
        if PLACEHOLDER.search(text):
            fragments += [f.strip() for f in PLACEHOLDER.split(text) if len(f.strip()) >= MIN_FRAGMENT]
        else:
            whole.add(" ".join(text.split()))
    return whole, fragments


def _found(pages, texts: list[str], *, other: set[str]) -> list[str]:
    """Where a text of the other language shows; ``other``: texts that are the same in both."""
    whole, fragments = _needles(texts)
    whole -= other
    found = []
    for page in pages:
        joined = " | ".join(page.texts)
        for text in page.texts:
            if text in whole:
                found.append(f"{page.role} {page.path}: {text!r}")
        for fragment in fragments:
            if fragment in joined and fragment not in other:
                found.append(f"{page.role} {page.path}: …{fragment!r}…")
    return sorted(set(found))


def test_dutch_pages_have_no_untranslated_interface_text(client, login, seed):
    pairs = _pairs()
    dutch = {nl for _en, nl in pairs}
    pages = list(walk(client, login, seed, "nl"))
    assert len(pages) > 60
    found = _found(pages, [en for en, _nl in pairs], other=dutch)
    assert not found, f"{len(found)} English interface texts on Dutch pages:\n" + "\n".join(found[:80])


def test_english_pages_have_no_dutch_interface_text(client, login, seed):
    pairs = _pairs()
    english = {en for en, _nl in pairs}
    pages = list(walk(client, login, seed, "en"))
    found = _found(pages, [nl for _en, nl in pairs], other=english)
    assert not found, f"{len(found)} Dutch interface texts on English pages:\n" + "\n".join(found[:80])


def test_the_catalogue_has_no_empty_or_fuzzy_entries():
    catalogue = _catalogue()
    bad = [
        repr(m.id) for m in catalogue
        if m.id and (m.fuzzy or not all((s or "").strip() for s in (m.string if isinstance(m.string, tuple) else (m.string,))))
    ]
    assert not bad, "empty or fuzzy entries in messages.po:\n" + "\n".join(bad)
    assert not catalogue.obsolete, f"obsolete entries in messages.po: {list(catalogue.obsolete)[:10]}"
