"""Deadline rules as data plus pure computation (DESIGN §4, DOMAIN §2).

Inputs are plain values (``CaseFacts``, ``DeadlineSettings``, a ``WorkingCalendar`` and the
recess table); the output is a list of ``ComputedDeadline`` that the database layer stores
as ``Deadline`` rows. Nothing here reads the clock: "today" is always passed in.

Counting follows DOMAIN §2: terms are calendar days from the date received ("ingezonden"),
recess does not pause them, and a due date on a weekend or holiday is not moved; we only
show the last working day on or before it as the practical date (ministers do not sign on
Sundays). Recesses give warnings, never shifts.

User-facing strings (explanations, warnings) are Dutch on purpose: they are quoted in
letters and reminders to Dutch civil servants. They are plain text, not translated.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType
from typing import NamedTuple

from parliament_tracker.cases.kinds import KINDS, AnswerRule, kind_values
from parliament_tracker.deadlines.dutch import long_date, term_words, working_days_words

# the admin-editable values as the engine takes them, re-exported (``rules.DeadlineSettings``)
from parliament_tracker.deadlines.rule_settings import DEFAULT_SETTINGS as DEFAULT_SETTINGS
from parliament_tracker.deadlines.rule_settings import DeadlineSettings as DeadlineSettings
from parliament_tracker.deadlines.rule_settings import InvalidSettings as InvalidSettings
from parliament_tracker.deadlines.rule_settings import MilestoneOffsets as MilestoneOffsets
from parliament_tracker.deadlines.workdays import WorkingCalendar
from parliament_tracker.enums import N_, TitledEnum

# -- vocabulary ------------------------------------------------------------------------

#: Case kind values, from the kind table (``cases.kinds``, pure like this module); which answer
#: rule a kind follows is its ``answer_rule`` there (see ``_ANSWER_RULES``).
CASE_KINDS = kind_values()


class DeadlineKind(TitledEnum):
    #: the answer deadline from a term or a given date (RvO 3 weeks, default 3 weeks, given)
    external = "external", N_("Answer due")
    #: written questions after an uitstelbericht: 6 weeks from submission
    postponed_external = "postponed_external", N_("Answer due after postponement")
    #: written questions: the uitstelbericht must go out before the 3 weeks run out
    postponement_notice = "postponement_notice", N_("Postponement notice due")
    #: the date the committee asked for
    committee_date = "committee_date", N_("Date asked by the committee")
    #: the last working day(s) before a linked event (budget debate, commissiedebat)
    before_event = "before_event", N_("Before the event")
    internal_draft = "internal_draft", N_("Draft ready")
    internal_approval = "internal_approval", N_("Approval ready")
    internal_signature = "internal_signature", N_("Signature")


# Module constants: reading DeadlineKind.x goes through Enum's descriptor each time, which
# showed up in the 100,000-case profile.
_EXTERNAL = DeadlineKind.external
_POSTPONED_EXTERNAL = DeadlineKind.postponed_external
_POSTPONEMENT_NOTICE = DeadlineKind.postponement_notice
_COMMITTEE_DATE = DeadlineKind.committee_date
_BEFORE_EVENT = DeadlineKind.before_event

#: Kinds that are a date for the answer itself; the binding one is the earliest that applies.
ANSWER_KINDS = frozenset(
    {
        DeadlineKind.external,
        DeadlineKind.postponed_external,
        DeadlineKind.committee_date,
        DeadlineKind.before_event,
    }
)
INTERNAL_KINDS = frozenset(
    {DeadlineKind.internal_draft, DeadlineKind.internal_approval, DeadlineKind.internal_signature}
)


class Event(NamedTuple):
    """A dated event a case can be anchored to (e.g. "Begrotingsbehandeling JenV 2022")."""

    name: str
    starts_on: dt.date
    ends_on: dt.date | None = None


class Period(NamedTuple):
    """A recess: a plain ``(name, starts_on, ends_on)`` tuple works as well."""

    name: str
    starts_on: dt.date
    ends_on: dt.date


# -- input and output ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CaseFacts:
    kind: str
    #: for written questions the date submitted ("ingezonden"), else the date received
    received_on: dt.date
    #: committee requests: the date the committee asked for
    committee_due_on: dt.date | None = None
    #: commitments, motions, plenary requests, other: "the date given"
    given_due_on: dt.date | None = None
    #: written questions: the date the uitstelbericht was sent
    postponed_on: dt.date | None = None
    event: Event | None = None
    signatory_id: int | None = None
    answered: bool = False

    def __post_init__(self) -> None:
        if self.kind not in CASE_KINDS:
            raise ValueError(f"unknown case kind {self.kind!r}")


# Not frozen on purpose: a frozen dataclass's __init__ goes through object.__setattr__ per
# field, about 6x slower, which cost 0.6 s on the 100,000-case recompute. Treat as read-only.
@dataclass(slots=True)
class ComputedDeadline:
    kind: DeadlineKind
    due_on: dt.date
    #: the last working day on or before due_on: the day it has to be done in practice
    practical_due_on: dt.date
    rule: str
    explanation: str
    #: True for exactly one answer deadline per case: the earliest that applies
    is_binding: bool
    warnings: tuple[str, ...] = ()


# -- computation --------------------------------------------------------------------------

#: (kind, rule code, Dutch label) of the internal milestones, in order draft, approval, signature
MILESTONES = tuple(
    (kind, kind.value, label)
    for kind, label in (
        (DeadlineKind.internal_draft, "concept gereed"),
        (DeadlineKind.internal_approval, "goedkeuring gereed"),
        (DeadlineKind.internal_signature, "ondertekening"),
    )
)


class _Candidate(NamedTuple):
    kind: DeadlineKind
    due_on: dt.date
    rule: str
    explanation: str
    #: False for a date that is shown but does not count (the 3 weeks after a postponement)
    applies: bool
    warnings: tuple[str, ...] = ()


def _written_questions(facts: CaseFacts, settings: DeadlineSettings) -> list[_Candidate]:
    received = facts.received_on
    term = settings.written_questions_term_days
    due = received + dt.timedelta(days=term)
    regular = f"ingezonden {long_date(received)} + {term_words(term)} (Reglement van Orde) = {long_date(due)}"
    postponed_on = facts.postponed_on
    out = [_Candidate(_EXTERNAL, due, "rvo_3_weeks", regular, postponed_on is None)]
    if postponed_on is None:
        if not facts.answered:
            out.append(
                _Candidate(
                    _POSTPONEMENT_NOTICE,
                    due,
                    "rvo_postponement_notice",
                    f"uitstelbericht vóór het verstrijken van de termijn: {regular}",
                    False,
                )
            )
        return out
    late: tuple[str, ...] = ()
    if postponed_on > due:
        late = (f"uitstelbericht verzonden op {long_date(postponed_on)}, na het verstrijken van de termijn",)
    elif postponed_on < received:
        late = (f"uitstelbericht gedateerd vóór de indiening ({long_date(postponed_on)}); controleer de datum",)
    out.append(
        _Candidate(
            _POSTPONEMENT_NOTICE,
            due,
            "rvo_postponement_notice",
            f"uitstelbericht vóór het verstrijken van de termijn: {regular}; verzonden op {long_date(postponed_on)}",
            False,
            late,
        )
    )
    long_term = settings.postponement_term_days
    due6 = received + dt.timedelta(days=long_term)
    out.append(
        _Candidate(
            _POSTPONED_EXTERNAL,
            due6,
            "rvo_postponed_6_weeks",
            f"ingezonden {long_date(received)} + {term_words(long_term)} "
            f"(uitstelbericht {long_date(postponed_on)}; Reglement van Orde) = {long_date(due6)}",
            True,
        )
    )
    return out


def _event_candidate(facts: CaseFacts, event: Event, settings: DeadlineSettings, cal: WorkingCalendar) -> _Candidate:
    lead = settings.event_lead_working_days
    due = cal.subtract_working_days(event.starts_on, lead)
    where = f"{event.name} ({long_date(event.starts_on)})"
    if lead == 0:
        text = f"uiterlijk op de eerste dag van {where} = {long_date(due)}"
    elif lead == 1:
        text = f"laatste werkdag vóór {where} = {long_date(due)}"
    else:
        text = f"{working_days_words(lead)} vóór {where} = {long_date(due)}"
    warnings: list[str] = []
    if event.starts_on <= facts.received_on:
        warnings.append(f"{event.name} begint niet na de ontvangstdatum; controleer de koppeling")
    if event.ends_on is not None and event.ends_on < event.starts_on:
        warnings.append(f"einddatum van {event.name} ligt vóór de begindatum")
    return _Candidate(_BEFORE_EVENT, due, "before_event", text, True, tuple(warnings))


def _committee_request(facts: CaseFacts, settings: DeadlineSettings) -> list[_Candidate]:
    if facts.committee_due_on is not None:
        return [
            _Candidate(
                _COMMITTEE_DATE,
                facts.committee_due_on,
                "committee_date",
                f"datum gevraagd door de commissie: {long_date(facts.committee_due_on)}",
                True,
            )
        ]
    if facts.event is not None:
        return []
    # No date and no event: ministries work to the same 3 weeks (DOMAIN §2.2).
    term = settings.committee_request_term_days
    due = facts.received_on + dt.timedelta(days=term)
    return [
        _Candidate(
            _EXTERNAL,
            due,
            "default_3_weeks",
            f"ontvangen {long_date(facts.received_on)} + {term_words(term)} (gebruikelijke termijn) = {long_date(due)}",
            True,
        )
    ]


def _given_date(facts: CaseFacts, settings: DeadlineSettings) -> list[_Candidate]:
    if facts.given_due_on is None:
        return []
    label = KINDS[facts.kind].given_date_label
    return [_Candidate(_EXTERNAL, facts.given_due_on, "given_date", f"{label}: {long_date(facts.given_due_on)}", True)]


#: the answer rule of each kind (``cases.kinds.KINDS[kind].answer_rule``) -> its candidates
_ANSWER_RULES: Mapping[AnswerRule, Callable[[CaseFacts, DeadlineSettings], list[_Candidate]]] = MappingProxyType(
    {
        AnswerRule.written_questions: _written_questions,
        AnswerRule.committee_request: _committee_request,
        AnswerRule.given_date: _given_date,
    }
)
#: kind value -> its rule's function, looked up once per kind rather than per case
_RULE_BY_KIND = MappingProxyType({kind: _ANSWER_RULES[spec.answer_rule] for kind, spec in KINDS.items()})


def _answer_candidates(facts: CaseFacts, settings: DeadlineSettings, cal: WorkingCalendar) -> list[_Candidate]:
    out = _RULE_BY_KIND[facts.kind](facts, settings)
    # Postponement of other kinds is a new date entered by hand (DOMAIN §2.6), so
    # postponed_on only means something for written questions.
    if facts.event is not None:
        out.append(_event_candidate(facts, facts.event, settings, cal))
    return out


def _practical(cal: WorkingCalendar, due: dt.date, explanation: str) -> tuple[dt.date, str]:
    if cal.is_working_day(due):
        return due, explanation
    practical = cal.last_working_day_on_or_before(due)
    name = cal.holiday_name(due)
    on = f"{name} ({long_date(due)})" if name else long_date(due)
    return practical, f"{explanation}; valt op {on}; laatste werkdag ervoor: {long_date(practical)}"


class RecessTable:
    """The recess table prepared for fast lookups: a warning per recess day.

    Build it once per recompute; a linear scan over every recess for every deadline was the
    slowest part of a 100,000-case run. Overlapping recesses each give their own warning.
    """

    __slots__ = ("_by_day", "periods")

    def __init__(self, recesses: Iterable[tuple[str, dt.date, dt.date]]) -> None:
        self.periods = tuple(Period(*r) for r in recesses)
        by_day: dict[int, tuple[str, ...]] = {}
        for name, start, end in self.periods:
            if end < start:  # would silently match nothing
                raise ValueError(f"recess {name!r} ends before it starts")
            warning = (
                f"valt in het reces: {name} ({long_date(start)} t/m {long_date(end)}); de Kamer vergadert dan niet"
            )
            for o in range(start.toordinal(), end.toordinal() + 1):
                by_day[o] = by_day.get(o, ()) + (warning,)
        self._by_day = by_day

    def warnings_for(self, due_on: dt.date, practical_due_on: dt.date) -> tuple[str, ...]:
        """Warnings for a deadline whose due or practical date lies in a recess."""
        found = self._by_day.get(due_on.toordinal(), ())
        if practical_due_on != due_on:
            for w in self._by_day.get(practical_due_on.toordinal(), ()):
                if w not in found:
                    found += (w,)
        return found


_NO_RECESSES = RecessTable(())


# Cached: the same (base date, offset) pairs recur across thousands of cases, and building
# the sentence was a visible share of the recompute.
@lru_cache(maxsize=16384)
def _milestone_text(label: str, n: int, base: dt.date, source: str, due: dt.date) -> str:
    return f"{label}: {working_days_words(n)} vóór de uiterste datum {long_date(base)} ({source}) = {long_date(due)}"


def compute_deadlines(
    facts: CaseFacts,
    *,
    calendar: WorkingCalendar,
    settings: DeadlineSettings = DEFAULT_SETTINGS,
    recesses: RecessTable | Sequence[tuple[str, dt.date, dt.date]] = _NO_RECESSES,
) -> list[ComputedDeadline]:
    """All deadlines of one case: the answer dates (one binding), then the internal milestones.

    The binding deadline is the earliest answer date that applies; the others stay in the
    list so the user sees why. Internal milestones are counted back from the binding
    practical date, so they move when an event moves or a postponement is recorded.

    Pass ``recesses`` as a ``RecessTable`` when computing many cases; a plain list of
    ``(name, starts_on, ends_on)`` works too but is indexed again on every call.
    """
    if not isinstance(recesses, RecessTable):
        recesses = RecessTable(recesses)
    candidates = _answer_candidates(facts, settings, calendar)
    binding_index = None
    for i, c in enumerate(candidates):
        # Strictly earlier wins, so on a tie the first (most specific) source stays binding.
        if c.applies and (binding_index is None or c.due_on < candidates[binding_index].due_on):
            binding_index = i

    received = facts.received_on
    result: list[ComputedDeadline] = []
    for i, c in enumerate(candidates):
        practical, explanation = _practical(calendar, c.due_on, c.explanation)
        warnings = c.warnings
        if c.due_on < received:
            warnings += (f"ligt vóór de ontvangstdatum ({long_date(received)})",)
        if recesses.periods:
            warnings += recesses.warnings_for(c.due_on, practical)
        result.append(ComputedDeadline(c.kind, c.due_on, practical, c.rule, explanation, i == binding_index, warnings))

    if binding_index is None:
        return result
    base = result[binding_index].practical_due_on
    offsets, source = settings.milestones_for(facts.kind, facts.signatory_id)
    steps = (offsets.draft, offsets.approval, offsets.signature)
    days = calendar.subtract_working_days_each(base, steps)
    for (kind, rule, label), n, due in zip(MILESTONES, steps, days, strict=True):
        warnings = ()
        if due < received:
            warnings = (f"ligt vóór de ontvangstdatum ({long_date(received)}); niet haalbaar",)
        text = _milestone_text(label, n, base, source, due)
        result.append(ComputedDeadline(kind, due, due, rule, text, False, warnings))
    return result


def binding_deadline(deadlines: Iterable[ComputedDeadline]) -> ComputedDeadline | None:
    return next((d for d in deadlines if d.is_binding), None)
