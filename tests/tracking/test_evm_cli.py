"""`kuroko evm-snapshots`: records every active project's earned value; a bad date exits 2."""

from __future__ import annotations

from tests.test_cli import count, run


def test_evm_snapshots_records_and_refuses_a_bad_date(tmp_path):
    """On a seeded organisation (no baselines yet) it records nothing and says so; a bad --date exits 2."""
    seeded = run(tmp_path, "seed", "--projects", "2", "--tasks-per-project", "5", "--people", "5")
    assert seeded.returncode == 0, seeded.stderr
    done = run(tmp_path, "evm-snapshots", "--date", "2027-06-30")
    assert done.returncode == 0, done.stderr
    assert "Recorded the earned value of 0 projects." in done.stdout
    bad = run(tmp_path, "evm-snapshots", "--date", "30/06/2027")
    assert bad.returncode == 2 and "--date" in bad.stderr
    assert count(tmp_path, "tracking_evmsnapshot") == 0
