"""PSPLIB instances as the records of a new project (`psplib_to_mspdi`), and the PSPLIB reader fuzzed."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.cpm import schedule
from kuroko.formats.psplib import PsplibError, parse_psplib, psplib_to_mspdi, read_psplib
from tests.projects.test_import_files import SMALL_SM

SHARED = Path(__file__).parents[3] / "shared" / "data" / "psplib"
START = datetime(2026, 4, 6, 9, 0)


def test_jobs_become_tasks_links_resources_and_assignments() -> None:
    """Dummies are the milestones Start and End, periods are working days, requests are units."""
    source = psplib_to_mspdi(parse_psplib(SMALL_SM, name="small.sm"), START)
    plan = source.plan
    assert plan.name == "small" and plan.start == START and not source.own_calendar
    assert [(t.id, t.name, t.duration, t.milestone) for t in plan.tasks] == [
        ("1", "Start", 0, True),
        ("2", "Job 2", 1440, False),
        ("3", "Job 3", 960, False),
        ("4", "Job 4", 1920, False),
        ("5", "Job 5", 480, False),
        ("6", "End", 0, True),
    ]
    assert {(link.predecessor, link.successor, str(link.type)) for link in plan.links} == {
        ("1", "2", "FS"),
        ("1", "3", "FS"),
        ("2", "4", "FS"),
        ("3", "4", "FS"),
        ("4", "5", "FS"),
        ("5", "6", "FS"),
    }
    assert [(r.id, r.max_units) for r in source.resources] == [("R1", Decimal(3)), ("R2", Decimal(3))]
    assert {(a.task, a.resource): (a.units, a.work) for a in source.assignments} == {
        ("2", "R1"): (Decimal(2), 2880),
        ("3", "R1"): (Decimal(1), 960),
        ("3", "R2"): (Decimal(1), 960),
        ("4", "R2"): (Decimal(3), 5760),
        ("5", "R1"): (Decimal(2), 960),
        ("5", "R2"): (Decimal(2), 960),
    }


def test_requests_and_capacities_of_different_counts_are_a_psplib_error() -> None:
    """A second resource count between the requests and the capacities: a PsplibError naming the job,
    not the ValueError of a strict zip."""
    text = SMALL_SM.replace("RESOURCEAVAILABILITIES:", "  - renewable : 3 R\nRESOURCEAVAILABILITIES:")
    text = text.replace("    3    3\n", "    3    3    3\n")
    with pytest.raises(PsplibError, match="job 1 requests 2 resources"):
        parse_psplib(text, name="uneven.sm")


def test_a_day_is_the_organisations_working_day() -> None:
    """With 7.5-hour days a job of 3 periods lasts 22.5 hours of work."""
    source = psplib_to_mspdi(parse_psplib(SMALL_SM, name="small.sm"), START, minutes_per_day=450)
    assert next(t for t in source.plan.tasks if t.id == "2").duration == 3 * 450


def test_shared_instance_schedules_to_its_critical_path() -> None:
    """A J30 instance as a plan schedules (resources not considered) along its longest path: the
    durations on the critical path add up to the longest path of the instance, in working days."""
    path = SHARED / "j30" / "j301_1.sm"
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared PSPLIB files are not on this machine")
    problem = read_psplib(path)
    plan = psplib_to_mspdi(problem, START).plan
    longest: dict[str, int] = {}
    for job in reversed(problem.jobs):  # PSPLIB numbers jobs so that successors come later
        longest[job.id] = job.duration + max((longest[s] for s in job.successors), default=0)
    result = schedule(plan)
    durations = {t.id: t.duration for t in plan.tasks}
    assert len(plan.tasks) == 32
    assert sum(durations[t] for t in result.critical_path) == longest["1"] * 480


# Lines a PSPLIB file is made of, to build random near-valid files from.
LINES = SMALL_SM.splitlines()


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=400),
        st.lists(st.sampled_from(LINES), max_size=40).map("\n".join),
        st.tuples(st.integers(0, len(LINES)), st.text(max_size=30)).map(
            lambda cut: "\n".join([*LINES[: cut[0]], cut[1], *LINES[cut[0] :]])
        ),
    )
)
def test_random_text_parses_or_raises_psplib_error(text: str) -> None:
    """Random text, shuffled lines and a valid file with a line spliced in: a problem whose plan can be
    built, or a PsplibError — never another exception."""
    try:
        problem = parse_psplib(text, name="fuzz.sm")
    except PsplibError as exc:
        assert str(exc).startswith("fuzz.sm")
        return
    source = psplib_to_mspdi(problem, START)
    assert len(source.plan.tasks) == len(problem.jobs)
