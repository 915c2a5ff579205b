"""Django settings, read from environment variables only (see docs/configuration.md)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("KUROKO_DATA_DIR", Path.cwd() / "var")).resolve()

DEBUG = _env_bool("KUROKO_DEBUG")
# Demo mode shows demo logins on the login page and allows a generated secret key.
DEMO_MODE = _env_bool("KUROKO_DEMO")

SECRET_KEY = os.environ.get("KUROKO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or _env_bool("KUROKO_TESTING"):
        SECRET_KEY = "kuroko-insecure-development-key-not-for-production"
    else:
        raise ImproperlyConfigured(
            "KUROKO_SECRET_KEY is required outside demo and debug mode "
            "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')."
        )

ALLOWED_HOSTS = _env_list("KUROKO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("KUROKO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "simple_history",
    "django_tasks_db",
    "ninja",
    "kuroko.core",
    "kuroko.people",
    "kuroko.projects",
    "kuroko.tracking",
    "kuroko.raid",
    "kuroko.governance",
    "kuroko.reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kuroko.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "kuroko.urls"
WSGI_APPLICATION = "kuroko.wsgi.application"
ASGI_APPLICATION = "kuroko.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kuroko.core.context_processors.kuroko",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------------------------
_SQLITE_OPTIONS = {
    # IMMEDIATE transactions and WAL let the web server and a task worker share the file without
    # "database is locked" errors (verified with two workers, see SETUP-NOTES).
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
_database_url = os.environ.get("KUROKO_DATABASE_URL", "")
if _database_url:
    DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60)}
else:
    # The embedded database lives in the data directory, created on first use.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "kuroko.sqlite3"),
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(_SQLITE_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# --- Languages ----------------------------------------------------------------------------------
LANGUAGE_CODE = os.environ.get("KUROKO_LANGUAGE", "en")
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("KUROKO_TIME_ZONE", "Asia/Tokyo")
USE_TZ = True

# --- Static files -------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": os.environ.get(
            "KUROKO_STATICFILES_STORAGE",
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or DEMO_MODE
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE

# --- Background tasks ---------------------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": os.environ.get("KUROKO_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# --- E-mail -------------------------------------------------------------------------------------
# Notifications go by e-mail too; without a configured SMTP server they are printed to the console.
_EMAIL_BACKEND = os.environ.get("KUROKO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": {
            "host": os.environ.get("KUROKO_EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("KUROKO_EMAIL_PORT", "25")),
            "username": os.environ.get("KUROKO_EMAIL_USER", ""),
            "password": os.environ.get("KUROKO_EMAIL_PASSWORD", ""),
            "use_tls": _env_bool("KUROKO_EMAIL_TLS", default=False),
        }
        if _EMAIL_BACKEND.endswith("smtp.EmailBackend")
        else {},
    }
}
DEFAULT_FROM_EMAIL = os.environ.get("KUROKO_EMAIL_FROM", "kuroko@localhost")
# The site's name in identifiers that must not change with the address used (calendar event UIDs).
KUROKO_SITE_HOST = os.environ.get("KUROKO_SITE_HOST", "kuroko")
# The address of the site in links of e-mails (e.g. "https://kuroko.example.com"); empty: links are paths.
KUROKO_BASE_URL = os.environ.get("KUROKO_BASE_URL", "")

# --- Security -----------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("KUROKO_SECURE_COOKIES", default=not (DEBUG or DEMO_MODE))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KUROKO_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
