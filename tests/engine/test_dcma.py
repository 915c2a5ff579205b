"""The DCMA 14-point assessment (kuroko.engine.dcma): each check passing and failing, the critical path
test with the scheduler, and invariants."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.cpm import schedule
from kuroko.engine.dcma import (
    CHECK_KEYS,
    CptResult,
    DcmaCheck,
    DcmaLink,
    DcmaTask,
    DcmaThresholds,
    critical_path_test,
    dcma_assessment,
    dcma_from_plan,
)
from kuroko.engine.model import ConstraintType, Link, LinkType, Plan, Task

DAY = 480
STATUS = date(2026, 1, 9)  # a Friday; the data date is Saturday 2026-01-10
MONDAY = datetime(2026, 1, 5, 8)


def _chain(n: int = 40) -> tuple[list[DcmaTask], list[DcmaLink]]:
    """n resourced 1-day tasks in an FS chain, all after the status date, baselined where they are."""
    tasks = []
    for i in range(n):
        start = datetime(2026, 1, 12, 8) + timedelta(days=i)
        tasks.append(
            DcmaTask(
                id=f"t{i}",
                name=f"Task {i}",
                wbs=f"1.{i + 1}",
                duration=DAY,
                start=start,
                finish=start + timedelta(hours=9),
                total_float=0,
                resourced=True,
                baseline_start=start,
                baseline_finish=start + timedelta(hours=9),
            )
        )
    links = [DcmaLink(f"t{i}", f"t{i + 1}") for i in range(n - 1)]
    return tasks, links


def _run(tasks, links, **options):
    defaults = {
        "status_date": STATUS,
        "project_finish": max(t.finish for t in tasks if t.finish),
        "baseline_finish": max(t.finish for t in tasks if t.finish),
        "minutes_per_day": DAY,
    }
    return dcma_assessment(tasks, links, **(defaults | options))


def _with(tasks, index, **changes):
    return [replace(t, **changes) if i == index else t for i, t in enumerate(tasks)]


def test_a_clean_chain_passes_every_applicable_check():
    """Full FS logic, no constraints, resourced, on time: every check that applies passes."""
    report = _run(*_chain())
    assert [c.key for c in report.checks] == list(CHECK_KEYS)
    assert report.failed == 0
    assert report.check("critical_path_test").passed is None  # not run
    assert report.check("bei").passed is None  # nothing was due yet


def _missing_logic(tasks, links):
    return tasks, [ln for ln in links if ln.successor not in {"t5", "t6", "t7"}]


# Each case: a check, how to spoil the clean chain, whether it should then pass.
CASES = [
    # 1. two tasks without a successor (t38 and the finish t39) are 5 % ≤ 5 %: passes
    ("logic", lambda t, ln: (t, [*ln[:-1], DcmaLink("t37", "t39")]), True),
    # 1. three more tasks without predecessors: 4 of 40 = 10 %: fails
    ("logic", _missing_logic, False),
    # 2. a lead of one day: fails (none allowed)
    ("leads", lambda t, ln: (t, [replace(ln[0], lag=-DAY), *ln[1:]]), False),
    # 3. one lag of 39 links is 2.6 %: passes
    ("lags", lambda t, ln: (t, [replace(ln[0], lag=DAY), *ln[1:]]), True),
    # 3. three lags of 39 is 7.7 %: fails
    ("lags", lambda t, ln: (t, [replace(x, lag=DAY) if i < 3 else x for i, x in enumerate(ln)]), False),
    # 4. three SS links of 39: 92.3 % FS passes
    (
        "relationship_types",
        lambda t, ln: (t, [replace(x, type=LinkType.SS) if i < 3 else x for i, x in enumerate(ln)]),
        True,
    ),
    # 4. five SS/FF links of 39: 87.2 % FS fails
    (
        "relationship_types",
        lambda t, ln: (t, [replace(x, type=LinkType.FF) if i < 5 else x for i, x in enumerate(ln)]),
        False,
    ),
    # 5. a "start no earlier than" is soft: passes
    ("hard_constraints", lambda t, ln: (_with(t, 3, constraint=ConstraintType.SNET), ln), True),
    # 5. three "must finish on": 7.5 %: fails
    (
        "hard_constraints",
        lambda t, ln: (
            [replace(x, constraint=ConstraintType.MFO) if i < 3 else x for i, x in enumerate(t)],
            ln,
        ),
        False,
    ),
    # 6. float of exactly 44 days is not high: passes
    ("high_float", lambda t, ln: ([replace(x, total_float=44 * DAY) for x in t], ln), True),
    # 6. float of 45 days on every task: fails
    ("high_float", lambda t, ln: ([replace(x, total_float=45 * DAY) for x in t], ln), False),
    # 7. zero float is not negative: passes
    ("negative_float", lambda t, ln: (t, ln), True),
    # 7. one task with -1 day: fails
    ("negative_float", lambda t, ln: (_with(t, 2, total_float=-DAY), ln), False),
    # 8. one task of 60 days of 40 (2.5 %): passes
    ("high_duration", lambda t, ln: (_with(t, 2, duration=60 * DAY), ln), True),
    # 8. three tasks of 45 days (7.5 %): fails
    (
        "high_duration",
        lambda t, ln: ([replace(x, duration=45 * DAY) if i < 3 else x for i, x in enumerate(t)], ln),
        False,
    ),
    # 9. an actual start on the status date: passes
    ("invalid_dates", lambda t, ln: (_with(t, 0, actual_start=datetime(2026, 1, 9, 8)), ln), True),
    # 9. an actual finish after the status date: fails
    (
        "invalid_dates",
        lambda t, ln: (
            _with(t, 0, actual_start=datetime(2026, 1, 9, 8), actual_finish=datetime(2026, 1, 12, 17)),
            ln,
        ),
        False,
    ),
    # 9. an unstarted task forecast to start before the data date: fails
    ("invalid_dates", lambda t, ln: (_with(t, 0, start=datetime(2026, 1, 8, 8)), ln), False),
    # 10. a milestone without resources is fine: passes
    ("resources", lambda t, ln: (_with(t, 39, milestone=True, duration=0, resourced=False), ln), True),
    # 10. one task without resources: fails (0 % allowed)
    ("resources", lambda t, ln: (_with(t, 5, resourced=False), ln), False),
    # 11. 20 tasks due and finished on time: passes
    ("missed_tasks", lambda t, ln: (_due(t, 20, late=0), ln), True),
    # 11. 2 of 20 due tasks finished late (10 %): fails
    ("missed_tasks", lambda t, ln: (_due(t, 20, late=2), ln), False),
    # 14. 19 of 20 due finished (0.95): passes
    ("bei", lambda t, ln: (_due(t, 20, unfinished=1), ln), True),
    # 14. 18 of 20 due finished (0.90): fails
    ("bei", lambda t, ln: (_due(t, 20, unfinished=2), ln), False),
]


def _due(tasks, n, *, late=0, unfinished=0):
    """Move the first n tasks' baseline finish to before the status date; finish them on time, late or not."""
    out = []
    for i, t in enumerate(tasks):
        if i < n:
            base = datetime(2026, 1, 1, 17)
            actual = None if i < unfinished else (base + timedelta(days=1) if i < unfinished + late else base)
            t = replace(
                t,
                baseline_start=base - timedelta(hours=9),
                baseline_finish=base,
                actual_start=None if actual is None else base - timedelta(hours=9),
                actual_finish=actual,
                percent_complete=0 if actual is None else 100,
                start=base - timedelta(hours=9) if actual else t.start,
                finish=base if actual else t.finish,
            )
        out.append(t)
    return out


@pytest.mark.parametrize(("key", "spoil", "passes"), CASES)
def test_each_check_passes_and_fails(key, spoil, passes):
    """Each check passes on its pass case and fails on its fail case."""
    report = _run(*spoil(*_chain()))
    assert report.check(key).passed is passes


@pytest.mark.parametrize(
    ("project_finish", "baseline_finish", "value", "passes"),
    [
        # on the baseline: 1.0
        (datetime(2026, 1, 30, 17), datetime(2026, 1, 30, 17), 1.0, True),
        # 15 working days left, 1 day late: 14/15 = 0.933
        (datetime(2026, 1, 30, 17), datetime(2026, 1, 29, 17), 0.933, False),
        # 15 working days left, 5 days early: 20/15
        (datetime(2026, 1, 30, 17), datetime(2026, 2, 6, 17), 1.333, True),
        # no baseline: not applicable
        (datetime(2026, 1, 30, 17), None, None, None),
    ],
)
def test_cpli(project_finish, baseline_finish, value, passes):
    """CPLI = (critical path length + float of the finish) / critical path length, in working days."""
    report = _run(*_chain(), project_finish=project_finish, baseline_finish=baseline_finish)
    cpli = report.check("cpli")
    assert cpli.value == value
    assert cpli.passed is passes


def test_cpli_with_a_working_calendar():
    """Given a calendar's working minutes, the CPLI counts them instead of Monday to Friday."""
    report = _run(
        *_chain(),
        project_finish=datetime(2026, 1, 30, 17),
        baseline_finish=datetime(2026, 1, 29, 17),
        working_minutes=lambda a, b: int((b - a).total_seconds() // 60 // 3),  # an 8-hour day of 24
    )
    assert report.check("cpli").value is not None


def test_missed_and_bei_are_not_applicable_without_a_baseline():
    """Without any baseline finish, checks 11 and 14 do not apply."""
    tasks, links = _chain()
    tasks = [replace(t, baseline_start=None, baseline_finish=None) for t in tasks]
    report = _run(tasks, links)
    assert report.check("missed_tasks").passed is None
    assert report.check("bei").passed is None


def _bare(tasks, links, **options):
    """The assessment of tasks without dates (no CPLI)."""
    return dcma_assessment(
        tasks, links, status_date=STATUS, project_finish=None, baseline_finish=None, **options
    )


def _leads_plan() -> tuple[list[DcmaTask], list[DcmaLink]]:
    """Four tasks; C has two leads (FS −1h from A, SS −1h from B), then C → D."""
    tasks = [DcmaTask(n, duration=DAY) for n in "ABCD"]
    links = [
        DcmaLink("A", "C", LinkType.FS, -60),
        DcmaLink("B", "C", LinkType.SS, -60),
        DcmaLink("C", "D"),
    ]
    return tasks, links


def test_leads_count_links_not_tasks():
    """Two leads into one task count as two; the task is listed once with both links."""
    tasks, links = _leads_plan()
    check = _bare(tasks, links).check("leads")
    assert (check.value, check.count, check.total) == (2, 2, 3)
    assert check.task_ids == ("C",) and check.details["C"] == "A FS -60; B SS -60"
    assert _bare(tasks, links, thresholds=DcmaThresholds(leads=1)).check("leads").passed is False


def test_lags_and_relationship_types_join_several_links_of_a_task():
    """A task with two lagged (or non-FS) links lists both in its details."""
    tasks = [DcmaTask(n, duration=DAY) for n in "ABC"]
    links = [DcmaLink("A", "C", LinkType.SS, 60), DcmaLink("B", "C", LinkType.FF, 120)]
    report = _bare(tasks, links)
    assert report.check("lags").count == 2 and report.check("lags").details["C"] == "A SS 60; B FF 120"
    assert report.check("relationship_types").details["C"] == "A SS 60; B FF 120"


def test_bei_counts_only_completed_tasks_with_a_baseline():
    """Completed tasks without a baseline finish do not raise the BEI; its count is the real one."""
    due = DcmaTask("A", duration=DAY, baseline_finish=datetime(2025, 12, 1, 17))
    done = [
        DcmaTask(n, duration=DAY, percent_complete=100, actual_finish=datetime(2025, 11, 3, 17)) for n in "BC"
    ]
    report = _bare([due, *done], [DcmaLink("A", "B"), DcmaLink("B", "C")])
    bei = report.check("bei")
    assert (bei.value, bei.passed, bei.count, bei.total) == (0.0, False, 0, 1)


def test_bei_count_may_exceed_the_tasks_due():
    """Baselined tasks finished ahead of plan count: BEI 2.0 shows 2 completed of 1 due."""
    tasks = [
        DcmaTask("A", duration=DAY, baseline_finish=datetime(2025, 12, 1, 17), percent_complete=100),
        DcmaTask("B", duration=DAY, baseline_finish=datetime(2026, 3, 2, 17), percent_complete=100),
    ]
    bei = _bare(tasks, [DcmaLink("A", "B")]).check("bei")
    assert (bei.value, bei.count, bei.total) == (2.0, 2, 1)


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1, 1, 1), date(3000, 1, 1), date(1899, 12, 31)])
def test_status_date_out_of_range_is_a_clear_error(day):
    """A status date outside 1900–2999 is a ValueError naming it, never an overflow."""
    tasks, links = _chain()
    with pytest.raises(ValueError, match="status date"):
        _run(tasks, links, status_date=day)


def test_summaries_and_level_of_effort_are_left_out():
    """Summary and level-of-effort tasks count in no population."""
    tasks, links = _chain()
    extra = [
        DcmaTask("s", "Summary", summary=True, duration=100 * DAY),
        DcmaTask("loe", "PM", level_of_effort=True, duration=100 * DAY),
    ]
    report = _run([*tasks, *extra], links)
    assert report.check("high_duration").count == 0
    assert report.check("logic").total == 40


def test_complete_tasks_leave_the_incomplete_population():
    """Completed tasks are not counted by checks 1–8 and 10."""
    tasks, links = _chain()
    tasks = _due(tasks, 10)
    report = _run(tasks, links)
    assert report.check("logic").total == 30
    assert report.check("invalid_dates").total == 40  # actuals of complete tasks are checked too


@pytest.mark.parametrize(
    ("build", "message"),
    [
        # a negative duration
        (lambda: DcmaTask("a", duration=-1), "negative"),
        # more than 100 % complete
        (lambda: DcmaTask("a", percent_complete=120), "between 0 and 100"),
        # a task linked to itself
        (lambda: DcmaLink("a", "a"), "itself"),
        # a percentage threshold over 100
        (lambda: DcmaThresholds(lags=150), "percentage"),
        # a negative count threshold
        (lambda: DcmaThresholds(leads=-1), "count"),
        # a check with a wrong key for its number
        (lambda: DcmaCheck(1, "leads", "count", 0, 0, True, 0, 0), "key"),
        # a count above the total
        (lambda: DcmaCheck(2, "leads", "count", 3, 0, False, 3, 1), "count"),
        # the same task twice
        (
            lambda: dcma_assessment(
                [DcmaTask("a"), DcmaTask("a")],
                [],
                status_date=STATUS,
                project_finish=None,
                baseline_finish=None,
            ),
            "twice",
        ),
    ],
)
def test_invalid_input_is_refused(build, message):
    """Bad inputs raise a ValueError naming the rule."""
    with pytest.raises(ValueError, match=message):
        build()


def _plan(*, broken: bool = False) -> Plan:
    """Design (5d) → Build (10d) → Done; with `broken`, Build has no successor and a 40-day side task
    drives the finish without logic."""
    tasks = [
        Task("d", "Design", 5 * DAY),
        Task("b", "Build", 10 * DAY),
        Task("m", "Done", 0, milestone=True),
    ]
    links = [Link("d", "b"), Link("b", "m")]
    if broken:
        tasks.append(
            Task(
                "x", "Side", 40 * DAY, constraint=ConstraintType.MFO, constraint_date=datetime(2026, 3, 2, 17)
            )
        )
    return Plan(start=MONDAY, tasks=tuple(tasks), links=tuple(links))


def test_critical_path_test_passes_on_a_linked_plan():
    """Delaying the first critical task moves the finish by the whole delay."""
    result = critical_path_test(_plan(), delay_days=100)
    assert result.passed is True
    assert result.task == "d"
    assert result.slip == result.delay == 100 * DAY


def test_critical_path_test_fails_when_a_constraint_holds_the_finish():
    """A hard-constrained task that drives the finish without logic absorbs the delay."""
    result = critical_path_test(_plan(broken=True), delay_days=10)
    assert result.passed is False
    assert result.slip < result.delay


def test_critical_path_test_is_not_applicable_when_everything_is_done():
    """A finished plan has nothing to delay."""
    plan = _plan()
    done = tuple(
        replace(t, percent_complete=100, actual_start=MONDAY, actual_finish=MONDAY) for t in plan.tasks
    )
    assert critical_path_test(replace(plan, tasks=done)).passed is None


def test_dcma_from_plan_uses_baseline_and_resources():
    """A plan with its schedule, baseline and resources yields a full report."""
    plan = _plan()
    computed = schedule(plan)
    baseline = {k: (v.start, v.finish) for k, v in computed.tasks.items()}
    report = dcma_from_plan(
        plan, computed, status_date=date(2026, 1, 2), baseline=baseline, resourced={"d", "b"}
    )
    assert report.failed == 0
    assert report.check("critical_path_test").passed is True
    assert report.check("cpli").value == 1.0


@st.composite
def _schedules(draw):
    n = draw(st.integers(min_value=1, max_value=25))
    tasks = []
    for i in range(n):
        start = datetime(2026, 1, 1, 8) + timedelta(days=draw(st.integers(0, 60)))
        tasks.append(
            DcmaTask(
                id=f"t{i}",
                summary=draw(st.booleans()) and i > 0,
                milestone=draw(st.booleans()),
                duration=draw(st.integers(0, 80 * DAY)),
                start=start,
                finish=start + timedelta(days=draw(st.integers(0, 30))),
                total_float=draw(st.none() | st.integers(-20 * DAY, 80 * DAY)),
                constraint=draw(st.sampled_from(list(ConstraintType))),
                resourced=draw(st.booleans()),
                actual_finish=draw(st.none() | st.just(start + timedelta(days=1))),
                baseline_finish=draw(st.none() | st.just(start)),
                percent_complete=draw(st.sampled_from([0, 50, 100])),
            )
        )
    links = [
        DcmaLink(f"t{a}", f"t{b}", draw(st.sampled_from(list(LinkType))), draw(st.integers(-DAY, DAY)))
        for a, b in draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40))
        if a != b
    ]
    return tasks, links


@settings(max_examples=150, deadline=None)
@given(_schedules(), st.dates(date(2025, 12, 1), date(2026, 4, 1)))
def test_counts_stay_within_totals_and_percentages_in_range(data, status):
    """Whatever the schedule: counts ≤ totals, percentages 0–100, offending tasks exist."""
    tasks, links = data
    report = dcma_assessment(tasks, links, status_date=status, project_finish=None, baseline_finish=None)
    ids = {t.id for t in tasks}
    for check in report.checks:
        assert 0 <= check.count <= check.total or check.unit == "index"
        if check.unit == "percent" and check.value is not None:
            assert 0 <= check.value <= 100
        assert set(check.task_ids) <= ids


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=2, max_value=60), st.integers(min_value=1, max_value=20))
def test_full_fs_logic_passes_checks_one_to_four(n, days):
    """A chain of FS links without lags passes logic, leads, lags and relationship types."""
    tasks = [DcmaTask(f"t{i}", duration=days * DAY) for i in range(n)]
    links = [DcmaLink(f"t{i}", f"t{i + 1}") for i in range(n - 1)]
    report = dcma_assessment(tasks, links, status_date=STATUS, project_finish=None, baseline_finish=None)
    assert all(report.checks[i].passed for i in range(4))


def test_report_counts_passed_and_failed():
    """The report's summary counts agree with its checks."""
    report = _run(*_missing_logic(*_chain()), critical_path_test=CptResult(True, task="t0"))
    assert report.passed + report.failed == report.applicable
    assert report.failed == 1


def test_critical_path_test_carries_the_delay_through_start_to_start_links():
    """An unstarted task is held back, so a start-to-start successor that drives the finish moves too."""
    plan = Plan(
        start=MONDAY,
        tasks=(
            Task("a", "Analysis", 2 * DAY),
            Task("b", "Build", 20 * DAY),
            Task("m", "Done", 0, milestone=True),
        ),
        links=(Link("a", "b", LinkType.SS, DAY), Link("b", "m")),
    )
    result = critical_path_test(plan, delay_days=50)
    assert result.task == "a"
    assert result.passed is True


def test_critical_path_test_adds_the_delay_to_the_remaining_work_of_a_task_under_way():
    """A task half done gets the delay on its remaining work, not a share of it."""
    plan = _plan()
    tasks = tuple(
        replace(t, actual_start=MONDAY, percent_complete=50) if t.id == "d" else t for t in plan.tasks
    )
    plan = replace(plan, tasks=tasks, status_date=datetime(2026, 1, 6, 17))
    result = critical_path_test(plan, delay_days=100)
    assert result.task == "d"
    assert result.slip == result.delay
