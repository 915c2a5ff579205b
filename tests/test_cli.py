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


PSPLIB_TINY = """\
jobs (incl. supersource/sink ):  4
  - renewable                 :  1   R
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           4
   4        1          0
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
  1      1     0       0
  2      1     3       2
  3      1     2       2
  4      1     0       0
RESOURCEAVAILABILITIES:
  R 1
    3
"""


def test_level_prints_json_and_text(tmp_path):
    """`kuroko level --json` gives the makespan and every job's start (dummies included); text a table."""
    import json

    path = tmp_path / "tiny.sm"
    path.write_text(PSPLIB_TINY)
    out = run(tmp_path, "level", str(path), "--json", "--time-limit", "0.5")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {
        "makespan": 5,
        "starts": {"1": 0, "2": 0, "3": 3, "4": 5},
    } or json.loads(out.stdout) == {"makespan": 5, "starts": {"1": 0, "2": 2, "3": 0, "4": 5}}
    text = run(tmp_path, "level", str(path))
    assert text.returncode == 0, text.stderr
    assert "makespan 5" in text.stdout and "Critical-path bound 3" in text.stdout


def test_level_bad_input_exits_2(tmp_path):
    """A bad file names its line on stderr and exits 2; so do a missing file and an unknown solver."""
    path = tmp_path / "bad.sm"
    path.write_text(PSPLIB_TINY.replace("  2      1     3       2", "  2      1     3       x"))
    out = run(tmp_path, "level", str(path))
    assert out.returncode == 2 and "line 12" in out.stderr
    assert run(tmp_path, "level", str(tmp_path / "none.sm")).returncode == 2
    wrong = run(tmp_path, "level", str(path), "--solver", "magic")
    assert wrong.returncode == 2 and "heuristic, cpsat" in wrong.stderr


def test_level_cpsat(tmp_path):
    """--solver cpsat solves with OR-Tools; without it, exits 2 naming kuroko[solver]."""
    import importlib.util
    import json

    path = tmp_path / "tiny.sm"
    path.write_text(PSPLIB_TINY)
    out = run(tmp_path, "level", str(path), "--solver", "cpsat", "--json", "--time-limit", "2")
    if importlib.util.find_spec("ortools") is None:
        assert out.returncode == 2 and "kuroko[solver]" in out.stderr
    else:
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["makespan"] == 5
