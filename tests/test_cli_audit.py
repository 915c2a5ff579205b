"""`kuroko audit`: findings (with the DCMA 14) for one or all projects, as tables or JSON; a plan file
checked without the database; bad input exits 2 and writes nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

KUROKO = str(Path(sys.executable).with_name("kuroko"))


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUROKO_", "DJANGO_"))}
    env.update(KUROKO_DATA_DIR=str(tmp_path), KUROKO_DEBUG="1", COLUMNS="200")
    return subprocess.run([KUROKO, *args], env=env, capture_output=True, text=True, check=False, timeout=180)


def count(tmp_path: Path, table: str) -> int:
    with sqlite3.connect(tmp_path / "kuroko.sqlite3") as db:
        return db.execute(f"select count(*) from {table}").fetchone()[0]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("audit")
    result = run(
        path, "seed", "--projects", "4", "--tasks-per-project", "15", "--people", "20", "--seed", "3"
    )
    assert result.returncode == 0, result.stderr
    return path


def test_audit_all_as_json(seeded):
    """--json prints the run and, per active project, its score, findings and DCMA results."""
    result = run(seeded, "audit", "--json", "--status-date", "2026-06-10")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["run"]["today"] == "2026-06-10" and report["run"]["trigger"] == "cli"
    assert report["run"]["projects"] == len(report["projects"]) >= 1
    findings = [f for project in report["projects"] for f in project["findings"]]
    assert findings and all({"rule", "severity", "message", "evidence"} <= set(f) for f in findings)
    for project in report["projects"]:
        assert 0 <= project["score"] <= 100
        assert len(project["dcma"]) in (0, 14)
    assert count(seeded, "governance_auditrun") >= 1


def test_audit_one_project_prints_a_table(seeded):
    """With PROJECT: that project's table and a summary line."""
    code = json.loads(run(seeded, "audit", "--json").stdout)["projects"][0]["code"]
    result = run(seeded, "audit", code)
    assert result.returncode == 0, result.stderr
    assert code in result.stdout and "health" in result.stdout
    assert "Audited 1 project(s)" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["audit", "NOPE"], "no project 'NOPE'"),  # an unknown project code
        (["audit", "--status-date", "2026-13-01"], "--status-date"),  # not a date
        (["audit", "--status-date", "9999-12-31"], "not between 1900-01-01 and 2999-12-31"),  # too far
        (["audit", "--file", "missing.json"], "does not exist"),  # no such file
        (["audit", "X", "--all"], "not both"),  # a project and --all
        (["audit", "X", "--file", "plan.json"], "--file checks a file"),  # a file and a project
    ],
)
def test_audit_bad_input_exits_2_and_writes_nothing(seeded, args, message):
    """Bad input is named on stderr with exit code 2; no audit run is recorded."""
    before = count(seeded, "governance_auditrun")
    result = run(seeded, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert count(seeded, "governance_auditrun") == before


def test_audit_file_prints_the_dcma_14(tmp_path):
    """--file checks an MS Project XML file without a database: the fourteen checks, as JSON or a table."""
    from tests.projects.test_import import mspdi

    plan = tmp_path / "plan.xml"
    plan.write_bytes(mspdi())
    result = run(tmp_path, "audit", "--file", str(plan), "--json", "--status-date", "2026-06-10")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["file"] == "plan.xml"
    assert [c["number"] for c in report["dcma"]] == list(range(1, 15))
    assert not (tmp_path / "kuroko.sqlite3").exists() or count(tmp_path, "governance_auditrun") == 0
    table = run(tmp_path, "audit", "--file", str(plan))
    assert table.returncode == 0 and "DCMA 14 · plan.xml" in table.stdout and "logic" in table.stdout


def test_audit_file_that_is_not_a_plan_exits_2(tmp_path):
    """A file Kuroko cannot read is named with exit code 2."""
    bad = tmp_path / "notes.json"
    bad.write_text("{not json")
    result = run(tmp_path, "audit", "--file", str(bad))
    assert result.returncode == 2 and "notes.json" in result.stderr


def test_audit_exits_1_naming_what_failed_and_status_date_wins(seeded, tmp_path):
    """A project the DCMA cannot assess makes the audit exit 1 naming it; --status-date overrides the
    project's own status date, so the same audit then succeeds."""
    import shutil

    shutil.copy(seeded / "kuroko.sqlite3", tmp_path / "kuroko.sqlite3")
    with sqlite3.connect(tmp_path / "kuroko.sqlite3") as db:
        code = db.execute(
            "select code from projects_project where status in ('active', 'on_hold') order by code"
        ).fetchone()[0]
        db.execute("update projects_project set status_date = '9999-12-31' where code = ?", (code,))
    result = run(tmp_path, "audit", "--json")
    assert result.returncode == 1 and f"{code}: dcma" in result.stderr
    result = run(tmp_path, "audit", "--json", "--status-date", "2026-06-10")
    assert result.returncode == 0, result.stderr


def test_audit_of_a_closed_project_exits_2(seeded, tmp_path):
    """`kuroko audit CODE` for a closed project is refused with exit 2 and writes no run."""
    import shutil

    shutil.copy(seeded / "kuroko.sqlite3", tmp_path / "kuroko.sqlite3")
    with sqlite3.connect(tmp_path / "kuroko.sqlite3") as db:
        code = db.execute("select code from projects_project order by code").fetchone()[0]
        db.execute("update projects_project set status = 'closed' where code = ?", (code,))
    before = count(tmp_path, "governance_auditrun")
    result = run(tmp_path, "audit", code)
    assert result.returncode == 2 and "only active or on-hold projects are audited" in result.stderr
    assert count(tmp_path, "governance_auditrun") == before
