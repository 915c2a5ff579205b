"""Monte Carlo schedule and cost risk (kuroko.engine.risk): known answers, exactness against the CPM
engine, invalid input and hypothesis properties.

Statistical tolerances are stated next to each check. Most plans use a 24-hour calendar, on which working
minutes are clock minutes, so that a finish is simply start + the sum of durations.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.special import betaincinv
from scipy.stats import spearmanr

from kuroko.engine.calendar import WorkCalendar, to_minutes
from kuroko.engine.cpm import CycleError, PlanError, schedule
from kuroko.engine.model import (
    FULL_WEEK,
    Calendar,
    CalendarException,
    ConstraintType,
    LagKind,
    Link,
    LinkType,
    Plan,
    Task,
)
from kuroko.engine.risk import (
    PERCENTILES,
    Correlation,
    DateDistribution,
    Distribution,
    Estimate,
    Forecast,
    RiskEvent,
    RiskInputError,
    RiskModel,
    TaskCost,
    simulate,
)
from kuroko.engine.risk.sampling import _GRID_U, Pert
from tests.engine.test_cpm_properties import NOT_ELAPSED, plans
from tests.formats.shared import shared_files

START = datetime(2026, 11, 23, 8)
H24 = Calendar("h24", "24 hours", FULL_WEEK)
START_MIN = to_minutes(START)


def h24_plan(tasks: tuple[Task, ...], links: tuple[Link, ...] = ()) -> Plan:
    """A plan on a 24-hour calendar: working minutes are clock minutes."""
    return Plan(START, tasks, links, calendars=(H24,), calendar="h24")


def chain(n: int, duration: int = 960) -> Plan:
    """T1 → T2 → … → Tn, each `duration` minutes, on the 24-hour calendar."""
    tasks = tuple(Task(f"T{k}", duration=duration) for k in range(1, n + 1))
    return h24_plan(tasks, tuple(Link(f"T{k}", f"T{k + 1}") for k in range(1, n)))


def elapsed(forecast: Forecast) -> np.ndarray:
    """Each iteration's finish in minutes after the project start (clock = working on 24 hours)."""
    assert forecast.samples is not None
    return forecast.samples.finish_minutes - START_MIN


def triangular_q(a: float, c: float, b: float, p: float) -> float:
    """The analytic quantile of the triangular distribution."""
    if p < (c - a) / (b - a):
        return a + math.sqrt(p * (b - a) * (c - a))
    return b - math.sqrt((1 - p) * (b - a) * (b - c))


def with_durations(plan: Plan, forecast: Forecast, k: int) -> Plan:
    """The plan with iteration k's sampled durations (and remaining durations) substituted."""
    samples = forecast.samples
    assert samples is not None
    tasks = []
    for t in plan.tasks:
        if t.id in samples.durations and not t.milestone:
            t = replace(t, duration=int(samples.durations[t.id][k]))
            if t.id in samples.remaining:
                t = replace(t, remaining_duration=int(samples.remaining[t.id][k]))
        tasks.append(t)
    return replace(plan, tasks=tuple(tasks))


def assert_iterations_reschedule(plan: Plan, forecast: Forecast, count: int) -> None:
    """Iterations 0 … count−1 give, under schedule(), the simulated finish and milestone finishes."""
    samples = forecast.samples
    assert samples is not None
    for k in range(count):
        result = schedule(with_durations(plan, forecast, k))
        assert to_minutes(result.project_finish) == samples.finish_minutes[k], k
        for task, minutes in samples.milestones.items():
            assert to_minutes(result.tasks[task].early_finish) == minutes[k], (k, task)


# --- Known answers ----------


@pytest.mark.parametrize("calendar", ["h24", "standard"])
def test_single_triangular_task_matches_the_analytic_quantiles(calendar):
    """P10/P50/P80/P90 of one triangular task are its analytic quantiles, in working minutes."""
    a, c, b = 600, 1200, 3000
    plan = Plan(START, (Task("A", duration=c),), calendars=(H24, Calendar("standard")), calendar=calendar)
    forecast = simulate(plan, RiskModel({"A": Estimate(a, c, b, "triangular")}), iterations=5000, seed=1)
    cal = WorkCalendar(Calendar(calendar, week=FULL_WEEK if calendar == "h24" else None), around=START)
    for p in (10, 50, 80, 90):
        simulated = cal.to_work(to_minutes(forecast.finish.percentiles[p])) - cal.to_work(START_MIN)
        # With Latin Hypercube sampling each of the 5,000 strata holds exactly one sample, so the sample
        # percentile's uniform is within 1/5000 of p: the quantile moves by at most Q'(p)/5000 < 1 minute
        # here, plus 1 minute of rounding. 0.5 % of the range (12 minutes) leaves room without hiding a
        # wrong formula (P80 and P90 differ by 350 minutes).
        assert simulated == pytest.approx(triangular_q(a, c, b, p / 100), abs=0.005 * (b - a)), p


@pytest.mark.parametrize("distribution", list(Distribution))
def test_a_chains_mean_finish_is_the_sum_of_the_means(distribution):
    """Four tasks in a row finish, on average, after the sum of their means (and PERT's variance is
    (μ − a)(b − μ)/7)."""
    estimates = [(480, 960, 2400), (240, 300, 600), (1000, 1000, 4000), (60, 900, 1000)]
    plan = chain(4)
    model = RiskModel({f"T{k + 1}": Estimate(*e, distribution) for k, e in enumerate(estimates)})
    n = 5000
    forecast = simulate(plan, model, iterations=n, seed=2, keep_samples=True)
    total = elapsed(forecast)
    expected = sum(model.estimates[f"T{k}"].mean for k in range(1, 5))
    # Three standard errors of the mean of n independent draws (Latin Hypercube only does better), plus
    # half a minute of rounding per task.
    assert abs(total.mean() - expected) <= 3 * total.std() / math.sqrt(n) + 2
    if distribution == Distribution.PERT:
        a, c, b = estimates[0]
        mu = (a + 4 * c + b) / 6
        first = forecast.samples.durations["T1"]  # type: ignore[union-attr]
        assert first.var() == pytest.approx((mu - a) * (b - mu) / 7, rel=0.03)


def test_parallel_paths_show_merge_bias():
    """Two identical parallel tasks finish on average later than either: at E[max] = ∫ Q(u)·2u du."""
    a, c, b = 480, 960, 2400
    plan = h24_plan(
        (Task("A", duration=c), Task("B", duration=c), Task("M", milestone=True)),
        (
            Link("A", "M"),
            Link("B", "M"),
        ),
    )
    model = RiskModel({"A": Estimate(a, c, b, "triangular"), "B": Estimate(a, c, b, "triangular")})
    n = 5000
    forecast = simulate(plan, model, iterations=n, seed=3, keep_samples=True)
    u = (np.arange(200_000) + 0.5) / 200_000
    quantile = np.asarray([triangular_q(a, c, b, p) for p in u])
    expected_max = float(np.mean(quantile * 2 * u))  # the max of two has CDF F², density 2F·f
    finish = elapsed(forecast)
    single = (a + c + b) / 3
    assert expected_max > single + 100  # the bias is real: ~160 minutes here
    assert abs(finish.mean() - expected_max) <= 3 * finish.std() / math.sqrt(n) + 1
    assert finish.mean() > single + 100


def test_the_same_seed_gives_the_same_forecast_and_another_seed_another():
    """Fixed seed → identical output; a different seed → different samples."""
    plan = chain(5)
    model = RiskModel(
        default_range=(0.5, 1, 2), events=(RiskEvent("R1", 0.4, ("T2",), Estimate(60, 120, 600)),)
    )
    one = simulate(plan, model, iterations=2000, seed=11, keep_samples=True)
    two = simulate(plan, model, iterations=2000, seed=11, keep_samples=True)
    other = simulate(plan, model, iterations=2000, seed=12, keep_samples=True)
    assert one.finish == two.finish and one.criticality == two.criticality
    assert one.sensitivity == two.sensitivity and one.event_occurrence == two.event_occurrence
    assert np.array_equal(one.samples.finish_minutes, two.samples.finish_minutes)  # type: ignore[union-attr]
    assert not np.array_equal(one.samples.finish_minutes, other.samples.finish_minutes)  # type: ignore[union-attr]
    assert one.seed == 11 and one.sampling == "lhs" and one.iterations == one.requested == 2000


@pytest.mark.parametrize("sampling", ["lhs", "random"])
def test_latin_hypercube_and_random_sampling_are_both_unbiased(sampling):
    """Both samplings find the PERT mean and standard deviation of one task."""
    a, c, b = 1000, 2000, 6000
    n = 4000
    forecast = simulate(
        h24_plan((Task("A", duration=c),)),
        RiskModel({"A": Estimate(a, c, b)}),
        iterations=n,
        seed=5,
        sampling=sampling,
        keep_samples=True,
    )
    finish = elapsed(forecast)
    mu = (a + 4 * c + b) / 6
    sd = math.sqrt((mu - a) * (b - mu) / 7)
    assert abs(finish.mean() - mu) <= 4 * sd / math.sqrt(n)  # four standard errors
    assert finish.std() == pytest.approx(sd, rel=0.05)
    assert forecast.sampling == sampling


def test_pert_tables_interpolate_the_beta_quantile_closely():
    """The tabulated PERT quantile is within 1e-4 of the range of scipy's betaincinv for 0.001 ≤ u ≤ 0.999."""
    rng = np.random.default_rng(0)
    modes = rng.random(50)
    low, high = np.zeros(50), np.ones(50)
    u = np.tile(np.linspace(0.001, 0.999, 999), (50, 1))
    exact = betaincinv(1 + 4 * modes[:, None], 1 + 4 * (1 - modes[:, None]), u)
    assert np.abs(Pert(low, modes, high).sample(u) - exact).max() < 1e-4
    assert _GRID_U[0] == 0 and _GRID_U[-1] == 1


def test_risk_events_occur_with_their_probability():
    """Probability 0 changes nothing, 1 always applies its impact, 0.3 occurs in 30 % of iterations."""
    plan = chain(3)
    base = schedule(plan).project_finish
    day = Estimate(1440, 1440, 1440)
    never = simulate(
        plan, RiskModel(events=(RiskEvent("R0", 0, ("T2",), day),)), iterations=500, keep_samples=True
    )
    assert set(never.samples.finish) == {base} and never.event_occurrence == {"R0": 0.0}  # type: ignore[union-attr]
    always = simulate(
        plan, RiskModel(events=(RiskEvent("R1", 1, ("T2", "T3"), day),)), iterations=500, keep_samples=True
    )
    # Both linked tasks are a day longer in every iteration.
    assert set(always.samples.finish) == {base + timedelta(days=2)}  # type: ignore[union-attr]
    assert always.event_occurrence == {"R1": 1.0}
    sometimes = simulate(
        plan, RiskModel(events=(RiskEvent("R2", 0.3, ("T2",), day),)), iterations=5000, keep_samples=True
    )
    # Latin Hypercube: in each batch of 1,000 exactly 300 (±1) uniforms fall below 0.3.
    assert sometimes.event_occurrence["R2"] == pytest.approx(0.3, abs=0.002)
    late = elapsed(sometimes) > to_minutes(base) - START_MIN
    assert np.array_equal(late, sometimes.samples.occurred["R2"])  # type: ignore[union-attr]


def test_an_opportunity_shortens_a_task_but_never_below_zero():
    """A negative schedule impact shortens the linked task; its duration stops at 0."""
    plan = chain(2)
    saving = Estimate(-5000, -4000, -3000, "uniform", signed=True)
    forecast = simulate(
        plan, RiskModel(events=(RiskEvent("O1", 1, ("T1",), saving),)), iterations=200, keep_samples=True
    )
    assert (forecast.samples.durations["T1"] == 0).all()  # type: ignore[union-attr]
    assert (elapsed(forecast) == 960).all()


def test_correlation_raises_the_variance_of_a_chain_as_theory_says():
    """Var(sum) of k uniform tasks is kσ²(1 + (k−1)·r) with r = (6/π)·asin(ρ/2), the correlation of
    uniforms joined by a Gaussian copula of correlation ρ."""
    k, rho, n = 4, 0.6, 8000
    plan = chain(k)
    estimates = {f"T{j}": Estimate(1000, 2000, 3000, "uniform") for j in range(1, k + 1)}
    sigma2 = 2000**2 / 12
    independent = simulate(plan, RiskModel(estimates), iterations=n, seed=8, keep_samples=True)
    grouped = RiskModel(estimates, correlations=(Correlation(tuple(estimates), rho),))
    correlated = simulate(plan, grouped, iterations=n, seed=8, keep_samples=True)
    r = 6 / math.pi * math.asin(rho / 2)
    # The sample variance of n draws has a relative standard error of about √(2/n) ≈ 1.6 %: 6 % is ~4 of them.
    assert elapsed(independent).var() == pytest.approx(k * sigma2, rel=0.06)
    assert elapsed(correlated).var() == pytest.approx(k * sigma2 * (1 + (k - 1) * r), rel=0.06)
    first = correlated.samples.durations  # type: ignore[union-attr]
    assert np.corrcoef(first["T1"], first["T2"])[0, 1] == pytest.approx(r, abs=0.04)


def test_convergence_stops_early_and_progress_is_reported():
    """With a convergence threshold the run stops once P50 and P80 settle; progress comes per batch."""
    plan = chain(4)
    model = RiskModel(default_range=(0.8, 1, 1.5))
    calls: list[tuple[int, int]] = []
    forecast = simulate(
        plan, model, iterations=50_000, convergence=30, batch=1000, progress=lambda d, t: calls.append((d, t))
    )
    assert forecast.converged is True and forecast.iterations < 50_000 and forecast.requested == 50_000
    assert calls == [(1000 * k, 50_000) for k in range(1, forecast.iterations // 1000 + 1)]
    assert simulate(plan, model, iterations=300, batch=100).converged is None
    # Never settling this tightly: runs every iteration and says so.
    assert simulate(plan, model, iterations=300, batch=100, convergence=1e-9).converged in (False, True)


def test_criticality_of_two_paths_matches_the_analytic_probability():
    """A ~ U(240, 720) beside B = 600: A drives the finish with probability (720 − 600)/480 = 25 %."""
    plan = h24_plan(
        (Task("S", duration=60), Task("A", duration=480), Task("B", duration=600), Task("M", milestone=True)),
        (Link("S", "A"), Link("S", "B"), Link("A", "M"), Link("B", "M")),
    )
    forecast = simulate(plan, RiskModel({"A": Estimate(240, 480, 720, "uniform")}), iterations=5000, seed=4)
    # Latin Hypercube puts exactly 25 % of the uniforms in the top quarter, ±1 per batch; A = 600 exactly
    # (a tie: both critical) has probability ~1/480.
    assert forecast.criticality["A"] == pytest.approx(0.25, abs=0.01)
    assert forecast.criticality["B"] == pytest.approx(0.75, abs=0.01)
    assert forecast.criticality["S"] == forecast.criticality["M"] == 1.0


def test_sensitivity_ranks_the_dominant_task_first_and_is_spearmans_rho():
    """The task with the widest range correlates most with the finish; within one batch the value is
    Spearman's rho of the samples."""
    plan = chain(3)
    model = RiskModel(
        {"T1": Estimate(950, 960, 970), "T2": Estimate(900, 960, 1100), "T3": Estimate(500, 960, 3000)},
        events=(RiskEvent("R1", 0.5, ("T2",), Estimate(0, 30, 60)),),
    )
    forecast = simulate(plan, model, iterations=1000, batch=1000, seed=9, keep_samples=True)
    ranked = sorted(forecast.sensitivity, key=lambda t: -forecast.sensitivity[t])
    assert ranked == ["T3", "T2", "T1"] and forecast.sensitivity["T3"] > 0.9
    samples = forecast.samples
    assert samples is not None
    for task in ("T1", "T2", "T3"):
        rho = spearmanr(samples.durations[task], samples.finish_minutes).statistic
        # T2 (touched by an event) is ranked exactly; T1 and T3 rank by their Latin Hypercube strata,
        # which break ties between durations rounded to the same minute (T1 has only 21 values).
        tolerance = {"T1": 0.02, "T2": 1e-9, "T3": 1e-4}[task]
        assert forecast.sensitivity[task] == pytest.approx(rho, abs=tolerance)


def test_finishes_respect_the_standard_calendar_and_its_holidays():
    """Every sampled finish is in working time: a weekday that is no holiday, 08–12 or 13–17."""
    holiday = date(2026, 12, 3)
    standard = Calendar("standard", "Standard", exceptions=(CalendarException(holiday, holiday),))
    plan = replace(chain(4), calendars=(standard,), calendar="standard")
    forecast = simulate(plan, RiskModel(default_range=(0.3, 1, 3)), iterations=2000, keep_samples=True)
    for moment in forecast.samples.finish:  # type: ignore[union-attr]
        assert moment.weekday() < 5 and moment.date() != holiday
        minute = moment.hour * 60 + moment.minute
        assert 480 < minute <= 720 or 780 < minute <= 1020, moment
    assert all(d.weekday() < 5 and d != holiday for d, _ in forecast.finish.cumulative)


# --- Exactness: every iteration is a CPM schedule ----------


def complex_plan() -> Plan:
    """All four link types, work, elapsed and percent lags and a lead, a second calendar with a
    holiday, an elapsed task, SNET and FNET constraints, progress with a status date, a summary linked
    both ways, milestones and deadlines."""
    holiday = date(2026, 12, 3)
    standard = Calendar("standard", "Standard", exceptions=(CalendarException(holiday, holiday),))
    tasks = (
        Task("A", "Design", 1440, actual_start=datetime(2026, 11, 23, 8), percent_complete=50),
        Task("B", "Buy", 960, actual_start=START, actual_finish=datetime(2026, 11, 24, 17)),
        Task("C", "Cure", 2880, elapsed=True),
        Task("D", "Build", 2400, calendar="h24"),
        Task("E", "Paint", 960, constraint=ConstraintType.SNET, constraint_date=datetime(2026, 12, 1, 8)),
        Task("F", "Fit", 1440, constraint=ConstraintType.FNET, constraint_date=datetime(2026, 12, 4, 17)),
        Task("G", "Check", 480),
        Task("M1", "Gate", milestone=True, deadline=datetime(2026, 12, 4, 17)),
        Task("H", "Ship", 960, deadline=datetime(2026, 12, 10, 17)),
        Task("P", "Phase"),
        Task("P1", "Sub 1", 480, parent="P"),
        Task("P2", "Sub 2", 720, parent="P"),
        Task("M2", "Done", milestone=True),
    )
    links = (
        Link("A", "C", LinkType.FS, 240),
        Link("B", "C", LinkType.SS, 480),
        Link("C", "D", LinkType.FF, 120, LagKind.ELAPSED),
        Link("A", "E", LinkType.FS, 50, LagKind.PERCENT),
        Link("D", "F", LinkType.SF, 0),
        Link("E", "F", LinkType.FS, -120),
        Link("F", "M1"),
        Link("M1", "G"),
        Link("G", "H", LinkType.FS, 1440, LagKind.ELAPSED),
        Link("E", "P"),
        Link("P", "H", LinkType.FF, 60),
        Link("D", "H", LinkType.SS, 240),
        Link("H", "M2"),
    )
    return Plan(START, tasks, links, calendars=(standard, H24), status_date=datetime(2026, 11, 25, 17))


def test_sampled_iterations_reschedule_to_the_same_dates():
    """Substituting an iteration's durations into the plan and calling schedule() gives the simulated
    finish and milestone dates, on a plan with every kind of link, lag, calendar, constraint and progress."""
    plan = complex_plan()
    model = RiskModel(
        default_range=(0.2, 1, 2.5),
        events=(
            RiskEvent("R1", 0.5, ("G", "D"), Estimate(-600, 480, 1440, signed=True)),
            RiskEvent("R2", 0.3, ("A",), Estimate(0, 960, 2000)),
        ),
    )
    forecast = simulate(plan, model, iterations=60, seed=3, batch=25, keep_samples=True)
    assert_iterations_reschedule(plan, forecast, 60)
    assert set(forecast.milestones) == {"M1", "H", "M2"}
    assert forecast.criticality["B"] == 0  # finished work is never critical


def test_in_progress_tasks_vary_their_remaining_duration():
    """A task half done varies only what remains; a finished one does not vary; a given remaining
    duration is scaled by the sampled duration."""
    status = datetime(2026, 11, 25, 17)
    tasks = (
        Task("A", duration=2400, actual_start=START, percent_complete=50),
        Task("B", duration=960, actual_start=START, actual_finish=datetime(2026, 11, 24, 17)),
        Task("C", duration=1920, actual_start=START, percent_complete=25, remaining_duration=960),
        Task("D", duration=480),
    )
    plan = Plan(START, tasks, (Link("A", "D"), Link("B", "D"), Link("C", "D")), status_date=status)
    forecast = simulate(plan, RiskModel(default_range=(0.5, 1, 2)), iterations=50, keep_samples=True)
    samples = forecast.samples
    assert samples is not None
    assert (samples.durations["B"] == 960).all() and "B" not in forecast.sensitivity
    assert np.array_equal(samples.remaining["C"], np.rint(960 * samples.durations["C"] / 1920))
    assert_iterations_reschedule(plan, forecast, 50)


@pytest.mark.parametrize("path", shared_files())
def test_degenerate_estimates_reproduce_the_cpm_dates_of_ms_project_files(path):
    """With nothing uncertain, every iteration is the CPM schedule of the real MS Project files; with
    every duration varied, sampled iterations reschedule to the simulated dates."""
    from kuroko.formats.mspdi import read_mspdi

    plan = read_mspdi(path).plan
    result = schedule(plan)
    flat = simulate(plan, iterations=20, keep_samples=True)
    assert (flat.samples.finish_minutes == to_minutes(result.project_finish)).all()  # type: ignore[union-attr]
    for task, minutes in flat.samples.milestones.items():  # type: ignore[union-attr]
        assert (minutes == to_minutes(result.tasks[task].early_finish)).all(), task
    assert flat.finish.std_minutes == 0 and flat.finish.probability_deterministic == 1
    varied = simulate(plan, RiskModel(default_range=(0, 1, 2.5)), iterations=15, seed=5, keep_samples=True)
    unsplit = replace(plan, tasks=tuple(replace(t, splits=()) for t in plan.tasks))
    if unsplit != plan:  # substituted durations may end before a split: compare without splits
        varied = simulate(
            unsplit, RiskModel(default_range=(0, 1, 2.5)), iterations=15, seed=5, keep_samples=True
        )
    assert_iterations_reschedule(unsplit, varied, 15)


@settings(max_examples=40, deadline=None)
@given(plans(mixed=True))
def test_degenerate_estimates_reproduce_the_cpm_dates_of_random_plans(plan):
    """Random plans (every link type and lag kind, four calendars): estimates of one value equal to the
    planned duration give the CPM finish in every iteration."""
    model = RiskModel({t.id: Estimate(t.duration, t.duration, t.duration) for t in plan.tasks})
    forecast = simulate(plan, model, iterations=3, keep_samples=True)
    assert (forecast.samples.finish_minutes == to_minutes(schedule(plan).project_finish)).all()  # type: ignore[union-attr]


@settings(max_examples=40, deadline=None)
@given(plans(mixed=True), st.integers(0, 1000))
def test_random_iterations_of_random_plans_reschedule_to_the_same_finish(plan, seed):
    """Random plans with durations from 0 to 3× planned: sampled iterations reschedule to the simulated
    finish (zero-length tasks included)."""
    forecast = simulate(plan, RiskModel(default_range=(0, 1, 3)), iterations=8, seed=seed, keep_samples=True)
    assert_iterations_reschedule(plan, forecast, 8)


@settings(max_examples=40, deadline=None)
@given(plans(kinds=NOT_ELAPSED), st.integers(0, 1000))
def test_criticality_is_zero_total_float_without_late_constraints(plan, seed):
    """On one calendar without constraints, a task is on a driving path to the finish in an iteration
    exactly when schedule() gives it zero total float there."""
    forecast = simulate(plan, RiskModel(default_range=(0, 1, 3)), iterations=6, seed=seed, keep_samples=True)
    samples = forecast.samples
    assert samples is not None
    for k in range(6):
        result = schedule(with_durations(plan, forecast, k))
        for task, row in samples.critical.items():
            assert bool(row[k]) == result.tasks[task].critical, (k, task)


def fs_ss_only(plan: Plan) -> Plan:
    """The plan with FF and SF links turned into FS and SS: start dates then never fall when a duration
    grows (an FF link lets a longer successor start earlier, and an SS link from it pass that on)."""
    kinds = {LinkType.FF: LinkType.FS, LinkType.SF: LinkType.SS}
    return replace(
        plan, links=tuple(replace(link, type=kinds.get(link.type, link.type)) for link in plan.links)
    )


@settings(max_examples=40, deadline=None)
@given(plans(mixed=True).map(fs_ss_only), st.integers(0, 1000))
def test_every_finish_lies_between_the_optimistic_and_pessimistic_cpm_finishes(plan, seed):
    """Without risk events, every iteration's finish is between the CPM finish with every duration at its
    minimum and the one with every duration at its maximum."""
    low, high = 0.5, 2.0
    forecast = simulate(
        plan, RiskModel(default_range=(low, 1, high)), iterations=30, seed=seed, keep_samples=True
    )

    def finish_with(factor: float) -> int:
        tasks = tuple(replace(t, duration=round(t.duration * factor)) for t in plan.tasks)
        return to_minutes(schedule(replace(plan, tasks=tasks)).project_finish)

    finishes = forecast.samples.finish_minutes  # type: ignore[union-attr]
    assert finish_with(low) <= finishes.min() and finishes.max() <= finish_with(high)


def test_a_plan_scheduled_from_its_finish_is_simulated_forward():
    """Scheduling from the finish is simulated forward from the start: the CPM date is the forward one."""
    plan = replace(chain(3), schedule_from_finish=True, finish=datetime(2027, 1, 29, 17))
    forecast = simulate(plan, iterations=10)
    assert forecast.finish.deterministic == START + timedelta(minutes=3 * 960)
    assert forecast.finish.percentiles[50] == forecast.finish.deterministic


# --- Results ----------


def test_milestones_deadlines_baseline_and_the_date_distribution():
    """Milestones and tasks with deadlines get distributions with their deadline probability; the
    project's deadline and baseline probabilities, the histogram and the cumulative curve agree."""
    plan = h24_plan(
        (
            Task("A", duration=1440),
            Task("B", duration=1440, deadline=START + timedelta(days=2)),
            Task("M", milestone=True),
        ),
        (Link("A", "B"), Link("B", "M")),
    )
    model = RiskModel({"A": Estimate(720, 1440, 2880, "uniform")})
    deadline = START + timedelta(days=2, hours=12)
    forecast = simulate(
        plan, model, iterations=4000, deadline=deadline, baseline_finish=START + timedelta(days=2)
    )
    finish = forecast.finish
    assert set(forecast.milestones) == {"B", "M"}
    # A ends uniformly between 0.5 and 2 days: the project (A + 1 day) by 2.5 days with probability 2/3.
    assert finish.probability_deadline == pytest.approx(2 / 3, abs=0.01)
    assert forecast.milestones["B"].probability_deadline == pytest.approx(1 / 3, abs=0.01)
    assert forecast.probability_baseline == pytest.approx(1 / 3, abs=0.01)
    assert list(finish.percentiles) == list(PERCENTILES)
    assert finish.percentile(50) == finish.percentiles[50] and finish.deterministic == START + timedelta(
        days=2
    )
    assert sum(c for _, c in finish.histogram) == 4000 and finish.cumulative[-1][1] == 1.0
    assert finish.probability_by(date(2026, 11, 23)) == 0.0 and finish.probability_by(date(2027, 1, 1)) == 1.0
    assert finish.probability_by(date(2026, 11, 25)) == pytest.approx(
        sum(c for d, c in finish.histogram if d <= date(2026, 11, 25)) / 4000
    )
    with pytest.raises(ValueError, match="P42 is not reported"):
        finish.percentile(42)


def test_cost_is_fixed_plus_rate_times_duration_plus_risk_costs():
    """The cost distribution adds fixed costs, per-minute costs × sampled durations and the triangular
    cost impacts of events that occur; its mean matches."""
    plan = chain(2)
    model = RiskModel(
        {"T1": Estimate(480, 960, 2400, "triangular")},
        events=(RiskEvent("R1", 0.5, ("T2",), cost_impact=(1000.0, 2000.0, 6000.0)),),
        costs={"T1": TaskCost(100.0, 2.0), "T2": TaskCost(fixed=50.0)},
    )
    n = 4000
    forecast = simulate(plan, model, iterations=n, seed=6, keep_samples=True)
    cost = forecast.cost
    assert cost is not None and cost.deterministic == 100 + 2 * 960 + 50
    expected = 150 + 2 * (480 + 960 + 2400) / 3 + 0.5 * 3000
    assert cost.mean == pytest.approx(expected, abs=3 * cost.std / math.sqrt(n))
    assert cost.percentiles[0] <= cost.percentiles[50] <= cost.percentiles[100]
    assert sum(c for _, c in cost.histogram) == n and cost.cumulative[-1][1] == pytest.approx(1.0)
    assert 0 < cost.probability_deterministic < 1
    assert simulate(plan, RiskModel(default_range=(1, 1, 2)), iterations=10).cost is None


def test_a_task_cost_per_minute_on_a_summary_is_refused_but_fixed_costs_are_fine():
    """A summary task has no duration of its own to price; its fixed cost counts."""
    plan = h24_plan((Task("P"), Task("A", duration=60, parent="P")))
    assert simulate(plan, RiskModel(costs={"P": TaskCost(fixed=10.0)}), iterations=5).cost.mean == 10  # type: ignore[union-attr]
    with pytest.raises(RiskInputError, match="summary task has no duration"):
        simulate(plan, RiskModel(costs={"P": TaskCost(per_minute=1.0)}), iterations=5)


# --- Invalid input ----------

GOOD = chain(2)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        # An estimate must be ordered, non-negative and whole minutes.
        (lambda: Estimate(10, 5, 20), "minimum ≤ most likely ≤ maximum"),
        (lambda: Estimate(-1, 5, 20), "cannot be negative"),
        (lambda: Estimate(1, 5, 20.5), "whole number of minutes"),  # type: ignore[arg-type]
        (lambda: Estimate(1, 5, 20, "gamma"), "Unknown distribution"),  # type: ignore[arg-type]
        (lambda: Estimate(-5, 1, 2, "lognormal", signed=True), "lognormal"),
        # A probability is between 0 and 1.
        (lambda: RiskEvent("R-3", 1.5, ("T1",)), "Risk R-3: the probability must be between 0 and 1"),
        (lambda: RiskEvent("R-4", float("nan"), ("T1",)), "Risk R-4: the probability must be a finite"),
        # A schedule impact needs tasks to delay; a cost impact is ordered.
        (lambda: RiskEvent("R-5", 0.5, (), Estimate(1, 2, 3)), "needs the tasks it delays"),
        (lambda: RiskEvent("R-6", 0.5, cost_impact=(3.0, 2.0, 1.0)), "minimum ≤ most likely ≤ maximum"),
        # A correlation coefficient is in [0, 1), over two or more tasks.
        (lambda: Correlation(("T1", "T2"), 1.0), "at least 0 and below 1"),
        (lambda: Correlation(("T1", "T2"), -0.2), "at least 0 and below 1"),
        (lambda: Correlation(("T1",), 0.5), "at least two tasks"),
        # A task in two correlation groups, two risks with one id.
        (
            lambda: RiskModel(correlations=(Correlation(("T1", "T2"), 0.5), Correlation(("T2", "T3"), 0.5))),
            "Task 'T2' is in two correlation groups",
        ),
        (
            lambda: RiskModel(events=(RiskEvent("R1", 0.5), RiskEvent("R1", 0.2))),
            "Risk R1: the id is used twice",
        ),
        # Default range factors are ordered and not negative; costs are not negative.
        (lambda: RiskModel(default_range=(1.2, 1, 1.3)), "0 ≤ low ≤ likely ≤ high"),
        (lambda: TaskCost(-5.0), "cannot be negative"),
        # Tasks the plan does not have, named with the risk or estimate.
        (
            lambda: simulate(GOOD, RiskModel(events=(RiskEvent("R-3", 0.5, ("X",)),))),
            "Risk R-3: task 'X' is not in the plan",
        ),
        (
            lambda: simulate(GOOD, RiskModel({"X": Estimate(1, 2, 3)})),
            "Estimate of 'X': task 'X' is not in the plan",
        ),
        (
            lambda: simulate(GOOD, RiskModel(correlations=(Correlation(("T1", "X"), 0.5),))),
            "task 'X' is not in the plan",
        ),
        (lambda: simulate(GOOD, RiskModel(costs={"X": TaskCost(1.0)})), "task 'X' is not in the plan"),
        # Milestones have no duration to vary.
        (
            lambda: simulate(h24_plan((Task("M", milestone=True),)), RiskModel({"M": Estimate(1, 2, 3)})),
            "milestone",
        ),
        # Options out of range.
        (lambda: simulate(GOOD, iterations=0), "Iterations must be a whole number from 1 to 1,000,000"),
        (lambda: simulate(GOOD, iterations=1_000_001), "from 1 to 1,000,000"),
        (lambda: simulate(GOOD, batch=0), "batch size"),
        (lambda: simulate(GOOD, sampling="sobol"), "Latin Hypercube"),
        (lambda: simulate(GOOD, convergence=-1), "convergence threshold"),
    ],
)
def test_invalid_input_is_refused_with_a_message_naming_it(build, message):
    """Each bad input raises RiskInputError (a ValueError) with a sentence naming the rule and the item."""
    with pytest.raises(RiskInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        build()


def test_a_plan_the_cpm_refuses_raises_its_error():
    """A link to a missing task or a cycle: the CPM engine's PlanError and CycleError come through."""
    with pytest.raises(PlanError, match="ghost"):
        simulate(h24_plan((Task("A", duration=60),), (Link("ghost", "A"),)))
    with pytest.raises(CycleError):
        simulate(h24_plan((Task("A", duration=60), Task("B", duration=60)), (Link("A", "B"), Link("B", "A"))))


def test_risk_input_errors_carry_the_task_and_event():
    """The app shows errors next to the field: RiskInputError carries the ids."""
    with pytest.raises(RiskInputError) as info:
        simulate(GOOD, RiskModel(events=(RiskEvent("R-3", 0.5, ("X",)),)))
    assert (info.value.task, info.value.event) == ("X", "R-3")


def test_date_distribution_refuses_decreasing_percentiles():
    """A date distribution validates itself."""
    with pytest.raises(ValueError, match="never decrease"):
        DateDistribution(START, START, 0.0, {10: START, 50: START - timedelta(1)}, (), ())


def test_percentile_positions_are_exact_for_every_count():
    """The inverted-CDF position is computed exactly: P55 of 100 samples is the 55th, not the 56th (0.55 ×
    100 is 55.000000000000001 in floating point)."""
    from kuroko.engine.risk.simulation import _percentile_index

    for count in (*range(1, 201), 1000, 5000, 10_000, 100_000):
        for p in range(0, 101, 5):
            assert _percentile_index(count, p) == min(max((p * count + 99) // 100 - 1, 0), count - 1)
