"""The seed letter: the Kamerbrief of 23 November 2021 answering 2021Z19241.

A public letter to the Tweede Kamer ("Reactie VJC-verzoek m.b.t. berichtgeving in de krant over
angstcultuur bij de IND"), used for the demo draft and for previewing templates with demo data.
"""

from __future__ import annotations

import datetime as dt

SUBJECT = "Reactie VJC-verzoek m.b.t. berichtgeving in de krant over angstcultuur bij de IND"
LETTER_DATE = dt.date(2021, 11, 23)
YOUR_REFERENCE = "2021Z19241"
YOUR_LETTER_DATE = dt.date(2021, 11, 2)
MENTIONED_REFERENCE = "2021Z19601"

PARAGRAPHS: tuple[str, ...] = (
    "De Vaste Commissie voor Justitie en Veiligheid heeft mij bij brief van 2 november 2021 (met kenmerk 2021Z19241) verzocht een reactie te geven op berichtgeving uit de krant over de cultuur en sfeer bij de Immigratie en Naturalisatie Dienst (IND). Met deze brief ga ik in op dit verzoek.",
    "De leden Podt (D66) en Ceder (ChristenUnie) van uw Kamer hebben mij ook schriftelijke vragen gesteld over hetzelfde bericht uit de NRC. Deze vragen werden ingezonden op 5 november 2021 met kenmerk 2021Z19601. Ik verwijs voor de goede orde dan ook naar de beantwoording van deze vragen die ik voor de komende begrotingsbehandeling van JenV aan uw Kamer zal zenden.",
    "In de specifieke zaak die door de NRC genoemd wordt zijn meerdere onderzoeken geweest. De conclusies en aanbevelingen uit deze onderzoeken, inclusief het laatste onderzoek van de onafhankelijke integriteitscommissie van het ministerie van Justitie en Veiligheid (JenV) hebben de Secretaris-Generaal en de IND ter harte genomen. Op dit moment ligt de zaak voor bij de rechter.",
    "Dat laat onverlet om te vermelden dat zowel bij de IND als het ministerie van JenV aan een veilige werkomgeving voor alle medewerkers wordt gehecht. Door blijvend te investeren in een veilige en inclusieve werkomgeving, waarbij de drempel zo laag mogelijk gemaakt wordt om zaken te agenderen en bespreekbaar te maken.",
    "Zo zijn er afgelopen jaren diverse maatregelen genomen om een zorgvuldig proces van melden en opvolging te borgen: een regeling voor het melden van vermoedens van een misstand, van integriteitsschendingen en ongewenste omgangsvormen en een instructie voor leidinggevenden hoe te handelen als er een melding wordt gedaan. Medewerkers kunnen voor het doen van een melding behalve bij de leidinggevende ook terecht bij een vertrouwenspersoon, een klachtencommissie en de onafhankelijke integriteitscommissie van het ministerie van JenV.",
    "De IND blijft eraan blijven werken om de organisatie een veilige omgeving te laten zijn voor alle collega's, om zaken met elkaar bespreekbaar te maken. Dit vraagt continue de aandacht. Naast de JenV brede maatregelen zoals hierboven beschreven heeft de IND de afgelopen jaren diverse investeringen ondernomen op het gebied van bewustwording (communicatie, trainingen etc.) om hiermee een cultuur van bespreekbaarheid te bevorderen. Binnen de IND wordt daarmee onverminderd doorgegaan.",
    "Met een cultuurscan in 2021 wordt in beeld gebracht hoe de medewerkers van de IND de cultuur binnen de organisatie ervaren. De scan vormt een vertrekpunt om verdere acties te ondernemen om de veilige werkomgeving te versterken. Het is van belang om een continu proces van leren en verbeteren in te richten om de veilige werkomgeving met elkaar te borgen.",
)


def body_markup() -> str:
    """The paragraphs in the drafting markup (blank line between paragraphs)."""
    return "\n\n".join(PARAGRAPHS)
