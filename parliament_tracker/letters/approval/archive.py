"""The archive package of a sent letter: one ZIP to move the letter into a records system as it is.

Contents (``<stem>`` is the letter's file stem, e.g. ``kamerbrief-2021Z19241``):

- ``<stem>-ondertekend.pdf``   the signed PDF/A, byte for byte as signed (hash-checked first);
- ``<stem>.docx``              the DOCX of the signed version;
- ``validatierapport.json``    the signature validation report: the verify page's facts (verdict,
                                PAdES level, timestamps, certificate chain, embedded validation data);
- ``validatierapport.txt``     the same report for people;
- ``mdto.json``                archive metadata after MDTO (Metagegevens Duurzaam Toegankelijke
                                Overheidsinformatie): identificatie, naam, aggregatieniveau,
                                classificatie, omschrijving, dekkingInTijd/datering, betrokkene,
                                gerelateerdInformatieobject (the cases), event (ondertekening,
                                verzending), archiefvormer, taal and per file a bestand with
                                omvang, bestandsformaat (MIME type) and checksum (SHA-256);
- ``manifest-sha256.txt``      SHA-256 of every other file (``sha256sum -c`` checks the package).

Every download is audited ("letter:archive_downloaded", with who and the package's SHA-256).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app
from flask_babel import gettext as _

from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.downloads import content_disposition
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.letters import rendering
from parliament_tracker.letters.approval import signing, verification
from parliament_tracker.letters.approval.models import Signature
from parliament_tracker.letters.downloads import DOCX_MIME, PDF_MIME, checked_version
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.letters.versions import file_stem

ZIP_MIME = "application/zip"
JSON_MIME = "application/json"
TEXT_MIME = "text/plain"


class NotArchivable(DomainError):
    """Only a sent letter (signed, then recorded as sent) has an archive package."""

    kind = Kind.conflict


@dataclass(frozen=True)
class ArchiveFile:
    name: str
    data: bytes
    mimetype: str
    #: PRONOM identifier of the format, where one applies
    pronom: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass(frozen=True)
class ArchivePackage:
    filename: str
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _iso(value: dt.date | dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def report_text(report: dict[str, Any]) -> str:
    """The validation report for people (Dutch, as the archive's readers are)."""
    lines = [
        "Validatierapport handtekening",
        "=============================",
        f"Oordeel: {report['verdict']} ({report['verdict_text']})",
        f"Gevalideerd op: {report['validated_at']}",
        f"SHA-256 van de PDF: {report['sha256']}",
        f"Ondertekend: {'ja' if report['signed'] else 'nee'}",
        f"Ongewijzigd sinds ondertekening: {'ja' if report['intact'] else 'nee'}",
        f"Certificaat vertrouwd: {'ja' if report['trusted'] else 'nee'}",
        f"PAdES-niveau: {report['level'] or '-'}",
        f"Ondertekenaar (certificaat): {report['signer_certificate'] or '-'}",
        f"Tijdstip ondertekening: {report['signing_time'] or '-'}",
    ]
    ts = report["timestamp"]
    if ts:
        lines.append(
            f"Tijdstempel: {ts['time']} door {ts['authority']} "
            f"({'vertrouwd' if ts['trusted'] else 'niet vertrouwd'})"
        )
    for doc_ts in report["document_timestamps"]:
        lines.append(
            f"Documenttijdstempel: {doc_ts['time']} door {doc_ts['authority']} "
            f"({'vertrouwd' if doc_ts['trusted'] else 'niet vertrouwd'}, "
            f"{'ongewijzigd' if doc_ts['intact'] else 'gewijzigd'})"
        )
    data = report["validation_data"]
    if data:
        lines.append(
            f"Ingebedde validatiegegevens: {data['certificates']} certificaten, "
            f"{data['ocsp_responses']} OCSP-antwoorden, {data['crls']} CRL's"
        )
    if report["long_term_validation"]:
        lines.append("Het certificaat is beoordeeld op het tijdstip van de tijdstempel, met alleen de ingebedde gegevens.")
    lines += ["", "Certificaatketen (ondertekenaar eerst):"]
    for i, cert in enumerate(report["certificate_chain"], 1):
        lines += [
            f"  {i}. {cert['subject']}",
            f"     uitgegeven door: {cert['issuer']}",
            f"     geldig van {cert['not_before']} tot {cert['not_after']}",
            f"     serienummer: {cert['serial']}; SHA-256: {cert['sha256']}",
        ]
    return "\n".join(lines) + "\n"


def _bestand(file: ArchiveFile, checked_on: str) -> dict[str, Any]:
    fmt: dict[str, Any] = {"begripLabel": file.mimetype, "begripBegrippenlijst": {"verwijzingNaam": "IANA media types"}}
    if file.pronom:
        fmt = {"begripLabel": file.mimetype, "begripCode": file.pronom,
               "begripBegrippenlijst": {"verwijzingNaam": "PRONOM"}}
    return {
        "naam": file.name,
        "omvang": len(file.data),
        "bestandsformaat": fmt,
        "checksum": {
            "checksumAlgoritme": {"begripLabel": "SHA-256", "begripBegrippenlijst": {"verwijzingNaam": "MDTO checksumalgoritmen"}},
            "checksumWaarde": file.sha256,
            "checksumDatum": checked_on,
        },
    }


def mdto_metadata(letter: Letter, signature: Signature, files: list[ArchiveFile], report: dict[str, Any]) -> dict[str, Any]:
    """MDTO-shaped metadata of the letter as one informatieobject (Archiefstuk) with its files."""
    cfg = current_app.config
    checked_on = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    classification = dict(cfg.get("ARCHIVE_CLASSIFICATION") or {})
    creator = cfg.get("ARCHIVE_CREATOR") or ""
    signatory = signature.signatory or letter.signatory
    signatory_name = signatory.label if signatory else ""
    return {
        "schema": "MDTO 1.0 (JSON-weergave)",
        "informatieobject": {
            "identificatie": [
                {"identificatieKenmerk": letter.our_reference, "identificatieBron": "Ons kenmerk"},
                {"identificatieKenmerk": str(letter.id), "identificatieBron": "Parliament Tracker brief-id"},
            ],
            "naam": letter.subject,
            "aggregatieniveau": {"begripLabel": "Archiefstuk"},
            "classificatie": {
                "begripLabel": classification.get("label") or letter.kind.label,
                "begripCode": classification.get("code") or letter.kind.value,
                "begripBegrippenlijst": {"verwijzingNaam": classification.get("scheme") or "Parliament Tracker briefsoorten"},
            },
            "omschrijving": f"{letter.kind.label}: {letter.subject}"
            + (f" (antwoord op {', '.join(c.reference for c in rendering.answered_cases(letter))})"
               if rendering.answered_cases(letter) else ""),
            "datering": {"briefdatum": _iso(letter.letter_date), "ondertekend": _iso(signature.signed_at),
                         "verzonden": _iso(letter.sent_on)},
            "dekkingInTijd": {"dekkingInTijdType": {"begripLabel": "Briefdatum"},
                              "dekkingInTijdBegindatum": _iso(letter.letter_date),
                              "dekkingInTijdEinddatum": _iso(letter.sent_on or letter.letter_date)},
            "betrokkene": _betrokkenen(letter, signatory_name, report),
            "gerelateerdInformatieobject": _related(letter),
            "event": _events(letter, signature, signatory_name, report),
            "archiefvormer": {"verwijzingNaam": creator},
            "taal": "nl",
            "handtekening": {"niveau": report["level"], "oordeel": report["verdict"],
                              "tijdstempel": report["timestamp"], "certificaat": report["signer_certificate"]},
        },
        "bestand": [_bestand(f, checked_on) for f in files],
    }


def _betrokkenen(letter: Letter, signatory_name: str, report: dict[str, Any]) -> list[dict[str, Any]]:
    """The author (the signatory), the signer (the certificate) and the addressee."""
    return [
        {"betrokkeneTypeRelatie": {"begripLabel": "Auteur"},
         "betrokkeneActor": {"verwijzingNaam": signatory_name}},
        {"betrokkeneTypeRelatie": {"begripLabel": "Ondertekenaar"},
         "betrokkeneActor": {"verwijzingNaam": report["signer_certificate"] or ""}},
        {"betrokkeneTypeRelatie": {"begripLabel": "Geadresseerde"},
         "betrokkeneActor": {"verwijzingNaam": letter.addressee or ""}},
    ]


def _related(letter: Letter) -> list[dict[str, Any]]:
    """The cases the letter answers or mentions, by their Tweede Kamer number."""
    return [
        {"gerelateerdInformatieobjectVerwijzing": {"verwijzingNaam": link.case.subject,
                                                   "verwijzingIdentificatie": {
                                                       "identificatieKenmerk": link.case.reference,
                                                       "identificatieBron": "Tweede Kamer zaaknummer"}},
         "gerelateerdInformatieobjectTypeRelatie": {"begripLabel": str(link.role.label)}}
        for link in letter.case_links
    ]


def _events(letter: Letter, signature: Signature, signatory_name: str, report: dict[str, Any]) -> list[dict[str, Any]]:
    """Signing (with the validation's verdict) and, once sent, sending."""
    events = [{"eventType": {"begripLabel": "Ondertekening"}, "eventTijd": _iso(signature.signed_at),
               "eventVerantwoordelijkeActor": {"verwijzingNaam": signatory_name},
               "eventResultaat": report["verdict"]}]
    if letter.sent_on:
        events.append({"eventType": {"begripLabel": "Verzending"}, "eventTijd": _iso(letter.sent_on)})
    return events


def _letter_and_signature(letter: Letter) -> Signature:
    if letter.status != LetterStatus.sent:
        raise NotArchivable(_("Only a sent letter has an archive package; this letter is “%(s)s”.", s=letter.status.label))
    signature = signing.signature_of(letter)
    if signature is None:  # a sent letter is always signed; refuse rather than package unsigned files
        raise NotArchivable(_("This letter has no signature to archive."))
    return signature


def build_package(letter: Letter, *, actor: User) -> ArchivePackage:
    """The ZIP of a sent letter; the download is recorded in the audit log."""
    signature = _letter_and_signature(letter)
    version = checked_version(letter, signature.version)
    stem = file_stem(letter)
    checked = verification.verify(version.pdf)
    report = checked.as_json()
    report_bytes = json.dumps(report, indent=2, ensure_ascii=False).encode() + b"\n"
    files = [
        ArchiveFile(f"{stem}-ondertekend.pdf", version.pdf, PDF_MIME, "fmt/479"),  # PDF/A-2b
        ArchiveFile(f"{stem}.docx", version.docx, DOCX_MIME, "fmt/412"),
        ArchiveFile("validatierapport.json", report_bytes, JSON_MIME, "fmt/817"),
        ArchiveFile("validatierapport.txt", report_text(report).encode(), TEXT_MIME, "x-fmt/111"),
    ]
    metadata = json.dumps(mdto_metadata(letter, signature, files, report), indent=2, ensure_ascii=False).encode() + b"\n"
    files.append(ArchiveFile("mdto.json", metadata, JSON_MIME, "fmt/817"))
    manifest = "".join(f"{f.sha256}  {f.name}\n" for f in files).encode()
    files.append(ArchiveFile("manifest-sha256.txt", manifest, TEXT_MIME, "x-fmt/111"))
    buffer = io.BytesIO()
    entry_time = signature.signed_at.timetuple()[:6]  # the files are as they were at signing
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for f in files:
            info = zipfile.ZipInfo(f"{stem}/{f.name}", date_time=entry_time)
            info.compress_type = zipfile.ZIP_STORED if f.mimetype == PDF_MIME else zipfile.ZIP_DEFLATED
            archive.writestr(info, f.data)
    package = ArchivePackage(f"{stem}-archief.zip", buffer.getvalue())
    record(
        "letter:archive_downloaded",
        letter,
        f"Archive package of letter {letter.id} (Ons kenmerk {letter.our_reference}) downloaded",
        actor=actor,
        package_sha256=package.sha256,
        pdf_sha256=signature.pdf_sha256,
        verdict=report["verdict"],
        level=report["level"],
    )
    return package


def package_response(package: ArchivePackage) -> Response:
    response = Response(package.data, mimetype=ZIP_MIME)
    response.headers["Content-Disposition"] = content_disposition(package.filename)
    response.headers["Cache-Control"] = "no-store"
    return response
