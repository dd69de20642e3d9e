"""The demo's open work, dated relative to the day it is loaded.

A handful of cases of the Directoraat-Generaal Migratie (DGMI, the demo director's) received a
few days to weeks before today, so that on the first day every page has something to show:
an overdue answer on the coming Monday list, answers due this week, questions to be answered
before a debate next week, contributions asked of another directorate, and reply letters in
every stage of their workflow (draft, in review, changes requested, approved, signed, sent,
withdrawn). Every step goes through the services, taken by the person whose step it is, at
office hours on a day before today (``clock.days_before``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence

from flask import current_app

from parliament_tracker.auth.models import User
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.contributions import services as contributions
from parliament_tracker.deadlines.models import Event
from parliament_tracker.demo.clock import at, days_before
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.approval import signing
from parliament_tracker.letters.models import Letter, LetterKind
from parliament_tracker.organisation.models import Committee, Directorate, Member, Signatory


@dataclasses.dataclass
class Open:
    """What the open work hangs on: the people, the organisation and the day it is loaded."""

    today: dt.date
    users: dict[str, User]
    directorates: dict[str, Directorate]
    signatory: Signatory
    committee: Committee
    members: dict[str, Member]
    events: dict[str, Event]

    def on(self, days: int, hour: int, minute: int = 0) -> dt.datetime:
        return days_before(self.today, days, hour, minute)

    def received(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def reference(self, days: int, number: int) -> str:
        return f"{self.received(days).year}Z{number:05d}"


def _questions(*texts: str) -> str:
    return "\n\n".join(f"{n}. {text}" for n, text in enumerate(texts, start=1))


def _register(o: Open, days: int, number: int, kind: CaseKind, subject: str, *, by_sync: bool = False, **fields) -> Case:
    """Registered by the registrar the morning after it came in (or the same afternoon); or
    ``by_sync``: found in the Kamer's open data by the sync job (no actor), not yet assigned."""
    moment = o.on(days - 1, 9, 30) if days > 1 else o.on(days, 15, 45)
    fields.setdefault("lead_directorate", o.directorates["DGMI"])
    fields.setdefault("drafter", o.users["drafter"])
    fields.setdefault("addressed_to", o.signatory)
    if kind == CaseKind.committee_request:
        fields.setdefault("committee", o.committee)
    with at(moment):
        return case_services.create_case(
            case_services.CaseInput(reference=o.reference(days, number), kind=kind, subject=subject,
                                    received_on=o.received(days), **fields),
            actor=None if by_sync else o.users["registrar"],
        )


def _draft(o: Open, days: int, case: Case, kind: LetterKind, *, body: str = "", answers: Sequence[str] = (),
           generate: bool = True, drafter: str = "drafter") -> Letter:
    """A letter started from the template, its text written and (usually) version 1 made."""
    author = o.users[drafter]
    with at(o.on(days, 10, 15)):
        letter = letter_services.start_letter([case], kind, actor=author)
        data = letter_services.LetterInput(
            body=body or None,
            answers=[{"questions": [n], "text": text} for n, text in enumerate(answers, start=1)] or None,
        )
        letter_services.update_letter(letter, data, expected_version=letter.version, actor=author)
        if generate:
            letter_services.generate_version(letter, actor=author)
    return letter


def _steps(o: Open, letter: Letter, *steps: tuple[int, int, Callable[[], object]]) -> Letter:
    """Each (days before today, hour, step) at its moment."""
    for days, hour, step in steps:
        with at(o.on(days, hour, 5)):
            step()
    return letter


def load(o: Open) -> None:
    """Open work dated relative to the load day: a letter in every workflow state and cases that are
    overdue, due this week or not yet assigned."""
    _sent_back(o)
    _in_review(o)
    _approved(o)
    _signed(o)
    _sent(o)
    _withdrawn_and_redone(o)
    _not_begun(o)


def _sent_back(o: Open) -> None:
    """Overdue, on the coming Monday list: the director sent the answers back with a comment."""
    u = o.users
    drafter, director = (o.users[n] for n in ("drafter", "director"))
    overdue = _register(
        o, 30, 20101, CaseKind.written_questions,
        "Vragen van het lid Van der Werf over de wachttijden bij de IND voor naturalisatieaanvragen",
        members=[o.members["Van der Werf"]],
        questions_text=_questions(
            "Bent u bekend met het bericht dat aanvragers van naturalisatie soms meer dan een jaar op een besluit wachten?",
            "Hoeveel aanvragen liggen er op dit moment langer dan de wettelijke beslistermijn?",
            "Welke maatregelen neemt u om de achterstand weg te werken, en wanneer is die weggewerkt?",
        ),
    )
    asked = _ask(o, 14, overdue, [2], "Graag de actuele aantallen aanvragen buiten de beslistermijn, per soort aanvraag.")
    with at(o.on(11, 15)):
        contributions.deliver(asked, text="Op peildatum vorige maand lagen 4.210 naturalisatieaanvragen buiten de "
                              "beslistermijn; het merendeel betreft aanvragen met een aanvullend onderzoek.",
                              max_bytes=current_app.config["ATTACHMENT_MAX_BYTES"], actor=u["drafter2"])
    sent_back = _draft(o, 12, overdue, LetterKind.answers, answers=[
        "Ja.",
        "Op dit moment liggen ruim 4.200 aanvragen buiten de beslistermijn.",
        "De IND zet extra medewerkers in en vereenvoudigt de werkwijze; de achterstand is naar verwachting binnen een "
        "jaar weggewerkt.",
    ])
    _steps(o, sent_back,
           (10, 11, lambda: workflow.submit(sent_back, [director], actor=drafter)),
           (8, 16, lambda: workflow.request_changes(
               sent_back, actor=director,
               comment="Antwoord 3 belooft te veel: noem geen termijn zonder onderbouwing, en neem de cijfers van "
               "DGSenB over zoals geleverd.")))


def _in_review(o: Open) -> None:
    """In review with the director, due next week; a contribution is still outstanding."""
    drafter, director, admin = (o.users[n] for n in ("drafter", "director", "admin"))
    in_review_case = _register(
        o, 16, 20102, CaseKind.written_questions,
        "Vragen van de leden Bikker en Mutluer over de opvang van alleenstaande minderjarige vreemdelingen",
        members=[o.members["Bikker"], o.members["Mutluer"]],
        questions_text=_questions(
            "Hoeveel alleenstaande minderjarige vreemdelingen verbleven de afgelopen maand in een noodopvang?",
            "Hoe wordt gewaarborgd dat deze kinderen binnen vier weken een plek in de reguliere opvang krijgen?",
        ),
    )
    _ask(o, 4, in_review_case, [1], "Graag de cijfers over de verblijfsduur in de noodopvang.",
         due_on=o.today + dt.timedelta(days=2))
    in_review = _draft(o, 5, in_review_case, LetterKind.answers, answers=[
        "De afgelopen maand verbleven gemiddeld 180 alleenstaande minderjarige vreemdelingen in een noodopvang.",
        "Het COA en Nidos plaatsen kinderen zo snel mogelijk door; de wachttijd wordt wekelijks gevolgd.",
    ])
    _steps(o, in_review, (2, 14, lambda: workflow.submit(in_review, [director, admin], actor=drafter)))


def _approved(o: Open) -> None:
    """Approved, waiting for the signatory's office; the committee's date is this week."""
    drafter, director = (o.users[n] for n in ("drafter", "director"))
    approved_case = _register(
        o, 13, 20103, CaseKind.committee_request,
        "Verzoek om een reactie op het rapport over de beveiliging van advocaten en rechters",
        committee_due_on=o.today + dt.timedelta(days=2),
    )
    approved = _draft(o, 8, approved_case, LetterKind.kamerbrief, body=(
        "Bij brief van uw commissie is mij verzocht te reageren op het rapport over de beveiliging van advocaten en "
        "rechters. Met deze brief ga ik in op dat verzoek.\n\n"
        "Het stelsel bewaken en beveiligen is de afgelopen jaren versterkt. Ik zal uw Kamer voor de zomer informeren "
        "over de uitkomsten van de evaluatie."))
    _steps(o, approved,
           (6, 10, lambda: workflow.submit(approved, [director], actor=drafter)),
           (3, 9, lambda: workflow.approve(approved, actor=director, comment="Akkoord.")))


def _signed(o: Open) -> None:
    """Signed, waiting to be sent: the committee asked for it by tomorrow."""
    drafter, director, signer = (o.users[n] for n in ("drafter", "director", "signer"))
    signed_case = _register(
        o, 11, 20104, CaseKind.committee_request,
        "Verzoek om een stand van zaken over de gezinshereniging van nareizigers",
        committee_due_on=o.today + dt.timedelta(days=1),
    )
    signed = _draft(o, 9, signed_case, LetterKind.kamerbrief, body=(
        "Uw commissie heeft mij gevraagd om een stand van zaken over de gezinshereniging van nareizigers. Met deze "
        "brief geef ik die.\n\n"
        "De IND beslist op het merendeel van de aanvragen binnen de wettelijke termijn. Ik houd uw Kamer op de hoogte."))
    _steps(o, signed,
           (7, 11, lambda: workflow.submit(signed, [director], actor=drafter)),
           (5, 15, lambda: workflow.approve(signed, actor=director, comment="Akkoord.")),
           (1, 10, lambda: signing.sign(signed, actor=signer)))


def _sent(o: Open) -> None:
    """Sent two days ago: answered."""
    drafter, director, signer, registrar = (o.users[n] for n in ("drafter", "director", "signer", "registrar"))
    sent_case = _register(
        o, 24, 20105, CaseKind.written_questions,
        "Vragen van het lid Koekkoek over het gebruik van algoritmes door de IND",
        members=[o.members["Koekkoek"]],
        questions_text=_questions(
            "Welke algoritmes gebruikt de IND bij het beoordelen van aanvragen?",
            "Zijn deze algoritmes opgenomen in het Algoritmeregister van de overheid?",
        ),
    )
    sent = _draft(o, 15, sent_case, LetterKind.answers, answers=[
        "De IND gebruikt geen algoritmes die zelfstandig over aanvragen beslissen; wel worden aanvragen met een "
        "eenvoudig regelgebaseerd systeem naar de juiste afdeling geleid.",
        "Ja, de systemen die de IND gebruikt zijn opgenomen in het Algoritmeregister.",
    ])
    _steps(o, sent,
           (12, 10, lambda: workflow.submit(sent, [director], actor=drafter)),
           (9, 14, lambda: workflow.approve(sent, actor=director, comment="Akkoord.")),
           (3, 11, lambda: signing.sign(sent, actor=signer)),
           (2, 9, lambda: workflow.send(sent, sent_on=o.today - dt.timedelta(days=2), actor=registrar)))


def _withdrawn_and_redone(o: Open) -> None:
    """A letter withdrawn (the committee widened its request) and a new draft begun."""
    u = o.users
    redo_case = _register(
        o, 6, 20106, CaseKind.committee_request,
        "Verzoek om een reactie op de berichtgeving over de capaciteit van het gevangeniswezen",
        committee_due_on=o.today + dt.timedelta(days=9),
        lead_directorate=o.directorates["DGSenB"], drafter=u["drafter2"],
    )
    withdrawn = _draft(o, 5, redo_case, LetterKind.kamerbrief, generate=False, drafter="drafter2", body=(
        "Uw commissie heeft mij verzocht te reageren op de berichtgeving over de capaciteit van het gevangeniswezen."))
    _steps(o, withdrawn, (4, 16, lambda: workflow.withdraw(
        withdrawn, actor=u["drafter2"],
        comment="De commissie heeft het verzoek uitgebreid met de jeugdinrichtingen; een nieuwe brief volgt.")))
    _draft(o, 3, redo_case, LetterKind.kamerbrief, generate=False, drafter="drafter2", body=(
        "Uw commissie heeft mij verzocht te reageren op de berichtgeving over de capaciteit van het gevangeniswezen en "
        "van de justitiële jeugdinrichtingen. Met deze brief ga ik in op dit verzoek."))


def _not_begun(o: Open) -> None:
    """Due this week, not yet begun; and questions to answer before next week's debate, just found in the Kamer's open data and not yet assigned."""
    _register(
        o, 19, 20107, CaseKind.written_questions,
        "Vragen van het lid Ellian over de terugkeer van uitgeprocedeerde asielzoekers",
        members=[o.members["Ellian"]],
        questions_text=_questions("Hoeveel vreemdelingen zijn het afgelopen jaar aantoonbaar vertrokken?",
                                  "Met welke landen zijn nieuwe terugkeerafspraken gemaakt?"),
    )
    _register(
        o, 3, 20108, CaseKind.written_questions,
        "Vragen van het lid Michon-Derkzen over het tekort aan forensisch artsen",
        members=[o.members["Michon-Derkzen"]],
        questions_text=_questions("Hoeveel vacatures voor forensisch artsen staan open?",
                                  "Kunt u deze vragen beantwoorden voor het commissiedebat van volgende week?"),
        lead_directorate=None, drafter=None, due_before_event=o.events["next_week"], by_sync=True,
    )

def _ask(o: Open, days: int, case: Case, numbers: list[int], text: str, *, due_on: dt.date | None = None):
    """A contribution asked of DGSenB (Fatima el Amrani) by the case's drafter."""
    with at(o.on(days, 13)):
        return contributions.ask(
            case, request_text=text, directorate=o.directorates["DGSenB"], user=o.users["drafter2"],
            question_numbers=numbers, due_on=due_on or o.today - dt.timedelta(days=days - 3), actor=o.users["drafter"],
        )
