"""A drafter answering a new question sees the earlier answer proposed under the answer field,
uses it (copied into the field by app.js), saves, and the letter's history names the source.

Elements are found by ``id``/``name``/data attributes, never by visible text.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa

from tests.browser.conftest import require_browser

require_browser()

pytestmark = pytest.mark.browser

EARLIER = "2019Z77000"
NEW = "2019Z77001"
ANSWER = "Op 1 januari stonden 112 tbs-gestelden op de wachtlijst; de gemiddelde wachttijd was zeven maanden."


def _prepare(app: Any) -> tuple[int, int]:
    """In the live server's database: an earlier sent answer on the waiting lists in the tbs,
    and a new written question on the same subject with the drafter's draft answers letter."""
    from parliament_tracker.answers.models import IndexedAnswer
    from parliament_tracker.auth.models import User
    from parliament_tracker.extensions import db
    from parliament_tracker.letters import services as letter_services
    from parliament_tracker.letters.approval import services as approval
    from parliament_tracker.letters.models import LetterKind, LetterStatus
    from parliament_tracker.organisation.models import Directorate
    from tests import factories

    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        drafter = db.session.scalar(sa.select(User).where(User.username == "drafter"))
        dgmi = db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
        earlier = factories.case(
            EARLIER, subject="Vragen over de wachtlijsten in de tbs", received_on=dt.date(2019, 3, 1),
            questions_text="1. Hoeveel tbs-gestelden wachten op plaatsing in een kliniek?", lead_directorate=dgmi, actor=admin,
        )
        sent = factories.letter([earlier], LetterKind.answers, actor=admin)
        letter_services.update_letter(
            sent, letter_services.LetterInput(answers=[{"questions": [1], "text": ANSWER}], letter_date=dt.date(2019, 3, 20)),
            expected_version=sent.version, actor=admin,
        )
        sent.status = LetterStatus.signed
        db.session.flush()
        approval.send(sent, sent_on=dt.date(2019, 3, 21), actor=admin)
        new = factories.case(
            NEW, subject="Vragen over wachttijden in de tbs", received_on=dt.date(2019, 9, 2), drafter=drafter,
            questions_text="1. Hoe lang zijn de wachtlijsten voor tbs-klinieken op dit moment?", lead_directorate=dgmi, actor=admin,
        )
        draft = factories.letter([new], LetterKind.answers, actor=drafter)
        db.session.commit()
        hit = db.session.scalar(sa.select(IndexedAnswer.id).where(IndexedAnswer.letter_id == sent.id))
        return draft.id, hit


def test_a_drafter_uses_an_earlier_answer_and_the_history_names_it(log_in: Any, live_server: Any) -> None:
    from parliament_tracker.audit.models import AuditEntry
    from parliament_tracker.extensions import db

    draft_id, hit_id = _prepare(live_server.app)
    page = log_in("drafter")
    page.goto(f"/letters/{draft_id}/edit")
    proposal = page.locator(f"#assist-1 a[data-use-source='answer:{hit_id}']")
    assert proposal.count() == 1  # proposed without asking
    pair = page.locator(f"#assist-1 #hit-answer-{hit_id}")
    assert EARLIER in pair.inner_text() and "wachtlijst" in pair.locator(".hit-answer").inner_text()
    assert pair.locator("a[href*='/letters/']").count() >= 1  # the signed letter
    proposal.click()
    assert page.input_value("#answer-1") == ANSWER
    assert page.url.endswith(f"/letters/{draft_id}/edit")  # copied in place, not a new page
    assert page.locator("#use-note-1").is_visible()
    page.click("button[name=save]")
    page.wait_for_url(re.compile(rf"/letters/{draft_id}/edit$"))
    assert page.input_value("#answer-1") == ANSWER
    # the letter's history names the source
    page.goto(f"/letters/{draft_id}")
    assert EARLIER in page.locator("body").inner_text()
    with live_server.app.app_context():
        entry = db.session.scalar(
            sa.select(AuditEntry).where(AuditEntry.object_id == draft_id, AuditEntry.action == "letter:answer_source")
        )
        assert entry is not None and entry.details["source_case"] == EARLIER and entry.details["edited"] is False


def test_searching_from_the_answer_field(log_in: Any, live_server: Any) -> None:
    page = log_in("drafter")
    with live_server.app.app_context():
        from parliament_tracker.cases.models import Case
        from parliament_tracker.extensions import db
        from parliament_tracker.letters.models import Letter, LetterCase

        draft_id = db.session.scalar(
            sa.select(Letter.id).join(LetterCase).join(Case).where(Case.reference == NEW).order_by(Letter.id.desc())
        )
    assert draft_id is not None, "runs after the test above"
    page.goto(f"/letters/{draft_id}/edit")
    from playwright.sync_api import expect

    hits = page.locator("[data-assist-hits='1']")
    expect(hits).to_contain_text(EARLIER)  # proposed
    page.fill("#answers-q-1", "ransomware")  # nothing on that
    page.click("button[form=answers-search-1]")
    expect(hits).not_to_contain_text(EARLIER)
    page.fill("#answers-q-1", "plaatsing kliniek")
    page.click("button[form=answers-search-1]")
    expect(hits).to_contain_text(EARLIER)
    assert page.url.endswith(f"/letters/{draft_id}/edit")  # fetched in place
