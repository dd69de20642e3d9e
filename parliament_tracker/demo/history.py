"""The seed case as it happened in November 2021, replayed through the app's services.

The vaste commissie voor Justitie en Veiligheid asked on 2 November 2021 (2021Z19241) for a
reaction to the newspaper's report on the culture at the IND; the members Podt and Ceder asked
written questions about the same report on 5 November (2021Z19601). Both were answered on
23 November 2021, before the JenV budget debate: the committee by the Kamerbrief whose text is
``letters.engine.seed_letter`` (the real letter), the members by answers to their questions.

Each step is taken at its moment (``clock.at``) by the person whose step it is: registered,
drafted from the shipped template, submitted, approved, signed with the signing key of this
installation and sent. So the two cases are "beantwoord" on 23 November 2021, each with a
signed letter that verifies and a full timeline.

The question texts of 2021Z19601 and the answers to them are paraphrased for the demo (the
answers from the Kamerbrief of the same day); references, dates, names and subjects are real.
"""

from __future__ import annotations

import datetime as dt

from parliament_tracker.auth.models import User
from parliament_tracker.cases import links as case_links
from parliament_tracker.cases import services as case_services
from parliament_tracker.cases.models import Case, CaseKind, LinkType
from parliament_tracker.deadlines.models import Event
from parliament_tracker.demo.clock import at, local
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.approval import services as workflow
from parliament_tracker.letters.approval import signing
from parliament_tracker.letters.engine import seed_letter
from parliament_tracker.letters.models import Letter, LetterKind
from parliament_tracker.organisation.models import Committee, Directorate, Member, Signatory

SEED_QUESTIONS = """1. Bent u bekend met het bericht «Angstcultuur en machtsspelletjes en een verziekte sfeer bij afdeling van de IND: «die collega gaan wij afbranden»»?

2. Hoe beoordeelt u de in het bericht beschreven werksfeer bij deze afdeling van de Immigratie- en Naturalisatiedienst (IND)?

3. Welke onderzoeken zijn naar aanleiding van de meldingen uitgevoerd, en wat waren de conclusies en aanbevelingen?

4. Op welke wijze zijn deze aanbevelingen opgevolgd door de IND en door het ministerie?

5. Welke mogelijkheden hebben medewerkers van de IND om veilig een melding te doen van ongewenste omgangsvormen of een vermoeden van een misstand?

6. Hoe wordt voorkomen dat medewerkers die een melding doen daar nadelige gevolgen van ondervinden?

7. Bent u bereid een onafhankelijk cultuuronderzoek bij de IND te laten uitvoeren en de Kamer over de uitkomsten te informeren?

8. Kunt u deze vragen beantwoorden vóór de begrotingsbehandeling van Justitie en Veiligheid?"""

#: the answers to 2021Z19601, paraphrased from the Kamerbrief of 23 November 2021
SEED_ANSWERS = (
    "Ja.",
    "Zowel de IND als het ministerie van Justitie en Veiligheid hechten aan een veilige werkomgeving voor alle "
    "medewerkers. Signalen over ongewenste omgangsvormen neem ik serieus.",
    "In de zaak die in het bericht wordt genoemd zijn meerdere onderzoeken geweest, waaronder dat van de "
    "onafhankelijke integriteitscommissie van het ministerie. De Secretaris-Generaal en de IND hebben de conclusies "
    "en aanbevelingen ter harte genomen. Omdat de zaak op dit moment voorligt bij de rechter, ga ik niet in op de "
    "inhoud ervan.",
    "De IND investeert blijvend in een veilige en inclusieve werkomgeving, onder meer met communicatie en trainingen "
    "die een cultuur van bespreekbaarheid bevorderen, en gaat daarmee onverminderd door.",
    "Er is een regeling voor het melden van een vermoeden van een misstand, van integriteitsschendingen en van "
    "ongewenste omgangsvormen. Medewerkers kunnen behalve bij hun leidinggevende ook terecht bij een "
    "vertrouwenspersoon, een klachtencommissie en de onafhankelijke integriteitscommissie van het ministerie.",
    "Leidinggevenden hebben een instructie over hoe te handelen als er een melding wordt gedaan, zodat een melding "
    "zorgvuldig wordt opgevolgd.",
    "Met een cultuurscan brengt de IND in 2021 in beeld hoe medewerkers de cultuur binnen de organisatie ervaren. "
    "Die scan is het vertrekpunt voor verdere acties. Ik verwijs ook naar mijn brief van vandaag aan de vaste "
    "commissie voor Justitie en Veiligheid (2021Z19241).",
    "Ja.",
)

#: the moments of the history (Europe/Amsterdam)
REGISTERED_REQUEST = local(dt.date(2021, 11, 3), 9, 12)
REGISTERED_WRITTEN = local(dt.date(2021, 11, 5), 16, 40)
DRAFTED = local(dt.date(2021, 11, 15), 10, 5)
SUBMITTED = local(dt.date(2021, 11, 17), 14, 10)
APPROVED = local(dt.date(2021, 11, 18), 9, 20)
SIGNED = local(dt.date(2021, 11, 23), 10, 5)
SENT_ON = seed_letter.LETTER_DATE
SENT = local(SENT_ON, 16, 30)


def register_seed_cases(
    directorates: dict[str, Directorate], staatssecretaris: Signatory, committees: list[Committee],
    members: dict[str, Member], users: dict[str, User], events: dict[str, Event],
) -> tuple[Case, Case]:
    """The committee request and the written questions on the same subject, linked, each
    registered on the day it came in."""
    registrar = users["registrar"]
    with at(REGISTERED_REQUEST):
        committee_request = case_services.create_case(
            case_services.CaseInput(
                reference="2021Z19241",
                kind=CaseKind.committee_request,
                subject="Verzoek om een reactie op berichtgeving in de krant over angstcultuur bij de IND",
                received_on=dt.date(2021, 11, 2),
                committee=committees[0],
                addressed_to=staatssecretaris,
                lead_directorate=directorates["DGMI"],
                drafter=users["drafter"],
                dossier="35925-VI",
                notes="Brief van de vaste commissie voor Justitie en Veiligheid van 2 november 2021. "
                "Hangt samen met de schriftelijke vragen 2021Z19601 van de leden Podt en Ceder.",
            ),
            actor=registrar,
        )
    with at(REGISTERED_WRITTEN):
        written = case_services.create_case(
            case_services.CaseInput(
                reference="2021Z19601",
                kind=CaseKind.written_questions,
                subject="Vragen van de leden Podt en Ceder over het bericht «Angstcultuur en machtsspelletjes en een "
                "verziekte sfeer bij afdeling van de IND: «die collega gaan wij afbranden»»",
                received_on=dt.date(2021, 11, 5),
                members=[members["Podt"], members["Ceder"]],
                addressed_to=staatssecretaris,
                lead_directorate=directorates["DGMI"],
                drafter=users["drafter"],
                dossier="35925-VI",
                questions_text=SEED_QUESTIONS,
                due_before_event=events["budget"],
                notes="Beantwoorden vóór de begrotingsbehandeling JenV (24 november 2021).",
            ),
            actor=registrar,
        )
        case_links.add_link(committee_request, written.reference, LinkType.same_subject, actor=registrar)
    return committee_request, written


def answer_seed_cases(committee_request: Case, written: Case, users: dict[str, User]) -> tuple[Letter, Letter]:
    """Draft, approve, sign and send the two letters of 23 November 2021."""
    drafter, director, signer, registrar = (users[name] for name in ("drafter", "director", "signer", "registrar"))
    with at(DRAFTED):
        reply = letter_services.start_letter([committee_request], LetterKind.kamerbrief, actor=drafter, mentions=[written])
        letter_services.update_letter(
            reply,
            letter_services.LetterInput(subject=seed_letter.SUBJECT, letter_date=seed_letter.LETTER_DATE,
                                        body=seed_letter.body_markup()),
            expected_version=reply.version,
            actor=drafter,
        )
        letter_services.generate_version(reply, actor=drafter)
        answers = letter_services.start_letter([written], LetterKind.answers, actor=drafter)
        letter_services.update_letter(
            answers,
            letter_services.LetterInput(
                letter_date=seed_letter.LETTER_DATE,
                answers=[{"questions": [n], "text": text} for n, text in enumerate(SEED_ANSWERS, start=1)],
            ),
            expected_version=answers.version,
            actor=drafter,
        )
        letter_services.generate_version(answers, actor=drafter)
    for n, letter in enumerate((reply, answers)):
        later = dt.timedelta(minutes=12 * n)  # one after the other
        with at(SUBMITTED + later):
            workflow.submit(letter, [director], actor=drafter)
        with at(APPROVED + later):
            workflow.approve(letter, actor=director, comment="Akkoord.")
        with at(SIGNED + later):
            signing.sign(letter, actor=signer, letter_date=seed_letter.LETTER_DATE)
        with at(SENT + later):
            workflow.send(letter, sent_on=SENT_ON, actor=registrar)
    return reply, answers
