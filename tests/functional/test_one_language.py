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


#: English function words: two of them in one text of a Dutch page is English the catalogue
#: does not know (a hard-coded string); the demo's data is all Dutch
ENGLISH = re.compile(r"\b(the|and|of|to|for|with|from|before|after|by|per|their|without|may|be|empty|sent|signed|version|changed|due)\b")
#: the rules engine's Dutch words: generated interface text, never data
ENGINE_DUTCH = re.compile(r"\b(ingezonden|uitstelbericht|werkdagen|werkdag|weken|gebruikelijke termijn|Reglement van Orde|uiterste datum|laatste werkdag)\b")


def _heuristic(pages, pattern: re.Pattern[str], least: int, *, known: set[str]) -> list[str]:
    """Texts with ``least`` words of ``pattern``; ``known``: the page language's own messages
    (an English message may name a Dutch term: "Postponement notice (uitstelbericht)")."""
    found = []
    for page in pages:
        for text in page.texts:
            if text in known or re.fullmatch(r"[\w.-]+\.(docx|pdf|zip)", text):
                continue
            if len({m.lower() for m in pattern.findall(text)}) >= least:
                found.append(f"{page.role} {page.path}: {text[:120]!r}")
    return sorted(set(found))


def _no_utc(pages) -> list[str]:
    return sorted({f"{page.role} {page.path}: {t[:80]!r}" for page in pages for t in page.texts if re.search(r"\bUTC\b", t)})


def test_dutch_pages_have_no_untranslated_interface_text(client, login, seed):
    pairs = _pairs()
    dutch = {nl for _en, nl in pairs}
    pages = list(walk(client, login, seed, "nl"))
    assert len(pages) > 60
    found = _found(pages, [en for en, _nl in pairs], other=dutch)
    found += _heuristic(pages, ENGLISH, 2, known=dutch)
    found += _no_utc(pages)
    assert not found, f"{len(found)} English interface texts on Dutch pages:\n" + "\n".join(found[:80])


def test_english_pages_have_no_dutch_interface_text(client, login, seed):
    pairs = _pairs()
    english = {en for en, _nl in pairs}
    pages = list(walk(client, login, seed, "en"))
    found = _found(pages, [nl for _en, nl in pairs], other=english)
    found += _heuristic(pages, ENGINE_DUTCH, 1, known=english)
    found += _no_utc(pages)
    assert not found, f"{len(found)} Dutch interface texts on English pages:\n" + "\n".join(found[:80])


def test_the_catalogue_has_no_empty_or_fuzzy_entries():
    catalogue = _catalogue()
    bad = [
        repr(m.id) for m in catalogue
        if m.id and (m.fuzzy or not all((s or "").strip() for s in (m.string if isinstance(m.string, tuple) else (m.string,))))
    ]
    assert not bad, "empty or fuzzy entries in messages.po:\n" + "\n".join(bad)
    assert not catalogue.obsolete, f"obsolete entries in messages.po: {list(catalogue.obsolete)[:10]}"
