"""Configuration from the environment.

One class holds the defaults, read from environment variables so that the same code runs the demo, the
tests and production; tests hand their overrides to `create_app` as a mapping.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

# The deployment folder: it holds the content a network edits without touching code (questionnaires/, reports/)
# and migrations/ and instance/. A checkout by default; BENCHLEARN_ROOT names it when the package is installed
# elsewhere (`pip install .` puts only the code in site-packages).
PROJECT_ROOT = Path(os.environ.get("BENCHLEARN_ROOT") or Path(__file__).resolve().parent.parent).resolve()
DEFAULT_SECRET_KEY = "benchlearn-development-only-secret"


def database_url_from_env() -> str | None:
    """`DATABASE_URL` as SQLAlchemy wants it: `postgresql://` URLs are served by psycopg 3."""
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


class Config:
    """Defaults for every setting; each can be set in the environment under the same name."""

    def __init__(self) -> None:
        env = os.environ
        self.ENVIRONMENT = env.get("BENCHLEARN_ENV", "development")
        self.SECRET_KEY = env.get("SECRET_KEY", DEFAULT_SECRET_KEY)
        # None means: the embedded SQLite database in the instance folder (set by create_app).
        self.SQLALCHEMY_DATABASE_URI = database_url_from_env()
        # No pool_pre_ping: it costs a `SELECT 1` round trip on every connection checkout, i.e. on every request
        # (measured: ~0.3 ms of gunicorn CPU and one of three PostgreSQL round trips of a respondent's GET page).
        # A connection the server dropped is still handled: SQLAlchemy recognises the disconnect error, fails
        # that one request (503, survey/errors.py) and invalidates the whole pool, so the next request
        # reconnects. Respondents' requests have a pool of their own that does the same and retries their
        # first read (survey/respond/connection.py). pool_recycle retires
        # connections before idle-timeouts of firewalls or poolers close them under us.
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": False, "pool_recycle": 1800}
        self.K_MIN = int(env.get("K_MIN", "5"))
        self.LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        self.RATELIMIT_ENABLED = env.get("RATELIMIT_ENABLED", "1") != "0"
        self.LOGIN_RATE_LIMIT = env.get("LOGIN_RATE_LIMIT", "10 per minute;50 per hour")
        self.MAX_CONTENT_LENGTH = int(env.get("MAX_UPLOAD_BYTES", str(2 * 1024 * 1024)))
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = self.ENVIRONMENT == "production"
        self.REMEMBER_COOKIE_SECURE = self.ENVIRONMENT == "production"
        self.WTF_CSRF_TIME_LIMIT = None  # a form left open over a break must still submit
        # Where respondents reach the survey: the base of every link, in pages, CSV, posters, e-mails and the CLI.
        self.PUBLIC_URL = env.get("PUBLIC_URL", "http://127.0.0.1:5000")
        # Host names requests may name (others answer 400); None: PUBLIC_URL's host (see trusted_hosts).
        self.TRUSTED_HOSTS = [host.strip() for host in env.get("TRUSTED_HOSTS", "").split(",") if host.strip()] or None
        # How many proxies in front of the app set X-Forwarded-For/-Proto (werkzeug's ProxyFix); 0: none is
        # trusted, and the client address is the connection's.
        self.TRUSTED_PROXIES = int(env.get("TRUSTED_PROXIES", "0"))
        # Outgoing e-mail (personal invitations). Without a server, development writes .eml files to
        # MAIL_OUTBOX (default: instance/outbox); production insists on SMTP.
        self.MAIL_SERVER = env.get("MAIL_SERVER")
        self.MAIL_PORT = int(env.get("MAIL_PORT", "587"))
        self.MAIL_USERNAME = env.get("MAIL_USERNAME")
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD")
        self.MAIL_USE_TLS = env.get("MAIL_USE_TLS", "1").lower() not in ("0", "false", "no")
        self.MAIL_FROM = env.get("MAIL_FROM", "Benchlearn <noreply@benchlearn.example>")
        self.MAIL_BACKEND = env.get("MAIL_BACKEND") or (
            "smtp" if self.MAIL_SERVER or self.ENVIRONMENT == "production" else "file"
        )
        self.MAIL_OUTBOX = env.get("MAIL_OUTBOX")
        # Invitation mail in bulk: messages per minute (the provider's rate limit), and the mailbox named in the
        # List-Unsubscribe header beside the https link (default: MAIL_FROM's address).
        self.MAIL_PER_MINUTE = int(env.get("MAIL_PER_MINUTE", "60"))
        self.MAIL_UNSUBSCRIBE = env.get("MAIL_UNSUBSCRIBE")
        # Accounts: how long an invitation's set-password link and a password reset link work (seconds), and
        # how often one client address may ask for reset links.
        self.INVITATION_MAX_AGE = int(env.get("INVITATION_MAX_AGE", str(7 * 24 * 3600)))
        self.PASSWORD_RESET_MAX_AGE = int(env.get("PASSWORD_RESET_MAX_AGE", "3600"))
        # Where the data is hosted, as the records of processing state it (data processing agreements expect
        # the EU), and where the accessibility statement sends feedback (None: the statement asks people to
        # write to the network that invited them).
        self.HOSTING_LOCATION = env.get("HOSTING_LOCATION", "EU")
        self.ACCESSIBILITY_CONTACT = env.get("ACCESSIBILITY_CONTACT") or None
        self.PASSWORD_RESET_RATE_LIMIT = env.get("PASSWORD_RESET_RATE_LIMIT", "5 per minute;20 per hour")
        # Single sign-on with OpenID Connect, per network: {network slug: {issuer, client_id, client_secret,
        # name}} (see oidc_providers_from_env).
        self.OIDC_PROVIDERS = oidc_providers_from_env(env)
        # Background jobs (survey/jobs): Celery on this broker when set, else a thread pool of the web process;
        # JOB_RUNNER=celery|inprocess forces one; JOB_THREADS: the in-process pool's size.
        self.REDIS_URL = env.get("REDIS_URL")
        self.CELERY_BROKER_URL = env.get("CELERY_BROKER_URL")
        self.JOB_RUNNER = env.get("JOB_RUNNER")
        self.JOB_THREADS = int(env.get("JOB_THREADS", "2"))
        self.REPORTS_DIR = env.get("REPORTS_DIR")
        # Practice cards' attachments: the folder they are kept in (default: instance/attachments, outside the
        # web root; downloads go through the app, which checks the reader may see the card) and the largest file.
        self.ATTACHMENT_DIR = env.get("ATTACHMENT_DIR")
        self.ATTACHMENT_MAX_BYTES = int(env.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))

    def as_mapping(self) -> dict[str, object]:
        return {key: value for key, value in vars(self).items() if key.isupper()}


OIDC_SETTING = re.compile(r"^OIDC_([A-Z0-9_]+?)_(ISSUER|CLIENT_ID|CLIENT_SECRET|NAME|TRUST_EMAIL)$")
OIDC_REQUIRED = ("issuer", "client_id", "client_secret")


def oidc_providers_from_env(env) -> dict[str, dict[str, str]]:
    """OpenID Connect providers by network slug (survey.auth.sso.network_slug: the network's name in capitals,
    letters and digits, others as `_`, æ ø å as AE OE AA): `OIDC_PROVIDERS` as JSON
    (`{"SLUG": {"issuer": ..., "client_id": ..., "client_secret": ..., "name": "UNI-Login"}}`), and on top of it
    `OIDC_<SLUG>_ISSUER`, `OIDC_<SLUG>_CLIENT_ID`, `OIDC_<SLUG>_CLIENT_SECRET`, `OIDC_<SLUG>_NAME`, and
    `OIDC_<SLUG>_TRUST_EMAIL=1` for a provider that controls its users' addresses but sends no `email_verified`
    claim (Microsoft Entra ID: the institution's tenant issues the addresses). A provider missing issuer, client
    id or secret is refused at start-up rather than half-configured."""
    providers: dict[str, dict[str, str]] = {}
    if env.get("OIDC_PROVIDERS"):
        try:
            parsed = json.loads(env["OIDC_PROVIDERS"])
        except ValueError as error:
            raise ConfigurationError(f"OIDC_PROVIDERS is not valid JSON: {error}") from None
        if not isinstance(parsed, dict) or not all(isinstance(value, dict) for value in parsed.values()):
            raise ConfigurationError('OIDC_PROVIDERS must be an object: {"SLUG": {"issuer": ..., ...}}')
        providers = {slug.upper(): {key: str(value) for key, value in settings.items()}
                     for slug, settings in parsed.items()}
    for name, value in env.items():
        match = OIDC_SETTING.match(name)
        if match and value:
            providers.setdefault(match.group(1), {})[match.group(2).lower()] = value
    for slug, settings in providers.items():
        missing = [key for key in OIDC_REQUIRED if not settings.get(key)]
        if missing:
            raise ConfigurationError(
                f"single sign-on for {slug} lacks {', '.join(missing)}: set "
                + ", ".join(f"OIDC_{slug}_{key.upper()}" for key in missing)
            )
        settings["issuer"] = settings["issuer"].rstrip("/")
        settings.setdefault("name", "OpenID Connect")
    return providers


def trusted_hosts(config) -> list[str]:
    """TRUSTED_HOSTS as set, else PUBLIC_URL's host and SERVER_NAME's, with localhost in development."""
    if config.get("TRUSTED_HOSTS"):
        return list(config["TRUSTED_HOSTS"])
    hosts = [urlsplit(config["PUBLIC_URL"]).hostname]
    if config.get("SERVER_NAME"):
        hosts.append(urlsplit("//" + config["SERVER_NAME"]).hostname)
    if config.get("ENVIRONMENT") != "production":
        hosts += ["localhost", "127.0.0.1"]
    return [host for host in dict.fromkeys(hosts) if host]


class ConfigurationError(RuntimeError):
    """Raised at start-up when the settings would make the app unsafe to run."""


def check_production_safety(config: dict) -> None:
    if config.get("ENVIRONMENT") == "production" and config.get("SECRET_KEY") in (None, "", DEFAULT_SECRET_KEY):
        raise ConfigurationError(
            "BENCHLEARN_ENV=production but SECRET_KEY is not set: set SECRET_KEY to a long random value "
            "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
        )
