"""Django settings, derived from :mod:`dueprocess.config` (read once, at import by Django)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dj_database_url

from dueprocess import config as _config

CONFIG = _config.load()

BASE_DIR = CONFIG.home
SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = list(CONFIG.allowed_hosts)
if CONFIG.mode == "test":
    ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "ninja",
    "dueprocess.accounts",
    "dueprocess.audit",
    "dueprocess.demands",
    "dueprocess.execution",
    "dueprocess.demo",
    "dueprocess.notices",
    "dueprocess.review",
    "dueprocess.transparency",
    "dueprocess.intake",
    "dueprocess.sanctions",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    # Probes first: answered before host checks and the HTTPS redirect (load balancers).
    "dueprocess.ops.middleware.ProbeMiddleware",
    "dueprocess.ops.middleware.RequestIdMiddleware",
    # Outside everything that may answer in its own way (error shapes, redirects, refusals).
    "dueprocess.web.middleware.NoStoreMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dueprocess.accounts.middleware.StaffTwoFactorMiddleware",
    "dueprocess.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "dueprocess.web.middleware.ApiErrorShapeMiddleware",
]

ROOT_URLCONF = "dueprocess.urls"
WSGI_APPLICATION = "dueprocess.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # Project-wide pages: 403, 404, 500 in the console's look.
        "DIRS": [Path(__file__).resolve().parent / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dueprocess.web.context.page_language",
            ],
        },
    },
]


#: Django's engines, each with the hook before commit that the audit chain needs.
_ENGINES = {"django.db.backends.postgresql": "dueprocess.backends.postgresql",
            "django.db.backends.sqlite3": "dueprocess.backends.sqlite3"}


def _database() -> dict[str, Any]:
    if CONFIG.database_url:
        db: dict[str, Any] = dict(dj_database_url.parse(CONFIG.database_url, conn_max_age=60))
        engine = str(db["ENGINE"])
        db["ENGINE"] = _ENGINES.get(engine, engine)
        if engine.endswith("postgresql"):
            # An unreachable server fails start-up and /readyz in seconds, not minutes.
            db.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
        return db
    return {
        "ENGINE": "dueprocess.backends.sqlite3",
        "NAME": str(CONFIG.sqlite_path),
        # WAL lets the web process read while the worker writes; IMMEDIATE avoids
        # lock-upgrade deadlocks between the two.
        "OPTIONS": {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
if CONFIG.mode == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hant", "繁體中文"), ("de", "Deutsch")]
#: The project-wide pages (errors, the language menu) live outside any app: their catalogue too.
LOCALE_PATHS = [Path(__file__).resolve().parent / "web" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = str(CONFIG.home / "static")


def _evidence_storage() -> dict[str, Any]:
    """Documents, productions and e-mail originals: the home folder on one host, an
    S3-compatible bucket (private objects, no public URLs) when several hosts share them."""
    if CONFIG.storage is None:
        return {"BACKEND": "dueprocess.blobstore.HomeStorage",
                "OPTIONS": {"allow_overwrite": True,
                            "file_permissions_mode": 0o600,
                            "directory_permissions_mode": 0o700}}
    s3 = CONFIG.storage
    options: dict[str, Any] = {
        "bucket_name": s3.bucket, "location": s3.prefix, "default_acl": "private",
        "querystring_auth": True, "file_overwrite": True,
        # Downloads are read whole before streaming; beyond this they spill to disk.
        "max_memory_size": 8 * 1024 * 1024,
    }
    if s3.endpoint_url:
        options["endpoint_url"] = s3.endpoint_url
    if s3.region:
        options["region_name"] = s3.region
    if s3.addressing_style:
        options["addressing_style"] = s3.addressing_style
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    "evidence": _evidence_storage(),
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = CONFIG.mode != "production"

# Rate-limit counters must be shared by every web process: Redis when configured, else
# per process (fine for one process; `check --deploy` warns in production).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache",
         "LOCATION": CONFIG.cache_url, "KEY_PREFIX": "dueprocess",
         # A cache that does not answer degrades rate limiting within a second.
         "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}
        if CONFIG.cache_url
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/review/"
LOGOUT_REDIRECT_URL = "/login/"

# Bodies beyond this are refused before parsing (a 10 MB name never reaches a model).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if CONFIG.mode == "production":
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Staff sign-in: lockout after failed logins (django-axes), TOTP second factor (django-otp),
# mandatory outside the demo; a strict Content-Security-Policy (django-csp 4).
AUTHENTICATION_BACKENDS = [
    "dueprocess.accounts.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
# An account is locked after five failures from anywhere (rotating addresses does not buy
# more guesses), and an address after five failures whatever accounts it tries.
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
STAFF_REQUIRE_2FA = CONFIG.mode == "production"
OTP_TOTP_ISSUER = "dueprocess"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if CONFIG.mode == "production":
    SESSION_COOKIE_AGE = 8 * 3600

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if CONFIG.mode == "production"
    else "django.core.mail.backends.locmem.EmailBackend"
)
DEFAULT_FROM_EMAIL = CONFIG.email_from
EMAIL_TIMEOUT = 30  # seconds: a mail server that hangs must not hold a worker forever
EMAIL_HOST = CONFIG.smtp.host
EMAIL_PORT = CONFIG.smtp.port
EMAIL_HOST_USER = CONFIG.smtp.user
EMAIL_HOST_PASSWORD = CONFIG.smtp.password
EMAIL_USE_TLS = CONFIG.smtp.security == "starttls"
EMAIL_USE_SSL = CONFIG.smtp.security == "ssl"

# One line per record on stderr: a JSON object (production default) or text, each with the
# request id. Never log tokens, passwords or request bodies.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "dueprocess.ops.logs.JsonFormatter"},
        "text": {"()": "dueprocess.ops.logs.TextFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler",
                             "formatter": CONFIG.log_format}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"dueprocess": {"level": "INFO"},
                # Our middleware logs each request with its id; Django's own line repeats it.
                "django.request": {"level": "ERROR"}},
}

#: Where the platform is established in the Union (vetting reads it; tests override it).
DUEPROCESS_ESTABLISHMENT = CONFIG.establishment

# Limits and names an operator sets in the environment (see docs/operations.md).
for _name, _value in CONFIG.limits.items():
    globals()[_name] = _value
if CONFIG.service_name:
    TRANSPARENCY_SERVICE_NAME = CONFIG.service_name
if CONFIG.provider_name:
    TRANSPARENCY_PROVIDER_NAME = CONFIG.provider_name

DUEPROCESS = CONFIG
