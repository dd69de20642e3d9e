"""Every model, imported in one place so the metadata is complete."""

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import ApiToken, User
from parliament_tracker.cases.models import Attachment, Case, CaseLink, Question, case_members
from parliament_tracker.letters.models import Letter, LetterCase, LetterTemplate, LetterVersion
from parliament_tracker.letters.workflow_models import Approval, OurReferenceCounter, Signature
from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory

__all__ = [
    "ApiToken",
    "Approval",
    "Attachment",
    "AuditEntry",
    "Case",
    "CaseLink",
    "Committee",
    "Directorate",
    "Letter",
    "LetterCase",
    "LetterTemplate",
    "LetterVersion",
    "Member",
    "OurReferenceCounter",
    "Party",
    "Question",
    "Signatory",
    "Signature",
    "User",
    "case_members",
]
