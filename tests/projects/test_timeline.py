"""The portfolio timeline: its data (visibility, grouping, phases, milestones, cross-project links and the
broken-link flag, constant query count), the page, the printable SVG and the API."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from kuroko.projects import selectors, services
from kuroko.projects.models import Task
from kuroko.projects.selectors import ProjectFilter
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 1)


@pytest.fixture
def plan(world):
    """Alpha from 2026-04-06: Design ▸ Screens (5d) → Review (2d), milestone Done. Beta from 2026-04-06:
    Beta work (3d), Build ▸ Code (2d), milestone Launch; Alpha's Review → Beta work (FS) across projects."""
    admin = world.admin
    for project in (world.project, world.other):
        services.project_update(
            actor=admin, project=project, data={"planned_start": date(2026, 4, 6)}, expected_version=None
        )
    services.dependency_create(actor=admin, predecessor=world.owned_task, successor=world.plain_task)
    done = services.task_create(
        actor=admin, project=world.project, data={"name": "Done", "kind": "milestone"}
    )
    services.dependency_create(actor=admin, predecessor=world.plain_task, successor=done)
    build = services.task_create(actor=admin, project=world.other, data={"name": "Build"})
    services.task_create(
        actor=admin, project=world.other, parent=build, data={"name": "Code", "duration_minutes": 960}
    )
    work = Task.objects.get(pk=world.other_task.pk)
    services.task_update(
        actor=admin, task=work, data={"duration_minutes": 3 * 480}, expected_version=work.version
    )
    launch = services.task_create(
        actor=admin, project=world.other, data={"name": "Launch", "kind": "milestone"}
    )
    link = services.dependency_create(actor=admin, predecessor=world.plain_task, successor=work)
    return {"world": world, "done": done, "build": build, "launch": launch, "link": link}


def rows(data: dict, key: str) -> list[dict]:
    """The compact rows of `key` ("projects", "tasks", "links") as dicts by field name."""
    fields = data[{"projects": "project_fields", "tasks": "task_fields", "links": "link_fields"}[key]]
    return [dict(zip(fields, row, strict=True)) for row in data[key]]


def at(data: dict, minutes: int) -> datetime:
    return datetime.fromisoformat(data["origin"]) + timedelta(minutes=minutes)


def test_projects_phases_milestones_and_the_cross_project_link(plan):
    """Each visible project with its span; level-1 summaries as phases, milestones; the link between them."""
    world = plan["world"]
    data = selectors.portfolio_timeline(world.admin, ProjectFilter(), today=TODAY)
    projects = {p["code"]: p for p in rows(data, "projects")}
    assert set(projects) == {"ALPHA", "BETA"}
    alpha = projects["ALPHA"]
    assert at(data, alpha["start"]).date() == date(2026, 4, 6)
    assert at(data, alpha["finish"]).date() == date(2026, 4, 14)  # Review ends on the 14th
    assert data["programs"] == [["PG1", "Core"]]
    assert alpha["program"] == 0
    tasks = rows(data, "tasks")
    names = {(data["projects"][t["project"]][1], t["kind"], t["name"]) for t in tasks}
    assert ("ALPHA", "phase", "Design") in names
    assert ("ALPHA", "milestone", "Done") in names
    assert ("BETA", "milestone", "Launch") in names
    assert not any(t["name"] in ("Screens", "Review") for t in tasks)  # only level-1 summaries
    [link] = rows(data, "links")
    index = {p[1]: i for i, p in enumerate(data["projects"])}
    assert (link["from_project"], link["to_project"]) == (index["ALPHA"], index["BETA"])
    assert link["type"] == "FS"
    assert link["from_task"] == "ALPHA 1.2 Review"
    assert link["to_task"].startswith("BETA ") and link["to_task"].endswith("Beta work")
    # Beta was scheduled after Alpha's Review: the link holds.
    assert link["to"] >= link["from"]
    assert link["broken"] == 0


def test_links_inside_one_project_are_not_listed(plan):
    """Only links between two different projects are drawn on the timeline."""
    data = selectors.portfolio_timeline(plan["world"].admin, ProjectFilter(), today=TODAY)
    assert len(data["links"]) == 1


def test_a_slipped_predecessor_breaks_the_link(plan):
    """When the predecessor's project moves later, the successor (not rescheduled) starts too early."""
    world = plan["world"]
    review = Task.objects.get(pk=world.plain_task.pk)
    services.task_update(
        actor=world.admin, task=review, data={"duration_minutes": 10 * 480}, expected_version=review.version
    )
    data = selectors.portfolio_timeline(world.admin, ProjectFilter(), today=TODAY)
    [link] = rows(data, "links")
    assert link["to"] < link["from"]
    assert link["broken"] == 1


def test_critical_when_both_tasks_are_critical(plan):
    """A link is critical when both its tasks are critical."""
    world = plan["world"]
    data = selectors.portfolio_timeline(world.admin, ProjectFilter(), today=TODAY)
    [link] = rows(data, "links")
    review = Task.objects.get(pk=world.plain_task.pk)
    work = Task.objects.get(pk=world.other_task.pk)
    assert link["critical"] == int(review.critical and work.critical)
    Task.objects.filter(pk__in=[review.pk, work.pk]).update(critical=True)
    [link] = rows(selectors.portfolio_timeline(world.admin, ProjectFilter(), today=TODAY), "links")
    assert link["critical"] == 1


@pytest.mark.parametrize(
    ("role", "codes", "links"),
    [
        ("admin", {"ALPHA", "BETA"}, 1),
        ("pmo", {"ALPHA", "BETA"}, 1),
        ("executive", {"ALPHA", "BETA"}, 1),
        ("pm", {"ALPHA"}, 0),  # manages Alpha only: the link into Beta is not shown
        ("member", {"ALPHA"}, 0),
        ("outsider", set(), 0),
    ],
)
def test_visibility_per_role(plan, role, codes, links):
    """Each role sees the projects it may read, and only links between two of them."""
    world = plan["world"]
    data = selectors.portfolio_timeline(world.user(role), ProjectFilter(), today=TODAY)
    assert {p["code"] for p in rows(data, "projects")} == codes
    assert len(data["links"]) == links
    shown = {data["projects"][t["project"]][1] for t in rows(data, "tasks")}
    assert shown <= codes


def test_portfolio_filters_apply(plan, portfolio):
    """The portfolio's filters (program, status, text) choose the projects, as on the portfolio page."""
    world = plan["world"]
    growth = selectors.portfolio_timeline(world.admin, ProjectFilter(program="PG7"), today=TODAY)
    assert {p["code"] for p in rows(growth, "projects")} == {"P-01", "P-02", "P-04"}
    assert growth["programs"] == [["PG7", "Growth"]]
    active = selectors.portfolio_timeline(world.admin, ProjectFilter(status=["on_hold"]), today=TODAY)
    assert {p["code"] for p in rows(active, "projects")} == {"P-05"}
    one = selectors.portfolio_timeline(world.admin, ProjectFilter(q="alpha"), today=TODAY)
    assert {p["code"] for p in rows(one, "projects")} == {"ALPHA"}
    assert one["links"] == []  # Beta is filtered out, so is the link into it


def test_grouped_by_program_in_code_order_projects_without_one_last(plan, portfolio):
    """Programs in code order; within one, the filter's sort; projects without a program at the end."""
    from tests.factories import ProjectFactory

    world = plan["world"]
    ProjectFactory(code="A-LONE", name="Alone", program=None)
    data = selectors.portfolio_timeline(world.admin, ProjectFilter(sort="-code"), today=TODAY)
    assert [code for code, _name in data["programs"]] == ["PG1", "PG7"]
    codes = [p[1] for p in data["projects"]]
    assert codes == ["P-05", "P-03", "BETA", "ALPHA", "P-04", "P-02", "P-01", "A-LONE"]
    assert data["projects"][-1][data["project_fields"].index("program")] == -1


def test_unscheduled_projects_have_no_span(world):
    """A project without a schedule or planned dates is listed, without a bar."""
    from tests.factories import ProjectFactory

    ProjectFactory(code="EMPTY", name="Empty", program=None)
    data = selectors.portfolio_timeline(world.admin, ProjectFilter(q="empty"), today=TODAY)
    [empty] = rows(data, "projects")
    assert (empty["start"], empty["finish"]) == (None, None)
    assert data["programs"] == [] and empty["program"] == -1


def test_query_count_does_not_grow_with_projects(plan, django_assert_num_queries):
    """Three queries for the timeline whether it holds two projects or twenty, with their tasks and links."""
    world = plan["world"]
    admin = world.admin
    with django_assert_num_queries(3):
        selectors.portfolio_timeline(admin, ProjectFilter(), today=TODAY)
    previous = None
    for n in range(18):
        project = services.project_create(
            actor=admin,
            data={
                "code": f"X-{n:02}",
                "name": f"Extra {n}",
                "program": world.project.program,
                "status": "active",
            },
        )
        phase = services.task_create(actor=admin, project=project, data={"name": "Phase"})
        task = services.task_create(
            actor=admin, project=project, parent=phase, data={"name": "Work", "duration_minutes": 480}
        )
        services.task_create(actor=admin, project=project, data={"name": "Gate", "kind": "milestone"})
        if previous is not None:
            services.dependency_create(actor=admin, predecessor=previous, successor=task)
        previous = task
    with django_assert_num_queries(3):
        data = selectors.portfolio_timeline(admin, ProjectFilter(), today=TODAY)
    assert len(data["projects"]) == 20
    assert len(data["links"]) == 18
    # A team member's visibility rules add no queries per project either.
    member = world.member
    member.refresh_from_db()
    with django_assert_num_queries(4):  # + the member's person, read once to decide visibility
        selectors.portfolio_timeline(member, ProjectFilter(), today=TODAY)


# --- Page, printable SVG, API ----------------------------------------------------------------------


def test_page_embeds_the_data_and_the_words(plan):
    """The page carries the data and translated labels as JSON, a link to the SVG and the summary line."""
    client = signed_in(plan["world"].pmo)
    response = client.get("/timeline/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="timeline-data"' in html and 'id="timeline-labels"' in html
    assert "projects/timeline.js" in html
    assert "2 projects" in html and "1 cross-project link" in html
    assert 'href="/timeline.svg"' in html
    assert response.context["timeline"]["projects"][0][1] == "ALPHA"


def test_page_keeps_filters_in_its_links_and_htmx_gets_the_results_only(plan):
    """Filters narrow the data and follow into the SVG link; an htmx request gets the #results partial."""
    client = signed_in(plan["world"].pmo)
    response = client.get("/timeline/?q=alpha&zoom=year")
    html = response.content.decode()
    assert 'href="/timeline.svg?q=alpha"' in html
    assert [p[1] for p in response.context["timeline"]["projects"]] == ["ALPHA"]
    partial = client.get("/timeline/?q=alpha", headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="results">')
    assert "<html" not in partial


def test_empty_timeline_says_so(world):
    """With no project to show, the page says that no project matches."""
    html = signed_in(world.outsider).get("/timeline/").content.decode()
    assert "No projects match these filters." in html
    assert 'id="timeline-data"' not in html


def test_printable_svg(plan):
    """/timeline.svg draws every project, its phases and the cross-project arrow."""
    client = signed_in(plan["world"].pmo)
    response = client.get("/timeline.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<svg") and "ALPHA" in svg and "BETA" in svg and "Core" in svg
    assert "marker-end" in svg
    assert svg.count('<path d="M') >= 2  # milestones
    plain = client.get("/timeline.svg?phases=0").content.decode()
    assert plain.count('height="6"') == 0 and svg.count('height="6"') >= 1


def test_api_returns_the_selector_data(plan):
    """GET /api/v1/portfolio/timeline returns the same data as the page, with the same filters."""
    world = plan["world"]
    client = signed_in(world.pmo)
    body = client.get("/api/v1/portfolio/timeline").json()
    expected = selectors.portfolio_timeline(world.pmo, ProjectFilter(), today=timezone.localdate())
    assert body["projects"] == expected["projects"]
    assert body["links"] == expected["links"]
    assert body["link_fields"][7] == "broken"
    filtered = client.get("/api/v1/portfolio/timeline?q=beta").json()
    assert [p[1] for p in filtered["projects"]] == ["BETA"]
    assert client.get("/api/v1/portfolio/timeline?rag=purple").status_code == 422
