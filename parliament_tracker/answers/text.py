"""Dutch text for the answer index: tokens and Snowball stems, the same at index and query time.

SQLite has no Dutch stemmer; FTS5 gets the stems made here (``snowballstemmer``'s
``dutch_porter``: the Snowball algorithm PostgreSQL's ``dutch`` configuration uses, so both
databases find the same words; Snowball 3's newer ``dutch`` stems differently, e.g.
"gemeente" → "meen"). Pure: no database.
"""

from __future__ import annotations

import functools
import re
from typing import Any

_WORD = re.compile(r"[^\W_]+", re.UNICODE)

#: frequent Dutch words that say nothing about a question's subject (and the question formulas)
_STOPWORD_TEXT = """
    aan af al als alsmede altijd ander andere bent ben bij bijvoorbeeld binnen ook daar daarbij
    daarin daarmee daarom dan dat de deze die dit doch doen door dus een eens en er ge geen
    geweest had heb hebben heeft hem het hier hij hoe hoeveel hoezeer hun ik in is ja je kan kon
    kunnen kunt maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons
    ook op over reeds te tegen toch toen tot u uit uw van veel voor want waren was wat waarom
    welke wanneer waar we wel werd wordt worden wezen wie wij wil zal ze zelf zich zij zijn zo
    zonder zou zouden kunt bent vraag vragen antwoord antwoorden bent kent bekend bereid
    hiervan hierover hierbij daarvan daarover welk deelt mening wilt kunt u
"""
STOPWORDS = frozenset(_STOPWORD_TEXT.split())

#: an overly long "word" (a pasted URL or hash) is not a search term
MAX_WORD = 40


@functools.lru_cache(maxsize=1)
def _stemmer() -> Any:
    import snowballstemmer  # on the first search or index, not with the app (issue #19: start-up)

    return snowballstemmer.stemmer("dutch_porter")


def words(text: str) -> list[str]:
    """The lower-cased words of ``text`` (letters and digits), without stopwords."""
    return [w for w in _WORD.findall((text or "").lower()) if w not in STOPWORDS and len(w) <= MAX_WORD]


@functools.lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    return _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    """Every word's stem, in order (for the index)."""
    return [stem(w) for w in words(text)]


def stemmed(text: str) -> str:
    """The text as stems separated by spaces: what SQLite's FTS5 table holds."""
    return " ".join(stems(text))


def query_terms(text: str, limit: int = 24) -> list[str]:
    """The distinct stems of a query, in order, at most ``limit`` (a whole question as query)."""
    out: list[str] = []
    for s in stems(text):
        if len(s) > 1 and s not in out:
            out.append(s)
        if len(out) >= limit:
            break
    return out

