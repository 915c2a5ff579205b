"""The test run uses the database it was asked for, and the settings refuse unsafe production use."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.db import connection


@pytest.mark.django_db
def test_database_backend_matches_environment():
    """scripts/with-postgres really puts the suite on PostgreSQL; otherwise it runs on SQLite."""
    url = os.environ.get("KUROKO_DATABASE_URL", "")
    expected = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    assert connection.vendor == expected


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("KUROKO_", "DJANGO_"))}
    code = "import kuroko.settings as s; print(s.DEBUG, s.SESSION_COOKIE_SECURE)"
    return subprocess.run(
        [sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True, check=False
    )


def test_secret_key_required_outside_demo(tmp_path):
    """Without KUROKO_SECRET_KEY (and not in demo or debug mode) the settings refuse to load."""
    result = _settings_in_subprocess(KUROKO_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "KUROKO_SECRET_KEY is required" in result.stderr


def test_production_defaults_are_safe(tmp_path):
    """With a secret key and nothing else, debug is off and cookies are secure."""
    result = _settings_in_subprocess(KUROKO_DATA_DIR=str(tmp_path), KUROKO_SECRET_KEY="x" * 50)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "True"]


@pytest.mark.django_db
def test_models_and_migrations_agree():
    """Every model change has a migration (makemigrations --check finds nothing to do)."""
    from django.core.management import call_command

    call_command("makemigrations", "--check", "--dry-run", verbosity=0)


@pytest.mark.django_db
@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime:RuntimeWarning")
def test_db_preparer_gives_what_django_gives():
    """The shortcut of bulk writes prepares every kind of value exactly as `get_db_prep_save` does."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from django.db import connection

    from kuroko.core.services import db_preparer
    from kuroko.projects.models import Baseline, Task

    samples = [None, 0, 7, True, False, "text", "", "12", 3.5, Decimal("1.50"), date(2027, 4, 5),
               datetime(2027, 4, 5, 9, 30, tzinfo=UTC), datetime(2027, 4, 5, 9, 30)]  # fmt: skip
    checked = 0
    for model in (Task, Baseline):
        for field in model._meta.concrete_fields:
            prepare = db_preparer(field, connection)
            for value in samples:
                try:
                    expected = field.get_db_prep_save(value, connection)
                except Exception as exc:  # Django refuses the value: so must the shortcut
                    with pytest.raises(type(exc)):
                        prepare(value)
                    continue
                assert prepare(value) == expected, (model.__name__, field.name, value)
                checked += 1
    assert checked > 200
