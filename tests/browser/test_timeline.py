"""The portfolio timeline in Chromium: bars, phases, milestones, a cross-project arrow (broken in red),
tooltips, zoom, the phases toggle, filters and the click through to a project's Gantt."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_timeline(site: Site, query: str = "") -> Page:
    page = site.goto(f"/timeline/{query}")
    page.wait_for_function("window.kurokoTimeline && window.kurokoTimeline.ready")
    return page


@pytest.fixture
def plan(world):
    """Alpha and Beta from 2026-04-06, each with a phase and a milestone; Alpha's Review → Beta work,
    then Review made longer, so Beta (not rescheduled) starts before Review finishes: a broken link."""
    from kuroko.projects import services
    from kuroko.projects.models import Task

    admin = world.admin
    for project in (world.project, world.other):
        services.project_update(
            actor=admin, project=project, data={"planned_start": date(2026, 4, 6)}, expected_version=None
        )
    services.dependency_create(actor=admin, predecessor=world.owned_task, successor=world.plain_task)
    services.task_create(actor=admin, project=world.project, data={"name": "Done", "kind": "milestone"})
    build = services.task_create(actor=admin, project=world.other, data={"name": "Build"})
    services.task_create(
        actor=admin, project=world.other, parent=build, data={"name": "Code", "duration_minutes": 960}
    )
    services.task_create(actor=admin, project=world.other, data={"name": "Launch", "kind": "milestone"})
    services.dependency_create(actor=admin, predecessor=world.plain_task, successor=world.other_task)
    review = Task.objects.get(pk=world.plain_task.pk)
    services.task_update(
        actor=admin, task=review, data={"duration_minutes": 10 * 480}, expected_version=review.version
    )
    return world


def test_timeline_draws_projects_phases_milestones_and_a_broken_link(site: Site, plan) -> None:
    """Two project bars under their program, phases, diamonds, and the broken cross-project arrow in red."""
    site.login(plan.pmo)
    page = open_timeline(site, "?zoom=month")
    expect(page.locator(".tl-group")).to_have_text(re.compile("Core"))
    expect(page.locator(".tl-label")).to_have_count(2)
    expect(page.locator(".tl-project .tl-bar")).to_have_count(2)
    expect(page.locator(".tl-phase")).to_have_count(2)  # Alpha's Design, Beta's Build
    expect(page.locator(".tl-ms")).to_have_count(2)
    expect(page.locator(".tl-link")).to_have_count(1)
    expect(page.locator(".tl-link.broken")).to_have_count(1)
    expect(page.locator("[data-tl=summary]")).to_contain_text("1 broken")
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.tl-link .line')).stroke")
        == "rgb(185, 28, 28)"
    )

    # Tooltips: a project bar, then the arrow (hovered at its start, where the predecessor finishes).
    page.locator(".tl-label", has_text="Alpha").hover()
    page.locator(".tl-project").first.hover()
    expect(page.locator(".tl-tip")).to_contain_text("Overall RAG")
    expect(page.locator(".tl-label.hl")).to_contain_text("Alpha")  # its name lights up
    box = page.locator(".tl-link .end").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(page.locator(".tl-tip")).to_contain_text("ALPHA 1.2 Review")
    expect(page.locator(".tl-tip")).to_contain_text("Broken")


def test_zoom_phases_toggle_filters_and_click_through(site: Site, plan) -> None:
    """Zoom changes the scale and the address; phases hide; a filter redraws; a bar opens the Gantt."""
    site.login(plan.pmo)
    page = open_timeline(site)
    bar = page.locator(".tl-project .tl-bar").first
    quarter = bar.bounding_box()
    page.select_option("[data-tl=zoom]", "month")
    expect(page).to_have_url(re.compile(r"zoom=month"))
    month = page.locator(".tl-project .tl-bar").first.bounding_box()
    assert quarter is not None and month is not None
    assert month["width"] > 2.5 * quarter["width"]
    expect(page.locator(".tl-head-chart .g-bottom").first).to_have_text(re.compile(r"^[A-Z][a-z]{2} 20\d\d$"))

    page.uncheck("[data-tl=phases]")
    expect(page.locator(".tl-phase")).to_have_count(0)
    expect(page.locator(".tl-ms")).to_have_count(0)
    expect(page.locator("[data-tl=svg]")).to_have_attribute("href", re.compile(r"phases=0"))
    expect(page.locator(".tl-link")).to_have_count(1)  # links stay, on the project bars
    page.reload()
    page.wait_for_function("window.kurokoTimeline && window.kurokoTimeline.ready")
    expect(page.locator("[data-tl=phases]")).not_to_be_checked()
    expect(page.locator("[data-tl=zoom]")).to_have_value("month")

    # A filter swaps the results; the chart is drawn again with the new data and keeps its zoom.
    page.fill("#id_q", "beta")
    expect(page.locator(".tl-label")).to_have_count(1)
    expect(page.locator(".tl-label")).to_contain_text("Beta")
    expect(page.locator(".tl-link")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=beta.*zoom=month|zoom=month.*q=beta"))

    page.click(".tl-project .tl-bar")
    expect(page).to_have_url(re.compile(r"/projects/BETA/gantt/$"))
    page.wait_for_function("window.kurokoGantt && window.kurokoGantt.ready")


def test_top_navigation_and_portfolio_link_to_the_timeline(site: Site, plan) -> None:
    """The timeline is one click from the top bar and from the portfolio page (keeping its filters)."""
    site.login(plan.member)
    page = site.goto("/?q=alpha")
    page.locator(".page-head a", has_text="Timeline").click()
    expect(page).to_have_url(re.compile(r"/timeline/\?q=alpha$"))
    page.wait_for_function("window.kurokoTimeline && window.kurokoTimeline.ready")
    expect(page.locator(".mainnav a[aria-current=page]")).to_have_text("Timeline")
    expect(page.locator(".tl-label")).to_have_count(1)  # the member sees Alpha only


@pytest.fixture
def big_portfolio(world):
    """500 more projects in 10 programs, each with 4 phases and 4 milestones, and 250 cross-project links
    (rows written directly: what is measured is reading and drawing them)."""
    from datetime import datetime, timedelta

    from django.utils import timezone

    from kuroko.projects.models import Dependency, Program, Project, Task, TaskKind

    programs = Program.objects.bulk_create(Program(code=f"BIG{n}", name=f"Program {n}") for n in range(10))
    base = timezone.make_aware(datetime(2026, 1, 5, 9))
    projects = Project.objects.bulk_create(
        Project(
            code=f"BIG-{n:03}",
            name=f"Big project {n}",
            program=programs[n % 10],
            status="active",
            rag_overall=("green", "amber", "red", "")[n % 4],
            percent_complete=n % 100,
            scheduled_start=base + timedelta(days=n % 200),
            scheduled_finish=base + timedelta(days=n % 200 + 240),
        )
        for n in range(500)
    )
    tasks = []
    for project in projects:
        start = project.scheduled_start
        for k in range(4):
            phase_start = start + timedelta(days=60 * k)
            tasks.append(Task(project=project, name=f"Phase {k + 1}", kind=TaskKind.SUMMARY, outline_level=1,
                              row=2 * k, wbs_code=str(k + 1), start=phase_start,
                              finish=phase_start + timedelta(days=59)))  # fmt: skip
            tasks.append(Task(project=project, name=f"Gate {k + 1}", kind=TaskKind.MILESTONE, outline_level=2,
                              row=2 * k + 1, wbs_code=f"{k + 1}.1", start=phase_start + timedelta(days=59),
                              finish=phase_start + timedelta(days=59)))  # fmt: skip
    Task.objects.bulk_create(tasks, batch_size=1000)
    gates = list(
        Task.objects.filter(kind=TaskKind.MILESTONE, project__code__startswith="BIG-").order_by("pk")
    )
    phases = list(Task.objects.filter(kind=TaskKind.SUMMARY, project__code__startswith="BIG-").order_by("pk"))
    Dependency.objects.bulk_create(
        Dependency(predecessor=gates[8 * n], successor=phases[4 * (2 * n + 1) + 2]) for n in range(250)
    )
    return projects


def test_five_hundred_projects_open(site: Site, world, big_portfolio) -> None:
    """500 projects with 4,000 phases and milestones and 250 links open and draw every row; the time to
    the drawn chart is written to build/timeline-timings.json (printed, not asserted)."""
    import json
    from pathlib import Path

    site.login(world.pmo)
    page = site.page
    page.goto(site.url("/timeline/"))
    page.wait_for_function("window.kurokoTimeline && window.kurokoTimeline.ready", timeout=30_000)
    ready = page.evaluate(
        "(() => { const nav = performance.getEntriesByType('navigation')[0];"
        " const ready = performance.getEntriesByName('timeline-ready')[0];"
        " return {response_end_ms: nav.responseEnd, ready_ms: ready.startTime}; })()"
    )
    expect(page.locator(".tl-label")).to_have_count(502)
    expect(page.locator(".tl-link")).to_have_count(250)
    started = page.evaluate("performance.now()")
    page.select_option("[data-tl=zoom]", "month")
    redraw_ms = page.evaluate("performance.now()") - started
    figures = {"projects": 502, **ready, "zoom_redraw_ms": redraw_ms}
    out = Path(__file__).resolve().parents[2] / "build" / "timeline-timings.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))
