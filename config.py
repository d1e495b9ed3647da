"""Configuration classes. Every setting that differs between machines comes
from the environment, so the same code runs on a laptop and in production."""
from __future__ import annotations

import os
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Hosting platforms hand out postgres:// URLs; psycopg 3 needs its dialect named.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


SECRET_KEY_FILE = "secret_key"


def instance_secret_key(instance_dir: Path | str) -> str:
    """The secret key of an installation that configures none: drawn at random the first
    time, kept in the instance folder readable by its owner only, and read back ever
    after, so sessions survive a restart and no two installations share a key.

    Several processes may start at once: each writes a candidate to a private temporary
    file and links it into place; the first link wins and everyone reads that one."""
    path = Path(instance_dir) / SECRET_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, candidate = tempfile.mkstemp(dir=path.parent, prefix=".secret_key-")  # mode 0600
        try:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_urlsafe(48) + "\n")
            try:
                os.link(candidate, path)
            except FileExistsError:
                pass
        finally:
            os.unlink(candidate)
    key = path.read_text().strip()
    if len(key) < 32:
        raise RuntimeError(f"{path} holds no usable secret key: delete it to have a new one drawn.")
    return key


def _pooler_options() -> dict:
    """DATABASE_POOLER=pgbouncer: PostgreSQL is reached through PgBouncer in transaction
    mode, where a prepared statement would outlive the transaction that made it on a
    server connection another client gets next: psycopg prepares none."""
    pooler = os.environ.get("DATABASE_POOLER", "").strip().lower()
    if pooler in ("", "none"):
        return {}
    if pooler != "pgbouncer":
        raise RuntimeError(f"DATABASE_POOLER={pooler!r}: the only pooler known is 'pgbouncer'.")
    return {"connect_args": {"prepare_threshold": None}}


# A machine whose way to PostgreSQL breaks (a switch, a firewall, a failover) must find out
# in seconds, not after the kernel's 15 minutes of TCP retransmissions: a request then
# fails (503) instead of holding its worker, and /readyz takes the machine out.
POSTGRES_CONNECTION = {
    "connect_timeout": int(os.environ.get("DATABASE_CONNECT_TIMEOUT", "5")),
    # Data sent and not acknowledged for this long (ms) ends the connection.
    "tcp_user_timeout": int(os.environ.get("DATABASE_TCP_USER_TIMEOUT_MS", "10000")),
    "keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
}


def _engine_options(url: str) -> dict:
    options = {"pool_pre_ping": True, **_pooler_options()}
    if url.startswith("postgresql"):
        options["connect_args"] = {**POSTGRES_CONNECTION, **options.get("connect_args", {})}
    return options


def served_by_gunicorn() -> bool:
    """Gunicorn's arbiter announces itself in the environment of its workers."""
    return os.environ.get("SERVER_SOFTWARE", "").startswith("gunicorn/")


class Config:
    # Unset, development and testing use a key drawn for the instance (init_app below);
    # production refuses to start.
    SECRET_KEY = os.environ.get("SECRET_KEY", "")
    INSTANCE_DIR = Path(os.environ.get("KURULTAI_INSTANCE_DIR", BASE_DIR / "instance"))
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'kurultai.db'}")
    SQLALCHEMY_ENGINE_OPTIONS: dict = _engine_options(SQLALCHEMY_DATABASE_URI)
    UPLOAD_DIR = Path(os.environ.get("UPLOAD_DIR", INSTANCE_DIR / "uploads"))
    # Where uploaded files are kept (app/utils/storage.py): unset, UPLOAD_DIR;
    # file:///path, another directory; s3://bucket/prefix, a bucket every machine shares,
    # reached at S3_ENDPOINT_URL (unset: AWS) with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
    STORAGE_URL = os.environ.get("STORAGE_URL", "")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")
    S3_REGION = os.environ.get("S3_REGION", "")
    # Slides at least this large are handed out as a link to the bucket valid for a minute,
    # instead of passing through the application; 0 streams them all.
    STORAGE_LINK_MIN_BYTES = _env_int("STORAGE_LINK_MIN_BYTES", 0)
    MAX_CONTENT_LENGTH = _env_int("MAX_CONTENT_LENGTH", 60 * 1024 * 1024)
    # Speakers' slides; MAX_CONTENT_LENGTH above must stay larger.
    SLIDES_MAX_BYTES = _env_int("SLIDES_MAX_BYTES", 50 * 1024 * 1024)
    SPEAKER_LINK_DAYS = _env_int("SPEAKER_LINK_DAYS", 30)
    # Personal data: days between an erasure request and the erasure; days an event keeps
    # personal data after its last day before `flask purge-personal-data` anonymises it.
    PRIVACY_ERASURE_GRACE_DAYS = _env_int("PRIVACY_ERASURE_GRACE_DAYS", 14)
    PRIVACY_EVENT_RETENTION_DAYS = _env_int("PRIVACY_EVENT_RETENTION_DAYS", 365)

    # Public address used for every link put in an email: never the request's Host header.
    SERVER_NAME = os.environ.get("SERVER_NAME", "127.0.0.1:5000")
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    APPLICATION_ROOT = os.environ.get("APPLICATION_ROOT", "/")
    # Number of reverse proxies in front of the app whose X-Forwarded-* headers we trust.
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    SESSION_COOKIE_NAME = "kurultai_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=_env_int("SESSION_ABSOLUTE_HOURS", 12))
    SESSION_IDLE_MINUTES = _env_int("SESSION_IDLE_MINUTES", 60)
    SESSION_ABSOLUTE_HOURS = _env_int("SESSION_ABSOLUTE_HOURS", 12)

    WTF_CSRF_TIME_LIMIT = 8 * 3600

    MAIL_SERVER = os.environ.get("MAIL_SERVER", "")
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "Kurultai <no-reply@kurultai.local>")
    MAIL_MAX_ATTEMPTS = _env_int("MAIL_MAX_ATTEMPTS", 8)
    # A mail worker claims this many messages at a time, and holds each for this long
    # (renewed just before sending it): longer than one message can take to send.
    MAIL_CLAIM_BATCH = _env_int("MAIL_CLAIM_BATCH", 5)
    MAIL_LEASE_SECONDS = _env_int("MAIL_LEASE_SECONDS", 300)

    # Background jobs (app/jobs, docs/jobs.md): huey's queue, sqlite:///<file> (the default:
    # instance/jobs-queue.db) or redis://host:port/db for several machines. The files jobs
    # make go to the file storage (STORAGE_URL) under jobs/.
    JOBS_URL = os.environ.get("JOBS_URL", "")
    JOBS_IMMEDIATE = _env_bool("JOBS_IMMEDIATE", False)
    # A running job whose heartbeat is older than this is taken for dead and queued again,
    # at most JOBS_MAX_ATTEMPTS runs in all.
    JOBS_STALE_MINUTES = _env_int("JOBS_STALE_MINUTES", 10)
    JOBS_MAX_ATTEMPTS = _env_int("JOBS_MAX_ATTEMPTS", 3)
    # The files jobs make (badge PDFs, reports) are deleted this many days after the job ends.
    JOBS_KEEP_DAYS = _env_int("JOBS_KEEP_DAYS", 7)
    # Above these sizes a badge PDF or a report PDF is made by a background job.
    BADGES_JOB_THRESHOLD = _env_int("BADGES_JOB_THRESHOLD", 200)
    REPORT_PDF_JOB_ROWS = _env_int("REPORT_PDF_JOB_ROWS", 500)

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    # memory:// counts in each process on its own; production accepts it only when told
    # that a single process serves.
    RATELIMIT_ALLOW_MEMORY = _env_bool("RATELIMIT_ALLOW_MEMORY", False)
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_LOGIN = os.environ.get("RATELIMIT_LOGIN", "10 per minute;50 per hour")
    RATELIMIT_SENSITIVE = os.environ.get("RATELIMIT_SENSITIVE", "5 per minute;30 per hour")

    # The JSON API (app/api): limits per token and per address, If-Match required on
    # writes, and the networks webhooks may reach although they are not public.
    API_RATE_LIMIT_TOKEN = os.environ.get("API_RATE_LIMIT_TOKEN", "600 per minute")
    API_RATE_LIMIT_ADDRESS = os.environ.get("API_RATE_LIMIT_ADDRESS", "300 per minute")
    # An offline check-in desk's roster polls and scan uploads, per desk token.
    DESK_SYNC_RATE_LIMIT = os.environ.get("DESK_SYNC_RATE_LIMIT", "120 per minute")
    # Its downloads of delegates' photos (100 a request), where the event allows them.
    DESK_PHOTO_RATE_LIMIT = os.environ.get("DESK_PHOTO_RATE_LIMIT", "300 per minute")
    API_REQUIRE_IF_MATCH = _env_bool("API_REQUIRE_IF_MATCH", False)
    WEBHOOK_ALLOWED_NETWORKS = [n for n in os.environ.get("WEBHOOK_ALLOWED_NETWORKS", "").split(",") if n.strip()]

    # How long a worker trusts its copy of an event's publication token before checking
    # the database again: a new publication reaches every worker within this time.
    PUBLIC_CACHE_TTL = float(os.environ.get("PUBLIC_CACHE_TTL", "1"))
    # Seconds a worker keeps the check-in desk's live counts (0: counted at every scan).
    CHECKIN_COUNTS_SECONDS = float(os.environ.get("CHECKIN_COUNTS_SECONDS", "2"))

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = {"en": "English", "ru": "Русский", "kk": "Қазақша"}

    BOOTSTRAP_SERVE_LOCAL = True
    PASSWORD_MIN_LENGTH = 10
    # argon2id cost as PasswordHasher arguments: OWASP's web-server choice (19 MiB, 2
    # passes, 1 lane), about a sixth of argon2-cffi's 64 MiB x 3 in CPU and memory per
    # login or registration. Hashes made with other parameters are renewed at login.
    PASSWORD_HASH_PARAMETERS: dict | None = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
    TOKEN_HOURS_VERIFY = 48
    TOKEN_HOURS_RESET = 2
    HSTS = False
    SEED_ALLOWED = True
    TESTING = False
    DEBUG = False

    @classmethod
    def init_app(cls, app) -> None:
        """Complete and check the settings of a new app (called by create_app)."""
        if not app.config["SECRET_KEY"]:
            app.config["SECRET_KEY"] = instance_secret_key(app.config["INSTANCE_DIR"])


class DevelopmentConfig(Config):
    DEBUG = True
    # Plain http on 127.0.0.1 during development; production keeps secure cookies.
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", False)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE

    @classmethod
    def init_app(cls, app) -> None:
        super().init_app(app)
        # `gunicorn wsgi:app` without KURULTAI_ENV lands here: that is a server, not a
        # developer's terminal, so debug waits for an explicit FLASK_DEBUG=1.
        if served_by_gunicorn():
            app.config["DEBUG"] = _env_bool("FLASK_DEBUG", False)
            app.logger.warning("The development configuration is served by gunicorn; "
                               "set KURULTAI_ENV=production for a real deployment.")


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing-secret"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    SERVER_NAME = "summit.test"
    PREFERRED_URL_SCHEME = "https"
    STORAGE_URL = ""  # the test's own UPLOAD_DIR, whatever the environment says
    STORAGE_LINK_MIN_BYTES = 0
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    MAIL_SERVER = ""
    PUBLIC_CACHE_TTL = 0.0
    CHECKIN_COUNTS_SECONDS = 0.0
    # Jobs run in the test's own process as their transaction commits: no worker needed.
    JOBS_URL = "memory://"
    JOBS_IMMEDIATE = True
    # Still argon2id, at the lowest cost: tests check what is hashed and verified, and
    # the production cost (~0.15 s a hash) made the demo seed alone take seconds per test.
    PASSWORD_HASH_PARAMETERS = {"time_cost": 1, "memory_cost": 1024, "parallelism": 1}


class ProductionConfig(Config):
    HSTS = True
    SEED_ALLOWED = False
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")

    @classmethod
    def init_app(cls, app) -> None:
        """Refuse to start on settings that are unsafe with real users."""
        config = app.config
        if len(config["SECRET_KEY"] or "") < 32:
            raise RuntimeError("Set SECRET_KEY to a random value of at least 32 characters.")
        if (config.get("RATELIMIT_ENABLED", True) and config["RATELIMIT_STORAGE_URI"].startswith("memory://")
                and not config["RATELIMIT_ALLOW_MEMORY"]):
            raise RuntimeError(
                "RATELIMIT_STORAGE_URI is memory://, which counts in each worker process on its own: "
                "with several gunicorn workers a client gets several times its limit. Set "
                "RATELIMIT_STORAGE_URI to a storage every worker shares (e.g. redis://127.0.0.1:6379/0), "
                "or RATELIMIT_ALLOW_MEMORY=1 if exactly one process serves.")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env():
    return CONFIGS[os.environ.get("KURULTAI_ENV", "development")]
