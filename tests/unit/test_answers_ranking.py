"""The pure parts of the answer search: Dutch stems and the ranking step."""

from __future__ import annotations

import datetime as dt

from parliament_tracker.answers import text
from parliament_tracker.answers.ranking import Boosts, Candidate, Context, rank


def _c(id_: int, score: float, *, dossier: str | None = None, members: tuple[int, ...] = (), directorate: int | None = None,
       sent_on: dt.date = dt.date(2024, 1, 1)) -> Candidate:
    return Candidate(id_, score, dossier, frozenset(members), directorate, sent_on)


def test_stems_join_inflections_and_drop_stopwords():
    assert text.stems("De wachtlijsten en de wachtlijst") == ["wachtlijst", "wachtlijst"]
    assert text.stem("wachttijden") == text.stem("wachttijd")
    assert text.query_terms("Hoe lang zijn de wachtlijsten? Wachtlijst!") == ["lang", "wachtlijst"]
    assert text.stemmed("tbs-klinieken") == "tbs kliniek"
    assert text.words("x" * 41 + " kort") == ["kort"]


def test_text_score_is_relative_and_boosts_add():
    hits = rank([_c(1, 10.0), _c(2, 5.0, dossier="36200-VI"), _c(3, 9.0, members=(7, 8, 9)), _c(4, 2.0, directorate=3)],
                Context(dossier="36200-vi ", member_ids=frozenset({7, 8, 9}), directorate_id=3))
    assert [(h.candidate.id, h.score, h.reasons) for h in hits] == [
        (3, 1.4, ("members",)),  # 0.9 + two members counted at most (2 x 0.25)
        (2, 1.0, ("dossier",)),  # 0.5 + 0.5 (dossiers compared without case and spaces)
        (1, 1.0, ()),
        (4, 0.4, ("directorate",)),  # 0.2 + 0.2
    ]


def test_ties_go_to_the_newer_answer_and_limits_hold():
    hits = rank([_c(1, 1.0, sent_on=dt.date(2020, 1, 1)), _c(2, 1.0, sent_on=dt.date(2023, 1, 1)), _c(3, 0.5)], Context(), limit=2)
    assert [h.candidate.id for h in hits] == [2, 1]
    assert rank([], Context()) == []
    only_boost = rank([_c(1, 0.0, dossier="A")], Context(dossier="A"), boosts=Boosts(dossier=0.3))
    assert [(h.candidate.id, h.score) for h in only_boost] == [(1, 0.3)]
