"""Fidelity benchmark (not a test): the app's PDF against LibreOffice's PDF of the same DOCX.

    PYTHONPATH=. /tmp/venv/bin/python bench/bench_fidelity.py [runs] [--keep DIR]

Inputs: every shipped template filled with the demo letter, and ministry-like DOCX files this
script makes with python-docx: a table with a header row and merged cells, nested bulleted and
numbered lists, a header with a logo and page fields, justified text with double spaces,
footnotes, and section breaks (portrait → landscape → portrait).

Per file it prints the pages and words of both PDFs, the share of words that match word by word
(same text on the same page with both corners within 2 pt; the share of the larger word count),
(left and right edge and middle of the line), the share of words found at all (text only, ignoring position), and the median time per letter
of the app (DOCX → HTML → PDF, tagged PDF/A-2a + UA-1 and untagged PDF/A-2b, in a warm process)
and of LibreOffice (``soffice --headless --convert-to pdf``, one process per letter, and per letter
in one batch call). Words come from ``pdftotext -bbox`` (poppler-utils). LibreOffice is optional:
without ``soffice`` only the app's times are printed.

Both renderers must find the same fonts: the files use DejaVu Sans (fonts-dejavu-core), which
the app renders with too. Run it on an otherwise idle machine for stable times.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from docx import Document  # noqa: E402
from docx.enum.section import WD_ORIENT, WD_SECTION  # noqa: E402
from docx.enum.text import WD_ALIGN_PARAGRAPH  # noqa: E402
from docx.opc.constants import RELATIONSHIP_TYPE as RT  # noqa: E402
from docx.opc.packuri import PackURI  # noqa: E402
from docx.opc.part import Part  # noqa: E402
from docx.oxml import OxmlElement, parse_xml  # noqa: E402
from docx.oxml.ns import qn  # noqa: E402
from docx.shared import Cm, Pt  # noqa: E402

from parliament_tracker.letters.engine import context as ctx  # noqa: E402
from parliament_tracker.letters.engine import markup, seed_letter  # noqa: E402
from parliament_tracker.letters.engine.docx2html import docx_to_html  # noqa: E402
from parliament_tracker.letters.engine.fill import fill_template  # noqa: E402
from parliament_tracker.letters.engine.pdf import render_pdf, warm_up  # noqa: E402
from parliament_tracker.letters.engine.template_builder import neutral_logo_png  # noqa: E402
from parliament_tracker.letters.engine.template_parts import simple_field  # noqa: E402

FONT = "DejaVu Sans"
TOLERANCE_PT = 2.0
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PAGE = re.compile(r"<page ")
LOREM = ("De minister informeert de Kamer over de voortgang van het programma. In de afgelopen periode "
         "zijn de maatregelen uit de brief van 2 november uitgevoerd, en  de eerste resultaten zijn "
         "zichtbaar in de cijfers van het derde kwartaal.")


# --------------------------------------------------------------------------- inputs

def demo_data() -> ctx.LetterData:
    """The demo letter of the template previews (letters.templates.demo_letter_data), without Flask."""
    import datetime as dt

    return ctx.LetterData(
        subject=seed_letter.SUBJECT, letter_date=seed_letter.LETTER_DATE,
        ministry=ctx.Ministry("Ministerie van Justitie en Veiligheid", "Turfmarkt 147, 2511 DP Den Haag",
                              "Postbus 20301, 2500 EH Den Haag", "www.rijksoverheid.nl/jenv",
                              "Postbus 20301 2500 EH Den Haag", "Directoraat-Generaal Migratie"),
        signatories=(ctx.Signatory("Staatssecretaris van Justitie en Veiligheid", "Ankie Broekers-Knol"),),
        body=markup.to_blocks(seed_letter.body_markup()), our_reference="3612345",
        your_reference=seed_letter.YOUR_REFERENCE, your_letter_date=seed_letter.YOUR_LETTER_DATE,
        addressee_lines=("Aan de Voorzitter van de Tweede Kamer", "der Staten-Generaal", "Postbus 20018",
                         "2500 EA  DEN HAAG"),
        case_number=seed_letter.MENTIONED_REFERENCE, askers=("Podt (D66)", "Ceder (ChristenUnie)"),
        questions_subject="het bericht «Angstcultuur bij de IND»", questions_submitted=dt.date(2021, 11, 5),
        answers=(ctx.QuestionAnswer((1,), ("Bent u bekend met het bericht?",), "Ja."),
                 ctx.QuestionAnswer((2, 3), ("Wat is uw reactie?", "Welke maatregelen neemt u?"),
                                    markup.to_blocks("Ik verwijs naar *mijn brief*.\n\n- cultuurscan 2021\n"
                                                     "- vertrouwenspersonen"))),
        postponement_reason="de benodigde afstemming met de IND meer tijd vraagt",
    )


def _base() -> Document:
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10)
    rfonts = normal.element.get_or_add_rPr().find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    for name in ("Heading 1", "Heading 2", "List Bullet", "List Bullet 2", "List Number", "List Number 2"):
        style = doc.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().find(qn("w:rFonts"))
        if fonts is not None:
            for attr in list(fonts.attrib):
                if attr.endswith("Theme"):
                    del fonts.attrib[attr]
    return doc


def _save(doc: Document) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_tables() -> bytes:
    doc = _base()
    doc.add_heading("Overzicht meldingen", level=1)
    doc.add_paragraph(LOREM)
    table = doc.add_table(rows=5, cols=4)
    table.style = doc.styles["Table Grid"]
    header = ["Jaar", "Meldingen", "Afgehandeld", "Opmerking"]
    for cell, text in zip(table.rows[0].cells, header):
        cell.text = text
    trpr = table.rows[0]._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:tblHeader"))
    for i, year in enumerate(("2019", "2020", "2021", "2022"), start=1):
        for cell, text in zip(table.rows[i].cells, (year, str(10 * i + 2), str(9 * i), "binnen termijn")):
            cell.text = text
    table.cell(3, 3).merge(table.cell(4, 3)).text = "samengevoegd over twee rijen"
    doc.add_paragraph(LOREM)
    return _save(doc)


def docx_nested_lists() -> bytes:
    doc = _base()
    doc.add_paragraph("De maatregelen zijn:")
    for text, style in (("een meldregeling", "List Bullet"), ("voor misstanden", "List Bullet 2"),
                        ("voor integriteitsschendingen", "List Bullet 2"), ("vertrouwenspersonen", "List Bullet"),
                        ("een klachtencommissie", "List Bullet")):
        doc.add_paragraph(text, style=style)
    doc.add_paragraph("De stappen zijn:")
    for text, style in (("melden", "List Number"), ("onderzoek", "List Number"), ("eerste fase", "List Number 2"),
                        ("tweede fase", "List Number 2"), ("besluit", "List Number")):
        doc.add_paragraph(text, style=style)
    doc.add_paragraph(LOREM)
    return _save(doc)


def docx_header_logo() -> bytes:
    doc = _base()
    section = doc.sections[0]
    head = section.header.paragraphs[0]
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    head.add_run().add_picture(io.BytesIO(neutral_logo_png()), width=Cm(1.2))
    head.add_run("  Ministerie van Voorbeeldzaken")
    foot = section.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    foot.add_run("Pagina ")
    simple_field(foot, "PAGE", "1")
    foot.add_run(" van ")
    simple_field(foot, "NUMPAGES", "2")
    for _ in range(12):
        doc.add_paragraph(LOREM)
    return _save(doc)


def docx_justified() -> bytes:
    doc = _base()
    doc.add_heading("Uitgevulde tekst", level=1)
    for i in range(8):
        p = doc.add_paragraph(LOREM + " " + LOREM)
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY if i % 2 == 0 else WD_ALIGN_PARAGRAPH.LEFT
    return _save(doc)


def docx_footnotes() -> bytes:
    doc = _base()
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    notes = [f'<w:footnote w:type="separator" w:id="-1" xmlns:w="{w}"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>',
             f'<w:footnote w:type="continuationSeparator" w:id="0" xmlns:w="{w}"><w:p><w:r><w:continuationSeparator/>'
             "</w:r></w:p></w:footnote>"]
    for n in (1, 2):
        notes.append(f'<w:footnote w:id="{n}" xmlns:w="{w}"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                     f'<w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Kamerstukken II 2021/22, 29 628, nr. {n}.'
                     "</w:t></w:r></w:p></w:footnote>")
    xml = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">{"".join(notes)}</w:footnotes>'
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                xml.replace(f' xmlns:w="{w}"><w:p>', "><w:p>").encode("utf-8"), doc.part.package)
    doc.part.relate_to(part, RT.FOOTNOTES)
    for n in (1, 2):
        p = doc.add_paragraph(LOREM)
        p._p.append(parse_xml(f'<w:r xmlns:w="{w}"><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
                              f'<w:footnoteReference w:id="{n}"/></w:r>'))
        doc.add_paragraph(LOREM)
    return _save(doc)


def docx_section_breaks() -> bytes:
    doc = _base()
    doc.add_heading("Deel 1", level=1)
    doc.add_paragraph(LOREM)
    landscape = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape.orientation = WD_ORIENT.LANDSCAPE
    landscape.page_width, landscape.page_height = landscape.page_height, landscape.page_width
    doc.add_heading("Deel 2 (liggend)", level=1)
    doc.add_paragraph(LOREM)
    portrait = doc.add_section(WD_SECTION.NEW_PAGE)
    portrait.orientation = WD_ORIENT.PORTRAIT
    portrait.page_width, portrait.page_height = portrait.page_height, portrait.page_width
    doc.add_heading("Deel 3", level=1)
    doc.add_paragraph(LOREM)
    return _save(doc)


GENERATED: dict[str, Callable[[], bytes]] = {
    "tables": docx_tables, "nested_lists": docx_nested_lists, "header_logo": docx_header_logo,
    "justified": docx_justified, "footnotes": docx_footnotes, "section_breaks": docx_section_breaks,
}


def inputs() -> dict[str, bytes]:
    """name → filled DOCX: the shipped templates with the demo letter, then the generated files."""
    context = ctx.build_context(demo_data())
    out = {f"template:{p.stem}": fill_template(p.read_bytes(), context)
           for p in sorted((ROOT / "letter_templates").glob("*.docx"))}
    out.update({f"docx:{name}": make() for name, make in GENERATED.items()})
    return out


# --------------------------------------------------------------------------- measuring

def words(pdf: Path) -> tuple[int, list[tuple[int, float, float, float, float, str]]]:
    """(pages, [(page, x0, y0, x1, y1, text)]) from pdftotext -bbox."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found = []
    page = -1
    for line in out.splitlines():
        if PAGE.search(line):
            page += 1
        m = WORD.search(line)
        if m:
            x0, y0, x1, y1, text = m.groups()
            found.append((page, float(x0), float(y0), float(x1), float(y1), text))
    return page + 1, found


def _same_place(a: tuple, b: tuple) -> bool:
    """Left and right edge and the middle of the line within TOLERANCE_PT. Not the top and bottom:
    the two PDFs' font descriptors give the same glyphs boxes of different heights (10.5 against
    11.7 pt for 9 pt DejaVu Sans), which is no difference in layout."""
    return (abs(a[1] - b[1]) <= TOLERANCE_PT and abs(a[3] - b[3]) <= TOLERANCE_PT
            and abs((a[2] + a[4]) / 2 - (b[2] + b[4]) / 2) <= TOLERANCE_PT)


def match(app: list, lo: list) -> tuple[int, int]:
    """(words matched within TOLERANCE_PT on the same page, words with the same text anywhere)."""
    by_key: dict[tuple[int, str], list] = defaultdict(list)
    for w in lo:
        by_key[(w[0], w[5])].append(w)
    positioned = 0
    for w in app:
        candidates = by_key.get((w[0], w[5]), [])
        for i, c in enumerate(candidates):
            if _same_place(w, c):
                positioned += 1
                candidates.pop(i)
                break
    texts: dict[str, int] = defaultdict(int)
    for w in lo:
        texts[w[5]] += 1
    anywhere = 0
    for w in app:
        if texts[w[5]] > 0:
            texts[w[5]] -= 1
            anywhere += 1
    return positioned, anywhere


def time_app(docx: bytes, *, tagged: bool, runs: int) -> tuple[float, bytes]:
    samples, pdf = [], b""
    for _ in range(runs):
        t0 = time.perf_counter()
        html = docx_to_html(docx, font_family=FONT, title="Fidelity")
        pdf = render_pdf(html, title="Fidelity", tagged=tagged)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000, pdf


def soffice(files: list[Path], outdir: Path, profile: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(outdir), *map(str, files)], capture_output=True, check=True, timeout=600)
    return (time.perf_counter() - t0) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("runs", nargs="?", type=int, default=5)
    parser.add_argument("--keep", help="write the DOCX and both PDFs of every file into this directory")
    args = parser.parse_args()
    if shutil.which("pdftotext") is None:
        sys.exit("needs pdftotext (poppler-utils)")
    has_lo = shutil.which("soffice") is not None
    warm_up()
    files = inputs()
    work = Path(args.keep or tempfile.mkdtemp(prefix="fidelity-"))
    work.mkdir(parents=True, exist_ok=True)
    profile = work / "lo-profile"
    paths = {}
    for name, docx in files.items():
        path = work / (name.replace(":", "-") + ".docx")
        path.write_bytes(docx)
        paths[name] = path
    lo_times: dict[str, float] = {}
    batch_ms = 0.0
    if has_lo:
        lo_dir = work / "lo"
        soffice([paths[next(iter(paths))]], lo_dir, profile)  # first start creates the profile
        for name, path in paths.items():
            lo_times[name] = soffice([path], lo_dir, profile)
        batch_ms = soffice(list(paths.values()), lo_dir, profile) / len(paths)
    load = os.getloadavg()[0]
    print(f"fidelity: app (WeasyPrint) vs LibreOffice, word positions within {TOLERANCE_PT:g} pt; "
          f"{args.runs} runs per app timing; load average {load:.1f}")
    head = (f"{'file':<26} {'pages':>7} {'words':>11} {'match 2pt':>9} {'text':>6} "
            f"{'app tagged':>10} {'app 2b':>7} {'tag cost':>8} {'LO/letter':>9}")
    print(head)
    print("-" * len(head))
    costs = []
    for name, path in paths.items():
        tagged_ms, tagged_pdf = time_app(files[name], tagged=True, runs=args.runs)
        plain_ms, _ = time_app(files[name], tagged=False, runs=args.runs)
        costs.append(tagged_ms - plain_ms)
        app_pdf = work / (path.stem + ".app.pdf")
        app_pdf.write_bytes(tagged_pdf)
        app_pages, app_words = words(app_pdf)
        row = f"{name:<26} "
        if has_lo:
            lo_pages, lo_words = words(work / "lo" / (path.stem + ".pdf"))
            positioned, anywhere = match(app_words, lo_words)
            total = max(len(app_words), len(lo_words)) or 1
            row += (f"{app_pages:>3}/{lo_pages:<3} {len(app_words):>5}/{len(lo_words):<5} "
                    f"{100 * positioned / total:>8.1f}% {100 * anywhere / total:>5.1f}% ")
        else:
            row += f"{app_pages:>3}/-   {len(app_words):>5}/-     {'-':>9} {'-':>6} "
        row += (f"{tagged_ms:>8.0f}ms {plain_ms:>5.0f}ms {tagged_ms - plain_ms:>+6.0f}ms "
                f"{(f'{lo_times[name]:.0f}ms' if has_lo else '-'):>9}")
        print(row)
    print(f"tagging cost per letter (tagged PDF/A-2a+UA-1 minus PDF/A-2b): median {statistics.median(costs):+.0f} ms")
    if has_lo:
        print(f"LibreOffice: {statistics.median(lo_times.values()):.0f} ms per letter as one soffice call each "
              f"(median), {batch_ms:.0f} ms per letter in one batch call of {len(paths)}")
    else:
        print("LibreOffice (soffice) not installed: no comparison; apt-get install libreoffice-writer-nogui")
    print(f"files in {work}" if args.keep else "")


if __name__ == "__main__":
    main()
