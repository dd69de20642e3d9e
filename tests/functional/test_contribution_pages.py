"""Contribution pages: asked from the case page, answered by the directorate asked, taken into
the letter; an outside address answers through its link; an expired or revoked link is refused."""

from __future__ import annotations

import datetime as dt
import re

import sqlalchemy as sa
import time_machine

from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases.models import Case
from parliament_tracker.contributions.models import Contribution
from parliament_tracker.contributions.workflow import ContributionState
from parliament_tracker.extensions import db
from parliament_tracker.letters.models import Letter, LetterKind
from tests import factories
from tests.conftest import Browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _setup(app, users):
    with app.app_context():
        dgsenb = factories.directorate("DGSenB")
        factories.user(Role.drafter, "drafter-dgsenb", directorate=dgsenb, display_name="Drafter DGSenB")
        written = db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN))
        factories.letter([written], LetterKind.answers, actor=db.session.get(User, users["drafter"].id))
        db.session.commit()
        return dgsenb.id


def test_asked_on_the_case_page_answered_by_the_other_directorate_taken_into_the_letter(app, client, seed_case, users, login):
    dgsenb_id = _setup(app, users)
    ref = factories.SEED_WRITTEN
    drafter = login("drafter")
    form = drafter.get(f"/cases/{ref}/contributions/new")
    assert form.status_code == 200 and "DGSenB" in form.text
    # bad input: the form comes back with what was typed and the messages
    bad = drafter.post(f"/cases/{ref}/contributions/new", {"directorate_id": str(dgsenb_id), "external_email": "x@example.org", "request_text": "Graag vraag 2"}, token_from=f"/cases/{ref}/contributions/new")
    assert bad.status_code == 422 and "Graag vraag 2" in bad.text and "niet allebei" in bad.text
    asked = drafter.post(
        f"/cases/{ref}/contributions/new",
        {"directorate_id": str(dgsenb_id), "questions": ["2"], "request_text": "Graag vraag 2"},
        token_from=f"/cases/{ref}/contributions/new",
    )
    assert asked.status_code == 302
    with app.app_context():
        c = db.session.scalar(sa.select(Contribution))
        cid, due = c.id, c.due_on
    page = drafter.get(f"/cases/{ref}")
    assert "Bijdragen" in page.text and "DGSenB" in page.text and "Gevraagd" in page.text
    # the asker (another directorate) cannot deliver
    assert drafter.post(f"/contributions/{cid}/deliver", {"answer_text": "x"}, token_from=f"/contributions/{cid}").status_code == 403
    other = Browser(app.test_client())
    assert other.login("drafter-dgsenb").status_code == 302
    mine = other.get(f"/contributions/{cid}")
    assert "Graag vraag 2" in mine.text and 'name="answer_text"' in mine.text
    empty = other.post(f"/contributions/{cid}/deliver", {"answer_text": " "}, token_from=f"/contributions/{cid}")
    assert empty.status_code == 422
    done = other.post(
        f"/contributions/{cid}/deliver",
        {"answer_text": "Antwoord van DGSenB op vraag 2.", "file": (__import__("io").BytesIO(PDF), "bijdrage.pdf")},
        token_from=f"/contributions/{cid}",
        content_type="multipart/form-data",
    )
    assert done.status_code == 302
    assert other.get(f"/contributions/{cid}/file").data == PDF
    with app.app_context():
        letter_id = db.session.scalar(sa.select(Letter.id).where(Letter.kind == LetterKind.answers))
    taken = drafter.post(f"/contributions/{cid}/take", {"letter_id": str(letter_id)}, token_from=f"/contributions/{cid}")
    assert taken.status_code == 302
    with app.app_context():
        letter = db.session.get(Letter, letter_id)
        assert {"questions": [2], "text": "Antwoord van DGSenB op vraag 2."} in letter.answers
    timeline = drafter.get(f"/cases/{ref}").text
    assert "DGSenB heeft de bijdrage geleverd." in timeline and "Geleverd" in timeline
    assert due  # the default due date (the draft milestone minus two working days) was used


def test_outside_address_answers_through_its_link_and_revoked_or_expired_links_are_refused(app, client, seed_case, users, login):
    _setup(app, users)
    ref = factories.SEED_WRITTEN
    drafter = login("drafter")
    asked = drafter.post(
        f"/cases/{ref}/contributions/new",
        {"external_email": "expert@example.org", "questions": ["1"], "request_text": "Uw kennis over vraag 1", "due_on": "2021-12-10"},
        token_from=f"/cases/{ref}/contributions/new",
    )
    assert asked.status_code == 302
    page = drafter.get(asked.headers["Location"]).text
    first = re.search(r'value="(http[^"]+/bijdrage/[^"]+)"', page).group(1)
    assert drafter.post(asked.headers["Location"] + "/revoke", token_from=asked.headers["Location"]).status_code == 302
    second = re.search(r'value="(http[^"]+/bijdrage/[^"]+)"', drafter.get(asked.headers["Location"]).text).group(1)
    assert second != first

    outside = app.test_client()
    path = lambda url: url.split("5000", 1)[-1] if "5000" in url else "/" + url.split("/", 3)[3]  # noqa: E731
    revoked = outside.get(path(first))
    assert revoked.status_code == 403 and "niet meer geldig" in revoked.text
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=app.config["CONTRIBUTION_LINK_DAYS"], hours=1)
    with time_machine.travel(later, tick=False):
        expired = outside.get(path(second))
    assert expired.status_code == 403 and "verlopen" in expired.text
    opened = outside.get(path(second))
    assert opened.status_code == 200 and "Uw kennis over vraag 1" in opened.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', opened.text).group(1)
    answered = outside.post(path(second), data={"csrf_token": token, "answer_text": "Het antwoord van buiten."})
    assert answered.status_code == 200 and "geleverd" in answered.text
    again = outside.get(path(second))
    assert again.status_code == 403
    with app.app_context():
        c = db.session.scalar(sa.select(Contribution))
        assert c.state == ContributionState.delivered and c.answer_text == "Het antwoord van buiten." and c.delivered_by is None
