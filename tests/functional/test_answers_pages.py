"""Earlier answers and standard lines at the drafter's hand: the letter editor's proposals, the
question's page and "use", the history note, the case page's related cases, standard lines
(versions, audit, expiry), the reminder job and the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import sqlalchemy as sa
import time_machine

from parliament_tracker.answers import standard_lines
from parliament_tracker.answers.models import IndexedAnswer, StandardLine
from parliament_tracker.audit.describe import sentence
from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.audit.services import entries_for
from parliament_tracker.auth.models import User
from parliament_tracker.cases.models import Case
from parliament_tracker.db import today_local
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db as _db
from parliament_tracker.letters import services as letter_services
from parliament_tracker.letters.approval import services as approval
from parliament_tracker.letters.engine import markup
from parliament_tracker.letters.models import Letter, LetterKind, LetterStatus
from parliament_tracker.notifications.models import Notification, NotificationKind
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.scheduler import run_job
from tests import factories

EARLIER_ANSWER = "De werksfeer bij de IND heeft mijn volle aandacht; de afdeling krijgt begeleiding."


def _drafter_in_dgmi(app, users) -> None:
    with app.app_context():
        drafter = _db.session.get(User, users["drafter"].id)
        drafter.directorate = _db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
        _db.session.commit()


def _setup(app, users) -> tuple[int, int]:
    """An earlier sent answer on the IND's work climate (same members, dossier and directorate
    as the seed case), and a draft answers letter for the seed's written questions."""
    _drafter_in_dgmi(app, users)
    with app.app_context():
        admin = _db.session.get(User, users["admin"].id)
        drafter = _db.session.get(User, users["drafter"].id)
        seed = _db.session.scalar(sa.select(Case).where(Case.reference == factories.SEED_WRITTEN))
        earlier = factories.case(
            "2020Z11111", subject="Vragen over de werksfeer bij de IND", received_on=dt.date(2020, 6, 1),
            questions_text="1. Hoe beoordeelt u de werksfeer bij de afdelingen van de IND?", members=list(seed.members),
            dossier=seed.dossier, lead_directorate=seed.lead_directorate, actor=admin,
        )
        sent = factories.letter([earlier], LetterKind.answers, actor=admin)
        letter_services.update_letter(
            sent, letter_services.LetterInput(answers=[{"questions": [1], "text": EARLIER_ANSWER}], letter_date=dt.date(2020, 7, 1)),
            expected_version=sent.version, actor=admin,
        )
        sent.status = LetterStatus.signed
        _db.session.flush()
        approval.send(sent, sent_on=dt.date(2020, 7, 2), actor=admin)
        draft = factories.letter([seed], LetterKind.answers, actor=drafter)
        _db.session.commit()
        return sent.id, draft.id


def _edit_data(letter: Letter, **overrides):
    data = {
        "subject": letter.subject, "letter_date": "", "our_reference": "", "your_reference": letter.your_reference,
        "your_letter_date": "", "addressee": letter.addressee, "signatory_id": str(letter.signatory_id or ""),
        "body": markup.from_blocks(letter.body), "postponement_reason": "", "version": str(letter.version), "save": "1",
    }
    data.update(overrides)
    return data


def _sources(app, letter_id: int) -> list[AuditEntry]:
    with app.app_context():
        letter = _db.session.get(Letter, letter_id)
        return [e for e in entries_for(letter) if e.action == "letter:answer_source"]


def test_the_editor_proposes_the_earlier_answer_and_use_saves_it_with_its_source(app, seed_case, users, login):
    sent_id, draft_id = _setup(app, users)
    browser = login("drafter")
    page = browser.get(f"/letters/{draft_id}/edit")
    assert page.status_code == 200
    # unasked, under question 2 ("Hoe beoordeelt u de ... werksfeer ... IND?"): question and answer side by side
    assist = page.text[page.text.index('id="assist-2"'):]
    assist = assist[: assist.index("</details>")]
    assert "Hoe beoordeelt u de werksfeer bij de afdelingen van de IND?" in assist
    assert EARLIER_ANSWER.replace(";", ";") in assist.replace("&#39;", "'")
    assert f"/letters/{sent_id}/versions/" in assist or f"/letters/{sent_id}" in assist
    assert "zelfde dossier" in assist or "same dossier" in assist
    # without JavaScript: the question's page, its search box, and "use"
    earlier = browser.get(f"/letters/{draft_id}/questions/2/earlier?q=werksfeer+afdelingen")
    assert earlier.status_code == 200 and EARLIER_ANSWER in earlier.text.replace("&#39;", "'")
    with app.app_context():
        hit_id = _db.session.scalar(sa.select(IndexedAnswer.id).where(IndexedAnswer.letter_id == sent_id))
        version = _db.session.get(Letter, draft_id).version
    used = browser.post(
        f"/letters/{draft_id}/questions/2/use", {"source": f"answer:{hit_id}", "version": str(version)},
        token_from=f"/letters/{draft_id}/questions/2/earlier",
    )
    assert used.status_code == 302 and used.headers["Location"].endswith(f"/letters/{draft_id}/edit#answer-2")
    with app.app_context():
        letter = _db.session.get(Letter, draft_id)
        assert {"questions": [2], "text": EARLIER_ANSWER} in letter.answers
    (note,) = _sources(app, draft_id)
    assert note.details["source_letter_id"] == sent_id and note.details["source_case"] == "2020Z11111"
    assert note.details["question"] == 2 and note.details["source_question"] == 1
    with app.test_request_context():
        assert sentence(note).startswith("Antwoord op vraag 2 overgenomen uit het antwoord op vraag 1 van 2020Z11111")
    # the letter's history shows it; the printed letter does not (the answer text only)
    show = browser.get(f"/letters/{draft_id}")
    assert "2020Z11111" in show.text
    # a stale version is refused, the letter unchanged
    stale = browser.post(
        f"/letters/{draft_id}/questions/1/use", {"source": f"answer:{hit_id}", "version": str(version)},
        token_from=f"/letters/{draft_id}/questions/1/earlier",
    )
    assert stale.status_code in (302, 303, 409)
    with app.app_context():
        assert not any(1 in a["questions"] and a.get("text") == EARLIER_ANSWER for a in _db.session.get(Letter, draft_id).answers)


def test_with_javascript_the_source_is_recorded_when_the_letter_is_saved(app, seed_case, users, login):
    sent_id, draft_id = _setup(app, users)
    browser = login("drafter")
    with app.app_context():
        hit_id = _db.session.scalar(sa.select(IndexedAnswer.id).where(IndexedAnswer.letter_id == sent_id))
        letter = _db.session.get(Letter, draft_id)
        data = _edit_data(letter, **{"mode-2": "own", "answer-2": EARLIER_ANSWER + " Aangevuld.", "answer-source-2": f"answer:{hit_id}"})
    saved = browser.post(f"/letters/{draft_id}/edit", data, token_from=f"/letters/{draft_id}/edit")
    assert saved.status_code == 302, saved.text
    (note,) = _sources(app, draft_id)
    assert note.details["edited"] is True and note.details["source_letter_id"] == sent_id
    # a garbled source is ignored, the answer kept
    with app.app_context():
        letter = _db.session.get(Letter, draft_id)
        data = _edit_data(letter, **{"mode-2": "own", "answer-2": "Eigen tekst.", "answer-source-2": "answer:x"})
    assert browser.post(f"/letters/{draft_id}/edit", data, token_from=f"/letters/{draft_id}/edit").status_code == 302
    assert len(_sources(app, draft_id)) == 1


def test_use_refuses_unknown_questions_and_sources(app, seed_case, users, login):
    _sent_id, draft_id = _setup(app, users)
    browser = login("drafter")
    assert browser.get(f"/letters/{draft_id}/questions/99/earlier").status_code == 404
    with app.app_context():
        version = _db.session.get(Letter, draft_id).version
    bad = browser.post(f"/letters/{draft_id}/questions/2/use", {"source": "nonsense", "version": str(version)},
                       token_from=f"/letters/{draft_id}/questions/2/earlier", follow_redirects=True)
    assert bad.status_code == 200 and ("Kies een eerder antwoord" in bad.text or "Choose an earlier answer" in bad.text)
    assert _sources(app, draft_id) == []


def test_the_case_page_shows_related_cases_with_their_answers(app, seed_case, users, login):
    _setup(app, users)
    page = login("registrar").get(f"/cases/{factories.SEED_WRITTEN}")
    section = page.text[page.text.index('id="related-cases"'):]
    section = section[: section.index("</section>")]
    assert "2020Z11111" in section and EARLIER_ANSWER in section.replace("&#39;", "'")
    # the seed's committee request shares the dossier
    assert factories.SEED in section


def _line(app, users, **overrides) -> int:
    _drafter_in_dgmi(app, users)
    with app.app_context():
        drafter = _db.session.get(User, users["drafter"].id)
        dgmi = _db.session.scalar(sa.select(Directorate).where(Directorate.code == "DGMI"))
        values = {"topic": "IND", "title": "Werksfeer IND", "text": "Een goede werksfeer bij de IND is van groot belang.",
                  "owner": drafter, "approved_by": "DG Migratie", "valid_until": today_local() + dt.timedelta(days=60)}
        values.update(overrides)
        line = standard_lines.create(dgmi, standard_lines.LineInput(**values), actor=drafter, today=today_local())
        _db.session.commit()
        return line.id


def test_standard_lines_are_versioned_audited_proposed_and_expire(app, seed_case, users, login):
    _sent_id, draft_id = _setup(app, users)
    line_id = _line(app, users)
    browser = login("drafter")
    page = browser.get(f"/letters/{draft_id}/edit")
    assert "Werksfeer IND" in page.text and f"line:{line_id}" in page.text
    # changed through the page: a new version, audited
    with app.app_context():
        line = _db.session.get(StandardLine, line_id)
        form = {"topic": line.topic, "title": line.title, "text": "Een veilige werksfeer bij de IND is essentieel.",
                "owner_id": str(line.owner_id), "approved_by": "DG Migratie", "valid_until": line.valid_until.isoformat(),
                "version": str(line.version)}
    assert browser.post(f"/standard-lines/{line_id}", form, token_from=f"/standard-lines/{line_id}").status_code == 302
    with app.app_context():
        line = _db.session.get(StandardLine, line_id)
        assert [v.number for v in line.versions] == [1, 2] and line.versions[0].text.startswith("Een goede")
        assert [e.action for e in reversed(entries_for(line))] == ["standard_line:created", "standard_line:changed"]
    # the same stale form again: refused, what was typed kept
    stale = browser.post(f"/standard-lines/{line_id}", {**form, "text": "Nog anders."}, token_from=f"/standard-lines/{line_id}")
    assert stale.status_code == 409 and "Nog anders." in stale.text
    # bad input: 422 with the fields named, typed input kept
    bad = browser.post(f"/standard-lines/{line_id}", {**form, "valid_until": "morgen", "title": "", "version": str(line.version)},
                       token_from=f"/standard-lines/{line_id}")
    assert bad.status_code == 422 and 'id="valid_until-error"' in bad.text and 'value="morgen"' in bad.text
    # used for question 3: the source names the line and its version
    with app.app_context():
        version = _db.session.get(Letter, draft_id).version
    used = browser.post(f"/letters/{draft_id}/questions/3/use", {"source": f"line:{line_id}", "version": str(version)},
                        token_from=f"/letters/{draft_id}/questions/3/earlier")
    assert used.status_code == 302
    (note,) = _sources(app, draft_id)
    assert note.details["line_id"] == line_id and note.details["line_version"] == 2 and note.details["question"] == 3
    # expired (its date passed): marked, never proposed, refused for use
    with app.app_context():
        _db.session.execute(sa.update(StandardLine).where(StandardLine.id == line_id).values(valid_until=today_local() - dt.timedelta(days=1)))
        _db.session.commit()
    listing = browser.get("/standard-lines")
    assert "Werksfeer IND" in listing.text and ("verlopen" in listing.text or "expired" in listing.text)
    page = browser.get(f"/letters/{draft_id}/edit")
    assert f"line:{line_id}" not in page.text
    with app.app_context():
        version = _db.session.get(Letter, draft_id).version
    refused = browser.post(f"/letters/{draft_id}/questions/2/use", {"source": f"line:{line_id}", "version": str(version)},
                           token_from=f"/letters/{draft_id}/questions/2/earlier")
    assert refused.status_code == 302
    assert len(_sources(app, draft_id)) == 1


def test_another_directorate_cannot_change_a_line(app, seed_case, users):
    line_id = _line(app, users)
    with app.app_context():
        other = factories.user("drafter", "drafter-dgsenb", directorate=factories.directorate("DGSenB"))
        line = _db.session.get(StandardLine, line_id)
        with pytest.raises(DomainError) as refused:
            standard_lines.change(line, standard_lines.LineInput(text="x"), expected_version=line.version, actor=other, today=today_local())
        assert refused.value.status == 403
        _db.session.rollback()


def test_owners_are_reminded_once_before_a_line_expires(app, seed_case, users):
    monday = dt.date(2026, 12, 7)
    with time_machine.travel(dt.datetime(2026, 12, 7, 8, tzinfo=dt.UTC), tick=False):
        line_id = _line(app, users, valid_until=monday + dt.timedelta(days=30))
        with app.app_context():
            run = run_job("standard_lines", today=monday)
            assert run.counts["queued"] == 0  # 30 days ahead: more than 10 working days
            later = monday + dt.timedelta(days=21)  # 9 calendar days (7 working days) before
            first = run_job("standard_lines", today=later)
            again = run_job("standard_lines", today=later + dt.timedelta(days=1))
            assert first.counts["queued"] == 1 and again.counts["queued"] == 0 and again.counts["already_sent"] == 1
            (note,) = _db.session.scalars(sa.select(Notification).where(Notification.kind == NotificationKind.standard_line_expiring)).all()
            assert note.user_id == users["drafter"].id and f"/standard-lines/{line_id}" in (note.url or "")
            assert "Werksfeer IND" in note.subject


def test_api_answers_and_standard_lines(app, client, seed_case, users, api_token):
    sent_id, _draft_id = _setup(app, users)
    r = client.get("/api/v1/answers?q=werksfeer+IND&case=" + factories.SEED_WRITTEN, headers=api_token("viewer"))
    assert r.status_code == 200, r.json
    (hit,) = r.json["items"]
    assert hit["letter_id"] == sent_id and hit["answer"] == EARLIER_ANSWER and hit["case"] == "2020Z11111"
    assert set(hit["reasons"]) == {"dossier", "members", "directorate"} and hit["signed_pdf"] is None
    assert client.get("/api/v1/answers", headers=api_token("viewer")).status_code == 422
    assert client.get("/api/v1/answers?q=x&limit=0", headers=api_token("viewer")).status_code == 422
    body = {"directorate": "DGMI", "topic": "IND", "title": "Werksfeer", "text": "Tekst.", "owner": "drafter",
            "approved_by": "DG", "valid_until": (today_local() + dt.timedelta(days=90)).isoformat()}
    assert client.post("/api/v1/standard-lines", headers=api_token("viewer"), json=body).status_code == 403
    created = client.post("/api/v1/standard-lines", headers=api_token("drafter"), json=body)
    assert created.status_code == 201, created.json
    line = created.json
    assert line["version"] == 1 and [v["number"] for v in line["versions"]] == [1] and line["expired"] is False
    bad = client.post("/api/v1/standard-lines", headers=api_token("drafter"), json={**body, "valid_until": "2001-01-01", "title": ""})
    assert bad.status_code == 422 and set(bad.json["errors"]) == {"valid_until", "title"}
    changed = client.patch(f"/api/v1/standard-lines/{line['id']}", headers=api_token("drafter"), json={"version": 1, "text": "Nieuwe tekst."})
    assert changed.status_code == 200 and changed.json["text"] == "Nieuwe tekst." and len(changed.json["versions"]) == 2
    stale = client.patch(f"/api/v1/standard-lines/{line['id']}", headers=api_token("drafter"), json={"version": 1, "text": "Oud."})
    assert stale.status_code == 409
    listed = client.get("/api/v1/standard-lines?directorate=DGMI", headers=api_token("viewer"))
    assert [item["title"] for item in listed.json["items"]] == ["Werksfeer"]
    assert client.get(f"/api/v1/standard-lines/{line['id']}", headers=api_token("viewer")).json["text"] == "Nieuwe tekst."
    assert client.get("/api/v1/standard-lines/999999", headers=api_token("viewer")).status_code == 404


def test_new_line_page(app, seed_case, users, login):
    _drafter_in_dgmi(app, users)
    browser = login("drafter")
    page = browser.get("/standard-lines/new")
    assert page.status_code == 200
    with app.app_context():
        dgmi = _db.session.scalar(sa.select(Directorate.id).where(Directorate.code == "DGMI"))
    form = {"directorate_id": str(dgmi), "topic": "Asiel", "title": "Opvang", "text": "De opvang is op orde.",
            "owner_id": str(users["drafter"].id), "approved_by": "DG", "valid_until": (today_local() + dt.timedelta(days=9)).isoformat()}
    bad = browser.post("/standard-lines/new", {**form, "text": ""}, token_from="/standard-lines/new")
    assert bad.status_code == 422 and 'value="Opvang"' in bad.text
    made = browser.post("/standard-lines/new", form, token_from="/standard-lines/new")
    assert made.status_code == 302 and re.search(r"/standard-lines/\d+$", made.headers["Location"])
