"""Splitting pasted written-question text into numbered questions. Pure."""

from __future__ import annotations

import re

# "1. ...", "1) ...", "Vraag 1 ...", "Vraag 1: ..." at the start of a line
_NUMBERED = re.compile(r"^\s*(?:vraag\s+)?(\d{1,3})\s*[.):]?\s+(?=\S)", re.IGNORECASE | re.MULTILINE)


def split_questions(text: str) -> list[tuple[int, str]]:
    """Split pasted text into (number, question) pairs.

    Numbers found at line starts are used when they run 1, 2, 3 …; otherwise each
    non-empty paragraph becomes the next question. Text before the first number is
    the introduction and is dropped.
    """
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        return []
    matches = list(_NUMBERED.finditer(text))
    numbers = [int(m.group(1)) for m in matches]
    if matches and numbers == list(range(1, len(numbers) + 1)):
        result = []
        for i, match in enumerate(matches):
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            body = _clean(text[match.end() : end])
            result.append((numbers[i], body))
        return [(n, t) for n, t in result if t]
    paragraphs = [_clean(p) for p in re.split(r"\n\s*\n", text)]
    return [(i, p) for i, p in enumerate((p for p in paragraphs if p), start=1)]


def _clean(fragment: str) -> str:
    return re.sub(r"\s+", " ", fragment).strip()
