"""Admin template pages: upload (checked, versioned), refusals that store nothing, preview, activate."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from parliament_tracker.letters.models import LetterKind, LetterTemplate

SHIPPED = Path(__file__).resolve().parents[2] / "letter_templates"


def docx_with(*paragraphs: str) -> bytes:
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _with_body_xml(xml: str) -> bytes:
    """A DOCX with ``xml`` (paragraph content) inside its first paragraph."""
    from docx.oxml import parse_xml

    doc = Document()
    p = doc.add_paragraph("{{ subject }}")
    wrapped = f'<w:p xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">{xml}</w:p>'
    for child in list(parse_xml(wrapped)):
        p._p.append(child)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def template_count(db) -> int:
    return db.session.scalar(db.select(db.func.count(LetterTemplate.id)))


def upload(browser, data: bytes, filename: str = "sjabloon.docx", kind: str = "kamerbrief", activate: bool = False):
    form = {"kind": kind, "file": (io.BytesIO(data), filename)}
    if activate:
        form["activate"] = "y"
    return browser.post("/letter-templates", form, token_from="/letter-templates", content_type="multipart/form-data")


def test_demo_stores_the_shipped_templates_as_version_1(login, seed):
    browser = login("admin")
    page = browser.get("/letter-templates")
    assert page.status_code == 200
    rows = seed.session.scalars(seed.select(LetterTemplate).order_by(LetterTemplate.kind)).all()
    assert {(t.kind, t.version, t.is_active) for t in rows} == {(k, 1, True) for k in LetterKind}
    assert all(t.sha256 in page.text for t in rows)


def test_only_admins_manage_templates(login, seed_draft):
    browser = login("drafter")
    assert browser.get("/letter-templates").status_code == 403
    assert upload(browser, (SHIPPED / "kamerbrief.docx").read_bytes()).status_code == 403


def test_upload_new_version_preview_and_activate(login, seed_draft):
    browser = login("admin")
    data = (SHIPPED / "kamerbrief.docx").read_bytes()
    response = upload(browser, data, "eigen-kamerbrief.docx")
    assert response.status_code == 302
    seed_draft.session.expire_all()
    new = seed_draft.session.scalar(
        seed_draft.select(LetterTemplate).where(LetterTemplate.kind == LetterKind.kamerbrief, LetterTemplate.version == 2)
    )
    assert new is not None and not new.is_active and new.uploaded_by.username == "admin"
    preview = browser.get(f"/letter-templates/{new.id}/preview")
    assert preview.status_code == 200 and preview.mimetype == "application/pdf"
    from tests.functional.test_letters import pdf_text

    text = pdf_text(preview.data)
    assert "Reactie VJC-verzoek" in text and "Ankie Broekers-Knol" in text and "Pagina 1 van" in text
    assert browser.get(f"/letter-templates/{new.id}/docx").data == data
    response = browser.post(f"/letter-templates/{new.id}/activate", token_from="/letter-templates")
    assert response.status_code == 302
    seed_draft.session.expire_all()
    active = seed_draft.session.scalars(
        seed_draft.select(LetterTemplate).where(LetterTemplate.kind == LetterKind.kamerbrief, LetterTemplate.is_active)
    ).all()
    assert [t.version for t in active] == [2]
    from parliament_tracker.audit.models import AuditEntry

    actions = seed_draft.session.scalars(
        seed_draft.select(AuditEntry.action).where(
            AuditEntry.object_type == "letter_template", AuditEntry.object_id == new.id
        )
    ).all()
    assert sorted(actions) == ["template:activated", "template:uploaded"]


def test_uploaded_template_is_used_for_new_versions(login, seed_draft):
    browser = login("admin")
    data = docx_with("EIGEN SJABLOON {{ subject }}", "{{p body }}", "{{ signatory_name }}")
    assert upload(browser, data, "eigen.docx", activate=True).status_code == 302
    from tests.functional.test_letters import pdf_text, seed_letter

    letter = seed_letter(seed_draft)
    browser.post(f"/letters/{letter.id}/generate", token_from=f"/letters/{letter.id}")
    seed_draft.session.expire_all()
    text = pdf_text(seed_letter(seed_draft).latest_version.pdf)
    assert text.startswith("EIGEN SJABLOON Reactie VJC-verzoek")


def docx_with_xml(run_xml: str) -> bytes:
    """A DOCX whose first paragraph gets raw WordprocessingML (text boxes, tracked changes, fields)."""
    from docx.oxml import parse_xml

    doc = Document()
    p = doc.add_paragraph("{{ subject }}")
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    ns += 'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"'
    p._p.append(parse_xml(run_xml.replace("<ROOT", f"<w:r {ns}").replace("</ROOT>", "</w:r>")))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


REFUSED = {
    "not a docx": (b"Dit is gewoon tekst.", "sjabloon.docx", "geen DOCX-document"),
    "wrong extension": (None, "sjabloon.pdf", ".docx"),
    "unknown variable": (
        docx_with("{{ subject }} {{ minister_shoe_size }}"),
        "sjabloon.docx",
        "Onbekende variabelen: minister_shoe_size",
    ),
    "sandbox escape": (docx_with("{{ ''.__class__.__mro__[1].__subclasses__() }}"), "sjabloon.docx", "__class__"),
    "include": (docx_with("{% include 'x' %}"), "sjabloon.docx", "include"),
    "text box": (
        docx_with_xml(
            "<ROOT><w:pict><v:shape><v:textbox><w:txbxContent><w:p><w:r><w:t>vak</w:t></w:r></w:p>"
            "</w:txbxContent></v:textbox></v:shape></w:pict></ROOT>"
        ),
        "sjabloon.docx",
        "Tekstvakken",
    ),
    "tracked changes": (None, "sjabloon.docx", "bijgehouden wijzigingen"),
    "other field": (None, "sjabloon.docx", "Het veld DATE"),
    "syntax error": (docx_with("{{ subject "), "sjabloon.docx", "Syntaxfout in het sjabloon"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_bad_templates_are_refused_with_a_message_and_nothing_stored(login, seed_draft, case):
    data, filename, fragment = REFUSED[case]
    if case == "tracked changes":
        data = _with_body_xml(
            '<w:ins w:id="1" w:author="x" w:date="2021-11-01T00:00:00Z"><w:r><w:t>nieuw</w:t></w:r></w:ins>'
        )
    elif case == "other field":
        data = _with_body_xml(
            '<w:fldSimple w:instr=" DATE \\@ &quot;d MMMM yyyy&quot; "><w:r><w:t>1 januari</w:t></w:r></w:fldSimple>'
        )
    elif data is None:
        data = docx_with("{{ subject }}")
    browser = login("admin")
    before = template_count(seed_draft)
    response = upload(browser, data, filename)
    assert response.status_code == 422
    assert fragment.lower() in response.text.lower(), response.text[-3000:]
    assert 'class="error-summary"' in response.text or "flash-error" in response.text
    assert template_count(seed_draft) == before


def test_load_shipped_templates_is_idempotent(login, seed_draft):
    browser = login("admin")
    before = template_count(seed_draft)
    assert browser.post("/letter-templates/load", token_from="/letter-templates").status_code == 302
    assert template_count(seed_draft) == before


def test_kind_choices_follow_the_language(login, seed_draft):
    browser = login("admin")
    assert ">Kamerbrief</option>" in browser.get("/letter-templates").text
    assert ">Uitstelbericht</option>" in browser.get("/cases/2021Z19601/letters/new").text


def test_template_that_fails_with_demo_data_is_refused(login, seed_draft):
    browser = login("admin")
    before = template_count(seed_draft)
    response = upload(browser, docx_with("{{ signatories[0].shoe_size }}"), "kapot.docx")
    assert response.status_code == 422 and "shoe_size" in response.text
    assert template_count(seed_draft) == before


def test_preview_of_a_stored_template_that_cannot_be_filled_says_why(login, seed_draft, app):
    with app.app_context():
        template = seed_draft.session.scalar(seed_draft.select(LetterTemplate).where(LetterTemplate.kind == LetterKind.answers))
        template.docx = docx_with("{{ signatories[0].shoe_size }}")
        seed_draft.session.commit()
        template_id = template.id
    browser = login("admin")
    response = browser.get(f"/letter-templates/{template_id}/preview")
    assert response.status_code == 302
    page = browser.get(response.headers["Location"])
    assert "flash-error" in page.text and "shoe_size" in page.text
    assert browser.get("/letter-templates/999999/preview").status_code == 404


def test_every_kind_ships_a_template_the_builder_makes():
    from parliament_tracker.letters.engine.template_builder import BUILDERS

    assert sorted(k.shipped_file for k in LetterKind) == sorted(BUILDERS)
    assert all((SHIPPED / name).is_file() for name in BUILDERS)


def _image(fmt: str, size=(300, 120)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (0, 80, 160)).save(out, fmt)
    return out.getvalue()


def upload_logo(browser, data: bytes, filename: str = "logo.png"):
    return browser.post("/letter-templates/logo", {"logo": (io.BytesIO(data), filename)},
                        token_from="/letter-templates", content_type="multipart/form-data")


def logo_count(db) -> int:
    from parliament_tracker.letters.models import LetterLogo

    return db.session.scalar(db.select(db.func.count(LetterLogo.id)))


def test_admin_uploads_the_ministry_logo_and_letters_carry_it(login, seed_draft):
    from parliament_tracker.audit.models import AuditEntry
    from parliament_tracker.letters.models import LetterLogo

    browser = login("admin")
    assert "Het neutrale logo van de sjablonen wordt gebruikt." in browser.get("/letter-templates").text
    response = upload_logo(browser, _image("JPEG"), "ministerie.jpg")
    assert response.status_code == 302
    seed_draft.session.expire_all()
    logo = seed_draft.session.scalar(seed_draft.select(LetterLogo).where(LetterLogo.is_active))
    assert logo is not None and logo.png.startswith(b"\x89PNG") and (logo.width, logo.height) == (300, 120)
    assert logo.uploaded_by.username == "admin"
    shown = browser.get("/letter-templates/logo.png")
    assert shown.status_code == 200 and shown.mimetype == "image/png" and shown.data == logo.png
    kamerbrief = seed_draft.session.scalar(seed_draft.select(LetterTemplate).where(
        LetterTemplate.kind == LetterKind.kamerbrief, LetterTemplate.is_active))
    preview = browser.get(f"/letter-templates/{kamerbrief.id}/preview")
    assert preview.status_code == 200
    import pikepdf

    pdf = pikepdf.open(io.BytesIO(preview.data))
    images = [x for x in pdf.pages[0].Resources.XObject.values() if x.get("/Subtype") == "/Image"]
    assert (300, 120) in {(int(x.Width), int(x.Height)) for x in images}
    actions = seed_draft.session.scalars(seed_draft.select(AuditEntry.action).where(
        AuditEntry.object_type == "letter_logo", AuditEntry.object_id == logo.id)).all()
    assert actions == ["template:logo_uploaded"]
    # back to the neutral logo
    assert browser.post("/letter-templates/logo/reset", token_from="/letter-templates").status_code == 302
    seed_draft.session.expire_all()
    assert seed_draft.session.scalar(seed_draft.select(LetterLogo).where(LetterLogo.is_active)) is None
    assert browser.get("/letter-templates/logo.png").status_code == 404
    neutral = browser.get(f"/letter-templates/{kamerbrief.id}/preview")
    pdf = pikepdf.open(io.BytesIO(neutral.data))
    images = [x for x in pdf.pages[0].Resources.XObject.values() if x.get("/Subtype") == "/Image"]
    assert (300, 120) not in {(int(x.Width), int(x.Height)) for x in images}


@pytest.mark.parametrize(("data", "message"), [
    (b"%PDF-1.7 not an image", "Het logo moet een PNG- of JPEG-afbeelding zijn."),
    (_image("GIF"), "Het logo moet een PNG- of JPEG-afbeelding zijn."),
    (_image("PNG", size=(10, 10)), "De afbeelding is te klein"),
    (b"\x89PNG" + b"0" * (1024 * 1024 + 10), "De afbeelding is te groot: hoogstens 1024 KB."),
])
def test_bad_logos_are_refused_with_a_message_and_nothing_stored(login, seed_draft, data, message):
    browser = login("admin")
    response = upload_logo(browser, data, "logo.png")
    assert response.status_code == 422
    assert message in response.text
    assert logo_count(seed_draft) == 0


def test_only_admins_upload_a_logo(login, seed_draft):
    browser = login("drafter")
    assert upload_logo(browser, _image("PNG")).status_code == 403
    assert logo_count(seed_draft) == 0
