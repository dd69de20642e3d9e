"""Backup and restore: the database and the signing key material in one archive.

Everything the app keeps is in the database (cases, letters with their DOCX and PDF bytes,
signatures, the audit log) except the signing identity in ``instance/signing/``: the PKCS#12
(key and certificate, encrypted with SIGNING_PKCS12_PASSPHRASE) and the trust root(s) that
/verify and the download checks trust. A restore without them leaves every signature "cannot
be confirmed" and signing answers 503, so the archive carries them too. The passphrase itself
is configuration (environment or ``instance/config.py``) and is NOT in the archive: keep it in
the password store, apart from the backups.

The archive (``.tar.gz``, readable only by its owner) holds ``manifest.json``, the database
(``database.sqlite``, made with SQLite's online backup API while the app runs; or
``database.dump``, PostgreSQL's custom format made by the ``pg_dump`` of the server's major
version) and ``signing/…``. ``check`` reads a (restored) database and confirms every letter
version's SHA-256 and every signature.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from parliament_tracker import edge
from parliament_tracker.audit.models import AuditEntry
from parliament_tracker.cases.models import Attachment, Case
from parliament_tracker.extensions import db
from parliament_tracker.letters.approval.models import Signature
from parliament_tracker.letters.approval.signing import trust_roots
from parliament_tracker.letters.engine.signing import verify_pdf
from parliament_tracker.letters.models import Letter, LetterVersion

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
POSTGRESQL_MEMBER = "database.dump"
SIGNING_PREFIX = "signing/"


class BackupError(RuntimeError):
    pass


# -- key material --------------------------------------------------------------------------


def signing_files(app: Flask) -> dict[str, Path]:
    """The key material to keep: archive name -> file. The PKCS#12's folder (the PKCS#12 and the
    dev root beside it) and every configured trust root."""
    cfg = app.config
    found: dict[str, Path] = {}
    p12 = cfg.get("SIGNING_PKCS12_PATH") or ""
    if p12 and os.path.isdir(os.path.dirname(p12)):
        for path in sorted(Path(os.path.dirname(p12)).iterdir()):
            if path.is_file():
                found[SIGNING_PREFIX + path.name] = path
    for root in cfg.get("SIGNING_TRUST_ROOTS") or []:
        path = Path(root)
        if path.is_file() and path not in found.values():
            found[f"{SIGNING_PREFIX}trust-roots/{path.name}"] = path
    return found


def signing_folder(app: Flask) -> Path:
    p12 = app.config.get("SIGNING_PKCS12_PATH") or os.path.join(app.instance_path, "signing", "dev.p12")
    return Path(os.path.dirname(p12))


# -- the database --------------------------------------------------------------------------


def _sqlite_path(url: sa.engine.URL) -> str:
    if not url.database or url.database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up.")
    return url.database


def _libpq(url: sa.engine.URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password (which goes in PGPASSWORD, not argv)."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _server_major(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        number = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
    return number // 10000


def postgresql_tool(name: str, server_major: int) -> str:
    """``pg_dump``/``pg_restore`` able to handle the server: Debian keeps one per major version
    in /usr/lib/postgresql/N/bin; an older tool than the server refuses to dump it."""
    candidates = [f"/usr/lib/postgresql/{server_major}/bin/{name}"]
    base = Path("/usr/lib/postgresql")
    if base.is_dir():
        newer = sorted((int(p.name) for p in base.iterdir() if p.name.isdigit() and int(p.name) > server_major), reverse=True)
        candidates += [f"/usr/lib/postgresql/{n}/bin/{name}" for n in newer]
    which = shutil.which(name)
    if which:
        candidates.append(which)
    for candidate in candidates:
        if not os.access(candidate, os.X_OK):
            continue
        version = subprocess.run([candidate, "--version"], capture_output=True, text=True, check=False).stdout
        match = re.search(r"(\d+)(?:\.\d+)?", version)
        if match and int(match.group(1)) >= server_major:
            return candidate
    raise BackupError(
        f"No {name} for PostgreSQL {server_major} or newer was found. Install postgresql-client-{server_major} "
        "(Debian: apt-get install postgresql-client)."
    )


def _dump_database(app: Flask, target: Path) -> str:
    engine = db.engine
    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(_sqlite_path(engine.url))
        copy = sqlite3.connect(target / SQLITE_MEMBER)
        try:
            # The online backup API: a consistent copy while the app keeps reading and writing.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return SQLITE_MEMBER
    if engine.dialect.name == "postgresql":
        tool = postgresql_tool("pg_dump", _server_major(engine))
        dsn, env = _libpq(engine.url)
        command = [tool, "--format=custom", "--no-owner", "--no-privileges", "--file", str(target / POSTGRESQL_MEMBER), "--dbname", dsn]
        result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return POSTGRESQL_MEMBER
    raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def _restore_database(member: str, source: Path) -> None:
    engine = db.engine
    if member == SQLITE_MEMBER:
        if engine.dialect.name != "sqlite":
            raise BackupError("This is a SQLite backup; the configured database is PostgreSQL.")
        db.session.remove()
        engine.dispose()
        backup = sqlite3.connect(source)
        target = sqlite3.connect(_sqlite_path(engine.url))
        try:
            backup.backup(target)  # replaces the whole target database, page by page
        finally:
            target.close()
            backup.close()
        return
    if engine.dialect.name != "postgresql":
        raise BackupError("This is a PostgreSQL backup; the configured database is SQLite.")
    db.session.remove()
    engine.dispose()
    tool = postgresql_tool("pg_restore", _server_major(engine))
    dsn, env = _libpq(engine.url)
    command = [
        tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
        "--dbname", dsn, str(source),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


# -- counts and checks ---------------------------------------------------------------------


def counts() -> dict[str, int]:

    models = {
        "cases": Case, "attachments": Attachment, "letters": Letter, "letter_versions": LetterVersion,
        "signatures": Signature, "audit_entries": AuditEntry,
    }
    return {name: db.session.scalar(sa.select(sa.func.count()).select_from(model)) or 0 for name, model in models.items()}


def _revision() -> str | None:
    # A savepoint: a database without the table (never migrated) leaves the session usable.
    with contextlib.suppress(sa.exc.DBAPIError), db.session.begin_nested():
        return db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
    return None


@dataclass
class CheckReport:
    counts: dict[str, int]
    versions_checked: int = 0
    signatures_verified: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check() -> CheckReport:
    """Read the whole database: every letter version's DOCX and PDF against their SHA-256, every
    signature's PDF against its record and its signature against the trusted roots."""

    report = CheckReport(counts=counts())
    ids = db.session.scalars(sa.select(LetterVersion.id).order_by(LetterVersion.id)).all()
    for version_id in ids:
        version = db.session.get(LetterVersion, version_id)
        assert version is not None  # its id was just read
        for kind in ("docx", "pdf"):
            data = getattr(version, kind) or b""
            if hashlib.sha256(data).hexdigest() != getattr(version, f"{kind}_sha256"):
                report.problems.append(f"letter {version.letter_id} version {version.number}: {kind} does not match its SHA-256")
        report.versions_checked += 1
        db.session.expunge(version)  # keep memory flat on a large register
    roots = trust_roots()
    if report.counts["signatures"] and not roots:
        report.problems.append("no trusted root certificate found (SIGNING_TRUST_ROOTS or the root beside the PKCS#12)")
    for signature in db.session.scalars(sa.select(Signature).order_by(Signature.id)):
        version = db.session.get(LetterVersion, signature.version_id)
        if version is None or hashlib.sha256(version.pdf).hexdigest() != signature.pdf_sha256:
            report.problems.append(f"letter {signature.letter_id}: the signed PDF does not match the signature record")
            continue
        result = verify_pdf(version.pdf, roots)
        if result.ok:
            report.signatures_verified += 1
        else:
            report.problems.append(f"letter {signature.letter_id}: signature not confirmed ({result.summary})")
    return report


# -- create and restore --------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def create(app: Flask, path: str | os.PathLike[str], *, include_keys: bool = True) -> dict[str, Any]:
    """Write the archive to ``path`` (atomically; mode 0600). Returns the manifest."""
    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="pt-backup-") as tmp:
        work = Path(tmp)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": db.engine.dialect.name,
            "alembic_revision": _revision(),
            "counts": counts(),
        }
        edge.abandon()  # no transaction held open while the copy is made
        member = _dump_database(app, work)
        files = {member: work / member}
        keys = signing_files(app) if include_keys else {}
        files.update(keys)
        manifest["database_file"] = member
        manifest["signing_files"] = sorted(keys)
        manifest["signing_folder"] = str(signing_folder(app))
        manifest["not_included"] = (
            "SIGNING_PKCS12_PASSPHRASE (configuration: keep it in the password store)"
            + ("" if include_keys else "; the signing key material (--without-keys)")
        )
        manifest["sha256"] = {name: _sha256_file(file) for name, file in files.items()}
        partial = target.with_name(target.name + ".partial")
        old_umask = os.umask(0o077)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, indent=2, sort_keys=True).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mode, info.mtime = len(data), 0o600, int(time.time())
                archive.addfile(info, io.BytesIO(data))
                for name, file in files.items():
                    archive.add(file, arcname=name, recursive=False, filter=_private)
        finally:
            os.umask(old_umask)
        os.replace(partial, target)
    return manifest


def _private(info: tarfile.TarInfo) -> tarfile.TarInfo:
    info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
    return info


@contextlib.contextmanager
def _opened(path: str | os.PathLike[str]) -> Iterator[tuple[dict[str, Any], Path]]:
    """Unpack the archive to a private folder, checking the manifest's SHA-256 of every member."""
    with tempfile.TemporaryDirectory(prefix="pt-restore-") as tmp, tarfile.open(path, "r:gz") as archive:
        work = Path(tmp)
        try:
            manifest = json.loads(archive.extractfile(MANIFEST).read())  # type: ignore[union-attr]
        except (KeyError, AttributeError, ValueError) as exc:
            raise BackupError(f"{path} is not a Parliament Tracker backup (no readable {MANIFEST}).") from exc
        if manifest.get("format") != FORMAT:
            raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
        for name, expected in manifest["sha256"].items():
            member = archive.getmember(name)
            if not member.isfile() or name.startswith("/") or ".." in Path(name).parts:
                raise BackupError(f"Refusing the archive member {name!r}.")
            destination = work / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as source, open(destination, "wb") as out:  # type: ignore[union-attr]
                shutil.copyfileobj(source, out)
            if _sha256_file(destination) != expected:
                raise BackupError(f"{name} in the archive is damaged (SHA-256 differs from the manifest).")
        yield manifest, work


def restore(app: Flask, path: str | os.PathLike[str], *, restore_keys: bool = True, replace_keys: bool = False) -> dict[str, Any]:
    """Replace the configured database with the archive's, and put the key material back in the
    signing folder. A key file that exists with other content is kept unless ``replace_keys``."""
    with _opened(path) as (manifest, work):
        written: list[str] = []
        if restore_keys and manifest["signing_files"]:
            folder = signing_folder(app)
            conflicts = []
            for name in manifest["signing_files"]:
                destination = folder / name.removeprefix(SIGNING_PREFIX)
                if destination.exists() and _sha256_file(destination) != manifest["sha256"][name] and not replace_keys:
                    conflicts.append(str(destination))
            if conflicts:
                raise BackupError(
                    "Different key material is already in place: " + ", ".join(conflicts)
                    + ". Move it away, or restore with --replace-keys (or --without-keys to keep it)."
                )
        _restore_database(manifest["database_file"], work / manifest["database_file"])
        if restore_keys:
            folder = signing_folder(app)
            for name in manifest["signing_files"]:
                destination = folder / name.removeprefix(SIGNING_PREFIX)
                destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                shutil.copyfile(work / name, destination)
                os.chmod(destination, 0o600)
                written.append(str(destination))
        return {"manifest": manifest, "keys_written": written}
