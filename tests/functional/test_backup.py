"""Backup and restore (issue 20): a backup restored into a fresh database, with an empty signing
folder, has every case, every letter version with its SHA-256 and every signature verifying."""

from __future__ import annotations

import hashlib

import pytest

from parliament_tracker import create_app
from parliament_tracker.extensions import db
from tests.conftest import scratch_database

PASSPHRASE = "backup-test-passphrase"


def _app(url: str, signing_folder):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "SIGNING_PKCS12_PATH": str(signing_folder / "dev.p12"),
            "SIGNING_PKCS12_PASSPHRASE": PASSPHRASE,
            "SIGNING_TRUST_ROOTS": [],
        }
    )


def _signed_register(app) -> None:
    """The demo register (its 2021 letters signed and sent) with its approved letter signed too."""
    from parliament_tracker.auth.models import User
    from parliament_tracker.demo import load_demo
    from parliament_tracker.letters.approval import signing as approval_signing
    from parliament_tracker.letters.models import Letter, LetterStatus

    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
        users = {u.username: u for u in db.session.scalars(db.select(User))}
        letter = db.session.scalar(db.select(Letter).where(Letter.status == LetterStatus.approved).order_by(Letter.id))
        approval_signing.sign(letter, actor=users["signer"])
        db.session.commit()


def _contents(app) -> dict:
    from parliament_tracker.cases.models import Case
    from parliament_tracker.letters.approval.models import Signature
    from parliament_tracker.letters.models import LetterVersion

    with app.app_context():
        versions = db.session.scalars(db.select(LetterVersion).order_by(LetterVersion.id)).all()
        result = {
            "cases": sorted(db.session.scalars(db.select(Case.reference))),
            "versions": [(v.letter_id, v.number, v.docx_sha256, v.pdf_sha256) for v in versions],
            "actual": [(hashlib.sha256(v.docx).hexdigest(), hashlib.sha256(v.pdf).hexdigest()) for v in versions],
            "signatures": sorted(db.session.scalars(db.select(Signature.pdf_sha256))),
        }
        db.session.remove()
        return result


def test_backup_restores_into_a_fresh_database_with_its_keys(tmp_path, monkeypatch):
    from parliament_tracker.letters.engine.signing import make_dev_certificate

    source_keys, target_keys = tmp_path / "signing-source", tmp_path / "signing-target"
    source_keys.mkdir()
    make_dev_certificate(source_keys / "dev.p12", PASSPHRASE, "Backup test signatory")
    archive = tmp_path / "backup.tar.gz"
    with scratch_database(tmp_path, "backup_source") as source_url, scratch_database(tmp_path, "backup_target") as target_url:
        source = _app(source_url, source_keys)
        _signed_register(source)
        before = _contents(source)
        assert before["signatures"] and len(before["versions"]) >= 2
        created = source.test_cli_runner().invoke(args=["backup", "create", str(archive)])
        assert created.exit_code == 0, created.output
        assert "dev.p12" in created.output and "SIGNING_PKCS12_PASSPHRASE" in created.output
        assert archive.stat().st_mode & 0o077 == 0
        with source.app_context():
            db.engine.dispose()

        target = _app(target_url, target_keys)  # a fresh database, an empty signing folder
        restored = target.test_cli_runner().invoke(args=["backup", "restore", str(archive), "--yes"])
        assert restored.exit_code == 0, restored.output
        after = _contents(target)
        assert after["cases"] == before["cases"]
        assert after["versions"] == before["versions"]
        assert after["actual"] == [(d, p) for _l, _n, d, p in after["versions"]]
        assert after["signatures"] == before["signatures"]
        checked = target.test_cli_runner().invoke(args=["backup", "check"])
        assert checked.exit_code == 0, checked.output
        assert f"{len(before['signatures'])} signatures verified" in checked.output
        with target.app_context():
            from parliament_tracker.letters.approval.signing import signing_identity

            signing_identity()  # signing works again (no 503)
            assert (target_keys / "dev.p12").stat().st_mode & 0o077 == 0
            db.engine.dispose()


def test_check_finds_a_changed_file_and_a_missing_root(tmp_path):
    from parliament_tracker import backup
    from parliament_tracker.letters.engine.signing import make_dev_certificate
    from parliament_tracker.letters.models import LetterVersion

    keys = tmp_path / "signing"
    keys.mkdir()
    make_dev_certificate(keys / "dev.p12", PASSPHRASE, "Backup test signatory")
    with scratch_database(tmp_path, "backup_check") as url:
        app = _app(url, keys)
        _signed_register(app)
        with app.app_context():
            assert backup.check().ok
            (keys / "dev.root-ca.pem").unlink()
            report = backup.check()
            assert not report.ok and any("root" in p for p in report.problems)
            version = db.session.scalar(db.select(LetterVersion).order_by(LetterVersion.id))
            db.session.execute(
                db.update(LetterVersion).where(LetterVersion.id == version.id).values(docx=b"changed"),
                execution_options={"synchronize_session": False},
            )
            db.session.commit()
            assert any("SHA-256" in p for p in backup.check().problems)
            db.session.remove()
            db.engine.dispose()


def test_restore_refuses_a_damaged_archive_and_other_keys(tmp_path):
    import tarfile

    from parliament_tracker import backup
    from parliament_tracker.letters.engine.signing import make_dev_certificate

    keys = tmp_path / "signing"
    keys.mkdir()
    make_dev_certificate(keys / "dev.p12", PASSPHRASE, "Backup test signatory")
    archive = tmp_path / "b.tar.gz"
    with scratch_database(tmp_path, "backup_refuse") as url:
        app = _app(url, keys)
        with app.app_context():
            db.create_all()
            backup.create(app, archive)
            # Other key material in place: refused, nothing replaced.
            other = tmp_path / "other"
            other.mkdir()
            make_dev_certificate(other / "dev.p12", PASSPHRASE, "Someone else")
            elsewhere = _app(url, other)
            with pytest.raises(backup.BackupError, match="replace-keys"):
                backup.restore(elsewhere, archive)
            # A member whose bytes differ from the manifest.
            with tarfile.open(archive) as original, tarfile.open(tmp_path / "bad.tar.gz", "w:gz") as bad:
                for member in original.getmembers():
                    data = original.extractfile(member).read()
                    if member.name == "signing/dev.p12":
                        data = data[:-1] + bytes([data[-1] ^ 1])
                    import io

                    bad.addfile(member, io.BytesIO(data))
            with pytest.raises(backup.BackupError, match="damaged"):
                backup.restore(app, tmp_path / "bad.tar.gz", replace_keys=True)
            db.session.remove()
            db.engine.dispose()
