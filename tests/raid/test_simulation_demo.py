"""The demo's schedule risk data: estimates skewed on development and testing, a correlation group and a
finished run per active project."""

from __future__ import annotations

import time
from datetime import date
from unittest import mock

import pytest

from kuroko.demo import raid_simulation
from kuroko.demo.generator import build_demo
from kuroko.projects.models import Project, Status
from kuroko.raid.models import CorrelationGroup, RunStatus, SimulationRun, TaskEstimate

TODAY = date(2026, 6, 15)


@pytest.mark.django_db(transaction=True)
def test_demo_has_estimates_groups_and_a_finished_run_per_active_project() -> None:
    """Every active project gets estimates on its remaining tasks, a correlation group and a done run;
    development and testing tasks have the wider pessimistic side. The step's time is printed."""
    timed: list[float] = []
    real = raid_simulation.build

    def build(**kwargs):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return real(**kwargs)
        finally:
            timed.append(time.perf_counter() - start)

    with mock.patch.object(raid_simulation, "build", build):
        build_demo(seed=2026, today=TODAY)
    print(f"demo schedule risk step: {timed[0]:.1f} s")
    active = list(Project.objects.filter(status=Status.ACTIVE))
    assert active
    for project in active:
        runs = SimulationRun.objects.filter(project=project)
        assert [r.status for r in runs] == [RunStatus.DONE], project.code
        run = runs.get()
        assert run.results["iterations"] == raid_simulation.ITERATIONS
        assert run.results["finish"]["p80"] >= run.results["finish"]["p50"]
        assert CorrelationGroup.objects.filter(project=project).count() == 1
    skews = {"development": [], "other": []}
    for estimate in TaskEstimate.objects.select_related("task"):
        kind = raid_simulation._kind(estimate.task.name)
        ratio = estimate.maximum_minutes / estimate.most_likely_minutes
        skews["development" if kind != "other" else "other"].append(ratio)
        assert estimate.minimum_minutes < estimate.most_likely_minutes < estimate.maximum_minutes
    assert min(skews["development"]) >= 1.29 and max(skews["other"]) <= 1.31
