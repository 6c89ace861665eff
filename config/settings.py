"""Jejaring's settings: one file, every value from an environment variable (see .env.example).

Two shapes:
- embedded (the default, what ``make run`` uses): SQLite and keys under ``var/``, a Celery broker on the file system,
  email to the console, demo hints on;
- production (``DJANGO_ENV=production``): PostgreSQL, Redis and real secrets are required, and the process refuses to
  start, naming every missing variable, when one is absent.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env, env_bool, env_int, env_list, secret

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("JEJARING_VAR_DIR", str(BASE_DIR / "var")))

DJANGO_ENV = env("DJANGO_ENV", "development").strip().lower()
if DJANGO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG cannot be on when DJANGO_ENV=production")
TESTING = "pytest" in sys.modules or env_bool("JEJARING_TESTING", default=False)


def _embedded_secret(filename: str, make: str) -> str:
    """A secret generated once into var/ for the embedded (laptop) shape, never used in production."""
    path = VAR_DIR / filename
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    value = make
    path.write_text(value + "\n", encoding="utf-8")
    path.chmod(0o600)
    print(
        f"WARNING: generated a development secret in {path}. It protects only this laptop's demo data; "
        "production must set its own (see .env.example).",
        file=sys.stderr,
    )
    return value


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode()


def _key_bytes(name: str, text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be base64 (a 32-byte key), and it is not valid base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be a base64 32-byte key, not {len(key)} bytes")
    return key


def _check_production_secrets() -> None:
    """Production refuses bad secrets, naming the variable: keys that are not base64 32-byte keys, an index or log key
    equal to a master key (or to each other), a wildcard host, a site URL over plain http."""
    masters = [
        _key_bytes(f"JEJARING_MASTER_KEYS (key #{position + 1})", text)
        for position, text in enumerate(key.strip() for key in _master_keys.split(",") if key.strip())
    ]
    index = _key_bytes("JEJARING_INDEX_KEY", JEJARING_INDEX_KEY)
    log = _key_bytes("JEJARING_LOG_KEY", JEJARING_LOG_KEY)
    if index in masters:
        raise ImproperlyConfigured("JEJARING_INDEX_KEY must not be one of JEJARING_MASTER_KEYS: give it its own key")
    if log in masters:
        raise ImproperlyConfigured("JEJARING_LOG_KEY must not be one of JEJARING_MASTER_KEYS: give it its own key")
    if log == index:
        raise ImproperlyConfigured("JEJARING_LOG_KEY must not be the same as JEJARING_INDEX_KEY: give it its own key")
    if any("*" in host for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured("DJANGO_ALLOWED_HOSTS must name the site's hosts, not a wildcard '*'")
    if not SITE_URL.startswith("https://"):
        raise ImproperlyConfigured("JEJARING_SITE_URL must be an https:// address in production, not plain http")


# --- Secrets -------------------------------------------------------------------------------------------------
_missing: list[str] = []

SECRET_KEY = secret("DJANGO_SECRET_KEY")
DATABASE_URL = secret("DATABASE_URL")
CELERY_BROKER_URL = secret("CELERY_BROKER_URL")
# Master keys wrap each case's data key; the first is current, the others only unwrap (rotation).
_master_keys = secret("JEJARING_MASTER_KEYS")
# The blind-index key makes searchable HMACs of identity numbers, phones and names; never the same as a master key.
JEJARING_INDEX_KEY = secret("JEJARING_INDEX_KEY")
# The access-log key keys the log's HMAC chain and signs its anchors; kept out of the database, so that whoever can
# write the database cannot rewrite the log unseen. Never the same as a master or index key.
JEJARING_LOG_KEY = secret("JEJARING_LOG_KEY")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
SITE_URL = env("JEJARING_SITE_URL", "" if PRODUCTION else "http://127.0.0.1:8000").rstrip("/")
EMAIL_HOST = env("EMAIL_HOST")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "" if PRODUCTION else "Jejaring <no-reply@jejaring.invalid>")

if PRODUCTION:
    for name, value in [
        ("DJANGO_SECRET_KEY", SECRET_KEY),
        ("DATABASE_URL", DATABASE_URL),
        ("CELERY_BROKER_URL", CELERY_BROKER_URL),
        ("JEJARING_MASTER_KEYS", _master_keys),
        ("JEJARING_INDEX_KEY", JEJARING_INDEX_KEY),
        ("JEJARING_LOG_KEY", JEJARING_LOG_KEY),
        ("DJANGO_ALLOWED_HOSTS", ",".join(ALLOWED_HOSTS)),
        ("JEJARING_SITE_URL", SITE_URL),
        ("EMAIL_HOST", EMAIL_HOST),
        ("DEFAULT_FROM_EMAIL", DEFAULT_FROM_EMAIL),
    ]:
        if not value:
            _missing.append(name)
    if _missing:
        raise ImproperlyConfigured(
            "Jejaring refuses to start in production without: "
            + ", ".join(_missing)
            + " (each may also be given as NAME_FILE, a path to a file holding it; see .env.example)"
        )
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL in production")
    if not CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        raise ImproperlyConfigured("CELERY_BROKER_URL must point to Redis in production")
    if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 random characters long")
    _check_production_secrets()
else:
    SECRET_KEY = SECRET_KEY or _embedded_secret("secret_key", secrets.token_urlsafe(50))
    _master_keys = _master_keys or _embedded_secret("master.key", _new_key())
    JEJARING_INDEX_KEY = JEJARING_INDEX_KEY or _embedded_secret("index.key", _new_key())
    JEJARING_LOG_KEY = JEJARING_LOG_KEY or _embedded_secret("log.key", _new_key())
    DATABASE_URL = DATABASE_URL or f"sqlite:///{VAR_DIR / 'jejaring.sqlite3'}"

JEJARING_MASTER_KEYS = [key.strip() for key in _master_keys.split(",") if key.strip()]

# --- Applications --------------------------------------------------------------------------------------------
# The house, one layer per app, lowest first (imports run down this list; see docs/architecture.md).
INSTALLED_APPS = [
    "core",
    "accounts",
    "notifications",
    "audit",
    "casework",
    "referrals",
    "network",
    "learning",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "django_htmx",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django_otp's OTPMiddleware, with the user, membership, organisation and second-factor state in one statement.
    "accounts.middleware.SignedInUserMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A form posted after the session ended is offered again, not dropped by the redirect to the sign-in page.
    "core.csrf.SignedOutPostMiddleware",
    "accounts.middleware.SessionLifetimeMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
    "audit.middleware.RefusalLogMiddleware",
    "accounts.middleware.LanguageMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "core.not_found.FriendlyNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "casework.middleware.CryptoErrorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "core.context_processors.shell",
            ],
            # {% url %} without a full reverse() per row of a list (core/templatetags/fast_url.py)
            "builtins": ["core.templatetags.fast_url"],
        },
    },
]

# Form fields render through templates/django/forms/field.html (Bootstrap markup, errors beside the field).
FORM_RENDERER = "core.renderers.Renderer"  # TemplatesSetting, with the select widget written from Python
CSRF_FAILURE_VIEW = "core.csrf.csrf_failure"

# --- Database ------------------------------------------------------------------------------------------------
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # Tests use a file, not memory: concurrent writers (the access log chain test) need SQLite's file locking and
    # busy timeout; an in-memory shared cache answers "table is locked" at once instead of waiting.
    # One file per test run (process), so that two runs side by side do not share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
elif env_bool("DATABASE_POOL", default=PRODUCTION):
    # Django's psycopg connection pool: each process keeps a few connections open and lends one to each request
    # (no connect, no health-check round trip per request). DATABASE_POOL_MAX: per process, at least the
    # threads of a gunicorn worker (or the concurrency of a Celery worker).
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": env_int("DATABASE_POOL_MIN", 2, minimum=1),
        "max_size": env_int("DATABASE_POOL_MAX", 8, minimum=1),
        "timeout": env_int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
    }
else:
    # Persistent connections, checked once per request before reuse.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Parameters bound by the server, and a statement run DATABASE_PREPARE_THRESHOLD times on one connection
    # prepared there: PostgreSQL then parses it once per connection and, where its generic plan costs no more than
    # the custom ones, plans it once too (the case list's and home's statements cost 1.5-2.5 ms to plan). Django turns
    # prepared statements off by default for poolers in transaction mode (PgBouncer without max_prepared_statements):
    # behind one, set DATABASE_PREPARE_THRESHOLD=0 ("off").
    # core/postgresql: Django's backend, with psycopg's own (C) loader of timestamps.
    DATABASES["default"]["ENGINE"] = "core.postgresql"
    _threshold = env_int("DATABASE_PREPARE_THRESHOLD", 5)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=_threshold or None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ---------------------------------------------------------------------------------------------------
# Sessions (read from the cache, written through to the database) and the navigation's counts. Production: Redis
# (JEJARING_CACHE_URL, else the broker's Redis), shared by every web and worker process, so that a sign-out or a new
# notification in one process is seen by all at once. Embedded: files under var/cache, shared by `make run`'s web
# process and its worker; tests: each process's memory.
CACHE_URL = env("JEJARING_CACHE_URL", CELERY_BROKER_URL if PRODUCTION else "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {
        "default": {
            "BACKEND": "core.cache.RedisCache",  # Django's, sharing one client per connection pool
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "jj",
            "OPTIONS": {"socket_timeout": 5, "socket_connect_timeout": 5},
        }
    }
elif CACHE_URL:
    raise ImproperlyConfigured("JEJARING_CACHE_URL must be a redis:// or rediss:// URL")
elif TESTING:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "jejaring"}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# --- Authentication ------------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UsernameOrEmailBackend",
    # Object permissions on cases come from the access gate (casework/access.py), never from grant rows alone:
    # guardian's own backend is not installed, so has_perm(perm, case) cannot disagree with visible_cases.
    "casework.backends.CaseAccessBackend",
]
# guardian keeps the grant tables; it needs no anonymous user account (none can reach a case).
ANONYMOUS_USER_NAME = None
# guardian warns when its backend is missing: leaving it out is the point (see casework/backends.py). SQLite warns
# that it ignores an index's included columns: they serve PostgreSQL's index-only scans (casework_case_owner_open).
SILENCED_SYSTEM_CHECKS = ["guardian.W001", "models.W040"]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = env_int("JEJARING_PASSWORD_RESET_MINUTES", 60, minimum=5) * 60

# django-axes: lock the (username, address) pair after repeated failures.
AXES_FAILURE_LIMIT = env_int("JEJARING_LOCKOUT_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("JEJARING_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # Jejaring keeps its own access log (accounts.AccessLog)
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# The client's address behind JEJARING_PROXY_COUNT trusted proxies (core.ip, through django-ipware): lockouts, the
# access log and its flags all see the same one.
JEJARING_PROXY_COUNT = env_int("JEJARING_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "core.ip.client_ip"
AXES_IPWARE_PROXY_COUNT = JEJARING_PROXY_COUNT - 1 if JEJARING_PROXY_COUNT else None
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if JEJARING_PROXY_COUNT else ["REMOTE_ADDR"]
AXES_USERNAME_CALLABLE = "accounts.backends.axes_username"

# django-otp: two-factor sign-in.
OTP_TOTP_ISSUER = "Jejaring"
OTP_TOTP_THROTTLE_FACTOR = 1
JEJARING_RECOVERY_CODES = 10

# --- Sessions and security -----------------------------------------------------------------------------------
IDLE_TIMEOUT = timedelta(minutes=env_int("JEJARING_IDLE_TIMEOUT_MINUTES", 30, minimum=1))
SESSION_MAX_AGE = timedelta(hours=env_int("JEJARING_SESSION_MAX_HOURS", 12, minimum=1))
SESSION_COOKIE_AGE = int(SESSION_MAX_AGE.total_seconds())
# Read from the cache, written to the database as well (a cache flush signs no one out); a sign-out deletes both.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL if PRODUCTION else "")
LANGUAGE_COOKIE_NAME = "jejaring_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    if env_bool("DJANGO_BEHIND_TLS_PROXY", default=True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy: the site itself and nothing else.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=()"
# Pages (by URL name) that need a feature: the attachment upload may take a photo with the phone's camera.
PERMISSIONS_POLICY_BY_URL_NAME = {"casework:attachments": "camera=(self), microphone=(), geolocation=()"}

# --- Internationalisation ------------------------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# Day-first dates in both languages (config/formats): never the US 12/01/2026 for 1 December.
FORMAT_MODULE_PATH = ["config.formats"]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("JEJARING_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- Static files --------------------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles" if PRODUCTION else VAR_DIR / "static")))
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The document library (learning/): files under random names, outside the static root, served only through a view.
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": env("JEJARING_DOCUMENTS_DIR", str(VAR_DIR / ("test-documents" if TESTING else "documents"))),
            "base_url": None,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            # Embedded: `make run` collects into var/static with Brotli and gzip copies beside each file, which
            # WhiteNoise serves to browsers that accept them; no manifest, so tests need no collectstatic.
            else "whitenoise.storage.CompressedStaticFilesStorage"
        )
    },
}

# `make run` collects the static files (compressed) before it starts: serve those, not the source folders, so that
# browsers get the Brotli or gzip copies. A plain `runserver` keeps serving the source folders as they change.
if not PRODUCTION and env_bool("JEJARING_STATIC_COLLECTED", default=False):
    WHITENOISE_USE_FINDERS = False
    WHITENOISE_AUTOREFRESH = False
# Source maps are for developers' tools only: not worth compressing at every collectstatic.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    *("jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv", "woff", "woff2"),
    "map",
]
# Attachments: encrypted chunks through Django's storage API. A folder under var/ on the embedded default; any
# S3-compatible store when JEJARING_ATTACHMENTS_S3_BUCKET is set (django-storages, imported only then).
JEJARING_ATTACHMENT_MAX_MB = env_int("JEJARING_ATTACHMENT_MAX_MB", 25, minimum=1)
JEJARING_ATTACHMENT_CHUNK_BYTES = 1024 * 1024
_attachments_bucket = env("JEJARING_ATTACHMENTS_S3_BUCKET", "")
if _attachments_bucket:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _attachments_bucket,
            "endpoint_url": env("JEJARING_ATTACHMENTS_S3_ENDPOINT_URL", "") or None,
            "region_name": env("JEJARING_ATTACHMENTS_S3_REGION", "") or None,
            "access_key": secret("JEJARING_ATTACHMENTS_S3_ACCESS_KEY") or None,
            "secret_key": secret("JEJARING_ATTACHMENTS_S3_SECRET_KEY") or None,
            "location": env("JEJARING_ATTACHMENTS_S3_PREFIX", "attachments"),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    STORAGES["attachments"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(VAR_DIR / "attachments"),
            "directory_permissions_mode": 0o700,
            "file_permissions_mode": 0o600,
        },
    }
# Uploads above this many bytes are spooled to a temporary file instead of memory: encrypted, under a key held only
# in memory for that one file (core/uploads.py), so no document waits on disk in plain text during a request.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "core.uploads.SealedUploadHandler",
]
JEJARING_RETENTION_YEARS = env_int("JEJARING_RETENTION_YEARS", 5, minimum=1)
JEJARING_EXPORT_HOURS = 24
JEJARING_BREACH_DEADLINE_HOURS = 72

# --- Email ---------------------------------------------------------------------------------------------------
SERVER_EMAIL = DEFAULT_FROM_EMAIL
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = secret("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=True)
    EMAIL_TIMEOUT = 20
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# --- Celery --------------------------------------------------------------------------------------------------
if not CELERY_BROKER_URL:
    # The embedded broker: messages are files under var/broker, so `make run` needs no server.
    CELERY_BROKER_URL = "filesystem://"
    _broker_dir = VAR_DIR / "broker"
    for sub in ("queue", "processed"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# The access log's signed anchors: how often, and the file (kept by the backups) each is also appended to.
JEJARING_LOG_ANCHOR_MINUTES = env_int("JEJARING_LOG_ANCHOR_MINUTES", 10, minimum=1)
# How many chains each organisation's access-log entries are spread over, so that its pages at the same moment do
# not all wait for one chain's lock (audit.access_log._shard). More chains, more heads in each anchor.
JEJARING_LOG_CHAINS = env_int("JEJARING_LOG_CHAINS", 4, minimum=1)
if JEJARING_LOG_CHAINS > 64:  # audit.chain.MAX_CHAINS
    raise ImproperlyConfigured(f"JEJARING_LOG_CHAINS must be at most 64, not {JEJARING_LOG_CHAINS}")
JEJARING_LOG_ANCHOR_FILE = env("JEJARING_LOG_ANCHOR_FILE", "" if TESTING else str(VAR_DIR / "access-log-anchors.log"))
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "dispatch-reminders": {
        "task": "notifications.tasks.dispatch_reminders",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    "anchor-access-log": {
        "task": "audit.tasks.anchor_access_log",
        "schedule": 60.0 * JEJARING_LOG_ANCHOR_MINUTES,
        "options": {"expires": 50},
    },
    "refresh-network-aggregates": {
        "task": "network.tasks.refresh_aggregates",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 3600},
    },
}
CELERY_BROKER_CONNECTION_TIMEOUT = env_int("CELERY_BROKER_CONNECTION_TIMEOUT", 5, minimum=1)

# --- Jejaring ------------------------------------------------------------------------------------------------
# Demo hints show the current two-factor code of seeded demo accounts on the verification page. They exist so
# a newcomer can look around `make run` without an authenticator app, and are refused in production. On by default
# only on a development laptop (DEBUG on): a server run with DEBUG off but without DJANGO_ENV=production gets none.
TECHNICAL_404 = env_bool("JEJARING_TECHNICAL_404", default=False)  # core.not_found: Django's page with DEBUG on
DEMO_MODE = env_bool("JEJARING_DEMO", default=not PRODUCTION and DEBUG and not TESTING)
if PRODUCTION and DEMO_MODE:
    raise ImproperlyConfigured("JEJARING_DEMO cannot be on when DJANGO_ENV=production")
# The follow-up rhythm by risk level: first contact, then every N days (DOMAIN.md's suggestion).
JEJARING_FOLLOW_UP_RHYTHM = {
    "high": {
        "first_days": env_int("JEJARING_FOLLOW_UP_HIGH_FIRST_DAYS", 2),
        "then_days": env_int("JEJARING_FOLLOW_UP_HIGH_DAYS", 7),
    },
    "medium": {
        "first_working_days": env_int("JEJARING_FOLLOW_UP_MEDIUM_FIRST_WORKING_DAYS", 5),
        "then_days": env_int("JEJARING_FOLLOW_UP_MEDIUM_DAYS", 14),
    },
    "low": {
        "first_working_days": env_int("JEJARING_FOLLOW_UP_LOW_FIRST_WORKING_DAYS", 10),
        "then_days": env_int("JEJARING_FOLLOW_UP_LOW_DAYS", 30),
    },
}
# Reminders about a day fall due at this hour; a missed follow-up escalates to colleagues after N days; a case with no
# recorded activity for N days reminds its caseworker.
JEJARING_REMINDER_HOUR = env_int("JEJARING_REMINDER_HOUR", 8)
JEJARING_FOLLOW_UP_ESCALATE_DAYS = env_int("JEJARING_FOLLOW_UP_ESCALATE_DAYS", 3, minimum=1)
JEJARING_INACTIVE_DAYS = env_int("JEJARING_INACTIVE_DAYS", 30, minimum=1)
# How long a receiving organisation has to answer a referral, by urgency (twice that escalates to coordinators), and
# after how many days without an update an accepted referral reminds the receiving organisation.
JEJARING_REFERRAL_DEADLINE_HOURS = {
    "emergency": env_int("JEJARING_REFERRAL_EMERGENCY_HOURS", 24, minimum=1),
    "urgent": env_int("JEJARING_REFERRAL_URGENT_HOURS", 72, minimum=1),
    "routine": env_int("JEJARING_REFERRAL_ROUTINE_HOURS", 168, minimum=1),
}
JEJARING_REFERRAL_STALE_DAYS = env_int("JEJARING_REFERRAL_STALE_DAYS", 14, minimum=1)
# Disclosure control of the network's aggregates (network/disclosure.py): no shown figure describes fewer than k
# people (CTDC's k = 11; production refuses less), and shown counts are rounded to a multiple of this base.
JEJARING_DISCLOSURE_K = env_int("JEJARING_DISCLOSURE_K", 11, minimum=1)
if PRODUCTION and JEJARING_DISCLOSURE_K < 11:
    raise ImproperlyConfigured(f"JEJARING_DISCLOSURE_K must be at least 11 in production, not {JEJARING_DISCLOSURE_K}")
JEJARING_DISCLOSURE_ROUNDING = 5
# A capacity status older than this many days is shown as stale and reminds the organisation.
JEJARING_CAPACITY_STALE_DAYS = env_int("JEJARING_CAPACITY_STALE_DAYS", 14, minimum=1)
# Signals worth a look in the access log (accounts/audit_flags.py).
# A practice waiting in review longer than this many days reminds the coordinators, once per such period.
JEJARING_PRACTICE_REVIEW_CHASE_DAYS = env_int("JEJARING_PRACTICE_REVIEW_CHASE_DAYS", 3, minimum=1)
# The document library's upload limit, in megabytes.
JEJARING_DOCUMENT_MAX_BYTES = env_int("JEJARING_DOCUMENT_MAX_MB", 20, minimum=1) * 1024 * 1024
# The spooling upload handler stops writing a file past the largest file any form accepts (the form then refuses it
# by its size); a reverse proxy should bound the whole request too.
JEJARING_UPLOAD_MAX_BYTES = max(JEJARING_ATTACHMENT_MAX_MB * 1024 * 1024, JEJARING_DOCUMENT_MAX_BYTES)
JEJARING_AUDIT_CASES_PER_HOUR = env_int("JEJARING_AUDIT_CASES_PER_HOUR", 30, minimum=1)
JEJARING_AUDIT_DENIALS_PER_HOUR = env_int("JEJARING_AUDIT_DENIALS_PER_HOUR", 5, minimum=1)
# Insider flags (audit.flags): identity searches, revealed fields and searches that found nothing, per user and hour;
# reading cases within so many hours of joining an organisation (0: off).
JEJARING_AUDIT_SEARCHES_PER_HOUR = env_int("JEJARING_AUDIT_SEARCHES_PER_HOUR", 30, minimum=1)
JEJARING_AUDIT_REVEALS_PER_HOUR = env_int("JEJARING_AUDIT_REVEALS_PER_HOUR", 20, minimum=1)
JEJARING_AUDIT_EMPTY_SEARCHES_PER_HOUR = env_int("JEJARING_AUDIT_EMPTY_SEARCHES_PER_HOUR", 10, minimum=1)
JEJARING_AUDIT_NEW_MEMBER_HOURS = env_int("JEJARING_AUDIT_NEW_MEMBER_HOURS", 24)
# Identity lookups (issue 16): duplicate checks, identity searches and reveals, each limited per user and hour
# (counted in Django's cache: per process in the embedded shape, shared through Redis in production); empty probes
# (checks and searches that match nothing) past this many in an hour raise an audit flag. Intake drafts expire.
JEJARING_DUPLICATE_CHECKS_PER_HOUR = env_int("JEJARING_DUPLICATE_CHECKS_PER_HOUR", 20, minimum=1)
JEJARING_IDENTITY_SEARCHES_PER_HOUR = env_int("JEJARING_IDENTITY_SEARCHES_PER_HOUR", 60, minimum=1)
JEJARING_IDENTITY_REVEALS_PER_HOUR = env_int("JEJARING_IDENTITY_REVEALS_PER_HOUR", 60, minimum=1)
JEJARING_AUDIT_EMPTY_PROBES_PER_HOUR = env_int("JEJARING_AUDIT_EMPTY_PROBES_PER_HOUR", 10, minimum=1)
JEJARING_INTAKE_DRAFT_DAYS = env_int("JEJARING_INTAKE_DRAFT_DAYS", 7, minimum=1)
if PRODUCTION:
    # Rate limits must be shared by every web process: the cache lives in Redis (the broker's server).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env("JEJARING_CACHE_URL", CELERY_BROKER_URL),
            "KEY_PREFIX": "jejaring",
        }
    }


def _range(name: str, default: str, lowest: int, highest: int) -> tuple[int, int]:
    raw = env(name, default)
    try:
        first, last = (int(part) for part in raw.split("-"))
    except ValueError:
        raise ImproperlyConfigured(f"{name} must look like {default!r}, not {raw!r}") from None
    if not lowest <= first <= last <= highest:
        raise ImproperlyConfigured(f"{name} must be within {lowest}-{highest}, not {raw!r}")
    return first, last


# Working hours (start hour inclusive, end hour exclusive) and days (0 = Monday), in the network's time zone.
JEJARING_WORKING_HOURS = _range("JEJARING_WORKING_HOURS", "7-19", 0, 24)
_first_day, _last_day = _range("JEJARING_WORKING_DAYS", "0-5", 0, 6)
JEJARING_WORKING_DAYS = range(_first_day, _last_day + 1)
# Caseworkers may enrol two-factor sign-in; coordinators and admins must.
TWO_FACTOR_REQUIRED_ROLES = ["coordinator", "admin"]

# --- Logging: no personal data, ever; the access log is in the database, not here. ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("JEJARING_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # WeasyPrint (core/pdf.py) logs every step of every PDF at INFO; its refusals of a URL are warnings or errors.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
