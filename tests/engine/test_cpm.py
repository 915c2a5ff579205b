"""Tests for kuroko.engine.cpm: hand-computed schedules on the Standard calendar.

Every example starts on Monday 23 November 2026 at 08:00 on MS Project's Standard calendar
(Monday–Friday 08:00–12:00 and 13:00–17:00), so one day is 480 working minutes.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, time, timedelta

import pytest

from kuroko.engine.calendar import WorkCalendar, from_minutes, to_minutes
from kuroko.engine.cpm import CycleError, PlanError, schedule
from kuroko.engine.model import (
    FULL_WEEK,
    STANDARD_WEEK,
    Calendar,
    CalendarException,
    ConstraintType,
    ExternalDates,
    LagKind,
    Link,
    LinkType,
    Plan,
    Schedule,
    Task,
)

DAY = 480
HOUR = 60
START = datetime(2026, 11, 23, 8)
STANDARD = Calendar("standard", "Standard")
H24 = Calendar("h24", "24 hours", FULL_WEEK)
NO_FRIDAYS = Calendar("nofri", "No Fridays", tuple(STANDARD_WEEK[d] if d < 4 else () for d in range(7)))
CALENDARS = (STANDARD, H24, NO_FRIDAYS)

# The days of the weeks used below.
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 11, 23) + timedelta(days=n) for n in range(7))
MON2, TUE2, WED2, THU2, FRI2 = (date(2026, 11, 30) + timedelta(days=n) for n in range(5))
PREV_FRI = date(2026, 11, 20)

FS, SS, FF, SF = LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF
C = ConstraintType


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """The naive instant `hour:minute` on `day`."""
    return datetime.combine(day, time(hour, minute))


def run(tasks: list[Task], links: list[Link] | None = None, **options: object) -> Schedule:
    """Schedule a plan starting Monday 23 November 2026 08:00 on the Standard calendar."""
    options.setdefault("calendars", CALENDARS)
    return schedule(Plan(START, tuple(tasks), tuple(links or ()), **options))  # type: ignore[arg-type]


def span(result: Schedule, task: str) -> tuple[datetime, datetime]:
    """The scheduled (start, finish) of a task."""
    t = result.tasks[task]
    return t.start, t.finish


def early(result: Schedule, task: str) -> tuple[datetime, datetime]:
    """The early (start, finish) of a task."""
    t = result.tasks[task]
    return t.early_start, t.early_finish


def late(result: Schedule, task: str) -> tuple[datetime, datetime]:
    """The late (start, finish) of a task."""
    t = result.tasks[task]
    return t.late_start, t.late_finish


def day_span(start: date, finish: date | None = None) -> tuple[datetime, datetime]:
    """08:00 on `start` to 17:00 on `finish` (default: the same day)."""
    return at(start, 8), at(finish or start, 17)


# --- Link types and lags ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("link_type", "lag", "kind", "expected"),
    [
        (FS, 0, LagKind.WORK, day_span(FRI)),  # starts the morning after A's Thursday 17:00 finish
        (FS, DAY, LagKind.WORK, day_span(MON2)),  # one day of lag: Friday passes, Monday
        (FS, -DAY, LagKind.WORK, day_span(THU)),  # a one-day lead overlaps A's last day
        (FS, 12 * HOUR, LagKind.WORK, (at(MON2, 13), at(TUE2, 12))),  # 12 working hours: Fri + Mon morning
        (FS, 12 * HOUR, LagKind.ELAPSED, day_span(FRI)),  # 12 clock hours: Friday 05:00, so Friday 08:00
        (FS, 50, LagKind.PERCENT, day_span(TUE2)),  # 50 % of A's 4 days = 2 days (Fri, Mon)
        (FS, -50, LagKind.PERCENT, day_span(WED)),  # a 50 % lead
        (SS, 4 * HOUR, LagKind.WORK, (at(MON, 13), at(TUE, 12))),  # four hours after A starts: after lunch
        (SS, 50, LagKind.PERCENT, day_span(WED)),  # halfway through A
        (FF, 0, LagKind.WORK, day_span(THU)),  # finishes with A
        (FF, -4 * HOUR, LagKind.WORK, (at(WED, 13), at(THU, 12))),  # finishes half a day before A
        (SF, 2 * DAY, LagKind.WORK, day_span(TUE)),  # finishes no earlier than two days after A starts
        (SF, 0, LagKind.WORK, day_span(MON)),  # finish ≥ A's start holds from the project start
    ],
)
def test_link_types_and_lags(link_type: LinkType, lag: int, kind: LagKind, expected: tuple) -> None:
    """A (4 days, Mon–Thu) → B (1 day): each link type and lag kind places B as MS Project does."""
    result = run(
        [Task("A", duration=4 * DAY), Task("B", duration=DAY)], [Link("A", "B", link_type, lag, kind)]
    )
    assert span(result, "A") == day_span(MON, THU)
    assert span(result, "B") == expected


def test_start_to_finish_finish_reads_as_the_predecessors_start() -> None:
    """An SF successor's finish is shown at the predecessor's start instant (Wed 08:00)."""
    # X (2d) → A (Wed); A SF → B (1d): B finishes by A's start, Wednesday 08:00 (MS Project does not show
    # Tuesday 17:00 here); with a 1-hour lag, Wednesday 09:00.
    tasks = [Task("X", duration=2 * DAY), Task("A", duration=DAY), Task("B", duration=DAY)]
    no_lag = run(tasks, [Link("X", "A"), Link("A", "B", SF)])
    hour = run(tasks, [Link("X", "A"), Link("A", "B", SF, HOUR)])
    assert span(no_lag, "B") == (at(TUE, 8), at(WED, 8))
    assert span(hour, "B") == (at(TUE, 9), at(WED, 9))


def test_elapsed_lag_over_a_weekend() -> None:
    """An elapsed lag counts clock time over the weekend; a work lag skips it."""
    # Friday 17:00 + 2 elapsed days = Sunday 17:00 → Monday 08:00; + 3 elapsed days = Monday 17:00 → Tuesday;
    # a 2-day work lag → Wednesday.
    tasks = [Task("A", duration=5 * DAY), Task("B", duration=DAY)]
    two = run(tasks, [Link("A", "B", FS, 2 * 1440, LagKind.ELAPSED)])
    three = run(tasks, [Link("A", "B", FS, 3 * 1440, LagKind.ELAPSED)])
    work = run(tasks, [Link("A", "B", FS, 2 * DAY)])
    assert span(two, "B") == day_span(MON2)
    assert span(three, "B") == day_span(TUE2)
    assert span(work, "B") == day_span(WED2)


def test_elapsed_lag_ending_in_a_weekend_gives_the_predecessor_float() -> None:
    """An elapsed lag ending in a weekend gives the predecessor float.

    A (Mon–Thu) + 1 elapsed day ends Friday 17:00, so B starts Monday; A could finish Friday 17:00 (+24 h =
    Saturday 17:00) without moving B. MS Project computes the late finish the same way (successor late start
    minus the lag, moved to working time) as far as we know; this asserts the engine's documented semantics.
    """
    result = run(
        [Task("A", duration=4 * DAY), Task("B", duration=DAY)], [Link("A", "B", FS, 1440, LagKind.ELAPSED)]
    )
    assert span(result, "B") == day_span(MON2)
    assert late(result, "A") == day_span(TUE, FRI)
    assert result.tasks["A"].total_float == DAY
    assert result.critical_path == ("B",)


def test_elapsed_finish_to_finish_lag_gives_no_negative_float() -> None:
    """An elapsed FF lag into non-working time gives no negative float."""
    # A (Mon) FF +30 elapsed minutes → B: Monday 17:30 is non-working, so B still finishes Monday 17:00.
    result = run(
        [Task("A", duration=DAY), Task("B", duration=DAY)], [Link("A", "B", FF, 30, LagKind.ELAPSED)]
    )
    assert span(result, "B") == day_span(MON)
    assert result.tasks["A"].total_float == 0
    assert result.problems == ()


def test_elapsed_start_to_start_lag_late_dates_keep_the_link() -> None:
    """The late dates keep an elapsed SS link's inequality.

    A (1d) SS +15 elapsed hours → B: B starts Tuesday 08:00, and A's late start + 15 h must not pass B's late
    start. How MS Project rounds a late start in non-working time here is not certain; this asserts the
    engine's own documented link inequality.
    """
    result = run(
        [Task("A", duration=DAY), Task("B", duration=DAY)], [Link("A", "B", SS, 15 * HOUR, LagKind.ELAPSED)]
    )
    assert span(result, "B") == day_span(TUE)
    a, b = result.tasks["A"], result.tasks["B"]
    assert a.late_start + timedelta(hours=15) <= b.late_start
    assert a.total_float < DAY


def test_percent_lag_of_a_zero_duration_predecessor_is_zero() -> None:
    """A percent lag is a share of the predecessor's duration, so after a milestone it is no lag."""
    result = run(
        [Task("A", duration=DAY), Task("M", milestone=True), Task("B", duration=DAY)],
        [Link("A", "M"), Link("M", "B", FS, 50, LagKind.PERCENT)],
    )
    assert span(result, "B") == day_span(TUE)


def test_several_predecessors_the_latest_wins() -> None:
    """A task starts after the latest of its predecessors' bounds."""
    result = run(
        [Task("A", duration=DAY), Task("B", duration=3 * DAY), Task("C", duration=DAY)],
        [Link("A", "C"), Link("B", "C")],
    )
    assert span(result, "C") == day_span(THU)


# --- Milestones ---------------------------------------------------------------------------------


def test_milestone_after_a_task_finishing_at_17() -> None:
    """A milestone after a task finishing Tuesday 17:00 sits at 17:00; its successor starts Wednesday."""
    # Not Wednesday 08:00, although that is the same position; a zero-duration task behaves the same.
    result = run(
        [
            Task("A", duration=2 * DAY),
            Task("M", milestone=True),
            Task("Z", duration=0),
            Task("B", duration=DAY),
        ],
        [Link("A", "M"), Link("A", "Z"), Link("M", "B")],
    )
    assert span(result, "M") == (at(TUE, 17), at(TUE, 17))
    assert span(result, "Z") == (at(TUE, 17), at(TUE, 17))
    assert early(result, "M") == late(result, "M") == (at(TUE, 17), at(TUE, 17))
    assert span(result, "B") == day_span(WED)


def test_milestone_at_lunch() -> None:
    """A milestone after a half-day task sits at 12:00, the end of the morning."""
    result = run([Task("A", duration=4 * HOUR), Task("M", milestone=True)], [Link("A", "M")])
    assert span(result, "M") == (at(MON, 12), at(MON, 12))


def test_milestone_ignores_its_duration() -> None:
    """A task marked as a milestone has zero duration whatever its duration field says."""
    result = run([Task("M", duration=3 * DAY, milestone=True), Task("A", duration=DAY)], [Link("A", "M")])
    assert span(result, "M") == (at(MON, 17), at(MON, 17))


def test_milestone_at_the_project_start() -> None:
    """A milestone without predecessors sits at the project start, Monday 08:00."""
    # Not the previous Friday 17:00, although both are the same position in working time.
    result = run([Task("M", milestone=True), Task("A", duration=DAY)])
    assert span(result, "M") == (START, START)
    assert result.project_start == START


def test_project_of_one_milestone_finishes_when_it_starts() -> None:
    """A plan with only a milestone finishes at the milestone, the project start."""
    result = run([Task("M", milestone=True)])
    assert span(result, "M") == (START, START)
    assert result.project_finish == START


def test_milestone_after_a_milestone_at_the_project_start() -> None:
    """A milestone FS-linked to a milestone at the project start sits at the project start as well."""
    result = run([Task("M1", milestone=True), Task("M2", milestone=True)], [Link("M1", "M2")])
    assert span(result, "M1") == span(result, "M2") == (START, START)


def test_milestone_instant_does_not_depend_on_link_order() -> None:
    """The same plan with its links listed in another order gives the same dates."""
    tasks = [Task("A", duration=DAY), Task("B", duration=DAY), Task("M", milestone=True)]
    fs, ss = Link("A", "M", FS, 0, LagKind.PERCENT), Link("B", "M", SS, 100, LagKind.PERCENT)
    assert span(run(tasks, [fs, ss]), "M") == span(run(tasks, [ss, fs]), "M")


# --- Summary tasks ------------------------------------------------------------------------------


def summary_plan() -> tuple[list[Task], list[Link]]:
    """X (2d) → S{C1 (1d) → C2 (2d), C3 (1d)} → Y (1d)."""
    tasks = [
        Task("X", duration=2 * DAY),
        Task("S", "Phase"),
        Task("C1", duration=DAY, parent="S"),
        Task("C2", duration=2 * DAY, parent="S"),
        Task("C3", duration=DAY, parent="S"),
        Task("Y", duration=DAY),
    ]
    return tasks, [Link("X", "S"), Link("C1", "C2"), Link("S", "Y")]


def test_link_into_a_summary_delays_all_its_children() -> None:
    """X → S: every task under S starts after X finishes (Tuesday 17:00)."""
    result = run(*summary_plan())
    assert span(result, "C1") == day_span(WED)
    assert span(result, "C3") == day_span(WED)
    assert span(result, "C2") == day_span(THU, FRI)


def test_link_out_of_a_summary_waits_for_all_children() -> None:
    """S → Y: Y starts after the last task under S (C2, Friday 17:00)."""
    result = run(*summary_plan())
    assert span(result, "Y") == day_span(MON2)


def test_summary_dates_roll_up() -> None:
    """A summary spans its children's dates; its float is its own, its free float their least."""
    result = run(*summary_plan())
    s = result.tasks["S"]
    assert s.summary and not result.tasks["C1"].summary
    assert (s.start, s.finish) == day_span(WED, FRI)
    assert (s.early_start, s.early_finish) == day_span(WED, FRI)
    assert (s.late_start, s.late_finish) == day_span(WED, FRI)
    assert s.total_float == 0 and s.critical
    assert result.tasks["C3"].total_float == 2 * DAY
    assert "S" not in result.critical_path  # the critical path lists leaf tasks


def test_schedule_lists_tasks_in_plan_order() -> None:
    """Schedule.tasks keeps the plan's order, summaries included."""
    result = run(*summary_plan())
    assert list(result.tasks) == ["X", "S", "C1", "C2", "C3", "Y"]


def test_nested_summaries() -> None:
    """A link into a summary reaches the tasks of its sub-summaries; both summaries roll up."""
    result = run(
        [
            Task("X", duration=DAY),
            Task("P"),
            Task("Q", parent="P"),
            Task("C1", duration=DAY, parent="Q"),
            Task("C2", duration=2 * DAY, parent="P"),
        ],
        [Link("X", "P")],
    )
    assert span(result, "C1") == day_span(TUE)
    assert span(result, "Q") == day_span(TUE)
    assert span(result, "P") == day_span(TUE, WED)


def test_summary_start_to_start_link_uses_every_child() -> None:
    """P{C1 → C2} SS → Y: Y waits for every child's start (C2, Tuesday).

    MS Project binds Y to the summary's start (Monday) instead; this documented difference
    (docs/engine/cpm.md) is the engine's semantics, which the test asserts.
    """
    result = run(
        [
            Task("P"),
            Task("C1", duration=DAY, parent="P"),
            Task("C2", duration=DAY, parent="P"),
            Task("Y", duration=DAY),
        ],
        [Link("C1", "C2"), Link("P", "Y", SS)],
    )
    assert span(result, "Y") == day_span(TUE)


def test_summary_percent_lag_uses_each_child_duration() -> None:
    """P{C1 (2d) → C2 (4d)} SS 50 % → Y: 50 % of each child's duration, so Y starts Friday.

    MS Project takes 50 % of the summary's duration (3 of 6 days, Thursday); documented difference.
    """
    result = run(
        [
            Task("P"),
            Task("C1", duration=2 * DAY, parent="P"),
            Task("C2", duration=4 * DAY, parent="P"),
            Task("Y", duration=DAY),
        ],
        [Link("C1", "C2"), Link("P", "Y", SS, 50, LagKind.PERCENT)],
    )
    assert span(result, "Y") == day_span(FRI)


def test_summary_linked_to_its_own_subtask_is_ignored() -> None:
    """A link between a summary and a task under it is ignored and reported as a problem."""
    result = run([Task("S"), Task("A", duration=DAY, parent="S")], [Link("S", "A")])
    assert span(result, "A") == day_span(MON)
    assert [(p.task, "ignored" in p.message) for p in result.problems] == [("A", True)]


# --- Constraints --------------------------------------------------------------------------------


def constrained(constraint: ConstraintType, when: datetime, **options: object) -> Schedule:
    """A (3d) → B (1d, constrained), with Z (6d, Mon–Mon) setting the project finish to Monday 30th."""
    return run(
        [
            Task("A", duration=3 * DAY),
            Task("B", duration=DAY, constraint=constraint, constraint_date=when),
            Task("Z", duration=6 * DAY),
        ],
        [Link("A", "B")],
        **options,
    )


@pytest.mark.parametrize(
    ("constraint", "when", "b_start", "b_late_start", "b_float", "a_float"),
    [
        # links alone put B on Thursday; a start-no-earlier-than Friday moves it
        (C.SNET, at(FRI, 8), at(FRI, 8), at(MON2, 8), DAY, 2 * DAY),
        # an SNET earlier than the links allow changes nothing
        (C.SNET, at(TUE, 8), at(THU, 8), at(MON2, 8), 2 * DAY, 2 * DAY),
        # an SNET on Saturday means the next working instant, Monday 08:00
        (C.SNET, at(SAT, 10), at(MON2, 8), at(MON2, 8), 0, 2 * DAY),
        # finish no earlier than Friday 17:00: B runs on Friday
        (C.FNET, at(FRI, 17), at(FRI, 8), at(MON2, 8), DAY, 2 * DAY),
        # must start on Monday 30th pins both early and late start; A gains float up to Friday
        (C.MSO, at(MON2, 8), at(MON2, 8), at(MON2, 8), 0, 2 * DAY),
        # must finish on Friday 17:00
        (C.MFO, at(FRI, 17), at(FRI, 8), at(FRI, 8), 0, DAY),
        # start no later than Friday caps the late start only; the early dates still follow the links
        (C.SNLT, at(FRI, 8), at(THU, 8), at(FRI, 8), DAY, DAY),
        # finish no later than Friday 17:00 likewise
        (C.FNLT, at(FRI, 17), at(THU, 8), at(FRI, 8), DAY, DAY),
        # an SNLT after the project finish changes nothing
        (C.SNLT, at(date(2026, 12, 7), 8), at(THU, 8), at(MON2, 8), 2 * DAY, 2 * DAY),
    ],
)
def test_constraints_move_early_and_late_dates(
    constraint: ConstraintType,
    when: datetime,
    b_start: datetime,
    b_late_start: datetime,
    b_float: int,
    a_float: int,
) -> None:
    """Each constraint bounds the early and/or late dates as in MS Project."""
    result = constrained(constraint, when)
    assert result.tasks["B"].start == result.tasks["B"].early_start == b_start
    assert result.tasks["B"].late_start == b_late_start
    assert result.tasks["B"].total_float == b_float
    assert result.tasks["A"].total_float == a_float
    assert result.problems == ()


@pytest.mark.parametrize(
    ("constraint", "when"),
    [
        (C.MSO, at(TUE, 8)),  # must start Tuesday, but A finishes Wednesday
        (C.MFO, at(TUE, 17)),  # must finish Tuesday
        (C.SNLT, at(TUE, 8)),  # start no later than Tuesday
        (C.FNLT, at(TUE, 17)),  # finish no later than Tuesday
    ],
)
def test_honoured_constraints_win_over_links(constraint: ConstraintType, when: datetime) -> None:
    """An honoured inflexible constraint beats the link; A's −2 days of float show the conflict."""
    result = constrained(constraint, when)
    assert span(result, "B") == day_span(TUE)
    assert result.tasks["B"].total_float == 0
    assert result.tasks["A"].total_float == -2 * DAY
    assert result.tasks["A"].critical
    assert [p.task for p in result.problems] == ["A"]
    assert "negative total float" in result.problems[0].message


@pytest.mark.parametrize(
    ("constraint", "when"),
    [
        (C.SNLT, at(TUE, 8)),  # start no later than Tuesday
        (C.FNLT, at(TUE, 17)),  # finish no later than Tuesday
    ],
)
def test_links_win_when_constraints_are_not_honoured(constraint: ConstraintType, when: datetime) -> None:
    """With honor_constraints=False, B follows its link (Thursday) and both tasks show −2 days of float."""
    result = constrained(constraint, when, honor_constraints=False)
    assert span(result, "B") == day_span(THU)
    assert result.tasks["B"].late_start == at(TUE, 8)
    assert result.tasks["A"].total_float == result.tasks["B"].total_float == -2 * DAY
    assert sorted(p.task for p in result.problems) == ["A", "B"]


@pytest.mark.parametrize(
    ("constraint", "when"),
    [
        (C.MSO, at(TUE, 8)),  # must start Tuesday
        (C.MFO, at(TUE, 17)),  # must finish Tuesday
    ],
)
def test_links_win_over_must_constraints_when_not_honoured(
    constraint: ConstraintType, when: datetime
) -> None:
    """With honor_constraints=False, an MSO/MFO task follows its links and the conflict shows as float."""
    result = constrained(constraint, when, honor_constraints=False)
    assert span(result, "B") == day_span(THU)
    assert result.tasks["B"].total_float == -2 * DAY


def test_free_float_never_exceeds_total_float_with_constraints() -> None:
    """A task pinned by a constraint and without successors has no more free float than total float."""
    result = constrained(C.MSO, at(TUE, 8))
    b = result.tasks["B"]
    assert b.free_float <= b.total_float


def test_alap_task_sits_at_its_late_dates() -> None:
    """An ALAP task is placed at its late dates; its early dates and float are unchanged."""
    result = run(
        [Task("P", duration=DAY), Task("B", duration=DAY, constraint=C.ALAP), Task("Z", duration=4 * DAY)],
        [Link("P", "B")],
    )
    assert span(result, "B") == day_span(THU)
    assert early(result, "B") == day_span(TUE)
    assert result.tasks["B"].total_float == 2 * DAY
    assert span(result, "P") == day_span(MON)


def test_alap_task_successor_follows_it() -> None:
    """The scheduled dates of an ALAP task and its successor still satisfy their link."""
    result = run(
        [Task("B", duration=DAY, constraint=C.ALAP), Task("C", duration=DAY), Task("Z", duration=5 * DAY)],
        [Link("B", "C")],
    )
    assert span(result, "B") == day_span(THU)
    assert result.tasks["C"].start >= result.tasks["B"].finish


# --- Deadlines ----------------------------------------------------------------------------------


def test_missed_deadline_gives_negative_float() -> None:
    """A missed deadline moves nothing but gives the task and its predecessors negative float."""
    result = run(
        [Task("P", duration=DAY), Task("A", "Build", 2 * DAY, deadline=at(TUE, 17)), Task("B", duration=DAY)],
        [Link("P", "A"), Link("A", "B")],
    )
    assert span(result, "A") == day_span(TUE, WED)
    assert late(result, "A") == day_span(MON, TUE)
    assert result.tasks["A"].total_float == result.tasks["P"].total_float == -DAY
    assert result.tasks["B"].total_float == 0
    assert [p.task for p in result.problems] == ["P", "A"]
    assert all("negative total float (-480 working minutes)" in p.message for p in result.problems)


def test_deadline_that_is_met_changes_nothing() -> None:
    """A deadline after the late finish neither moves the task nor adds float."""
    result = run(
        [Task("A", duration=3 * DAY, deadline=at(FRI, 17)), Task("B", duration=DAY)], [Link("A", "B")]
    )
    assert result.tasks["A"].total_float == 0
    assert result.problems == ()


def test_deadline_reduces_float_of_a_task_with_slack() -> None:
    """A deadline before the late finish takes float away (four days down to two)."""
    result = run([Task("A", duration=5 * DAY), Task("B", duration=DAY, deadline=at(WED, 17))])
    assert result.tasks["B"].total_float == 2 * DAY
    assert late(result, "B") == day_span(WED)


def test_deadline_long_before_the_start() -> None:
    """A deadline years before the project start is reported as negative float, not refused."""
    result = run([Task("A", duration=DAY, deadline=datetime(2024, 6, 3, 17))])
    assert span(result, "A") == day_span(MON)
    assert result.tasks["A"].total_float < 0
    assert [p.task for p in result.problems] == ["A"]


# --- Durations and calendars --------------------------------------------------------------------


def test_elapsed_duration_task() -> None:
    """A 2-elapsed-day task runs round the clock from Thursday 17:00 to Saturday 17:00.

    MS Project starts an elapsed-duration task right at its predecessor's finish, as here (the classic
    'concrete cures over the weekend'); the next Standard task starts Monday 08:00.
    """
    result = run(
        [Task("A", duration=4 * DAY), Task("E", duration=2 * 1440, elapsed=True), Task("B", duration=DAY)],
        [Link("A", "E"), Link("E", "B")],
    )
    assert span(result, "E") == (at(THU, 17), at(SAT, 17))
    assert span(result, "B") == day_span(MON2)


def test_task_on_a_24_hour_calendar() -> None:
    """A 24-hour task runs Monday 17:00 to Tuesday 17:00; its float is in its calendar's minutes."""
    result = run(
        [Task("A", duration=DAY), Task("H", duration=1440, calendar="h24"), Task("B", duration=DAY)],
        [Link("A", "H"), Link("H", "B")],
    )
    assert span(result, "H") == (at(MON, 17), at(TUE, 17))
    assert span(result, "B") == day_span(WED)
    assert late(result, "H") == (at(TUE, 8), at(WED, 8))
    assert result.tasks["H"].total_float == 15 * HOUR


def test_finish_to_finish_across_calendars_gives_no_negative_float() -> None:
    """A 24-hour task FF-linked to a Standard task has no negative float without constraints."""
    result = run([Task("A", duration=1440, calendar="h24"), Task("B", duration=DAY)], [Link("A", "B", FF)])
    assert span(result, "A") == (at(MON, 8), at(TUE, 8))
    assert span(result, "B") == day_span(MON)
    assert result.tasks["A"].total_float == 0
    assert result.problems == ()


def test_work_lag_is_measured_in_the_successors_calendar() -> None:
    """A 2-hour work lag into a 24-hour task counts 24-hour time: Monday 17:00 + 2 h = 19:00."""
    result = run(
        [Task("A", duration=DAY), Task("H", duration=HOUR, calendar="h24")], [Link("A", "H", FS, 2 * HOUR)]
    )
    assert span(result, "H") == (at(MON, 19), at(MON, 20))


def test_task_calendar_with_fridays_off() -> None:
    """A 2-day task on a calendar without Fridays, starting Thursday, finishes on Monday."""
    result = run(
        [Task("A", duration=3 * DAY), Task("F", duration=2 * DAY, calendar="nofri"), Task("B", duration=DAY)],
        [Link("A", "F"), Link("F", "B")],
    )
    assert span(result, "F") == day_span(THU, MON2)
    assert span(result, "B") == day_span(TUE2)


def test_project_calendar_other_than_standard() -> None:
    """Tasks without a calendar use the plan's calendar."""
    result = run([Task("A", duration=5 * DAY)], calendar="nofri")
    assert span(result, "A") == day_span(MON, MON2)


def test_project_calendar_with_holidays() -> None:
    """A holiday on the project calendar is skipped."""
    cal = Calendar("standard", "Standard", exceptions=(CalendarException(WED, WED, (), "Holiday"),))
    result = run([Task("A", duration=3 * DAY)], calendars=(cal,))
    assert span(result, "A") == day_span(MON, THU)


# --- Links from other projects ------------------------------------------------------------------

OTHER = ExternalDates("other:X", at(TUE, 8), at(WED, 17), "Supplier delivery")


@pytest.mark.parametrize(
    ("link_type", "lag", "expected"),
    [
        (FS, 0, day_span(THU)),  # after the external task finishes (Wednesday 17:00)
        (FS, DAY, day_span(FRI)),  # with a day of lag
        (SS, 0, day_span(TUE)),  # starts with it
        (FF, 0, day_span(WED)),  # finishes with it
        (SF, 0, day_span(MON)),  # finish ≥ its start (Tuesday 08:00) holds from the project start
    ],
)
def test_external_predecessor_drives_a_task(link_type: LinkType, lag: int, expected: tuple) -> None:
    """A link from another project's task uses that task's dates like any predecessor's."""
    result = run([Task("A", duration=DAY)], [Link("other:X", "A", link_type, lag)], external=(OTHER,))
    assert span(result, "A") == expected
    assert "other:X" not in result.tasks


def test_external_predecessor_of_a_summary() -> None:
    """A link from another project into a summary applies to every task under it."""
    result = run(
        [Task("S"), Task("A", duration=DAY, parent="S"), Task("B", duration=DAY, parent="S")],
        [Link("other:X", "S")],
        external=(OTHER,),
    )
    assert span(result, "A") == span(result, "B") == day_span(THU)


# --- Progress -----------------------------------------------------------------------------------

STATUS = at(WED, 17)


def test_actual_dates_replace_the_plan() -> None:
    """Actual dates (Mon 08:00 – Tue 12:00) replace the planned 2 days; the successor starts at 13:00."""
    result = run(
        [
            Task(
                "A",
                duration=2 * DAY,
                actual_start=at(MON, 8),
                actual_finish=at(TUE, 12),
                percent_complete=100,
            ),
            Task("B", duration=DAY),
        ],
        [Link("A", "B")],
    )
    assert span(result, "A") == (at(MON, 8), at(TUE, 12))
    assert span(result, "B") == (at(TUE, 13), at(WED, 12))


def test_actual_start_moves_a_started_task() -> None:
    """A task that actually started Tuesday (no status date) runs its planned duration from there."""
    result = run(
        [Task("A", duration=2 * DAY, actual_start=at(TUE, 8), percent_complete=50), Task("B", duration=DAY)],
        [Link("A", "B")],
    )
    assert span(result, "A") == day_span(TUE, WED)
    assert span(result, "B") == day_span(THU)


def test_unstarted_work_moves_after_the_status_date() -> None:
    """With a status date of Wednesday 17:00, a task not yet started starts Thursday 08:00."""
    result = run([Task("U", duration=DAY)], status_date=STATUS)
    assert span(result, "U") == day_span(THU)


def test_completed_task_is_not_moved_by_the_status_date() -> None:
    """A finished task keeps its actual dates; its unstarted successor goes after the status date."""
    result = run(
        [
            Task("A", duration=DAY, actual_start=at(MON, 8), actual_finish=at(MON, 17), percent_complete=100),
            Task("B", duration=DAY),
        ],
        [Link("A", "B")],
        status_date=STATUS,
    )
    assert span(result, "A") == day_span(MON)
    assert span(result, "B") == day_span(THU)


def test_in_progress_task_resumes_after_the_status_date() -> None:
    """A task 25 % done at the status date resumes its remaining 3 days on Thursday."""
    # MS Project's 'move the remaining part after the status date', shown as one stretched bar (no split).
    result = run(
        [Task("A", duration=4 * DAY, actual_start=at(MON, 8), percent_complete=25), Task("B", duration=DAY)],
        [Link("A", "B")],
        status_date=STATUS,
    )
    assert span(result, "A") == (at(MON, 8), at(MON2, 17))
    assert span(result, "B") == day_span(TUE2)


def test_in_progress_task_ahead_of_the_status_date_keeps_its_dates() -> None:
    """A task 75 % complete at the status date has only 1 day left: it still finishes Thursday."""
    result = run(
        [Task("A", duration=4 * DAY, actual_start=at(MON, 8), percent_complete=75), Task("B", duration=DAY)],
        [Link("A", "B")],
        status_date=STATUS,
    )
    assert span(result, "A") == day_span(MON, THU)
    assert span(result, "B") == day_span(FRI)


def test_finished_work_is_not_critical() -> None:
    """A finished task on the longest path has no float but is not critical (MS Project): only the work
    still to do can delay the project. Its summary stays critical while critical work remains under it."""
    result = run(
        [
            Task("S"),
            Task(
                "A",
                duration=DAY,
                parent="S",
                actual_start=at(MON, 8),
                actual_finish=at(MON, 17),
                percent_complete=100,
            ),
            Task("B", duration=2 * DAY, parent="S"),
            Task("T"),
            Task(
                "C",
                duration=DAY,
                parent="T",
                actual_start=at(MON, 8),
                actual_finish=at(MON, 17),
                percent_complete=100,
            ),
        ],
        [Link("A", "B")],
        status_date=STATUS,
    )
    assert result.tasks["A"].total_float == 0 and not result.tasks["A"].critical
    assert result.tasks["B"].critical and result.tasks["S"].critical
    assert not result.tasks["T"].critical  # everything under it is done
    assert "A" not in result.critical_path and "B" in result.critical_path


def test_remaining_duration_overrides_percent_complete() -> None:
    """An explicit remaining duration (1 day) is used instead of the one implied by % complete."""
    result = run(
        [Task("A", duration=4 * DAY, actual_start=at(MON, 8), percent_complete=25, remaining_duration=DAY)],
        status_date=STATUS,
    )
    assert span(result, "A") == day_span(MON, THU)


# --- Scheduling from the finish -----------------------------------------------------------------


def test_schedule_from_finish_places_tasks_at_late_dates() -> None:
    """Scheduled from a fixed finish, tasks sit at their late dates and the start is computed."""
    result = run(
        [Task("A", duration=2 * DAY), Task("B", duration=3 * DAY), Task("Z", duration=DAY)],
        [Link("A", "B")],
        schedule_from_finish=True,
        finish=at(FRI2, 17),
    )
    assert span(result, "B") == day_span(WED2, FRI2)
    assert span(result, "A") == day_span(MON2, TUE2)
    assert span(result, "Z") == day_span(FRI2)
    assert result.project_finish == at(FRI2, 17)
    assert result.project_start == at(MON2, 8)
    assert early(result, "Z") == day_span(MON2)
    assert result.tasks["Z"].total_float == 4 * DAY
    assert result.critical_path == ("A", "B")


def test_schedule_from_finish_with_a_long_task() -> None:
    """A backward-scheduled task may start long before the plan's nominal start."""
    result = run([Task("A", duration=600 * DAY)], schedule_from_finish=True, finish=at(FRI2, 17))
    assert result.tasks["A"].finish == at(FRI2, 17)


# --- Critical path and float --------------------------------------------------------------------


def diamond(**options: object) -> Schedule:
    """S (1d) → A (3d) → E (1d) and S → B (1d) → C (1d) → E."""
    return run(
        [
            Task("S", duration=DAY),
            Task("A", duration=3 * DAY),
            Task("B", duration=DAY),
            Task("C", duration=DAY),
            Task("E", duration=DAY),
        ],
        [Link("S", "A"), Link("S", "B"), Link("B", "C"), Link("A", "E"), Link("C", "E")],
        **options,
    )


def test_critical_path_and_float_on_a_diamond() -> None:
    """On a diamond the long branch is critical; B has total but no free float, C both."""
    result = diamond()
    assert result.critical_path == ("S", "A", "E")
    assert result.project_finish == at(FRI, 17)
    floats = {t.id: (t.total_float, t.free_float, t.critical) for t in result.tasks.values()}
    assert floats == {
        "S": (0, 0, True),
        "A": (0, 0, True),
        "B": (DAY, 0, False),
        "C": (DAY, DAY, False),
        "E": (0, 0, True),
    }
    assert late(result, "B") == day_span(WED)
    assert late(result, "C") == day_span(THU)


def test_worked_example_of_the_documentation() -> None:
    """The worked example of docs/engine/cpm.md, table row by table row."""
    result = run(
        [
            Task("S", "Specify", DAY),
            Task("A", "Build", 3 * DAY),
            Task("B", "Buy parts", DAY),
            Task("C", "Assemble", DAY),
            Task("E", "Test", DAY),
            Task("M", "Release", milestone=True),
        ],
        [Link("S", "A"), Link("S", "B"), Link("B", "C"), Link("A", "E"), Link("C", "E"), Link("E", "M")],
    )
    table = {
        tid: (t.early_start, t.early_finish, t.late_start, t.late_finish, t.total_float, t.free_float)
        for tid, t in result.tasks.items()
    }
    assert table == {
        "S": (*day_span(MON), *day_span(MON), 0, 0),
        "A": (*day_span(TUE, THU), *day_span(TUE, THU), 0, 0),
        "B": (*day_span(TUE), *day_span(WED), DAY, 0),
        "C": (*day_span(WED), *day_span(THU), DAY, DAY),
        "E": (*day_span(FRI), *day_span(FRI), 0, 0),
        "M": (at(FRI, 17), at(FRI, 17), at(FRI, 17), at(FRI, 17), 0, 0),
    }
    assert result.project_finish == at(FRI, 17)
    assert result.critical_path == ("S", "A", "E", "M")


def test_critical_float_threshold() -> None:
    """Tasks with total float up to plan.critical_float are critical too."""
    result = diamond(critical_float=DAY)
    assert result.critical_path == ("S", "B", "A", "C", "E")  # by early start, then early finish
    assert all(t.critical for t in result.tasks.values())


def test_project_finish_is_the_latest_finish() -> None:
    """The project finishes when its last task does; an empty plan finishes when it starts."""
    assert run([Task("A", duration=DAY), Task("B", duration=3 * DAY)]).project_finish == at(WED, 17)
    empty = run([])
    assert (empty.project_start, empty.project_finish, dict(empty.tasks)) == (START, START, {})


def test_late_dates_long_before_the_start() -> None:
    """A late start years before the project start is still correct working time."""
    result = run(
        [Task("A", duration=600 * DAY), Task("B", duration=DAY, deadline=at(TUE2, 17))], [Link("A", "B")]
    )
    a = result.tasks["A"]
    assert a.late_finish == at(MON2, 17)
    reference = WorkCalendar(STANDARD, around=datetime(2022, 1, 1))
    expected = reference.start_at(reference.to_work(to_minutes(a.late_finish)) - 600 * DAY)
    assert a.late_start == from_minutes(expected)
    assert a.late_start <= a.late_finish


# --- Errors -------------------------------------------------------------------------------------


def test_cycle_error_names_every_task_in_the_loop() -> None:
    """CycleError names every task of the loop by name, and not a task leading into it."""
    with pytest.raises(CycleError) as caught:
        run(
            [
                Task("Z", "Kick-off", DAY),
                Task("A", "Design", DAY),
                Task("B", "Build", DAY),
                Task("C", "Test", DAY),
            ],
            [Link("Z", "A"), Link("A", "B"), Link("B", "C"), Link("C", "A")],
        )
    error = caught.value
    assert error.cycle == ["A", "B", "C", "A"]
    assert "Design → Build → Test → Design" in str(error)
    assert "Kick-off" not in str(error)
    assert isinstance(error, PlanError) and isinstance(error, ValueError)
    assert [p.task for p in error.problems] == ["A"]


def test_cycle_through_a_summary() -> None:
    """A link from a summary to a task that drives one of its children is a loop."""
    with pytest.raises(CycleError, match="Design → Build → Design"):
        run(
            [Task("S", "Phase"), Task("A", "Design", DAY, parent="S"), Task("B", "Build", DAY)],
            [Link("S", "B"), Link("B", "A")],
        )


@pytest.mark.parametrize(
    ("tasks", "links", "options", "task", "message"),
    [
        # a link to a task that does not exist
        ([Task("A", duration=DAY)], [Link("A", "ghost")], {}, "ghost", "task 'ghost', which does not exist"),
        # a link from a task that does not exist
        ([Task("A", duration=DAY)], [Link("ghost", "A")], {}, "ghost", "task 'ghost', which does not exist"),
        # a task on a calendar the plan does not have
        ([Task("A", duration=DAY, calendar="nope")], [], {}, "A", "its calendar 'nope' does not exist"),
        # a task under a parent that does not exist
        ([Task("A", duration=DAY, parent="nope")], [], {}, "A", "its parent 'nope' does not exist"),
        # two tasks with the same id
        ([Task("A", duration=DAY), Task("A", duration=DAY)], [], {}, "A", "appears more than once"),
        # a link that would drive another project's task
        (
            [Task("A", duration=DAY)],
            [Link("A", "other:X")],
            {"external": (OTHER,)},
            "other:X",
            "cannot drive a task of another project",
        ),
    ],
)
def test_invalid_plans_raise_plan_error(
    tasks: list[Task], links: list[Link], options: dict[str, object], task: str, message: str
) -> None:
    """An unschedulable plan raises PlanError; each problem names its task and what is wrong."""
    with pytest.raises(PlanError, match=message) as caught:
        run(tasks, links, **options)
    assert [p.task for p in caught.value.problems] == [task]
    assert str(caught.value).startswith(f"{task}: ")


def test_plan_error_lists_every_problem() -> None:
    """All problems are reported at once, not just the first."""
    with pytest.raises(PlanError) as caught:
        run(
            [Task("A", duration=DAY, calendar="nope"), Task("B", duration=DAY, parent="gone")],
            [Link("A", "C")],
        )
    assert sorted(p.task for p in caught.value.problems) == ["A", "B", "C"]


def test_unknown_base_calendar_is_refused() -> None:
    """A plan calendar based on a missing calendar raises ValueError naming both calendars."""
    with pytest.raises(ValueError, match="Calendar Standard: base calendar 'gone' does not exist"):
        run([Task("A", duration=DAY)], calendars=(Calendar("standard", "Standard", base="gone"),))


def test_parent_loop_is_refused() -> None:
    """Tasks whose parents form a loop raise PlanError naming them."""
    with pytest.raises(PlanError) as caught:
        run([Task("S", parent="A"), Task("A", duration=DAY, parent="S")])
    assert {p.task for p in caught.value.problems} <= {"S", "A"}


# --- Purity -------------------------------------------------------------------------------------


def test_schedule_does_not_mutate_its_input() -> None:
    """schedule() leaves the plan equal to a deep copy taken before, and gives the same answer twice."""
    tasks, links = summary_plan()
    plan = Plan(
        START,
        (
            *tasks,
            Task("D", duration=DAY, deadline=at(TUE, 17), constraint=C.SNET, constraint_date=at(MON, 13)),
        ),
        (*links, Link("other:X", "D", SS, 50, LagKind.PERCENT)),
        calendars=CALENDARS,
        external=(OTHER,),
        status_date=at(MON, 12),
    )
    before = copy.deepcopy(plan)
    first = schedule(plan)
    assert plan == before
    assert schedule(plan) == first


def test_retained_logic_versus_progress_override():
    """An in-progress task whose predecessor is late: retained logic waits for it, override does not."""
    from dataclasses import replace

    plan = Plan(
        start=datetime(2026, 11, 23, 8, 0),
        tasks=(
            Task("A", "Late predecessor", duration=5 * 480),
            Task(
                "B",
                "Started early",
                duration=2 * 480,
                actual_start=datetime(2026, 11, 23, 8, 0),
                percent_complete=50,
            ),
        ),
        links=(Link("A", "B"),),
        status_date=datetime(2026, 11, 24, 8, 0),
    )
    retained = schedule(plan).tasks["B"]
    override = schedule(replace(plan, retained_logic=False)).tasks["B"]
    assert retained.start == override.start == datetime(2026, 11, 23, 8, 0)  # the actual start stands
    # A has not started, so it goes after the status date (Tue–Mon 11-30); B's remaining day waits for it.
    assert retained.finish == datetime(2026, 12, 1, 17, 0)
    assert override.finish == datetime(2026, 11, 24, 17, 0)  # the remaining day runs from the status date


def test_a_levelled_start_holds_the_task_and_its_successors_back() -> None:
    tasks = [
        Task("a", "A", duration=2 * DAY, level_start=at(WED)),
        Task("b", "B", duration=DAY),
        Task("c", "C", duration=5 * DAY),
    ]
    result = run(tasks, [Link("a", "b")])
    assert span(result, "a") == (at(WED, 8), at(THU, 17))
    assert span(result, "b") == (at(FRI, 8), at(FRI, 17))
    # Levelling uses float: the late dates stay where the project finish puts them.
    assert result.tasks["a"].total_float == 0
    # A bound below the links' changes nothing.
    early = run([Task("a", "A", duration=DAY, level_start=at(PREV_FRI))], [])
    assert span(early, "a") == (at(MON, 8), at(MON, 17))
