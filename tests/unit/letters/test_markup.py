"""The drafting markup: paragraphs, bold, italic, underline, lists, headings."""

from hypothesis import given
from hypothesis import strategies as st

from parliament_tracker.letters.engine.markup import from_blocks, plain, to_blocks


def test_paragraphs_marks_and_lists():
    blocks = to_blocks("Een **vet** en *schuin* en __onder__.\nRegel twee.\n\n- a\n- b\n\n1. x\n2. y\n\n## Kop")
    assert [b["type"] for b in blocks] == ["p", "li", "li", "ol", "ol", "h"]
    assert blocks[0]["runs"] == [
        {"text": "Een "},
        {"text": "vet", "bold": True},
        {"text": " en "},
        {"text": "schuin", "italic": True},
        {"text": " en "},
        {"text": "onder", "underline": True},
        {"text": ".\nRegel twee."},
    ]


def test_stray_asterisks_stay_text():
    assert to_blocks("3 * 4 = 12 en 2*3")[0]["runs"] == [{"text": "3 * 4 = 12 en 2*3"}]


def test_empty_text_has_no_blocks():
    assert to_blocks("") == [] and to_blocks("\n\n  \n") == []


def test_windows_line_endings():
    assert [b["type"] for b in to_blocks("a\r\n\r\nb")] == ["p", "p"]


def test_round_trip():
    text = "Een **vet** woord.\n\n- a\n- b\n\n1. x\n2. y\n\nSlot."
    assert from_blocks(to_blocks(text)) == text
    assert plain(text) == "Een vet woord.\n\na\n\nb\n\nx\n\ny\n\nSlot."


@given(
    st.lists(st.text(alphabet="abc XYZ.,", min_size=1, max_size=30).map(str.strip).filter(bool), min_size=1, max_size=5)
)
def test_plain_paragraphs_survive(paragraphs):
    blocks = to_blocks("\n\n".join(paragraphs))
    assert ["".join(r["text"] for r in b["runs"]) for b in blocks] == paragraphs
