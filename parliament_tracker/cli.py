"""``flask`` commands: users, demo data. Each command is one unit of work (``edge.command``):
committed once at the end, rolled back on any error."""

from __future__ import annotations

from types import ModuleType

import click
from flask import Flask
from flask.cli import AppGroup

from parliament_tracker import edge
from parliament_tracker.answers.indexing import reindex
from parliament_tracker.auth import services as auth_services
from parliament_tracker.auth.models import User
from parliament_tracker.auth.roles import Role
from parliament_tracker.cases import references as refs
from parliament_tracker.cases.services import find_case
from parliament_tracker.deadlines.services import recompute_all
from parliament_tracker.demo import DEMO_PASSWORD, ensure_dev_certificate, load_demo
from parliament_tracker.errors import DomainError
from parliament_tracker.extensions import db
from parliament_tracker.letters.templates import load_shipped_templates
from parliament_tracker.organisation.imports import ImportRefused, import_file
from parliament_tracker.organisation.models import Directorate
from parliament_tracker.scheduler import jobs_cli, scheduler_cli
from parliament_tracker.tk import services as tk_services
from parliament_tracker.tk.errors import TKError

users_cli = AppGroup("users", help="Manage user accounts.")
demo_cli = AppGroup("demo", help="Demo data.")
deadlines_cli = AppGroup("deadlines", help="Deadlines.")
org_cli = AppGroup("org", help="Reference data: directorates, signatories, committees.")
answers_cli = AppGroup("answers", help="The index of earlier answers.")


@answers_cli.command("reindex")
@click.option("--batch-size", default=200, show_default=True, help="Letters loaded per query.")
@edge.command
def answers_reindex_command(batch_size: int) -> None:
    """Index every sent letter's answers again (the backfill; one commit at the end)."""
    counts = reindex(batch_size=batch_size)
    click.echo(f"Indexed {counts['answers']} answers from {counts['letters']} sent letters.")


@org_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@edge.command
def org_import_command(path: str) -> None:
    """Load directorates, signatories and committees from a CSV or YAML file (idempotent)."""
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        result = import_file(path, data)
    except ImportRefused as exc:
        raise click.ClickException("Nothing was imported:\n" + "\n".join(exc.problems)) from None
    for kind in result.created:
        click.echo(f"{kind}: {result.created[kind]} created, {result.updated[kind]} updated")
    click.echo(f"unchanged: {result.unchanged}")


@deadlines_cli.command("recompute")
@click.option("--batch-size", default=500, show_default=True, help="Cases loaded per query.")
@edge.command
def deadlines_recompute_command(batch_size: int) -> None:
    """Recompute the stored deadlines of every case (one commit at the end)."""
    count = recompute_all(reason="flask deadlines recompute", batch_size=batch_size)
    click.echo(f"Recomputed the deadlines of {count} cases.")


@users_cli.command("create")
@click.argument("username")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--password", required=True, help="At least 10 characters.")
@click.option("--email", default=None)
@click.option("--name", "display_name", default=None, help="Full name shown in the UI.")
@click.option("--directorate", default=None, help="Directorate code, e.g. DGMI.")
@edge.command
def create_user_command(username: str, role: str, password: str, email: str | None, display_name: str | None, directorate: str | None) -> None:
    """Create a user account."""

    directorate_obj = None
    if directorate:
        directorate_obj = db.session.scalar(db.select(Directorate).where(Directorate.code == directorate))
        if directorate_obj is None:
            raise click.ClickException(f"Unknown directorate {directorate!r}.")
    user = auth_services.create_user(username, password, Role(role), email=email, display_name=display_name, directorate=directorate_obj)
    click.echo(f"Created {user.username} ({user.role.value}).")


@users_cli.command("token")
@click.argument("username")
@edge.command
def token_command(username: str) -> None:
    """Issue a new API token for USERNAME; the token is the last line printed."""

    user = auth_services.find_user(username)
    if user is None:
        raise click.ClickException(f"No user {username!r}.")
    token = auth_services.issue_token(user)
    click.echo(f"New API token for {user.username} (shown once, store it safely):")
    click.echo(token)


@users_cli.command("list")
@edge.command
def list_users_command() -> None:
    """List user accounts."""

    for user in db.session.scalars(db.select(User).order_by(User.username)):
        click.echo(f"{user.username:20} {user.role.value:17} {'enabled' if user.is_enabled else 'disabled'}")


@demo_cli.command("load")
@edge.command
def demo_load_command() -> None:
    """Load the demo data (idempotent: a second run adds nothing)."""
    import time


    started = time.monotonic()
    cert = ensure_dev_certificate()  # before the load: the demo's letters are signed with it
    if cert:
        click.echo(f"Development signing certificate created: {cert}")
    created = load_demo()
    if created:
        click.echo(f"Demo data loaded in {time.monotonic() - started:.1f} s.")
        click.echo(f"Demo data loaded. Log in as registrar, drafter, director, signer, admin, viewer or archivist with password {DEMO_PASSWORD!r}.")
    else:
        click.echo("Demo data already present; nothing changed.")


tk_cli = AppGroup("tk", help="Tweede Kamer open data.")


@tk_cli.command("import")
@click.argument("references", nargs=-1, required=True)
@edge.command
def tk_import_command(references: tuple[str, ...]) -> None:
    """Register cases from Tweede Kamer zaak numbers. Existing cases are compared, never overwritten."""
    failures = 0
    for raw in references:
        reference = refs.normalise(raw)
        if not refs.ZAAK_RE.match(reference):
            click.echo(f"{raw}: not a zaak number (expected e.g. 2021Z19601)", err=True)
            failures += 1
            continue
        try:
            data = tk_services.fetch(reference)
        except TKError as exc:
            click.echo(f"{reference}: {exc.message}", err=True)
            failures += 1
            continue
        if data is None:
            click.echo(f"{reference}: not found at the Tweede Kamer", err=True)
            failures += 1
            continue
        existing = find_case(reference)
        if existing is not None:
            with edge.unit_of_work():
                diffs = tk_services.differences(existing, tk_services.case_input(data))
                edge.discard()  # compared, never overwritten: keep nothing case_input added
            if not diffs:
                click.echo(f"{reference}: already registered, matches the Tweede Kamer")
            for d in diffs:
                click.echo(f"{reference}: differs in {d.field}: here {d.local!r}, Tweede Kamer {d.remote!r} (not changed; use the case page to take it over)")
            continue
        try:
            with edge.unit_of_work():  # one case at a time: a refused one does not undo the others
                case = tk_services.import_new(data, actor=None)
        except DomainError as exc:
            click.echo(f"{reference}: {exc.message} {exc.errors}", err=True)
            failures += 1
            continue
        click.echo(f"{case.reference}: registered ({case.kind.value}, received {case.received_on.isoformat()})")
    if failures:
        raise SystemExit(1)


letters_cli = AppGroup("letters", help="Letter templates.")


@letters_cli.command("load-templates")
@edge.command
def letters_load_templates_command() -> None:
    """Store the shipped default templates as version 1 of every kind that has none."""

    created = load_shipped_templates()
    click.echo(f"{len(created)} shipped templates stored." if created else "Every kind already has a template; nothing changed.")


signing_cli = AppGroup("signing", help="Signing certificates.")

@signing_cli.command("dev-cert")
@click.option("--path", default=None, help="Where to write the PKCS#12 (default: SIGNING_PKCS12_PATH, instance/signing/dev.p12).")
@click.option("--passphrase", default=None, help="Its passphrase (default: SIGNING_PKCS12_PASSPHRASE, 'demo').")
@click.option("--common-name", default="Parliament Tracker demo signer", show_default=True)
@click.option("--force", is_flag=True, help="Replace an existing file.")
@edge.command
def signing_dev_cert_command(path: str | None, passphrase: str | None, common_name: str, force: bool) -> None:
    """Create a self-signed development certificate so the demo can sign letters. Never for production."""
    import os

    from flask import current_app

    from parliament_tracker.letters.engine.signing import make_dev_certificate

    path = path or current_app.config["SIGNING_PKCS12_PATH"]
    if passphrase is None:
        passphrase = current_app.config.get("SIGNING_PKCS12_PASSPHRASE") or ""
    if os.path.exists(path) and not force:
        raise click.ClickException(f"{path} exists; use --force to replace it.")
    made = make_dev_certificate(path, passphrase, common_name)
    click.echo(f"Signing certificate: {made.p12_path}")
    click.echo(f"Development root CA (trusted by /verify): {made.root_pem_path}")
    if os.path.abspath(path) != os.path.abspath(current_app.config["SIGNING_PKCS12_PATH"]):
        click.echo("Set SIGNING_PKCS12_PATH (and SIGNING_PKCS12_PASSPHRASE) in instance/config.py to use it.")


backup_cli = AppGroup("backup", help="Back up and restore the database with the signing key material.")


def _backup() -> ModuleType:
    """The backup module, loaded when a backup command runs: it verifies signatures with
    pyHanko, which ``flask`` (and so every worker building the app) should not load at start."""
    from parliament_tracker import backup

    return backup


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--without-keys", is_flag=True, help="Leave the signing key material out (keep it elsewhere).")
def backup_create_command(path: str, without_keys: bool) -> None:
    """Write a backup archive to PATH (.tar.gz): the database, copied while the app runs, and
    the signing key material. Readable only by you: it holds the signing key."""
    from flask import current_app

    backup = _backup()
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, it is a LocalProxy
        manifest = backup.create(app, path, include_keys=not without_keys)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Backup written to {path} ({manifest['database']}, revision {manifest['alembic_revision']}).")
    click.echo("  " + ", ".join(f"{n} {k}" for k, n in manifest["counts"].items()))
    if manifest["signing_files"]:
        click.echo(f"  key material from {manifest['signing_folder']}: {', '.join(manifest['signing_files'])}")
    else:
        click.echo(f"  NO key material in the archive: back up {manifest['signing_folder']} yourself.")
    click.echo("  Not included: the PKCS#12 passphrase (SIGNING_PKCS12_PASSPHRASE); keep it in the password store.")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--without-keys", is_flag=True, help="Restore the database only; leave the signing folder alone.")
@click.option("--replace-keys", is_flag=True, help="Overwrite different key material already in the signing folder.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def backup_restore_command(path: str, without_keys: bool, replace_keys: bool, yes: bool) -> None:
    """Replace the configured database with the backup at PATH and put its key material back.
    Stop the web server and the scheduler first; run `flask db upgrade` and `flask backup check` after."""
    from flask import current_app

    backup = _backup()
    if not yes:
        click.confirm(f"This REPLACES everything in {db.engine.url.render_as_string(hide_password=True)}. Continue?", abort=True)
    try:
        app = current_app._get_current_object()  # type: ignore[attr-defined]  # Flask types current_app as Flask, it is a LocalProxy
        result = backup.restore(app, path, restore_keys=not without_keys, replace_keys=replace_keys)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    manifest = result["manifest"]
    click.echo(f"Restored the backup of {manifest['created_at']} (revision {manifest['alembic_revision']}).")
    for written in result["keys_written"]:
        click.echo(f"  key material: {written}")
    click.echo("Next: flask db upgrade (when this version is newer), then flask backup check.")


@backup_cli.command("check")
def backup_check_command() -> None:
    """Check the database (after a restore): every letter version against its SHA-256, every
    signature against the trusted roots. Exits 1 when anything does not match."""
    backup = _backup()
    report = backup.check()
    click.echo(", ".join(f"{n} {k}" for k, n in report.counts.items()))
    click.echo(f"{report.versions_checked} letter versions match their SHA-256; {report.signatures_verified} signatures verified.")
    for problem in report.problems:
        click.echo(f"PROBLEM: {problem}", err=True)
    if not report.ok:
        raise SystemExit(1)


def register_commands(app: Flask) -> None:
    app.cli.add_command(backup_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(deadlines_cli)
    app.cli.add_command(org_cli)
    app.cli.add_command(answers_cli)
    app.cli.add_command(tk_cli)
    app.cli.add_command(scheduler_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(letters_cli)
    app.cli.add_command(signing_cli)
