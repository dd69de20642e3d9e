"""Hand-overs: who has something to do now that a case or letter moved, and the message.

Each function hears one domain event (``parliament_tracker.signals``), picks the next people
and queues one notification per person, in the app and on their channels. The hand-over names
itself in the dedupe key (``Draft.ref``: the approval row, the letter round, the event's old
and new dates…), so hearing the same hand-over twice produces nothing new, while the same
letter submitted again after changes is a new hand-over. The actor is never told about their
own step. Nothing here commits: it runs in the sender's unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval.models import Approval, ApprovalDecision
from parliament_tracker.letters.models import Letter, LetterCaseRole, LetterStatus
from parliament_tracker.notifications import services
from parliament_tracker.notifications.models import NotificationKind as K
from parliament_tracker.notifications.services import Draft, Recipient
from parliament_tracker.organisation.models import Directorate

#: (kind, variant) -> (subject, what happened, what to do): formatted with the message's params
#: when rendered, in the recipient's language.
PHRASES: dict[tuple[K, str], tuple[Any, Any, Any]] = {
    (K.case_assigned, "user"): (
        _l("Case %(ref)s is assigned to you"),
        _l("%(actor)s assigned case %(ref)s to you."),
        _l("Open the case"),
    ),
    (K.case_assigned, "mailbox"): (
        _l("Case %(ref)s is assigned to your directorate"),
        _l("%(actor)s assigned case %(ref)s to %(directorate)s; it has no drafter yet."),
        _l("Assign a drafter"),
    ),
    (K.case_assigned, "questions"): (
        _l("Questions %(questions)s of %(ref)s are assigned to you"),
        _l("%(actor)s assigned questions %(questions)s of case %(ref)s to you; %(lead)s leads the case."),
        _l("Open the questions"),
    ),
    (K.case_assigned, "questions_mailbox"): (
        _l("Questions %(questions)s of %(ref)s are assigned to your directorate"),
        _l("%(actor)s assigned questions %(questions)s of case %(ref)s to %(directorate)s; they have no drafter yet."),
        _l("Assign a drafter"),
    ),
    (K.approval_requested, ""): (
        _l("Letter for %(ref)s waits for your approval"),
        _l("%(actor)s passed the letter “%(subject)s” to you for approval."),
        _l("Approve or request changes"),
    ),
    (K.letter_to_sign, ""): (
        _l("Letter for %(ref)s is approved and waits for signing"),
        _l("Every approver approved the letter “%(subject)s”; it waits for the signatory."),
        _l("Sign the letter"),
    ),
    (K.changes_requested, ""): (
        _l("Changes requested in the letter for %(ref)s"),
        _l("%(actor)s asks for changes in the letter “%(subject)s”:"),
        _l("Edit the letter"),
    ),
    (K.letter_withdrawn, ""): (
        _l("Letter for %(ref)s withdrawn"),
        _l("%(actor)s withdrew the letter “%(subject)s”; it no longer waits for you."),
        _l("Open the letter"),
    ),
    (K.letter_signed, "send"): (
        _l("Signed letter for %(ref)s is ready to send"),
        _l("The letter “%(subject)s” is signed and can be sent to the Tweede Kamer."),
        _l("Send the letter"),
    ),
    (K.letter_signed, "drafter"): (
        _l("The letter for %(ref)s is signed"),
        _l("The letter “%(subject)s” is signed; the registrar sends it."),
        _l("Open the letter"),
    ),
    (K.letter_sent, ""): (
        _l("The letter for %(ref)s was sent"),
        _l("The letter “%(subject)s” was sent on %(date)s."),
        _l("Open the letter"),
    ),
    (K.contribution_asked, "user"): (
        _l("Contribution asked for %(ref)s"),
        _l("%(actor)s asks you for a contribution to %(ref)s (%(questions)s), due %(date)s."),
        _l("Give the contribution"),
    ),
    (K.contribution_asked, "mailbox"): (
        _l("Contribution asked of %(directorate)s for %(ref)s"),
        _l("%(actor)s asks %(directorate)s for a contribution to %(ref)s (%(questions)s), due %(date)s."),
        _l("Give the contribution"),
    ),
    (K.contribution_asked, "outside"): (
        _l("Request for a contribution: %(ref)s"),
        _l("%(actor)s of the %(ministry)s asks you for a contribution to %(ref)s (%(questions)s), due %(date)s. The link below works without an account, only for this request, until %(expires)s."),
        _l("Give the contribution"),
    ),
    (K.contribution_delivered, ""): (
        _l("Contribution for %(ref)s delivered"),
        _l("%(contributor)s delivered the contribution you asked for %(ref)s."),
        _l("Open the contribution"),
    ),
    (K.contribution_overdue, "asker"): (
        _l("Contribution for %(ref)s is overdue"),
        _l("The contribution you asked of %(contributor)s for %(ref)s was due %(date)s and has not been delivered."),
        _l("Open the contribution"),
    ),
    (K.contribution_overdue, "contributor"): (
        _l("Your contribution for %(ref)s is overdue"),
        _l("The contribution %(actor)s asked for %(ref)s was due %(date)s."),
        _l("Give the contribution"),
    ),
    (K.contribution_reminder, "user"): (
        _l("Contribution for %(ref)s due %(date)s"),
        _l("The contribution %(actor)s asked for %(ref)s (%(questions)s) is due %(date)s."),
        _l("Give the contribution"),
    ),
    (K.contribution_escalation, ""): (
        _l("Escalation: contribution of %(contributor)s for %(ref)s is overdue"),
        _l("The contribution %(actor)s asked of %(contributor)s for %(ref)s (%(questions)s) was due %(date)s and has not been delivered."),
        _l("Open the contribution"),
    ),
    (K.standard_line_expiring, ""): (
        _l("Standard line “%(title)s” expires on %(date)s"),
        _l("The standard line “%(title)s” (%(directorate)s, %(topic)s) that you own is valid until %(date)s. Review it and set a new date, or let it expire: drafters are no longer offered it after that day."),
        _l("Review the standard line"),
    ),
    (K.postponement_sent, ""): (
        _l("Postponement notice for %(ref)s sent"),
        _l("A postponement notice for case %(ref)s was sent on %(date)s; the deadlines were moved."),
        _l("Open the case"),
    ),
}


def _name(actor: User | None) -> str:
    return actor.display_name if actor is not None else "Parliament Tracker"


def _date(d: dt.date | None) -> str:
    return d.strftime("%d-%m-%Y") if d else "-"


def draft(
    recipient: Recipient,
    kind: K,
    key: str,
    *,
    variant: str = "",
    case: Case | None,
    url: str,
    comment: str = "",
    **params: Any,
) -> Draft:
    subject_fmt, line_fmt, action = PHRASES[(kind, variant)]
    return Draft(
        recipient,
        kind,
        case.id if case is not None else None,
        None,
        "handover",
        {"phrases": (subject_fmt, line_fmt), "action": action, "params": params, "url": url, "comment": comment},
        ref=key,
    )


def _people(users: Iterable[User | None], actor: User | None) -> list[User]:
    """Enabled users, each once, never the actor."""
    seen: set[int] = set()
    out = []
    for u in users:
        if u is None or not u.is_enabled or u.id in seen or (actor is not None and u.id == actor.id):
            continue
        seen.add(u.id)
        out.append(u)
    return out


def with_role(role: Role) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == role, User.is_enabled.is_(True)).order_by(User.id)))


def directors_of(directorate_ids: Iterable[int | None]) -> list[User]:
    ids = [i for i in directorate_ids if i is not None]
    if not ids:
        return []
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.role == Role.director, User.is_enabled.is_(True), User.directorate_id.in_(ids))
            .order_by(User.id)
        )
    )


def questions_assigned(case: Case, *, questions: Sequence[Any], actor: User | None, **_: Any) -> int:
    """Each drafter given questions of their own (else, for a directorate without a drafter,
    its mailbox) is told which, once per save (the save's n-th timeline entry names it)."""
    seq = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "case", AuditEntry.object_id == case.id)
    )
    by_drafter: dict[int, tuple[User, list[int]]] = {}
    by_mailbox: dict[int, tuple[Directorate, list[int]]] = {}
    for q in questions:
        if q.drafter is not None:
            by_drafter.setdefault(q.drafter.id, (q.drafter, []))[1].append(q.number)
        elif q.directorate is not None and q.directorate.email:
            by_mailbox.setdefault(q.directorate.id, (q.directorate, []))[1].append(q.number)
    lead = case.drafter.display_name if case.drafter else (case.lead_directorate.code if case.lead_directorate else "-")
    params = {"ref": case.reference, "actor": _name(actor), "subject": case.subject, "lead": lead}
    url = services.case_url(case.reference) + "#question-assignments"
    drafts = [
        draft(services.user_recipient(u), K.case_assigned, f"case:{case.id}:questions:{u.id}:{seq}", variant="questions",
              case=case, url=url, questions=", ".join(str(n) for n in sorted(numbers)), **params)
        for u, numbers in by_drafter.values()
        if _people([u], actor)
    ]
    drafts += [
        draft(services.mailbox_recipient(d.email or "", d.name), K.case_assigned, f"case:{case.id}:questions:d{d.id}:{seq}",
              variant="questions_mailbox", case=case, url=url, directorate=d.name,
              questions=", ".join(str(n) for n in sorted(numbers)), **params)
        for d, numbers in by_mailbox.values()
    ]
    return services.queue(drafts)


# -- cases --------------------------------------------------------------------------------------


def case_assigned(case: Case, *, drafter: User | None, directorate: Directorate | None, actor: User | None, **_: Any) -> int:
    """The drafter, or without one the directorate's mailbox, gets the case."""
    # The n-th thing that happened to the case: assigning the same person again later is a
    # new hand-over, hearing this one twice is not.
    seq = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEntry).where(AuditEntry.object_type == "case", AuditEntry.object_id == case.id)
    )
    params = {"ref": case.reference, "actor": _name(actor), "subject": case.subject}
    url = services.case_url(case.reference)
    if drafter is not None:
        people = _people([drafter], actor)
        drafts = [
            draft(services.user_recipient(u), K.case_assigned, f"case:{case.id}:assigned:{u.id}:{seq}", variant="user",
                  case=case, url=url, **params)
            for u in people
        ]
        return services.queue(drafts)
    if directorate is None or not directorate.email:
        return 0
    recipient = services.mailbox_recipient(directorate.email, directorate.name)
    return services.queue(
        [draft(recipient, K.case_assigned, f"case:{case.id}:assigned:d{directorate.id}:{seq}", variant="mailbox", case=case,
               url=url, directorate=directorate.name, **params)]
    )


# -- letters ------------------------------------------------------------------------------------


def _answered(letter: Letter) -> list[Case]:
    return [link.case for link in letter.case_links if link.role == LetterCaseRole.answers] or letter.cases


def _ref(letter: Letter) -> str:
    cases = _answered(letter)
    return ", ".join(c.reference for c in cases) if cases else f"#{letter.id}"


def letter_url(letter: Letter) -> str:
    return services.absolute_url(f"/letters/{letter.id}")


def _round(letter: Letter) -> int:
    return db.session.scalar(sa.select(sa.func.max(Approval.round)).where(Approval.letter_id == letter.id)) or 0


def _pending(letter: Letter) -> list[Approval]:
    """The current round's undecided approvals, in order (the first one's turn it is)."""
    return list(
        db.session.scalars(
            sa.select(Approval)
            .where(Approval.letter_id == letter.id, Approval.round == _round(letter), Approval.decision == ApprovalDecision.pending)
            .order_by(Approval.position)
        )
    )


def _drafters(letter: Letter) -> list[User | None]:
    return [letter.created_by, *(c.drafter for c in _answered(letter))]


def letter_status_changed(
    letter: Letter,
    *,
    before: LetterStatus,
    after: LetterStatus,
    actor: User | None,
    comment: str = "",
    next_approvers: Sequence[User] = (),
    pending_approvers: Sequence[User] = (),
    **_: Any,
) -> int:
    cases = _answered(letter)
    case = cases[0] if cases else None
    params = {"ref": _ref(letter), "actor": _name(actor), "subject": letter.subject, "date": _date(letter.sent_on)}
    url = letter_url(letter)
    drafts: list[Draft] = []

    def to(users: Iterable[User | None], kind: K, key: str, variant: str = "", **extra: Any) -> None:
        for u in _people(users, actor):
            drafts.append(draft(services.user_recipient(u), kind, key, variant=variant, case=case, url=url, **{**params, **extra}))

    if after == LetterStatus.in_review:
        # Submitted, or approved by one of several: whose turn it now is.
        drafts += _approval_requests(letter, next_approvers, actor, case=case, url=url, params=params)
    elif after == LetterStatus.approved:
        to(with_role(Role.signatory_office), K.letter_to_sign, f"letter:{letter.id}:approved:r{_round(letter)}")
    elif after == LetterStatus.draft and before == LetterStatus.in_review:
        drafts_for = _people(_drafters(letter), actor)
        for u in drafts_for:
            drafts.append(
                draft(services.user_recipient(u), K.changes_requested, f"letter:{letter.id}:changes:r{_round(letter)}",
                      case=case, url=url, comment=comment, **params)
            )
    elif after == LetterStatus.withdrawn:
        to(_had_it(letter, before, pending_approvers), K.letter_withdrawn, f"letter:{letter.id}:withdrawn")
    elif after == LetterStatus.signed:
        to(with_role(Role.registrar), K.letter_signed, f"letter:{letter.id}:signed", variant="send")
        registrars = {u.id for u in with_role(Role.registrar)}
        to([u for u in _drafters(letter) if u is not None and u.id not in registrars], K.letter_signed,
           f"letter:{letter.id}:signed", variant="drafter")
    elif after == LetterStatus.sent:
        to([*_drafters(letter), *directors_of(c.lead_directorate_id for c in cases)], K.letter_sent, f"letter:{letter.id}:sent")
    return services.queue(drafts)


def _approval_requests(
    letter: Letter, next_approvers: Sequence[User], actor: User | None, *, case: Case | None, url: str, params: dict[str, Any]
) -> list[Draft]:
    """To whose turn it now is (the next approver named by the workflow, else the first pending)."""
    pending = _pending(letter)
    turn = pending[0] if pending else None
    approvers = list(next_approvers) or ([turn.approver] if turn is not None else [])
    drafts = []
    for u in _people(approvers, actor):
        approval = next((a for a in pending if a.approver_id == u.id), None)
        key = f"approval:{approval.id}" if approval is not None else f"letter:{letter.id}:r{_round(letter)}:{u.id}"
        drafts.append(draft(services.user_recipient(u), K.approval_requested, key, case=case, url=url, **params))
    return drafts


def _had_it(letter: Letter, before: LetterStatus, pending_approvers: Sequence[User]) -> list[User | None]:
    """Who had a withdrawn letter in their list: its approver, the signatory office or the registrars."""
    if before == LetterStatus.in_review:
        pending = _pending(letter)
        return list(pending_approvers) or ([pending[0].approver] if pending else [])
    if before == LetterStatus.approved:
        return list(with_role(Role.signatory_office))
    if before == LetterStatus.signed:
        return list(with_role(Role.registrar))
    return []


def postponement_sent(letter: Letter, *, cases: Sequence[Case], actor: User | None, **_: Any) -> int:
    """The drafter and the directors of each postponed case hear it, once per notice."""
    drafts: list[Draft] = []
    for case in cases:
        for u in _people([case.drafter, *directors_of([case.lead_directorate_id])], actor):
            drafts.append(
                draft(services.user_recipient(u), K.postponement_sent, f"letter:{letter.id}:postponement:{case.id}", case=case,
                      url=services.case_url(case.reference), ref=case.reference, actor=_name(actor), subject=case.subject,
                      date=_date(letter.sent_on))
            )
    return services.queue(drafts)
