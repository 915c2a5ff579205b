"""Schedule risk pages: the runs and the run form, estimates (whole page and per row with htmx),
correlation groups, a run's progress and results, comparing runs, the project card and the portfolio's P80."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from kuroko.raid.models import CorrelationGroup, RunStatus, SimulationRun, TaskEstimate
from kuroko.raid.services import simulation as services
from tests.conftest import signed_in
from tests.factories import TaskEstimateFactory
from tests.raid.test_simulation import DAY, plan, risk, run_now  # noqa: F401 - the fixture

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_simulation_page_lists_runs_and_counts_inputs(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """The page counts estimates and quantified risks, warns that nothing varies, lists runs with P50/P80."""
    project = plan["project"]
    client = signed_in(world.pm)
    html = client.get("/projects/ALPHA/simulation/").content.decode()
    assert 'id="count-estimated">0 / 5<' in html
    assert "the result is deterministic" in html
    assert 'id="run-form"' in html and 'value="2027-04-30"' in html  # the deadline: the planned finish
    TaskEstimateFactory(task=plan["Build"])
    risk(project, tasks=[plan["Test"]])
    run = run_now(world.pm, project, django_capture_on_commit_callbacks)
    html = client.get("/projects/ALPHA/simulation/").content.decode()
    assert 'id="count-estimated">1 / 5<' in html and 'id="count-risks">1<' in html
    assert "the result is deterministic" not in html
    assert f'href="/simulation/{run.pk}/"' in html
    p80 = date.fromisoformat(run.results["finish"]["p80"])
    assert p80.isoformat() in html  # dates read YYYY-MM-DD across the app


def test_the_member_reads_but_gets_no_run_form(world, plan):  # noqa: F811
    """A team member sees the runs but not the form; posting is refused."""
    client = signed_in(world.member)
    html = client.get("/projects/ALPHA/simulation/").content.decode()
    assert 'id="run-form"' not in html
    assert client.post("/projects/ALPHA/simulation/run/", {"iterations": "500"}).status_code == 403
    assert not SimulationRun.objects.exists()


def test_running_from_the_form(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """Posting the form starts a run with its options and redirects to it; bad input is shown (422)."""
    client = signed_in(world.pm)
    form = {
        "name": "First",
        "iterations": "500",
        "seed": "42",
        "sampling": "random",
        "distribution": "triangular",
        "deadline": "2027-05-07",
        "use_range": "on",
        "range_min": "0.9",
        "range_most_likely": "1",
        "range_max": "1.4",
        "include_risks": "on",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/projects/ALPHA/simulation/run/", form)
    run = SimulationRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/simulation/{run.pk}/"
    assert (run.name, run.iterations, run.seed, run.sampling) == ("First", 500, 42, "random")
    assert run.range_max == Decimal("1.40") and run.deadline == date(2027, 5, 7)
    assert run.status == RunStatus.DONE
    response = client.post("/projects/ALPHA/simulation/run/", form | {"iterations": "50", "range_min": "2"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "from 100 to 100,000" in html and "optimistic ≤ most likely ≤ pessimistic" in html
    assert 'value="50"' in html  # what was typed is kept
    assert SimulationRun.objects.count() == 1


def test_estimates_page_saves_the_whole_page(world, plan):  # noqa: F811
    """Typed durations (8d, 4h, 2w) are saved for the page's rows in one go; rows not posted stay."""
    build, test = plan["Build"], plan["Test"]
    client = signed_in(world.pm)
    html = client.get("/projects/ALPHA/simulation/estimates/").content.decode()
    assert f'name="ml-{build.pk}"' in html and "Go-live" not in html  # milestones have no estimate
    response = client.post(
        "/projects/ALPHA/simulation/estimates/",
        {
            f"opt-{build.pk}": "4d",
            f"ml-{build.pk}": "5d",
            f"pes-{build.pk}": "2w",
            f"dist-{build.pk}": "triangular",
            f"opt-{test.pk}": "20h",
            f"ml-{test.pk}": "3d",
            f"pes-{test.pk}": "5d",
            f"dist-{test.pk}": "pert",
        },
    )
    assert response.status_code == 302
    estimates = {e.task_id: e for e in TaskEstimate.objects.all()}
    assert (estimates[build.pk].maximum_minutes, estimates[build.pk].distribution) == (10 * DAY, "triangular")
    assert estimates[test.pk].minimum_minutes == 20 * 60
    html = client.get("/projects/ALPHA/simulation/estimates/").content.decode()
    assert 'value="2w"' not in html and 'value="10d"' in html  # shown as the task form shows durations


def test_estimates_page_shows_every_error_in_its_row_and_saves_nothing(world, plan):  # noqa: F811
    """A bad duration and an out-of-order estimate are both shown in their rows (422); nothing saved."""
    build, test = plan["Build"], plan["Test"]
    client = signed_in(world.pm)
    response = client.post(
        "/projects/ALPHA/simulation/estimates/",
        {
            f"opt-{build.pk}": "4x",
            f"ml-{build.pk}": "5d",
            f"pes-{build.pk}": "8d",
            f"opt-{test.pk}": "4d",
            f"ml-{test.pk}": "3d",
            f"pes-{test.pk}": "5d",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "the optimistic duration “4x” is not a duration" in html
    assert "the optimistic duration is longer than the most likely one" in html
    assert 'value="4x"' in html
    assert not TaskEstimate.objects.exists()


def test_estimate_row_saved_with_htmx(world, plan):  # noqa: F811
    """One row is saved by htmx and comes back as the row; a bad row comes back with its error (422)."""
    build = plan["Build"]
    client = signed_in(world.pm)
    url = f"/projects/ALPHA/simulation/estimates/{build.pk}/"
    response = client.post(
        url, {f"opt-{build.pk}": "1w", f"ml-{build.pk}": "6d", f"pes-{build.pk}": "9d"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<tr") and "Saved" in html
    assert TaskEstimate.objects.get(task=build).most_likely_minutes == 6 * DAY
    response = client.post(
        url, {f"opt-{build.pk}": "1w", f"ml-{build.pk}": "6d", f"pes-{build.pk}": "5d"}, **HTMX
    )
    assert response.status_code == 422
    assert "the pessimistic duration is shorter than the most likely one" in response.content.decode()
    assert TaskEstimate.objects.get(task=build).maximum_minutes == 9 * DAY
    # An elapsed unit for a task that takes working time.
    response = client.post(
        url, {f"opt-{build.pk}": "1ed", f"ml-{build.pk}": "6d", f"pes-{build.pk}": "9d"}, **HTMX
    )
    assert response.status_code == 422 and "working units" in response.content.decode()
    assert (
        client.post(f"/projects/ALPHA/simulation/estimates/{plan['Go-live'].pk}/", {}, **HTMX).status_code
        == 404
    )


def test_bulk_range_and_clear(world, plan):  # noqa: F811
    """Apply a range to the ticked tasks, then to every task without an estimate, then clear the ticked."""
    build, test = plan["Build"], plan["Test"]
    client = signed_in(world.pm)
    url = "/projects/ALPHA/simulation/estimates/bulk/"
    factors = {
        "factor_min": "0.5",
        "factor_most_likely": "1",
        "factor_max": "2",
        "range_distribution": "uniform",
    }
    client.post(url, {"action": "range", "scope": "selected", "select": [build.pk]} | factors)
    assert TaskEstimate.objects.get(task=build).maximum_minutes == 10 * DAY
    response = client.post(url, {"action": "range", "scope": "selected"} | factors)
    assert response.status_code == 302  # nothing ticked: a message, nothing changed
    assert TaskEstimate.objects.count() == 1
    client.post(url, {"action": "range", "scope": "missing"} | factors | {"factor_max": "3"})
    assert TaskEstimate.objects.count() == 5
    assert TaskEstimate.objects.get(task=build).maximum_minutes == 10 * DAY
    assert TaskEstimate.objects.get(task=test).maximum_minutes == 9 * DAY
    client.post(url, {"action": "clear", "scope": "selected", "select": [build.pk, test.pk]})
    assert TaskEstimate.objects.count() == 3


def test_correlation_groups_page(world, plan):  # noqa: F811
    """Add a group, see the error of a bad one (422), edit it, delete it."""
    build, test, docs = plan["Build"], plan["Test"], plan["Docs"]
    client = signed_in(world.pm)
    url = "/projects/ALPHA/simulation/correlations/"
    response = client.post(url, {"name": "Sub A", "coefficient": "0.6", "tasks": [build.pk, test.pk]})
    assert response.status_code == 302
    group = CorrelationGroup.objects.get()
    response = client.post(url, {"name": "Sub B", "coefficient": "1.2", "tasks": [docs.pk]})
    assert response.status_code == 422
    html = response.content.decode()
    assert "from 0 to 0.99" in html and "at least two tasks" in html
    client.post(
        f"/simulation/correlations/{group.pk}/",
        {"name": "Sub A2", "coefficient": "0.3", "tasks": [build.pk, docs.pk]},
    )
    group.refresh_from_db()
    assert group.name == "Sub A2" and set(group.tasks.all()) == {build, docs}
    html = client.get(url).content.decode()
    assert "Sub A2" in html and "Docs" in html
    client.post(f"/simulation/correlations/{group.pk}/delete/")
    assert not CorrelationGroup.objects.exists()


def test_run_page_polls_while_computing_then_shows_results(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """A queued run polls its progress; when done the poll asks for a refresh and the page shows the
    percentiles, the charts and the inputs."""
    TaskEstimateFactory(
        task=plan["Build"], minimum_minutes=4 * DAY, most_likely_minutes=5 * DAY, maximum_minutes=9 * DAY
    )
    risk(plan["project"], tasks=[plan["Test"]], cost_min=100, cost_most_likely=200, cost_max=300)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = services.simulation_start(user=world.pm, project=plan["project"], options={"iterations": 500})
    client = signed_in(world.member)
    html = client.get(f"/simulation/{run.pk}/").content.decode()
    assert 'id="simulation-progress"' in html and "every 1s" in html
    poll = client.get(f"/simulation/{run.pk}/?poll=1", **HTMX)
    assert poll.status_code == 200 and "Waiting for a worker" in poll.content.decode()
    for callback in callbacks:
        callback()
    poll = client.get(f"/simulation/{run.pk}/?poll=1", **HTMX)
    assert poll.status_code == 204 and poll["HX-Refresh"] == "true"
    html = client.get(f"/simulation/{run.pk}/").content.decode()
    run.refresh_from_db()
    p80 = date.fromisoformat(run.results["finish"]["p80"])
    assert f'id="finish-p80">{p80.isoformat()}<' in html
    for chart in ("spec-finish", "spec-cost", "spec-tornado", "spec-criticality"):
        assert f'id="{chart}"' in html
    assert 'id="simulation-milestones"' in html and "Go-live" in html
    assert "R-001 Risk 1" in html
    assert 'id="simulation-progress"' not in html
    assert "/charts/vega.js" in html


def test_failed_run_shows_its_error(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """A failed run's page shows why."""
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    SimulationRun.objects.filter(pk=run.pk).update(
        status=RunStatus.FAILED, error="Task 1.2 “Build”: refused."
    )
    html = signed_in(world.pm).get(f"/simulation/{run.pk}/").content.decode()
    assert 'id="simulation-error"' in html and "Task 1.2 “Build”: refused." in html


def test_criticality_shows_top_twenty_then_all(world, django_capture_on_commit_callbacks):
    """With more than 20 tasks the table shows 20 and a button loads the rest as a fragment."""
    from kuroko.projects import services as project_services

    for n in range(25):
        project_services.task_create(
            actor=world.admin, project=world.project, data={"name": f"Parallel {n}", "duration_minutes": DAY}
        )
    run = run_now(world.pm, world.project, django_capture_on_commit_callbacks)
    client = signed_in(world.pm)
    html = client.get(f"/simulation/{run.pk}/").content.decode()
    table = html.split('id="criticality-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 21  # the header and 20 tasks
    assert 'id="criticality-all"' in html
    fragment = client.get(f"/simulation/{run.pk}/?all=1", **HTMX).content.decode()
    assert fragment.count("<tr>") == 28 and 'id="criticality-all"' not in fragment


def test_delete_a_run(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """The PM deletes a run; the member cannot."""
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    assert signed_in(world.member).post(f"/simulation/{run.pk}/delete/").status_code == 403
    response = signed_in(world.pm).post(f"/simulation/{run.pk}/delete/")
    assert response.status_code == 302 and response["Location"] == "/projects/ALPHA/simulation/"
    assert not SimulationRun.objects.exists()


def test_compare_page(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """Two runs side by side with the difference, the overlay chart and what changed; bad ids → 422."""
    a = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, range=None)
    TaskEstimateFactory(
        task=plan["Build"], minimum_minutes=7 * DAY, most_likely_minutes=7 * DAY, maximum_minutes=7 * DAY
    )
    b = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks, range=None)
    client = signed_in(world.member)
    html = client.get(f"/simulation/compare/?a={a.pk}&b={b.pk}").content.decode()
    assert 'id="compare-percentiles"' in html and "+2" in html  # Build two days longer
    assert 'id="spec-compare"' in html and 'id="changed-estimates"' in html and "Build" in html
    response = client.get(f"/simulation/compare/?a={a.pk}&b=nothing")
    assert response.status_code == 422 and "Choose two runs" in response.content.decode()


def test_project_card_and_portfolio_column(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """The project page loads the card; the portfolio loads the P80 of its projects in one fragment."""
    client = signed_in(world.member)
    assert 'hx-get="/projects/ALPHA/forecast-card/"' in client.get("/projects/ALPHA/").content.decode()
    assert "No simulation yet." in client.get("/projects/ALPHA/forecast-card/").content.decode()
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    card = client.get("/projects/ALPHA/forecast-card/").content.decode()
    p80 = date.fromisoformat(run.results["finish"]["p80"])
    assert f'id="forecast-p80">{p80.isoformat()}<' in card and "run #1" in card
    portfolio = client.get("/").content.decode()
    assert 'hx-get="/portfolio/forecasts/?code=ALPHA"' in portfolio and 'data-forecast="ALPHA"' in portfolio
    fragment = client.get("/portfolio/forecasts/?code=ALPHA&code=BETA").content.decode()
    assert 'data-forecast-for="ALPHA"' in fragment and "BETA" not in fragment  # the member cannot read BETA


def test_japanese_pages(world, plan, django_capture_on_commit_callbacks):  # noqa: F811
    """The pages render in Japanese (dates YYYY-MM-DD as everywhere)."""
    run = run_now(world.pm, plan["project"], django_capture_on_commit_callbacks)
    client = signed_in(world.pm)
    client.cookies["django_language"] = "ja"
    html = client.get(f"/simulation/{run.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "プロジェクト完了" in html or "完了" in html
    p80 = date.fromisoformat(run.results["finish"]["p80"])
    assert p80.isoformat() in html
    assert (
        "スケジュールリスク"
        in client.get("/projects/ALPHA/simulation/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    )


def test_results_page_of_a_large_project_is_truncated(world, django_capture_on_commit_callbacks):
    """A 2,000-task result shows 20 tasks in the criticality table (its render time is printed, not
    asserted: speed is never asserted in a unit test)."""
    from kuroko.projects.models import Task

    Task.objects.bulk_create(
        Task(project=world.project, name=f"T{n}", duration_minutes=DAY, row=10 + n, wbs_code=str(10 + n))
        for n in range(2000)
    )
    run = run_now(world.pm, world.project, django_capture_on_commit_callbacks, iterations=1000)
    client = signed_in(world.pm)
    client.get(f"/simulation/{run.pk}/")
    start = time.perf_counter()
    response = client.get(f"/simulation/{run.pk}/")
    print(f"results page of {len(run.results['criticality'])} tasks: {time.perf_counter() - start:.3f} s")
    table = response.content.decode().split('id="criticality-table"')[1].split("</table>")[0]
    assert table.count("<tr>") == 21
