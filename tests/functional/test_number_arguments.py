"""Numbers in addresses, query strings, forms and JSON that no integer column can hold, or
that only look like digits ("²"), are treated as unknown or invalid, never as a server error."""

import pytest

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/events/{HUGE}",
        f"/letters/{HUGE}",
        f"/api/v1/letters/{HUGE}",
        f"/cases/2021Z19241/attachments/{HUGE}",
    ],
)
def test_an_id_past_the_column_is_a_404(client, seed_case, login, api_token, path):
    if path.startswith("/api/"):
        assert client.get(path, headers=api_token("admin")).status_code == 404
    else:
        assert login("admin").get(path).status_code == 404


def test_lookalike_digits_in_query_arguments(login, seed_case):
    browser = login("director")
    for value in ("²", HUGE):
        listing = browser.get(f"/cases?directorate={value}&drafter={value}&page={value}")
        assert listing.status_code == 200 and "2021Z19241" in listing.text  # the filter is ignored


def test_huge_ids_in_json_are_refused_by_field(client, seed_case, api_token):
    patch = client.patch("/api/v1/cases/2021Z19241", headers=api_token("registrar"), json={"version": 1, "due_before_event": int(HUGE)})
    assert patch.status_code == 422 and "due_before_event" in patch.json["errors"]


def test_a_version_with_lookalike_digits_is_a_stale_save(login, seed_case, db):
    from parliament_tracker.cases.models import Case, Question

    browser = login("registrar")
    saved = browser.post(
        "/cases/2021Z19601/questions", data={"version": "²", "new_question": "Nog een vraag?"}, token_from="/cases/2021Z19601"
    )
    # Refused as a stale save: the case page comes back with the message and what was typed.
    assert saved.status_code == 409
    assert 'id="questions-error"' in saved.text and "Nog een vraag?" in saved.text
    case_id = db.session.scalar(db.select(Case.id).where(Case.reference == "2021Z19601"))
    texts = db.session.scalars(db.select(Question.text).where(Question.case_id == case_id)).all()
    assert texts and "Nog een vraag?" not in texts
