"""Template filling and upload checks (parliament_tracker.letters.engine.fill)."""

from __future__ import annotations

import contextlib
import io
import signal
import zipfile
from datetime import date, datetime

import pytest
from docx import Document
from hypothesis import given
from hypothesis import strategies as st
from letters_helpers import all_part_xml, document_text, docx_bytes, rebuild_zip

from parliament_tracker.letters.engine import fill
from parliament_tracker.letters.engine.context import body_from_html
from parliament_tracker.letters.engine.dates import MONTHS_NL, nl_date
from parliament_tracker.letters.engine.fill import DocxRejected, TemplateError
from parliament_tracker.letters.engine.variables import KNOWN_VARIABLE_NAMES


def make_template(*paragraphs: str, header: str | None = None, footer: str | None = None) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    if header is not None:
        doc.sections[0].header.paragraphs[0].text = header
    if footer is not None:
        doc.sections[0].footer.paragraphs[0].text = footer
    return docx_bytes(doc)


def split_run_template() -> bytes:
    """'{{ subject }}' spread over three runs with different formatting, as Word does after edits."""
    doc = Document()
    p = doc.add_paragraph("Onderwerp: ")
    p.add_run("{{ sub")
    r = p.add_run("je")
    r.bold = True
    p.add_run("ct }}")
    return docx_bytes(doc)


# --------------------------------------------------------------------------- filling

def test_placeholder_split_across_runs_is_filled():
    out = fill.fill_template(split_run_template(), {"subject": "Reactie VJC-verzoek"})
    assert "Onderwerp: Reactie VJC-verzoek" in document_text(out)


def test_header_and_footer_placeholders_are_filled():
    tpl = make_template("Brief", header="Kenmerk {{ our_reference }}", footer="Datum {{ letter_date|nl_date }}")
    out = fill.fill_template(tpl, {"our_reference": "3612345", "letter_date": date(2021, 11, 23)})
    doc = Document(io.BytesIO(out))
    assert doc.sections[0].header.paragraphs[0].text == "Kenmerk 3612345"
    assert doc.sections[0].footer.paragraphs[0].text == "Datum 23 november 2021"


def test_join_and_filter_lists_names_the_dutch_way():
    tpl = make_template("{{ askers|join_and }}|{{ one|join_and }}|{{ nobody|join_and }}|{{ numbers|join_and }}")
    out = fill.fill_template(
        tpl, {"askers": ["Podt (D66)", "Ceder (ChristenUnie)", "Kuik (CDA)"], "one": ["Podt"], "nobody": [],
              "numbers": [2, 3]})
    assert "Podt (D66), Ceder (ChristenUnie) en Kuik (CDA)|Podt||2 en 3" in document_text(out)


def test_paragraph_loop_repeats_paragraphs():
    tpl = make_template("Vooraf", "{%p for item in items %}", "Punt {{ loop.index }}: {{ item }}", "{%p endfor %}",
                        "Achteraf")
    out = fill.fill_template(tpl, {"items": ["een", "twee", "drie"]})
    lines = [p.text for p in Document(io.BytesIO(out)).paragraphs]
    assert lines == ["Vooraf", "Punt 1: een", "Punt 2: twee", "Punt 3: drie", "Achteraf"]


def test_xml_special_characters_survive():
    value = 'Subsidie R&D <fase 2> "aanhalingstekens" en \'enkele\''
    tpl = make_template("Onderwerp: {{ subject }}", header="{{ subject }}")
    out = fill.fill_template(tpl, {"subject": value})
    assert f"Onderwerp: {value}" in document_text(out)
    assert Document(io.BytesIO(out)).sections[0].header.paragraphs[0].text == value


def test_no_template_tags_left_in_any_part(kamerbrief_template, seed_letter):
    from letters_helpers import seed_context

    out = fill.fill_template(kamerbrief_template, seed_context(seed_letter))
    for name, xml in all_part_xml(out).items():
        assert "{{" not in xml and "{%" not in xml and "}}" not in xml, name


def test_unknown_variables_are_reported_by_check():
    tpl = make_template("{{ subject }} {{ surprise }}", footer="{{ another_one }}")
    problems = fill.check_template(tpl, {"subject"})
    assert problems == ["Unknown variables: another_one, surprise."]


def test_template_variables_lists_body_header_and_footer_names():
    tpl = make_template("{{ subject }}", header="{{ our_reference }}", footer="{{ letter_date|nl_date }}")
    assert fill.template_variables(tpl) == {"subject", "our_reference", "letter_date"}


def test_missing_context_value_is_refused_with_names():
    tpl = make_template("{{ subject }} {{ our_reference }}")
    with pytest.raises(TemplateError) as exc:
        fill.fill_template(tpl, {"subject": "x"})
    assert "our_reference" in exc.value.message


def test_syntax_error_is_reported_readably():
    problems = fill.check_template(make_template("Hallo {{ subject }", "{% if x %}zonder einde"), {"subject", "x"})
    assert len(problems) == 1 and problems[0].startswith("Template syntax error in the body")


@pytest.mark.parametrize("source, fragment", [
    ("{{ ''.__class__.__mro__ }}", "__class__"),
    ("{{ subject.__init__.__globals__ }}", "__init__"),
    ("{{ subject|attr('__class__') }}", "attr"),
    ("{% include 'secret.txt' %}", "include"),
])
def test_sandbox_escape_is_refused_at_check(source, fragment):
    problems = fill.check_template(make_template(source), {"subject"})
    assert problems and fragment in " ".join(problems)
    with pytest.raises(TemplateError):
        fill.fill_template(make_template(source), {"subject": "x"})


def test_sandbox_refuses_dynamically_built_attribute_names():
    # The static check cannot see this name; the sandbox must refuse it at render time.
    tpl = make_template("{{ subject[('__cla' ~ 'ss__')] }}")
    assert fill.check_template(tpl, {"subject"}) == []
    with pytest.raises(TemplateError, match="not allowed"):
        fill.fill_template(tpl, {"subject": "x"})


def test_shipped_templates_pass_the_check_with_the_context_contract(kamerbrief_template):
    from parliament_tracker.letters.engine import template_builder as build_templates

    for name in build_templates.BUILDERS:
        data = (build_templates.HERE / name).read_bytes()
        assert fill.check_template(data, KNOWN_VARIABLE_NAMES) == [], name


# --------------------------------------------------------------------------- uploads

@pytest.fixture(scope="module")
def plain_docx() -> bytes:
    return make_template("Een gewone brief.")


def test_plain_docx_is_accepted(plain_docx):
    fill.check_docx_upload(plain_docx, max_bytes=1024 * 1024)


def test_oversize_upload_is_refused(plain_docx):
    with pytest.raises(DocxRejected, match="larger than"):
        fill.check_docx_upload(plain_docx, max_bytes=len(plain_docx) - 1)


def test_macro_upload_is_refused(plain_docx):
    ct = all_part_xml(plain_docx)["[Content_Types].xml"].replace(
        "wordprocessingml.document.main+xml", "ms-word.document.macroEnabled.main+xml")
    docm = rebuild_zip(plain_docx, add={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64},
                       replace={"[Content_Types].xml": ct.encode()})
    with pytest.raises(DocxRejected, match="macros"):
        fill.check_docx_upload(docm, max_bytes=1024 * 1024)
    # The content type alone is enough to refuse.
    with pytest.raises(DocxRejected, match="macros"):
        fill.check_docx_upload(rebuild_zip(plain_docx, replace={"[Content_Types].xml": ct.encode()}), 1024 * 1024)


def test_zip_bomb_entry_is_refused(plain_docx):
    bomb = rebuild_zip(plain_docx, add={"word/media/zeros.bin": b"\0" * (4 * 1024 * 1024)})
    assert len(bomb) < 200 * 1024
    with pytest.raises(DocxRejected, match="zip bomb"):
        fill.check_docx_upload(bomb, max_bytes=1024 * 1024)


def test_total_uncompressed_size_is_limited(plain_docx, monkeypatch):
    monkeypatch.setattr(fill, "MAX_UNCOMPRESSED_BYTES", 10_000)
    with pytest.raises(DocxRejected, match="unpacks"):
        fill.check_docx_upload(plain_docx, max_bytes=1024 * 1024)


def test_too_many_entries_are_refused(plain_docx):
    many = rebuild_zip(plain_docx, add={f"customXml/extra{i}.xml": b"<a/>" for i in range(fill.MAX_ZIP_ENTRIES)})
    with pytest.raises(DocxRejected, match="too many parts"):
        fill.check_docx_upload(many, max_bytes=10 * 1024 * 1024)


@pytest.mark.parametrize(("damage", "reason"), [
    ("not a zip", "The file is not a DOCX document."),
    ("truncated", "The file is not a DOCX document or it is damaged."),
    ("no content types", "The file is not a DOCX document."),
    ("broken xml", "The file is damaged and cannot be read as a DOCX document."),
    ("xlsx", "The file is not a Word document (.docx)."),
])
def test_corrupt_uploads_are_refused(plain_docx, damage, reason):
    if damage == "not a zip":
        data = b"%PDF-1.7 this is not a docx"
    elif damage == "truncated":
        data = plain_docx[: len(plain_docx) // 2]
    elif damage == "no content types":
        data = rebuild_zip(plain_docx, drop={"[Content_Types].xml"})
    elif damage == "broken xml":
        data = rebuild_zip(plain_docx, replace={"word/document.xml": b"<w:document><w:body><w:p>"})
    else:
        ct = all_part_xml(plain_docx)["[Content_Types].xml"].replace(
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
        data = rebuild_zip(plain_docx, replace={"[Content_Types].xml": ct.encode()})
    with pytest.raises(DocxRejected) as exc:
        fill.check_docx_upload(data, max_bytes=1024 * 1024)
    assert exc.value.message == reason


def test_encrypted_entries_are_refused(plain_docx):
    raw = bytearray(plain_docx)
    central = raw.find(b"PK\x01\x02")
    raw[central + 8] |= 0x1  # general purpose flag: the entry is encrypted
    with pytest.raises(DocxRejected, match=r"Encrypted documents are not accepted\."):
        fill.check_docx_upload(bytes(raw), max_bytes=1024 * 1024)


def test_check_template_reports_upload_problems_as_text():
    assert fill.check_template(b"PK\x03\x04garbage", KNOWN_VARIABLE_NAMES) == [
        "The file is not a DOCX document or it is damaged."]


def test_zipfile_stops_at_declared_size(plain_docx):
    """The size guard trusts declared sizes; this is why that is safe (a lying entry fails CRC/size)."""
    data = rebuild_zip(plain_docx, add={"word/media/x.bin": b"a" * 5000})
    # Lower the declared uncompressed size in the central directory and the local header.
    zf = zipfile.ZipFile(io.BytesIO(data))
    info = zf.getinfo("word/media/x.bin")
    raw = bytearray(data)
    for offset in (info.header_offset + 22,):
        raw[offset:offset + 4] = (100).to_bytes(4, "little")
    cd = raw.rfind(b"PK\x01\x02", 0, len(raw))
    while cd != -1:
        name_len = int.from_bytes(raw[cd + 28:cd + 30], "little")
        if raw[cd + 46:cd + 46 + name_len] == b"word/media/x.bin":
            raw[cd + 24:cd + 28] = (100).to_bytes(4, "little")
        cd = raw.rfind(b"PK\x01\x02", 0, cd)
    with pytest.raises(DocxRejected):
        fill.check_docx_upload(bytes(raw), max_bytes=1024 * 1024)


# --------------------------------------------------------------------------- small pure parts

def test_nl_date_examples():
    assert nl_date(date(2021, 11, 23)) == "23 november 2021"
    assert nl_date(datetime(2015, 5, 19, 14, 0)) == "19 mei 2015"
    assert nl_date("2021-03-01") == "1 maart 2021"
    assert nl_date(None) == ""


@given(st.dates())
def test_nl_date_property(d):
    day, month, year = nl_date(d).split(" ")
    assert int(day) == d.day and MONTHS_NL.index(month) == d.month - 1 and int(year) == d.year


def test_body_from_html_keeps_only_the_safe_subset():
    blocks = body_from_html('<p>Bij <b>brief</b> van <script>alert(1)</script><i>2 november</i></p>'
                            '<ul><li>een</li><li>twee</li></ul><ol><li>drie</li></ol><img src="x">')
    assert [b["type"] for b in blocks] == ["p", "li", "li", "ol"]
    runs = blocks[0]["runs"]
    assert "".join(r["text"] for r in runs) == "Bij brief van 2 november"
    assert [r for r in runs if r["text"] == "brief"][0]["bold"] is True
    assert [r for r in runs if r["text"] == "2 november"][0]["italic"] is True


def test_every_fixed_refusal_has_a_translation():
    """fill.py speaks English; the web layer translates through messages.FIXED, so a new
    refusal message without an entry there would reach Dutch users untranslated. (The summary
    "The template has problems." is never shown: callers show ``problems`` one by one.)"""
    import ast
    import inspect

    from parliament_tracker.letters import messages

    fixed = []
    for node in ast.walk(ast.parse(inspect.getsource(fill))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in {"DocxRejected", "TemplateError"}:
            first = node.args[0]
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                fixed.append(first.value)
    assert len(fixed) >= 10
    assert [m for m in fixed if m not in messages.FIXED] == []


def test_syntax_errors_are_translated_with_and_without_nearby_text(app):
    from parliament_tracker.letters import messages

    with app.test_request_context():  # the UI's default language: Dutch
        near = messages.translate('Template syntax error in the body near "{{ subject": unexpected end of template')
        assert near == "Syntaxfout in het sjabloon (body) bij “{{ subject”: unexpected end of template"
        bare = messages.translate("Template syntax error in the body: unexpected end of template")
        assert bare == "Syntaxfout in het sjabloon (body): unexpected end of template"


# --------------------------------------------------------------------------- the sandbox's budget

@contextlib.contextmanager
def within(seconds: float):
    """Fail instead of hanging: the old sandbox ran these templates for minutes."""

    def alarm(signum, frame):
        raise AssertionError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("source, fragment", [
    ("{% for i in range(10**9) %}x{% endfor %}", "range of 1000000000 items; the maximum is 10000"),
    ("{{ 'A' * 300000000 }}", "to 300000000 items; the maximum is 1000000"),
    ("{{ 300000000 * 'A' }}", "to 300000000 items"),
    ("{{ [1] * 10**9 }}", "to 1000000000 items"),
    ("{% for i in range(10000) %}{% for j in range(10000) %}{% endfor %}{% endfor %}", "more than 100000 items in total"),
    ("{% set s = 'A' * 1000 %}" + "{% set s = s ~ s %}" * 12 + "{{ s }}", "to 1024000 items"),
    ("{% set s = 'A' * 1000 %}" + "{% set s = s + s %}" * 12 + "{{ s }}", "to 1024000 items"),
    ("{% for i in range(10000) %}{{ 'A' * 100000 }}{% endfor %}", "larger than 20000000 characters"),
    ("{{ 10 ** (10 ** 9) }}", "too large"),
])
def test_sandbox_refuses_templates_that_would_exhaust_the_worker(source, fragment):
    with within(5), pytest.raises(TemplateError) as exc:
        fill.fill_template(make_template(source), {"subject": "x"})
    assert fragment in exc.value.message


def test_sandbox_budget_allows_what_a_letter_needs():
    tpl = make_template("{% for i in range(3) %}{{ i }}{% endfor %}|{{ 'ab' * 2 }}|{{ 2 ** 10 }}|{{ subject ~ '!' }}")
    assert "012|abab|1024|x!" in document_text(fill.fill_template(tpl, {"subject": "x"}))


def test_sandbox_time_budget_stops_a_slow_fill(monkeypatch):
    from parliament_tracker.letters.engine import sandbox

    monkeypatch.setattr(sandbox, "MAX_FILL_SECONDS", 0)
    with pytest.raises(TemplateError, match="took more than 0 seconds"):
        fill.fill_template(make_template("{% for i in range(10) %}{{ i * 2 }}{% endfor %}"), {})


def test_budget_refusals_are_translated(app):
    from parliament_tracker.letters import messages

    with app.test_request_context():  # the UI's default language: Dutch
        assert messages.translate("The template asks for a range of 1000000000 items; the maximum is 10000.") == (
            "Het sjabloon vraagt om een reeks van 1000000000 elementen; het maximum is 10000."
        )
        assert messages.translate("The filled template is larger than 20000000 characters.") == (
            "Het ingevulde sjabloon is groter dan 20000000 tekens."
        )


def test_docx_budget_counts_text_parts_and_paragraphs_without_parsing():
    many = make_template(*[f"Alinea {i}." for i in range(50)], header="Kop", footer="Voet")
    fill.check_docx_budget(many, max_xml_bytes=1024 * 1024, max_paragraphs=60)
    with pytest.raises(DocxRejected, match=r"too large to render: 5\d paragraphs, maximum 40\."):
        fill.check_docx_budget(many, max_xml_bytes=1024 * 1024, max_paragraphs=40)
    with pytest.raises(DocxRejected, match=r"too large to render: \d+ KB of text and layout, maximum 1 KB\."):
        fill.check_docx_budget(many, max_xml_bytes=1024, max_paragraphs=1000)
    fill.check_docx_budget(b"not a zip", max_xml_bytes=1, max_paragraphs=1)  # left to check_docx_upload
