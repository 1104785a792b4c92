"""One settings module, read from the environment.

A fresh clone runs with no configuration: SQLite in ``./data``, a secret key
generated on first use and kept beside the database (nothing is written when the
settings load). Production sets ``PLANTRACK_ENV=production`` plus ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DATABASE_URL`` and, behind a TLS proxy, ``PLANTRACK_TRUSTED_PROXY``
(README, "Production").
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


ENVIRONMENT = env("PLANTRACK_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"


def _data_dir() -> Path:
    """``PLANTRACK_DATA_DIR``, or ``./data``; never a folder inside the package itself."""
    configured = env("PLANTRACK_DATA_DIR")
    folder = Path(configured or Path.cwd() / "data").resolve()
    if folder == BASE_DIR or BASE_DIR in folder.parents:
        if configured:
            raise ImproperlyConfigured(
                f"PLANTRACK_DATA_DIR={configured} is inside the plantrack package; "
                "choose a folder outside it, e.g. PLANTRACK_DATA_DIR=./data in the project folder."
            )
        # Run from inside the package (e.g. `django-admin makemessages` in plantrack/):
        # use the project folder's data folder, never one beside the code.
        folder = BASE_DIR.parent / "data"
    return folder


DATA_DIR = _data_dir()


def _development_key() -> str:
    # Kept beside the database so sessions survive restarts; made on first use, not when the
    # settings load, so commands that only read leave no data folder behind.
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)  # it signs sessions: for this account's eyes only
    return key_file.read_text().strip()


def _secret_key() -> Any:
    configured = env("SECRET_KEY")
    if configured or PRODUCTION:
        return configured
    return SimpleLazyObject(_development_key)


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "plantrack.accounts",
    "plantrack.organisations",
    "plantrack.plans",
    "plantrack.progress",
    "plantrack.assessments",
    "plantrack.participation",
    "plantrack.meetings",
    "plantrack.history",
    "plantrack.notices",
    "plantrack.ops",
    "plantrack.surveys",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    # Outside the session middleware, so a session save that meets a lock is caught too.
    "plantrack.lib.busy.BusyDatabaseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "plantrack.accounts.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so that it sees the final response of a failed sign-in.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "plantrack.urls"
WSGI_APPLICATION = "plantrack.wsgi.application"

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
                "plantrack.notices.context_processors.my_work",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = env("DATABASE_URL")
    config: dict[str, Any]
    if url:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    else:
        config = {
            # Django's SQLite backend, which also creates the data folder on first connect.
            "ENGINE": "plantrack.lib.sqlite",
            "NAME": str(DATA_DIR / "plantrack.sqlite3"),
            # Keep connections: each new one would re-run the PRAGMAs below.
            "CONN_MAX_AGE": 600,
        }
    if config["ENGINE"] in {"django.db.backends.sqlite3", "plantrack.lib.sqlite"}:
        config["ENGINE"] = "plantrack.lib.sqlite"
        # Concurrent writers wait for the lock instead of failing with "database is locked":
        # WAL lets readers run beside one writer, IMMEDIATE takes the write lock at BEGIN.
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
        config["TEST"] = {"NAME": None}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Throttling first: a locked-out address is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "mn"
LANGUAGES = [("mn", _("Mongolian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ulaanbaatar"
# One date form per language on every page (plantrack/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["plantrack.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Serve straight from the app folders so the demo needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Uploads and plan-import limits ---------------------------------------------------
# A plan file larger than PLANTRACK_MAX_IMPORT_BYTES is refused by the import form with
# its real size ("the file is 50 MB; the limit is 10 MB"). Uploads stay in memory up to
# 2.5 MB, then go to a temporary file that never holds more than the limit (the rest is
# counted, not stored). DATA_UPLOAD_MAX_MEMORY_SIZE caps the other form fields only
# (a file's bytes do not count against it), so it keeps Django's default.
# Every other cap on reading a file (ZIP parts, XML depth, PDF streams, time, memory)
# is in plantrack/plans/importers/limits.py; PLANTRACK_IMPORT_LIMITS overrides them,
# e.g. {"max_seconds": 30, "max_memory_bytes": 512 * 1024 * 1024}.
PLANTRACK_MAX_IMPORT_BYTES = int(env("PLANTRACK_MAX_IMPORT_BYTES", str(10 * 1024 * 1024)))
PLANTRACK_IMPORT_LIMITS: dict[str, int | float] = {}
if env("PLANTRACK_IMPORT_SECONDS"):
    PLANTRACK_IMPORT_LIMITS["max_seconds"] = float(env("PLANTRACK_IMPORT_SECONDS"))
if env("PLANTRACK_IMPORT_MEMORY_MB"):
    PLANTRACK_IMPORT_LIMITS["max_memory_bytes"] = int(env("PLANTRACK_IMPORT_MEMORY_MB")) << 20
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "plantrack.plans.importers.uploads.CappedUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# --- end of upload limits ------------------------------------------------------------------

# Background tasks (django-tasks with its database backend): the nightly history check and
# checkpoint (plantrack/history/tasks.py). `plantrack history schedule` enqueues the first
# run; `plantrack db_worker` runs them. PLANTRACK_NIGHTLY_HOUR is local time (TIME_ZONE).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
PLANTRACK_NIGHTLY_HOUR = int(env("PLANTRACK_NIGHTLY_HOUR", "3"))
# Who is emailed when the history does not verify, besides active superusers:
# PLANTRACK_ADMINS="a@example.org,b@example.org".
ADMINS = [("", address) for address in env_list("PLANTRACK_ADMINS")]

# The site's address as people reach it, for the links in emails sent by the tasks worker
# (which has no request to read it from), e.g. PLANTRACK_SITE_URL=https://plantrack.mn.
PLANTRACK_SITE_URL = env("PLANTRACK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Plantrack <noreply@plantrack.local>")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder the emails
# are written to (the browser tests read the tasks worker's emails there).
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH") or None

# Sign-in throttling: five failures for one account from one address lock it for an hour.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("AXES_COOLOFF_HOURS", "1"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_ENABLED = env_bool("AXES_ENABLED", True)

OTP_TOTP_ISSUER = "Plantrack"

# Sessions end after two weeks, or after 12 hours for people with a staff role (see
# accounts.middleware); closing the browser ends them when "remember me" is not ticked.
SESSION_COOKIE_AGE = 14 * 24 * 3600
STAFF_SESSION_AGE = 12 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content Security Policy: no inline scripts or styles, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# Behind a reverse proxy that ends TLS: its address (e.g. 127.0.0.1). `plantrack serve` then
# lets waitress believe that proxy's forwarded headers (the scheme, the client's address for
# sign-in throttling) and drops them from anyone else; without it they are always dropped.
PLANTRACK_TRUSTED_PROXY = env("PLANTRACK_TRUSTED_PROXY")
PLANTRACK_TRUSTED_PROXY_HEADERS = env(
    "PLANTRACK_TRUSTED_PROXY_HEADERS", "x-forwarded-proto x-forwarded-for"
)
# Other origins (scheme://host) whose forms may post here, e.g. an admin host name.
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if PLANTRACK_TRUSTED_PROXY:
        # Only a configured proxy may say "this came over https"; a client never can.
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

# --- Accounts: recovery codes, cache and mail rate limits (owned by plantrack/accounts) ---
# Recovery codes for two-step sign-in are django-otp static tokens.
INSTALLED_APPS += ["django_otp.plugins.otp_static"]
# The mail rate limits (accounts/services.py) count in Django's cache. The default,
# in-process memory, is right for one server process; with several processes or
# machines use a shared cache, e.g. Redis (``pip install redis``):
#   PLANTRACK_CACHE_BACKEND=django.core.cache.backends.redis.RedisCache
#   PLANTRACK_CACHE_LOCATION=redis://127.0.0.1:6379/1
CACHES = {
    "default": {
        "BACKEND": env("PLANTRACK_CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
        "LOCATION": env("PLANTRACK_CACHE_LOCATION", "plantrack"),
    }
}
# At most this many account emails (sign-up, "already registered", password reset) per
# hour to one address, and asked for from one network (IP) address.
PLANTRACK_MAIL_LIMIT_PER_ADDRESS = int(env("PLANTRACK_MAIL_LIMIT_PER_ADDRESS", "5"))
PLANTRACK_MAIL_LIMIT_PER_IP = int(env("PLANTRACK_MAIL_LIMIT_PER_IP", "20"))
PLANTRACK_MAIL_LIMIT_WINDOW = int(env("PLANTRACK_MAIL_LIMIT_WINDOW_SECONDS", "3600"))
# Surveys that allow anonymous answers take at most this many from one network (IP)
# address per window, per survey (plantrack/surveys/services.py).
PLANTRACK_SURVEY_ANONYMOUS_LIMIT = int(env("PLANTRACK_SURVEY_ANONYMOUS_LIMIT", "20"))
PLANTRACK_SURVEY_ANONYMOUS_WINDOW = int(env("PLANTRACK_SURVEY_ANONYMOUS_WINDOW_SECONDS", "3600"))
# Participation (issue 13): how many inputs, supports and flags one account and one network
# address may send in a window (plantrack/lib/ratelimit.py; a refusal is a 429 naming the limit).
PLANTRACK_RATE_LIMITS = {
    "participation.input": {
        "per_account": int(env("PLANTRACK_INPUT_LIMIT_PER_ACCOUNT", "20")),
        "per_address": int(env("PLANTRACK_INPUT_LIMIT_PER_ADDRESS", "100")),
        "window": 3600,
    },
    "participation.support": {"per_account": 100, "per_address": 500, "window": 3600},
    "participation.flag": {"per_account": 20, "per_address": 100, "window": 3600},
}
# Audio attachments to inputs (for people who cannot type): MP3, OGG, WAV, M4A up to this size.
PLANTRACK_AUDIO_MAX_BYTES = int(env("PLANTRACK_AUDIO_MAX_BYTES", str(10 * 1024 * 1024)))
