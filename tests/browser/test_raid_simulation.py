"""Schedule risk analysis in a real browser: the PM estimates, runs, reads the results with their charts
and compares two runs."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.raid.models import RunStatus, SimulationRun, TaskEstimate
from tests.browser.conftest import Site
from tests.raid.test_simulation import plan  # noqa: F401 - the fixture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_estimate_run_read_and_compare(site: Site, world, plan) -> None:  # noqa: F811
    """Estimates saved per row (an error shown in its row), two runs, their results and the comparison."""
    build, test = plan["Build"], plan["Test"]
    site.login(world.pm)
    page = site.goto("/projects/ALPHA/simulation/estimates/")
    row = page.locator(f"#estimate-{build.pk}")
    row.locator(f"[name=opt-{build.pk}]").fill("4d")
    row.locator(f"[name=ml-{build.pk}]").fill("5d")
    row.locator(f"[name=pes-{build.pk}]").fill("2w")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#estimate-{build.pk}")).to_contain_text("Saved")
    assert TaskEstimate.objects.get(task=build).maximum_minutes == 10 * 480
    row = page.locator(f"#estimate-{test.pk}")
    row.locator(f"[name=opt-{test.pk}]").fill("2d")
    row.locator(f"[name=ml-{test.pk}]").fill("3d")
    row.locator(f"[name=pes-{test.pk}]").fill("1d")
    row.get_by_role("button", name="Save").click()
    expect(page.locator(f"#estimate-{test.pk}")).to_contain_text("the pessimistic duration is shorter")
    assert not TaskEstimate.objects.filter(task=test).exists()
    page.locator(f"[name=pes-{test.pk}]").fill("6d")
    page.get_by_role("button", name="Save all rows of this page").click()
    expect(page.locator(".msg-success")).to_contain_text("Estimates saved (1 changed)")
    site.screenshot("simulation-estimates.png")

    page = site.goto("/projects/ALPHA/simulation/")
    expect(page.locator("#count-estimated")).to_have_text("2 / 5")
    page.locator("#id_iterations").fill("1000")
    page.locator("#id_name").fill("Before the review")
    page.get_by_role("button", name="Run simulation").click()
    expect(page.locator("[data-status]")).to_have_text("Done")
    expect(page.locator("#finish-p80")).not_to_have_text("—")
    expect(page.locator("#chart-finish svg")).to_be_visible(timeout=15_000)
    expect(page.locator("#chart-tornado svg")).to_be_visible()
    expect(page.locator("#criticality-table")).to_contain_text("Build")
    site.screenshot("simulation-results.png")
    first = SimulationRun.objects.get()
    assert first.status == RunStatus.DONE and first.name == "Before the review"

    page = site.goto("/projects/ALPHA/simulation/")
    page.locator("#id_seed").fill("2")
    page.locator("#id_use_range").uncheck()
    expect(page.locator("#no-range-warning")).to_be_visible()
    page.get_by_role("button", name="Run simulation").click()
    expect(page.locator("[data-status]")).to_have_text("Done")

    page = site.goto("/projects/ALPHA/simulation/")
    expect(page.locator("#compare-button")).to_be_disabled()
    page.locator(".compare-pick").nth(0).check()
    page.locator(".compare-pick").nth(1).check()
    page.locator("#compare-button").click()
    expect(page.locator("#compare-percentiles")).to_contain_text("P80")
    expect(page.locator("#changed-options")).to_contain_text("Seed")
    expect(page.locator("#changed-options")).to_contain_text("Range for tasks without an estimate")
    expect(page.locator("#chart-compare svg")).to_be_visible(timeout=15_000)
    site.screenshot("simulation-compare.png")

    # The project page shows the risk-adjusted finish of the latest run.
    page = site.goto("/projects/ALPHA/")
    expect(page.locator("#forecast-card")).to_contain_text("run #2")
    page = site.goto("/")
    expect(page.locator('td[data-forecast="ALPHA"] a')).to_be_visible()
