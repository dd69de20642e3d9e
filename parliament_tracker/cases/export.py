"""CSV export: stable columns, UTF-8 with BOM for Excel, formula injection neutralised. Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

COLUMNS = (
    "reference",
    "kind",
    "subject",
    "received_on",
    "status",
    "lead_directorate",
    "drafter",
    "addressed_to",
    "requested_by",
    "dossier",
    "questions",
    "version",
)

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: Any) -> str:
    """Text that Excel will not evaluate: cells starting with a formula character get a quote."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def case_row(case: Any, question_count: int) -> list[str]:
    return [
        excel_safe(v)
        for v in (
            case.reference,
            case.kind.value,
            case.subject,
            case.received_on.isoformat(),
            case.status.value,
            case.lead_directorate.code if case.lead_directorate else "",
            case.drafter.display_name if case.drafter else "",
            case.addressed_to.office_title if case.addressed_to else "",
            case.requested_by_label,
            case.dossier or "",
            question_count,
            case.version,
        )
    ]


def csv_lines(rows: Iterable[tuple[Any, int]]) -> Iterator[str]:
    """The CSV text in chunks, starting with the BOM and the header row; rows are (case, question count)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for i, (case, question_count) in enumerate(rows, start=1):
        writer.writerow(case_row(case, question_count))
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
