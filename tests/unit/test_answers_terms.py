"""The answer search's term choice (``answers.terms``): AND for a short query, a whole
question's rarest stems, the MATCH expressions and the cached document frequencies. Pure."""

from __future__ import annotations

from parliament_tracker.answers import terms, text
from parliament_tracker.answers.terms import Plan


def test_a_short_query_requires_all_its_stems_and_asks_no_statistics():
    def stats(_terms):
        raise AssertionError("a short query needs no document frequencies")

    stems = text.query_terms("wachtlijsten tbs-klinieken")
    assert stems == ["wachtlijst", "tbs", "kliniek"]
    assert terms.plan(stems, stats) == Plan(("wachtlijst", "tbs", "kliniek"), ("wachtlijst", "tbs", "kliniek"))
    assert terms.plan([], stats).empty


def test_a_whole_question_keeps_its_rarest_stems_and_requires_the_two_rarest():
    question = "Klopt het dat de wachtlijsten in de forensische zorg in 2018 verder zijn gegroeid in Vught?"
    stems = text.query_terms(question)
    assert stems == ["klopt", "wachtlijst", "forensisch", "zorg", "2018", "verder", "gegroeid", "vught"]
    total = 100_000
    doc_freq = {"klopt": 30_000, "wachtlijst": 16_000, "forensisch": 9_000, "zorg": 12_000, "2018": 6_000, "verder": 2_500,
                "gegroeid": 2_500, "vught": 0}
    plan = terms.plan(stems, lambda asked: ({t: doc_freq[t] for t in asked}, total))
    # "vught" matches nothing, "klopt" is the most frequent of the rest (and beyond six anyway);
    # the rarest first, ties in the query's order
    assert plan == Plan(("verder", "gegroeid"), ("verder", "gegroeid", "2018", "forensisch", "zorg", "wachtlijst"))


def test_common_stems_are_dropped_while_two_remain():
    stems = ["minister", "kabinet", "gemeent", "wachtlijst", "jeugdzorg"]
    freq = {"minister": 60_000, "kabinet": 40_000, "gemeent": 30_000, "wachtlijst": 20_000, "jeugdzorg": 900}
    assert terms.select(stems, freq, 100_000) == Plan(("jeugdzorg", "wachtlijst"), ("jeugdzorg", "wachtlijst"))
    # all common: the two least common stay
    common = {"minister": 60_000, "kabinet": 40_000, "gemeent": 30_000, "wachtlijst": 50_000, "jeugdzorg": 45_000}
    assert terms.select(stems, common, 100_000) == Plan(("gemeent", "kabinet"), ("gemeent", "kabinet"))
    # nothing known (an empty or stale count): straight to the OR of the first stems
    assert terms.select(stems, {}, 0) == Plan((), tuple(stems))


def test_and_and_or_expressions_name_the_same_phrases():
    short = Plan(("wachtlijst", "tbs"), ("wachtlijst", "tbs"))
    assert terms.fts_match(short, all_required=True) == '"wachtlijst" AND "tbs"'
    assert terms.fts_match(short, all_required=False) == '"wachtlijst" OR "tbs"'
    long = Plan(("verder", "gegroeid"), ("verder", "gegroeid", "2018", "zorg"))
    assert terms.fts_match(long, all_required=True) == '"verder" AND "gegroeid" AND ("verder" OR "2018" OR "zorg")'
    assert terms.fts_match(long, all_required=False) == '"verder" OR "gegroeid" OR ("verder" OR "2018" OR "zorg")'
    assert terms.fts_match(Plan((), ("a", 'b"c')), all_required=False) == '"a" OR "b""c"'
    assert terms.pg_query(["wachtlijsten", "tbs"], "&") == "wachtlijsten & tbs"


def test_term_stats_count_once_per_ttl_and_clear():
    now = [0.0]
    stats = terms.TermStats(ttl=60, clock=lambda: now[0])
    asked: list[tuple[tuple[str, ...], bool]] = []

    def count(missing, want_total):
        asked.append((tuple(missing), want_total))
        return {t: len(t) for t in missing}, 1000 if want_total else None

    assert stats.get("db", ["ab", "abc"], count) == ({"ab": 2, "abc": 3}, 1000)
    assert stats.get("db", ["abc", "abcd"], count) == ({"abc": 3, "abcd": 4}, 1000)
    assert asked == [(("ab", "abc"), True), (("abcd",), False)]  # only what was not cached
    assert stats.get("other", ["ab"], count) == ({"ab": 2}, 1000)  # per database
    now[0] = 61.0
    stats.get("db", ["ab"], count)
    assert asked[-1] == (("ab",), True)  # expired: counted again
    stats.clear()
    stats.get("db", ["ab"], count)
    assert asked[-1] == (("ab",), True)
