"""Timeline sentences: audit entries told in the reader's language.

The stored ``summary`` stays one untranslated line for logs and exports; the timeline is
built from the action and its details, so a Dutch reader sees Dutch.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: field names shown in "before → after" lists
FIELD_TITLES = {
    "reference": _l("Reference number"),
    "kind": _l("Kind"),
    "subject": _l("Subject"),
    "received_on": _l("Received"),
    "status": _l("Status"),
    "lead_directorate": _l("Lead directorate"),
    "drafter": _l("Drafter"),
    "addressed_to": _l("Addressed to"),
    "committee": _l("Requested by committee"),
    "members": _l("Requested by members"),
    "dossier": _l("Dossier"),
    "notes": _l("Notes"),
    "questions": _l("Questions"),
}


def _value(field: str, value: Any) -> str:
    """A stored before/after value in words (enum values become their titles)."""
    from parliament_tracker.cases.models import KIND_TITLES, CaseKind
    from parliament_tracker.cases.workflow import STATUS_TITLES, CaseStatus

    if value is None or value == "" or value == []:
        return "—"
    if field == "status" and value in CaseStatus.__members__:
        return str(STATUS_TITLES[CaseStatus(value)])
    if field == "kind" and value in CaseKind.__members__:
        return str(KIND_TITLES[CaseKind(value)])
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _link_title(value: str | None) -> str:
    from parliament_tracker.cases.models import LINK_TITLES, LinkType

    return str(LINK_TITLES[LinkType(value)]).lower() if value in LinkType.__members__ else (value or "")


def sentence(entry: Any) -> str:
    """One line describing what happened."""
    d = entry.details or {}
    action = entry.action
    if action == "case:created":
        return _("Registered the case.")
    if action == "case:updated":
        fields = ", ".join(str(FIELD_TITLES.get(f, f)).lower() for f in (d.get("changes") or {}))
        return _("Edited: %(fields)s.", fields=fields)
    if action == "case:status_changed":
        before, after = (d.get("changes") or {}).get("status", [None, None])
        return _("Status changed from “%(before)s” to “%(after)s”.", before=_value("status", before), after=_value("status", after))
    if action == "case:linked":
        return _("Linked to %(ref)s (%(type)s).", ref=d.get("other", ""), type=_link_title(d.get("link_type")))
    if action == "case:unlinked":
        return _("Link with %(ref)s removed.", ref=d.get("other", ""))
    if action == "case:attachment_added":
        return _("Attached %(name)s.", name=d.get("filename", ""))
    if action == "case:questions_set":
        return _("Corrected the questions (%(n)d now).", n=int(d.get("count", 0)))
    return entry.summary


def changes(entry: Any) -> list[tuple[str, str, str]]:
    """(field title, before, after) rows for an entry with recorded changes."""
    if entry.action == "case:status_changed":
        return []
    rows = []
    for field, pair in ((entry.details or {}).get("changes") or {}).items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((str(FIELD_TITLES.get(field, field)), _value(field, before), _value(field, after)))
    return rows
