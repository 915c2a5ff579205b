"""Services: WBS tree operations, roll-ups, dependencies, optimistic concurrency, permissions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.core.versioning import ConflictError
from kuroko.projects import services
from kuroko.projects.models import Dependency, Project, Task, TaskKind

pytestmark = pytest.mark.django_db


def codes(project) -> list[tuple[str, str, str]]:
    return [(t.wbs_code, t.name, t.kind) for t in Task.objects.filter(project=project).order_by("row")]


def add(world, name, **kw):
    return services.task_create(actor=world.admin, project=world.project, data={"name": name}, **kw)


def test_create_numbers_tasks_and_makes_parents_summaries(world):
    """New tasks get WBS codes; a task with subtasks becomes a summary task."""
    assert codes(world.project) == [
        ("1", "Design", "summary"),
        ("1.1", "Screens", "task"),
        ("1.2", "Review", "task"),
    ]


def test_insert_after_shifts_following_siblings(world):
    """Inserting after a sibling puts the new task right below it and renumbers the rest."""
    add(world, "Mock-ups", after=world.owned_task)
    assert [c[:2] for c in codes(world.project)] == [
        ("1", "Design"),
        ("1.1", "Screens"),
        ("1.2", "Mock-ups"),
        ("1.3", "Review"),
    ]


def test_indent_and_outdent_keep_row_order(world):
    """Indent makes a task the last child of the one above; outdent adopts the following siblings."""
    build = add(world, "Build")
    services.task_indent(actor=world.admin, task=build)  # under Design, after Review
    assert codes(world.project)[-1] == ("1.3", "Build", "task")
    services.task_outdent(actor=world.admin, task=world.owned_task)
    # Screens moves up a level; Review and Build, which followed it, become its subtasks.
    assert codes(world.project) == [
        ("1", "Design", "task"),
        ("2", "Screens", "summary"),
        ("2.1", "Review", "task"),
        ("2.2", "Build", "task"),
    ]


def test_indent_first_task_is_refused(world):
    """The first task at a level has nothing to go under."""
    with pytest.raises(ValidationError, match="cannot be indented"):
        services.task_indent(actor=world.admin, task=world.summary)


def test_outdent_top_level_is_refused(world):
    """A top-level task cannot be outdented."""
    with pytest.raises(ValidationError, match="already at the top level"):
        services.task_outdent(actor=world.admin, task=world.summary)


def test_move_swaps_with_sibling_and_refuses_past_the_end(world):
    """Move down swaps two siblings; moving the last one further down is refused."""
    services.task_move(actor=world.admin, task=world.owned_task, direction="down")
    assert [c[1] for c in codes(world.project)] == ["Design", "Review", "Screens"]
    with pytest.raises(ValidationError, match="already the last"):
        services.task_move(actor=world.admin, task=world.owned_task, direction="down")


def test_delete_removes_subtree_and_links(world):
    """Deleting a summary deletes its subtasks and their dependencies."""
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    deleted = services.task_delete(actor=world.admin, task=world.summary)
    assert deleted == 3
    assert not Task.objects.filter(project=world.project).exists()
    assert not Dependency.objects.exists()


def test_rollup_weights_progress_by_duration(world):
    """Summary % complete is weighted by the durations of its subtasks, as in MS Project."""
    task = Task.objects.get(pk=world.owned_task.pk)  # 5 days
    services.task_update(
        actor=world.admin, task=task, data={"percent_complete": 60}, expected_version=task.version
    )
    summary = Task.objects.get(pk=world.summary.pk)
    # (5d × 60 % + 2d × 0 %) / 7d = 42.9 %
    assert summary.percent_complete == 43
    assert Project.objects.get(pk=world.project.pk).percent_complete == Decimal("42.86")


def test_rollup_dates_take_earliest_start_and_latest_finish(world):
    """A summary spans from its earliest subtask start to its latest finish."""
    services.project_update(
        actor=world.admin,
        project=world.project,
        data={"planned_start": date(2026, 4, 1)},
        expected_version=None,
    )
    services.task_update(
        actor=world.admin,
        task=world.owned_task,
        expected_version=None,
        data={"planned_start": date(2026, 4, 1), "planned_finish": date(2026, 4, 7)},
    )
    services.task_update(
        actor=world.admin,
        task=world.plain_task,
        expected_version=None,
        data={"planned_start": date(2026, 4, 8), "planned_finish": date(2026, 4, 9)},
    )
    summary = Task.objects.get(pk=world.summary.pk)
    assert (summary.planned_start, summary.planned_finish) == (date(2026, 4, 1), date(2026, 4, 9))


def test_summary_fields_cannot_be_set_directly(world):
    """Progress of a summary comes from its subtasks, so setting it is refused with the field named."""
    with pytest.raises(ValidationError) as info:
        services.task_update(
            actor=world.admin, task=world.summary, data={"percent_complete": 50}, expected_version=None
        )
    assert "percent_complete" in info.value.message_dict


def test_finish_before_start_is_refused_and_nothing_changes(world):
    """An invalid date range names the constraint and leaves the row as it was."""
    before = Task.objects.get(pk=world.plain_task.pk)
    with pytest.raises(ValidationError):
        services.task_update(
            actor=world.admin,
            task=before,
            expected_version=before.version,
            data={
                "name": "Renamed",
                "planned_start": date(2026, 5, 2),
                "planned_finish": date(2026, 5, 1),
            },
        )
    after = Task.objects.get(pk=world.plain_task.pk)
    assert (after.name, after.version, after.planned_start) == (
        "Review",
        before.version,
        before.planned_start,
    )


def test_stale_version_is_refused_with_the_changes(world):
    """A save based on an old version raises ConflictError naming the field someone else changed."""
    task = Task.objects.get(pk=world.plain_task.pk)
    services.task_update(
        actor=world.pm, task=task, data={"name": "Peer review"}, expected_version=task.version
    )
    with pytest.raises(ConflictError) as info:
        services.task_update(
            actor=world.admin, task=task, data={"notes": "mine"}, expected_version=task.version
        )
    assert [c.field for c in info.value.changes] == ["name"]
    assert info.value.changes[0].theirs == "Peer review"
    assert "Pm" in str(info.value)
    assert Task.objects.get(pk=task.pk).notes == ""


def test_milestone_has_zero_duration(world):
    """Turning a task into a milestone sets its duration to zero."""
    task = services.task_update(
        actor=world.admin, task=world.plain_task, data={"kind": TaskKind.MILESTONE}, expected_version=None
    )
    assert (task.kind, task.duration_minutes) == ("milestone", 0)


def test_dependency_cycle_is_refused_naming_the_tasks(world):
    """A link that would close a loop is refused and the message lists the tasks in the loop."""
    services.dependency_create(actor=world.admin, predecessor=world.owned_task, successor=world.plain_task)
    with pytest.raises(ValidationError) as info:
        services.dependency_create(
            actor=world.admin, predecessor=world.plain_task, successor=world.owned_task
        )
    message = " ".join(info.value.messages)
    assert "cycle" in message and "Screens" in message and "Review" in message
    assert Dependency.objects.count() == 1


def test_dependency_between_summary_and_its_subtask_is_refused(world):
    """A summary task cannot be linked to its own subtasks."""
    with pytest.raises(ValidationError, match="own subtasks"):
        services.dependency_create(actor=world.admin, predecessor=world.summary, successor=world.plain_task)


def test_cross_project_dependency(world):
    """A task in one project may drive a task in another."""
    link = services.dependency_create(
        actor=world.admin,
        predecessor=world.other_task,
        successor=world.owned_task,
        type="SS",
        lag_minutes=960,
    )
    assert (link.type, link.lag_minutes, link.predecessor.project.code) == ("SS", 960, "BETA")


def test_set_predecessors_from_text(world):
    """Predecessor text adds, changes and removes links to match."""
    from kuroko.formats.predecessors import parse_predecessors

    services.task_set_predecessors(
        actor=world.admin, task=world.plain_task, refs=parse_predecessors("1.1SS+2d, BETA:1")
    )
    links = {
        (d.predecessor.name, d.type, d.lag_minutes)
        for d in Dependency.objects.filter(successor=world.plain_task)
    }
    assert links == {("Screens", "SS", 960), ("Beta work", "FS", 0)}
    services.task_set_predecessors(actor=world.admin, task=world.plain_task, refs=parse_predecessors("1.1"))
    links = {
        (d.predecessor.name, d.type, d.lag_minutes)
        for d in Dependency.objects.filter(successor=world.plain_task)
    }
    assert links == {("Screens", "FS", 0)}
    with pytest.raises(ValidationError, match=r"no task 9\.9"):
        services.task_set_predecessors(
            actor=world.admin, task=world.plain_task, refs=parse_predecessors("9.9")
        )


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("pmo", True),
        ("pm", True),
        ("member", False),
        ("executive", False),
        ("outsider", False),
    ],
)
def test_who_may_rename_a_task(world, role, allowed):
    """Only project editors may change task fields other than progress."""

    def call():
        return services.task_update(
            actor=world.user(role),
            task=world.plain_task,
            data={"name": "x"},
            expected_version=None,
        )

    if allowed:
        call()
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_owner_may_update_progress_but_nothing_else(world):
    """A team member may report progress on the tasks they own, and only that."""
    services.task_update(
        actor=world.member, task=world.owned_task, data={"percent_complete": 30}, expected_version=None
    )
    assert Task.objects.get(pk=world.owned_task.pk).percent_complete == 30
    with pytest.raises(ValidationError) as info:
        services.task_update(
            actor=world.member, task=world.owned_task, data={"name": "x"}, expected_version=None
        )
    assert "name" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.task_update(
            actor=world.member, task=world.plain_task, data={"percent_complete": 30}, expected_version=None
        )


def test_pm_cannot_edit_a_project_they_do_not_manage(world):
    """Project managers edit only their own projects."""
    with pytest.raises(PermissionDenied):
        services.project_update(
            actor=world.pm, project=world.other, data={"name": "x"}, expected_version=None
        )


def test_pm_creating_a_project_becomes_its_manager(world):
    """A project manager who creates a project manages it and is a member of it."""
    project = services.project_create(actor=world.pm, data={"code": "GAMMA", "name": "Gamma"})
    assert project.manager == world.pm.person
    assert project.members.get().person == world.pm.person


def test_duplicate_project_code_names_the_field(world):
    """Project codes are unique; the error names the code field."""
    with pytest.raises(ValidationError) as info:
        services.project_create(actor=world.admin, data={"code": "ALPHA", "name": "Again"})
    assert "code" in info.value.message_dict
