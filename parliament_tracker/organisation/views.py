"""Admin pages: users, directorates, signatories, committees, parties and members.

Routes (all admin-only):
    GET       /admin                         overview
    GET       /admin/<kind>                  list of one kind
    GET/POST  /admin/<kind>/new              create
    GET/POST  /admin/<kind>/<id>             edit
    POST      /admin/users/<id>/end-sessions log the user out everywhere
"""

from __future__ import annotations

import dataclasses
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_user

from parliament_tracker import edge
from parliament_tracker.auth.models import User
from parliament_tracker.auth.permissions import permission_required
from parliament_tracker.auth.roles import Role
from parliament_tracker.auth.services import end_sessions as end_user_sessions
from parliament_tracker.auth.services import hash_password
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.organisation import forms, services
from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory

bp = Blueprint("admin", __name__, url_prefix="/admin")


@dataclasses.dataclass(frozen=True)
class Section:
    model: Any
    form: Any
    title: Any
    columns: tuple[tuple[str, Any], ...]
    order_by: str
    unique: tuple[str, ...] = ()


SECTIONS: dict[str, Section] = {
    "users": Section(User, forms.UserForm, _l("Users"), (("username", _l("User name")), ("display_name", _l("Full name")), ("role_title", _l("Role")), ("directorate_code", _l("Directorate")), ("enabled_label", _l("Status"))), "username", ("username",)),
    "directorates": Section(Directorate, forms.DirectorateForm, _l("Directorates"), (("code", _l("Code")), ("name", _l("Name")), ("email", _l("Functional mailbox"))), "code", ("code",)),
    "signatories": Section(Signatory, forms.SignatoryForm, _l("Signatories"), (("office_title", _l("Office title")), ("name", _l("Name"))), "office_title", ("office_title",)),
    "committees": Section(Committee, forms.CommitteeForm, _l("Committees"), (("name", _l("Name")), ("abbreviation", _l("Abbreviation"))), "name", ("name",)),
    "parties": Section(Party, forms.PartyForm, _l("Parties"), (("abbreviation", _l("Abbreviation")), ("name", _l("Name"))), "abbreviation", ("abbreviation",)),
    "members": Section(Member, forms.MemberForm, _l("Members of parliament"), (("name", _l("Name")), ("party_label", _l("Party"))), "name"),
}


def _cell(obj: Any, column: str) -> Any:
    if column == "role_title":
        return obj.role.label
    if column == "directorate_code":
        return obj.directorate.code if obj.directorate else ""
    if column == "enabled_label":
        return _("enabled") if obj.is_enabled else _("disabled")
    if column == "party_label":
        return obj.party.abbreviation if obj.party else ""
    return getattr(obj, column) or ""


def _section(kind: str) -> Section:
    if kind not in SECTIONS:
        abort(404)
    return SECTIONS[kind]


def fill_choices(form: Any) -> None:
    if hasattr(form, "directorate_id"):
        form.directorate_id.choices = [(None, "—")] + [(d.id, d.code) for d in db.session.scalars(db.select(Directorate).order_by(Directorate.code))]
    if hasattr(form, "party_id"):
        form.party_id.choices = [(None, "—")] + [(p.id, p.abbreviation) for p in db.session.scalars(db.select(Party).order_by(Party.abbreviation))]


@bp.get("")
@permission_required("admin")
def overview():
    """Admin start page."""
    counts = {kind: db.session.scalar(db.select(db.func.count()).select_from(s.model)) for kind, s in SECTIONS.items()}
    return render_template("admin/overview.html", sections=SECTIONS, counts=counts)


@bp.get("/<kind>")
@permission_required("admin")
def index(kind: str):
    """List the objects of one kind."""
    section = _section(kind)
    rows = db.session.scalars(db.select(section.model).order_by(getattr(section.model, section.order_by))).all()
    table = [(row.id, [_cell(row, c) for c, _t in section.columns]) for row in rows]
    return render_template("admin/index.html", kind=kind, section=section, table=table)


@bp.route("/<kind>/new", methods=["GET", "POST"])
@permission_required("admin")
def create(kind: str):
    """Create an object."""
    return _edit(kind, None)


@bp.route("/<kind>/<int:obj_id>", methods=["GET", "POST"])
@permission_required("admin")
def edit(kind: str, obj_id: int):
    """Edit an object."""
    return _edit(kind, obj_id)


@bp.route("/users/<int:obj_id>/end-sessions", methods=["POST"])
@permission_required("admin")
def end_sessions(obj_id: int):
    """Log a user out everywhere: every browser session of the user ends."""
    user = db.get_or_404(User, obj_id)
    end_user_sessions(user, actor=edge.actor(), reason="ended by an administrator")
    if user.id == current_user.id:
        login_user(user)
    flash(_("%(name)s has been logged out everywhere.", name=user.display_name), "success")
    return redirect(url_for("admin.edit", kind="users", obj_id=obj_id))


def _edit(kind: str, obj_id: int | None) -> Any:
    section = _section(kind)
    obj = db.get_or_404(section.model, obj_id) if obj_id else section.model()
    form = section.form(obj=obj if obj_id else None)
    fill_choices(form)
    if obj_id and kind == "users" and not form.is_submitted():
        form.role.data = obj.role.value
    if form.validate_on_submit():
        values = {name: field.data for name, field in form._fields.items() if name not in ("csrf_token", "password")}
        if kind == "users":
            values["username"] = values["username"].lower()
            values["role"] = Role(values["role"])
            if form.password.data:
                values["password_hash"] = hash_password(form.password.data)
            elif not obj_id:
                form.password.errors = [_("A new user needs a password.")]
                return render_template("admin/form.html", kind=kind, section=section, form=form, obj=None), 422
            if obj_id == current_user.id and (values["role"] != Role.admin or not values["is_enabled"]):
                flash(_("You cannot take away your own administrator rights."), "error")
                return render_template("admin/form.html", kind=kind, section=section, form=form, obj=obj), 422
        for key in ("email", "abbreviation"):
            if key in values and not values[key]:
                values[key] = None

        def refused(exc: DomainError) -> Any:
            for name, message in exc.errors.items():
                getattr(form, name).errors = [message]
            return render_template("admin/form.html", kind=kind, section=section, form=form, obj=obj if obj_id else None), 422

        edge.on_refusal(refused)
        services.save(obj, values, unique=section.unique, actor=edge.actor())
        if kind == "users" and obj_id == current_user.id:
            login_user(obj)  # a change of one's own password ended one's sessions; keep this one
        flash(_("Saved."), "success")
        return redirect(url_for("admin.index", kind=kind))
    status = 422 if form.is_submitted() else 200
    return render_template("admin/form.html", kind=kind, section=section, form=form, obj=obj if obj_id else None), status
