"""Tests for kuroko.engine.cpm: manually scheduled tasks and split tasks, hand-computed.

As in test_cpm.py, every plan starts on Monday 23 November 2026 at 08:00 on MS Project's Standard
calendar (Monday–Friday 08:00–12:00 and 13:00–17:00): one day is 480 working minutes.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from kuroko.engine.cpm import schedule
from kuroko.engine.model import (
    Calendar,
    ConstraintType,
    LagKind,
    Link,
    LinkType,
    Plan,
    Schedule,
    Split,
    Task,
)

DAY = 480
START = datetime(2026, 11, 23, 8)
MON, TUE, WED, THU, FRI, SAT, SUN = (date(2026, 11, 23) + timedelta(days=n) for n in range(7))
MON2, TUE2, WED2, THU2, FRI2 = (date(2026, 11, 30) + timedelta(days=n) for n in range(5))
PREV_THU, PREV_FRI = date(2026, 11, 19), date(2026, 11, 20)
FS, SS, FF, SF = LinkType.FS, LinkType.SS, LinkType.FF, LinkType.SF


def at(day: date, hour: int = 0, minute: int = 0) -> datetime:
    """The naive instant `hour:minute` on `day`."""
    return datetime.combine(day, time(hour, minute))


def run(tasks: list[Task], links: list[Link] | None = None, **options: object) -> Schedule:
    """Schedule a plan starting Monday 23 November 2026 08:00 on the Standard calendar."""
    return schedule(Plan(START, tuple(tasks), tuple(links or ()), **options))  # type: ignore[arg-type]


def manual(task_id: str, day: date, duration: int = DAY, **fields: object) -> Task:
    """A manually scheduled task starting at 08:00 on `day`."""
    return Task(task_id, duration=duration, manual=True, manual_start=at(day, 8), **fields)  # type: ignore[arg-type]


def dates(result: Schedule, task: str) -> tuple[datetime, ...]:
    """Start, finish, early start, early finish, late start and late finish of a task."""
    t = result.tasks[task]
    return t.start, t.finish, t.early_start, t.early_finish, t.late_start, t.late_finish


# --- Manually scheduled tasks ------------------------------------------------------------------------------


def test_manual_task_keeps_its_start_against_its_links() -> None:
    """A 2-day predecessor would start M on Wednesday; M stays on Monday, where the user put it."""
    result = run([Task("A", duration=2 * DAY), manual("M", MON)], [Link("A", "M")])
    assert (result.tasks["M"].start, result.tasks["M"].finish) == (at(MON, 8), at(MON, 17))
    assert result.tasks["M"].early_start == at(MON, 8)


def test_manual_task_drives_its_successors() -> None:
    """A manual task on Wednesday moves its FS successor to Thursday, as any predecessor would."""
    result = run([manual("M", WED), Task("B", duration=DAY)], [Link("M", "B")])
    assert (result.tasks["B"].start, result.tasks["B"].finish) == (at(THU, 8), at(THU, 17))
    assert result.project_finish == at(THU, 17)


def test_manual_task_on_the_longest_path_is_critical() -> None:
    """Like MS Project, a manual task with dates is critical when its total float is zero."""
    result = run([manual("M", WED), Task("B", duration=DAY), Task("C", duration=DAY)], [Link("M", "B")])
    assert result.tasks["M"].critical and result.tasks["B"].critical
    assert not result.tasks["C"].critical and result.tasks["C"].total_float == 3 * DAY
    assert result.critical_path == ("M", "B")


def test_manual_task_without_dates_is_scheduled_but_never_critical() -> None:
    """Without a manual start, the task is placed by its links but MS Project never marks it critical."""
    result = run([Task("A", duration=DAY), Task("M", duration=DAY, manual=True)], [Link("A", "M")])
    assert (result.tasks["M"].start, result.tasks["M"].total_float) == (at(TUE, 8), 0)
    assert not result.tasks["M"].critical and result.critical_path == ("A",)


def test_start_links_do_not_bound_a_manual_predecessor() -> None:
    """SS and SF successors do not bound a manual task's late dates (MS Project); FS and FF do, and its
    late finish is shown as the instant the successor's late start gives (08:00 the next morning)."""
    result = run(
        [manual("A", MON), manual("B", TUE), manual("C", MON), manual("D", TUE), manual("E", FRI)],
        [Link("A", "B", SS, DAY), Link("C", "D", FS)],
    )
    # The project finishes Friday 17:00 (E). A is not bound by B: its late finish is the project finish.
    assert dates(result, "A")[4:] == (at(FRI, 8), at(FRI, 17))
    assert result.tasks["A"].total_float == 4 * DAY
    # C must finish before D's late start, Friday 08:00, shown as such rather than as Thursday 17:00.
    assert dates(result, "C")[4:] == (at(THU, 8), at(FRI, 8))
    assert result.tasks["C"].total_float == 3 * DAY


def test_manual_task_before_the_project_start_widens_the_project() -> None:
    """A manual task dated before the project start keeps its dates; the project starts with it."""
    result = run([manual("M", PREV_THU, 2 * DAY), Task("B", duration=DAY)], [Link("M", "B")])
    assert dates(result, "M")[:2] == (at(PREV_THU, 8), at(PREV_FRI, 17))
    assert result.project_start == at(PREV_THU, 8)
    assert result.tasks["B"].start == at(MON, 8)


def test_manual_milestone_at_the_end_of_a_day_stays_there() -> None:
    """A manual milestone set on Friday 17:00 is shown on Friday 17:00, not on Monday 08:00."""
    milestone = Task("M", milestone=True, manual=True, manual_start=at(FRI, 17))
    result = run([Task("A", duration=DAY), milestone])
    assert (result.tasks["M"].start, result.tasks["M"].finish) == (at(FRI, 17), at(FRI, 17))


def test_manual_start_in_non_working_time_moves_to_the_next_working_time() -> None:
    """A manual start on Saturday is read as Monday 08:00: work happens in working time only."""
    result = run([Task("M", duration=DAY, manual=True, manual_start=at(SAT, 10))])
    assert (result.tasks["M"].start, result.tasks["M"].finish) == (at(MON2, 8), at(MON2, 17))


@pytest.mark.parametrize(
    "fields",
    [
        # a date constraint does not move it
        {"constraint": ConstraintType.SNET, "constraint_date": at(FRI, 8)},
        # nor does ALAP
        {"constraint": ConstraintType.ALAP},
    ],
)
def test_constraints_do_not_move_a_manual_task(fields: dict[str, object]) -> None:
    """A manual task's constraint leaves its dates where the user put them."""
    result = run([manual("M", TUE, **fields), Task("Z", duration=5 * DAY)])
    assert result.tasks["M"].start == at(TUE, 8)


def test_status_date_does_not_move_a_manual_task() -> None:
    """Unstarted work moves after the status date, but a manual task keeps its dates."""
    result = run([manual("M", MON), Task("B", duration=DAY)], status_date=at(WED, 8))
    assert result.tasks["M"].start == at(MON, 8)
    assert result.tasks["B"].start == at(WED, 8)


def test_actual_dates_win_over_the_manual_start() -> None:
    """Progress recorded on a manual task replaces its planned dates."""
    task = manual("M", MON, 2 * DAY, actual_start=at(TUE, 8), actual_finish=at(WED, 12))
    result = run([task])
    assert (result.tasks["M"].start, result.tasks["M"].finish) == (at(TUE, 8), at(WED, 12))


def test_manual_task_keeps_its_dates_when_scheduling_from_the_finish() -> None:
    """Scheduling from the finish places automatic tasks at their late dates, not manual ones."""
    result = run(
        [manual("M", MON), Task("B", duration=DAY)],
        schedule_from_finish=True,
        finish=at(FRI, 17),
    )
    assert result.tasks["M"].start == at(MON, 8)
    assert result.tasks["B"].start == at(FRI, 8)


def test_manual_successor_too_early_shows_as_negative_float() -> None:
    """A manual successor dated before its predecessor can finish gives the predecessor negative float."""
    result = run([Task("A", duration=2 * DAY), manual("M", TUE)], [Link("A", "M")])
    assert result.tasks["A"].total_float == -DAY
    assert result.problems[0].task == "A"
    assert "manually scheduled" in result.problems[0].message


# --- Split tasks -------------------------------------------------------------------------------------------


def test_split_task_spans_its_work_and_its_pauses() -> None:
    """A 4-day task split after 2 days for 1 day works Monday, Tuesday, Thursday, Friday."""
    result = run([Task("S", duration=4 * DAY, splits=(Split(2 * DAY, DAY),))])
    assert (result.tasks["S"].start, result.tasks["S"].finish) == (at(MON, 8), at(FRI, 17))


def test_pause_moves_with_the_split_task() -> None:
    """Pushed by a 1-day predecessor, the split task and its pause move by a day; its successor waits."""
    result = run(
        [Task("A", duration=DAY), Task("S", duration=2 * DAY, splits=(Split(DAY, 2 * DAY),)), Task("B")],
        [Link("A", "S"), Link("S", "B")],
    )
    assert (result.tasks["S"].start, result.tasks["S"].finish) == (at(TUE, 8), at(FRI, 17))
    assert result.tasks["B"].start == at(FRI, 17)  # a milestone after a finish sits at that finish


def test_split_task_float_counts_its_pauses() -> None:
    """MS Project's split-task file: 10 days split 4 + 3 (pause) + 6 against 15 days split 3 + 2 + 5 + 3 +
    7: the second spans 20 days and is critical, the first spans 13 and has 7 days of float."""
    first = Task("1", duration=10 * DAY, splits=(Split(4 * DAY, 3 * DAY),))
    second = Task("2", duration=15 * DAY, splits=(Split(3 * DAY, 2 * DAY), Split(8 * DAY, 3 * DAY)))
    result = run([first, second])
    assert result.tasks["1"].finish == at(date(2026, 12, 9), 17)
    assert result.tasks["2"].finish == at(date(2026, 12, 18), 17)
    assert (result.tasks["1"].total_float, result.tasks["1"].free_float) == (7 * DAY, 7 * DAY)
    assert result.tasks["2"].critical and not result.tasks["1"].critical


def test_percent_lag_from_a_split_task_is_a_share_of_its_work() -> None:
    """A 50 % SS lag from a 2-day task split for 3 days is 1 day: the pause is no work."""
    result = run(
        [Task("S", duration=2 * DAY, splits=(Split(DAY, 3 * DAY),)), Task("B", duration=DAY)],
        [Link("S", "B", SS, 50, LagKind.PERCENT)],
    )
    assert result.tasks["B"].start == at(TUE, 8)


def test_split_task_on_its_own_calendar() -> None:
    """Pauses are working time of the task's calendar: on a 24-hour calendar a 1-day pause is 24 hours."""
    h24 = Calendar("h24", "24 hours", tuple(((0, 1440),) for _ in range(7)))
    task = Task("S", duration=1440, calendar="h24", splits=(Split(720, 1440),))
    result = run([task], calendars=(Calendar("standard", "Standard"), h24))
    assert (result.tasks["S"].start, result.tasks["S"].finish) == (at(MON, 8), at(WED, 8))


# --- What is refused ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # a manual start on a task that is not manually scheduled
        (lambda: Task("A", manual_start=START), "only a manually scheduled task"),
        # a split before any work
        (lambda: Split(0, DAY), "after > 0"),
        # a pause of no length
        (lambda: Split(DAY, 0), "length > 0"),
        # splits out of order
        (lambda: Task("A", duration=4 * DAY, splits=(Split(2 * DAY, 1), Split(DAY, 1))), "in order"),
        # a split at the end of the duration
        (lambda: Task("A", duration=DAY, splits=(Split(DAY, 60),)), "before the end"),
        # a milestone cannot be split
        (lambda: Task("A", milestone=True, splits=(Split(1, 60),)), "before the end"),
    ],
)
def test_invalid_manual_and_split_tasks_are_refused(make: object, message: str) -> None:
    """Invalid manual starts and splits raise ValueError with a sentence naming the rule."""
    with pytest.raises(ValueError, match=message):
        make()  # type: ignore[operator]


def test_documented_manual_example() -> None:
    """The example of docs/engine/cpm.md: A (2 days) → M (manual, Monday) → B (1 day)."""
    result = run(
        [Task("A", duration=2 * DAY), manual("M", MON), Task("B", duration=DAY)],
        [Link("A", "M"), Link("M", "B")],
    )
    assert dates(result, "M") == (at(MON, 8), at(MON, 17), at(MON, 8), at(MON, 17), at(MON, 8), at(TUE, 8))
    assert dates(result, "B")[:2] == (at(TUE, 8), at(TUE, 17)) and result.project_finish == at(TUE, 17)
    assert dates(result, "A")[4:] == (at(PREV_THU, 8), at(PREV_FRI, 17))
    assert (result.tasks["A"].total_float, result.tasks["M"].total_float) == (-2 * DAY, 0)
    assert result.critical_path == ("M", "A", "B")
    assert [p.task for p in result.problems] == ["A"]
