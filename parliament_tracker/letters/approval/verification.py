"""Verification of an uploaded PDF: signed by this system? intact? who signed and when?"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

import sqlalchemy as sa
from flask import current_app

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
    def ours(self) -> bool:
        """Signed by this system: a valid, trusted, intact signature over a file we recorded."""
        return self.result.ok and self.signature is not None

    def as_json(self) -> dict[str, Any]:
        r = self.result
        sig = self.signature
        return {
            "sha256": self.sha256,
            "signed": r.signed,
            "intact": r.intact,
            "valid": r.valid,
            "trusted": r.trusted,
            "covers_whole_document": r.covers_whole_document,
            "signer_certificate": r.signer_subject or None,
            "signing_time": r.signing_time.isoformat() if r.signing_time else None,
            "known_letter": sig is not None,
            "signed_by_this_system": self.ours,
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


def verify_max_bytes() -> int:
    """The largest PDF the verification accepts: a signed letter is bigger than the letters
    that may be uploaded (embedded fonts, the signature), so four times that limit."""
    return current_app.config["LETTER_MAX_UPLOAD_BYTES"] * 4


def verify(pdf_bytes: bytes) -> Verification:
    sha = hashlib.sha256(pdf_bytes).hexdigest()
    result = signing.verify_pdf(pdf_bytes, trust_roots())
    signature = db.session.scalar(sa.select(Signature).where(Signature.pdf_sha256 == sha))
    return Verification(sha, result, signature)
