"""Enum titles come from one mechanism (``enums.TitledEnum``), in the reader's language."""

from __future__ import annotations

import enum
import importlib
import pathlib
import pkgutil
import re

import pytest
from flask_babel import force_locale

import parliament_tracker
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.kinds import CaseKind
from parliament_tracker.cases.models import LinkType
from parliament_tracker.cases.workflow import CaseStatus
from parliament_tracker.enums import N_, TitledEnum

ROOT = pathlib.Path(parliament_tracker.__file__).parent
TEMPLATES = ROOT.parent / "templates"


def _all_modules() -> None:
    for info in pkgutil.walk_packages([str(ROOT)], "parliament_tracker."):
        importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_subclasses(sub)]
    return out


def test_labels_follow_the_locale(app) -> None:
    with app.test_request_context():
        with force_locale("nl"):
            assert CaseStatus.answered.label == "Beantwoord"
            assert str(CaseKind.choices()[0][1]) == "Schriftelijke vragen"
            assert LinkType.follow_up_of.reverse_label == "Gevolgd door"
        with force_locale("en"):
            assert CaseStatus.answered.label == "Answered"
            assert Role.signatory_office.label == "Signatory's office"
            assert LinkType.related.reverse_label == "Related to"


def test_members_stay_plain_strings_and_title_is_strs() -> None:
    assert CaseStatus("answered") is CaseStatus.answered
    assert CaseStatus.answered == "answered" and f"{CaseStatus.answered}" == "answered"
    # `label`, not `title`: str.title() is left alone
    assert CaseKind.written_questions.title() == "Written_Questions"


def test_a_member_without_a_title_is_refused() -> None:
    with pytest.raises(TypeError, match="declare a title"):

        class Broken(TitledEnum):
            a = "a"

    class Fine(TitledEnum):
        a = "a", N_("Other")

    assert Fine.labels() == {"a": "Other"}


def test_every_titled_enum_in_the_app_has_a_title_per_member() -> None:
    _all_modules()
    found = _subclasses(TitledEnum)
    names = {cls.__name__ for cls in found}
    assert {"CaseKind", "CaseStatus", "LinkType", "Role", "LetterKind", "LetterStatus", "DeadlineKind", "EventKind"} <= names
    for cls in found:
        for member in cls:
            assert member.msgid, member


def test_no_hand_written_title_dicts_for_enums() -> None:
    """A dict from enum members to lazy strings is a second title mechanism; ``STEP_TITLES`` is a
    phrase per reminder step, not the kind's title."""
    _all_modules()
    enum_names = {cls.__name__ for cls in _subclasses(enum.Enum)}
    member_key = re.compile(r"^\s+(\w+)\.\w+: _l\(", re.M)
    offenders = []
    for path in ROOT.rglob("*.py"):
        text = path.read_text()
        for match in member_key.finditer(text):
            if match.group(1) in enum_names and "STEP_TITLES" not in text[max(0, match.start() - 400) : match.start()]:
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0).strip()}")
    assert offenders == []


ENUM_ATTRIBUTE_TITLE = re.compile(r"\.(status|kind|role|decision|source|link_type|target)\.title\b(?!\()")


def test_no_enum_title_attribute_in_code_or_templates() -> None:
    """``member.title`` is now ``str.title``: printing it would show a bound method."""
    offenders = [
        f"{path}: {match.group(0)}"
        for path in [*ROOT.rglob("*.py"), *TEMPLATES.rglob("*.html"), *TEMPLATES.rglob("*.txt")]
        for match in ENUM_ATTRIBUTE_TITLE.finditer(path.read_text())
    ]
    assert offenders == []
