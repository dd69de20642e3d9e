"""Helpers of the DOCX body walker (``docx_walker``): the writer of a run of block elements
with its open lists and frame, and a table's cells placed on its grid."""

from __future__ import annotations

from typing import Any

from parliament_tracker.letters.engine.docx_styles import is_on, to_float
from parliament_tracker.letters.engine.ooxml import qn


class Blocks:
    """The HTML of a run of block elements being written, with its open lists (index = level)
    and its open frame (a run of paragraphs with the same framePr, drawn as one section: a /Sect in the tagged PDF)."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.lists: list[str] = []
        self.frame: tuple[str, list[str]] | None = None

    def close_lists(self, to: int = 0) -> None:
        while len(self.lists) > to:
            self.parts.append(f"</li></{self.lists.pop()}>")

    def close_frame(self) -> None:
        if self.frame is not None:
            self.parts.append(f'<section class="frame" style="{self.frame[0]}">{"".join(self.frame[1])}</section>')
            self.frame = None

    def close_all(self) -> None:
        self.close_lists()
        self.close_frame()

    def in_frame(self, css: str) -> list[str]:
        """The parts of the frame with ``css``, opened (after closing another) when needed."""
        if self.frame is None or self.frame[0] != css:
            self.close_frame()
            self.frame = (css, [])
        return self.frame[1]


def table_rows(tbl: Any) -> list[list[dict[str, Any]]]:
    """The table's cells placed on the grid, so a vMerge continuation extends the cell above
    (its rowspan) instead of becoming a cell of its own."""
    rows: list[list[dict[str, Any]]] = []
    anchor: dict[int, dict[str, Any]] = {}
    for tr in tbl.findall(qn("w:tr")):
        row: list[dict[str, Any]] = []
        col = 0
        trpr = tr.find(qn("w:trPr"))
        header = trpr is not None and is_on(trpr.find(qn("w:tblHeader")))
        for tc in tr.findall(qn("w:tc")):
            span, vmerge = _cell_span(tc.find(qn("w:tcPr")))
            if vmerge == "continue" and col in anchor:
                anchor[col]["rowspan"] += 1
            else:
                cell = {"tc": tc, "colspan": span, "rowspan": 1, "header": header}
                row.append(cell)
                anchor[col] = cell
            col += span
        rows.append(row)
    return rows


def _cell_span(tcpr: Any) -> tuple[int, str | None]:
    """(grid columns the cell spans, its vMerge value: "restart", "continue" or None)."""
    if tcpr is None:
        return 1, None
    gs = tcpr.find(qn("w:gridSpan"))
    span = int(to_float(gs.get(qn("w:val")), 1)) if gs is not None else 1
    vm = tcpr.find(qn("w:vMerge"))
    return span, (vm.get(qn("w:val"), "continue") if vm is not None else None)
