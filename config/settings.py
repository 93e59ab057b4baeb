"""Settings for the clusters platform, read from the environment only.

Without any variable set, the project runs embedded (SQLite, tasks run eagerly, local
memory cache) but refuses to start unless DEBUG is on or a SECRET_KEY is given. Every
variable is listed in README.md.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY to a long random value in production, "
            "or set DEBUG=1 to run locally with a development key."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-debug-is-on"
elif not DEBUG and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    # What `check --deploy` warns about (security.W009), refused rather than warned: a short
    # key can be guessed, and with it every session, reset link and invitation forged.
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak ({len(SECRET_KEY)} characters, {len(set(SECRET_KEY))} "
        "different): use at least 50 random characters, for example the output of "
        "python3 -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# The public address, used in links sent by email: a wrong default would send links that
# do not work, so production must say it.
SITE_URL = env_str("SITE_URL").rstrip("/")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL is not set. Set it to the public address of the platform, "
            "for example https://clusters.example.org (links in emails use it)."
        )
    SITE_URL = "http://127.0.0.1:8000"
# The domain after "@" in the calendar events' UIDs (RFC 5545): the platform's host, so
# that they stay the same for the life of an event and unique among other calendars'.
CALENDAR_UID_DOMAIN = urlsplit(SITE_URL).hostname or "localhost"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "accounts",
    "actors",
    "clusters",
    "rights",
    "indicators",
    "coherence",
    "planning",
    "health",
    "meetings",
    "reports",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
    {
        # Plain-text emails (clusters.emails.render_email): nothing in them is HTML, so
        # nothing is escaped; "l'Habitatge" stays as typed instead of "l&#x27;Habitatge".
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# Database: DATABASE_URL, or a SQLite file in the project folder.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several requests at once (runserver's threads, gunicorn's
    # workers). Each transaction takes SQLite's write lock when it begins, so two requests
    # never both read and then both try to write (which SQLite answers at once with
    # "database is locked"); a request waits up to the timeout for the other to finish.
    # WAL lets readers go on while one request writes.
    defaults = {
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("SQLITE_BUSY_TIMEOUT", 20, minimum=1),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
    # Options given in DATABASE_URL's query string win.
    DATABASES["default"]["OPTIONS"] = {**defaults, **DATABASES["default"].get("OPTIONS", {})}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache, allauth's rate limits and the Celery broker. Without it, tasks run
# eagerly in the web process and the cache lives in local memory.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
    # Sessions are read from Redis, written through to the database: one query less on
    # every page. Only with a cache every process shares, or a sign-out in one process
    # would leave the session alive in another's memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
# A task taken by a worker that dies (killed, machine lost) goes back to the queue after
# this many seconds. It must exceed the longest task (the time limit below), or a slow
# report would be handed to a second worker while the first still renders it (harmless,
# the job is claimed once, but wasted work).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=1),
}
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 600, minimum=1)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540, minimum=1)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Embedded (no worker), a report is rendered in a thread of the web process after the
# response, so asking for one answers at once (reports.jobs.queue_render). Off, the render
# runs eagerly inside the request, as every other task does there.
REPORTS_RENDER_AFTER_RESPONSE = env_bool("REPORTS_RENDER_AFTER_RESPONSE", True)
# A report being rendered records a sign of life this often (reports.jobs._heartbeat; 0:
# only at each stage). Queued or being prepared with no sign of life for REPORT_STALLED_AFTER
# seconds, it stalled: its worker or web process was lost, and the coordinator may ask for
# it again at once.
REPORT_HEARTBEAT_EVERY = env_int("REPORT_HEARTBEAT_EVERY", 20)
REPORT_STALLED_AFTER = env_int("REPORT_STALLED_AFTER", 120, minimum=1)
# A queued one waits its turn behind the reports asked for before it (one at a time): it
# stalled when no run took it for as long as beat's sweeper waits (reports.services).
REPORT_QUEUED_STALLED_AFTER = env_int("REPORT_QUEUED_STALLED_AFTER", 600, minimum=1)
CELERY_TIMEZONE = "Europe/Madrid"
CELERY_BEAT_SCHEDULE = {
    "close-due-proposals": {"task": "planning.tasks.close_due_proposals", "schedule": 300.0},
    "requeue-stalled-reports": {
        "task": "reports.tasks.requeue_stalled_reports",
        "schedule": 600.0,
    },
    "schedule-period-reports": {
        "task": "reports.tasks.schedule_period_reports",
        "schedule": 6 * 3600.0,
    },
    "remind-closing-proposals": {
        "task": "planning.tasks.remind_closing_proposals",
        "schedule": 900.0,
    },
    "close-due-survey-rounds": {"task": "health.tasks.close_due_rounds", "schedule": 300.0},
    "remind-closing-survey-rounds": {
        "task": "health.tasks.remind_closing_rounds",
        "schedule": 3600.0,
    },
    "approve-minutes-by-consent": {
        "task": "meetings.tasks.approve_minutes_by_consent",
        "schedule": 3600.0,
    },
    # Monday morning, in CELERY_TIMEZONE. Each person's week is claimed before sending, so
    # that a second beat process (or a rerun) sends nothing twice.
    "send-weekly-digests": {
        "task": "meetings.tasks.send_weekly_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
    },
    # Just after midnight (CELERY_TIMEZONE): a period that begins today exists at once.
    "ensure-periods": {
        "task": "indicators.tasks.ensure_periods",
        "schedule": crontab(hour=0, minute=5),
    },
}

# Accounts
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "accounts.adapter.InvitationOnlyAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Clústers] "
# Behind a reverse proxy, the client's address is the last one the proxies add to
# X-Forwarded-For; the login limits go by it (0: no proxy, the connection's address).
ALLAUTH_TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/3m/key",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# Email: SMTP when EMAIL_HOST is set, otherwise printed on the console.
EMAIL_HOST = env_str("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = env_int("EMAIL_PORT", 587, minimum=1)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    if EMAIL_USE_TLS and EMAIL_USE_SSL:
        raise ImproperlyConfigured("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be on.")
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Clústers <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Languages: Catalan first.
LANGUAGE_CODE = "ca"
LANGUAGES = [("ca", _("Catalan")), ("es", _("Spanish")), ("en", _("English"))]

# A filter left open reads as a word, not as a row of dashes.
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
LOCALE_PATHS = [BASE_DIR / "locale"]
# "1 de desembre de 2026", "1 December 2026": config/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Madrid"
USE_I18N = True
USE_TZ = True

# Static and media files
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT") or BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# Security: safe by default, relaxed only with DEBUG on.
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
LANGUAGE_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# The JSON API (api/): a person's tokens or their session, JSON errors that name the
# field, 50 items a page, and a rate per token (the cache holds the counts: Redis where it
# runs, this process's memory otherwise).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # The token first: its header makes an anonymous request a 401, not a 403.
        "api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": env_str("API_RATE", "1200/hour")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Clusters platform API",
    "DESCRIPTION": (
        "Read a cluster's members, objectives, indicators with their validated values, "
        "rights issues, proposals, joint actions and published reports; submit a member "
        "entity's measurement report for validation. Authenticate with a personal token "
        "(Authorization: Bearer ct_...), created on your settings page."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1/",
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI and ReDoc from the drf-spectacular-sidecar package's static files:
    # nothing from the internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Content Security Policy (django-csp): everything from this site, nothing inline, no
# plugins, no framing. The pages have no inline script or style (a test crawls them).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Product settings
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 14, minimum=1)
PAGE_SIZE = 25

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every layout step at INFO, and every CSS rule it skips as a warning.
    "loggers": {
        "weasyprint": {"level": "ERROR"},
        "weasyprint.progress": {"level": "ERROR"},
        "fontTools": {"level": "WARNING"},
    },
}

# Evidence files attached to a rights analysis.
EVIDENCE_MAX_BYTES = env_int("EVIDENCE_MAX_MB", 10, minimum=1) * 1024 * 1024
# Measurement imports (CSV or XLSX), in MB: larger requests are refused before they are
# read, larger files before they are parsed (indicators.reading.import_max_bytes).
IMPORT_MAX_MB = env_int("IMPORT_MAX_MB", 20, minimum=1)
