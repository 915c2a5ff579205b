"""The S-curve the dashboard and the status report draw is the EVM page's: the same spec, with amounts
labelled in the unit the earned value is measured in (hours, not a currency, for a project in hours)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from kuroko.engine.evm import Unit
from kuroko.projects import services as project_services
from kuroko.projects.models import Project
from kuroko.reporting.documents import project_sections
from kuroko.reporting.selectors.dashboard_charts import s_curve_chart
from kuroko.reporting.services import status
from kuroko.reporting.weeks import week_start
from kuroko.tracking.selectors import evm as evm_selectors

# Three weeks ago, so that a report of the week after the start covers a week that has begun.
MONDAY = week_start(date.today()) - timedelta(days=21)


@pytest.fixture
def in_hours(world, monkeypatch):
    """A project with a task of 5 days and baseline 0, whose earned value is measured in hours (no cost
    rates): every reader of `project_evm` gets hours."""
    project = project_services.project_create(
        actor=world.admin,
        data={"code": "HRS", "name": "In hours", "manager": world.pm.person, "status": "active",
              "planned_start": MONDAY},
    )  # fmt: skip
    task = project_services.task_create(
        actor=world.admin, project=project, data={"name": "Build", "duration_minutes": 5 * 480}
    )
    project_services.baseline_capture(actor=world.admin, project=project, number=0)
    task.refresh_from_db()
    project_services.task_update(
        actor=world.admin, task=task, data={"percent_complete": 40}, expected_version=task.version
    )
    measured = evm_selectors.project_evm

    def in_hours(user, project, **options):
        return measured(user, project, **(options | {"unit": Unit.HOURS}))

    monkeypatch.setattr(evm_selectors, "project_evm", in_hours)
    return Project.objects.get(pk=project.pk)


def amount_titles(spec: dict) -> set[str]:
    """The titles the S-curve gives its amounts (the y axis and the tooltip's value)."""
    encoding = spec["layer"][0]["encoding"]
    return {encoding["y"]["title"], *(t["title"] for t in encoding["tooltip"] if t["field"] == "value")}


def test_dashboard_s_curve_of_a_project_in_hours_is_labelled_in_hours(world, in_hours):
    """The dashboard's S-curve labels amounts "hours", as the EVM page does, not the currency."""
    chart = s_curve_chart(world.admin, in_hours)
    assert chart is not None
    assert amount_titles(chart.spec) == {"hours"}


def test_report_s_curve_of_a_project_in_hours_is_labelled_in_hours(world, in_hours):
    """The status report's S-curve (printed in its exports) labels amounts "hours", not the currency."""
    report = status.report_get_or_draft(project=in_hours, week=MONDAY + timedelta(days=7), actor=world.admin)
    [section] = project_sections(report, sections=["charts"], user=world.admin)
    [curve] = [b for b in section.blocks if getattr(b, "spec", None) is not None]
    assert amount_titles(curve.spec) == {"hours"}
