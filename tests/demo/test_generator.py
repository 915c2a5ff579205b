"""The demo organisation and the synthetic data generator.

Tests that need an empty database come first; the ones that read a shared demo build (the module
fixture `demo`, kept for the rest of the module and rolled back at its end) come after them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.db import transaction
from django.db.models import F

from kuroko.core.models import Organisation, Role, User
from kuroko.demo.generator import (
    DEMO_PASSWORD,
    DemoSummary,
    SeedSummary,
    build_demo,
    build_synthetic,
    demo_logins,
    has_data,
)
from kuroko.engine.graph import find_cycle
from kuroko.people.models import EmploymentType, Person, Team
from kuroko.projects.models import Dependency, Program, Project, ProjectMember, ProjectRole, Status, Task
from kuroko.projects.services import renumber
from kuroko.tracking.models import AttendanceDay, TimeEntry, TimesheetApproval

TODAY = date(2026, 6, 15)  # a Monday
DIMENSIONS = ("overall", "schedule", "cost", "scope", "quality", "risk")


# --- helpers ------------------------------------------------------------------------------------


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Everything generated, keyed by natural keys (codes, e-mails, WBS codes) instead of primary keys."""
    tasks = Task.objects.all()
    wbs: dict[int | None, tuple[str, str]] = {
        t.pk: (t.project.code, t.wbs_code) for t in tasks.select_related("project")
    }
    email: dict[int | None, str] = dict(Person.objects.values_list("pk", "email"))
    return {
        "teams": sorted(Team.objects.values_list("code", "name", "parent__code")),
        "people": sorted(
            Person.objects.values_list(
                "email",
                "family_name",
                "given_name",
                "family_name_kana",
                "given_name_kana",
                "team__code",
                "employment_type",
                "is_active",
                "user__username",
            )
        ),
        "users": sorted(User.objects.values_list("username", "role", "is_staff", "is_superuser", "email")),
        "programs": sorted(Program.objects.values_list("code", "name", "description")),
        "projects": sorted(
            tuple(email.get(v, v) if k in ("manager", "sponsor") else v for k, v in row.items())
            for row in Project.objects.values(
                "code",
                "name",
                "description",
                "program__code",
                "manager",
                "sponsor",
                "status",
                "priority",
                "planned_start",
                "planned_finish",
                "budget",
                "percent_complete",
                *(f"rag_{d}" for d in DIMENSIONS),
                *(f"rag_{d}_reason" for d in DIMENSIONS),
            )
        ),
        "members": sorted(
            (m.project.code, email[m.person_id], m.role)
            for m in ProjectMember.objects.select_related("project")
        ),
        "tasks": sorted(
            (
                wbs[t.pk],
                wbs.get(t.parent_id),
                t.position,
                t.outline_level,
                t.row,
                t.kind,
                t.name,
                t.duration_minutes,
                t.planned_start,
                t.planned_finish,
                t.percent_complete,
                email.get(t.owner_id),
                t.notes,
            )
            for t in tasks
        ),
        "dependencies": sorted(
            (wbs[d.predecessor_id], wbs[d.successor_id], d.type, d.lag_minutes)
            for d in Dependency.objects.all()
        ),
        "time_entries": sorted(
            (
                email[e.person_id],
                e.date,
                wbs.get(e.task_id, ("", "")),
                e.category,
                e.minutes,
                e.cost,
                e.comment,
            )
            for e in TimeEntry.objects.all()
        ),
        "attendance": sorted(
            (email[a.person_id], a.date, a.clock_in, a.clock_out, a.break_minutes, a.worked_minutes, a.leave)
            for a in AttendanceDay.objects.all()
        ),
        "timesheets": sorted(
            (
                email[a.timesheet.person_id],
                a.timesheet.week_start,
                a.timesheet.status,
                a.project.code,
                a.status,
            )
            for a in TimesheetApproval.objects.select_related("timesheet", "project")
        ),
    }


def in_rollback(build: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Run `build`, dump the database and undo everything."""
    with transaction.atomic():
        build()
        data = dump()
        transaction.set_rollback(True)
    return data


def derived_snapshot(project: Project) -> list[tuple[Any, ...]]:
    return list(
        Task.objects.filter(project=project)
        .order_by("pk")
        .values_list(
            "pk",
            "parent_id",
            "position",
            "wbs_code",
            "outline_level",
            "row",
            "kind",
            "percent_complete",
            "planned_start",
            "planned_finish",
            "duration_minutes",
        )
    )


def assert_links_hold(links: Any) -> None:
    """Planned dates (as generated) keep the links: FS successors start after their predecessor finishes
    (milestones on the same day); SS and FF successors do not start or finish before their predecessor."""
    for link in links.select_related("predecessor", "successor"):
        pred, succ = link.predecessor, link.successor
        if link.type == "FS":
            if succ.kind == "milestone":
                assert succ.planned_start >= pred.planned_finish, link
            else:
                assert succ.planned_start > pred.planned_finish, link
        elif link.type == "SS":
            assert succ.planned_start >= pred.planned_start, link
        elif link.type == "FF":
            assert succ.planned_finish >= pred.planned_finish, link


def assert_schedule_keeps_links(links: Any) -> None:
    """The stored schedule keeps every link: FS successors start when or after their predecessor
    finishes, SS successors do not start before it starts, FF successors do not finish before it
    finishes (scheduled instants: work resumed after the status date may end mid-day)."""
    for link in links.select_related("predecessor", "successor"):
        pred, succ = link.predecessor, link.successor
        if link.type == "FS":
            assert succ.start >= pred.finish, link
        elif link.type == "SS":
            assert succ.start >= pred.start, link
        elif link.type == "FF":
            assert succ.finish >= pred.finish, link


# --- on an empty database -----------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_build_is_deterministic() -> None:
    """Two builds with the same seed and day give exactly the same data."""
    first = in_rollback(lambda: build_demo(seed=2026, today=TODAY))
    second = in_rollback(lambda: build_demo(seed=2026, today=TODAY))
    assert first == second
    assert len(first["tasks"]) > 1000
    assert len(first["time_entries"]) > 5000 and first["attendance"] and first["timesheets"]


@pytest.mark.django_db
def test_synthetic_gives_exactly_the_requested_counts() -> None:
    """build_synthetic creates exactly the requested projects, tasks per project and people."""
    done: list[int] = []
    summary = build_synthetic(
        projects=5, tasks_per_project=20, people=30, seed=7, progress=done.append, today=TODAY
    )
    assert isinstance(summary, SeedSummary)
    assert (summary.projects, summary.tasks, summary.people) == (5, 100, 30)
    assert Project.objects.filter(code__startswith="S7-").count() == 5
    assert Person.objects.filter(email__endswith="@s7.synthetic.example").count() == 30
    assert Program.objects.filter(code__startswith="S7-").count() == 1
    assert done[-1] == 5
    for project in Project.objects.all():
        assert project.tasks.count() == 20
        assert project.tasks.filter(kind="milestone").exists()
        assert max(project.tasks.values_list("outline_level", flat=True)) == 3
        assert project.members.filter(role=ProjectRole.PROJECT_MANAGER, person=project.manager).exists()
        before = derived_snapshot(project)
        renumber(project)
        assert derived_snapshot(project) == before
    assert_links_hold(Dependency.objects.all())
    assert Dependency.objects.filter(type="FS").count() == summary.dependencies


@pytest.mark.django_db
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 26, 61])
def test_synthetic_handles_any_project_size(size: int) -> None:
    """Small and odd task counts still give exactly that many tasks with consistent derived fields."""
    build_synthetic(projects=2, tasks_per_project=size, people=3, seed=size, today=TODAY)
    for project in Project.objects.all():
        assert project.tasks.count() == size
        before = derived_snapshot(project)
        renumber(project)
        assert derived_snapshot(project) == before
    assert_links_hold(Dependency.objects.all())


@pytest.mark.django_db
def test_synthetic_large_project_stays_a_few_years_long() -> None:
    """A project of 1,500 tasks runs work in parallel lanes instead of lasting decades."""
    build_synthetic(projects=1, tasks_per_project=1500, people=40, seed=5, today=TODAY)
    project = Project.objects.get()
    assert project.tasks.count() == 1500
    assert project.planned_start is not None and project.planned_finish is not None
    assert (project.planned_finish - project.planned_start).days < 4 * 365


@pytest.mark.django_db
def test_synthetic_is_deterministic() -> None:
    """Two synthetic builds with the same arguments give exactly the same data."""

    def build() -> None:
        build_synthetic(projects=4, tasks_per_project=30, people=25, seed=11, today=TODAY)

    assert in_rollback(build) == in_rollback(build)


@pytest.mark.django_db
def test_synthetic_refuses_to_build_the_same_seed_twice() -> None:
    """A second build with the same seed is refused instead of colliding on codes."""
    build_synthetic(projects=1, tasks_per_project=5, people=2, seed=3, today=TODAY)
    with pytest.raises(ValueError, match="seed 3"):
        build_synthetic(projects=1, tasks_per_project=5, people=2, seed=3, today=TODAY)


# --- on the shared demo build -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: Any) -> Iterator[DemoSummary]:
    """The demo built once for the tests below, rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        summary = build_demo(seed=2026, today=TODAY)
        yield summary
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_demo_counts_are_in_range(demo: DemoSummary) -> None:
    """3 programs, about 12 projects of 50–300 tasks each, about 60 people in a three-level hierarchy."""
    assert Program.objects.count() == demo.programs == 3
    assert 10 <= Project.objects.count() == demo.projects <= 14
    for project in Project.objects.all():
        assert 50 <= project.tasks.count() <= 300, project.code
    assert Task.objects.count() == demo.tasks
    assert Dependency.objects.count() == demo.dependencies
    assert 55 <= Person.objects.count() == demo.people <= 70
    assert {t.code for t in Team.objects.filter(parent__parent__isnull=False)}  # division → dept → team
    assert set(Person.objects.values_list("employment_type", flat=True)) == set(EmploymentType.values)
    assert Person.objects.filter(is_active=False).exists()
    assert {p.status for p in Project.objects.all()} == set(Status.values)
    org = Organisation.current()
    assert (org.currency, org.fiscal_year_start_month, org.holiday_country) == ("JPY", 4, "JP")
    assert str(demo).startswith("3 programs, 12 projects, 1,")


@pytest.mark.django_db
def test_every_rag_colour_is_set_and_explained(demo: DemoSummary) -> None:
    """All six RAG dimensions are set on every project; every amber or red has a reason."""
    for project in Project.objects.all():
        for key, _label, colour, reason in project.rags():
            assert colour in ("green", "amber", "red"), (project.code, key)
            assert bool(reason) == (colour != "green"), (project.code, key)
        assert project.sponsor is not None and project.manager is not None
        assert project.members.filter(person=project.manager, role=ProjectRole.PROJECT_MANAGER).exists()


@pytest.mark.django_db
def test_task_owners_are_project_members(demo: DemoSummary) -> None:
    """Every task is owned by a member of its project, and every leaf task has an owner."""
    members = set(ProjectMember.objects.values_list("project_id", "person_id"))
    for project_id, owner_id, kind in Task.objects.values_list("project_id", "owner_id", "kind"):
        if kind != "summary":
            assert owner_id is not None
        if owner_id is not None:
            assert (project_id, owner_id) in members


@pytest.mark.django_db
def test_every_role_has_a_login(demo: DemoSummary) -> None:
    """Each demo login exists with its role and authenticates with the demo password."""
    logins = dict(demo_logins())
    assert set(logins) == {"admin", "pmo", "pm", "member", "exec"}
    roles = {
        "admin": Role.PMO_ADMIN,
        "pmo": Role.PMO_MEMBER,
        "pm": Role.PROJECT_MANAGER,
        "member": Role.TEAM_MEMBER,
        "exec": Role.EXECUTIVE,
    }
    for username, role in roles.items():
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert user.role == role and logins[username] == str(role.label)
        assert Person.objects.filter(user=user).exists(), username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser


@pytest.mark.django_db
def test_pm_manages_projects_and_member_owns_tasks(demo: DemoSummary) -> None:
    """The pm login manages at least two projects; the member login is on projects and owns tasks."""
    pm = Person.objects.get(user__username="pm")
    assert Project.objects.filter(manager=pm).count() >= 2
    member = Person.objects.get(user__username="member")
    projects = Project.objects.filter(members__person=member)
    assert projects.count() >= 2
    for project in projects:
        assert project.tasks.filter(owner=member).count() >= 3
    executive = Person.objects.get(user__username="exec")
    assert Project.objects.filter(sponsor=executive).exists()


@pytest.mark.django_db
def test_derived_wbs_fields_equal_renumber(demo: DemoSummary) -> None:
    """renumber changes nothing: WBS codes, levels, rows, kinds, roll-ups and % complete are right."""
    for project in Project.objects.all():
        before = derived_snapshot(project)
        percent = project.percent_complete
        renumber(project)
        assert derived_snapshot(project) == before, project.code
        assert Project.objects.get(pk=project.pk).percent_complete == percent


@pytest.mark.django_db
def test_dependencies_are_acyclic_and_respected(demo: DemoSummary) -> None:
    """No cycles; planned dates satisfy every FS/SS/FF link; cross-project links stay in a program."""
    edges = list(Dependency.objects.values_list("predecessor_id", "successor_id"))
    assert find_cycle(edges) is None
    assert_schedule_keeps_links(Dependency.objects.all())
    assert {"FS", "SS", "FF"} <= set(Dependency.objects.values_list("type", flat=True))
    assert Dependency.objects.exclude(lag_minutes=0).exists()
    cross = Dependency.objects.exclude(predecessor__project=F("successor__project"))
    assert cross.count() >= 3
    for link in cross.select_related("predecessor__project", "successor__project"):
        assert link.predecessor.project.program_id == link.successor.project.program_id


@pytest.mark.django_db
def test_dates_and_progress_fit_the_day(demo: DemoSummary) -> None:
    """Dates fall on weekdays; nothing that starts after today has progress; closed projects are done."""
    for task in Task.objects.exclude(kind="summary"):
        assert task.planned_start is not None and task.planned_finish is not None, task
        assert task.planned_start.weekday() < 5 and task.planned_finish.weekday() < 5, task
        if task.planned_start > TODAY:
            assert task.percent_complete == 0, task
        if task.kind == "milestone":
            assert task.duration_minutes == 0 and task.planned_start == task.planned_finish
    for project in Project.objects.all():
        assert project.planned_start is not None and project.planned_finish is not None
        if project.status == Status.CLOSED:
            assert project.percent_complete == 100 and project.planned_finish < TODAY, project.code
        elif project.status == Status.PROPOSED:
            assert project.percent_complete == 0 and project.planned_start > TODAY, project.code
        elif project.status == Status.ACTIVE:
            assert project.planned_start <= TODAY <= project.planned_finish, project.code


@pytest.mark.django_db
def test_demo_has_japanese_and_english_content(demo: DemoSummary) -> None:
    """Projects mix Japanese and English task names; people have kana readings and unique e-mails."""
    names = list(Task.objects.filter(kind="milestone").values_list("name", flat=True))
    assert "基本設計完了" in names and "Basic design complete" in names
    assert Task.objects.filter(name__startswith="Sprint").exists()
    assert Task.objects.filter(name__contains="月次報告").exists()
    people = list(Person.objects.all())
    assert all(p.family_name_kana and p.email for p in people)
    assert len({p.email for p in people}) == len(people)


@pytest.mark.django_db
def test_synthetic_on_top_of_the_demo_does_not_collide(demo: DemoSummary) -> None:
    """Synthetic data can be added to a database with the demo in it, and with two seeds."""
    assert has_data()
    before = dump()
    build_synthetic(projects=3, tasks_per_project=12, people=20, seed=1, today=TODAY)
    build_synthetic(projects=2, tasks_per_project=12, people=20, seed=2, today=TODAY)
    assert Project.objects.count() == demo.projects + 5
    assert Person.objects.count() == demo.people + 40
    after = dump()
    for key in ("teams", "people", "programs", "projects", "tasks", "dependencies", "members"):
        assert [row for row in after[key] if not synthetic(row)] == before[key], key


def synthetic(row: tuple[Any, ...]) -> bool:
    """Whether a dumped row belongs to synthetic data (by its code or e-mail)."""
    first = str(row[0][0] if isinstance(row[0], tuple) else row[0])
    return first.startswith(("S1", "S2")) or first.endswith(".synthetic.example")
    with pytest.raises(ValueError):
        build_demo(seed=2026, today=TODAY)


def test_demo_has_skills_and_open_placeholders_to_staff(demo: DemoSummary) -> None:
    """People have skills; a few projects have placeholders on upcoming tasks that someone qualifies for."""
    from kuroko.people.models import PersonSkill
    from kuroko.projects.models import Assignment
    from kuroko.projects.selectors.staffing import project_staffing

    assert PersonSkill.objects.count() >= Person.objects.filter(is_active=True).count()
    open_rows = Assignment.objects.filter(placeholder__isnull=False)
    assert open_rows.count() >= 6
    assert set(open_rows.values_list("task__project__code", flat=True)) == {"CBR-01", "CBR-03", "ECP-01"}
    admin = User.objects.get(username="admin")
    rows = project_staffing(admin, Project.objects.get(code="CBR-01"))
    assert rows and all(row.candidates for row in rows)


def test_demo_has_rates_budgets_and_expenses(demo: DemoSummary) -> None:
    """Every active person has a rate today (their grade's or their own); active projects have budgets
    near their planned labour cost, and some expenses."""
    from kuroko.people.selectors import rate_timelines
    from kuroko.tracking.models import BudgetLine, Expense
    from kuroko.tracking.selectors import planned_labour, project_budget

    people = list(Person.objects.filter(is_active=True))
    timelines = rate_timelines(people)
    assert all(timelines[p.pk] and timelines[p.pk][0][0] <= TODAY for p in people)
    project = Project.objects.get(code="CBR-01")
    labour, missing = planned_labour(project)
    assert labour.total() > 0 and missing == 0
    budget = project_budget(project).total("labour")
    assert labour.total() * Decimal("0.99") <= budget <= labour.total() * Decimal("1.11")
    assert BudgetLine.objects.filter(project=project).exists() and Expense.objects.exists()
