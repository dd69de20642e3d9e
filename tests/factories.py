"""Test factories: build the few rows a test needs instead of loading the whole demo.

Plain functions that add rows to ``db.session`` (the test's rolled-back session) through the
same services the app uses, so stored cases get their deadlines, search text and audit entries.
Call them inside an app context; they flush but never commit (the fixture that calls them does).
Every argument has a sensible default, and lookups are get-or-create, so two factories that need
the same directorate share it.

``seed_pair`` builds the project's seed case (2021Z19241 with 2021Z19601, DOMAIN §1) and what it
hangs on: the DGMI directorate, the staatssecretaris, the JenV committee, the members Podt and
Ceder, the JenV budget debate of 2021 and the Christmas recess. ``seed_letter`` adds the shipped
templates and the seed reply letter as a draft. Only the demo's own tests load the full demo.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases import links as case_links
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.models import Case, LinkType
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.deadlines.models import Deadline, Event, EventKind
from parliament_tracker.deadlines.rules import DeadlineKind
from parliament_tracker.extensions import db
from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory

PASSWORD = "correct-horse-battery"

SEED = "2021Z19241"
SEED_WRITTEN = "2021Z19601"
TODAY = dt.date(2021, 12, 1)

_numbers = itertools.count(1)


def _get_or_create(model: Any, lookup: dict[str, Any], **values: Any) -> Any:
    found = db.session.scalar(db.select(model).filter_by(**lookup))
    if found is None:
        found = model(**lookup, **values)
        db.session.add(found)
        db.session.flush()
    return found


# -- people and organisation ---------------------------------------------------------------------


def user(role: Role | str = Role.drafter, username: str | None = None, **kwargs: Any) -> User:
    """A user with ``PASSWORD`` (username defaults to the role; reused when it exists)."""
    from parliament_tracker.auth.services import create_user

    role = Role(role)
    username = username or role.value
    existing = db.session.scalar(db.select(User).where(User.username == username))
    if existing is not None:
        return existing
    kwargs.setdefault("display_name", f"Test {role.value}")
    created = create_user(username, PASSWORD, role, **kwargs)
    db.session.flush()
    return created


def directorate(code: str = "DGMI", name: str | None = None, email: str | None = None) -> Directorate:
    return _get_or_create(
        Directorate,
        {"code": code},
        name=name or f"Directoraat-Generaal {code}",
        email=email or f"{code.lower()}-kamerstukken@example.org",
    )


def signatory(
    office_title: str = "De Staatssecretaris van Justitie en Veiligheid", name: str = "Ankie Broekers-Knol"
) -> Signatory:
    return _get_or_create(Signatory, {"office_title": office_title}, name=name)


def committee(name: str = "vaste commissie voor Justitie en Veiligheid", abbreviation: str = "J&V") -> Committee:
    return _get_or_create(Committee, {"name": name}, abbreviation=abbreviation)


def member(name: str = "Podt", party: str = "D66") -> Member:
    row = _get_or_create(Party, {"abbreviation": party}, name=party)
    return _get_or_create(Member, {"name": name, "party_id": row.id})


# -- events and cases ------------------------------------------------------------------------------


def event(
    name: str = "Begrotingsbehandeling JenV 2022",
    starts_on: dt.date = dt.date(2021, 11, 24),
    ends_on: dt.date | None = dt.date(2021, 11, 25),
    kind: EventKind = EventKind.budget_debate,
    dossier: str | None = None,
    actor: User | None = None,
) -> Event:
    """An event through the service (a recess or a moved debate recomputes the cases it touches)."""
    from parliament_tracker.deadlines.events import save_event

    found = db.session.scalar(db.select(Event).where(Event.name == name, Event.starts_on == starts_on))
    if found is not None:
        return found
    values = {"kind": kind, "name": name, "starts_on": starts_on, "ends_on": ends_on, "dossier": dossier}
    created = save_event(None, values, actor=actor)
    db.session.flush()
    return created


def case(
    reference: str | None = None,
    kind: CaseKind = CaseKind.written_questions,
    *,
    subject: str | None = None,
    received_on: dt.date = dt.date(2021, 11, 5),
    status: CaseStatus | None = None,
    actor: User | None = None,
    **fields: Any,
) -> Case:
    """A case registered through ``cases.services.create_case`` (deadlines computed).

    ``fields`` are further ``CaseInput`` fields (drafter, lead_directorate, addressed_to,
    committee, members, questions_text, committee_due_on, given_due_on, due_before_event, ...).
    ``status`` is written directly afterwards, for tests that need a case in some state without
    walking the workflow (the workflow has its own tests).
    """
    if reference is None:
        n = next(_numbers)
        reference = f"TZ202111-{n % 1000:03d}" if kind == CaseKind.commitment else f"2021Z{90000 + n:05d}"
    data = case_services.CaseInput(
        reference=reference,
        kind=kind,
        subject=subject or f"Testzaak {reference}",
        received_on=received_on,
        **fields,
    )
    created = case_services.create_case(data, actor=actor)
    db.session.flush()
    if status is not None:
        created.status = status
        db.session.flush()
    return created


def deadline(for_case: Case, kind: DeadlineKind = DeadlineKind.external) -> Deadline:
    """The stored deadline of ``kind`` of a case (computed when the case was saved)."""
    found = db.session.scalar(db.select(Deadline).where(Deadline.case_id == for_case.id, Deadline.kind == kind))
    assert found is not None, f"{for_case.reference} has no {kind} deadline"
    return found


# -- the seed case -------------------------------------------------------------------------------


def seed_pair(users: dict[str, User] | None = None, today: dt.date = TODAY) -> tuple[Case, Case]:
    """The seed case: committee request 2021Z19241 and written questions 2021Z19601, linked.

    Registered by the ``registrar`` and drafted by the ``drafter`` of ``users`` (the conftest
    users), as the demo does, anchored to the JenV budget debate, with the Christmas recess 2021.
    """
    from parliament_tracker.demo import SEED_QUESTIONS

    users = users or {role.value: user(role) for role in Role}
    registrar, drafter, admin = (db.session.get(User, users[r].id) for r in ("registrar", "drafter", "admin"))
    dgmi = directorate("DGMI", "Directoraat-Generaal Migratie", "dgmi-kamerstukken@example.org")
    staatssecretaris = signatory()
    budget = event(dossier="35925-VI", actor=admin)
    event("Kerstreces 2021", dt.date(2021, 12, 17), dt.date(2022, 1, 10), EventKind.recess, actor=admin)
    request = case(
        SEED,
        CaseKind.committee_request,
        subject="Verzoek om een reactie op berichtgeving in de krant over angstcultuur bij de IND",
        received_on=dt.date(2021, 11, 2),
        committee=committee(),
        addressed_to=staatssecretaris,
        lead_directorate=dgmi,
        drafter=drafter,
        dossier="35925-VI",
        notes="Brief van de vaste commissie voor Justitie en Veiligheid van 2 november 2021. "
        "Hangt samen met de schriftelijke vragen 2021Z19601 van de leden Podt en Ceder.",
        actor=registrar,
    )
    written = case(
        SEED_WRITTEN,
        CaseKind.written_questions,
        subject="Vragen van de leden Podt en Ceder over het bericht «Angstcultuur en machtsspelletjes en een "
        "verziekte sfeer bij afdeling van de IND: «die collega gaan wij afbranden»»",
        received_on=dt.date(2021, 11, 5),
        members=[member("Podt", "D66"), member("Ceder", "ChristenUnie")],
        addressed_to=staatssecretaris,
        lead_directorate=dgmi,
        drafter=drafter,
        dossier="35925-VI",
        questions_text=SEED_QUESTIONS,
        due_before_event=budget,
        notes="Beantwoorden vóór de begrotingsbehandeling JenV (24 november 2021).",
        actor=registrar,
    )
    case_links.add_link(request, written.reference, LinkType.same_subject, actor=registrar)
    db.session.flush()
    return request, written


def letter(cases: Sequence[Case], kind: Any = None, *, actor: User | None = None, mentions: Sequence[Case] = ()) -> Any:
    """A draft letter for ``cases`` (the shipped templates are loaded first)."""
    from parliament_tracker.letters import services as letter_services
    from parliament_tracker.letters import templates as letter_templates
    from parliament_tracker.letters.models import LetterKind

    letter_templates.load_shipped_templates()
    started = letter_services.start_letter(list(cases), kind or LetterKind.kamerbrief, actor=actor, mentions=list(mentions))
    db.session.flush()
    return started


def seed_letter(request: Case, written: Case, drafter: User) -> Any:
    """The seed reply letter to 2021Z19241 (mentioning 2021Z19601) as a draft, as in the demo."""
    from parliament_tracker.letters import services as letter_services
    from parliament_tracker.letters.engine import seed_letter as text

    draft = letter([request], actor=drafter, mentions=[written])
    letter_services.update_letter(
        draft,
        letter_services.LetterInput(subject=text.SUBJECT, letter_date=text.LETTER_DATE, body=text.body_markup()),
        expected_version=draft.version,
        actor=drafter,
    )
    db.session.flush()
    return draft


def varied_cases(count: int = 24, today: dt.date = TODAY, seed: int = 20211123) -> list[Case]:
    """``count`` cases spread over kinds, two directorates, drafters or none, received in the 60
    days before ``today``, some with a given or committee date and some anchored to an event
    (deterministic for a given ``seed``). Statuses are left registered: tests set what they need."""
    import random

    rng = random.Random(seed)
    directorates = [directorate("DGMI"), directorate("DGSenB")]
    drafters = [user(Role.drafter), user(Role.drafter, "drafter2"), None]
    debate = event("Commissiedebat Vreemdelingen- en asielbeleid", today + dt.timedelta(days=16), None, EventKind.committee_debate)
    kinds = list(CaseKind)
    made = []
    for i in range(count):
        kind = kinds[i % len(kinds)]
        received = today - dt.timedelta(days=rng.randint(0, 60))
        fields: dict[str, Any] = {"lead_directorate": rng.choice(directorates), "drafter": rng.choice(drafters)}
        if kind == CaseKind.committee_request and i % 3 == 0:
            fields["committee_due_on"] = received + dt.timedelta(days=rng.randint(10, 35))
        elif kind not in (CaseKind.written_questions, CaseKind.committee_request):
            fields["given_due_on"] = received + dt.timedelta(days=rng.randint(14, 60))
        if i % 7 == 3:
            fields["due_before_event"] = debate
        made.append(case(kind=kind, received_on=received, **fields))
    return made
