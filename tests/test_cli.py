"""The `kuroko` command: seeding, bad input (exit code 2, nothing written)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

KUROKO = str(Path(sys.executable).with_name("kuroko"))


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUROKO_", "DJANGO_"))}
    env.update(KUROKO_DATA_DIR=str(tmp_path), KUROKO_DEBUG="1", COLUMNS="200")
    return subprocess.run([KUROKO, *args], env=env, capture_output=True, text=True, check=False, timeout=120)


def count(tmp_path: Path, table: str) -> int:
    with sqlite3.connect(tmp_path / "kuroko.sqlite3") as db:
        return db.execute(f"select count(*) from {table}").fetchone()[0]


def test_seed_builds_the_requested_organisation_and_refuses_a_repeat(tmp_path):
    """`kuroko seed` creates exactly what was asked; the same seed again exits 2 and writes nothing."""
    first = run(
        tmp_path, "seed", "--projects", "3", "--tasks-per-project", "12", "--people", "25", "--seed", "7"
    )
    assert first.returncode == 0, first.stderr
    assert "Seeded" in first.stdout
    assert (count(tmp_path, "projects_project"), count(tmp_path, "projects_task")) == (3, 36)
    assert count(tmp_path, "people_person") == 25
    again = run(
        tmp_path, "seed", "--projects", "3", "--tasks-per-project", "12", "--people", "25", "--seed", "7"
    )
    assert again.returncode == 2
    assert "Error" in again.stderr
    assert (count(tmp_path, "projects_project"), count(tmp_path, "projects_task")) == (3, 36)


def test_seed_rejects_a_zero_count_with_exit_code_2(tmp_path):
    """A count below 1 is a usage error naming the option."""
    result = run(tmp_path, "seed", "--projects", "0")
    assert result.returncode == 2
    assert "--projects" in result.stderr


def test_demo_loads_once_without_serving(tmp_path):
    """`kuroko demo --no-serve` builds the demo and prints the logins; a second run keeps the data."""
    result = run(tmp_path, "demo", "--no-serve")
    assert result.returncode == 0, result.stderr
    assert "kuroko-demo" in result.stdout and "admin" in result.stdout
    projects = count(tmp_path, "projects_project")
    assert projects == 12
    again = run(tmp_path, "demo", "--no-serve")
    assert again.returncode == 0 and "already loaded" in again.stdout
    assert count(tmp_path, "projects_project") == projects
