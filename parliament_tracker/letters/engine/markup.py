"""The drafter's small text markup for letter bodies and answers.

    A blank line starts a new paragraph.
    **bold**, *italic* and __underlined__ text.
    Lines starting with "- " (or "* ") are bulleted list items,
    lines starting with "1. " (any number) are numbered list items.
    A line starting with "## " is a sub-heading.
    A single line break inside a paragraph is kept as a line break.

``to_blocks`` turns it into the body format of ``letters.engine.context``; ``from_blocks`` goes back
(used when the API receives a list of paragraphs).
"""

from __future__ import annotations

import re
from typing import Any

Block = dict[str, Any]

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBER = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
_HEADING = re.compile(r"^\s*#{1,4}\s+(.*)$")
_MARK = re.compile(r"(\*\*.+?\*\*|__.+?__|(?<![\w*])\*(?!\s).+?(?<!\s)\*(?![\w*]))", re.DOTALL)

HELP_TEXT = (
    "Blank line = new paragraph; **bold**; *italic*; __underline__; "
    "lines starting with “- ” = bulleted list; “1. ” = numbered list; “## ” = sub-heading."
)


def runs(text: str) -> list[dict[str, Any]]:
    """Inline marks → runs. Unbalanced markers stay as typed."""
    out: list[dict[str, Any]] = []
    pos = 0
    for match in _MARK.finditer(text):
        if match.start() > pos:
            out.append({"text": text[pos : match.start()]})
        token = match.group(0)
        if token.startswith("**"):
            out.append({"text": token[2:-2], "bold": True})
        elif token.startswith("__"):
            out.append({"text": token[2:-2], "underline": True})
        else:
            out.append({"text": token[1:-1], "italic": True})
        pos = match.end()
    if pos < len(text):
        out.append({"text": text[pos:]})
    return out or [{"text": ""}]


def _line_block(line: str) -> Block | None:
    """A list item or heading line as its block; None for an ordinary line."""
    for kind, pattern in (("li", _BULLET), ("ol", _NUMBER), ("h", _HEADING)):
        match = pattern.match(line)
        if match:
            return {"type": kind, "runs": runs(match.group(1).strip())}
    return None


def to_blocks(text: str) -> list[Block]:
    """Markup → [{"type": "p"|"li"|"ol"|"h", "runs": [...]}]."""
    blocks: list[Block] = []
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    for chunk in re.split(r"\n\s*\n", text):
        paragraph: list[str] = []
        for line in (line.rstrip() for line in chunk.split("\n") if line.strip()):
            block = _line_block(line)
            if block is None:
                paragraph.append(line.strip())
                continue
            if paragraph:
                blocks.append({"type": "p", "runs": runs("\n".join(paragraph))})
                paragraph = []
            blocks.append(block)
        if paragraph:
            blocks.append({"type": "p", "runs": runs("\n".join(paragraph))})
    return blocks


def _mark(run: dict[str, Any]) -> str:
    text = str(run.get("text", ""))
    if run.get("bold"):
        text = f"**{text}**"
    if run.get("italic"):
        text = f"*{text}*"
    if run.get("underline"):
        text = f"__{text}__"
    return text


def from_blocks(blocks: list[Block]) -> str:
    """Body blocks → markup (consecutive list items stay on adjacent lines)."""
    out: list[str] = []
    previous = None
    counter = 0
    for block in blocks:
        kind = block.get("type", "p")
        line = "".join(_mark(r) for r in block.get("runs") or [{"text": block.get("text", "")}])
        counter = counter + 1 if kind == "ol" and previous == "ol" else 1
        prefix = {"li": "- ", "ol": f"{counter}. ", "h": "## "}.get(kind, "")
        separator = "\n" if kind in ("li", "ol") and previous == kind else "\n\n"
        if out:
            out.append(separator)
        out.append(prefix + line)
        previous = kind
    return "".join(out)


def plain(text: str) -> str:
    """Markup without its marks, e.g. for search and diff."""
    return "\n\n".join("".join(r["text"] for r in b["runs"]) for b in to_blocks(text))
