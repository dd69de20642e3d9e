"""Letters over the documented render limits are refused before anything is laid out, and nothing is stored."""

from __future__ import annotations

import contextlib
import io
import random
import re
import signal
import zipfile

from docx import Document

from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.letters.models import Letter
from tests.functional.test_letters import _plain_docx, _rebuild, docx_bytes, seed_letter, version_count


@contextlib.contextmanager
def within(seconds: float):
    """Fail instead of hanging: before the limits this upload ran for minutes."""

    def alarm(signum, frame):
        raise AssertionError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bloated_docx(target_xml_bytes: int = 10 * 1024 * 1024) -> bytes:
    """A valid DOCX of about 1 MB whose document.xml unpacks to ~10 MB of ordinary paragraphs."""
    plain = _plain_docx()
    with zipfile.ZipFile(io.BytesIO(plain)) as zf:
        document = zf.read("word/document.xml").decode()
    rng = random.Random(20)
    words = ["de", "minister", "kamer", "brief", "antwoord", "vraag", "beleid", "wet", "het", "van", "een", "over"]
    paragraphs: list[str] = []
    size = 0
    while size < target_xml_bytes:
        text = " ".join(rng.choice(words) for _ in range(12)) + f" {rng.randrange(10**6)}."
        p = f'<w:p><w:pPr><w:pStyle w:val="Normal"/></w:pPr><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>'
        paragraphs.append(p)
        size += len(p)
    body = re.sub(r"<w:body>", "<w:body>" + "".join(paragraphs), document, count=1)
    return _rebuild(plain, replace={"word/document.xml": body.encode()})


def test_a_small_docx_that_unpacks_to_10_mb_of_paragraphs_is_refused_quickly(client, seed_draft, api_token, login):
    data = bloated_docx()
    assert 0.5 * 1024 * 1024 < len(data) < 2 * 1024 * 1024  # about 1 MB on the wire
    letter = seed_letter(seed_draft)
    with within(5):
        response = client.post(
            f"/api/v1/letters/{letter.id}/upload",
            data={"file": (io.BytesIO(data), "groot.docx")},
            headers=api_token("drafter"),
            content_type="multipart/form-data",
        )
    assert response.status_code == 422, response.json
    assert "Het document is te groot om op te maken" in response.json["error"]["message"]
    assert "maximum 4096 KB" in response.json["error"]["message"]
    assert version_count(seed_draft, letter.id) == 0
    # The web page says the same, in Dutch, and writes nothing.
    browser = login("drafter")
    count_audit = seed_draft.select(seed_draft.func.count(AuditEntry.id))
    audit_before = seed_draft.session.scalar(count_audit)
    with within(5):
        page = browser.post(
            f"/letters/{letter.id}/upload",
            {"file": (io.BytesIO(data), "groot.docx")},
            token_from=f"/letters/{letter.id}",
            content_type="multipart/form-data",
        )
    assert page.status_code == 303
    assert "Het document is te groot om op te maken" in browser.get(page.headers["Location"]).text
    assert version_count(seed_draft, letter.id) == 0
    assert seed_draft.session.scalar(count_audit) == audit_before


def test_an_upload_over_the_paragraph_limit_names_both_numbers(client, seed_draft, api_token, app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_PARAGRAPHS", 10)
    doc = Document()
    for i in range(40):
        doc.add_paragraph(f"Alinea {i}.")
    letter = seed_letter(seed_draft)
    response = client.post(
        f"/api/v1/letters/{letter.id}/upload",
        data={"file": (io.BytesIO(docx_bytes(doc)), "lang.docx")},
        headers=api_token("drafter"),
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    message = response.json["error"]["message"]
    assert re.search(r"te groot om op te maken: 4\d alinea's, maximum 10\.", message), message
    assert version_count(seed_draft, letter.id) == 0


def _questions_case(db, count: int) -> None:
    """Give the seed's written questions case ``count`` questions, as a long Kamervragen set has."""
    from parliament_tracker.cases.models import Case, Question

    case = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    have = {q.number for q in case.questions}
    for number in range(1, count + 1):
        if number not in have:
            db.session.add(Question(case=case, number=number, text=f"Vraag {number}?"))
    db.session.commit()


def test_an_answers_letter_of_300_long_answers_is_refused_through_the_api(client, seed_draft, api_token):
    _questions_case(seed_draft, 300)
    headers = api_token("drafter")
    letters_before = seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id)))
    answers = [{"questions": [n], "text": "x" * 20_000} for n in range(1, 301)]
    with within(5):
        response = client.post(
            "/api/v1/cases/2021Z19601/letters", json={"kind": "answers", "answers": answers}, headers=headers
        )
    assert response.status_code == 422, response.json
    assert response.json["error"]["message"] == (
        "Het document is te groot om op te maken: 300 antwoorden, maximum 200."
    )
    assert "answers" in response.json["errors"]
    seed_draft.session.expire_all()
    assert seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id))) == letters_before


def test_answers_over_the_character_limit_are_refused_in_english_too(client, seed_draft, api_token, users):
    _questions_case(seed_draft, 5)
    users["drafter"].locale = "en"  # the account's language setting
    seed_draft.session.commit()
    headers = api_token("drafter")
    # each answer within its own limit (100,000 characters), together over the letter's
    answers = [{"questions": [n], "text": "x" * 100_000} for n in (1, 2, 3, 4)] + [{"questions": [5], "text": "Kort."}]
    response = client.post(
        "/api/v1/cases/2021Z19601/letters", json={"kind": "answers", "answers": answers}, headers=headers
    )
    assert response.status_code == 422, response.json
    message = response.json["error"]["message"]
    assert "400005 characters of answers, maximum 300000" in message
    assert "answers" in response.json["errors"]


def test_a_body_over_the_render_limit_is_refused(client, seed_draft, api_token, app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_BODY_CHARS", 1000)
    response = client.post(
        "/api/v1/cases/2021z19241/letters",
        json={"kind": "kamerbrief", "subject": "Lang", "body": ["y" * 600, "z" * 600]},
        headers=api_token("drafter"),
    )
    assert response.status_code == 422, response.json
    assert response.json["error"]["message"] == (
        "Het document is te groot om op te maken: 1200 tekens tekst, maximum 1000."
    )


def test_a_generated_letter_over_the_paragraph_limit_is_refused_before_layout(client, seed_draft, api_token, app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_PARAGRAPHS", 5)
    response = client.post(
        "/api/v1/cases/2021z19241/letters",
        json={"kind": "kamerbrief", "subject": "Veel", "body": [f"Alinea {i}." for i in range(30)]},
        headers=api_token("drafter"),
    )
    assert response.status_code == 422, response.json
    assert "alinea's, maximum 5." in response.json["error"]["message"]


def test_a_render_over_the_time_limit_is_refused_and_the_next_render_works(client, seed_draft, api_token, app, monkeypatch):
    """The render runs in a worker process; a stuck one is killed, nothing is stored, the next letter renders."""
    import time

    from parliament_tracker.letters.engine import pipeline

    real = pipeline.render_letter

    def stuck_for_one_subject(template_bytes, context, **kwargs):
        if context.get("subject") == "Traag":
            time.sleep(60)
        return real(template_bytes, context, **kwargs)

    # The pool for this (shorter) time limit is forked after the patch, so its workers have it too.
    monkeypatch.setattr(pipeline, "render_letter", stuck_for_one_subject)
    monkeypatch.setitem(app.config, "LETTER_RENDER_TIMEOUT_SECONDS", 3)
    headers = api_token("drafter")
    letters_before = seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id)))
    with within(10):
        slow = client.post(
            "/api/v1/cases/2021z19241/letters", json={"kind": "kamerbrief", "subject": "Traag"}, headers=headers
        )
    assert slow.status_code == 422, slow.json
    assert slow.json["error"]["message"] == (
        "Het document is te groot om op te maken: het opmaken duurde langer dan 3 seconden."
    )
    seed_draft.session.expire_all()
    assert seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id))) == letters_before
    with within(10):
        fine = client.post(
            "/api/v1/cases/2021z19241/letters", json={"kind": "kamerbrief", "subject": "Snel"}, headers=headers
        )
    assert fine.status_code == 201, fine.json


def test_a_letter_over_the_page_limit_is_refused_after_layout(client, seed_draft, api_token, app, monkeypatch):
    monkeypatch.setitem(app.config, "LETTER_MAX_PAGES", 1)
    response = client.post(
        "/api/v1/cases/2021z19241/letters",
        json={"kind": "kamerbrief", "subject": "Lang", "body": [f"Alinea {i} met wat tekst." for i in range(120)]},
        headers=api_token("drafter"),
    )
    assert response.status_code == 422, response.json
    assert re.search(r"te groot om op te maken: \d+ pagina's, maximum 1\.", response.json["error"]["message"])


def test_other_requests_are_served_while_a_long_render_runs(client, seed_draft, api_token, app, monkeypatch, tmp_path):
    """A render waits in the render pool, not in the web worker's own work: while one letter is
    stuck (until its limit refuses it, nothing stored), a second client's requests are answered."""
    import threading
    import time

    from parliament_tracker.letters.engine import pipeline

    real = pipeline.render_letter
    rendering = tmp_path / "rendering"

    def stuck_for_one_subject(template_bytes, context, **kwargs):
        if context.get("subject") == "Traag":
            rendering.touch()  # in the render worker: the slow layout has begun
            time.sleep(60)
        return real(template_bytes, context, **kwargs)

    monkeypatch.setattr(pipeline, "render_letter", stuck_for_one_subject)
    monkeypatch.setitem(app.config, "LETTER_RENDER_TIMEOUT_SECONDS", 4)
    headers = api_token("drafter")
    viewer = api_token("viewer")
    letters_before = seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id)))
    slow: dict = {}

    def render_slowly():
        r = app.test_client().post(
            "/api/v1/cases/2021z19241/letters", json={"kind": "kamerbrief", "subject": "Traag"}, headers=headers
        )
        slow.update(status=r.status_code, body=r.json, done=time.monotonic())

    with within(15):
        thread = threading.Thread(target=render_slowly)
        thread.start()
        while not rendering.exists():  # the slow render is in the pool now
            time.sleep(0.05)
        answered = []
        for _ in range(3):
            r = client.get("/api/v1/cases/2021z19601", headers=viewer)
            answered.append((r.status_code, time.monotonic()))
        thread.join()
    assert [status for status, _t in answered] == [200, 200, 200]
    assert all(at < slow["done"] for _s, at in answered)  # answered while the render was still running
    assert slow["status"] == 422
    assert slow["body"]["error"]["message"] == "Het document is te groot om op te maken: het opmaken duurde langer dan 4 seconden."
    seed_draft.session.expire_all()
    assert seed_draft.session.scalar(seed_draft.select(seed_draft.func.count(Letter.id))) == letters_before


def test_a_render_worker_warms_up_on_a_real_letter(app):
    """What a starting render worker renders (rendering._warm_letter): the shipped kamerbrief with
    the demo data, a whole PDF, no database."""
    from parliament_tracker.letters import rendering

    with app.test_request_context():
        warm = rendering._warm_letter()
    rendered = warm()
    assert rendered.pdf.startswith(b"%PDF-")
    assert "Reactie VJC-verzoek" in rendered.html


def test_a_served_worker_starts_its_render_workers_with_its_first_request(app, monkeypatch):
    """Once per process, and only where WeasyPrint is loaded (prepare_worker): elsewhere the first
    request imports nothing heavy and the pool starts with the first letter."""
    from parliament_tracker.letters import rendering
    from parliament_tracker.letters.engine import pdf

    monkeypatch.setattr(rendering, "_POOLS", {})
    with app.test_request_context():
        monkeypatch.setattr(rendering, "_STARTED_IN", 0)
        monkeypatch.setattr(pdf, "is_loaded", lambda: False)
        rendering.start_render_pool()
        assert rendering._POOLS == {}  # not loaded: nothing started

        monkeypatch.setattr(rendering, "_STARTED_IN", 0)
        monkeypatch.setattr(pdf, "is_loaded", lambda: True)
        rendering.start_render_pool()
        (pool,) = rendering._POOLS.values()
        try:
            assert len(pool._executor._processes) == app.config["LETTER_RENDER_PROCESSES"]
            workers = set(pool._executor._processes)
            rendering.start_render_pool()  # the same process: started once
            assert set(pool._executor._processes) == workers
        finally:
            pool.shutdown()
