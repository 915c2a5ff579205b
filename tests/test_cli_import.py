"""`kuroko import` and `kuroko export`: new projects, updates with the diff, dry runs that write nothing,
the acting user, and errors that exit 2 with a message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuroko import cli
from kuroko.projects.models import Dependency, Project, Task
from tests.projects.test_import_files import SMALL_SM

pytestmark = pytest.mark.django_db

KUROKO = str(Path(sys.executable).with_name("kuroko"))


@pytest.fixture
def kuroko(monkeypatch):
    """Run the CLI in this process, on the test database (Django is set up; no migrations to run)."""
    monkeypatch.setattr(cli, "_django", lambda **env: None)
    monkeypatch.setattr(cli, "_manage", lambda *args: None)
    runner = CliRunner()

    def run(*args: str):
        result = runner.invoke(cli.app, list(args))
        # Rich wraps long lines at the terminal's width: compare the words.
        result.text = " ".join(result.output.split())
        return result

    return run


def counts() -> tuple[int, int, int]:
    return Project.objects.count(), Task.objects.count(), Dependency.objects.count()


def test_import_creates_a_project_named_after_the_file(world, kuroko, tmp_path) -> None:
    """Without --code the code is the file's stem in capitals; the superuser acts by default."""
    path = tmp_path / "small.sm"
    path.write_text(SMALL_SM)
    result = kuroko("import", str(path))
    assert result.exit_code == 0, result.output
    assert "Imported SMALL" in result.text and "6 tasks, 6 links" in result.text
    assert Project.objects.get(code="SMALL").tasks.count() == 6


def test_dry_run_prints_the_diff_and_writes_nothing(world, kuroko, tmp_path) -> None:
    """--dry-run for a new project and for an update lists the changes; the database stays the same."""
    path = tmp_path / "small.sm"
    path.write_text(SMALL_SM)
    before = counts()
    new = kuroko("import", str(path), "--code", "PS", "--dry-run")
    assert new.exit_code == 0, new.output
    assert "Tasks added (6)" in new.text and "+ Job 2 [2]" in new.text and "nothing was written" in new.text
    assert counts() == before
    assert kuroko("import", str(path), "--code", "PS").exit_code == 0
    path.write_text(SMALL_SM.replace("  2      1     3", "  2      1     5"))
    after_import = counts()
    update = kuroko("import", str(path), "--project", "PS", "--dry-run", "--as", "pm")
    assert update.exit_code == 2 and "pm may not update project PS." in update.text
    update = kuroko("import", str(path), "--project", "PS", "--dry-run")
    assert update.exit_code == 0, update.output
    assert "Tasks changed (1)" in update.text and "~ Job 2 [2]: Duration 3d → 5d" in update.text
    assert "Dry run: nothing was written." in update.text
    assert counts() == after_import
    applied = kuroko("import", str(path), "--project", "PS")
    assert applied.exit_code == 0 and "Updated PS: 0 added, 1 changed, 0 removed." in applied.text
    assert Task.objects.get(project__code="PS", source_uid="2").duration_minutes == 5 * 480


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["import", "{dir}/missing.xml"], "no such file"),  # no file there
        (["import", "{dir}/plan.txt"], "file types it reads"),  # a type Kuroko does not read
        (["import", "{dir}/bad.json"], "not a readable Kuroko plan JSON file"),  # broken content
        (["import", "{dir}/small.sm", "--code", "ALPHA"], "Code already exists"),  # the code is taken
        (["import", "{dir}/small.sm", "--code", "../../x"], "letters, digits, - and _"),  # a path as code
        (["import", "{dir}/small.sm", "--as", "member"], "member may not create projects"),  # no right
        (["import", "{dir}/small.sm", "--as", "nobody"], "no active user 'nobody'"),  # unknown user
        (["import", "{dir}/small.sm", "--project", "ALPHA", "--code", "X"], "--code and --name"),  # both
        (["import", "{dir}/small.xlsx", "--mapping", "Nope"], "no saved mapping “Nope”"),  # unknown mapping
        (["export", "ALPHA", "--format", "pdf"], "not one of mspdi, xlsx, json"),  # bad format
        (["export", "NOPE", "--format", "json"], "no project 'NOPE'"),  # unknown project
    ],
)
def test_bad_input_exits_2_and_writes_nothing(world, kuroko, tmp_path, args, message) -> None:
    """Each refusal exits 2 with a message naming the problem, and nothing is written."""
    (tmp_path / "small.sm").write_text(SMALL_SM)
    (tmp_path / "small.xlsx").write_bytes(b"PK")
    (tmp_path / "plan.txt").write_text("x")
    (tmp_path / "bad.json").write_text("{")
    before = counts()
    result = kuroko(*(a.format(dir=tmp_path) for a in args))
    assert result.exit_code == 2, result.output
    assert message in result.text
    assert "Traceback" not in result.text
    assert counts() == before


def test_more_than_one_superuser_needs_as(world, kuroko, tmp_path) -> None:
    """With two superusers the command will not guess: it asks for --as."""
    from tests.factories import UserFactory

    UserFactory(username="root2", is_superuser=True)
    (tmp_path / "small.sm").write_text(SMALL_SM)
    result = kuroko("import", str(tmp_path / "small.sm"))
    assert result.exit_code == 2 and "Pass --as USERNAME" in result.text


def test_export_json_is_what_kuroko_schedule_reads(world, kuroko, tmp_path) -> None:
    """`kuroko export --format json` writes plan JSON that `kuroko schedule` schedules; mspdi writes XML."""
    target = tmp_path / "alpha.json"
    result = kuroko("export", "ALPHA", "--format", "json", "--output", str(target), "--as", "pm")
    assert result.exit_code == 0, result.output
    plan = json.loads(target.read_text())
    assert {t["name"] for t in plan["tasks"]} == {"Design", "Screens", "Review"}
    scheduled = kuroko("schedule", str(target), "--json")
    assert scheduled.exit_code == 0, scheduled.output
    assert len(json.loads(scheduled.output)["tasks"]) == 3
    os.chdir(tmp_path)
    xml = kuroko("export", "ALPHA", "--format", "mspdi")
    assert xml.exit_code == 0 and (tmp_path / "ALPHA.xml").read_bytes().startswith(b"<?xml")


def test_cli_end_to_end_in_a_fresh_data_directory(tmp_path) -> None:
    """The installed command on its own database: no superuser yet is an error asking for --as; then
    import, export as plan JSON, and that file as a dry-run update changes nothing (a round trip)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUROKO_", "DJANGO_"))}
    env.update(
        KUROKO_DATA_DIR=str(tmp_path), KUROKO_DEBUG="1", COLUMNS="200", DJANGO_SUPERUSER_PASSWORD="x-S1"
    )

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KUROKO, *args], env=env, capture_output=True, text=True, timeout=300, check=False
        )

    plan = tmp_path / "small.sm"
    plan.write_text(SMALL_SM)
    refused = run("import", str(plan))
    assert refused.returncode == 2 and "Pass --as USERNAME" in refused.stderr
    created = run(
        "manage", "createsuperuser", "--noinput", "--username", "root", "--email", "root@example.com"
    )
    assert created.returncode == 0, created.stderr
    imported = run("import", str(plan), "--code", "PS")
    assert imported.returncode == 0 and "Imported PS" in imported.stdout, imported.stderr
    exported = run("export", "PS", "--format", "json", "--output", str(tmp_path / "ps.json"))
    assert exported.returncode == 0, exported.stderr
    again = run("import", str(tmp_path / "ps.json"), "--project", "PS", "--dry-run")
    assert again.returncode == 0 and "already matches the file" in again.stdout, again.stderr


REDMINE = (
    "#,Tracker,Status,Subject,Assignee,Start date,Due date,% Done,Parent task,Related issues\r\n"
    "1,Feature,New,Design,,2027-04-05,2027-04-09,0,,Precedes #2\r\n"
    "2,Feature,New,Build,,2027-04-12,2027-04-16,0,,Follows #1\r\n"
)


def test_tracker_csv_imports_and_reimports_through_the_cli(world, kuroko, tmp_path) -> None:
    """A Redmine export (in Shift_JIS) becomes a project; a later export updates the changed issue only."""
    path = tmp_path / "issues.csv"
    path.write_bytes(REDMINE.encode("cp932"))
    result = kuroko("import", str(path), "--code", "TRK")
    assert result.exit_code == 0, result.output
    assert "2 tasks, 1 link." in result.text
    assert Dependency.objects.filter(successor__project__code="TRK").count() == 1
    path.write_bytes(REDMINE.replace(",Build,", ",Build it,").encode("cp932"))
    before = counts()
    preview = kuroko("import", str(path), "--project", "TRK", "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "Build → Build it" in preview.text and counts() == before
    assert not Task.objects.filter(name="Build it").exists()


def test_export_writes_here_whatever_an_old_code_holds(world, kuroko, tmp_path, monkeypatch) -> None:
    """A project code stored before codes were checked (../x) is exported as x.xml in this folder, not
    in its parent."""
    Project.objects.filter(pk=world.project.pk).update(code="../x")
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    result = kuroko("export", "../x", "--format", "mspdi")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "here" / "x.xml").is_file() and not (tmp_path / "x.xml").exists()
