"""From database rows and app config to the engine's plain input, and rendering with it.

``letter_data`` turns a letter (with its cases, questions and signatory) into
``engine.context.LetterData``; ``render`` and ``render_uploaded`` call the engine with the
configured letter font and upload limit. Nothing here changes state.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
from typing import Any

from flask import current_app
from flask_babel import gettext as _

from parliament_tracker import telemetry
from parliament_tracker.cases.models import Case, CaseKind
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters.engine import context as ctx
from parliament_tracker.letters.engine import markup, pdf
from parliament_tracker.letters.engine.logo import Logo
from parliament_tracker.letters.engine.pipeline import (
    RenderedLetter,
    RenderLimits,
    pdf_from_docx,
    render_letter_data,
)
from parliament_tracker.letters.engine.worker import RenderPool
from parliament_tracker.letters.models import Letter, LetterCaseRole, LetterKind, LetterLogo


def ministry() -> ctx.Ministry:
    cfg = current_app.config
    return ctx.Ministry(
        name=cfg["MINISTRY_NAME"],
        visiting_address=cfg["LETTER_VISITING_ADDRESS"],
        postal_address=cfg["LETTER_POSTAL_ADDRESS"],
        website=cfg["LETTER_WEBSITE"],
        return_address=cfg["LETTER_RETURN_ADDRESS"],
        sender_unit=cfg["LETTER_SENDER_UNIT"],
    )


def render_limits() -> RenderLimits:
    cfg = current_app.config
    return RenderLimits(
        max_xml_bytes=cfg["LETTER_MAX_DOCX_XML_BYTES"],
        max_paragraphs=cfg["LETTER_MAX_PARAGRAPHS"],
        max_pages=cfg["LETTER_MAX_PAGES"],
    )


# One pool per web process and setting; RenderPool itself notices a fork and starts afresh.
_POOLS: dict[tuple[int, float, int], RenderPool] = {}


def render_pool() -> RenderPool | None:
    """The render workers, or None when ``LETTER_RENDER_PROCESSES`` is 0 (render in process)."""
    cfg = current_app.config
    key = (cfg["LETTER_RENDER_PROCESSES"], float(cfg["LETTER_RENDER_TIMEOUT_SECONDS"]), cfg["LETTER_RENDER_MEMORY_BYTES"])
    if key[0] <= 0:
        return None
    if key not in _POOLS:
        _POOLS[key] = RenderPool(*key, warm=_warm_letter())
    return _POOLS[key]


def _warm_letter() -> Any:
    """What a render worker renders as it starts (``RenderPool``'s ``warm``): the shipped
    kamerbrief with the demo data, in the configured font and variant (no database: the worker
    has none). Its caches then hold the fonts, and the shipped template's analysis and stylesheet."""
    from parliament_tracker.letters.templates import demo_letter_data, shipped_template

    return functools.partial(
        render_letter_data,
        shipped_template(LetterKind.kamerbrief),
        demo_letter_data(),
        font_family=current_app.config["LETTER_FONT_FAMILY"],
        limits=render_limits(),
        tagged=current_app.config["LETTER_PDF_TAGGED"],
    )


_STARTED_IN = 0  # the process that started its render pool (a forked web worker starts its own)


def start_render_pool() -> None:
    """Before a web process's first request (``hooks``; not in tests): fork the render workers and
    let them warm up now, so that the process's first letter does not wait for that. Only in a
    served worker, where ``prepare_worker`` loaded WeasyPrint: elsewhere (``flask run``, a script)
    the first request must not import it (issue #19), and the pool starts with the first letter."""
    global _STARTED_IN
    if os.getpid() != _STARTED_IN:
        _STARTED_IN = os.getpid()
        if not pdf.is_loaded():
            return
        pool = render_pool()
        if pool is not None:
            pool.start()


def _run(source: str, fn: Any, *args: Any, **kwargs: Any) -> RenderedLetter:
    """Render in the pool (or in process), counted and timed for /metrics per source."""
    pool = render_pool()
    with telemetry.timed(telemetry.LETTERS_RENDERED, telemetry.LETTER_RENDER_SECONDS, source=source):
        return pool.run(fn, *args, **kwargs) if pool is not None else fn(*args, **kwargs)


def _text_size(value: Any) -> int:
    """Characters of text in stored answers or body blocks: every ``text`` value, however nested."""
    if isinstance(value, dict):
        text = value.get("text")
        return (len(text) if isinstance(text, str) else 0) + sum(
            _text_size(v) for k, v in value.items() if k != "text"
        )
    if isinstance(value, (list, tuple)):
        return sum(_text_size(v) for v in value)
    return 0


class TooLargeToRender(DomainError):
    """The letter's input is over a documented limit; refused before anything is rendered."""


def check_inputs(letter: Letter) -> None:
    """Refuse a letter whose answers or body are larger than any letter needs, before rendering.

    A letter of 300 answers of 20,000 characters kept a web worker busy until it was killed.
    """
    cfg = current_app.config
    answers = letter.answers or []
    if len(answers) > cfg["LETTER_MAX_ANSWERS"]:
        message = _(
            "The document is too large to render: %(n)d answers, maximum %(max)d.",
            n=len(answers),
            max=cfg["LETTER_MAX_ANSWERS"],
        )
        raise TooLargeToRender(message, {"answers": message})
    answer_chars = _text_size(answers)
    if answer_chars > cfg["LETTER_MAX_ANSWERS_CHARS"]:
        message = _(
            "The document is too large to render: %(n)d characters of answers, maximum %(max)d.",
            n=answer_chars,
            max=cfg["LETTER_MAX_ANSWERS_CHARS"],
        )
        raise TooLargeToRender(message, {"answers": message})
    body_chars = _text_size(letter.body or [])
    if body_chars > cfg["LETTER_MAX_BODY_CHARS"]:
        message = _(
            "The document is too large to render: %(n)d characters of text, maximum %(max)d.",
            n=body_chars,
            max=cfg["LETTER_MAX_BODY_CHARS"],
        )
        raise TooLargeToRender(message, {"body": message})


def active_logo() -> Logo | None:
    """The ministry's uploaded logo for the templates' logo slot, or None (the neutral one)."""
    row = db.session.scalars(
        db.select(LetterLogo).where(LetterLogo.is_active).order_by(LetterLogo.id.desc()).limit(1)
    ).first()
    return Logo(row.png, row.width, row.height) if row is not None else None


def render(template_bytes: bytes, data: ctx.LetterData, *, title: str) -> RenderedLetter:
    """Fill a template with the letter data (and the ministry's logo) and render it in the
    configured letter font."""
    return _run(
        "generated",
        render_letter_data,
        template_bytes,
        data,
        font_family=current_app.config["LETTER_FONT_FAMILY"],
        title=title,
        limits=render_limits(),
        tagged=current_app.config["LETTER_PDF_TAGGED"],
        logo=active_logo(),
    )


def render_uploaded(docx: bytes, *, title: str) -> RenderedLetter:
    """A drafter's DOCX as it is, in the configured font and within the upload limit (``DocxRejected``)."""
    cfg = current_app.config
    return _run(
        "uploaded",
        pdf_from_docx,
        docx,
        title=title,
        font_family=cfg["LETTER_FONT_FAMILY"],
        max_bytes=cfg["LETTER_MAX_UPLOAD_BYTES"],
        limits=render_limits(),
        tagged=cfg["LETTER_PDF_TAGGED"],
    )


def office_without_article(office_title: str) -> str:
    """ "De Staatssecretaris van Justitie en Veiligheid" → "Staatssecretaris van Justitie en Veiligheid"."""
    return re.sub(r"^(de|het)\s+", "", office_title.strip(), flags=re.IGNORECASE)


def questions_subject(case: Case) -> str:
    """What the questions are about: "Vragen van … over het bericht «…»" → "het bericht «…»"."""
    subject = case.subject.strip()
    match = re.search(r"\bover\s+(.+)$", subject, flags=re.DOTALL)
    return match.group(1).strip() if match and subject.lower().startswith("vragen") else subject


def questions_case(letter: Letter) -> Case | None:
    """The written-questions case this letter answers or postpones, if any."""
    for link in letter.case_links:
        if link.role != LetterCaseRole.mentions and link.case.kind == CaseKind.written_questions:
            return link.case
    return None


def answered_cases(letter: Letter) -> list[Case]:
    return [link.case for link in letter.case_links if link.role != LetterCaseRole.mentions]


def mentioned_cases(letter: Letter) -> list[Case]:
    return [link.case for link in letter.case_links if link.role == LetterCaseRole.mentions]


def see_text(number: int) -> str:
    return f"Zie het antwoord op vraag {number}."


def question_answers(letter: Letter) -> tuple[ctx.QuestionAnswer, ...]:
    """The stored answers as the pipeline wants them; questions without an answer get an empty one."""
    case = questions_case(letter)
    if case is None:
        return ()
    texts = {q.number: q.text for q in case.questions}
    covered: set[int] = set()
    items: list[tuple[int, ctx.QuestionAnswer]] = []
    for item in letter.answers or []:
        numbers = tuple(n for n in item.get("questions", []) if n in texts and n not in covered)
        if not numbers:
            continue
        covered.update(numbers)
        answer: Any = see_text(item["see"]) if item.get("see") else markup.to_blocks(item.get("text", ""))
        items.append((numbers[0], ctx.QuestionAnswer(numbers, tuple(texts[n] for n in numbers), answer)))
    for number, text in texts.items():
        if number not in covered:
            items.append((number, ctx.QuestionAnswer((number,), (text,), "")))
    return tuple(qa for _n, qa in sorted(items, key=lambda pair: pair[0]))


def letter_data(letter: Letter) -> ctx.LetterData:
    main = letter.main_case
    base = ministry()
    if main is not None and main.lead_directorate is not None and not base.sender_unit:
        base = dataclasses.replace(base, sender_unit=main.lead_directorate.name)
    signatories = (
        (ctx.Signatory(office_without_article(letter.signatory.office_title), letter.signatory.name),)
        if letter.signatory
        else ()
    )
    wq = questions_case(letter)
    return ctx.LetterData(
        subject=letter.subject,
        letter_date=letter.letter_date,
        ministry=base,
        signatories=signatories,
        body=letter.body or [],
        our_reference=letter.our_reference,
        your_reference=letter.your_reference,
        your_letter_date=letter.your_letter_date,
        addressee_lines=tuple(line.rstrip() for line in letter.addressee.splitlines() if line.strip()),
        case_number=wq.reference if wq else "",
        askers=tuple(m.label for m in wq.members) if wq else (),
        questions_subject=questions_subject(wq) if wq else "",
        questions_submitted=wq.received_on if wq else None,
        answers=question_answers(letter),
        postponement_reason=letter.postponement_reason.strip().rstrip("."),
        attachments_count=1 if letter.kind == LetterKind.cover_letter else None,
    )
