"""Earned value: published examples with their rounding, the EV methods, roll-ups, series, errors and
properties (hypothesis)."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.evm import (
    ActualCost,
    EffortConversion,
    EvmError,
    EvMethod,
    EvMilestone,
    EvmProject,
    EvTask,
    Phase,
    Progress,
    Unit,
    display_places,
    earned_schedule,
    earned_value,
    figures,
    history,
    period_ends,
    roll_up,
    round_half_up,
    series,
)
from kuroko.engine.model import Calendar


def at(day: date, hour: int = 8) -> datetime:
    return datetime(day.year, day.month, day.day, hour)


def working_day(task_id: str, day: date, budget: float, **extra) -> EvTask:
    """A one-day task on the Standard calendar (08:00–17:00)."""
    return EvTask(task_id, start=at(day), finish=at(day, 17), budget=budget, **extra)


# --- Published examples ----------


def fence(**extra) -> EvmProject:
    """The fence of Rita Mulcahy's *PMP Exam Prep* (p. 210), as given in the exercise reproduced at
    https://studylib.net/doc/5898152/earned-value-exercise: four sides built one after the other, one day
    and $1,000 each; at the end of day 3 side 1 is complete (spent $1,000), side 2 complete ($1,200),
    side 3 half done ($600), side 4 not started. Days 1–4 are Monday 23 – Thursday 26 November 2026."""
    monday = date(2026, 11, 23)
    days = [monday + timedelta(days=k) for k in range(4)]
    return EvmProject(
        (
            working_day(
                "1",
                days[0],
                1000,
                percent_complete=100,
                actual_finish=at(days[0], 17),
                actual_costs=(ActualCost(days[0], 1000),),
            ),
            working_day(
                "2",
                days[1],
                1000,
                percent_complete=100,
                actual_finish=at(days[2], 17),
                actual_costs=(ActualCost(days[1], 600), ActualCost(days[2], 600)),
            ),
            working_day(
                "3",
                days[2],
                1000,
                percent_complete=50,
                actual_start=at(days[2]),
                actual_costs=(ActualCost(days[2], 600),),
            ),
            working_day("4", days[3], 1000),
        ),
        name="Fence",
        currency="USD",
        **extra,
    )


def test_fence_example_of_pmp_exam_prep_with_its_rounding():
    """The book's PV 3,000, EV 2,500, AC 2,800, BAC 4,000, CV −300, SV −500, CPI .893 and SPI .833 come
    out of the tasks; its EAC 4,479, ETC 1,679 and VAC −479 divide by the CPI already rounded to .893,
    which Kuroko does not do (it rounds only for display): full precision gives 4,480, 1,680, −480."""
    project = earned_value(fence(), status_date=date(2026, 11, 25)).project
    assert (project.pv, project.ev, project.ac, project.bac) == (3000, 2500, 2800, 4000)
    assert (project.cv, project.sv) == (-300, -500)
    assert round_half_up(project.cpi, 3) == Decimal("0.893")
    assert round_half_up(project.spi, 3) == Decimal("0.833")
    # The book's procedure: EAC = BAC / CPI with CPI rounded to three decimals, shown in whole dollars.
    book_eac = round_half_up(project.bac / float(round_half_up(project.cpi, 3)), 0)
    assert book_eac == 4479
    assert book_eac - 2800 == 1679  # ETC
    assert 4000 - book_eac == -479  # VAC
    # Kuroko's figures, in full precision (BAC / CPI = BAC × AC / EV = 4,000 × 2,800 / 2,500).
    assert project.eac == pytest.approx(4480, abs=1e-9)
    assert project.etc == pytest.approx(1680, abs=1e-9)
    assert project.vac == pytest.approx(-480, abs=1e-9)


def test_fence_earned_schedule_and_task_figures():
    """Not in the book, checked by hand: PV rises $1,000 a working day, so EV 2,500 was planned at day
    2.5: ES 2.5, AT 3, SV(t) −0.5 day, SPI(t) 0.833, IEAC(t) 4 / 0.833 = 4.8 days. Side 2 took two days
    for one (SPI(t) 0.5); side 1 stopped its clock when it finished on time (SPI(t) 1)."""
    result = earned_value(fence(), status_date=date(2026, 11, 25))
    project = result.project
    assert (project.pd, project.at, project.es) == (4, 3, 2.5)
    assert project.sv_t == -0.5
    assert project.spi_t == pytest.approx(2.5 / 3)
    assert project.ieac_t == pytest.approx(4.8)
    assert project.forecast_finish == datetime(2026, 11, 27, 15, 24)  # 4.8 days from Monday 08:00
    side1, side2, side3, side4 = result.elements.values()
    assert (side1.at, side1.es, side1.spi_t) == (1, 1, 1)
    assert (side2.at, side2.es, side2.spi_t) == (2, 1, 0.5)
    assert (side3.at, side3.es, side3.spi_t) == (1, 0.5, 0.5)
    assert (side4.pv, side4.at, side4.es, side4.spi_t) == (0, 0, 0, None)
    assert side2.cpi == pytest.approx(1000 / 1200)


def test_late_project_of_mpug_earned_schedule_article():
    """https://www.mpug.com/earned-schedule-management-esm/ : 10 modules of US$100,000 planned over 10
    months took 12 months and US$1.3M. The article states SV = $0.0M and SPI = 1.0 although the project
    is "two months behind schedule" with "a cost overrun of US$0.3 million". Earned schedule says so:
    ES = 10, AT = 12, SV(t) = −2 months, SPI(t) = 0.83, IEAC(t) = 12 months."""
    planned = [100_000 * month for month in range(1, 11)]
    schedule = earned_schedule(planned, ev=1_000_000, at=12)
    assert (schedule.es, schedule.pd, schedule.sv_t) == (10, 10, -2)
    assert round_half_up(schedule.spi_t, 2) == Decimal("0.83")
    assert schedule.ieac_t == pytest.approx(12)
    cost = figures(bac=1_000_000, pv=1_000_000, ev=1_000_000, ac=1_300_000)
    assert (cost.sv, cost.spi) == (0, 1.0)
    assert cost.eac == pytest.approx(1_300_000) and cost.vac == pytest.approx(-300_000)


def test_hksm_earned_schedule_definition_example():
    """https://hksmnow.com/definitions/project-management/earned_schedule_es.php : at week 20 (AT = 20)
    the earned value equals the planned value of week 18, so ES = 18 weeks, SV(t) = 18 − 20 = −2 weeks
    and SPI(t) = 18 / 20 = 0.90."""
    planned = [250.0 * week for week in range(1, 31)]
    schedule = earned_schedule(planned, ev=planned[17], at=20)
    assert (schedule.es, schedule.sv_t) == (18, -2)
    assert round_half_up(schedule.spi_t, 2) == Decimal("0.90")


def test_lipke_interpolation():
    """Lipke's ES = C + (EV − PV_C) / (PV_C+1 − PV_C), with AT = 7 and C = 5 (May) as in his "Earned
    Schedule Concept" figure; the amounts are ours: PV(May) 1,000, PV(June) 1,300, EV 1,090 give
    ES = 5 + 90 / 300 = 5.3 months, SV(t) = −1.7, SPI(t) = 5.3 / 7 = 0.757; PD 10 → IEAC(t) 13.2."""
    planned = [100, 250, 450, 700, 1000, 1300, 1600, 1900, 2200, 2500]
    schedule = earned_schedule(planned, ev=1090, at=7)
    assert schedule.es == pytest.approx(5.3)
    assert schedule.sv_t == pytest.approx(-1.7)
    assert round_half_up(schedule.spi_t, 3) == Decimal("0.757")
    assert round_half_up(schedule.ieac_t, 1) == Decimal("13.2")


def test_earned_schedule_edges():
    """Nothing earned is ES 0; everything earned is ES = PD (never more, however late); a plan flat at
    exactly EV gives the time nearest AT; a decreasing PV is refused."""
    planned = [100, 200, 200, 200, 300]
    assert earned_schedule(planned, ev=0, at=2).es == 0
    assert earned_schedule(planned, ev=300, at=9).es == 5
    assert earned_schedule([*planned, 300, 300], ev=300, at=9).pd == 5
    assert earned_schedule(planned, ev=200, at=3).es == 3  # on plan during the flat months 2–4
    assert earned_schedule(planned, ev=200, at=6).es == 4
    assert earned_schedule(planned, ev=200, at=1).es == 2
    assert earned_schedule(planned, ev=0, at=0).spi_t is None
    with pytest.raises(EvmError, match="must not decrease"):
        earned_schedule([100, 50], ev=10, at=1)


# --- The worked example of docs/engine/evm.md ----------


def documented_project() -> EvmProject:
    jun = lambda day: date(2027, 6, day)  # noqa: E731
    return EvmProject(
        (
            EvTask("1", "Phase 1"),
            EvTask(
                "1.1",
                "Requirements",
                parent="1",
                start=at(jun(7)),
                finish=at(jun(11), 17),
                budget=500_000,
                percent_complete=100,
                actual_start=at(jun(7)),
                actual_finish=at(jun(11), 17),
                actual_costs=(ActualCost(jun(9), 300_000), ActualCost(jun(11), 250_000)),
            ),
            EvTask(
                "1.2",
                "Design",
                parent="1",
                start=at(jun(14)),
                finish=at(jun(25), 17),
                budget=1_000_000,
                percent_complete=60,
                actual_start=at(jun(14)),
                actual_costs=(ActualCost(jun(18), 700_000),),
            ),
            EvTask("2", "Build", start=at(jun(28)), finish=at(date(2027, 7, 9), 17), budget=1_500_000),
            EvTask("3", "Release", start=at(date(2027, 7, 9), 17), finish=at(date(2027, 7, 9), 17)),
        ),
        id="order-system",
        name="Order system",
        currency="JPY",
    )


def test_documented_worked_example():
    """docs/engine/evm.md: BAC 3,000,000, PV 1,000,000, EV 1,100,000, AC 1,250,000 on Friday 18 June
    2027; SPI 1.1, CPI 0.88, EAC 3,409,091; ES 11 days, AT 10, PD 25, IEAC(t) 22.7 days."""
    result = earned_value(documented_project(), status_date=date(2027, 6, 18))
    p = result.project
    assert (p.bac, p.pv, p.ev, p.ac) == (3_000_000, 1_000_000, 1_100_000, 1_250_000)
    assert (p.sv, p.cv) == (100_000, -150_000)
    assert p.spi == pytest.approx(1.1) and p.cpi == pytest.approx(0.88)
    assert round_half_up(p.eac, 0) == 3_409_091
    assert round_half_up(p.etc, 0) == 2_159_091 and round_half_up(p.vac, 0) == -409_091
    assert p.eac_atypical == 3_150_000
    assert round_half_up(p.eac_cpi_spi, 0) == 3_212_810
    assert round_half_up(p.tcpi, 4) == Decimal("1.0857")
    assert p.tcpi_eac == pytest.approx(p.cpi)
    assert (p.pd, p.at) == (25, 10)
    assert p.es == pytest.approx(11)
    assert p.spi_t == pytest.approx(1.1)
    assert round_half_up(p.ieac_t, 1) == Decimal("22.7")
    assert p.forecast_finish == datetime(2027, 7, 7, 14, 49)
    phase = result.elements["1"]
    assert phase.summary and (phase.bac, phase.pv, phase.ev, phase.ac) == (
        1_500_000,
        1_000_000,
        1_100_000,
        1_250_000,
    )
    assert (phase.pd, phase.at) == (15, 10) and phase.es == pytest.approx(11)
    design = result.elements["1.2"]
    assert (design.pv, design.ev, design.at) == (500_000, 600_000, 5)
    assert design.es == pytest.approx(6) and design.spi_t == pytest.approx(1.2)
    build, release = result.elements["2"], result.elements["3"]
    assert (build.spi, build.cpi, build.eac, build.es, build.spi_t) == (None, None, None, 0, None)
    assert (release.bac, release.es, release.sv_t) == (0, None, None)
    assert list(result.elements) == ["1", "1.1", "1.2", "2", "3"]


# --- EV methods, progress, phasing, actual costs ----------


def one_task(method: EvMethod = EvMethod.PERCENT_COMPLETE, **task) -> EvmProject:
    """A 10-day task from Monday 7 June 2027, budget 1,000."""
    values = {"start": at(date(2027, 6, 7)), "finish": at(date(2027, 6, 18), 17), "budget": 1000} | task
    return EvmProject((EvTask("A", **values),), method=method)


FRIDAY = date(2027, 6, 11)


@pytest.mark.parametrize(
    ("method", "task", "ev"),
    [
        (EvMethod.PERCENT_COMPLETE, {"percent_complete": 30}, 300),
        (EvMethod.PHYSICAL_PERCENT_COMPLETE, {"percent_complete": 30, "physical_percent_complete": 20}, 200),
        # without a physical % complete, % complete counts
        (EvMethod.PHYSICAL_PERCENT_COMPLETE, {"percent_complete": 30}, 300),
        (EvMethod.ZERO_HUNDRED, {"percent_complete": 99}, 0),
        (EvMethod.ZERO_HUNDRED, {"percent_complete": 100}, 1000),
        (EvMethod.FIFTY_FIFTY, {"percent_complete": 0}, 0),
        (EvMethod.FIFTY_FIFTY, {"percent_complete": 10}, 500),
        # an actual start is a start, even at 0 %
        (EvMethod.FIFTY_FIFTY, {"actual_start": at(date(2027, 6, 8))}, 500),
        # an actual finish is a finish under every method
        (EvMethod.FIFTY_FIFTY, {"actual_start": at(date(2027, 6, 8)), "actual_finish": at(FRIDAY, 12)}, 1000),
        # an actual start after the status date: not started yet, whatever the % says now
        (EvMethod.PERCENT_COMPLETE, {"percent_complete": 40, "actual_start": at(date(2027, 6, 14))}, 0),
        (
            EvMethod.MILESTONES,
            {"milestones": (EvMilestone("spec", 1, FRIDAY), EvMilestone("review", 3, None))},
            250,
        ),
        (EvMethod.MILESTONES, {"milestones": (EvMilestone("late", 1, date(2027, 6, 12)),)}, 0),
        # a task without milestones is one milestone: its finish
        (EvMethod.MILESTONES, {"percent_complete": 50}, 0),
    ],
)
def test_ev_methods(method, task, ev):
    """Each method credits the budget as documented, as of Friday 11 June."""
    assert earned_value(one_task(method, **task), status_date=FRIDAY).project.ev == ev


def test_dated_progress_gives_a_history():
    """Progress records count from their day on; before the first, nothing is earned; history() gives
    the figures at each status date, with PV rising 100 a working day."""
    project = one_task(progress=(Progress(date(2027, 6, 9), 20), Progress(date(2027, 6, 16), 70)))
    results = history(project, status_dates=[date(2027, 6, 8), FRIDAY, date(2027, 6, 17), date(2027, 6, 30)])
    assert [(r.project.pv, r.project.ev) for r in results] == [(200, 0), (500, 200), (900, 700), (1000, 700)]
    assert [r.status_date for r in results][-1] == date(2027, 6, 30)


def test_actual_costs_count_up_to_the_status_date_inclusive():
    """AC sums the amounts booked on or before the status date; a task without a baseline has AC only."""
    costs = (ActualCost(date(2027, 6, 7), 100), ActualCost(FRIDAY, 50), ActualCost(date(2027, 6, 14), 70))
    project = EvmProject(
        (*one_task(actual_costs=costs).tasks, EvTask("extra", actual_costs=(ActualCost(FRIDAY, 30),)))
    )
    result = earned_value(project, status_date=FRIDAY)
    assert result.project.ac == 180
    extra = result.elements["extra"]
    assert (extra.bac, extra.ev, extra.ac, extra.cpi, extra.eac, extra.eac_atypical) == (
        0,
        0,
        30,
        0,
        None,
        30,
    )
    assert extra.pd == 0 and extra.es is None


def test_explicit_phasing_spreads_each_phase_over_its_working_days():
    """600 in the first week and 400 in the second: PV on Wednesday 9 June is 3/5 of 600."""
    phases = (
        Phase(date(2027, 6, 7), date(2027, 6, 11), 600),
        Phase(date(2027, 6, 14), date(2027, 6, 18), 400),
    )
    project = one_task(phasing=phases)
    assert earned_value(project, status_date=date(2027, 6, 9)).project.pv == pytest.approx(360)
    assert earned_value(project, status_date=date(2027, 6, 15)).project.pv == pytest.approx(760)
    assert earned_value(project, status_date=date(2027, 7, 1)).project.pv == 1000


def test_a_task_on_its_own_calendar():
    """A task on a calendar working Saturdays spreads its budget over them too; ES stays in working days
    of the project calendar."""
    six_days = Calendar("six", "Six days", (((480, 1020),),) * 6 + ((),))
    project = EvmProject(
        (
            EvTask(
                "A", start=at(date(2027, 6, 7)), finish=at(date(2027, 6, 12), 17), budget=600, calendar="six"
            ),
        ),
        calendars=(Calendar("standard"), six_days),
    )
    result = earned_value(project, status_date=date(2027, 6, 11))
    assert result.project.pv == pytest.approx(500)
    assert result.project.pd == 5  # Saturday is not a working day of the project calendar


def test_undefined_ratios_are_none():
    """Before anything is planned, earned or spent, the indices and forecasts are None, not errors."""
    p = earned_value(one_task(), status_date=date(2027, 6, 1)).project
    assert (p.pv, p.ev, p.ac) == (0, 0, 0)
    assert (p.spi, p.cpi, p.eac, p.eac_cpi_spi, p.etc, p.vac, p.tcpi_eac) == (None,) * 7
    assert p.tcpi == 1.0 and p.eac_atypical == 1000
    assert (p.at, p.es, p.spi_t, p.ieac_t) == (0, 0, None, None)
    spent = figures(bac=100, pv=50, ev=20, ac=100)
    assert spent.tcpi is None  # the budget is spent: no efficiency finishes within it
    assert figures(bac=100, pv=50, ev=0, ac=10).eac_cpi is None  # CPI = 0


def test_completed_project_on_time_keeps_spi_t_1():
    """A project finished on its baseline finish has SPI(t) 1 at any later status date: its clock stops."""
    project = one_task(percent_complete=100, actual_finish=at(date(2027, 6, 18), 17))
    p = earned_value(project, status_date=date(2027, 8, 31)).project
    assert (p.es, p.at, p.spi_t, p.sv_t) == (10, 10, 1, 0)
    assert p.forecast_finish == datetime(2027, 6, 18, 17)


def test_on_plan_in_a_gap_of_the_plan_is_on_schedule():
    """Two tasks with a week between them, exactly on plan in that week: ES = AT, SV(t) = 0."""
    project = EvmProject(
        (
            working_day("A", date(2027, 6, 7), 100, percent_complete=100),
            working_day("B", date(2027, 6, 16), 100),
        )
    )
    p = earned_value(project, status_date=date(2027, 6, 10)).project
    assert (p.sv, p.at, p.es, p.sv_t) == (0, 4, 4, 0)


# --- Units ----------


def test_effort_conversion():
    """8 hours a day and 20 days a month by default; the organisation's figures otherwise."""
    units = EffortConversion()
    assert units.convert(16, Unit.HOURS, Unit.PERSON_DAYS) == 2
    assert units.convert(1, Unit.PERSON_MONTHS, Unit.HOURS) == 160
    assert EffortConversion(7.5, 21).convert(3, Unit.PERSON_MONTHS, Unit.PERSON_DAYS) == 63
    assert units.factor(Unit.MONEY, Unit.MONEY) == 1
    with pytest.raises(EvmError, match="rate"):
        units.convert(1, Unit.MONEY, Unit.HOURS)
    with pytest.raises(EvmError, match="hours_per_day"):
        EffortConversion(0, 20)


def test_effort_project_of_hours():
    """One task baselined at 100 hours, 110 hours spent, % complete 110 / (110 + 10 to go) = 91.667 %:
    EV 91.667 h, CPI 0.8333, EAC = BAC / CPI = 120 h, VAC −20 h; at 100 $/h that is EV $9,166.67 and
    EAC $12,000. Shown with one decimal for hours."""
    project = one_task(budget=100, percent_complete=100 * 110 / 120, actual_costs=(ActualCost(FRIDAY, 110),))
    project = EvmProject(project.tasks, unit=Unit.HOURS)
    p = earned_value(project, status_date=date(2027, 6, 30)).project
    assert round_half_up(p.ev, 3) == Decimal("91.667")
    assert round_half_up(p.ev * 100, 2) == Decimal("9166.67")
    assert p.eac == pytest.approx(120) and p.vac == pytest.approx(-20)
    assert display_places(Unit.HOURS) == 1 and display_places(Unit.MONEY, "JPY") == 0
    assert display_places(Unit.MONEY, "EUR") == 2


def test_round_half_up_rounds_as_people_do():
    """2.675 is shown 2.68 (binary floating point holds 2.67499…; Python's round gives 2.67)."""
    assert round_half_up(2.675, 2) == Decimal("2.68")
    assert round_half_up(-0.8925, 3) == Decimal("-0.893")
    assert round_half_up(4479.28, 0) == Decimal("4479")


# --- Roll-up ----------


def test_roll_up_into_programs_and_portfolio():
    """Programs and the portfolio add the projects' amounts (effort converted) and take indices from the
    sums; a project outside any program counts in the portfolio only."""
    a = EvmProject(one_task(percent_complete=50).tasks, id="a", unit=Unit.HOURS, program="core")
    b = EvmProject(one_task(percent_complete=20).tasks, id="b", unit=Unit.PERSON_DAYS, program="core")
    c = EvmProject(one_task().tasks, id="c", unit=Unit.PERSON_DAYS)
    result = roll_up([a, b, c], status_date=FRIDAY, unit=Unit.PERSON_DAYS, conversion=EffortConversion(8, 20))
    assert result.unit is Unit.PERSON_DAYS
    assert result.projects["a"].project.bac == 125  # 1,000 hours
    assert result.projects["b"].project.bac == 1000
    core = result.programs["core"]
    assert (core.bac, core.pv, core.ev) == (1125, 562.5, 262.5)
    assert core.spi == pytest.approx(262.5 / 562.5)
    assert result.portfolio.bac == 2125
    assert result.portfolio.pd == 10 and result.portfolio.at == 5


def test_roll_up_refuses_what_cannot_be_added():
    """Money with effort, two currencies, two projects with one id, no project at all."""
    money = EvmProject(one_task().tasks, id="m", currency="JPY")
    hours = EvmProject(one_task().tasks, id="h", unit=Unit.HOURS)
    with pytest.raises(EvmError, match="Money and effort"):
        roll_up([money, hours], status_date=FRIDAY)
    with pytest.raises(EvmError, match="rate"):
        roll_up([hours, money], status_date=FRIDAY)
    with pytest.raises(EvmError, match="EUR and JPY"):
        roll_up([money, EvmProject(one_task().tasks, id="e", currency="EUR")], status_date=FRIDAY)
    with pytest.raises(EvmError, match="more than once"):
        roll_up([money, money], status_date=FRIDAY)
    with pytest.raises(EvmError, match="at least one"):
        roll_up([], status_date=FRIDAY)


# --- Series ----------


def test_weekly_series_for_s_curves():
    """Weeks end on Sunday; the last period ends on the last day; EV and AC stop at the status date."""
    project = documented_project()
    points = series(project, first=date(2027, 6, 7), last=date(2027, 7, 9), status_date=date(2027, 6, 18))
    assert [p.end for p in points] == [
        date(2027, 6, 13),
        date(2027, 6, 20),
        date(2027, 6, 27),
        date(2027, 7, 4),
        date(2027, 7, 9),
    ]
    assert [p.pv for p in points] == pytest.approx([500_000, 1_000_000, 1_500_000, 2_250_000, 3_000_000])
    assert [p.ev for p in points] == [500_000, None, None, None, None]
    assert points[0].ac == 550_000
    phase = series(
        project,
        first=date(2027, 6, 7),
        last=date(2027, 6, 18),
        status_date=date(2027, 6, 18),
        granularity="day",
        element="1",
    )
    assert len(phase) == 12 and phase[-1].pv == 1_000_000 and phase[-1].ev == 1_100_000
    assert phase[-1].ac == 1_250_000


def test_period_ends():
    """Days, weeks (ending on the chosen weekday) and calendar months; bad arguments are refused."""
    assert period_ends(date(2027, 1, 30), date(2027, 3, 10), "month") == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 10),
    ]
    assert period_ends(date(2027, 12, 5), date(2028, 1, 2), "month") == [date(2027, 12, 31), date(2028, 1, 2)]
    assert period_ends(date(2027, 6, 7), date(2027, 6, 20), "week", week_ends_on=4) == [
        date(2027, 6, 11),
        date(2027, 6, 18),
        date(2027, 6, 20),
    ]
    with pytest.raises(EvmError, match="granularity"):
        period_ends(date(2027, 6, 7), date(2027, 6, 20), "year")
    with pytest.raises(EvmError, match="before it begins"):
        period_ends(date(2027, 6, 7), date(2027, 6, 1), "day")


# --- Bad input ----------


START, FINISH = at(date(2027, 6, 7)), at(date(2027, 6, 18), 17)


@pytest.mark.parametrize(
    ("make", "message"),
    [
        # a negative budget
        (lambda: EvTask("A", start=START, finish=FINISH, budget=-1), "Task 'A': budget cannot be negative"),
        # a budget that is not a number
        (lambda: EvTask("A", start=START, finish=FINISH, budget="lots"), "Task 'A': budget must be a number"),
        # NaN is not an amount
        (lambda: EvTask("A", start=START, finish=FINISH, budget=float("nan")), "budget must be a finite"),
        # % complete above 100
        (
            lambda: EvTask("A", name="Build", percent_complete=120),
            "Task 'A' (Build): percent_complete must be",
        ),
        # physical % complete below 0
        (lambda: EvTask("A", physical_percent_complete=-5), "physical_percent_complete must be between"),
        # a progress record above 100
        (lambda: EvTask("A", progress=(Progress(FRIDAY, 101),)), "progress[0].percent_complete"),
        # progress records out of order
        (
            lambda: EvTask("A", progress=(Progress(FRIDAY, 10), Progress(FRIDAY, 20))),
            "progress[1] must be in date order",
        ),
        # the baseline finishes before it starts
        (lambda: EvTask("A", start=FINISH, finish=START), "Task 'A': finish (2027-06-07 08:00:00) is before"),
        # a baseline with a start only
        (lambda: EvTask("A", start=START), "baseline needs both a start and a finish"),
        # a budget without baseline dates
        (lambda: EvTask("A", budget=10), "a task with a budget needs a baseline start and finish"),
        # phases that do not add up to the budget
        (
            lambda: EvTask("A", start=START, finish=FINISH, budget=10, phasing=(Phase(FRIDAY, FRIDAY, 9),)),
            "phasing adds up to 9, not to the budget 10",
        ),
        # a phase outside the baseline
        (
            lambda: EvTask(
                "A", start=START, finish=FINISH, budget=9, phasing=(Phase(FRIDAY, date(2027, 7, 1), 9),)
            ),
            "phasing[0] (2027-06-11 to 2027-07-01) lies outside the baseline",
        ),
        # a phase ending before it begins
        (
            lambda: EvTask("A", budget=9, phasing=(Phase(FRIDAY, date(2027, 6, 1), 9),)),
            "phasing[0] ends (2027-06-01) before it begins",
        ),
        # a negative actual cost
        (
            lambda: EvTask("A", actual_costs=(ActualCost(FRIDAY, -3),)),
            "actual_costs[0].amount cannot be negative",
        ),
        # a milestone of no weight
        (lambda: EvTask("A", milestones=(EvMilestone("m", 0),)), "milestones[0].weight must be positive"),
        # an actual finish before the actual start
        (
            lambda: EvTask("A", actual_start=FINISH, actual_finish=START),
            "actual_finish is before the actual start",
        ),
        # an unknown EV method
        (
            lambda: EvmProject((), method="eyeballing"),
            "unknown EV method 'eyeballing'; use one of percent_complete",
        ),
        # an unknown unit
        (lambda: EvmProject((), unit="yen"), "unknown unit 'yen'"),
        # two tasks with one id
        (lambda: EvmProject((EvTask("A"), EvTask("A"))), "task id 'A' appears more than once"),
        # a parent that does not exist
        (lambda: EvmProject((EvTask("A", parent="Z"),)), "Task 'A': parent 'Z' does not exist"),
        # parents in a loop
        (lambda: EvmProject((EvTask("A", parent="B"), EvTask("B", parent="A"))), "parent chain forms a loop"),
        # a budget on a summary
        (
            lambda: EvmProject((EvTask("S", start=START, finish=FINISH, budget=5), EvTask("A", parent="S"))),
            "Task 'S': budget belongs on the tasks under this summary",
        ),
        # an unknown task calendar
        (lambda: EvmProject((EvTask("A", calendar="night"),)), "Task 'A': calendar 'night' is not among"),
        # an unknown project calendar
        (lambda: EvmProject((), calendar="night"), "the project calendar 'night'"),
    ],
)
def test_bad_input_is_refused_naming_the_task_and_field(make, message):
    """Each invalid input raises EvmError (a ValueError) whose message names the task and the field."""
    with pytest.raises(EvmError) as info:
        make()
    assert message in str(info.value)
    assert isinstance(info.value, ValueError)


def test_error_carries_task_and_field():
    """The app shows the error next to the field: the task id and field name travel with it."""
    with pytest.raises(EvmError) as info:
        EvTask("B2", percent_complete=101)
    assert (info.value.task, info.value.field) == ("B2", "percent_complete")


# --- Properties ----------

BASE = date(2027, 6, 7)  # a Monday


@st.composite
def projects(draw) -> EvmProject:
    """Random projects on the Standard calendar: up to 12 tasks, some under 1–2 summaries, baselines
    within eight weeks, progress, milestones and actual costs."""
    count = draw(st.integers(1, 12))
    summaries = draw(st.integers(0, 2))
    tasks = [EvTask(f"S{k}", parent=None if k == 0 else "S0") for k in range(summaries)]
    for k in range(count):
        first = BASE + timedelta(days=draw(st.integers(0, 40)))
        length = draw(st.integers(0, 15))
        start = at(first, draw(st.sampled_from([8, 13])))
        finish = max(start, at(first + timedelta(days=length), draw(st.sampled_from([12, 17]))))
        has_baseline = draw(st.booleans()) or k == 0
        costs = tuple(
            ActualCost(BASE + timedelta(days=d), a)
            for d, a in draw(st.lists(st.tuples(st.integers(0, 60), st.floats(0, 1e6)), max_size=3))
        )
        milestones = tuple(
            EvMilestone(f"m{j}", w, None if d is None else BASE + timedelta(days=d))
            for j, (w, d) in enumerate(
                draw(st.lists(st.tuples(st.floats(0.1, 10), st.none() | st.integers(0, 60)), max_size=3))
            )
        )
        tasks.append(
            EvTask(
                f"T{k}",
                parent=draw(st.sampled_from([None] + [f"S{j}" for j in range(summaries)])),
                start=start if has_baseline else None,
                finish=finish if has_baseline else None,
                budget=draw(st.floats(0, 1e7)) if has_baseline else 0.0,
                percent_complete=draw(st.sampled_from([0.0, 10.0, 50.0, 99.5, 100.0])),
                physical_percent_complete=draw(st.none() | st.floats(0, 100)),
                milestones=milestones,
                actual_costs=costs,
            )
        )
    method = draw(st.sampled_from(list(EvMethod)))
    return EvmProject(tuple(tasks), method=method)


status_dates = st.integers(-5, 70).map(lambda d: BASE + timedelta(days=d))


def ratio(a: float, b: float) -> float | None:
    """a / b where defined and finite (else None), as the engine states it."""
    return a / b if b and math.isfinite(a / b) else None


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-6)


@settings(max_examples=150, deadline=None)
@given(projects(), status_dates)
def test_properties_of_every_element(project, day):
    """0 ≤ PV, EV ≤ BAC; SPI = EV/PV and CPI = EV/AC where defined; 0 ≤ ES ≤ PD; summaries and the
    project add up their tasks; ES is behind AT exactly when EV is behind PV (while not finished)."""
    result = earned_value(project, status_date=day)
    leaves = {t.id for t in project.tasks} - project.summaries()
    for f in [*result.elements.values(), result.project]:
        assert 0 <= f.pv <= f.bac * (1 + 1e-12) and 0 <= f.ev <= f.bac * (1 + 1e-12)
        assert f.spi == ratio(f.ev, f.pv)
        assert f.cpi == ratio(f.ev, f.ac)
        if f.es is not None:
            assert -1e-9 <= f.es <= f.pd + 1e-9
    by_parent: dict[str | None, list[str]] = {}
    for t in project.tasks:
        by_parent.setdefault(t.parent, []).append(t.id)
    for node in [*project.summaries(), None]:
        below = [result.elements[i] for i in by_parent.get(node, [])]
        total = result.project if node is None else result.elements[node]
        if node is None:  # the project adds up every leaf
            below = [result.elements[i] for i in leaves]
        for name in ("bac", "pv", "ev", "ac"):
            assert close(getattr(total, name), math.fsum(getattr(b, name) for b in below))
    p = result.project
    tolerance = 1e-9 * max(p.bac, 1)
    if p.es is not None and p.ev < p.bac - tolerance and p.at <= p.pd:
        if p.sv < -tolerance:
            assert p.sv_t <= 1e-9
        elif p.sv > tolerance:
            assert p.sv_t >= -1e-9


@settings(max_examples=80, deadline=None)
@given(projects(), status_dates)
def test_zero_hundred_never_earns_more_than_percent_complete(project, day):
    """A 0/100 project has earned no more than the same project measured by % complete."""
    zero = EvmProject(project.tasks, method=EvMethod.ZERO_HUNDRED)
    percent = EvmProject(project.tasks, method=EvMethod.PERCENT_COMPLETE)
    ev0 = earned_value(zero, status_date=day).project.ev
    assert ev0 <= earned_value(percent, status_date=day).project.ev


@settings(max_examples=60, deadline=None)
@given(projects(), status_dates, st.integers(1, 30))
def test_pv_and_ac_never_fall_and_order_does_not_matter(project, day, later):
    """PV and AC only grow with the status date; PV is BAC after the last baseline finish; listing the
    tasks the other way round gives the same sums."""
    first = earned_value(project, status_date=day).project
    second = earned_value(project, status_date=day + timedelta(days=later)).project
    assert second.pv >= first.pv - 1e-6 and second.ac >= first.ac
    assert close(earned_value(project, status_date=BASE + timedelta(days=80)).project.pv, first.bac)
    reverse = EvmProject(tuple(reversed(project.tasks)), method=project.method)
    other = earned_value(reverse, status_date=day).project
    assert (other.bac, other.pv, other.ev, other.ac) == (first.bac, first.pv, first.ev, first.ac)


@settings(max_examples=40, deadline=None)
@given(projects(), status_dates)
def test_series_agrees_with_earned_value(project, day):
    """The daily series' point on the status date has the status date's PV, EV and AC."""
    points = series(
        project,
        first=BASE - timedelta(days=5),
        last=day + timedelta(days=3),
        status_date=day,
        granularity="day",
    )
    point = next(p for p in points if p.end == day)
    figures_ = earned_value(project, status_date=day).project
    assert close(point.pv, figures_.pv) and close(point.ev, figures_.ev) and point.ac == figures_.ac
    assert all(p.ev is None for p in points if p.end > day)


@given(
    # Subnormal amounts (below 1e-308 hours) would underflow; no effort is that small.
    st.floats(0, 1e9, allow_subnormal=False),
    st.sampled_from([u for u in Unit if u is not Unit.MONEY]),
    st.sampled_from([u for u in Unit if u is not Unit.MONEY]),
    st.floats(1, 24),
    st.floats(1, 31),
)
def test_effort_conversion_round_trips(value, source, target, hours, days):
    """Converting there and back gives the value again."""
    units = EffortConversion(hours, days)
    assert math.isclose(
        units.convert(units.convert(value, source, target), target, source), value, rel_tol=1e-12
    )
