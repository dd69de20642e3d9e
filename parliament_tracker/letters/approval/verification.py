"""Verification of an uploaded PDF: one verdict (valid, modified, not trusted, not signed,
unreadable) with the facts it was reached from; the verify page and the API both show it."""

from __future__ import annotations

import dataclasses
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


def verify_max_bytes() -> int:
    """The largest PDF the verification accepts: a signed letter is bigger than the letters
    that may be uploaded (embedded fonts, the signature), so four times that limit."""
    return current_app.config["LETTER_MAX_UPLOAD_BYTES"] * 4


def verify(pdf_bytes: bytes) -> Verification:
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    result = signing.verify_pdf(pdf_bytes, trust_roots())
    signature = db.session.scalar(sa.select(Signature).where(Signature.pdf_sha256 == sha))
    return Verification(sha, result, signature)
