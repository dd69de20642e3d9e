"""Roles and the permission table: which role may do what. One place, tested route by route."""

from __future__ import annotations

from parliament_tracker.enums import N_, TitledEnum


class Role(TitledEnum):
    registrar = "registrar", N_("Registrar")
    drafter = "drafter", N_("Drafter")
    director = "director", N_("Director")
    signatory_office = "signatory_office", N_("Signatory's office")
    admin = "admin", N_("Administrator")
    viewer = "viewer", N_("Viewer")
    #: records management (DIV/archief): approves the destruction list, places legal holds
    archivist = "archivist", N_("Archivist")


ALL_ROLES = frozenset(Role)
#: who works on cases (the archivist, like the viewer, only reads them)
STAFF = ALL_ROLES - {Role.viewer, Role.archivist}

#: permission name -> the roles that hold it. Views declare one permission each.
PERMISSIONS: dict[str, frozenset[Role]] = {
    "case.view": ALL_ROLES,
    "case.create": frozenset({Role.registrar, Role.admin}),
    "case.edit": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    "case.link": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    "case.attach": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    "case.transition": STAFF,
    "case.export": ALL_ROLES,
    "letter.view": ALL_ROLES,
    "letter.draft": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    "letter.submit": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    "letter.approve": frozenset({Role.director, Role.admin}),
    "letter.sign": frozenset({Role.signatory_office, Role.admin}),
    "letter.send": frozenset({Role.signatory_office, Role.registrar, Role.admin}),
    "letter.verify": ALL_ROLES,
    "template.manage": frozenset({Role.admin}),
    "admin": frozenset({Role.admin}),
    "calendar.view": ALL_ROLES,
    "dashboard.view": frozenset({Role.director, Role.registrar, Role.admin}),
    "deadline.override": frozenset({Role.director, Role.admin}),
    "event.manage": frozenset({Role.registrar, Role.admin}),
    "case.postpone": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    "account": ALL_ROLES,
    "notifications.view": ALL_ROLES,
    "contribution.ask": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    #: the service also checks the user is of the directorate asked
    "contribution.deliver": STAFF,
    "outbox.view": frozenset({Role.admin}),
    #: earlier answers and standard lines: everyone reads them; the service also checks that a
    #: line is changed by its own directorate (or an administrator)
    "answers.view": ALL_ROLES,
    "standard_line.manage": frozenset({Role.registrar, Role.drafter, Role.director, Role.admin}),
    "jobs.view": frozenset({Role.admin}),
    #: the Woo file of a case or a search (every document, inventory list): the desk that
    #: registers Woo requests, the directors who answer them, administrators and archivists
    "woo.export": frozenset({Role.registrar, Role.director, Role.admin, Role.archivist}),
    #: see the retention settings, legal holds and destruction lists (read-only)
    "retention.view": frozenset({Role.registrar, Role.director, Role.admin, Role.archivist}),
    #: set a case kind's retention period and outcome (selectielijst)
    "retention.settings": frozenset({Role.admin}),
    #: place and lift a legal hold (Woo request, objection procedure)
    "retention.hold": frozenset({Role.registrar, Role.admin, Role.archivist}),
    #: approve or remove items of a destruction list, destroy and transfer the approved ones
    "retention.decide": frozenset({Role.archivist}),
}


def has_permission(role: Role | None, permission: str) -> bool:
    if role is None:
        return False
    return role in PERMISSIONS[permission]
