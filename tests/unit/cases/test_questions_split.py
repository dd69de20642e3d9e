from parliament_tracker.cases.questions import split_questions


def test_numbered_questions_with_introduction():
    text = "Vragen van het lid X.\n\n1. Bent u bekend met het bericht?\n\n2) Hoe beoordeelt u\n dit bericht?\n3 Wat gaat u doen?"
    assert split_questions(text) == [
        (1, "Bent u bekend met het bericht?"),
        (2, "Hoe beoordeelt u dit bericht?"),
        (3, "Wat gaat u doen?"),
    ]


def test_vraag_prefix():
    assert split_questions("Vraag 1: Eerste?\nVraag 2: Tweede?") == [(1, "Eerste?"), (2, "Tweede?")]


def test_unnumbered_paragraphs_become_questions():
    assert split_questions("Eerste vraag?\n\nTweede vraag?\r\n\r\nDerde?") == [(1, "Eerste vraag?"), (2, "Tweede vraag?"), (3, "Derde?")]


def test_numbers_out_of_sequence_fall_back_to_paragraphs():
    text = "In 2021 gebeurde iets.\n\n5 vragen volgen hier."
    assert [n for n, _ in split_questions(text)] == [1, 2]


def test_empty():
    assert split_questions("   ") == []
