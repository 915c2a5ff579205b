"""Test settings: the product settings plus fast hashing and immediate background tasks.

The database is SQLite in a temporary directory unless KUROKO_DATABASE_URL points elsewhere
(scripts/with-postgres sets it to a throwaway PostgreSQL server).
"""

import os
import tempfile

os.environ.setdefault("KUROKO_TESTING", "1")
os.environ.setdefault("KUROKO_DATA_DIR", tempfile.mkdtemp(prefix="kuroko-test-"))

from kuroko.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Hashed manifest names 404 under the live server used by browser tests.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise warns when it is missing
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_CODE = "en"
