"""Demo data: the seed case of November 2021 as history, open work dated relative to the day the
demo is loaded, and a few dozen realistic cases.

- ``history``: 2021Z19241 and 2021Z19601, registered, answered by signed letters and sent in
  November 2021, each step taken in the app at the moment it happened;
- ``today``: open cases of the last weeks with letters in every workflow stage, contributions,
  overdue and due-this-week answers, a Monday list and a debate next week;
- here: the organisation, the users, the events and the realistic cases.

Every step goes through the services (which write the audit log and the timelines); loading
takes one transaction (the caller commits) and a second load changes nothing.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random

from parliament_tracker import signals
from parliament_tracker.answers.indexing import index_letter
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.auth.services import create_user, hash_password
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases import status as case_status
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.db import today_local
from parliament_tracker.deadlines.events import save_event
from parliament_tracker.deadlines.models import Event, EventKind
from parliament_tracker.demo import history
from parliament_tracker.demo import today as open_work
from parliament_tracker.demo.clock import AMSTERDAM, at, local
from parliament_tracker.demo.history import SEED_QUESTIONS  # noqa: F401 - the seed questions (tests/factories)
from parliament_tracker.extensions import db
from parliament_tracker.letters import templates as letter_templates
from parliament_tracker.letters.models import Letter, LetterStatus
from parliament_tracker.organisation.models import Committee, Directorate, Member, Party, Signatory

DEMO_PASSWORD = "demo-wachtwoord"

DIRECTORATES = [
    ("DGMI", "Directoraat-Generaal Migratie", "dgmi-kamerstukken@example.org"),
    ("DGSenB", "Directoraat-Generaal Straffen en Beschermen", "dgsenb-kamerstukken@example.org"),
    ("DGRR", "Directoraat-Generaal Rechtspleging en Rechtshandhaving", "dgrr-kamerstukken@example.org"),
    ("DGPenV", "Directoraat-Generaal Politie en Veiligheidsregio's", "dgpenv-kamerstukken@example.org"),
    ("DWJZ", "Directie Wetgeving en Juridische Zaken", "dwjz-kamerstukken@example.org"),
]
SIGNATORIES = [
    ("De Staatssecretaris van Justitie en Veiligheid", "Ankie Broekers-Knol"),
    ("De Minister van Justitie en Veiligheid", "Ferdinand Grapperhaus"),
    ("De Minister voor Rechtsbescherming", "Sander Dekker"),
]
COMMITTEES = [("vaste commissie voor Justitie en Veiligheid", "J&V"), ("vaste commissie voor Binnenlandse Zaken", "BiZa")]
PARTIES = [
    ("D66", "Democraten 66"), ("ChristenUnie", "ChristenUnie"), ("VVD", "Volkspartij voor Vrijheid en Democratie"),
    ("PVV", "Partij voor de Vrijheid"), ("CDA", "Christen-Democratisch Appèl"), ("SP", "Socialistische Partij"),
    ("GroenLinks", "GroenLinks"), ("PvdA", "Partij van de Arbeid"), ("JA21", "JA21"), ("Volt", "Volt"),
]
MEMBERS = [
    ("Podt", "D66"), ("Ceder", "ChristenUnie"), ("Van Nispen", "SP"), ("Ellian", "VVD"), ("Michon-Derkzen", "VVD"),
    ("Van der Werf", "D66"), ("Bikker", "ChristenUnie"), ("Mutluer", "PvdA"), ("Wilders", "PVV"), ("Van der Plas", "JA21"),
    ("Koekkoek", "Volt"), ("Kuik", "CDA"), ("Ellemeet", "GroenLinks"),
]
USERS = [
    ("registrar", "Rina Registrateur", Role.registrar, None),
    ("drafter", "Daan de Vries", Role.drafter, "DGMI"),
    ("drafter2", "Fatima el Amrani", Role.drafter, "DGSenB"),
    ("director", "Dirk Directeur", Role.director, "DGMI"),
    ("signer", "Sanne Secretariaat", Role.signatory_office, None),
    ("admin", "Anna Beheer", Role.admin, None),
    ("viewer", "Victor Meelezer", Role.viewer, None),
    ("archivist", "Arend Archivaris", Role.archivist, None),
]

SUBJECTS = [
    "de wachttijden bij de IND voor naturalisatieaanvragen",
    "de capaciteit van het gevangeniswezen",
    "het bericht dat de politie te weinig rechercheurs heeft voor cybercrime",
    "de achterstanden bij de rechtspraak in strafzaken",
    "de opvang van alleenstaande minderjarige vreemdelingen",
    "de uitvoering van de motie over slachtofferhulp",
    "het gebruik van algoritmes door de IND",
    "de inzet van boa's bij evenementen",
    "de beveiliging van advocaten en rechters",
    "de voortgang van de herziening van het Wetboek van Strafvordering",
    "het tekort aan forensisch artsen",
    "de gezinshereniging van nareizigers",
    "de bestrijding van ondermijning in havens",
    "het bericht over fouten in het justitieel documentatiesysteem",
    "de toekomst van de reclassering",
    "het aantal openstaande vacatures bij de Dienst Justitiële Inrichtingen",
    "de terugkeer van uitgeprocedeerde asielzoekers",
    "de wachtlijsten voor tbs-klinieken",
]


def _get_or_create(model, lookup: dict, **values):
    found = db.session.scalar(db.select(model).filter_by(**lookup))
    if found is None:
        found = model(**lookup, **values)
        db.session.add(found)
    return found


def load_demo(today: dt.date | None = None) -> bool:
    """Load the demo once, as of ``today`` (default: today). Returns False when it is already there.

    The demo is history, not news: its steps send no domain events, so nobody is notified
    of hand-overs that "happened" before it was loaded. The letters are signed with this
    installation's signing key; without one, the development certificate is made first."""
    if db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601")) is not None:
        return False
    ensure_dev_certificate()
    with contextlib.ExitStack() as quiet:
        for signal in (signals.case_status_changed, signals.case_assigned, signals.letter_status_changed,
                       signals.postponement_sent, signals.event_moved, signals.contribution_changed):
            quiet.enter_context(signal.muted())
        loaded = _load_demo(today or today_local())
    _index_sent_answers()
    return loaded


def _index_sent_answers() -> None:
    """The demo's sent letters are earlier answers the letter editor proposes; with the workflow's
    signal muted, nothing indexed them while they were sent."""
    sent = db.select(Letter).where(Letter.status == LetterStatus.sent).order_by(Letter.sent_on, Letter.id)
    for letter in db.session.scalars(sent):
        index_letter(letter)


DEV_COMMON_NAME = "Parliament Tracker demo signer"
#: the development certificate is valid from before the demo's history, so the letters of
#: November 2021 were signed while it was valid
DEV_CERTIFICATE_FROM = dt.datetime(2021, 1, 1, tzinfo=dt.UTC)


def ensure_dev_certificate() -> str | None:
    """Create the development certificate at the configured path when none exists (demo only)."""
    import os

    from flask import current_app

    from parliament_tracker.letters.engine.signing import make_dev_certificate

    path = current_app.config.get("SIGNING_PKCS12_PATH")
    if not path or os.path.exists(path):
        return None
    made = make_dev_certificate(path, current_app.config.get("SIGNING_PKCS12_PASSPHRASE") or "", DEV_COMMON_NAME,
                                not_before=DEV_CERTIFICATE_FROM)
    return str(made.p12_path)


def _load_demo(today: dt.date) -> bool:
    directorates = {code: _get_or_create(Directorate, {"code": code}, name=name, email=email) for code, name, email in DIRECTORATES}
    signatories = [_get_or_create(Signatory, {"office_title": title}, name=name) for title, name in SIGNATORIES]
    committees = [_get_or_create(Committee, {"name": name}, abbreviation=abbr) for name, abbr in COMMITTEES]
    parties = {abbr: _get_or_create(Party, {"abbreviation": abbr}, name=name) for abbr, name in PARTIES}
    db.session.flush()
    members = {name: _get_or_create(Member, {"name": name, "party_id": parties[party].id}) for name, party in MEMBERS}
    db.session.flush()
    with at(history.REGISTERED_REQUEST - dt.timedelta(days=30)):  # the accounts and templates predate the history
        users = _load_users(directorates)
        letter_templates.load_shipped_templates()
    with at(_now_of(today)):
        events = _load_events(today, users["admin"])
    request, written = history.register_seed_cases(directorates, signatories[0], committees, members, users, events)
    history.answer_seed_cases(request, written, users)
    with at(_now_of(today)):
        _load_realistic_cases(today, directorates, signatories, committees, list(members.values()), users, events)
    open_work.load(open_work.Open(today, users, directorates, signatories[0], committees[0], members, events))
    return True


def _now_of(today: dt.date) -> dt.datetime:
    """The moment the demo is loaded: now when ``today`` is today, else noon of ``today``."""
    now = dt.datetime.now(dt.UTC)
    return now if now.astimezone(AMSTERDAM).date() == today else local(today, 12)


def _load_users(directorates: dict[str, Directorate]) -> dict[str, User]:
    users: dict[str, User] = {}
    shared_hash = None
    for username, display, role, directorate in USERS:
        existing = db.session.scalar(db.select(User).where(User.username == username))
        if existing is None and shared_hash is None:
            shared_hash = hash_password(DEMO_PASSWORD)
        users[username] = existing or create_user(
            username, DEMO_PASSWORD, role, display_name=display, email=f"{username}@example.org",
            directorate=directorates[directorate] if directorate else None, password_hash=shared_hash,
        )
    return users


def _load_events(today: dt.date, admin: User) -> dict[str, Event]:
    """The JenV budget debate of 2021, the Christmas recess 2021 and a few events around today."""
    def event(kind: EventKind, name: str, starts_on: dt.date, ends_on: dt.date | None, dossier: str | None = None) -> Event:
        found = db.session.scalar(db.select(Event).where(Event.name == name, Event.starts_on == starts_on))
        return found or save_event(None, {"kind": kind, "name": name, "starts_on": starts_on, "ends_on": ends_on, "dossier": dossier}, actor=admin)

    events = {
        "budget": event(EventKind.budget_debate, "Begrotingsbehandeling JenV 2022", dt.date(2021, 11, 24), dt.date(2021, 11, 25), "35925-VI"),
        "christmas_2021": event(EventKind.recess, "Kerstreces 2021", dt.date(2021, 12, 17), dt.date(2022, 1, 10)),
        "committee": event(
            EventKind.committee_debate, "Commissiedebat Vreemdelingen- en asielbeleid", today + dt.timedelta(days=16), None
        ),
        "plenary": event(EventKind.plenary_debate, "Plenair debat over de IND", today + dt.timedelta(days=30), None),
        # Tuesday next week: questions to answer before it are due this week or early next week
        "next_week": event(EventKind.committee_debate, "Commissiedebat Politie",
                           today + dt.timedelta(days=8 - today.weekday()), None),
    }
    if today > dt.date(2022, 1, 10):
        # Recent recesses relative to today, so the demo calendar shows recess warnings.
        start = today - dt.timedelta(days=today.weekday()) + dt.timedelta(weeks=5) - dt.timedelta(days=3)
        events["recess_next"] = event(EventKind.recess, f"Reces {start.year} (demo)", start, start + dt.timedelta(days=10))
        past = today - dt.timedelta(days=60)
        events["recess_past"] = event(EventKind.recess, f"Eerder reces {past.year} (demo)", past, past + dt.timedelta(days=9))
    return events


_REALISTIC_KINDS = [CaseKind.written_questions] * 5 + [CaseKind.committee_request] * 3 + [CaseKind.commitment, CaseKind.motion, CaseKind.plenary_request]


def _realistic_input(rng: random.Random, i: int, today: dt.date, directorates: list[Directorate], signatories: list[Signatory],
                     committees: list[Committee], members: list[Member], drafters: list[User | None]) -> case_services.CaseInput:
    """The ``i``-th realistic case's registration (the random draws in a fixed order)."""
    kind = rng.choice(_REALISTIC_KINDS)
    received = today - dt.timedelta(days=rng.randint(0, 60))
    subject = rng.choice(SUBJECTS)
    if kind == CaseKind.commitment:
        reference = f"TZ{today.year}{received.month:02d}-{100 + i:03d}"
    else:
        reference = f"{today.year}Z{10000 + i * 37:05d}"
    data = case_services.CaseInput(
        reference=reference,
        kind=kind,
        subject=(f"Vragen over {subject}" if kind == CaseKind.written_questions else subject[0].upper() + subject[1:]),
        received_on=received,
        addressed_to=rng.choice(signatories),
        lead_directorate=rng.choice(directorates),
        drafter=rng.choice(drafters),
    )
    if kind == CaseKind.written_questions:
        data.members = rng.sample(members, k=rng.randint(1, 2))
        data.questions_text = "\n\n".join(
            f"{n}. {q}" for n, q in enumerate(
                [f"Bent u bekend met het bericht over {subject}?", "Hoe beoordeelt u deze situatie?",
                 "Welke maatregelen gaat u nemen, en wanneer?"][: rng.randint(2, 3)], start=1)
        )
    elif kind == CaseKind.committee_request:
        data.committee = rng.choice(committees)
        if i % 3 == 0:
            data.committee_due_on = received + dt.timedelta(days=rng.randint(10, 35))
    else:
        data.given_due_on = received + dt.timedelta(days=rng.randint(14, 60))
    return data


def _load_realistic_cases(today, directorates, signatories, committees, members, users, events) -> None:
    """A few dozen recent cases across kinds, directorates and statuses (deterministic)."""
    rng = random.Random(20211123)
    path_after_registration = [CaseStatus.assigned, CaseStatus.drafting, CaseStatus.in_review,
                               CaseStatus.awaiting_signature, CaseStatus.answered]
    drafters = [users["drafter"], users["drafter2"], None]
    statuses = [CaseStatus.registered, CaseStatus.assigned, CaseStatus.drafting, CaseStatus.in_review,
                CaseStatus.awaiting_signature, CaseStatus.answered]
    for i in range(36):
        data = _realistic_input(rng, i, today, list(directorates.values()), signatories, committees, members, drafters)
        kind, received = data.kind, data.received_on
        assert kind is not None and received is not None
        if i % 7 == 3:
            data.due_before_event = events["committee"]
        case = case_services.create_case(data, actor=users["registrar"])
        target = rng.choice(statuses)
        if case.drafter is None:
            target = CaseStatus.registered if rng.random() < 0.7 else CaseStatus.assigned
        if kind == CaseKind.commitment and target == CaseStatus.answered:
            target = CaseStatus.drafting
        # Walk the workflow step by step so each case's timeline looks like real work.
        order = [CaseStatus.registered, *path_after_registration]
        # The demo is loaded in one go: give answered cases a plausible answer date.
        answered = min(today, received + dt.timedelta(days=rng.randint(7, 40))) if target == CaseStatus.answered else None
        # Most cases whose date passed more than a week ago were answered around that date; a
        # few are still late (drawn apart, so the draws above stay as they were).
        late = random.Random(i)
        due = case.practical_due_on
        if (target != CaseStatus.answered and kind != CaseKind.commitment and case.drafter is not None
                and due is not None and due < today - dt.timedelta(days=7) and late.random() < 0.8):
            target = CaseStatus.answered
            answered = max(received, due - dt.timedelta(days=late.randint(0, 4)))
        for step in order[order.index(case.status) + 1 : order.index(target) + 1]:
            case_status.transition(case, step, actor=users["admin"], answered_on=answered)
