"""The case form's choices and filters, its fields as the case services' input, and the
corrected questions as typed."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from markupsafe import Markup, escape

from parliament_tracker import reference_data
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases import services
from parliament_tracker.cases.forms import CaseForm, parse_new_members
from parliament_tracker.cases.models import CaseKind
from parliament_tracker.cases.page_hooks import deadline_hooks, event_class
from parliament_tracker.extensions import db
from parliament_tracker.forms import MAX_INT
from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory
from parliament_tracker.organisation.services import member_for


@dataclasses.dataclass(frozen=True)
class FilterChoices:
    """One filter's choices as ``<option>`` elements, escaped once when loaded."""

    options: tuple[tuple[int, str], ...]  # (id, the option's HTML)

    @classmethod
    def of(cls, rows: Iterable[tuple[int, str]]) -> FilterChoices:
        return cls(tuple((i, f'<option value="{i}">{escape(label)}</option>') for i, label in rows))

    def html(self, selected: int | None) -> Markup:
        """The options, ``selected`` marked (the list's filter form)."""
        mark = f'<option value="{selected}">'
        return Markup("".join(
            html.replace(mark, f'<option value="{selected}" selected>', 1) if i == selected else html
            for i, html in self.options
        ))


def _load_filter_options() -> dict[str, FilterChoices]:
    def rows(stmt: Any) -> FilterChoices:
        return FilterChoices.of((i, label) for i, label in db.session.execute(stmt))

    return {
        "directorates": rows(sa.select(Directorate.id, Directorate.code).order_by(Directorate.code)),
        "drafters": rows(
            sa.select(User.id, User.display_name).where(User.role.in_([Role.drafter, Role.director])).order_by(User.display_name)
        ),
        "committees": rows(
            sa.select(Committee.id, sa.func.coalesce(sa.func.nullif(Committee.abbreviation, ""), Committee.name)).order_by(Committee.name)
        ),
        "parties": rows(sa.select(Party.id, Party.abbreviation).order_by(Party.abbreviation)),
    }


def filter_options() -> dict[str, FilterChoices]:
    """The list's filter choices, kept per worker under the reference stamp (``cases.hooks``
    watches directorates, committees, parties and the users' roles and names): four
    statements and a hundred-odd options rendered per page before."""
    return reference_data.kept("cases.filter_options", _load_filter_options)


def fill_choices(form: CaseForm) -> None:
    none = [(None, "—")]
    form.committee_id.choices = none + [(c.id, c.name) for c in db.session.scalars(db.select(Committee).order_by(Committee.name))]
    form.member_ids.choices = [(m.id, m.label) for m in db.session.scalars(db.select(Member).order_by(Member.name))]
    form.addressed_to_id.choices = none + [
        (s.id, s.label) for s in db.session.scalars(db.select(Signatory).where(Signatory.is_active).order_by(Signatory.office_title))
    ]
    form.lead_directorate_id.choices = none + [
        (d.id, f"{d.code} – {d.name}") for d in db.session.scalars(db.select(Directorate).order_by(Directorate.code))
    ]
    form.due_before_event_id.choices = none + [(e.id, e.label) for e in deadline_hooks().anchorable_events()]
    form.drafter_id.choices = none + [
        (u.id, u.display_name)
        for u in db.session.scalars(
            db.select(User).where(User.is_enabled, User.role.in_([Role.drafter, Role.director])).order_by(User.display_name)
        )
    ]


def input_from_form(form: CaseForm, *, with_questions: bool) -> services.CaseInput:
    members = [db.session.get(Member, i) for i in form.member_ids.data or []]
    # members typed by name (not yet known to the tracker) are added, with their party
    for name, party in parse_new_members(form.new_members.data or ""):
        member = member_for(name, party)
        if member not in members:
            members.append(member)
    return services.CaseInput(
        reference=form.reference.data,
        kind=CaseKind(form.kind.data),
        subject=form.subject.data,
        received_on=form.received_on.data,
        committee=db.session.get(Committee, form.committee_id.data) if form.committee_id.data else None,
        members=[m for m in members if m is not None],
        addressed_to=db.session.get(Signatory, form.addressed_to_id.data) if form.addressed_to_id.data else None,
        lead_directorate=db.session.get(Directorate, form.lead_directorate_id.data) if form.lead_directorate_id.data else None,
        drafter=db.session.get(User, form.drafter_id.data) if form.drafter_id.data else None,
        dossier=form.dossier.data or "",
        notes=form.notes.data or "",
        questions_text=form.questions_text.data if with_questions else None,
        committee_due_on=form.committee_due_on.data,
        given_due_on=form.given_due_on.data,
        due_before_event=db.session.get(event_class(), form.due_before_event_id.data) if form.due_before_event_id.data else None,
    )


_Q_FIELD = re.compile(r"^q-(\d+)-text$")


def question_rows(form: Mapping[str, str]) -> list[dict[str, Any]]:
    """The corrected questions as typed (``q-<i>-number``, ``q-<i>-text``), each with its
    number read (``value``) and its problem (``error``): numbers are whole, from 1, and each
    question with a text has its own."""
    rows: list[dict[str, Any]] = []
    for key, text in form.items():
        match = _Q_FIELD.match(key)
        if match:
            index = match.group(1)
            rows.append({"index": index, "number": form.get(f"q-{index}-number", index), "text": text, "error": None})
    seen: set[int] = set()
    for row in rows:
        number = _whole_number(row["number"])
        if number is None:
            row["error"] = _("Question numbers must be whole numbers.")
        elif number < 1:
            row["error"] = _("Question numbers start at 1.")
        elif row["text"].strip() and number in seen:
            row["error"] = _("Each question needs its own number.")
        elif row["text"].strip():
            seen.add(number)
        row["value"] = number
    return rows


def _whole_number(text: str) -> int | None:
    raw = text.strip()
    if not raw.isascii():
        return None
    try:
        number = int(raw)
    except ValueError:
        return None
    return number if abs(number) <= MAX_INT else None
