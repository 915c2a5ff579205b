"""The Gantt chart in Chromium: drawing, editing by drag with undo, keyboard, and a 10,000-task plan.

The large-plan test records how long the chart takes to open and how smooth scrolling is, and writes
the figures to build/gantt-timings.json (bench/bench_gantt.py prints them against the targets); it
asserts what must hold whatever the machine: rows are virtualised and the last task can be reached.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
DAY_PX = 36  # the "Days" zoom of gantt.js


def open_gantt(site: Site, code: str, zoom: str = "day") -> Page:
    page = site.goto(f"/projects/{code}/gantt/?zoom={zoom}")
    page.wait_for_function("window.kurokoGantt && window.kurokoGantt.ready")
    return page


def wait_saved(page: Page, text: str) -> None:
    expect(page.locator("[data-gantt=status]")).to_contain_text(text)


@pytest.fixture
def plan(world):
    """Alpha: Design ▸ Screens (5d) → Review (2d), and a milestone after them."""
    from kuroko.projects import services

    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 4, 6)},
        expected_version=None,
    )
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    done = services.task_create(
        actor=world.admin, project=world.project, data={"name": "Done", "kind": "milestone"}
    )
    services.dependency_create(actor=world.admin, predecessor=world.plain_task, successor=done)
    return world, done


def test_gantt_draws_bars_links_and_critical_path(site: Site, plan) -> None:
    """Bars for each task, a diamond for the milestone, arrows for links, critical tasks in red."""
    world, _done = plan
    site.login(world.pm)
    page = open_gantt(site, "ALPHA")
    expect(page.locator(".g-row")).to_have_count(4)
    expect(page.locator(".g-bar.g-sum")).to_have_count(1)
    expect(page.locator(".g-bar.g-ms")).to_have_count(1)
    expect(page.locator(".g-links path[data-l]")).to_have_count(2)
    expect(page.locator(".g-bar.crit")).to_have_count(4)  # the chain, the milestone and their summary
    expect(page.locator(".g-row", has_text="Screens").locator(".c-start")).to_have_text("2026-04-06")
    expect(page.locator(".g-row", has_text="Screens").locator(".c-finish")).to_have_text("2026-04-10")
    # Tooltip with dates and float.
    page.locator(".g-row", has_text="Review").locator(".g-bar").hover()
    expect(page.locator(".g-tip")).to_contain_text("Total float")
    # Collapse the summary: its subtasks disappear; expand brings them back.
    page.locator(".g-row", has_text="Design").locator(".g-toggle").click()
    expect(page.locator(".g-row")).to_have_count(2)
    page.click("[data-gantt=expand]")
    expect(page.locator(".g-row")).to_have_count(4)


def drag(page: Page, locator, dx: float, *, from_right: float | None = None) -> None:
    box = locator.bounding_box()
    assert box is not None
    x = box["x"] + (box["width"] - from_right if from_right is not None else box["width"] / 2)
    y = box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 6):
        page.mouse.move(x + dx * step / 5, y)
    page.mouse.up()


def test_drag_moves_resizes_links_and_undo_restores(site: Site, plan) -> None:
    """Drag a bar two days later (SNET), undo it, stretch a bar by a day, link two bars by the dot."""
    from kuroko.projects.models import Dependency, Task

    world, done = plan
    site.login(world.pm)
    page = open_gantt(site, "ALPHA")
    review_row = page.locator(".g-row", has_text="Review")
    expect(review_row.locator(".c-start")).to_have_text("2026-04-13")

    drag(page, review_row.locator(".g-bar"), 2 * DAY_PX)
    wait_saved(page, "starts no earlier than 2026-04-15")
    expect(page.locator(".g-row", has_text="Review").locator(".c-start")).to_have_text("2026-04-15")
    review = Task.objects.get(pk=world.plain_task.pk)
    assert review.constraint_type == "SNET"
    assert timezone.localtime(review.constraint_date).date() == date(2026, 4, 15)

    page.click("[data-gantt=undo]")
    wait_saved(page, "back as it was")
    expect(page.locator(".g-row", has_text="Review").locator(".c-start")).to_have_text("2026-04-13")
    assert Task.objects.get(pk=world.plain_task.pk).constraint_type == "ASAP"
    expect(page.locator("[data-gantt=undo]")).to_be_disabled()

    screens_bar = page.locator(".g-row", has_text="Screens").locator(".g-bar")
    drag(page, screens_bar, DAY_PX, from_right=2)
    wait_saved(page, "now finishes on 2026-04-13")
    assert Task.objects.get(pk=world.owned_task.pk).duration_minutes == 6 * 480
    # Ctrl+Z undoes too.
    page.locator("#gantt").focus()
    page.keyboard.press("Control+z")
    wait_saved(page, "back as it was")
    assert Task.objects.get(pk=world.owned_task.pk).duration_minutes == 5 * 480

    # Link Screens → Done by dragging the dot at the end of Screens onto the milestone.
    screens_bar = page.locator(".g-row", has_text="Screens").locator(".g-bar")
    screens_bar.hover()
    dot = screens_bar.locator(".g-dot")
    target = page.locator(".g-row", has_text="Done").locator(".g-bar")
    dot_box, target_box = dot.bounding_box(), target.bounding_box()
    assert dot_box and target_box
    page.mouse.move(dot_box["x"] + 4, dot_box["y"] + 4)
    page.mouse.down()
    page.mouse.move(target_box["x"] + 7, target_box["y"] + 7, steps=6)
    page.mouse.up()
    wait_saved(page, "Linked “Screens” → “Done”")
    assert Dependency.objects.filter(predecessor=world.owned_task, successor=done).exists()
    expect(page.locator(".g-links path[data-l]")).to_have_count(3)


def test_bad_edit_is_refused_with_a_message_and_nothing_changes(site: Site, plan) -> None:
    """Linking a task to its own predecessor's predecessor would make a cycle: refused, named."""
    from kuroko.projects.models import Dependency

    world, _done = plan
    site.login(world.pm)
    page = open_gantt(site, "ALPHA")
    before = Dependency.objects.count()
    done_bar = page.locator(".g-row", has_text="Done").locator(".g-bar")
    done_bar.hover()
    dot_box = done_bar.locator(".g-dot").bounding_box()
    target_box = page.locator(".g-row", has_text="Screens").locator(".g-bar").bounding_box()
    assert dot_box and target_box
    page.mouse.move(dot_box["x"] + 4, dot_box["y"] + 4)
    page.mouse.down()
    page.mouse.move(target_box["x"] + 20, target_box["y"] + 6, steps=6)
    page.mouse.up()
    expect(page.locator("[data-gantt=status].error")).to_contain_text("Screens")
    assert Dependency.objects.count() == before


def test_keyboard_navigation_and_team_member_cannot_drag(site: Site, plan) -> None:
    """Arrow keys select rows, ← collapses a summary; a team member sees no drag handles."""
    world, _done = plan
    site.login(world.pm)
    page = open_gantt(site, "ALPHA")
    page.locator(".g-row", has_text="Design").locator(".c-name").click()
    page.locator("#gantt").focus()
    page.keyboard.press("ArrowDown")
    expect(page.locator(".g-row.sel")).to_contain_text("Screens")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    expect(page.locator(".g-row")).to_have_count(2)
    page.keyboard.press("ArrowRight")
    expect(page.locator(".g-row")).to_have_count(4)

    site.login(world.member)
    page = open_gantt(site, "ALPHA")
    expect(page.locator(".g-h")).to_have_count(0)
    expect(page.locator("[data-gantt=undo]")).to_have_count(0)


@pytest.fixture
def big_project(transactional_db):
    """One project of 10,000 tasks (phases, work packages, chains of links), scheduled."""
    from kuroko.demo.generator import build_synthetic
    from kuroko.projects.models import Project
    from kuroko.projects.services.schedule import project_reschedule

    build_synthetic(projects=1, tasks_per_project=10_000, people=20, seed=91, today=date(2026, 4, 1))
    project = Project.objects.get(code="S91-P00001")
    project_reschedule(project, today=date(2026, 4, 1))
    return project


SCROLL_SCRIPT = """async (pixels) => {
  const scroller = document.querySelector('.g-scroll');
  scroller.scrollTop = 0;
  await new Promise(r => requestAnimationFrame(r));
  const frames = [];
  let last = performance.now();
  for (let i = 0; i < 300; i++) {
    scroller.scrollTop += pixels;
    await new Promise(r => requestAnimationFrame(r));
    const now = performance.now();
    frames.push(now - last);
    last = now;
  }
  frames.sort((a, b) => a - b);
  return {pixels_per_frame: pixels, frames: frames.length, p50_ms: frames[Math.floor(frames.length * 0.5)],
          p95_ms: frames[Math.floor(frames.length * 0.95)], max_ms: frames[frames.length - 1],
          rows_in_dom: document.querySelectorAll('.g-row').length};
}"""


def test_ten_thousand_tasks_open_and_scroll(site: Site, world, big_project) -> None:
    """A 10,000-task plan opens with only the rows in view in the DOM and scrolls to its last task.
    Records the opening time and frame times to build/gantt-timings.json."""
    site.login(world.admin)
    page = site.page
    page.goto(site.url(f"/projects/{big_project.code}/gantt/"))
    page.wait_for_function("window.kurokoGantt && window.kurokoGantt.ready", timeout=30_000)
    opened = page.evaluate(
        "(() => { const nav = performance.getEntriesByType('navigation')[0];"
        " const ready = performance.getEntriesByName('gantt-ready')[0];"
        " return {ready_ms: ready.startTime, response_end_ms: nav.responseEnd,"
        " ...window.kurokoGantt.timings}; })()"
    )
    assert page.locator(".g-row").count() < 200, "rows are not virtualised"
    # A mouse wheel moves about 100 px a notch; a fling on a touchpad several hundred per frame.
    scroll = page.evaluate(SCROLL_SCRIPT, 100)
    fling = page.evaluate(SCROLL_SCRIPT, 650)
    assert scroll["rows_in_dom"] < 200 and fling["rows_in_dom"] < 200
    page.evaluate("document.querySelector('.g-scroll').scrollTop = 1e9")
    expect(page.locator(".g-row").last).to_contain_text("")
    last_name = big_project.tasks.order_by("-row").values_list("name", flat=True).first()
    expect(page.locator(".g-row", has_text=last_name).first).to_be_visible()
    figures = {"tasks": 10_000, "open": opened, "scroll": scroll, "fling": fling}
    out = REPO / "build" / "gantt-timings.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(figures, indent=2))
    print(json.dumps(figures))


def test_driving_path_is_highlighted(site: Site, plan) -> None:
    """Select the milestone and press P: Screens, Review and Done are outlined; Escape clears it."""
    world, _done = plan
    site.login(world.member)  # reading is enough
    page = open_gantt(site, "ALPHA")
    page.locator(".g-row", has_text="Done").locator(".c-name").click()
    page.locator("#gantt").focus()
    page.keyboard.press("p")
    expect(page.locator(".g-bar.path")).to_have_count(3)
    expect(page.locator("[data-gantt=status]")).to_contain_text("1.1 → 1.2 → 2")
    page.keyboard.press("Escape")
    expect(page.locator(".g-bar.path")).to_have_count(0)
