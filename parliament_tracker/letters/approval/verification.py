"""Verification of an uploaded PDF: one verdict (valid, modified, not trusted, not signed,
unreadable) with the facts it was reached from; the verify page and the API both show it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from parliament_tracker.extensions import db
from parliament_tracker.letters.approval.models import Signature
from parliament_tracker.letters.approval.signing import trust_roots
from parliament_tracker.letters.engine import signing


@dataclasses.dataclass(frozen=True)
class Verification:
    sha256: str
    result: signing.VerificationResult
    signature: Signature | None

    @property
    def verdict(self) -> signing.Verdict:
        return self.result.verdict

    @property
    def verdict_text(self) -> str:
        return str(VERDICT_TITLES[self.verdict])

    @property
    def level_text(self) -> str:
        return str(LEVEL_TEXTS.get(self.result.level, ""))

    def as_json(self) -> dict[str, Any]:
        """The verdict first; the facts it was reached from beside it."""
        r = self.result
        sig = self.signature
        return {
            "verdict": self.verdict.value,
            "verdict_text": self.verdict_text,
            "sha256": self.sha256,
            "signed": r.signed,
            "intact": r.intact and r.covers_whole_document,
            "trusted": r.trusted,
            "signer_certificate": r.signer_subject or None,
            "signing_time": r.signing_time.isoformat() if r.signing_time else None,
            "level": r.level or None,
            "level_text": str(LEVEL_TEXTS[r.level]) if r.level in LEVEL_TEXTS else None,
            "timestamp": r.timestamp.as_json() if r.timestamp else None,
            "document_timestamps": [ts.as_json() for ts in r.document_timestamps],
            "certificate_chain": [c.as_json() for c in r.chain],
            "validation_data": r.validation_data,
            "long_term_validation": r.long_term,
            "validated_at": r.validated_at.isoformat() if r.validated_at else None,
            "known_letter": sig is not None,
            "letter": None
            if sig is None
            else {
                "id": sig.letter_id,
                "our_reference": sig.our_reference,
                "letter_date": sig.letter_date.isoformat(),
                "signatory": sig.signatory.label if sig.signatory else None,
                "signed_by": sig.signed_by.username if sig.signed_by else None,
                "signed_at": sig.signed_at.isoformat(),
            },
        }


VERDICT_TITLES = {
    signing.Verdict.valid: _l("Signed with a trusted certificate and unchanged since signing"),
    signing.Verdict.modified: _l("Changed after signing: this is not the signed letter"),
    signing.Verdict.not_trusted: _l("Signed, but not with a certificate this system trusts"),
    signing.Verdict.not_signed: _l("This PDF is not signed"),
    signing.Verdict.unreadable: _l("This file cannot be read as a signed PDF"),
}


LEVEL_TEXTS = {
    signing.PadesLevel.B_B.value: _l("PAdES B-B: signature only; checkable while the certificate is valid"),
    signing.PadesLevel.B_T.value: _l("PAdES B-T: signature with a timestamp that proves when it was signed"),
    signing.PadesLevel.B_LT.value: _l(
        "PAdES B-LT: timestamp, certificates and revocation data embedded; checkable after the certificate expires"
    ),
    signing.PadesLevel.B_LTA.value: _l(
        "PAdES B-LTA: B-LT sealed with a document timestamp, for long-term archiving"
    ),
}


def verify_max_bytes() -> int:
    """The largest PDF the verification accepts: a signed letter is bigger than the letters
    that may be uploaded (embedded fonts, the signature), so four times that limit."""
    return current_app.config["LETTER_MAX_UPLOAD_BYTES"] * 4


def verify(pdf_bytes: bytes, *, at: dt.datetime | None = None) -> Verification:
    """``at``: validate as of that moment (default now)."""
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    result = signing.verify_pdf(pdf_bytes, trust_roots(), at=at)
    signature = db.session.scalar(sa.select(Signature).where(Signature.pdf_sha256 == sha))
    return Verification(sha, result, signature)
