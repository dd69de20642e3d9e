"""The template feature linter: the shipped templates pass; unsupported features are named."""

import io

import pytest
from docx import Document
from docx.oxml import parse_xml

from parliament_tracker.letters.engine.features import feature_problems
from parliament_tracker.letters.engine.template_builder import BUILDERS

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


@pytest.mark.parametrize("name", list(BUILDERS))
def test_shipped_templates_are_within_the_subset(name):
    from conftest import TEMPLATES

    assert feature_problems((TEMPLATES / name).read_bytes()) == []


def _doc(xml: str = "", sections: int = 1, columns: int = 1) -> bytes:
    doc = Document()
    p = doc.add_paragraph("tekst")
    for child in list(parse_xml(f"<w:p {W}>{xml}</w:p>")):
        p._p.append(child)
    for _ in range(sections - 1):
        doc.add_section()
    if columns > 1:
        doc.sections[0]._sectPr.append(parse_xml(f'<w:cols {W} w:num="{columns}"/>'))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def test_plain_document_passes():
    assert feature_problems(_doc()) == []


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"xml": '<w:del w:id="1" w:author="a"><w:r><w:delText>x</w:delText></w:r></w:del>'}, "tracked changes"),
        ({"sections": 2}, "more than one section"),
        ({"columns": 2}, "Columns"),
        ({"xml": '<w:r><w:footnoteReference w:id="1"/></w:r>'}, "Footnotes"),
        (
            {
                "xml": '<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> MERGEFIELD naam </w:instrText></w:r>'
                '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
            },
            "field MERGEFIELD",
        ),
    ],
)
def test_unsupported_features_are_named(kwargs, fragment):
    problems = feature_problems(_doc(**kwargs))
    assert any(fragment in p for p in problems), problems


def test_page_fields_are_allowed():
    xml = '<w:fldSimple w:instr=" PAGE \\* MERGEFORMAT "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    assert feature_problems(_doc(xml)) == []


def test_every_fixed_feature_problem_has_a_translation():
    """Like fill.py's refusals: each fixed problem text needs its entry in messages.FIXED."""
    import ast
    import inspect

    from parliament_tracker.letters import messages
    from parliament_tracker.letters.engine import features

    fixed = [
        node.args[0].value
        for node in ast.walk(ast.parse(inspect.getsource(features)))
        if isinstance(node, ast.Call)
        and getattr(node.func, "attr", None) == "append"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and isinstance(node.args[0].value, str)
    ]
    assert len(fixed) == 5
    assert [m for m in fixed if m not in messages.FIXED] == []
