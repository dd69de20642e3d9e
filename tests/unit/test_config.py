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
    app = create_app()
    assert app.config["MINISTRY_NAME"] == "from instance"
    assert app.config["CASES_PER_PAGE"] == 9
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///" + str(tmp_path / "parliament_tracker.sqlite")
    assert not (tmp_path / "parliament_tracker.sqlite").exists(), "the factory must not create the database"
