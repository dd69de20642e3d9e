"""Every model, imported in one place so the metadata is complete."""

from parliament_tracker.answers.models import IndexedAnswer, StandardLine, StandardLineVersion
from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import ApiToken, LoginThrottle, User
from parliament_tracker.cases.models import Attachment, Case, CaseLink, Question, case_members
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.deadlines.models import CalendarFeed, Deadline, DeadlineSetting, Event, NonWorkingDay
from parliament_tracker.letters.approval.models import Approval, OurReferenceCounter, Signature
from parliament_tracker.letters.models import Letter, LetterCase, LetterTemplate, LetterVersion
from parliament_tracker.notifications.models import (
    Delivery,
    JobLock,
    JobRun,
    Notification,
    NotificationOptOut,
    NotificationSettings,
    SchedulerHeartbeat,
)
from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory
from parliament_tracker.records.models import (
    DestroyedRecord,
    DestructionItem,
    DestructionList,
    LegalHold,
    RetentionRule,
    WooExport,
    WooExportPart,
)
from parliament_tracker.reference_data import ReferenceVersion
from parliament_tracker.tk.models import TKSyncState

__all__ = [
    "ApiToken",
    "Approval",
    "Attachment",
    "AuditEntry",
    "CalendarFeed",
    "Case",
    "CaseLink",
    "Committee",
    "Contribution",
    "Deadline",
    "DeadlineSetting",
    "Delivery",
    "DestroyedRecord",
    "DestructionItem",
    "DestructionList",
    "Directorate",
    "Event",
    "IndexedAnswer",
    "JobLock",
    "JobRun",
    "LegalHold",
    "Letter",
    "LetterCase",
    "LetterTemplate",
    "LetterVersion",
    "LoginThrottle",
    "Member",
    "NonWorkingDay",
    "Notification",
    "NotificationOptOut",
    "NotificationSettings",
    "OurReferenceCounter",
    "Party",
    "Question",
    "ReferenceVersion",
    "RetentionRule",
    "SchedulerHeartbeat",
    "Signatory",
    "Signature",
    "StandardLine",
    "StandardLineVersion",
    "TKSyncState",
    "User",
    "WooExport",
    "WooExportPart",
    "case_members",
]
