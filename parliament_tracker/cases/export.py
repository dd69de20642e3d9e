"""Case list exports that open as columns in a Dutch Excel. Pure: rows in, text or bytes out.

CSV: semicolon separator (what a Dutch Excel expects), UTF-8 with BOM, column names and
labels in the reader's language, dates as dd-mm-jjjj, formula injection neutralised. XLSX
(openpyxl, write-only): the same columns, a frozen header row and real date cells. Rows are
plain tuples from one query (``cases.queries.export_rows``), never ORM objects.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from flask_babel import lazy_gettext as _l

#: (key, column name): the order of the columns in both formats
COLUMNS: tuple[tuple[str, Any], ...] = (
    ("reference", _l("Reference")),
    ("kind", _l("Kind")),
    ("subject", _l("Subject")),
    ("received_on", _l("Received")),
    ("due_on", _l("Answer due (legal)")),
    ("practical_due_on", _l("Deadline")),
    ("deadline_state", _l("Deadline status")),
    ("status", _l("Status")),
    ("lead_directorate", _l("Directorate")),
    ("drafter", _l("Drafter")),
    ("addressed_to", _l("Addressed to")),
    ("requested_by", _l("Requested by")),
    ("dossier", _l("Dossier")),
    ("questions", _l("Questions")),
)
KEYS = tuple(key for key, _title in COLUMNS)
DATE_KEYS = frozenset({"received_on", "due_on", "practical_due_on"})

#: a finished workbook larger than this is spooled to disk before it is streamed
SPOOL_BYTES = 4 * 1024 * 1024

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def excel_safe(value: Any) -> str:
    """Text that Excel will not evaluate: cells starting with a formula character get a quote."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def dutch_date(value: dt.date | None) -> str:
    return value.strftime("%d-%m-%Y") if value else ""


def header() -> list[str]:
    return [str(title) for _key, title in COLUMNS]


def labelled(row: Mapping[str, Any], labels: Callable[[str, Any], Any]) -> dict[str, Any]:
    """The row with enum values turned into their titles (``labels(key, value)``)."""
    return {key: labels(key, row.get(key)) for key in KEYS}


def csv_lines(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """The CSV text in chunks, starting with the BOM and the header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(header())
    for i, row in enumerate(rows, start=1):
        writer.writerow([dutch_date(row[k]) if k in DATE_KEYS else excel_safe(row[k]) for k in KEYS])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def xlsx_chunks(rows: Iterable[Mapping[str, Any]], sheet_title: str = "Zaken", chunk_size: int = 64 * 1024) -> Iterator[bytes]:
    """The same columns as an .xlsx workbook (frozen header row, date cells as dates), in chunks.

    Constant memory: openpyxl's write-only sheet writes each row to its own temporary file as
    it is appended, and the finished workbook goes to a spooled temporary file (on disk past
    ``SPOOL_BYTES``) that is read back in chunks; nothing holds all rows at once.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for title in header():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for row in rows:
        cells: list[Any] = []
        for key in KEYS:
            value = row[key]
            if key in DATE_KEYS:
                if value is None:
                    cells.append(None)
                    continue
                cell = WriteOnlyCell(sheet, value=value)
                cell.number_format = "DD-MM-YYYY"
                cells.append(cell)
            elif key == "questions":
                cells.append(int(value or 0))
            else:
                cells.append(excel_safe(value))
        sheet.append(cells)
    with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as out:
        workbook.save(out)
        out.seek(0)
        while chunk := out.read(chunk_size):
            yield chunk


def xlsx_bytes(rows: Iterable[Mapping[str, Any]], sheet_title: str = "Zaken") -> bytes:
    """The whole workbook at once (small lists, tests)."""
    return b"".join(xlsx_chunks(rows, sheet_title))
