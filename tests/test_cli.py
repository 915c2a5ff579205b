"""The `kuroko` command: seeding, bad input (exit code 2, nothing written)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

KUROKO = str(Path(sys.executable).with_name("kuroko"))


def run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    # The timeout only stops a hung command: building the demo takes ~90 s on a quiet machine and more
    # on a loaded CI runner (its speed is watched by hand, not here).
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KUROKO_", "DJANGO_"))}
    env.update(KUROKO_DATA_DIR=str(tmp_path), KUROKO_DEBUG="1", COLUMNS="200")
    return subprocess.run([KUROKO, *args], env=env, capture_output=True, text=True, check=False, timeout=300)


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


EVM_PLAN = Path(__file__).parents[1] / "docs" / "examples" / "evm-plan.json"


def test_evm_prints_json_with_the_listed_keys(tmp_path):
    """`kuroko evm FILE --status-date … --json`: the project's figures at the top, every task below."""
    import json

    out = run(tmp_path, "evm", str(EVM_PLAN), "--status-date", "2027-06-18", "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    listed = {"bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac", "etc", "vac", "tcpi", "es", "spi_t"}
    assert listed <= set(data)
    assert (data["bac"], data["pv"], data["ev"], data["ac"]) == (3e6, 1e6, 1.1e6, 1.25e6)
    assert (data["spi"], data["cpi"], data["es"], data["spi_t"]) == (1.1, 0.88, 11, 1.1)
    assert (data["status_date"], data["currency"], data["method"]) == (
        "2027-06-18",
        "JPY",
        "percent_complete",
    )
    assert [t["id"] for t in data["tasks"]] == ["1", "1.1", "1.2", "2", "3"]
    build = data["tasks"][3]
    assert (build["spi"], build["cpi"], build["eac"]) == (None, None, None)  # undefined, not an error
    # Without --status-date, the file's status date; a week later more is planned.
    assert json.loads(run(tmp_path, "evm", str(EVM_PLAN), "--json").stdout)["pv"] == 1e6
    later = json.loads(run(tmp_path, "evm", str(EVM_PLAN), "--status-date", "2027-06-25", "--json").stdout)
    assert later["pv"] == 1.5e6


def test_evm_prints_a_table(tmp_path):
    """The text output rounds for display: yen without decimals, indices to two decimals."""
    out = run(tmp_path, "evm", str(EVM_PLAN), "--status-date", "2027-06-18")
    assert out.returncode == 0, out.stderr
    assert "3,409,091" in out.stdout and "0.88" in out.stdout and "22.7 d" in out.stdout
    assert "Requirements" in out.stdout and "2027-07-07 14:49" in out.stdout


def test_evm_bad_input_exits_2(tmp_path):
    """A missing or unreadable file, a bad date, a plan without baseline or status date, or a bad field:
    exit code 2 and the problem named on stderr."""
    missing = run(tmp_path, "evm", str(tmp_path / "none.json"), "--status-date", "2027-06-18")
    assert missing.returncode == 2 and "no such file" in missing.stderr
    bad_date = run(tmp_path, "evm", str(EVM_PLAN), "--status-date", "18/06/2027")
    assert bad_date.returncode == 2 and "--status-date" in bad_date.stderr and bad_date.stdout == ""
    small = str(Path(__file__).parents[1] / "docs" / "examples" / "small-plan.json")
    no_baseline = run(tmp_path, "evm", small, "--status-date", "2026-05-01")
    assert no_baseline.returncode == 2 and "no task has a baseline" in no_baseline.stderr
    no_date = run(tmp_path, "evm", small)
    assert no_date.returncode == 2 and "status_date" in no_date.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"start": "2027-06-07T08:00:00", "tasks": [')
    assert "line 1" in run(tmp_path, "evm", str(broken), "--status-date", "2027-06-18").stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text(EVM_PLAN.read_text().replace('"budget": 500000', '"budget": -5'))
    out = run(tmp_path, "evm", str(wrong), "--status-date", "2027-06-18")
    assert out.returncode == 2 and "tasks[1] (id '1.1')" in out.stderr and "budget" in out.stderr


RISK_PLAN = Path(__file__).parents[1] / "docs" / "examples" / "risk-plan.json"


def test_simulate_prints_json_with_percentile_dates_and_criticality(tmp_path):
    """`kuroko simulate FILE --iterations N --seed S --json`: P10–P90 finish dates and criticality; the
    same seed gives the same output."""
    import json

    args = (
        "simulate",
        str(RISK_PLAN),
        "--iterations",
        "2000",
        "--seed",
        "3",
        "--json",
        "--deadline",
        "2026-06-19",
    )
    out = run(tmp_path, *args)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    finish = data["finish"]
    assert finish["p10"] <= finish["p50"] <= finish["p80"] <= finish["p90"]
    assert all(len(finish[p]) == 10 for p in ("p10", "p50", "p80", "p90"))
    assert set(data["criticality"]) == {"1", "2", "3", "4", "5", "6"} and data["criticality"]["3"] == 1.0
    assert 0 < finish["probability_deadline"] < 1 and data["iterations"] == 2000 and data["seed"] == 3
    assert data["cost"]["p80"] > data["cost"]["p50"]
    assert run(tmp_path, *args).stdout == out.stdout


def test_simulate_prints_tables(tmp_path):
    """Without --json: the finish percentiles, milestones, top tasks and cost."""
    out = run(tmp_path, "simulate", str(RISK_PLAN), "--iterations", "1000", "--deadline", "2026-06-19")
    assert out.returncode == 0, out.stderr
    for text in (
        "P10",
        "P90",
        "Release",
        "Criticality",
        "Sensitivity",
        "Cost",
        "Probability of finishing by",
    ):
        assert text in out.stdout, text


def test_simulate_warns_when_nothing_is_uncertain(tmp_path):
    """A plan without estimates, risks or --range is deterministic: a warning says how to add uncertainty;
    --range makes every task vary."""
    import json

    small = str(Path(__file__).parents[1] / "docs" / "examples" / "small-plan.json")
    flat = run(tmp_path, "simulate", small, "--iterations", "50", "--json")
    assert (
        flat.returncode == 0
        and "nothing in this plan is uncertain" in flat.stderr
        and "--range" in flat.stderr
    )
    varied = run(tmp_path, "simulate", small, "--iterations", "200", "--json", "--range", "0.9,1,1.5")
    assert varied.returncode == 0 and varied.stderr == ""
    finish = json.loads(varied.stdout)["finish"]
    assert finish["p90"] > finish["p10"]


def test_simulate_reads_ms_project_xml(tmp_path):
    """An MSPDI file has no estimates: --range varies its tasks."""
    import json
    from datetime import datetime

    from kuroko.engine.model import Link, Plan, Task
    from kuroko.formats.mspdi import write_mspdi

    plan = Plan(datetime(2026, 4, 1, 8), (Task("1", "A", 960), Task("2", "B", 480)), (Link("1", "2"),))
    path = tmp_path / "plan.xml"
    path.write_bytes(write_mspdi(plan))
    out = run(tmp_path, "simulate", str(path), "--iterations", "500", "--range", "1,1,2", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["finish"]["p90"] > "2026-04-02"


def test_simulate_bad_input_exits_2(tmp_path):
    """Missing file, bad JSON, an unknown task in a risk, 0 iterations, a bad --range or --deadline: exit
    code 2, the problem on stderr, nothing on stdout."""
    missing = run(tmp_path, "simulate", str(tmp_path / "none.json"))
    assert missing.returncode == 2 and "no such file" in missing.stderr
    broken = tmp_path / "broken.json"
    broken.write_text('{"start": "2026-04-01T08:00:00", "tasks": [')
    out = run(tmp_path, "simulate", str(broken))
    assert out.returncode == 2 and "line 1" in out.stderr
    wrong = tmp_path / "wrong.json"
    wrong.write_text(RISK_PLAN.read_text(encoding="utf-8").replace('"tasks": ["3"]', '"tasks": ["99"]'))
    out = run(tmp_path, "simulate", str(wrong))
    assert out.returncode == 2 and "risks[0] (id 'R1').tasks[0]: task '99' is not in the plan" in out.stderr
    zero = run(tmp_path, "simulate", str(RISK_PLAN), "--iterations", "0")
    assert zero.returncode == 2 and "Iterations must be a whole number" in zero.stderr and zero.stdout == ""
    for bad in ("1,2", "a,b,c", "2,1,3"):
        out = run(tmp_path, "simulate", str(RISK_PLAN), "--range", bad)
        assert out.returncode == 2 and ("--range" in out.stderr or "default range" in out.stderr), bad
    out = run(tmp_path, "simulate", str(RISK_PLAN), "--deadline", "soon")
    assert out.returncode == 2 and "--deadline" in out.stderr
    out = run(tmp_path, "simulate", str(RISK_PLAN), "--sampling", "sobol")
    assert out.returncode == 2 and "Latin Hypercube" in out.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--deadline", "2026-06-01T10:00+09:00"], "time zone"),  # an offset the plan's local times lack
        (["--seed", "-1"], "--seed"),  # numpy refuses negative seeds; the message names the option
    ],
)
def test_simulate_refuses_bad_options_naming_them(tmp_path, args, message):
    """Bad options exit 2 with a message naming the option, not a traceback."""
    result = run(tmp_path, "simulate", str(RISK_PLAN), "--iterations", "100", *args)
    assert result.returncode == 2
    assert message in result.stderr
