"""A generated corpus of written questions and their answers, for the answer index's tests and
``bench/bench_answers.py``: varied Dutch wording per topic (singular and plural, "wachtlijst",
"wachtlijsten", "wachttijden", inflected verbs), so a stemmed search has something to find that
a plain LIKE misses. Deterministic for a seed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Iterator
from typing import Any

#: per topic: question templates and answer templates; {n}, {jaar}, {plaats} are filled in
TOPICS: dict[str, tuple[list[str], list[str]]] = {
    "wachtlijst": (
        [
            "Hoe lang is de wachtlijst voor plaatsing in een tbs-kliniek op dit moment?",
            "Klopt het dat de wachtlijsten in de forensische zorg in {jaar} verder zijn gegroeid?",
            "Wat doet u aan de wachttijden voor tbs-gestelden die in een huis van bewaring verblijven?",
            "Hoeveel tbs-gestelden staan er op een wachtlijst in {plaats}?",
            "Bent u bereid de wachttijd voor een plek in de kliniek terug te dringen?",
            "Deelt u de zorg over de oplopende wachtlijst in de tbs?",
        ],
        [
            "Op peildatum 1 januari {jaar} wachtten {n} tbs-gestelden op plaatsing; de gemiddelde wachttijd bedroeg zeven maanden.",
            "De wachtlijst is het gevolg van een tekort aan personeel in de klinieken; met de sector werk ik aan een plan om de capaciteit uit te breiden.",
            "Ik deel de zorg over de wachttijden. Het kabinet investeert in extra plaatsen in de forensische zorg.",
            "In {plaats} staan {n} personen op de wachtlijst voor een kliniek; zij verblijven in afwachting daarvan in een penitentiaire inrichting.",
        ],
    ),
    "asiel": (
        [
            "Hoeveel asielzoekers sliepen er in {jaar} buiten bij het aanmeldcentrum in {plaats}?",
            "Wat is de stand van zaken van de opvang van asielzoekers in gemeenten?",
            "Hoe lang duurt de behandeling van een asielaanvraag bij de IND gemiddeld?",
            "Kunt u aangeven hoeveel opvangplekken er in {jaar} zijn bijgekomen?",
        ],
        [
            "In {jaar} zijn {n} extra opvangplekken gerealiseerd in samenwerking met gemeenten en provincies.",
            "Het COA doet er alles aan om te voorkomen dat asielzoekers buiten moeten slapen in {plaats}.",
            "De gemiddelde doorlooptijd van een asielaanvraag bedroeg in {jaar} ruim {n} dagen.",
        ],
    ),
    "politie": (
        [
            "Hoeveel agenten zijn er in {jaar} vertrokken bij de politie in {plaats}?",
            "Wat doet u aan de onderbezetting van de politie in de regio {plaats}?",
            "Klopt het dat politiebureaus vaker gesloten zijn vanwege personeelstekort?",
        ],
        [
            "In {jaar} zijn {n} nieuwe agenten ingestroomd; de uitstroom was lager dan verwacht.",
            "De capaciteit van de politie wordt verdeeld door het Landelijk Overleg Veiligheid en Politie.",
            "Politiebureaus blijven bereikbaar; de openingstijden worden in overleg met de gemeente bepaald.",
        ],
    ),
    "gevangenis": (
        [
            "Hoeveel cellen stonden er in {jaar} leeg in de gevangenissen?",
            "Wat is de oorzaak van het personeelstekort in het gevangeniswezen?",
            "Bent u bekend met het bericht dat gedetineerden in {plaats} meerdere dagen op cel bleven?",
            "Hoeveel gevangenissen gaan er de komende jaren dicht?",
        ],
        [
            "Door het personeelstekort in de gevangenis in {plaats} was het dagprogramma beperkt; dit is inmiddels hersteld.",
            "De Dienst Justitiële Inrichtingen werft {n} nieuwe medewerkers voor het gevangeniswezen.",
            "Er worden geen gevangenissen gesloten; de capaciteit wordt juist uitgebreid met {n} plaatsen.",
        ],
    ),
    "cybercrime": (
        [
            "Hoeveel aangiften van ransomware zijn er in {jaar} gedaan?",
            "Wat doet het kabinet tegen cyberaanvallen op ziekenhuizen?",
            "Hoe worden slachtoffers van hackers geholpen bij het doen van aangifte?",
        ],
        [
            "In {jaar} zijn {n} aangiften van ransomware geregistreerd bij de politie.",
            "Het Nationaal Cyber Security Centrum ondersteunt vitale organisaties bij een aanval.",
            "Slachtoffers van cybercrime kunnen online aangifte doen; de politie neemt contact met hen op.",
        ],
    ),
    "rechtspraak": (
        [
            "Hoe groot zijn de achterstanden bij de rechtbank in {plaats}?",
            "Wat zijn de gevolgen van de werkdruk bij de rechtspraak voor de doorlooptijden?",
            "Hoeveel zaken verjaarden er in {jaar} door capaciteitsproblemen bij het Openbaar Ministerie?",
        ],
        [
            "De achterstanden bij de rechtbank in {plaats} bedragen {n} zaken; de Raad voor de rechtspraak zet extra rechters in.",
            "In {jaar} zijn {n} zaken verjaard; dat is onwenselijk en ik heb het OM gevraagd dit terug te dringen.",
        ],
    ),
}

PLACES = ["Ter Apel", "Rotterdam", "Amsterdam", "Utrecht", "Zwolle", "Den Haag", "Groningen", "Eindhoven", "Vught", "Heerhugowaard"]


@dataclasses.dataclass(frozen=True)
class Pair:
    topic: str
    question: str
    answer: str


def pairs(count: int, seed: int = 15) -> Iterator[Pair]:
    """``count`` question/answer pairs over the topics, with varied slots."""
    rnd = random.Random(seed)
    names = sorted(TOPICS)
    for _ in range(count):
        topic = rnd.choice(names)
        questions, answers = TOPICS[topic]
        slots = {"jaar": rnd.randint(2015, 2025), "n": rnd.randint(3, 900), "plaats": rnd.choice(PLACES)}
        yield Pair(topic, rnd.choice(questions).format(**slots), rnd.choice(answers).format(**slots))


def build(
    session: Any, count: int, *, per_letter: int = 3, seed: int = 15, index: bool = True, reference_base: int = 50000,
    directorates: list[Any] | None = None, members: list[Any] | None = None,
) -> list[Any]:
    """Sent letters answering written-questions cases, ``per_letter`` questions each, ``count``
    pairs in all, inserted in ``session`` (and indexed through the service unless ``index`` is
    False). Returns the letters. A caller building in chunks passes the directorates and members
    of the first chunk (and another ``seed`` and ``reference_base`` for each)."""
    from parliament_tracker.answers import indexing
    from parliament_tracker.cases.models import Case, CaseKind, Question
    from parliament_tracker.cases.workflow import CaseStatus
    from parliament_tracker.letters.models import Letter, LetterCase, LetterCaseRole, LetterKind, LetterStatus
    from parliament_tracker.organisation.models import Directorate, Member

    rnd = random.Random(seed + 1)
    if directorates is None:
        directorates = [Directorate(code=f"CORP{i}", name=f"Corpusdirectie {i}") for i in range(3)]
        session.add_all(directorates)
    if members is None:
        members = [Member(name=f"Kamerlid {i}") for i in range(8)]
        session.add_all(members)
    session.flush()
    generated = list(pairs(count, seed))
    letters = []
    for start in range(0, len(generated), per_letter):
        chunk = generated[start : start + per_letter]
        n = start // per_letter
        received = dt.date(2019, 1, 1) + dt.timedelta(days=n % 1500)
        case = Case(
            reference=f"2020Z{reference_base + n:06d}", kind=CaseKind.written_questions, status=CaseStatus.answered,
            subject=f"Vragen over {chunk[0].topic}", received_on=received, dossier=f"3{n % 40:04d}-VI",
            lead_directorate_id=directorates[n % 3].id, search_text="",
        )
        case.members = rnd.sample(members, 2)
        case.questions = [Question(number=i + 1, text=p.question, answer="") for i, p in enumerate(chunk)]
        letter = Letter(
            kind=LetterKind.answers, status=LetterStatus.sent, subject=case.subject, sent_on=received + dt.timedelta(days=21),
            answers=[{"questions": [i + 1], "text": p.answer} for i, p in enumerate(chunk)], addressee="",
        )
        letter.case_links = [LetterCase(case=case, role=LetterCaseRole.answers)]
        session.add_all([case, letter])
        letters.append(letter)
    session.flush()
    if index:
        for letter in letters:
            indexing.index_letter(letter)
    return letters
