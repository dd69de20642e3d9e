"""The case kind table: every consumer derives its kinds from it, and a new kind needs no other list."""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
import sys
import types

import pytest

from parliament_tracker.cases import kinds, references
from parliament_tracker.cases.kinds import KINDS, AnswerRule, CaseKind, KindSpec
from parliament_tracker.deadlines import lateness, rules
from parliament_tracker.deadlines.workdays import WorkingCalendar
from parliament_tracker.tk import mapping

CALENDAR = WorkingCalendar()


def test_the_table_has_a_row_per_kind_in_enum_order() -> None:
    assert list(KINDS) == [k.value for k in CaseKind]
    assert all(spec.kind == value for value, spec in KINDS.items())


def test_every_consumer_lists_exactly_the_table_kinds(app) -> None:
    from parliament_tracker.cases.forms import CaseForm
    from parliament_tracker.cases.models import Case

    table = set(KINDS)
    assert table == rules.CASE_KINDS
    assert set(references.FORMATS_BY_KIND) == table
    assert set(mapping.KINDS) == table
    assert set(mapping._KIND_BY_SOORT.values()) <= table
    assert set(rules._RULE_BY_KIND) == table
    # the database column's CHECK constraint
    assert set(Case.__table__.c.kind.type.enums) == table
    with app.test_request_context():
        form = CaseForm(meta={"csrf": False})
        assert [value for value, _ in form.kind.choices] == list(KINDS)
        # the filter on the case list
        context = {}
        for processor in app.template_context_processors[None]:
            context.update(processor())
        assert list(context["kind_titles"]) == list(KINDS)


def test_every_answer_rule_has_a_computation() -> None:
    assert set(rules._ANSWER_RULES) == set(AnswerRule)


def test_zaak_soort_lookup_comes_from_the_table() -> None:
    for spec in KINDS.values():
        for soort in spec.tk_soorten:
            assert mapping.kind_for_soort(f"  {soort.upper()} ") == spec.kind
    assert mapping.kind_for_soort("Verzoekschrift") == kinds.FALLBACK


def test_a_kind_missing_from_the_table_is_refused_at_import() -> None:
    incomplete = types.MappingProxyType({k: v for k, v in KINDS.items() if k != "motion"})
    with pytest.raises(RuntimeError, match="motion"):
        kinds._check(incomplete)


def test_a_soort_claimed_by_two_kinds_is_refused() -> None:
    table = dict(KINDS)
    table["other"] = dataclasses.replace(table["other"], tk_soorten=("motie",))
    with pytest.raises(RuntimeError, match="two case kinds"):
        kinds._check(types.MappingProxyType(table))


def test_a_new_kind_is_one_table_row(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test-only kind with its own reference format, given-date label and rule reaches the engine
    and the reference check through the table alone."""
    import re

    motie_re = re.compile(r"^M\d{4}$")
    row = KindSpec(
        CaseKind.other,  # stands in for a new member; the value below is what the consumers see
        (motie_re,),
        "M0001",
        AnswerRule.given_date,
        given_date_label="datum uit de aangenomen motie",
    )
    monkeypatch.setitem(references.FORMATS_BY_KIND, "adopted_motion", row.reference_formats)
    monkeypatch.setitem(references._EXAMPLES, "adopted_motion", row.reference_example)
    table = {**KINDS, "adopted_motion": row}
    monkeypatch.setattr(rules, "KINDS", table)
    monkeypatch.setattr(rules, "CASE_KINDS", frozenset(table))
    monkeypatch.setattr(rules, "_RULE_BY_KIND", {k: rules._ANSWER_RULES[s.answer_rule] for k, s in table.items()})

    facts = rules.CaseFacts(kind="adopted_motion", received_on=dt.date(2021, 11, 1), given_due_on=dt.date(2021, 12, 1))
    [answer, *milestones] = rules.compute_deadlines(facts, calendar=CALENDAR)
    assert answer.is_binding and answer.due_on == dt.date(2021, 12, 1)
    assert answer.explanation.startswith("datum uit de aangenomen motie: ")
    assert len(milestones) == 3
    assert references.validate("m0001", "adopted_motion") == "M0001"


def test_given_date_labels_and_numbered_questions_come_from_the_table(monkeypatch: pytest.MonkeyPatch) -> None:
    facts = rules.CaseFacts(kind="motion", received_on=dt.date(2021, 11, 1), given_due_on=dt.date(2021, 12, 1))
    assert rules.compute_deadlines(facts, calendar=CALENDAR)[0].explanation.startswith("datum uit de motie: ")
    late = rules.CaseFacts(kind="written_questions", received_on=dt.date(2021, 10, 1))
    assert lateness.monday_late_list(late, dt.date(2021, 11, 1))
    # the Monday list follows the flag, not the kind's name
    table = dict(KINDS)
    table["written_questions"] = dataclasses.replace(table["written_questions"], numbered_questions=False)
    monkeypatch.setattr(lateness, "KINDS", table)
    assert not lateness.monday_late_list(late, dt.date(2021, 11, 1))


def test_the_table_and_the_rules_import_neither_flask_babel_nor_the_database() -> None:
    code = (
        "import sys, parliament_tracker.deadlines.rules, parliament_tracker.cases.kinds;"
        "print(sorted(m for m in ('flask_babel', 'sqlalchemy', 'flask_sqlalchemy') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
