"""Contribution verbs: ask, deliver, withdraw, take into the letter, and the outside link.

Like every service these take the actor, write the audit entry (on the case, so the case's
timeline tells each step), flush at most and leave the commit to the caller.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import orm

from parliament_tracker import signals
from parliament_tracker.audit.services import record
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.uploads import check_attachment
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState, can_move
from parliament_tracker.db import now_utc
from parliament_tracker.deadlines import services as deadline_services
from parliament_tracker.deadlines import settings as deadline_settings
from parliament_tracker.deadlines.rules import DeadlineKind
from parliament_tracker.errors import DomainError, Kind
from parliament_tracker.extensions import db
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.models import Letter
from parliament_tracker.letters.rendering import answered_cases
from parliament_tracker.organisation.models import Directorate

MAX_TEXT = 20_000
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
#: the outside link's salt: a token for anything else never opens a contribution
LINK_SALT = "contribution-link"


class ContributionRefused(DomainError):
    kind = Kind.conflict


# -- rules ---------------------------------------------------------------------------------


def default_due_on(case: Case) -> dt.date | None:
    """The case's draft milestone minus the admin's lead time in working days; None without one."""
    draft = next((d for d in case.deadlines if d.kind == DeadlineKind.internal_draft), None)
    if draft is None:
        return None
    ctx = deadline_services.rule_context()
    lead = int(deadline_settings.setting_values()["contribution_lead_working_days"])
    return ctx.calendar.subtract_working_days(draft.practical_due_on, lead) if lead else draft.practical_due_on


def may_deliver(contribution: Contribution, user: User | None) -> bool:
    """The user it was asked of, or (when asked of the directorate) a user of that directorate."""
    if user is None or contribution.external_email:
        return False
    if contribution.user_id is not None:
        return contribution.user_id == user.id
    return user.directorate_id is not None and user.directorate_id == contribution.directorate_id


@dataclasses.dataclass(frozen=True)
class ContributionOnCasePage:
    """What the case page shows of a contribution: whom it was asked of, the questions, the due
    date, the state."""

    id: int
    question_numbers: list[int] | None
    directorate_code: str | None
    user_id: int | None
    user_name: str | None
    external_email: str | None
    due_on: dt.date
    state: ContributionState

    @property
    def contributor_label(self) -> str:
        """As ``Contribution.contributor_label``."""
        if self.external_email:
            return self.external_email
        label = self.directorate_code or ""
        return f"{label} ({self.user_name})" if self.user_id is not None else label


def case_page_contribution_rows() -> sa.Select[Any]:
    """The case page's contributions part (the cases pages' hook runs it with the other parts):
    not the texts, the answer's file nor who asked or delivered it."""
    return (
        sa.select(
            Contribution.id, Contribution.question_numbers, Directorate.code, Contribution.user_id, User.display_name,
            Contribution.external_email, Contribution.due_on, Contribution.state,
        )
        .outerjoin(Directorate, Directorate.id == Contribution.directorate_id)
        .outerjoin(User, User.id == Contribution.user_id)
        .where(Contribution.case_id == sa.bindparam("case_id"))
    )


def contributions_on_case_page(rows: Sequence[Sequence[Any]]) -> list[ContributionOnCasePage]:
    """``case_page_contribution_rows``' rows as the page lists them: by due date."""
    return [ContributionOnCasePage(*r) for r in sorted(rows, key=lambda r: (r[6], r[0]))]


def contributions_for(case: Case) -> list[Contribution]:
    return list(
        db.session.scalars(
            db.select(Contribution)
            .where(Contribution.case_id == case.id)
            .order_by(Contribution.due_on, Contribution.id)
            # the case is the one given (in the session already): not joined again with its own to-ones
            .options(orm.lazyload(Contribution.case))
        )
    )


def _numbers(case: Case, numbers: Sequence[Any], errors: dict[str, str]) -> list[int]:
    known = {q.number for q in case.questions}
    out: list[int] = []
    for n in numbers:
        if isinstance(n, bool) or not isinstance(n, int) or n not in known:
            errors["question_numbers"] = _("There is no question %(n)s.", n=n)
            return []
        if n not in out:
            out.append(n)
    return sorted(out)


# -- verbs ---------------------------------------------------------------------------------


def _ask_errors(text: str, directorate: Directorate | None, user: User | None, email: str | None) -> dict[str, str]:
    """What is wrong with a request (text, who is asked); the question numbers are checked apart."""
    errors: dict[str, str] = {}
    if not text:
        errors["request_text"] = _("Say what you need.")
    elif len(text) > MAX_TEXT:
        errors["request_text"] = _("The text is too long (at most %(n)d characters).", n=MAX_TEXT)
    if (directorate is None) == (email is None):
        errors["contributor"] = _("Ask either a directorate or an e-mail address outside the app.")
    elif email is not None and (len(email) > 254 or not _EMAIL.match(email)):
        errors["external_email"] = _("Enter a valid e-mail address.")
    if user is not None and (directorate is None or user.directorate_id != directorate.id):
        errors["user"] = _("The person asked must belong to the directorate asked.")
    return errors


def ask(
    case: Case,
    *,
    request_text: str,
    directorate: Directorate | None = None,
    user: User | None = None,
    external_email: str | None = None,
    question_numbers: Sequence[Any] = (),
    due_on: dt.date | None = None,
    actor: User | None,
) -> Contribution:
    """Ask a directorate (optionally one of its users) or an outside address for a contribution."""
    text = (request_text or "").strip()
    email = (external_email or "").strip() or None
    errors = _ask_errors(text, directorate, user, email)
    numbers = _numbers(case, question_numbers, errors)
    if due_on is None:
        due_on = default_due_on(case)
        if due_on is None:
            errors["due_on"] = _("This case has no draft milestone: enter a due date.")
    if errors:
        raise DomainError(_("The contribution could not be asked. Check the fields marked."), errors)
    contribution = Contribution(
        case=case, question_numbers=numbers, directorate=directorate, user=user, external_email=email,
        asked_by=actor, due_on=due_on, request_text=text, state=ContributionState.asked, answer_text="",
        link_nonce=secrets.token_urlsafe(16) if email else None,
    )
    db.session.add(contribution)
    db.session.flush()
    _record_asked(contribution, actor)
    return contribution


def _record_asked(contribution: Contribution, actor: User | None) -> None:
    """The audit entry on the case and the signal (notifications) of a contribution just asked."""
    record(
        "case:contribution_asked",
        contribution.case,
        f"Contribution {contribution.id} asked of {contribution.contributor_label}",
        actor=actor,
        contribution_id=contribution.id,
        contributor=contribution.contributor_label,
        questions=contribution.question_numbers,
        due_on=contribution.due_on,
    )
    signals.contribution_changed.send(contribution, before=None, after=ContributionState.asked, actor=actor)


def _move(contribution: Contribution, after: ContributionState) -> ContributionState:
    before = contribution.state
    if not can_move(before, after):
        raise ContributionRefused(
            _("This contribution is already %(state)s.", state=before.label.lower()), {"state": before.label}
        )
    contribution.state = after
    return before


def deliver(
    contribution: Contribution,
    *,
    text: str,
    file: tuple[str, bytes] | None = None,
    max_bytes: int,
    actor: User | None,
    via_link: bool = False,
) -> Contribution:
    """The contributor's answer: text and/or a checked PDF or DOCX. ``via_link``: the outside
    contributor through their link (no actor)."""
    if not via_link and not may_deliver(contribution, actor):
        raise DomainError(_("Only the directorate asked can deliver this contribution."), kind=Kind.refused)
    answer = (text or "").strip()
    if not answer and file is None:
        raise DomainError(_("Give an answer: a text, a file or both."), {"answer_text": _("Give an answer: a text, a file or both.")})
    if len(answer) > MAX_TEXT:
        raise DomainError(_("The text is too long (at most %(n)d characters).", n=MAX_TEXT), {"answer_text": _("The text is too long (at most %(n)d characters).", n=MAX_TEXT)})
    checked = None
    if file is not None:
        filename, data = file
        content_type, safe = check_attachment(filename, data, max_bytes=max_bytes)
        checked = (safe, content_type, data)
    _move(contribution, ContributionState.delivered)
    contribution.answer_text = answer
    if checked is not None:
        contribution.answer_filename, contribution.answer_content_type, data = checked
        contribution.answer_content = data
        contribution.answer_size = len(data)
        contribution.answer_sha256 = hashlib.sha256(data).hexdigest()
    contribution.delivered_at = now_utc()
    contribution.delivered_by = actor
    contribution.link_nonce = None  # answered: the outside link has done its work
    db.session.flush()
    record(
        "case:contribution_delivered",
        contribution.case,
        f"Contribution {contribution.id} delivered by {contribution.contributor_label}",
        actor=actor,
        contribution_id=contribution.id,
        contributor=contribution.contributor_label,
        filename=contribution.answer_filename,
    )
    signals.contribution_changed.send(contribution, before=ContributionState.asked, after=ContributionState.delivered, actor=actor)
    return contribution


def withdraw(contribution: Contribution, *, actor: User | None) -> Contribution:
    _move(contribution, ContributionState.withdrawn)
    contribution.link_nonce = None
    db.session.flush()
    record(
        "case:contribution_withdrawn",
        contribution.case,
        f"Contribution {contribution.id} withdrawn",
        actor=actor,
        contribution_id=contribution.id,
        contributor=contribution.contributor_label,
    )
    signals.contribution_changed.send(contribution, before=ContributionState.asked, after=ContributionState.withdrawn, actor=actor)
    return contribution


def merged_answers(answers: Sequence[dict[str, Any]], numbers: Sequence[int], text: str) -> list[dict[str, Any]]:
    """The letter's answers with ``text`` as the answer to ``numbers``: those numbers leave the
    answers they were in (an answer left without numbers goes). Pure."""
    taken = set(numbers)
    out = []
    for item in answers:
        rest = [n for n in item.get("questions", []) if n not in taken]
        if rest:
            out.append({**item, "questions": rest})
    out.append({"questions": sorted(taken), "text": text})
    return sorted(out, key=lambda a: a["questions"][0])


def take_into_letter(contribution: Contribution, letter: Letter, *, expected_version: int, actor: User | None) -> Letter:
    """Copy a delivered contribution's text into the letter's answers for its questions, through
    the letter's own edit (its version check, validation and audit apply)."""
    if contribution.state != ContributionState.delivered:
        raise ContributionRefused(_("Only a delivered contribution can be taken into the letter."))
    if not contribution.question_numbers:
        raise ContributionRefused(_("This contribution is not for particular questions; copy what you need by hand."))
    if not contribution.answer_text:
        raise ContributionRefused(_("This contribution has no text to take over."))
    if contribution.case not in answered_cases(letter):
        raise ContributionRefused(_("This letter does not answer the contribution's case."))
    answers = merged_answers(letter.answers or [], contribution.question_numbers, contribution.answer_text)
    letter_services.update_letter(
        letter, letter_services.LetterInput(answers=answers), expected_version=expected_version, actor=actor
    )
    record(
        "case:contribution_taken",
        contribution.case,
        f"Contribution {contribution.id} taken into letter {letter.id}",
        actor=actor,
        contribution_id=contribution.id,
        letter_id=letter.id,
        questions=contribution.question_numbers,
    )
    return letter


# -- the outside link ------------------------------------------------------------------------


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=LINK_SALT)


def link_token(contribution: Contribution, secret_key: str) -> str:
    """A signed token naming this contribution and its current nonce (revoking changes the nonce)."""
    if not contribution.external_email or not contribution.link_nonce:
        raise ContributionRefused(_("This contribution has no outside link."))
    return _serializer(secret_key).dumps({"c": contribution.id, "n": contribution.link_nonce})


def revoke_link(contribution: Contribution, *, actor: User | None) -> None:
    """A new nonce: every link issued before no longer opens the contribution."""
    if contribution.state != ContributionState.asked or not contribution.external_email:
        raise ContributionRefused(_("This contribution has no open outside link."))
    contribution.link_nonce = secrets.token_urlsafe(16)
    db.session.flush()
    record(
        "case:contribution_link_revoked",
        contribution.case,
        f"Outside link of contribution {contribution.id} revoked",
        actor=actor,
        contribution_id=contribution.id,
    )


def from_link(token: str, secret_key: str, *, max_age: int) -> Contribution:
    """The open contribution a token names, or refused: bad, expired, revoked, or answered."""
    try:
        data = _serializer(secret_key).loads(token, max_age=max_age)
    except SignatureExpired:
        raise DomainError(_("This link has expired. Ask the sender for a new one."), kind=Kind.refused) from None
    except BadSignature:
        raise DomainError(_("This link is not valid."), kind=Kind.not_found) from None
    contribution = db.session.get(Contribution, data.get("c")) if isinstance(data, dict) else None
    nonce = data.get("n") if isinstance(data, dict) else None
    if (
        contribution is None
        or not contribution.link_nonce
        or not isinstance(nonce, str)
        or not secrets.compare_digest(nonce, contribution.link_nonce)
    ):
        raise DomainError(_("This link is no longer valid."), kind=Kind.refused)
    return contribution
