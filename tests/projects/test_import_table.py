"""Tabular imports (rows read by an Excel WBS or tracker CSV importer) through the MSPDI records: a new
project, a re-import with its diff, round trips that change nothing, and errors that write nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.engine.model import LinkType
from kuroko.formats.imported import ImportedLink, ImportedProject, ImportedTask, ImportFileError
from kuroko.projects.models import Assignment, Dependency, Project, Task
from kuroko.projects.services.import_table import project_import_table, project_update_table

COLUMNS = frozenset({"start", "finish", "percent_complete", "owners", "work", "notes", "links"})


def rows(**changes: object) -> ImportedProject:
    tasks = (
        ImportedTask("1", "Design", row=2, wbs="1"),
        ImportedTask(
            "2",
            "Spec",
            row=3,
            parent="1",
            wbs="1.1",
            start=date(2027, 4, 5),
            finish=date(2027, 4, 9),
            owners=("Alice Example",),
            work=40 * 60,
            notes="first draft",
        ),
        ImportedTask(
            "3",
            "Review",
            row=4,
            parent="1",
            wbs="1.2",
            finish=None,
            duration=2 * 480,
            links=(ImportedLink("2", LinkType.FS, 0),),
            percent_complete=50,
        ),
        ImportedTask("4", "Sign-off", row=5, wbs="2", milestone=True, links=(ImportedLink("3"),)),
    )
    project = ImportedProject(tasks=tasks, name="Tabular", columns=COLUMNS | {"duration"})
    return replace(project, **changes)


@pytest.fixture
def imported(world):
    return project_import_table(actor=world.pmo, imported=rows(), code="TAB-1")


def test_new_project_from_rows(imported):
    project = imported
    tasks = {t.name: t for t in project.tasks.all()}
    assert tasks["Design"].kind == "summary"
    assert tasks["Spec"].constraint_type == "SNET"
    assert tasks["Spec"].start.date() == date(2027, 4, 5)
    assert tasks["Spec"].duration_minutes == 5 * 480
    assert tasks["Spec"].notes == "first draft"
    assert tasks["Review"].start.date() == date(2027, 4, 12)
    assert tasks["Sign-off"].kind == "milestone"
    assert Dependency.objects.filter(successor__project=project).count() == 2
    work = Assignment.objects.get(task=tasks["Spec"])
    assert work.work_minutes == 40 * 60 and work.placeholder is not None  # no such person: a placeholder


def test_reimport_of_the_same_rows_changes_nothing(world, imported):
    project = imported
    again = [
        replace(t, start=task.planned_start, finish=task.planned_finish)
        for t, task in zip(rows().tasks, [project.tasks.get(source_uid=k) for k in "1234"], strict=True)
    ]
    diff = project_update_table(
        actor=world.pmo, project=project, imported=rows(tasks=tuple(again)), dry_run=True
    )
    assert diff.is_empty, diff


def test_reimport_shows_and_applies_the_diff(world, imported):
    project = imported
    tasks = list(rows().tasks)
    tasks[2] = replace(tasks[2], name="Peer review", duration=3 * 480)
    tasks = [t for t in tasks if t.key != "4"] + [
        ImportedTask("5", "Go live", row=6, wbs="3", milestone=True)
    ]
    diff = project_update_table(
        actor=world.pmo, project=project, imported=rows(tasks=tuple(tasks)), dry_run=True
    )
    assert [c.name for c in diff.added] == ["Go live"]
    assert [c.name for c in diff.removed] == ["Sign-off"]
    assert "Peer review" not in set(Task.objects.filter(project=project).values_list("name", flat=True))
    diff = project_update_table(actor=world.pmo, project=project, imported=rows(tasks=tuple(tasks)))
    assert set(project.tasks.values_list("name", flat=True)) == {"Design", "Spec", "Peer review", "Go live"}


def test_match_by_wbs_code(world, imported):
    project = imported
    Task.objects.filter(project=project).update(source_uid=None)
    tasks = tuple(
        replace(
            t,
            key=f"x{t.key}",
            parent=f"x{t.parent}" if t.parent else None,
            links=tuple(replace(k, predecessor=f"x{k.predecessor}") for k in t.links),
        )
        for t in rows().tasks
    )
    tasks = (*tasks[:1], replace(tasks[1], name="Specification"), *tasks[2:])
    diff = project_update_table(
        actor=world.pmo, project=project, imported=rows(tasks=tasks, match="wbs"), dry_run=True
    )
    assert not diff.added and not diff.removed
    assert [c.name for c in diff.changed][:1] == ["Spec"]
    assert not Task.objects.filter(project=project, source_uid__isnull=False).exists()  # dry run rolled back


def test_bad_rows_write_nothing(world):
    bad = rows(
        tasks=(
            ImportedTask("1", "A", row=2, start=date(2027, 4, 9), finish=date(2027, 4, 5)),
            ImportedTask("2", "B", row=3, links=(ImportedLink("9"),)),
        )
    )
    with pytest.raises(ImportFileError) as caught:
        project_import_table(actor=world.pmo, imported=bad, code="TAB-2")
    assert [e.row for e in caught.value.errors] == [2, 3]
    assert not Project.objects.filter(code="TAB-2").exists()


@pytest.mark.parametrize(
    ("task", "column"),
    [
        # only a due date, years before the plan's other dates
        (ImportedTask("1", "Old", row=2, finish=date(2015, 3, 2)), None),
        # an actual start far before the plan's start
        (ImportedTask("1", "Early", row=2, start=date(2027, 4, 5), actual_start=date(1950, 1, 4)), None),
        # year 1: before the years Kuroko accepts
        (ImportedTask("1", "Year one", row=2, finish=date(1, 1, 1)), "Planned finish"),
        # the last day Python has
        (ImportedTask("1", "End of time", row=2, start=date(9999, 12, 31)), "Planned start"),
        # an actual finish past 2999
        (ImportedTask("1", "Far", row=2, actual_finish=date(3000, 1, 1)), "Actual finish"),
    ],
)
def test_dates_far_from_the_plan_import_or_name_their_row_and_column(world, task, column):
    """Dates years away from the plan are compiled into the calendar's window; years outside 1900–2999
    are a row error naming the column — never a server error, nothing written."""
    data = rows(tasks=(task, ImportedTask("2", "Next", row=3, duration=480)))
    if column is None:
        project = project_import_table(actor=world.pmo, imported=data, code="FAR")
        assert project.tasks.count() == 2
        return
    with pytest.raises(ImportFileError) as caught:
        project_import_table(actor=world.pmo, imported=data, code="FAR")
    assert [(e.row, e.column) for e in caught.value.errors] == [(2, column)]
    assert "1900–2999" in caught.value.errors[0].message
    assert not Project.objects.filter(code="FAR").exists()


DAYS = st.one_of(st.none(), st.dates(), st.dates(date(2020, 1, 1), date(2030, 12, 31)))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.lists(st.tuples(DAYS, DAYS, DAYS, DAYS), min_size=1, max_size=3), update=st.booleans())
def test_any_dates_import_or_are_row_errors_and_write_nothing(world, data, update):
    """Random planned and actual dates (year 1 to 9999) in new projects and re-imports: imported, or an
    ImportFileError with the database unchanged — never another exception."""
    tasks = tuple(
        ImportedTask(str(k + 1), f"T{k}", row=k + 2, start=a, finish=b, actual_start=c, actual_finish=d)
        for k, (a, b, c, d) in enumerate(data)
    )
    imported = rows(tasks=tasks, columns=COLUMNS | {"actual_start", "actual_finish"})
    project = Project.objects.filter(code="HYP").first()
    if update and project is None:
        project = project_import_table(actor=world.pmo, imported=rows(), code="HYP")
    before = list(Task.objects.order_by("pk").values_list("pk", "name", "start", "finish", "actual_start"))
    try:
        if update:
            assert project is not None
            project_update_table(actor=world.pmo, project=project, imported=imported)
        else:
            project_import_table(actor=world.pmo, imported=imported, code="HYP-NEW")
    except ImportFileError:
        after = list(Task.objects.order_by("pk").values_list("pk", "name", "start", "finish", "actual_start"))
        assert after == before
        return
    Project.objects.filter(code="HYP-NEW").delete()


def test_a_row_with_only_a_finish_ends_on_that_day(world):
    """A due date without a start (common in tracker exports) is where the task finishes."""
    due = ImportedProject(
        tasks=(
            ImportedTask("1", "Kick-off", row=2, start=date(2027, 4, 5), finish=date(2027, 4, 5)),
            ImportedTask("2", "Report", row=3, finish=date(2027, 4, 16)),
        ),
        columns=frozenset({"start", "finish"}),
    )
    project = project_import_table(actor=world.pmo, imported=due, code="DUE-1")
    report = project.tasks.get(name="Report")
    assert report.constraint_type == "FNET"
    assert report.finish.date() == date(2027, 4, 16)
