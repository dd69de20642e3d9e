"""Two people editing or signing the same letter at once: the second gets a 409 with their input
kept, never a 500 (issue 20). The other person's commit is simulated inside the request, after
the page loaded the letter and before the change is checked: exactly where a real race lands."""

import sqlalchemy as sa

from parliament_tracker.extensions import db as _db
from parliament_tracker.letters import services
from parliament_tracker.letters.approval import signing as approval_signing
from parliament_tracker.letters.models import Letter, LetterStatus
from tests.functional.test_letter_workflow import approved_id  # noqa: F401 (fixture)
from tests.functional.test_letters import _edit_data, seed_letter


def _meanwhile(letter_id: int, **values) -> None:
    """What the other person's committed change leaves in the row (the session does not know)."""
    _db.session.execute(
        sa.update(Letter).where(Letter.id == letter_id).values(version=Letter.version + 1, **values),
        execution_options={"synchronize_session": False},
    )


def test_concurrent_edit_is_a_409_with_the_input_kept(login, seed_draft, monkeypatch):
    letter = seed_letter(seed_draft)
    browser = login("drafter")
    real = services.update_letter

    def racing(letter, data, **kwargs):
        _meanwhile(letter.id, subject="Hun onderwerp")
        return real(letter, data, **kwargs)

    monkeypatch.setattr(services, "update_letter", racing)
    response = browser.post(
        f"/letters/{letter.id}/edit", _edit_data(letter, subject="Mijn onderwerp"), token_from=f"/letters/{letter.id}/edit"
    )
    assert response.status_code == 409, response.status_code
    assert "Mijn onderwerp" in response.text  # what the user typed is still in the form


def test_concurrent_sign_through_the_api_is_a_409(client, api_token, approved_id, monkeypatch):  # noqa: F811
    real = approval_signing.sign

    def racing(letter, **kwargs):
        _meanwhile(letter.id, status=LetterStatus.signed.value)
        return real(letter, **kwargs)

    monkeypatch.setattr(approval_signing, "sign", racing)
    response = client.post(f"/api/v1/letters/{approved_id}/sign", headers=api_token("signatory_office"), json={})
    assert response.status_code == 409, response.json


def test_concurrent_sign_on_the_page_is_a_message_not_an_error(app, login, approved_id, monkeypatch):  # noqa: F811
    from tests.conftest import csrf_token

    real = approval_signing.sign

    def racing(letter, **kwargs):
        _meanwhile(letter.id, status=LetterStatus.signed.value)
        return real(letter, **kwargs)

    monkeypatch.setattr(approval_signing, "sign", racing)
    browser = login("signatory_office")
    token = csrf_token(browser.client, f"/letters/{approved_id}")
    response = browser.client.post(f"/letters/{approved_id}/sign", data={"csrf_token": token})
    assert response.status_code in (303, 409)
    page = browser.get(f"/letters/{approved_id}")
    assert page.status_code == 200
    # The reason given is the other person's signature, not a failure to make the letter.
    assert "Alleen een goedgekeurde brief kan worden ondertekend" in page.text, page.text
