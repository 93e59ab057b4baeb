"""Settings come from the environment; bad values stop the start with a clear message.

Each case starts a fresh Python process, since settings are read once at import.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "x9!k2-production-like-secret-key-with-plenty-of-entropy-7c1e0f3b2a",
    "ALLOWED_HOSTS": "clusters.example.org",
    "SITE_URL": "https://clusters.example.org",
    # Never opened by these checks; a path of its own so no real database is touched.
    "DATABASE_URL": "sqlite:////nonexistent/settings-test.sqlite3",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    # Only what a process needs to run: the test run's own variables (DEBUG=1, the
    # database of CI...) must not leak into the settings under test.
    clean = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("variable", ["SECRET_KEY", "SITE_URL"])
def test_a_missing_required_variable_refuses_to_start_and_says_why(variable):
    env = {k: v for k, v in PRODUCTION.items() if k != variable}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"{variable} is not set" in result.stderr


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("SECRET_KEY", "short-but-sweet-key", "SECRET_KEY is too weak (19 characters"),
        ("SECRET_KEY", "ab" * 40, "SECRET_KEY is too weak (80 characters, 2 different)"),
        ("DEBUG", "maybe", "DEBUG='maybe' is not a boolean"),
        ("DB_CONN_MAX_AGE", "forever", "DB_CONN_MAX_AGE='forever' is not a whole number"),
        ("INVITATION_VALID_DAYS", "0", "INVITATION_VALID_DAYS='0' must be at least 1"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(variable, value, message):
    result = manage("check", **{**PRODUCTION, variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_redis_url_selects_the_redis_cache_and_broker():
    code = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = manage(
        "shell", "--no-imports", "-c", code, **PRODUCTION, REDIS_URL="redis://127.0.0.1:6379/9"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.redis.RedisCache",
        "redis://127.0.0.1:6379/9",
        "False",
    ]


def test_without_redis_tasks_run_eagerly_and_email_goes_to_the_console():
    code = (
        "from django.conf import settings as s;"
        "print(s.CACHES['default']['BACKEND'], s.CELERY_TASK_ALWAYS_EAGER, s.EMAIL_BACKEND)"
    )
    result = manage("shell", "--no-imports", "-c", code, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.cache.backends.locmem.LocMemCache",
        "True",
        "django.core.mail.backends.console.EmailBackend",
    ]


# The static files' manifest is built by collectstatic at deployment; without it the pages
# cannot name their stylesheet, so here they name it plainly. Everything else is production.
HEADERS_SCRIPT = """
import json
from django.conf import settings
from django.test import Client, override_settings
plain_files = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain_files}):
    client = Client()
    plain = client.get("/accounts/login/")
    page = client.get("/accounts/login/", secure=True)
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location", "")],
    "headers": dict(page.headers),
    "cookies": {name: dict(morsel) for name, morsel in page.cookies.items()},
    "session": [settings.SESSION_COOKIE_SECURE, settings.SESSION_COOKIE_HTTPONLY],
    "language": [settings.LANGUAGE_COOKIE_SECURE, settings.LANGUAGE_COOKIE_SAMESITE],
}))
"""


def test_production_pages_carry_the_security_headers_and_secure_cookies():
    """What a browser receives in production: HTTPS only (a plain request is redirected,
    HSTS for a year with subdomains and preload), no framing, no referrer to other sites,
    no content sniffing, the content policy, and cookies sent over HTTPS only."""
    result = manage("shell", "-c", HEADERS_SCRIPT, **{**PRODUCTION, "ALLOWED_HOSTS": "testserver"})
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, "https://testserver/accounts/login/"]
    headers = seen["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert seen["session"] == [True, True]  # set at login, which needs a database
    assert seen["language"] == [True, "Lax"]  # set by the settings page, idem
    csrf = seen["cookies"]["csrftoken"]
    assert csrf["secure"] is True
    assert csrf["samesite"] == "Lax"
