"""Build the template context from plain data (dataclasses, not ORM objects).

The body format is deliberately small so that a browser editor can produce it:

    [{"type": "p", "runs": [{"text": "Bij brief van …", "bold": false, "italic": false}]},
     {"type": "li", "runs": [...]},          # bulleted list item
     {"type": "ol", "runs": [...]},          # numbered list item
     {"type": "h", "runs": [...]}]           # sub-heading

``body_from_html`` turns a safe subset of HTML (p, h2–h4, ul/ol/li, b/strong,
i/em, u, br) into it; everything else is reduced to its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # docxtpl (with python-docx) is imported when a letter is filled (issue #19)
    from docxtpl import RichTextParagraph

from parliament_tracker.letters.engine.variables import KNOWN_VARIABLE_NAMES

TWEEDE_KAMER_ADDRESS = (
    "Aan de Voorzitter van de Tweede Kamer",
    "der Staten-Generaal",
    "Postbus 20018",
    "2500 EA  DEN HAAG",  # two spaces before the town, as PostNL wants it
)

# Paragraph style ids in the shipped templates (python-docx default style set).
_PARA_STYLES = {"p": None, "li": "ListBullet", "ol": "ListNumber", "h": "Heading3"}

Block = dict[str, Any]


@dataclass(frozen=True)
class Ministry:
    name: str
    visiting_address: str = ""
    postal_address: str = ""
    website: str = ""
    return_address: str = ""
    sender_unit: str = ""


@dataclass(frozen=True)
class Signatory:
    office: str  # without article: "Staatssecretaris van Justitie en Veiligheid"
    name: str


@dataclass(frozen=True)
class QuestionAnswer:
    """One answer covering one or more questions ("Antwoord op vraag 2 en 3")."""

    numbers: tuple[int, ...]
    questions: tuple[str, ...]
    answer: list[Block] | str


@dataclass(frozen=True)
class LetterData:
    subject: str
    letter_date: date | None
    ministry: Ministry
    signatories: tuple[Signatory, ...]
    body: list[Block] | str = ""
    our_reference: str = ""
    your_reference: str = ""
    your_letter_date: date | None = None
    attachments: tuple[str, ...] = ()
    attachments_count: int | None = None
    addressee_lines: tuple[str, ...] = TWEEDE_KAMER_ADDRESS
    # Written questions
    case_number: str = ""
    askers: tuple[str, ...] = ()  # "Podt (D66)", "Ceder (ChristenUnie)"
    questions_subject: str = ""
    questions_submitted: date | None = None
    answers: tuple[QuestionAnswer, ...] = ()
    postponement_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _runs(block: Block) -> list[dict[str, Any]]:
    runs = block.get("runs")
    if runs is None:
        runs = [{"text": block.get("text", "")}]
    return runs


def rich_body(body: list[Block] | str) -> RichTextParagraph:
    """Convert the structured body (or plain text with blank-line paragraphs) to docxtpl."""
    if isinstance(body, str):
        body = [{"type": "p", "runs": [{"text": chunk.strip("\n")}]}
                for chunk in body.replace("\r\n", "\n").split("\n\n")]
    from docxtpl import RichText, RichTextParagraph

    rp = RichTextParagraph()
    previous: str | None = None
    for block in body:
        kind = block.get("type", "p")
        if kind not in _PARA_STYLES:
            raise ValueError(f"unknown body block type {kind!r}")
        # House style separates paragraphs with one blank line (not "space after"),
        # so the DOCX the drafter downloads looks like a hand-made Kamerbrief.
        # Consecutive items of one list stay together.
        if previous is not None and not (kind == previous and kind in ("li", "ol")):
            rp.add(RichText(""))
        previous = kind
        rt = RichText()
        for run in _runs(block):
            # RichText escapes the text itself and turns "\n" into a line break.
            rt.add(str(run.get("text", "")), bold=bool(run.get("bold")),
                   italic=bool(run.get("italic")), underline=bool(run.get("underline")))
        rp.add(rt, parastyle=_PARA_STYLES[kind])
    return rp


def body_text(body: list[Block] | str) -> str:
    """Plain text of a body, for search and previews."""
    if isinstance(body, str):
        return body
    return "\n\n".join("".join(str(r.get("text", "")) for r in _runs(b)) for b in body)


def join_and(values: Iterable[Any]) -> str:
    """["A", "B", "C"] → "A, B en C": how Dutch letters list names (also the template filter)."""
    items = [str(v) for v in values]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def askers_phrase(askers: tuple[str, ...]) -> str:
    """"het lid Podt (D66)" or "de leden Podt (D66) en Ceder (ChristenUnie)"."""
    if not askers:
        return ""
    if len(askers) == 1:
        return f"het lid {askers[0]}"
    return f"de leden {join_and(askers)}"


def answer_label(numbers: tuple[int, ...]) -> str:
    return "Antwoord op vraag " + join_and([str(n) for n in numbers])


def qa_items(answers: tuple[QuestionAnswer, ...]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for qa in answers:
        if len(qa.numbers) != len(qa.questions):
            raise ValueError("every question number needs its question text")
        for number, text in zip(qa.numbers, qa.questions):
            items.append({"kind": "question", "number": number, "text": text})
        items.append({"kind": "answer", "numbers": list(qa.numbers),
                      "label": answer_label(qa.numbers), "body": rich_body(qa.answer)})
    return items


def build_context(data: LetterData) -> dict[str, Any]:
    """Every known variable gets a value, so any template that passed the check can render."""
    first = data.signatories[0] if data.signatories else Signatory("", "")
    attachments_count = data.attachments_count if data.attachments_count is not None else len(data.attachments)
    ctx: dict[str, Any] = {
        "subject": data.subject,
        "letter_date": data.letter_date,
        "our_reference": data.our_reference,
        "your_reference": data.your_reference,
        "your_letter_date": data.your_letter_date,
        "attachments_count": attachments_count,
        "attachments": list(data.attachments),
        "ministry_name": data.ministry.name,
        "sender_unit": data.ministry.sender_unit,
        "ministry_visiting_address": data.ministry.visiting_address,
        "ministry_postal_address": data.ministry.postal_address,
        "ministry_website": data.ministry.website,
        "return_address": data.ministry.return_address,
        "addressee_lines": list(data.addressee_lines),
        "signatory_office": first.office,
        "signatory_name": first.name,
        "signatories": [{"office": s.office, "name": s.name} for s in data.signatories],
        "co_signatories_phrase": join_and([f"de {s.office}" for s in data.signatories[1:]]),
        "body": rich_body(data.body),
        "case_number": data.case_number,
        "askers_phrase": askers_phrase(data.askers),
        "questions_subject": data.questions_subject,
        "questions_submitted": data.questions_submitted,
        "qa_items": qa_items(data.answers),
        "postponement_reason": data.postponement_reason,
    }
    assert set(ctx) == KNOWN_VARIABLE_NAMES, set(ctx) ^ KNOWN_VARIABLE_NAMES  # contract stays in sync
    ctx.update(data.extra)
    return ctx


# --------------------------------------------------------------------------- HTML subset

class _BodyParser(HTMLParser):
    _BLOCKS = {"p": "p", "div": "p", "h2": "h", "h3": "h", "h4": "h"}
    _MARKS = {"b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.current: Block | None = None
        self.marks: dict[str, int] = {"bold": 0, "italic": 0, "underline": 0}
        self.lists: list[str] = []
        self.skip = 0

    def _open(self, kind: str) -> None:
        self._close()
        self.current = {"type": kind, "runs": []}

    def _close(self) -> None:
        if self.current is not None and self.current["runs"]:
            last = self.current["runs"][-1]
            last["text"] = last["text"].rstrip(" ")
        if self.current is not None and (self.current["runs"] or self.current["type"] == "p"):
            self.blocks.append(self.current)
        self.current = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in self._BLOCKS:
            self._open(self._BLOCKS[tag])
        elif tag in ("ul", "ol"):
            self._close()
            self.lists.append(tag)
        elif tag == "li":
            self._open("ol" if self.lists and self.lists[-1] == "ol" else "li")
        elif tag in self._MARKS:
            self.marks[self._MARKS[tag]] += 1
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in self._BLOCKS or tag == "li":
            self._close()
        elif tag in ("ul", "ol") and self.lists:
            self._close()
            self.lists.pop()
        elif tag in self._MARKS:
            self.marks[self._MARKS[tag]] = max(0, self.marks[self._MARKS[tag]] - 1)

    def handle_data(self, data: str) -> None:
        if self.skip:
            return
        if data != "\n":
            # HTML whitespace rules: runs of whitespace are one space; none at a block start.
            data = re.sub(r"\s+", " ", data)
            if self.current is None or not self.current["runs"]:
                data = data.lstrip()
        if not data:
            return
        if self.current is None:
            self.current = {"type": "p", "runs": []}
        self.current["runs"].append({"text": data, **{k: v > 0 for k, v in self.marks.items()}})


def body_from_html(html: str) -> list[Block]:
    """Reduce editor HTML to the structured body; unknown tags keep only their text."""
    parser = _BodyParser()
    parser.feed(html)
    parser.close()
    parser._close()
    return parser.blocks
