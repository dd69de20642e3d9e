"""Per-question assignment on the case page (written questions).

Routes:
    POST  /cases/<ref>/questions/assignments     each question's directorate and drafter     case.edit
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from parliament_tracker import edge, reference_data
from parliament_tracker.auth.models import User
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.cases import assignments
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.models import Case
from parliament_tracker.cases.views import _case_page, _get_case
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Directorate

bp = Blueprint("case_questions", __name__)


@dataclasses.dataclass(frozen=True)
class Options:
    """A select's options (value, title), escaped once per page: each question's select only
    marks its value as selected (the page has one directorate and one drafter select per
    question, each with every directorate or drafter)."""

    values: tuple[str, ...]
    html: tuple[str, ...]  # each option without its "selected", as '<option value="…">…</option>'

    @classmethod
    def of(cls, pairs: list[tuple[int, str]]) -> Options:
        values = tuple(str(value) for value, _title in pairs)
        return cls(values, tuple(f'<option value="{v}">{escape(title)}</option>' for v, (_i, title) in zip(values, pairs, strict=True)))

    def options(self, selected: str) -> Markup:
        """The options with ``selected`` marked; a value not among them (an id typed in a
        refused form) comes last, selected."""
        out = [
            html.replace('">', '" selected>', 1) if value == selected else html
            for value, html in zip(self.values, self.html, strict=True)
        ]
        if selected and selected not in self.values:
            out.append(f'<option value="{escape(selected)}" selected>{escape(selected)}</option>')
        return Markup("".join(out))


def choices(case: Case) -> dict[str, Any]:
    """The case page's choices for the assignment form (written questions only): the
    directorates by code and the enabled drafters and directors by name (with their
    directorate's code): kept per worker under the reference stamp (``cases.hooks`` watches the
    directorates and the users' roles, names, directorates and whether enabled), read in one
    statement of the columns shown on a mismatch."""
    if case.kind != CaseKind.written_questions or not case.questions:
        return {}
    return reference_data.kept("cases.assignment_choices", _load_choices)


def _load_choices() -> dict[str, Options]:
    rows = db.session.execute(_choices_statement()).all()
    return {
        "assign_directorates": Options.of([(r.id, r.title) for r in rows if r.part == 0]),
        "assign_drafters": Options.of([(r.id, f"{r.title} ({r.code})" if r.code else r.title) for r in rows if r.part == 1]),
    }


@functools.cache
def _choices_statement() -> sa.Select[Any]:
    """Built once per process (its cache key is memoized on it)."""
    directorates = sa.select(
        sa.literal(0).label("part"), Directorate.id.label("id"), Directorate.code.label("title"),
        sa.cast(sa.null(), sa.String).label("code"),
    )
    drafters = (
        sa.select(sa.literal(1), User.id, User.display_name, Directorate.code)
        .outerjoin(Directorate, Directorate.id == User.directorate_id)
        .where(User.is_enabled, User.role.in_(assignments.DRAFTER_ROLES))
    )
    both = sa.union_all(directorates, drafters).subquery()
    return sa.select(both).order_by(both.c.part, both.c.title, both.c.id)


def _whole(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None


def read_form(case: Case, form: Any) -> tuple[dict[int, assignments.Assignment], dict[str, str]]:
    """Each question's choice as typed; an unknown id is an error on its field."""
    out: dict[int, assignments.Assignment] = {}
    errors: dict[str, str] = {}
    for q in case.questions:
        picked: dict[str, Any] = {}
        for part, model in (("directorate", Directorate), ("drafter", User)):
            name = assignments.field_name(q.number, part)
            raw = form.get(name, "")
            if raw == "":
                picked[part] = None
                continue
            found = db.session.get(model, _whole(raw)) if _whole(raw) is not None else None
            if found is None:
                errors[name] = _("Choose from the list.")
            picked[part] = found
        if assignments.field_name(q.number, "directorate") in form or assignments.field_name(q.number, "drafter") in form:
            out[q.number] = assignments.Assignment(picked["directorate"], picked["drafter"])
    return out, errors


@bp.post("/cases/<reference>/questions/assignments")
@permission_required("case.edit")
def assign(reference: str):
    """Save each question's directorate and drafter. A refusal shows the case page again with
    what was chosen and the error next to each question it is about."""
    case = _get_case(reference)
    typed = {k: v for k, v in request.form.items() if k.startswith("a-")}
    wanted, errors = read_form(case, request.form)

    def refused(message: str, field_errors: dict[str, str], status: int) -> Any:
        flash(message, "error")
        page = _case_page(case, assignment_values=typed, assignment_errors=field_errors, assignment_message=message, has_errors=True)
        return page, status

    if errors:
        return refused(_("The assignments could not be saved. Check the questions marked."), errors, 422)
    raw_version = request.form.get("version", "")
    expected = int(raw_version) if raw_version.isdigit() and len(raw_version) < 10 else -1
    edge.on_refusal(lambda exc: refused(exc.message, exc.errors, exc.status))
    changed = assignments.assign_questions(case, wanted, expected_version=expected, actor=edge.actor())
    flash(_("Assignments saved.") if changed else _("Nothing changed."), "success")
    return redirect(url_for("cases.show", reference=case.reference) + "#question-assignments")

