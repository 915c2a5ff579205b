"""PSPLIB single-mode instances and solution tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuroko.formats.psplib import PsplibError, parse_psplib, read_psplib, read_solutions

PSPLIB = Path(__file__).parents[3] / "shared" / "data" / "psplib"

SMALL = """\
************************************************************************
file with basedata            : tiny.bas
************************************************************************
projects                      :  1
jobs (incl. supersource/sink ):  5
horizon                       :  12
RESOURCES
  - renewable                 :  2   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          2           2   3
   2        1          1           4
   3        1          1           5
   4        1          1           5
   5        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1  R 2
------------------------------------------------------------------------
  1      1     0       0    0
  2      1     3       2    0
  3      1     4       2    1
  4      1     2       1    1
  5      1     0       0    0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1  R 2
    3    1
************************************************************************
"""


def test_parses_jobs_successors_demands_and_capacities():
    """An inline instance gives jobs by number, with durations, successors and demands."""
    problem = parse_psplib(SMALL, name="tiny.sm")
    assert [j.id for j in problem.jobs] == ["1", "2", "3", "4", "5"]
    assert problem.jobs[0].successors == ("2", "3")
    assert problem.jobs[2].duration == 4
    assert problem.jobs[2].demands == (2, 1)
    assert problem.capacities == (3, 1)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        # a successor count that disagrees with the successors listed
        ("   2        1          1           4", "   2        1          2           4", "line 15"),
        # a letter among the numbers of a request row
        ("  3      1     4       2    1", "  3      1     x       2    1", "line 25"),
        # a request row with too few demands
        ("  4      1     2       1    1", "  4      1     2       1", "line 26"),
        # a multi-mode job
        ("   5        1          0", "   5        2          0", "line 18"),
        # a demand above its capacity
        ("  2      1     3       2    0", "  2      1     3       9    0", "needs 9 of resource 1"),
        # a missing job
        ("   5        1          0\n", "", "no row for job 5"),
        # a loop in the precedences
        ("   4        1          1           5", "   4        1          1           2", "cycle"),
    ],
)
def test_bad_files_name_the_line_or_the_rule(old, new, message):
    """Each kind of bad input raises PsplibError naming where or what."""
    assert old in SMALL
    with pytest.raises(PsplibError, match=message):
        parse_psplib(SMALL.replace(old, new, 1), name="bad.sm")


def test_not_a_psplib_file():
    """A file without the PSPLIB header says so."""
    with pytest.raises(PsplibError, match="is this a PSPLIB"):
        parse_psplib("hello\nworld\n", name="x.sm")


def test_missing_file(tmp_path):
    """A missing file is a PsplibError naming it."""
    with pytest.raises(PsplibError, match=r"nope\.sm"):
        read_psplib(tmp_path / "nope.sm")


def test_solution_tables(tmp_path):
    """Rows of a solution table are keyed parameter_instance; lb tables give the lower bound."""
    (tmp_path / "j30opt.sm").write_text("Paramter Instance Makespan CPU\n-----\n1 1 43 0.3\n48 10 54 0.01\n")
    (tmp_path / "j60lb.sm").write_text("Par Inst UB LB\n====\n  1   4    91    90    *  Klein\n")
    opt = read_solutions(tmp_path / "j30opt.sm")
    assert opt["1_1"].makespan == 43 and opt["48_10"].lower_bound == 54
    assert read_solutions(tmp_path / "j60lb.sm")["1_4"].lower_bound == 90


def _shared(path: str) -> Path:
    full = PSPLIB / path
    if not full.exists():
        pytest.skip(f"{full} is absent: the shared PSPLIB data is not on this machine")
    return full


def test_shared_j30_instance():
    """j301_1.sm from the shared data: 32 jobs, 4 resources, dummies of duration 0."""
    problem = read_psplib(_shared("j30/j301_1.sm"))
    assert len(problem.jobs) == 32 and len(problem.capacities) == 4
    assert problem.jobs[0].duration == problem.jobs[-1].duration == 0


def test_shared_solution_tables():
    """All 480 J30 optima and J60 upper bounds are read."""
    assert len(read_solutions(_shared("solutions/j30opt.sm"))) == 480
    assert len(read_solutions(_shared("solutions/j60hrs.sm"))) == 480
    lb = read_solutions(_shared("solutions/j60lb.sm"))
    assert all(s.lower_bound <= s.makespan for s in lb.values())
