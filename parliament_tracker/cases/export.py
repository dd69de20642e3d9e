"""Case list exports that open as columns in a Dutch Excel. Pure: rows in, text or bytes out.

CSV: semicolon separator (what a Dutch Excel expects), UTF-8 with BOM, column names and
labels in the reader's language, dates as dd-mm-jjjj, formula injection neutralised. XLSX
(its XML written row by row into a zip stream; openpyxl reads it in the tests): the same
columns, a frozen header row and real date cells. Both stream in constant memory. Rows are
plain tuples from one query (``cases.queries.export_rows``), never ORM objects.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
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


_EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (with its 1900 leap-year quirk, for dates after 1 March 1900)
#: characters XML 1.0 does not allow (openpyxl refuses them; a cell loses them)
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SHEET_NAME_ILLEGAL = re.compile(r"[\[\]:*?/\\]")


def _column_letter(n: int) -> str:
    letters = ""
    while n:
        n, rest = divmod(n - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _xml_text(value: str) -> str:
    return _ILLEGAL_XML.sub("", value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
    "</Relationships>"
)
#: cell styles: 0 plain, 1 a date (dd-mm-jjjj), 2 bold (the header row)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="DD-MM-YYYY"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews><sheetData>'
)


class _Sink:
    """An unseekable file for ``zipfile``: keeps what is written until it is taken."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def xlsx_chunks(rows: Iterable[Mapping[str, Any]], sheet_title: str = "Zaken", batch: int = 500) -> Iterator[bytes]:
    """The same columns as an .xlsx workbook (frozen header row, date cells as dates), in chunks
    as the rows come: the sheet's XML is written row by row (inline strings, dates as day
    numbers with a dd-mm-jjjj style) into a zip stream whose compressed bytes are handed on
    every ``batch`` rows. Constant memory and no temporary file; the zip's entries carry their
    sizes after their data (data descriptors), as Excel and openpyxl read them."""
    sink = _Sink()
    title = _SHEET_NAME_ILLEGAL.sub("", _ILLEGAL_XML.sub("", sheet_title))[:31] or "Zaken"
    letters = [_column_letter(i) for i in range(1, len(KEYS) + 1)]
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=5) as book:  # type: ignore[call-overload]
        book.writestr("[Content_Types].xml", _CONTENT_TYPES)
        book.writestr("_rels/.rels", _ROOT_RELS)
        book.writestr(
            "xl/workbook.xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{_xml_text(title).replace(chr(34), "&quot;")}" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        book.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        book.writestr("xl/styles.xml", _STYLES)
        yield sink.take()
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            head = "".join(
                f'<c r="{col}1" t="inlineStr" s="2"><is><t>{_xml_text(title_)}</t></is></c>'
                for col, title_ in zip(letters, header(), strict=True)
            )
            parts = [_SHEET_HEAD, f'<row r="1">{head}</row>']
            for number, row in enumerate(rows, start=2):
                cells = []
                for col, key in zip(letters, KEYS, strict=True):
                    value = row[key]
                    if key in DATE_KEYS:
                        if value is not None:
                            cells.append(f'<c r="{col}{number}" s="1"><v>{(value - _EPOCH).days}</v></c>')
                    elif key == "questions":
                        cells.append(f'<c r="{col}{number}"><v>{int(value or 0)}</v></c>')
                    else:
                        text = excel_safe(value)
                        if text:
                            cells.append(f'<c r="{col}{number}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>')
                parts.append(f'<row r="{number}">{"".join(cells)}</row>')
                if number % batch == 0:
                    sheet.write("".join(parts).encode())
                    parts.clear()
                    if chunk := sink.take():
                        yield chunk
            parts.append("</sheetData></worksheet>")
            sheet.write("".join(parts).encode())
    yield sink.take()


def xlsx_bytes(rows: Iterable[Mapping[str, Any]], sheet_title: str = "Zaken") -> bytes:
    """The whole workbook at once (small lists, tests)."""
    return b"".join(xlsx_chunks(rows, sheet_title))
