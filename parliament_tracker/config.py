"""Default settings.

Order of precedence (later wins): these defaults, ``instance/config.py``, then the
environment: ``DATABASE_URL``, ``SECRET_KEY`` and ``PARLIAMENT_TRACKER_<NAME>``.
"""

from __future__ import annotations

import os
from typing import Any


def default_settings(instance_path: str) -> dict[str, Any]:
    return {
        **_web_settings(instance_path),
        **_letter_settings(instance_path),
        **_tk_settings(),
        **_mail_and_job_settings(),
        **_sign_in_settings(),
    }


def _sign_in_settings() -> dict[str, Any]:
    """Signing in with the organisation's identity provider (OpenID Connect; parliament_tracker.sso)."""
    return {
        # Empty: no identity provider, local passwords only. E.g. Entra ID
        # "https://login.microsoftonline.com/<tenant>/v2.0", Keycloak "https://kc/realms/<realm>".
        "OIDC_ISSUER": "",
        # Empty: <OIDC_ISSUER>/.well-known/openid-configuration (read once per process).
        "OIDC_DISCOVERY_URL": "",
        "OIDC_CLIENT_ID": "",
        "OIDC_CLIENT_SECRET": "",
        "OIDC_SCOPES": "openid profile email",
        # The login page's button: "Inloggen met <OIDC_DISPLAY_NAME>".
        "OIDC_DISPLAY_NAME": "SSO",
        "OIDC_USERNAME_CLAIM": "preferred_username",
        "OIDC_NAME_CLAIM": "name",
        "OIDC_EMAIL_CLAIM": "email",
        # The claim with the user's groups or roles (Entra ID: "groups" or "roles").
        "OIDC_GROUPS_CLAIM": "groups",
        # group -> {"role": ..., "directorate": code}; the first entry the user's groups contain
        # decides, checked at every sign-in. No mapped group: refused (no default role).
        "OIDC_GROUP_MAPPING": {},
        # A local account with the same user name is linked at its first sign-in.
        "OIDC_LINK_LOCAL_ACCOUNTS": True,
        # The origin of the provider's end_session_endpoint when it differs from the issuer's
        # (the logout form may redirect there: Content-Security-Policy form-action).
        "OIDC_LOGOUT_ORIGIN": "",
        "OIDC_TIMEOUT": 10,
        # False: nobody signs in with a local password, except the break-glass administrator.
        "LOCAL_PASSWORDS_ENABLED": True,
        "BREAK_GLASS_ADMIN": "",
    }


def _web_settings(instance_path: str) -> dict[str, Any]:
    """The database, sessions and logins, pages and uploads."""
    return {
        # None: read from instance/secret_key (``make run`` writes a random one there once);
        # without either the app refuses to start, except under tests (see require_secret_key).
        "SECRET_KEY": None,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(instance_path, "parliament_tracker.sqlite"),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # PostgreSQL (psycopg): a pooled connection the server has closed since (a restart, an
        # idle timeout) is replaced at check-out, found by a poll of its socket rather than
        # pool_pre_ping's SELECT 1 round trip (factory.check_pooled_connections). To ping instead:
        # PARLIAMENT_TRACKER_SQLALCHEMY_ENGINE_OPTIONS='{"pool_pre_ping": true}' and
        # PARLIAMENT_TRACKER_CHECK_POOLED_CONNECTIONS=false.
        "CHECK_POOLED_CONNECTIONS": True,
        # SQLite only: how long a write waits for the writer before it (writes queue up, since
        # they begin IMMEDIATE) before it fails with "database is locked".
        "SQLITE_BUSY_TIMEOUT_MS": 30000,
        # Session cookies: HttpOnly always; Secure unless explicitly running over plain HTTP
        # (the embedded demo on 127.0.0.1 sets SESSION_COOKIE_SECURE=False through make run).
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_SECURE": True,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PERMANENT_SESSION_LIFETIME": 8 * 3600,
        # what was typed into a form refused for an ended session or CSRF token (kept_forms)
        "KEPT_FORMS_DIR": os.path.join(instance_path, "kept_forms"),
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        # a page with a form warns this long before its CSRF token (the form's life) runs out,
        # offering to stay signed in (static/app.js, POST /session/keepalive)
        "SESSION_WARNING_SECONDS": 5 * 60,
        "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
        "BABEL_DEFAULT_LOCALE": "nl",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Amsterdam",
        "LANGUAGES": ["nl", "en"],
        # Failed-login throttling, per account name and per client address: after
        # LOGIN_MAX_FAILURES failures for a name (or LOGIN_MAX_FAILURES_PER_ADDRESS from one
        # address) the next attempt waits LOGIN_DELAY_SECONDS, doubling with every further
        # failure up to LOGIN_LOCKOUT_SECONDS. A browser that logged in to the account before
        # (signed "known device" cookie) is not held by the account's throttle.
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_MAX_FAILURES_PER_ADDRESS": 20,
        "LOGIN_DELAY_SECONDS": 30,
        "LOGIN_LOCKOUT_SECONDS": 15 * 60,
        "KNOWN_DEVICE_DAYS": 90,
        "CASES_PER_PAGE": 50,
        "ATTACHMENT_MAX_BYTES": 20 * 1024 * 1024,
        # An outside contributor's link opens their one contribution for this many days.
        "CONTRIBUTION_LINK_DAYS": 14,
        # Woo files: linked cases followed this deep; a search's file is built this many cases
        # per step and its download link (and the stored ZIP) lasts this many hours
        "WOO_LINK_DEPTH": 1,
        "WOO_EXPORT_BATCH_CASES": 10,
        "WOO_EXPORT_LINK_HOURS": 72,
        # retention: a case removed from a destruction list is not proposed again for this long
        "RETENTION_RECONSIDER_DAYS": 365,
        "BASE_URL": "http://127.0.0.1:5000",
        "MINISTRY_NAME": "Ministerie van Justitie en Veiligheid",
    }


def _letter_settings(instance_path: str) -> dict[str, Any]:
    """Letters: rendering, their limits, the sender's blocks, signing."""
    return {
        # Letters: the PDF font (an installed, open font), upload limit and the sender's blocks.
        "LETTER_FONT_FAMILY": "DejaVu Sans",
        "LETTER_PDF_TAGGED": True,
        "LETTER_MAX_UPLOAD_BYTES": 5 * 1024 * 1024,
        # What may be laid out, checked before rendering: the DOCX's text parts (unpacked) and
        # paragraphs, and a generated letter's answers and body (characters of text).
        "LETTER_MAX_DOCX_XML_BYTES": 4 * 1024 * 1024,
        "LETTER_MAX_PARAGRAPHS": 3000,
        "LETTER_MAX_ANSWERS": 200,
        "LETTER_MAX_ANSWERS_CHARS": 300_000,
        "LETTER_MAX_BODY_CHARS": 300_000,
        "LETTER_MAX_PAGES": 100,
        # Renders run in this many worker processes per web process (0: in the web process), each
        # render within a wall time and each worker within an address space; a worker over its
        # time is killed and replaced.
        "LETTER_RENDER_PROCESSES": 1,
        "LETTER_RENDER_TIMEOUT_SECONDS": 30,
        "LETTER_RENDER_MEMORY_BYTES": 1024 * 1024 * 1024,
        "LETTER_SENDER_UNIT": "",
        "LETTER_VISITING_ADDRESS": "Turfmarkt 147, 2511 DP Den Haag",
        "LETTER_POSTAL_ADDRESS": "Postbus 20301, 2500 EH Den Haag",
        "LETTER_WEBSITE": "www.rijksoverheid.nl/jenv",
        "LETTER_RETURN_ADDRESS": "Postbus 20301 2500 EH Den Haag",
        # Signing (PAdES with pyHanko): the PKCS#12 and its passphrase (``flask signing dev-cert``
        # makes a self-signed one here), an optional RFC 3161 timestamp server, the PAdES level, the PEM roots
        # trusted by /verify (default: the dev root beside the PKCS#12) and the Ons kenmerk scheme.
        "SIGNING_PKCS12_PATH": os.path.join(instance_path, "signing", "dev.p12"),
        "SIGNING_PKCS12_PASSPHRASE": os.environ.get("SIGNING_PKCS12_PASSPHRASE", "demo"),
        "SIGNING_TSA_URL": "",
        # PAdES level: "B-B", "B-T", "B-LT" or "B-LTA"; empty: the highest the configuration
        # allows (B-LTA with SIGNING_TSA_URL, B-B without). B-T and up need SIGNING_TSA_URL; B-LT
        # and B-LTA fetch the chain's revocation data (CRL/OCSP over HTTP) when signing.
        "SIGNING_PADES_LEVEL": "",
        "SIGNING_TRUST_ROOTS": [],
        "SIGNING_LOCATION": "Den Haag",
        "OUR_REFERENCE_FORMAT": "{year}-{seq:07d}",
        # Archive package (MDTO metadata): the archiefvormer, and the classificatie of letters
        # ({"label", "code", "scheme"}; empty: the letter kind in the app's own list).
        "ARCHIVE_CREATOR": "Ministerie van Justitie en Veiligheid",
        "ARCHIVE_CLASSIFICATION": {},
    }


def _tk_settings() -> dict[str, Any]:
    """The Tweede Kamer's open data and the sync jobs."""
    return {
        # Tweede Kamer open data (OData v4)
        "TK_API_URL": "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/",
        "TK_CONNECT_TIMEOUT": 5.0,
        "TK_READ_TIMEOUT": 20.0,
        "TK_MAX_RETRIES": 2,
        "TK_BACKOFF_SECONDS": 1.0,
        # Many Zaken by number (tk_reconcile): this many numbers per request ("Nummer eq … or …",
        # fewer when the URL would pass 2,000 characters), at most this many requests at a time.
        "TK_BATCH_SIZE": 40,
        "TK_PARALLEL_REQUESTS": 4,
        # Sync jobs (tk_watch, tk_reconcile, tk_events; see parliament_tracker/tk/sync.py).
        # Offices whose new written questions are registered; None: the active signatories' titles.
        "TK_WATCH_OFFICES": None,
        # The first watch run (no watermark yet) looks this many days back.
        "TK_WATCH_FIRST_DAYS": 14,
        # When the Kamer publishes an uitstelbericht, record the postponement (deadline to 6 weeks).
        "TK_RECONCILE_RECORD_POSTPONEMENT": True,
        # When the Kamer publishes the answer, move the case to "answered" (off: only show it).
        "TK_RECONCILE_MARK_ANSWERED": False,
        # Committees (names, abbreviations or ids) whose debates become events; "Tweede Kamer"
        # leads the plenary debates, of which only those naming TK_EVENT_PLENARY_KEYWORDS are kept.
        "TK_EVENT_COMMITTEES": ["Justitie en Veiligheid", "Tweede Kamer"],
        "TK_EVENT_PLENARY_KEYWORDS": ["Justitie en Veiligheid"],
        "TK_EVENT_KINDS": ["budget_debate", "committee_debate"],
        "TK_EVENT_DAYS_BACK": 30,
        "TK_EVENT_DAYS_AHEAD": 365,
    }


def _mail_and_job_settings() -> dict[str, Any]:
    """E-mail, the other delivery channels, and the scheduler."""
    return {
        # E-mail. Without SMTP_HOST nothing is sent: messages wait in the outbox (admin page).
        "SMTP_HOST": None,
        "SMTP_PORT": 587,
        "SMTP_STARTTLS": True,
        "SMTP_SSL": False,
        "SMTP_USER": None,
        "SMTP_PASSWORD": None,
        "SMTP_TIMEOUT": 30.0,
        "MAIL_SENDER": "Parliament Tracker <noreply@example.org>",
        # Reminders go out this many working days before a milestone or due date.
        "REMINDER_WORKING_DAYS_BEFORE": 2,
        # The escalation and weekly digest jobs queue this many messages per step (one commit each).
        "NOTIFICATION_BATCH": 1000,
        # the owner of a standard line is reminded this many working days before it expires
        "STANDARD_LINE_REMINDER_WORKING_DAYS": 10,
        # A failed message is retried on every send_outbox run, up to this many attempts.
        "MAIL_MAX_ATTEMPTS": 20,
        # Delivery channels (modules in notifications/channels/), besides the in-app list.
        "NOTIFICATION_CHANNELS": ["email"],
        # The scheduler process (flask scheduler run): crontab expressions in Europe/Amsterdam.
        "SCHEDULER_TIMEZONE": "Europe/Amsterdam",
        # Per job, a crontab expression that replaces its default (scheduler.DEFAULT_SCHEDULES);
        # null or "" switches the job off.
        "JOB_SCHEDULES": {},
        # The scheduler process writes its heartbeat this often (GET /health reads it).
        "SCHEDULER_HEARTBEAT_SECONDS": 60,
        # GET /health: the heartbeat may be this old; a job's run may come this late after its
        # time; e-mail may wait this long in the outbox (with SMTP_HOST set).
        "HEALTH_HEARTBEAT_MAX_AGE_SECONDS": 300,
        "HEALTH_JOB_GRACE_SECONDS": 1800,
        "HEALTH_MAIL_MAX_AGE_SECONDS": 3600,
        # GET /metrics (Prometheus): a bearer token and/or the client networks allowed to scrape;
        # with neither, /metrics answers 404.
        # Behind a reverse proxy: how many proxies set each X-Forwarded-* header (werkzeug
        # ProxyFix), e.g. {"x_for": 1, "x_proto": 1, "x_host": 1}; empty: not behind a proxy.
        "PROXY_FIX": {},
        # Logs as JSON lines on standard error: one per request (with its X-Request-ID), and the
        # app's own records (errors with their traceback) with the request id they belong to.
        "JSON_LOGS": False,
        "METRICS_TOKEN": "",
        "METRICS_ALLOWED_NETWORKS": [],
    }


def environment_overrides(environ: os._Environ[str] | dict[str, str]) -> dict[str, Any]:
    """Settings taken from the environment (values parsed as JSON where they look like it)."""
    import json

    overrides: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        url = environ["DATABASE_URL"]
        # Heroku-style URLs and plain postgresql:// use psycopg 3, which is what we install.
        if url.startswith("postgres://"):
            url = "postgresql://" + url.removeprefix("postgres://")
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        overrides["SQLALCHEMY_DATABASE_URI"] = url
    if environ.get("SECRET_KEY"):
        overrides["SECRET_KEY"] = environ["SECRET_KEY"]
    prefix = "PARLIAMENT_TRACKER_"
    for key, raw in environ.items():
        if not key.startswith(prefix):
            continue
        name = key.removeprefix(prefix)
        try:
            value: Any = json.loads(raw)
        except ValueError:
            value = raw
        overrides[name] = value
    return overrides


#: keys that were defaults once: anyone can sign a session with them
KNOWN_UNSAFE_KEYS = frozenset({"", "dev-only-change-me", "dev", "change-me", "secret"})

SECRET_KEY_FILE = "secret_key"


class MissingSecretKey(RuntimeError):
    pass


def require_secret_key(config: dict[str, Any], instance_path: str) -> None:
    """Use SECRET_KEY from the settings, else from ``instance/secret_key``; refuse to start
    without a real one (a known key lets anyone forge an administrator's session). Tests
    (TESTING) are exempt and get a throwaway key."""
    key = config.get("SECRET_KEY")
    path = os.path.join(instance_path, SECRET_KEY_FILE)
    if not key and os.path.isfile(path):
        with open(path, encoding="utf-8") as handle:
            key = handle.read().strip()
        config["SECRET_KEY"] = key
    if key and str(key) not in KNOWN_UNSAFE_KEYS:
        return
    if config.get("TESTING"):
        import secrets

        config["SECRET_KEY"] = secrets.token_hex(32)
        return
    raise MissingSecretKey(
        "SECRET_KEY is not set (or is a well-known default). Set the SECRET_KEY environment variable "
        f"or SECRET_KEY in instance/config.py to a long random string, or write one to {path} "
        "(`make run` does this for a development checkout). Without it anyone can forge a session."
    )
