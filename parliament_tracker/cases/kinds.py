"""The case kinds: one table that everything else about a kind derives from.

``CaseKind`` names the kinds and their UI titles; ``KINDS`` holds, per kind, the reference
formats it accepts, which answer-deadline rule applies, the Tweede Kamer ``Zaak.Soort``
values that import as it and whether it carries numbered questions. Derived from it:

- ``cases.references``: the formats and the example in the refusal message;
- ``deadlines.rules``: ``CASE_KINDS``, the answer rule (``_ANSWER_RULES`` per ``AnswerRule``)
  and the label quoted for a given date;
- ``tk.mapping``: ``KINDS`` and the Zaak.Soort lookup;
- ``cases.forms`` and ``templates/cases/index.html``: the kind choices and filter
  (``CaseKind.choices()`` / ``kind_titles`` in the web context);
- the ``kind`` column of ``cases`` (its CHECK constraint lists the values).

Adding a kind (e.g. a "motie" with its own rule) touches:

1. this module: a ``CaseKind`` member with its title, and its ``KindSpec`` row in ``KINDS``
   (an import-time check refuses a member without a row);
2. only when no existing ``AnswerRule`` fits: an ``AnswerRule`` member here and its function
   in ``deadlines/rules._ANSWER_RULES`` (a test checks every rule has one);
3. a migration in ``migrations/versions/`` that widens the ``casekind`` CHECK constraint;
4. the Dutch title in ``translations/nl/LC_MESSAGES/messages.po`` (``make translations``).

``tests/unit/cases/test_kinds.py`` checks that every consumer lists exactly these kinds.

Not table-driven (yet): what belongs to written questions only, the uitstelbericht (deadline
services, Kamer sync), the "answers" letter (letters) and the Monday-list query
(``deadlines.queries``), still names ``CaseKind.written_questions``; a new kind with numbered
questions would touch those too. A kind without them (the usual case) does not.

Pure: no Flask, no database (``deadlines.rules`` reads it).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from types import MappingProxyType

from parliament_tracker.enums import N_, TitledEnum

# -- reference formats ----------------------------------------------------------------------

#: Zaak numbers: year, "Z", five digits (DOMAIN §1.5), e.g. 2021Z19241
ZAAK_RE = re.compile(r"^(19|20)\d{2}Z\d{5}$")
#: Commitments (toezeggingen): TZ + yyyymm + "-" + 3 digits, e.g. TZ202412-116
TOEZEGGING_RE = re.compile(r"^TZ(19|20)\d{2}(0[1-9]|1[0-2])-\d{3}$")
#: Document numbers: year, "D", five digits
DOCUMENT_RE = re.compile(r"^(19|20)\d{2}D\d{5}$")
#: Motions are often cited by Kamerstuk: "35925-VI-12" (dossier, optional chapter, number)
KAMERSTUK_RE = re.compile(r"^\d{5}(-[A-Z0-9]{1,8})?-\d{1,4}$")


# -- the kinds --------------------------------------------------------------------------------


class CaseKind(TitledEnum):
    written_questions = "written_questions", N_("Written questions")
    committee_request = "committee_request", N_("Committee request")
    commitment = "commitment", N_("Commitment")
    motion = "motion", N_("Motion")
    plenary_request = "plenary_request", N_("Plenary request")
    other = "other", N_("Other")


class AnswerRule(enum.StrEnum):
    """Which rule gives a kind's answer deadline (the computation is in ``deadlines.rules``)."""

    #: Reglement van Orde: the term from submission; after an uitstelbericht the longer term
    written_questions = "written_questions"
    #: the date the committee asked for; without one and without an event, the usual term
    committee_request = "committee_request"
    #: the date given (promised, in the motion, asked for), when there is one
    given_date = "given_date"


@dataclass(frozen=True, slots=True)
class KindSpec:
    kind: CaseKind
    #: the formats a reference of this kind may have, the usual one first
    reference_formats: tuple[re.Pattern[str], ...]
    #: shown when a reference does not fit ("Expected for example ...")
    reference_example: str
    answer_rule: AnswerRule
    #: how the explanation names the given date (Dutch: explanations are quoted in letters)
    given_date_label: str = "opgegeven datum"
    #: the Tweede Kamer ``Zaak.Soort`` values (compared case-insensitively) that import as this kind
    tk_soorten: tuple[str, ...] = ()
    #: numbered questions, answered question by question; an uitstelbericht postpones them and
    #: the Kamer lists them late on Mondays
    numbered_questions: bool = False


_TABLE = (
    KindSpec(
        CaseKind.written_questions,
        (ZAAK_RE,),
        "2021Z19601",
        AnswerRule.written_questions,
        tk_soorten=("Schriftelijke vragen",),
        numbered_questions=True,
    ),
    KindSpec(
        CaseKind.committee_request,
        (ZAAK_RE,),
        "2021Z19241",
        AnswerRule.committee_request,
        tk_soorten=("Brief commissie", "Verzoek", "Rondvraagpunt procedurevergadering"),
    ),
    KindSpec(
        CaseKind.commitment,
        (TOEZEGGING_RE, ZAAK_RE),
        "TZ202412-116 of 2024Z01234",
        AnswerRule.given_date,
        given_date_label="toegezegde datum",
        # not a Zaak.Soort (commitments are the Toezegging entity), kept for callers
        tk_soorten=("Toezegging",),
    ),
    KindSpec(
        CaseKind.motion,
        (ZAAK_RE, KAMERSTUK_RE),
        "2021Z20001 of 35925-VI-12",
        AnswerRule.given_date,
        given_date_label="datum uit de motie",
        tk_soorten=("Motie",),
    ),
    KindSpec(
        CaseKind.plenary_request,
        (ZAAK_RE,),
        "2021Z20002",
        AnswerRule.given_date,
        given_date_label="gevraagde datum",
        tk_soorten=("Verzoek bij regeling van werkzaamheden",),
    ),
    KindSpec(
        CaseKind.other,
        (ZAAK_RE, TOEZEGGING_RE, DOCUMENT_RE, KAMERSTUK_RE),
        "2021Z19241",
        AnswerRule.given_date,
    ),
)

#: kind value -> its row, in ``CaseKind`` order
KINDS: MappingProxyType[str, KindSpec] = MappingProxyType({spec.kind.value: spec for spec in _TABLE})

#: the kind an unknown Zaak.Soort, or an unknown reference kind, falls back to
FALLBACK = CaseKind.other


def _check(kinds: MappingProxyType[str, KindSpec]) -> None:
    missing = [k.value for k in CaseKind if k.value not in kinds]
    if missing or list(kinds) != [k.value for k in CaseKind]:
        raise RuntimeError(f"case kind table out of step with CaseKind (missing: {missing})")
    soorten = [s.casefold() for spec in kinds.values() for s in spec.tk_soorten]
    if len(soorten) != len(set(soorten)):
        raise RuntimeError("a Zaak.Soort maps to two case kinds")


_check(KINDS)


def spec(kind: str) -> KindSpec:
    """The row of ``kind`` (a ``CaseKind`` or its value); ``KeyError`` for an unknown kind."""
    return KINDS[kind]


def kind_values() -> frozenset[str]:
    return frozenset(KINDS)


def kind_by_soort() -> dict[str, str]:
    """Zaak.Soort (case-folded) -> kind value."""
    return {s.casefold(): spec.kind.value for spec in KINDS.values() for s in spec.tk_soorten}


def all_reference_formats() -> tuple[re.Pattern[str], ...]:
    """Every format some kind accepts, each once, in table order."""
    seen: dict[re.Pattern[str], None] = {}
    for spec_ in KINDS.values():
        for pattern in spec_.reference_formats:
            seen.setdefault(pattern, None)
    return tuple(seen)
