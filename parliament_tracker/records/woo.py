"""The Woo file (Wet open overheid): every document of one or more cases, once, with an inventory.

A Woo file is one ZIP:

- ``inventarislijst.xlsx`` and ``inventarislijst.pdf``: one row per document: number, date,
  document type, title, sender/recipient, case reference and file name, and the empty columns
  the Woo team fills in (beoordeling: openbaar / deels openbaar / niet openbaar, weigeringsgronden,
  toelichting);
- ``documenten/<number>-<reference>-<what>.<ext>``: each document, named by its inventory number.

Per case (and per case linked to it, ``WOO_LINK_DEPTH`` levels deep, 1 by default): the case
summary (metadata, questions, links) as PDF, the timeline (the audit trail in Dutch sentences,
the case's and its letters') as PDF, every attachment, every letter version (DOCX and PDF),
the signed PDF with its validation report (text and JSON), every notification and e-mail the
app made about the case (``.eml``), and every contribution (PDF) with its file.

A document reached twice (a letter answering two exported cases, a case linked to two others)
has one identity (its ``key``) and is listed once. Documents are made only when their key is
new, so the expensive ones (PDFs) are never made twice.

Services here only read (and record the export in the audit log); they never commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from parliament_tracker.audit.describe import sentence
from parliament_tracker.audit.services import entries_for, record
from parliament_tracker.auth.models import User
from parliament_tracker.cases import links as case_links
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.services import contributions_for
from parliament_tracker.db import today_local
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval import signing, verification
from parliament_tracker.letters.approval.archive import report_text
from parliament_tracker.letters.downloads import TamperedFile, check_hashes
from parliament_tracker.letters.engine.pdf import render_pdf
from parliament_tracker.letters.models import Letter, LetterVersion
from parliament_tracker.letters.services import letters_for_case
from parliament_tracker.notifications.models import Notification

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json"
TEXT = "text/plain"
EML = "message/rfc822"
ZIP = "application/zip"

DOCUMENTS_FOLDER = "documenten"
INVENTORY_XLSX = "inventarislijst.xlsx"
INVENTORY_PDF = "inventarislijst.pdf"

#: the inventory's columns (Dutch: the Woo file is read and published in Dutch)
COLUMNS = ("Nr.", "Datum", "Documenttype", "Titel / omschrijving", "Afzender / ontvanger", "Zaak", "Bestandsnaam")
ASSESSMENT_COLUMNS = ("Beoordeling (openbaar / deels openbaar / niet openbaar)", "Weigeringsgrond(en)", "Toelichting")
ASSESSMENTS = ("openbaar", "deels openbaar", "niet openbaar")


@dataclasses.dataclass(frozen=True)
class Document:
    """One document of a Woo file with its inventory row (the number is given when listed)."""

    key: str
    date: dt.date | None
    doc_type: str
    title: str
    party: str
    case_reference: str
    #: a short ASCII word for the file name ("zaakoverzicht", "brief-v2")
    slug: str
    extension: str
    mimetype: str
    data: bytes

    def filename(self, number: int) -> str:
        return f"{number:04d}-{_ascii(self.case_reference)}-{_ascii(self.slug)}.{self.extension}"

    def row(self, number: int) -> dict[str, Any]:
        return {
            "number": number,
            "date": self.date.isoformat() if self.date else None,
            "doc_type": self.doc_type,
            "title": self.title,
            "party": self.party,
            "case_reference": self.case_reference,
            "filename": self.filename(number),
            "mimetype": self.mimetype,
            "sha256": hashlib.sha256(self.data).hexdigest(),
            "size": len(self.data),
        }


def _ascii(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-")[:60] or "document"


# -- which cases --------------------------------------------------------------------------------


def link_depth(requested: int | None = None) -> int:
    """How deep linked cases are followed: the request's (0-3), else ``WOO_LINK_DEPTH``."""
    depth = requested if requested is not None else int(current_app.config.get("WOO_LINK_DEPTH", 1))
    return max(0, min(3, depth))


def with_linked(cases: Sequence[Case], depth: int) -> list[Case]:
    """The cases, then the cases linked to them up to ``depth`` levels, each once, in that order."""
    seen = {c.id: c for c in cases}
    level = list(cases)
    for _ in range(depth):
        following: list[Case] = []
        for case in level:
            for link in case_links.links_of(case):
                if link.case.id not in seen:
                    seen[link.case.id] = link.case
                    following.append(link.case)
        level = following
    return list(seen.values())


# -- the documents of one case ------------------------------------------------------------------

#: (key, make) pairs: a document is made only when its key is new to the file
Producer = tuple[str, Callable[[], Document]]


def _print(template: str, title: str, **context: Any) -> bytes:
    """A Dutch print page (``templates/records/print/``) as PDF/A-2b."""
    with force_locale("nl"):
        html = current_app.jinja_env.get_template(f"records/print/{template}").render(
            title=title, ministry=current_app.config.get("MINISTRY_NAME", ""), **context
        )
    return render_pdf(html, title=title)


def _day(value: dt.datetime | dt.date | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _summary(case: Case) -> Document:
    links = case_links.links_of(case)
    data = _print("case_summary.html", f"Zaakoverzicht {case.reference}", case=case, links=links)
    return Document(
        f"case:{case.id}:summary", case.received_on, "Zaakoverzicht (gegevens, vragen, koppelingen)", case.subject,
        f"{case.requested_by_label or '-'} → {case.addressed_to.label if case.addressed_to else '-'}",
        case.reference, "zaakoverzicht", "pdf", PDF, data,
    )


def _timeline(case: Case, letters: Sequence[Letter]) -> Document:
    with force_locale("nl"):
        sections = [("Zaak " + case.reference, [(e, sentence(e)) for e in reversed(entries_for(case))])]
        for letter in letters:
            sections.append((f"Brief {letter.id}: {letter.subject}", [(e, sentence(e)) for e in reversed(entries_for(letter))]))
    data = _print("timeline.html", f"Tijdlijn {case.reference}", case=case, sections=sections)
    last = max((e.created_at for _title, rows in sections for e, _s in rows), default=None)
    return Document(
        f"case:{case.id}:timeline", _day(last) or case.received_on, "Tijdlijn (audittrail)", f"Tijdlijn van {case.reference}",
        "-", case.reference, "tijdlijn", "pdf", PDF, data,
    )


def _attachment(case: Case, attachment: Any) -> Document:
    extension = attachment.filename.rsplit(".", 1)[-1].lower() if "." in attachment.filename else "bin"
    return Document(
        f"attachment:{attachment.id}", _day(attachment.created_at), "Bijlage", attachment.filename,
        f"{case.requested_by_label or '-'} → ministerie", case.reference, "bijlage", _ascii(extension), attachment.content_type,
        attachment.content,
    )


def _letter_party(letter: Letter) -> str:
    signatory = letter.signatory.label if letter.signatory else "-"
    addressee = (letter.addressee or "-").splitlines()[0]
    return f"{signatory} → {addressee}"


def _checked(letter: Letter, version: LetterVersion) -> LetterVersion:
    try:
        check_hashes(letter, version)
    except TamperedFile as exc:
        current_app.logger.error("%s", exc)
        raise DomainError(
            f"Brief {letter.id} versie {version.number} komt niet overeen met de vastgelegde SHA-256; "
            "het Woo-dossier is niet gemaakt. Meld dit bij de beheerder.",
            kind=Kind.conflict,
        ) from exc
    return version


def _letter_producers(case: Case, letter: Letter) -> Iterator[Producer]:
    signature = signing.signature_of(letter)
    for version in letter.versions:
        signed = signature is not None and signature.version_id == version.id
        label = "Ondertekende brief" if signed else f"Brief ({letter.kind.label.lower()}), versie {version.number}"

        def docx(version: LetterVersion = version, label: str = label) -> Document:
            _checked(letter, version)
            return Document(
                f"letter_version:{version.id}:docx", _day(version.created_at), f"{label} (DOCX)", letter.subject,
                _letter_party(letter), case.reference, f"brief-{letter.id}-v{version.number}", "docx", DOCX, version.docx,
            )

        def pdf(version: LetterVersion = version, label: str = label, signed: bool = signed) -> Document:
            _checked(letter, version)
            slug = f"brief-{letter.id}-v{version.number}" + ("-ondertekend" if signed else "")
            return Document(
                f"letter_version:{version.id}:pdf", _day(version.created_at), f"{label} (PDF)", letter.subject,
                _letter_party(letter), case.reference, slug, "pdf", PDF, version.pdf,
            )

        yield f"letter_version:{version.id}:docx", docx
        yield f"letter_version:{version.id}:pdf", pdf
        if signed:
            yield from _report_producers(case, letter, version)


def _report_producers(case: Case, letter: Letter, version: LetterVersion) -> Iterator[Producer]:
    cache: dict[str, Any] = {}

    def report() -> dict[str, Any]:
        if "report" not in cache:
            cache["report"] = verification.verify(version.pdf).as_json()
        return cache["report"]

    def text() -> Document:
        return Document(
            f"letter:{letter.id}:validation:txt", _day(version.created_at), "Validatierapport handtekening (tekst)",
            f"Validatie van de ondertekende brief {letter.our_reference or letter.id}", "-", case.reference,
            f"brief-{letter.id}-validatierapport", "txt", TEXT, report_text(report()).encode(),
        )

    def as_json() -> Document:
        data = json.dumps(report(), indent=2, ensure_ascii=False).encode() + b"\n"
        return Document(
            f"letter:{letter.id}:validation:json", _day(version.created_at), "Validatierapport handtekening (JSON)",
            f"Validatie van de ondertekende brief {letter.our_reference or letter.id}", "-", case.reference,
            f"brief-{letter.id}-validatierapport", "json", JSON, data,
        )

    yield f"letter:{letter.id}:validation:txt", text
    yield f"letter:{letter.id}:validation:json", as_json


def _email(notification: Notification) -> bytes:
    message = EmailMessage()
    message["From"] = current_app.config.get("MAIL_SENDER", "")
    delivery = notification.delivery("email")
    message["To"] = delivery.address if delivery is not None else notification.recipient_label
    message["Date"] = format_datetime(notification.created_at)
    message["Subject"] = notification.subject
    message["X-Parliament-Tracker-Kind"] = notification.kind.value
    message.set_content(notification.body_text)
    if notification.body_html:
        message.add_alternative(notification.body_html, subtype="html")
    return message.as_bytes()


def _notification(case: Case, notification: Notification) -> Document:
    by_mail = notification.delivery("email") is not None
    return Document(
        f"notification:{notification.id}", _day(notification.created_at),
        "E-mail" if by_mail else "Melding in de applicatie", notification.subject,
        f"Parliament Tracker → {notification.recipient_label}", case.reference, f"melding-{notification.id}", "eml", EML,
        _email(notification),
    )


def _contribution(case: Case, contribution: Contribution) -> Document:
    data = _print("contribution.html", f"Bijdrage {contribution.id} bij {case.reference}", case=case, c=contribution)
    asker = contribution.asked_by.display_name if contribution.asked_by else "-"
    return Document(
        f"contribution:{contribution.id}", _day(contribution.created_at), "Verzoek om een bijdrage en antwoord",
        contribution.request_text.splitlines()[0][:200] if contribution.request_text else f"Bijdrage {contribution.id}",
        f"{asker} → {contribution.contributor_label}", case.reference, f"bijdrage-{contribution.id}", "pdf", PDF, data,
    )


def _contribution_file(case: Case, contribution: Contribution) -> Document:
    name = contribution.answer_filename or "bijdrage"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else "bin"
    return Document(
        f"contribution:{contribution.id}:file", _day(contribution.delivered_at), "Bijlage bij een bijdrage", name,
        f"{contribution.contributor_label} → {contribution.asked_by.display_name if contribution.asked_by else '-'}",
        case.reference, f"bijdrage-{contribution.id}-bestand", _ascii(extension),
        contribution.answer_content_type or "application/octet-stream", contribution.answer_content or b"",
    )


def _whole(case: Case) -> Case:
    """The case again, with what its documents show: a linked case comes from ``links_of``, which
    loads its columns only (raiseload), and any later ``links_of`` loads it so again."""
    return db.session.scalars(
        sa.select(Case)
        .where(Case.id == case.id)
        .options(*case_services.shown_options(attachments=True))
        .execution_options(populate_existing=True)
    ).unique().one()


def producers(case: Case) -> Iterator[Producer]:
    """Every document of one case, as (key, make) in inventory order."""
    case = _whole(case)
    letters = sorted(letters_for_case(case), key=lambda letter: letter.id)
    yield f"case:{case.id}:summary", lambda: _summary(case)
    yield f"case:{case.id}:timeline", lambda: _timeline(case, letters)
    for attachment in case.attachments:
        yield f"attachment:{attachment.id}", functools.partial(_attachment, case, attachment)
    for letter in letters:
        yield from _letter_producers(case, letter)
    for contribution in sorted(contributions_for(case), key=lambda c: c.id):
        yield f"contribution:{contribution.id}", functools.partial(_contribution, case, contribution)
        if contribution.answer_content is not None and contribution.answer_filename:
            yield f"contribution:{contribution.id}:file", functools.partial(_contribution_file, case, contribution)
    notifications = db.session.scalars(
        sa.select(Notification).where(Notification.case_id == case.id).order_by(Notification.created_at, Notification.id)
    )
    for notification in notifications:
        yield f"notification:{notification.id}", functools.partial(_notification, case, notification)


def documents(cases: Iterable[Case], seen: set[str]) -> Iterator[Document]:
    """The documents of these cases whose keys are not in ``seen`` (which grows as they come)."""
    for case in cases:
        for key, make in producers(case):
            if key in seen:
                continue
            seen.add(key)
            yield make()


# -- the inventory and the ZIP ------------------------------------------------------------------


def inventory_xlsx(rows: Sequence[dict[str, Any]], title: str) -> bytes:
    """The inventory as a workbook: frozen header, real dates, a choice list for the assessment."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = "Inventarislijst"
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append([*COLUMNS, *ASSESSMENT_COLUMNS])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        date = dt.date.fromisoformat(row["date"]) if row.get("date") else None
        sheet.append([row["number"], date, row["doc_type"], _cell(row["title"]), _cell(row["party"]), row["case_reference"],
                      row["filename"], None, None, None])
        if date is not None:
            sheet.cell(row=sheet.max_row, column=2).number_format = "DD-MM-YYYY"
    sheet.freeze_panes = "A3"
    for letter, width in zip("ABCDEFGHIJ", (6, 12, 34, 50, 40, 14, 44, 22, 22, 30), strict=True):
        sheet.column_dimensions[letter].width = width
    if rows:
        choice = DataValidation(type="list", formula1='"' + ",".join(ASSESSMENTS) + '"', allow_blank=True)
        sheet.add_data_validation(choice)
        choice.add(f"H3:H{len(rows) + 2}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(value: str) -> str:
    """Text Excel will not evaluate as a formula."""
    return "'" + value if value.startswith(("=", "+", "-", "@")) else value


def inventory_pdf(rows: Sequence[dict[str, Any]], title: str, references: Sequence[str]) -> bytes:
    return _print("inventory.html", title, rows=rows, columns=COLUMNS, assessment_columns=ASSESSMENT_COLUMNS,
                  references=references, made_on=today_local())


@dataclasses.dataclass(frozen=True)
class WooFile:
    filename: str
    data: bytes
    rows: list[dict[str, Any]]

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def assemble(title: str, filename: str, references: Sequence[str], parts: Iterable[tuple[dict[str, Any], bytes]]) -> WooFile:
    """The ZIP: the inventory (XLSX and PDF) and each document under its inventory name."""
    buffer = io.BytesIO()
    rows: list[dict[str, Any]] = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for row, data in parts:
            rows.append(row)
            method = zipfile.ZIP_STORED if row["mimetype"] in (PDF, DOCX, ZIP) else zipfile.ZIP_DEFLATED
            archive.writestr(f"{DOCUMENTS_FOLDER}/{row['filename']}", data, compress_type=method)
        archive.writestr(INVENTORY_XLSX, inventory_xlsx(rows, title), compress_type=zipfile.ZIP_STORED)
        archive.writestr(INVENTORY_PDF, inventory_pdf(rows, title, references), compress_type=zipfile.ZIP_STORED)
    return WooFile(filename, buffer.getvalue(), rows)


def numbered(docs: Iterable[Document], start: int = 1) -> Iterator[tuple[dict[str, Any], bytes]]:
    for number, doc in enumerate(docs, start):
        yield doc.row(number), doc.data


def case_file(case: Case, *, actor: User | None, depth: int | None = None) -> WooFile:
    """The Woo file of one case and its linked cases; recorded in the audit log of each case."""
    depth = link_depth(depth)
    cases = with_linked([case], depth)
    references = [c.reference for c in cases]
    title = f"Inventarislijst Woo-dossier {case.reference}"
    stamp = today_local().isoformat()
    woo = assemble(title, f"woo-{case.reference}-{stamp}.zip", references, numbered(documents(cases, set())))
    for included in cases:
        record(
            "case:woo_exported",
            included,
            f"Woo file of {case.reference} exported ({len(woo.rows)} documents)",
            actor=actor,
            exported_case=case.reference,
            cases=references,
            documents=len(woo.rows),
            link_depth=depth,
            zip_sha256=woo.sha256,
        )
    return woo
