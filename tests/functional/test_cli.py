from parliament_tracker.auth.models import ApiToken, User, hash_token
from parliament_tracker.cases.models import Case


def test_users_create_and_token(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Jan", "--role", "drafter", "--password", "long-enough-pw", "--email", "jan@example.org"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(db.select(User).where(User.username == "jan"))
    assert user.role.value == "drafter" and user.email == "jan@example.org"
    assert user.password_hash.startswith("$argon2")
    duplicate = runner.invoke(args=["users", "create", "jan", "--role", "viewer", "--password", "long-enough-pw"])
    assert duplicate.exit_code != 0 and "taken" in duplicate.output
    short = runner.invoke(args=["users", "create", "piet", "--role", "viewer", "--password", "short"])
    assert short.exit_code != 0
    bad_dir = runner.invoke(args=["users", "create", "piet", "--role", "viewer", "--password", "long-enough-pw", "--directorate", "NOPE"])
    assert bad_dir.exit_code != 0 and "NOPE" in bad_dir.output
    token_run = runner.invoke(args=["users", "token", "jan"])
    assert token_run.exit_code == 0
    token = token_run.output.strip().splitlines()[-1]
    assert db.session.scalar(db.select(ApiToken).where(ApiToken.token_hash == hash_token(token))) is not None
    assert runner.invoke(args=["users", "token", "nobody"]).exit_code != 0


def test_demo_load_is_idempotent(app, db):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    count = db.session.scalar(db.select(db.func.count()).select_from(Case))
    assert count >= 30
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(Case)) == count


def test_demo_seed_case(seed, db):
    written = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19601"))
    committee = db.session.scalar(db.select(Case).where(Case.reference == "2021Z19241"))
    assert written.kind.value == "written_questions" and committee.kind.value == "committee_request"
    assert str(written.received_on) == "2021-11-05" and str(committee.received_on) == "2021-11-02"
    assert [m.label for m in written.members] == ["Podt (D66)", "Ceder (ChristenUnie)"]
    assert len(written.questions) == 8
    assert committee.committee.name == "vaste commissie voor Justitie en Veiligheid"
    assert written.addressed_to.office_title == "De Staatssecretaris van Justitie en Veiligheid"
    assert written.addressed_to.name == "Ankie Broekers-Knol"


def test_letters_load_templates_is_idempotent(app, db):
    from parliament_tracker.letters.models import LetterTemplate

    runner = app.test_cli_runner()
    first = runner.invoke(args=["letters", "load-templates"])
    assert first.exit_code == 0 and "4 shipped templates stored" in first.output, first.output
    second = runner.invoke(args=["letters", "load-templates"])
    assert second.exit_code == 0 and "nothing changed" in second.output
    assert db.session.scalar(db.select(db.func.count()).select_from(LetterTemplate)) == 4
