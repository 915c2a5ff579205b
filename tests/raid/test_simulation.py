"""Schedule risk analysis in the app: mapping a project to the engine, the run's lifecycle, estimates,
correlation groups, results, comparison and the risk-adjusted dates of the project page and portfolio."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kuroko.projects import services as project_services
from kuroko.projects.models import Task
from kuroko.raid.mapping import RunOptions, from_snapshot, risk_input, snapshot
from kuroko.raid.models import CorrelationGroup, Risk, RunStatus, SimulationRun, TaskEstimate
from kuroko.raid.selectors import simulation as selectors
from kuroko.raid.services import simulation as services
from kuroko.raid.services.simulation import EstimateRow
from tests.factories import CorrelationGroupFactory, TaskEstimateFactory

DAY = 480


@pytest.fixture
def plan(world) -> dict[str, Any]:
    """ALPHA as a small network: Build (5d) → Test (3d) → Go-live (milestone, deadline), Docs (4d) in
    parallel after Build; a planned finish for the deadline."""
    admin, project = world.admin, world.project
    project_services.project_update(
        actor=admin,
        project=project,
        data={"planned_start": date(2027, 4, 5), "planned_finish": date(2027, 4, 30)},
        expected_version=project.version,
    )
    build = project_services.task_create(
        actor=admin, project=project, data={"name": "Build", "duration_minutes": 5 * DAY}
    )
    test = project_services.task_create(
        actor=admin, project=project, data={"name": "Test", "duration_minutes": 3 * DAY}
    )
    docs = project_services.task_create(
        actor=admin, project=project, data={"name": "Docs", "duration_minutes": 4 * DAY}
    )
    live = project_services.task_create(
        actor=admin, project=project, data={"name": "Go-live", "kind": "milestone", "duration_minutes": 0}
    )
    for pred, succ in ((build, test), (test, live), (build, docs), (docs, live)):
        project_services.dependency_create(actor=admin, predecessor=pred, successor=succ)
    tasks = {t.name: t for t in Task.objects.filter(project=project)}
    project.refresh_from_db()
    return {"project": project, **tasks}


def risk(project, *, number: int = 1, **fields: Any) -> Risk:
    """A quantified risk (the registers' services are another part of the app: a plain row suffices)."""
    tasks = fields.pop("tasks", [])
    values = {
        "title": f"Risk {number}",
        "raised_on": date(2027, 3, 1),
        "probability_percent": Decimal("50"),
        "schedule_min_minutes": DAY,
        "schedule_most_likely_minutes": 2 * DAY,
        "schedule_max_minutes": 4 * DAY,
    } | fields
    row = Risk.objects.create(project=project, number=number, **values)
    row.tasks.set(tasks)
    return row


def run_now(user, project, captured, **options: Any) -> SimulationRun:
    """Start a run and let its background task run (the immediate backend, on commit)."""
    with captured(execute=True):
        run = services.simulation_start(user=user, project=project, options={"iterations": 500} | options)
    run.refresh_from_db()
    return run


# --- mapping ----------------------------------------------------------------------------------------


def test_nothing_varies_gives_the_scheduled_finish(world, plan, django_capture_on_commit_callbacks):
    """Without estimates, range or risks every percentile is the finish the project is scheduled to."""
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, range=None)
    assert run.status == RunStatus.DONE, run.error
    finish = run.results["finish"]
    scheduled = timezone.localtime(Task.objects.get(pk=plan["Go-live"].pk).finish).date()
    assert finish["p10"] == finish["p50"] == finish["p90"] == finish["deterministic"] == scheduled.isoformat()
    assert run.inputs["varied"] == 0
    assert selectors.results(run).deterministic


def test_estimates_and_range_are_mapped(world, plan):
    """Estimates become the engine's (minutes, distribution); tasks without one take the run's range."""
    TaskEstimateFactory(
        task=plan["Build"],
        minimum_minutes=4 * DAY,
        most_likely_minutes=5 * DAY,
        maximum_minutes=9 * DAY,
        distribution="triangular",
    )
    mapped = risk_input(plan["project"], RunOptions(range=(0.8, 1.0, 1.5), distribution="uniform"))
    estimate = mapped.model.estimates[str(plan["Build"].pk)]
    assert (estimate.minimum, estimate.most_likely, estimate.maximum) == (4 * DAY, 5 * DAY, 9 * DAY)
    assert estimate.distribution == "triangular"
    assert mapped.model.default_range == (0.8, 1.0, 1.5)
    assert mapped.model.default_distribution == "uniform"
    # Build, Test, Docs and ALPHA's Screens and Review vary (the milestone never does); only Build has its
    # own estimate.
    assert mapped.varied(RunOptions(range=(0.8, 1.0, 1.5))) == 5
    assert mapped.varied(RunOptions(range=None)) == 1
    assert mapped.without_estimate == 4


def test_risks_become_events_threats_add_opportunities_subtract(world, plan):
    """Open risks with a probability and impacts are events; an opportunity's impacts are negative; closed
    risks, risks without probability and (with include_risks off) all risks are left out."""
    project = plan["project"]
    risk(project, number=1, tasks=[plan["Test"]], cost_min=100, cost_most_likely=200, cost_max=500)
    risk(project, number=2, kind="opportunity", tasks=[plan["Docs"]], probability_percent=Decimal("25"))
    risk(project, number=3, status="closed", tasks=[plan["Test"]])
    risk(project, number=4, probability_percent=None, tasks=[plan["Test"]])
    # Linked to a milestone only: its schedule impact cannot apply; noted, cost-less so left out.
    risk(project, number=5, tasks=[plan["Go-live"]])
    mapped = risk_input(project, RunOptions())
    events = {e.id: e for e in mapped.model.events}
    assert set(events) == {"R-001", "R-002"}
    threat, chance = events["R-001"], events["R-002"]
    assert threat.probability == 0.5 and threat.tasks == (str(plan["Test"].pk),)
    assert (threat.schedule_impact.minimum, threat.schedule_impact.maximum) == (DAY, 4 * DAY)
    assert threat.cost_impact == (100.0, 200.0, 500.0)
    assert chance.probability == 0.25
    assert (chance.schedule_impact.minimum, chance.schedule_impact.maximum) == (-4 * DAY, -DAY)
    assert any("R-005" in note for note in mapped.notes)
    assert risk_input(project, RunOptions(include_risks=False)).model.events == ()


def test_a_missing_point_of_an_impact_takes_the_most_likely(world, plan):
    """A risk with only a most likely schedule impact becomes a fixed impact (min = ml = max)."""
    risk(plan["project"], tasks=[plan["Test"]], schedule_min_minutes=None, schedule_max_minutes=None)
    (event,) = risk_input(plan["project"], RunOptions()).model.events
    impact = event.schedule_impact
    assert (impact.minimum, impact.most_likely, impact.maximum) == (2 * DAY, 2 * DAY, 2 * DAY)


def test_correlation_groups_map_to_leaf_tasks_once(world, plan):
    """A group becomes a correlation of its leaf tasks; a task already in a group is left out of later
    ones, and a group left with one task is skipped with a note."""
    project = plan["project"]
    CorrelationGroupFactory(
        project=project, name="A team", coefficient="0.60", tasks=[plan["Build"], plan["Test"]]
    )
    CorrelationGroupFactory(
        project=project, name="B team", coefficient="0.40", tasks=[plan["Test"], plan["Go-live"]]
    )
    mapped = risk_input(project, RunOptions())
    (group,) = mapped.model.correlations
    assert group.coefficient == 0.6
    assert set(group.tasks) == {str(plan["Build"].pk), str(plan["Test"].pk)}
    assert any("B team" in note for note in mapped.notes)


def test_task_costs_follow_planned_labour_cost(world, plan):
    """A leaf task's planned labour cost becomes a cost per minute of its duration."""
    from kuroko.people import services as people_services

    build = plan["Build"]
    people_services.rate_card_add(
        actor=world.admin,
        person=world.member.person,
        data={"effective_from": date(2027, 1, 1), "cost_rate": 6000},
    )
    project_services.assignment_set(actor=world.admin, task=build, person=world.member.person)
    cost = risk_input(plan["project"], RunOptions()).model.costs[str(build.pk)]
    # 5 days × 8 h × 6,000 an hour, spread over 2,400 minutes.
    assert cost.per_minute == pytest.approx(5 * 8 * 6000 / (5 * DAY))
    assert cost.fixed == 0


def test_snapshot_round_trip_keeps_the_model_and_levelling(world, plan):
    """What a run stores gives the same engine inputs back, a levelled start included."""
    docs = plan["Docs"]
    Task.objects.filter(pk=docs.pk).update(level_start=timezone.make_aware(datetime(2027, 4, 20, 9)))
    TaskEstimateFactory(task=plan["Build"])
    risk(plan["project"], tasks=[plan["Test"]])
    options = RunOptions(range=None, deadline=date(2027, 4, 30))
    mapped = risk_input(plan["project"], options)
    call = from_snapshot(snapshot(mapped, options))
    assert dict(call.model.estimates) == dict(mapped.model.estimates)
    (event,), (stored,) = mapped.model.events, call.model.events
    assert (stored.id, stored.probability, stored.tasks) == (event.id, event.probability, event.tasks)
    impact = event.schedule_impact
    assert (stored.schedule_impact.minimum, stored.schedule_impact.maximum) == (
        impact.minimum,
        impact.maximum,
    )
    levelled = {t.id: t.level_start for t in call.plan.tasks if t.level_start is not None}
    assert levelled == {str(docs.pk): datetime(2027, 4, 20, 9)}
    assert call.kwargs["deadline"] == datetime(2027, 4, 30, 23, 59)


# --- running ----------------------------------------------------------------------------------------


def test_a_run_is_numbered_snapshotted_and_computed(world, plan, django_capture_on_commit_callbacks):
    """Runs are numbered per project; the snapshot holds the plan, the options and the estimates; the
    background task stores the results with P10 ≤ P50 ≤ P80 ≤ P90 and the deadline's probability."""
    TaskEstimateFactory(
        task=plan["Build"], minimum_minutes=4 * DAY, most_likely_minutes=5 * DAY, maximum_minutes=10 * DAY
    )
    first = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, seed=7, name="Baseline")
    second = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, seed=7)
    assert (first.number, second.number) == (1, 2)
    assert first.status == RunStatus.DONE and first.progress == 100 and first.error == ""
    assert first.started_at and first.finished_at and first.name == "Baseline"
    assert {"plan", "risk_model", "options", "estimates", "labels"} <= set(first.inputs)
    assert first.inputs["options"]["seed"] == 7
    finish = first.results["finish"]
    assert finish["p10"] <= finish["p50"] <= finish["p80"] <= finish["p90"]
    assert finish["p90"] > finish["deterministic"]  # Build can take twice as long
    assert 0 <= finish["probability_deadline"] <= 1
    # Same seed, same inputs: the same forecast.
    assert first.results["finish"] == second.results["finish"]


def test_start_refuses_without_the_right_to_simulate(world, plan):
    """Only who edits the project starts runs: the member and the executive are refused, nothing stored."""
    for user in (world.member, world.executive, world.outsider):
        with pytest.raises(PermissionDenied):
            services.simulation_start(user=user, project=plan["project"], options={})
    assert not SimulationRun.objects.exists()


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"iterations": 99}, "iterations"),  # below the minimum of 100
        ({"iterations": 100_001}, "iterations"),  # above the maximum of 100,000
        ({"iterations": "many"}, "iterations"),  # not a number
        ({"iterations": True}, "iterations"),  # a boolean is not a count
        ({"seed": -1}, "seed"),  # negative seed
        ({"seed": 2**31}, "seed"),  # beyond the stored range
        ({"sampling": "sobol"}, "sampling"),  # unknown sampling
        ({"range": [1.2, 1.0, 1.3]}, "range"),  # factors out of order
        ({"range": [-0.1, 1.0, 1.3]}, "range"),  # negative factor
        ({"range": [0, 0, 0]}, "range"),  # nothing would be left of the durations
        ({"range": [0.9, 1.0]}, "range"),  # two factors instead of three
        ({"range": ["x", 1, 2]}, "range"),  # not a number
        ({"distribution": "normal"}, "distribution"),  # unknown distribution
        ({"deadline": "2027-13-01"}, "deadline"),  # not a date
        ({"deadline": "0999-01-01"}, "deadline"),  # outside 1900–2999
        ({"convergence_minutes": 0}, "convergence_minutes"),  # tolerance must be positive
        ({"name": "x" * 201}, "name"),  # label too long
    ],
)
def test_bad_options_are_refused_naming_the_field(world, plan, options, field):
    """Each bad option is refused with the field named, and no run is stored."""
    with pytest.raises(ValidationError) as caught:
        services.simulation_start(user=world.pm, project=plan["project"], options=options)
    assert field in caught.value.message_dict
    assert not SimulationRun.objects.exists()


def test_a_refused_snapshot_fails_the_run_naming_the_task(world, plan, django_capture_on_commit_callbacks):
    """When the engine refuses the inputs the run is failed with its message, the task named by WBS code
    and name."""
    with django_capture_on_commit_callbacks(execute=False):
        run = services.simulation_start(user=world.pm, project=plan["project"], options={"iterations": 100})
    build = plan["Build"]
    inputs = dict(run.inputs)
    # An estimate out of order, as a hand-edited snapshot could have.
    inputs["risk_model"] = dict(inputs["risk_model"]) | {
        "tasks": [{"id": str(build.pk), "estimate": {"min": "5d", "most_likely": "3d", "max": "8d"}}]
    }
    SimulationRun.objects.filter(pk=run.pk).update(inputs=inputs)
    services.simulation_compute(run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.results is None
    assert f"{build.wbs_code} “Build”" in run.error, run.error


def test_compute_leaves_a_done_or_deleted_run_alone(world, plan, django_capture_on_commit_callbacks):
    """A run already computed is not computed again; a deleted one is simply gone."""
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    finished = run.finished_at
    assert services.simulation_compute(run.pk).finished_at == finished
    services.simulation_delete(user=world.pm, run=run)
    assert services.simulation_compute(run.pk) is None


def test_progress_is_written_while_running(world, plan, django_capture_on_commit_callbacks, monkeypatch):
    """The engine's progress callback updates the run's progress (at most a few times a second)."""
    seen: list[int] = []
    real = services.SimulationRun.objects.filter

    ticks = iter(range(0, 10_000))
    monkeypatch.setattr(services.clock, "perf_counter", lambda: float(next(ticks)))

    def spy(*args: Any, **kwargs: Any) -> Any:
        query = real(*args, **kwargs)
        original = query.update

        def update(**values: Any) -> int:
            if "progress" in values and values.get("status") is None:
                seen.append(values["progress"])
            return original(**values)

        query.update = update  # type: ignore[method-assign]
        return query

    monkeypatch.setattr(services.SimulationRun.objects, "filter", spy)
    run = run_now(
        world.pm, plan["project"], django_capture_on_commit_callbacks, iterations=3000, range=[0.9, 1, 1.4]
    )
    assert run.status == RunStatus.DONE
    assert 33 in seen and 66 in seen  # after the first two of three batches of 1,000


def test_delete_needs_the_right_to_simulate(world, plan, django_capture_on_commit_callbacks):
    """The member may read runs but not delete them."""
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    with pytest.raises(PermissionDenied):
        services.simulation_delete(user=world.member, run=run)
    services.simulation_delete(user=world.pm, run=run)
    assert not SimulationRun.objects.exists()


# --- estimates --------------------------------------------------------------------------------------


def test_estimates_are_saved_changed_and_cleared(world, plan):
    """One call creates, changes and clears estimates; unchanged rows are not counted."""
    build, test = plan["Build"], plan["Test"]
    project = plan["project"]
    assert (
        services.estimates_save(
            user=world.pm,
            project=project,
            rows=[
                EstimateRow(build.pk, 4 * DAY, 5 * DAY, 8 * DAY),
                EstimateRow(test.pk, 2 * DAY, 3 * DAY, 5 * DAY, "triangular"),
            ],
        )
        == 2
    )
    assert (
        services.estimates_save(
            user=world.pm,
            project=project,
            rows=[
                EstimateRow(build.pk, 4 * DAY, 5 * DAY, 8 * DAY),
                EstimateRow(test.pk, None, None, None),
            ],
        )
        == 1
    )
    assert list(TaskEstimate.objects.values_list("task_id", "maximum_minutes")) == [(build.pk, 8 * DAY)]


@pytest.mark.parametrize(
    ("row", "field"),
    [
        ((5, 4, 8), "minimum"),  # optimistic longer than most likely
        ((4, 6, 5), "maximum"),  # pessimistic shorter than most likely
        ((4, None, 8), "most_likely"),  # a point missing
        ((-1, 4, 8), "minimum"),  # negative
    ],
)
def test_a_bad_estimate_names_the_task_and_field_and_saves_nothing(world, plan, row, field):
    """A wrong row is refused naming its task (WBS code and name) and field; the good row is not saved."""
    build, test = plan["Build"], plan["Test"]
    low, likely, high = (None if v is None else v * DAY for v in row)
    with pytest.raises(ValidationError) as caught:
        services.estimates_save(
            user=world.pm,
            project=plan["project"],
            rows=[
                EstimateRow(build.pk, 4 * DAY, 5 * DAY, 8 * DAY),
                EstimateRow(test.pk, low, likely, high),
            ],
        )
    errors = caught.value.message_dict
    assert list(errors) == [f"tasks.{test.pk}.{field}"]
    assert "“Test”" in errors[f"tasks.{test.pk}.{field}"][0]
    assert not TaskEstimate.objects.exists()


def test_estimates_only_for_leaf_tasks_of_the_project(world, plan):
    """A summary task, a milestone and another project's task cannot have an estimate here."""
    for task in (world.summary, plan["Go-live"], world.other_task):
        with pytest.raises(ValidationError) as caught:
            services.estimates_save(
                user=world.pm, project=plan["project"], rows=[EstimateRow(task.pk, 1, 2, 3)]
            )
        assert f"tasks.{task.pk}" in caught.value.message_dict


def test_estimates_need_the_right_to_simulate(world, plan):
    """A team member cannot change estimates."""
    with pytest.raises(PermissionDenied):
        services.estimates_save(
            user=world.member, project=plan["project"], rows=[EstimateRow(plan["Build"].pk, 1, 2, 3)]
        )


def test_a_range_is_applied_to_chosen_or_missing_tasks(world, plan):
    """Factors × the planned duration; "missing" leaves existing estimates alone; clearing removes them."""
    project, build, docs = plan["project"], plan["Build"], plan["Docs"]
    services.estimates_apply_range(
        user=world.pm, project=project, tasks=[build.pk], factors=["0.8", "1", "1.5"]
    )
    estimate = TaskEstimate.objects.get(task=build)
    assert (estimate.minimum_minutes, estimate.most_likely_minutes, estimate.maximum_minutes) == (
        1920,
        2400,
        3600,
    )
    count = services.estimates_apply_range(
        user=world.pm,
        project=project,
        tasks=None,
        factors=[1, 1, 2],
        distribution="uniform",
        only_missing=True,
    )
    assert count == 4  # Test, Docs, and ALPHA's Screens and Review; not Build again
    assert TaskEstimate.objects.get(task=build).maximum_minutes == 3600
    assert TaskEstimate.objects.get(task=docs).distribution == "uniform"
    with pytest.raises(ValidationError):
        services.estimates_apply_range(user=world.pm, project=project, tasks=[build.pk], factors=[2, 1, 3])
    assert services.estimates_clear(user=world.pm, project=project, tasks=[build.pk]) == 1
    assert services.estimates_clear(user=world.pm, project=project, tasks=None) == 4


# --- correlation groups -----------------------------------------------------------------------------


def test_correlation_groups_create_update_delete(world, plan):
    """A group is created with two tasks, renamed and given a third, then deleted."""
    project = plan["project"]
    group = services.correlation_group_create(
        user=world.pm,
        project=project,
        data={
            "name": "Subcontractor A",
            "coefficient": "0.5",
            "tasks": [plan["Build"].pk, plan["Test"].pk],
        },
    )
    services.correlation_group_update(
        user=world.pm,
        group=group,
        data={"name": "Sub A", "tasks": [plan["Build"].pk, plan["Test"].pk, plan["Docs"].pk]},
    )
    group.refresh_from_db()
    assert group.name == "Sub A" and group.coefficient == Decimal("0.50") and group.tasks.count() == 3
    services.correlation_group_delete(user=world.pm, group=group)
    assert not CorrelationGroup.objects.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "", "coefficient": "0.5"}, "name"),  # no name
        ({"name": "A", "coefficient": "1"}, "coefficient"),  # 1 is not below 1
        ({"name": "A", "coefficient": "-0.1"}, "coefficient"),  # negative
        ({"name": "A", "coefficient": "strong"}, "coefficient"),  # not a number
        ({"name": "A", "coefficient": "0.5", "one_task": True}, "tasks"),  # a group needs two tasks
        ({"name": "A", "coefficient": "0.5", "tasks": ["x"]}, "tasks"),  # not a task id
    ],
)
def test_bad_correlation_groups_are_refused(world, plan, data, field):
    """Each bad group is refused naming the field; nothing is stored."""
    data = dict(data)
    if data.pop("one_task", False):
        data["tasks"] = [plan["Build"].pk]
    data.setdefault("tasks", [plan["Build"].pk, plan["Test"].pk])
    with pytest.raises(ValidationError) as caught:
        services.correlation_group_create(user=world.pm, project=plan["project"], data=data)
    assert field in caught.value.message_dict
    assert not CorrelationGroup.objects.exists()


def test_a_task_belongs_to_one_group(world, plan):
    """A second group with a task of the first is refused naming the task."""
    project = plan["project"]
    services.correlation_group_create(
        user=world.pm,
        project=project,
        data={"name": "A", "coefficient": "0.5", "tasks": [plan["Build"].pk, plan["Test"].pk]},
    )
    with pytest.raises(ValidationError) as caught:
        services.correlation_group_create(
            user=world.pm,
            project=project,
            data={"name": "B", "coefficient": "0.5", "tasks": [plan["Test"].pk, plan["Docs"].pk]},
        )
    assert "Test" in caught.value.message_dict["tasks"][0]


# --- results, comparison, risk-adjusted dates -------------------------------------------------------


def test_results_read_for_the_page(world, plan, django_capture_on_commit_callbacks):
    """The results page's view: finish percentiles as dates, the milestone, criticality sorted, the
    sensitivity of varying tasks, the events with their observed occurrence."""
    TaskEstimateFactory(
        task=plan["Build"], minimum_minutes=4 * DAY, most_likely_minutes=5 * DAY, maximum_minutes=12 * DAY
    )
    risk(plan["project"], tasks=[plan["Docs"]], probability_percent=Decimal("100"))
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, range=None)
    result = selectors.results(run)
    assert result.finish.p50 <= result.finish.p80
    assert [m.name for m in result.milestones] == ["Go-live"]
    assert result.criticality[0].name == "Build" and result.criticality[0].value == 1.0
    assert {t.name for t in result.sensitivity} <= {"Build", "Docs"}
    assert result.sensitivity[0].name == "Build"
    (event,) = result.events
    assert event.id == "R-001" and event.occurrence == 1.0
    assert result.varied == 1 and not result.deterministic


def test_compare_two_runs(world, plan, django_capture_on_commit_callbacks):
    """Comparing shows the finish difference in working days and what changed: the estimate, the risk
    added, the option."""
    project = plan["project"]
    a = run_now(world.pm, project, django_capture_on_commit_callbacks, range=None)
    TaskEstimateFactory(
        task=plan["Build"], minimum_minutes=8 * DAY, most_likely_minutes=10 * DAY, maximum_minutes=10 * DAY
    )
    risk(project, tasks=[plan["Test"]])
    b = run_now(world.pm, project, django_capture_on_commit_callbacks, range=None, seed=3)
    c = selectors.compare(world.member, a.pk, b.pk)
    p50 = next(r for r in c.percentiles if r.label == "P50")
    assert p50.change >= 5  # Build takes at least 8 days instead of 5
    assert [r.label for r in c.option_changes] == ["Seed"]
    assert len(c.estimate_changes) == 1 and "Build" in c.estimate_changes[0].label
    assert [r.change for r in c.risk_changes] == ["added"]


def test_compare_refuses_runs_without_results_or_of_two_projects(
    world, plan, django_capture_on_commit_callbacks
):
    """A run still queued, a run of another project, or a missing id is refused with a message."""
    a = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=False):
        queued = services.simulation_start(user=world.pm, project=plan["project"], options={})
    with pytest.raises(ValidationError):
        selectors.compare(world.pm, a.pk, queued.pk)
    with pytest.raises(ValidationError):
        selectors.compare(world.pm, a.pk, "x")
    other = run_now(world.admin, world.other, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        selectors.compare(world.admin, a.pk, other.pk)


def test_latest_forecast_and_portfolio_in_one_query(
    world, plan, django_capture_on_commit_callbacks, django_assert_num_queries
):
    """The project card reads the latest done run; the portfolio reads every project's in one query and
    only those the user may read."""
    run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    second = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, seed=5)
    run_now(world.admin, world.other, django_capture_on_commit_callbacks)
    assert selectors.latest_forecast(world.member, plan["project"]).number == second.number
    with django_assert_num_queries(1):
        found = selectors.portfolio_forecasts(world.admin, ["ALPHA", "BETA", "NONE"])
    assert set(found) == {"ALPHA", "BETA"} and found["ALPHA"].number == 2
    assert found["ALPHA"].p80 == date.fromisoformat(second.results["finish"]["p80"])
    assert set(selectors.portfolio_forecasts(world.member, ["ALPHA", "BETA"])) == {"ALPHA"}
    with pytest.raises(PermissionDenied):
        selectors.latest_forecast(world.outsider, plan["project"])


def test_risk_impacts_on_elapsed_tasks_are_calendar_days_and_never_mixed(world, plan):
    """A risk's schedule impact is entered in working days: on an elapsed-duration task it delays by the
    same number of calendar days (480 working minutes → 1,440 elapsed minutes); a risk linked to both kinds
    keeps its working-time tasks, the note names the elapsed one, and the snapshot reads back."""
    project = plan["project"]
    Task.objects.filter(pk=plan["Docs"].pk).update(duration_elapsed=True)
    risk(project, number=1, tasks=[plan["Docs"]])
    risk(project, number=2, tasks=[plan["Docs"], plan["Build"]])
    mapped = risk_input(project, RunOptions())
    events = {e.id: e for e in mapped.model.events}
    assert events["R-001"].tasks == (str(plan["Docs"].pk),)
    impact = events["R-001"].schedule_impact
    assert (impact.minimum, impact.most_likely, impact.maximum) == (1440, 2880, 5760)
    assert events["R-002"].tasks == (str(plan["Build"].pk),)
    assert events["R-002"].schedule_impact.most_likely == 2 * DAY
    assert any("R-002" in note and "Docs" in note for note in mapped.notes)
    call = from_snapshot(snapshot(mapped, RunOptions()))
    assert {e.id: e.tasks for e in call.model.events} == {e.id: e.tasks for e in mapped.model.events}
