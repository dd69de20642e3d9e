from parliament_tracker import create_app
from parliament_tracker.config import environment_overrides


def test_environment_overrides_parse_json_and_database_url():
    env = {
        "DATABASE_URL": "postgresql://u@h/db",
        "SECRET_KEY": "s",
        "PARLIAMENT_TRACKER_SESSION_COOKIE_SECURE": "false",
        "PARLIAMENT_TRACKER_MINISTRY_NAME": "Ministerie van X",
        "OTHER": "ignored",
    }
    result = environment_overrides(env)
    assert result["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"
    assert result["SECRET_KEY"] == "s"
    assert result["SESSION_COOKIE_SECURE"] is False
    assert result["MINISTRY_NAME"] == "Ministerie van X"
    assert "OTHER" not in result


def test_factory_reads_instance_config_then_environment(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("MINISTRY_NAME = 'from instance'\nCASES_PER_PAGE = 7\n")
    monkeypatch.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PARLIAMENT_TRACKER_CASES_PER_PAGE", "9")
    monkeypatch.setenv("SECRET_KEY", "a-real-secret-for-this-test")  # required outside tests (issue 20)
    app = create_app()
    assert app.config["MINISTRY_NAME"] == "from instance"
    assert app.config["CASES_PER_PAGE"] == 9
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(tmp_path / "parliament_tracker.sqlite")
    assert not (tmp_path / "parliament_tracker.sqlite").exists(), "the factory must not create the database"


def test_refuses_to_start_without_a_real_secret_key(tmp_path, monkeypatch):
    import pytest

    from parliament_tracker.config import MissingSecretKey

    monkeypatch.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(MissingSecretKey, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("SECRET_KEY", "dev-only-change-me")  # the old default is no key at all
    with pytest.raises(MissingSecretKey, match="SECRET_KEY"):
        create_app()


def test_secret_key_from_the_instance_file(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    (tmp_path / "secret_key").write_text("0123456789abcdef" * 4 + "\n")
    assert create_app().config["SECRET_KEY"] == "0123456789abcdef" * 4


def test_tests_get_a_random_key_not_a_known_one(tmp_path, monkeypatch):
    monkeypatch.setenv("PARLIAMENT_TRACKER_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("SECRET_KEY", raising=False)
    key = create_app({"TESTING": True}).config["SECRET_KEY"]
    assert len(key) >= 32 and key != create_app({"TESTING": True}).config["SECRET_KEY"]


def test_make_run_writes_a_random_key_once(tmp_path):
    """The Makefile's db target (which make run needs) makes instance/secret_key once."""
    import re
    import subprocess

    from parliament_tracker import PROJECT_ROOT

    with open(f"{PROJECT_ROOT}/Makefile", encoding="utf-8") as handle:
        makefile = handle.read()
    line = next(x for x in makefile.splitlines() if "instance/secret_key" in x and "test -s" in x)
    command = re.sub(r"^\s*@", "", line).replace("$(BIN)/python", "python3").replace("instance/", f"{tmp_path}/")
    subprocess.run(["bash", "-c", command], check=True)
    first = (tmp_path / "secret_key").read_text()
    subprocess.run(["bash", "-c", command], check=True)
    assert (tmp_path / "secret_key").read_text() == first and len(first.strip()) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
