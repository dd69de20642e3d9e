"""Timeline sentences: audit entries told in the reader's language.

The stored ``summary`` stays one untranslated line for logs and exports; the timeline is
built from the action and its details, so a Dutch reader sees Dutch.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from parliament_tracker.enums import TitledEnum
from parliament_tracker.i18n import format_day

#: The enums whose stored values the timeline puts in words, by the role they play: "status"
#: and "kind" (a case's), "link_type", "deadline_kind", "letter_kind". The packages that own
#: them register at app creation (:func:`register_titles`): audit sits below them all.
_TITLED: dict[str, type[TitledEnum]] = {}


def register_titles(role: str, enum: type[TitledEnum]) -> None:
    """The hook a higher package registers with at app creation: values of ``enum`` stored
    in audit details under ``role`` are shown by their titles."""
    _TITLED[role] = enum


def _title(role: str, value: Any) -> str | None:
    """The title of ``value`` as a member of the enum registered for ``role``, or None."""
    enum = _TITLED.get(role)
    if enum is None or not isinstance(value, str) or value not in enum.__members__:
        return None
    return enum(value).label

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
    "committee_due_on": _l("Date asked by the committee"),
    "given_due_on": _l("Date given"),
    "due_before_event": _l("Answer before"),
    "postponed_on": _l("Postponement notice sent on"),
    "postponement_reason": _l("Reason for the postponement"),
    "tk_answered_on": _l("Answer published (Tweede Kamer)"),
    "tk_postponed_on": _l("Postponement notice published (Tweede Kamer)"),
    "tk_withdrawn_on": _l("Withdrawn (Tweede Kamer)"),
    "event_starts_on": _l("Date of the event"),
}


def _deadline_title(field: str) -> str | None:
    title = _title("deadline_kind", field)
    if title is not None:
        return title
    if field == "binding":
        return str(_l("Binding deadline"))
    return None


def _value(field: str, value: Any) -> str:
    """A stored before/after value in words (enum values become their titles)."""
    if value is None or value == "" or value == []:
        return "—"
    if field in ("status", "kind") and (title := _title(field, value)) is not None:
        return title
    if field == "binding" and isinstance(value, str):
        return _deadline_title(value) or value
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    counted = re.fullmatch(r"(\d+) (paragraphs|answers)", str(value))
    if counted and field in ("body", "answers"):
        n = int(counted.group(1))
        if counted.group(2) == "paragraphs":
            return ngettext("%(num)d paragraph", "%(num)d paragraphs", n)
        return ngettext("%(num)d answer", "%(num)d answers", n)
    return str(value)


def _link_title(value: str | None) -> str:
    title = _title("link_type", value)
    return title.lower() if title is not None else (value or "")


def sentence(entry: Any) -> str:
    """One line describing what happened."""
    d = entry.details or {}
    for describe in (_case_sentence, _contribution_sentence, _letter_sentence, _answers_sentence, _records_sentence):
        text = describe(entry.action, d)
        if text is not None:
            return text
    text = _tk_sentence(entry, d)
    return text if text is not None else entry.summary


def _case_sentence(action: str, d: dict[str, Any]) -> str | None:
    """The case's own entries (parliament_tracker.cases and its deadlines)."""
    if action == "case:created":
        return _("Registered the case.")
    if action == "case:updated":
        fields = ", ".join(field_title(f).lower() for f in (d.get("changes") or {}))
        return _("Edited: %(fields)s.", fields=fields)
    if action == "case:status_changed":
        before, after = (d.get("changes") or {}).get("status", [None, None])
        if d.get("letter_id"):
            return _(
                "Status changed from “%(before)s” to “%(after)s” by letter %(id)s.",
                before=_value("status", before), after=_value("status", after), id=d["letter_id"],
            )
        return _("Status changed from “%(before)s” to “%(after)s”.", before=_value("status", before), after=_value("status", after))
    if action == "case:linked":
        return _("Linked to %(ref)s (%(type)s).", ref=d.get("other", ""), type=_link_title(d.get("link_type")))
    if action == "case:unlinked":
        return _("Link with %(ref)s removed.", ref=d.get("other", ""))
    if action == "case:attachment_added":
        return _("Attached %(name)s.", name=d.get("filename", ""))
    if action == "case:question_assigned":
        changes = d.get("changes") or {}
        if not (changes.get("directorate") or [None, None])[1] and not (changes.get("drafter") or [None, None])[1]:
            return _("Question %(n)s follows the case's directorate and drafter again.", n=d.get("number", ""))
        who = ", ".join(str(x) for x in (d.get("directorate"), d.get("drafter")) if x) or "-"
        return _("Assigned question %(n)s to %(who)s.", n=d.get("number", ""), who=who)
    if action == "case:questions_set":
        return _("Corrected the questions (%(n)d now).", n=int(d.get("count", 0)))
    if action == "case:deadlines_recomputed":
        return _recomputed(d)
    if action == "case:postponed":
        return _("Recorded the postponement notice.")
    if action == "case:deadline_overridden":
        if d.get("reason"):
            return _("Set a deadline by hand: %(reason)s.", reason=d.get("reason"))
        return _("Put a deadline back to the computed date.")
    return None


def _tk_sentence(entry: Any, d: dict[str, Any]) -> str | None:
    """The Tweede Kamer's data taken over, and moved or cancelled debates (by the Kamer sync,
    no actor, or by hand: the same entry)."""
    action = entry.action
    if action == "case:tk_reconciled":
        return _("Took over what the Tweede Kamer lists for this case.")
    if action == "case:tk_event_moved":
        before, after = (d.get("changes") or {}).get("event_starts_on", [None, None])
        if entry.actor_id is None:
            return _(
                "The Tweede Kamer moved %(event)s from %(before)s to %(after)s; the deadlines were recomputed.",
                event=d.get("event", ""), before=_value("", before), after=_value("", after),
            )
        return _(
            "%(event)s was moved from %(before)s to %(after)s; the deadlines were recomputed.",
            event=d.get("event", ""), before=_value("", before), after=_value("", after),
        )
    if action == "case:tk_event_cancelled":
        if entry.actor_id is None:
            return _("The Tweede Kamer cancelled %(event)s; this case is still due before it.", event=d.get("event", ""))
        if d.get("still_due_before", True):
            return _("%(event)s was cancelled; this case is still due before it.", event=d.get("event", ""))
        return _("%(event)s was cancelled; this case is no longer due before it.", event=d.get("event", ""))
    return None


def _date(value: Any) -> str:
    """A stored ISO date in the app's one style (``i18n.format_day``)."""
    return format_day(value) if isinstance(value, str) and value else str(value or "")


def _recomputed(d: dict[str, Any]) -> str:
    """Why the deadlines moved, from the structured cause (the stored reason is English)."""
    cause = d.get("cause") or {}
    code = cause.get("code")
    if code == "event_moved":
        return _(
            "Deadlines recomputed: %(event)s moved from %(before)s to %(after)s.",
            event=cause.get("event", ""), before=_date(cause.get("before")), after=_date(cause.get("after")),
        )
    if code == "event_changed":
        return _("Deadlines recomputed: %(event)s changed.", event=cause.get("event", ""))
    if code == "recess":
        return _("Deadlines recomputed: the recess %(event)s was added, changed or removed.", event=cause.get("event", ""))
    if code == "day_off":
        return _(
            "Deadlines recomputed: the day off %(date)s (%(name)s) was added, changed or removed.",
            date=_date(cause.get("date")), name=cause.get("name", ""),
        )
    if code == "postponed":
        return _("Deadlines recomputed after the postponement notice of %(date)s.", date=_date(cause.get("date")))
    if code == "override":
        return _("Deadlines recomputed after a date was set by hand.")
    if code == "status":
        return _("Deadlines recomputed after the status change.")
    if code == "case_edited":
        return _("Deadlines recomputed after an edit of the case.")
    if code == "settings":
        return _("Deadlines recomputed: the deadline settings changed.")
    if code == "all":
        return _("Deadlines recomputed for all cases.")
    return _("Deadlines recomputed: %(reason)s.", reason=d.get("reason", ""))


def _contribution_sentence(action: str, d: dict[str, Any]) -> str | None:
    """Contributions (parliament_tracker.contributions), told on the case's timeline."""
    who = d.get("contributor", "")
    if action == "case:contribution_asked":
        questions = ", ".join(str(n) for n in d.get("questions") or [])
        if questions:
            return _("Asked %(who)s for a contribution to questions %(questions)s, due %(date)s.", who=who, questions=questions, date=_date(d.get("due_on")))
        return _("Asked %(who)s for a contribution, due %(date)s.", who=who, date=_date(d.get("due_on")))
    if action == "case:contribution_delivered":
        return _("%(who)s delivered the contribution.", who=who)
    if action == "case:contribution_withdrawn":
        return _("Withdrew the request for a contribution from %(who)s.", who=who)
    if action == "case:contribution_taken":
        return _("Took the contribution into the letter's answers to questions %(questions)s.", questions=", ".join(str(n) for n in d.get("questions") or []))
    if action == "case:contribution_link_revoked":
        return _("Revoked the outside link of a contribution.")
    return None


def _answers_sentence(action: str, d: dict[str, Any]) -> str | None:
    """Earlier answers and standard lines (parliament_tracker.answers): a source used in a letter
    (the letter's history, never printed) and a line's changes."""
    if action == "letter:answer_source":
        if d.get("source") == "line":
            text = _("Answer to question %(n)s taken from the standard line “%(title)s” (%(directorate)s, version %(v)s).",
                     n=d.get("question", ""), title=d.get("line_title", ""), directorate=d.get("directorate", ""), v=d.get("line_version", ""))
        else:
            text = _("Answer to question %(n)s taken from the answer to question %(q)s of %(ref)s (letter %(letter)s, sent %(date)s).",
                     n=d.get("question", ""), q=d.get("source_question", ""), ref=d.get("source_case", ""),
                     letter=d.get("source_letter_id", ""), date=_date(d.get("source_sent_on")))
        return text + (" " + _("Edited afterwards.") if d.get("edited") else "")
    if action == "standard_line:created":
        return _("Standard line created (version %(v)s), valid until %(date)s.", v=d.get("version", ""), date=_date(d.get("valid_until")))
    if action == "standard_line:changed":
        return _("Standard line changed: version %(v)s.", v=d.get("version", ""))
    return None


def _letter_sentence(action: str, d: dict[str, Any]) -> str | None:
    """Letters and letter templates (parliament_tracker.letters)."""
    kind_title = (_title("letter_kind", d.get("kind")) or "").lower()
    if action == "case:letter_started":
        return _("Started a letter: %(kind)s.", kind=kind_title)
    if action == "letter:started":
        return _("Started the letter for %(refs)s.", refs=", ".join(d.get("cases") or []))
    if action == "letter:updated":
        fields = ", ".join(field_title(f, letter=True).lower() for f in (d.get("changes") or {}))
        return _("Edited: %(fields)s.", fields=fields)
    if action == "letter:generated":
        return _("Generated version %(n)s.", n=d.get("version", ""))
    if action == "letter:uploaded":
        return _("Uploaded version %(n)s (%(name)s).", n=d.get("version", ""), name=d.get("filename", ""))
    if action == "letter:submitted":
        return _("Submitted for approval to %(names)s.", names=", ".join(d.get("approvers") or []))
    if action == "letter:approved":
        comment = d.get("comment") or ""
        return _("Approved: “%(comment)s”.", comment=comment) if comment else _("Approved.")
    if action == "letter:changes_requested":
        return _("Changes requested: “%(comment)s”.", comment=d.get("comment") or "")
    if action == "letter:signed":
        return _("Signed on behalf of %(who)s (version %(n)s).", who=d.get("signatory", ""), n=d.get("version", ""))
    if action == "letter:sent":
        return _("Sent on %(date)s.", date=_date(d.get("sent_on")))
    if action == "letter:withdrawn":
        comment = d.get("comment") or ""
        return _("Withdrawn: “%(comment)s”.", comment=comment) if comment else _("Withdrawn.")
    if action == "case:postponed":
        return _("Postponement notice sent (letter %(id)s).", id=d.get("letter_id", "")) if d.get("letter_id") else None
    if action in ("template:loaded", "template:uploaded", "template:activated"):
        return None  # shown only in the template list, which has its own columns
    return None


def _records_sentence(action: str, d: dict[str, Any]) -> str | None:
    """Woo files and retention (parliament_tracker.records)."""
    if action == "case:woo_exported":
        return _("Exported in a Woo file (%(n)s documents).", n=d.get("documents", ""))
    if action == "case:legal_hold_placed":
        return _("Placed a legal hold: %(reason)s.", reason=_title("hold_reason", d.get("reason")) or d.get("reason", ""))
    if action == "case:legal_hold_lifted":
        return _("Lifted the legal hold.")
    if action == "case:transferred":
        return _("Transferred to the national archive (destruction list %(n)s).", n=d.get("list_id", ""))
    if action == "case:destroyed":
        return _("Destroyed (destruction list %(n)s).", n=d.get("list_id", ""))
    return None


#: letter fields in "before → after" lists
LETTER_FIELD_TITLES = {
    "letter_date": _l("Date"),
    "our_reference": _l("Our reference"),
    "your_reference": _l("Your reference"),
    "your_letter_date": _l("Your letter of"),
    "addressee": _l("Addressee"),
    "signatory": _l("Signatory"),
    "body": _l("Text of the letter"),
    "answers": _l("Answers to the questions"),
    "postponement_reason": _l("Reason for the postponement"),
    "subject": _l("Subject"),
    "mentions": _l("Mentions (reference numbers)"),
}


def field_title(field: str, *, letter: bool = False) -> str:
    """A recorded field's title in the reader's language (never the column name: "subject"
    would be English on a Dutch timeline); an unknown field says so in words."""
    tables = (LETTER_FIELD_TITLES, FIELD_TITLES) if letter else (FIELD_TITLES, LETTER_FIELD_TITLES)
    for table in tables:
        if field in table:
            return str(table[field])
    return _deadline_title(field) or _("another field")


def changes(entry: Any) -> list[tuple[str, str, str]]:
    """(field title, before, after) rows for an entry with recorded changes."""
    if entry.action == "case:status_changed":
        return []
    rows = []
    for field, pair in ((entry.details or {}).get("changes") or {}).items():
        before, after = (pair + [None, None])[:2] if isinstance(pair, list) else (None, pair)
        rows.append((field_title(field, letter=entry.action.startswith("letter:")), _value(field, before), _value(field, after)))
    return rows
