"""Excel WBS with the database: a new project from a Japanese sheet, export → re-import with an empty diff,
edits shown as a diff and applied, saved mappings and who may keep them, the API and the pages (with
fuzzing that must never give a 500 or write anything on a refusal)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from kuroko.projects.models import Assignment, Dependency, ImportMapping, Project, Task
from kuroko.projects.services import (
    import_mapping_delete,
    import_mapping_save,
    project_export_xlsx,
    project_import_excel,
    project_update_excel,
)
from tests.formats.test_excel_wbs import levels_sheet, workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def imported(world):
    return project_import_excel(actor=world.pm, data=levels_sheet(), options=None, code="XL-1", name="Excel")


def test_new_project_from_a_japanese_level_column_sheet(world, imported):
    """Outline, dates, owners, effort, progress, links and notes of the sheet become the project."""
    tasks = {t.name: t for t in imported.tasks.all()}
    assert tasks["設計"].kind == "summary" and tasks["基本設計"].parent == tasks["設計"]
    assert tasks["画面設計"].start.date() == date(2027, 4, 5) and tasks["画面設計"].constraint_type == "SNET"
    assert tasks["画面設計"].notes == "初版" and tasks["画面設計"].percent_complete == 50
    assert tasks["DB設計"].start.date() > tasks["画面設計"].finish.date() or tasks[
        "DB設計"
    ].start.date() == date(2027, 4, 12)
    assert Dependency.objects.filter(successor__project=imported).count() == 2
    work = Assignment.objects.filter(task=tasks["画面設計"])
    assert sorted(a.work_minutes for a in work) == [1200, 1200]  # 5 person-days shared by two owners
    assert tasks["画面設計"].source_uid == "1.1.1"  # no ID column: the WBS code is the key


def test_export_then_reimport_changes_nothing(world, imported):
    """Export (default layout, with IDs) → re-import the same file: an empty diff."""
    data = project_export_xlsx(actor=world.pm, project=imported)
    diff = project_update_excel(actor=world.pm, project=imported, data=data, options=None, dry_run=True)
    assert diff.is_empty, diff


def test_export_gives_ids_and_formats(world):
    """Tasks made in Kuroko get IDs on export; the sheet has the default headers and the outline."""
    data = project_export_xlsx(actor=world.pm, project=world.project)
    ws = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in ws[1]][:3] == ["ID", "WBS", "Task name"]
    assert {t.source_uid for t in world.project.tasks.all()} == {"1", "2", "3"}
    assert ws.row_dimensions[3].outline_level == 1 and ws["C2"].font.b
    again = project_update_excel(actor=world.pm, project=world.project, data=data, options=None, dry_run=True)
    assert not (again.added or again.changed or again.removed or again.links_added or again.links_removed)
    # The owner of a task without assignments, as exported, is not assigned on re-import.
    assert again.assignments == ()
    assert again.is_empty, again  # the project's own fields too


def test_edited_export_shows_the_diff_and_applies_it(world, imported):
    """A renamed row, a row added and a row removed in the exported sheet: the diff, then applied."""
    book = load_workbook(io.BytesIO(project_export_xlsx(actor=world.pm, project=imported)))
    ws = book.active
    names = {ws.cell(row, 3).value: row for row in range(2, ws.max_row + 1)}
    ws.cell(names["DB設計"], 3).value = "データベース設計"
    ws.delete_rows(names["結合テスト"])
    ws.append([None, "1.1.3", "レビュー", "鈴木", date(2027, 4, 19), date(2027, 4, 20)])
    out = io.BytesIO()
    book.save(out)
    diff = project_update_excel(
        actor=world.pm, project=imported, data=out.getvalue(), options=None, dry_run=True
    )
    assert [c.name for c in diff.added] == ["レビュー"]
    assert [c.name for c in diff.removed] == ["結合テスト"]
    assert any(c.name == "DB設計" for c in diff.changed)
    assert not imported.tasks.filter(name="レビュー").exists()  # a dry run writes nothing
    project_update_excel(actor=world.pm, project=imported, data=out.getvalue(), options=None)
    assert set(imported.tasks.values_list("name", flat=True)) >= {"データベース設計", "レビュー"}
    assert not imported.tasks.filter(name="結合テスト").exists()


def test_bad_sheet_writes_nothing(world):
    """Row problems: a ValidationError listing them and no project."""
    bad = workbook([["WBS", "Name", "Start"], ["1", "A", "soon"], ["1.1.1", "B", None]])
    with pytest.raises(ValidationError) as caught:
        project_import_excel(actor=world.pm, data=bad, options=None, code="XL-BAD")
    assert len(caught.value.message_dict["file"]) == 2
    assert not Project.objects.filter(code="XL-BAD").exists()


def test_import_needs_permission(world):
    """A team member may not create projects from a file, nor update one."""
    with pytest.raises(PermissionDenied):
        project_import_excel(actor=world.member, data=levels_sheet(), options=None, code="XL-2")
    with pytest.raises(PermissionDenied):
        project_update_excel(actor=world.member, project=world.project, data=levels_sheet(), options=None)


OPTIONS = {
    "hierarchy": "levels",
    "header_row": 3,
    "sheet": "WBS",
    "levels": ["大項目", "中項目", "小項目"],
    "columns": {"owner": "担当", "work": "工数(人日)", "predecessors": "先行"},
    "work_unit": "days",
}


def test_mappings_saved_used_for_export_and_deleted(world, imported):
    """A PM saves a mapping; the export in its layout imports back with it; only its creator or the PMO
    delete it."""
    mapping = import_mapping_save(actor=world.pm, kind="excel_wbs", name="SI標準", options=OPTIONS)
    assert mapping.options["work_unit"] == "days" and mapping.created_by == world.pm
    data = project_export_xlsx(actor=world.pm, project=imported, mapping=mapping)
    ws = load_workbook(io.BytesIO(data))["WBS"]
    assert [c.value for c in ws[3]][:3] == ["大項目", "中項目", "小項目"]
    diff = project_update_excel(
        actor=world.pm, project=imported, data=data, options=mapping.options, dry_run=True
    )
    assert not diff.added and not diff.removed, diff
    with pytest.raises(ValidationError):  # the same name twice
        import_mapping_save(actor=world.pmo, kind="excel_wbs", name="SI標準", options=OPTIONS)
    with pytest.raises(ValidationError):  # options that do not describe a layout
        import_mapping_save(actor=world.pm, kind="excel_wbs", name="bad", options={"hierarchy": "x"})
    with pytest.raises(PermissionDenied):
        import_mapping_save(actor=world.member, kind="excel_wbs", name="mine", options=OPTIONS)
    other_pm = import_mapping_save(actor=world.pmo, kind="excel_wbs", name="PMO", options=OPTIONS)
    with pytest.raises(PermissionDenied):
        import_mapping_delete(actor=world.pm, mapping=other_pm)
    import_mapping_delete(actor=world.pmo, mapping=mapping)
    assert list(ImportMapping.objects.values_list("name", flat=True)) == ["PMO"]


# --- API ---------------------------------------------------------------------------------------------------


def upload(data: bytes, name: str = "wbs.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=XLSX)


def test_api_import_update_export_and_mappings(world):
    """The API creates, previews, exports and keeps mappings like the pages."""
    client = Client()
    client.force_login(world.pm)
    created = client.post("/api/v1/imports/excel", {"file": upload(levels_sheet()), "code": "XL-API"})
    assert created.status_code == 201, created.content
    exported = client.get("/api/v1/projects/XL-API/exports/xlsx")
    assert exported.status_code == 200 and exported["Content-Type"] == XLSX
    diff = client.post(
        "/api/v1/projects/XL-API/imports/excel", {"file": upload(exported.content), "dry_run": "true"}
    )
    assert diff.status_code == 200 and diff.json()["added"] == [] and diff.json()["applied"] is False
    saved = client.post(
        "/api/v1/import-mappings",
        json.dumps({"kind": "excel_wbs", "name": "levels", "options": OPTIONS}),
        content_type="application/json",
    )
    assert saved.status_code == 201, saved.content
    listed = client.get("/api/v1/import-mappings?kind=excel_wbs").json()
    assert [m["name"] for m in listed] == ["levels"]
    again = client.post(
        "/api/v1/imports/excel", {"file": upload(levels_sheet()), "code": "XL-API2", "mapping": "levels"}
    )
    assert again.status_code == 201, again.content
    assert client.delete(f"/api/v1/import-mappings/{saved.json()['id']}").status_code == 204


def test_api_row_errors_are_422_with_row_and_column(world):
    """Every row problem as {loc: [file, row, column], msg}; nothing written."""
    client = Client()
    client.force_login(world.pm)
    bad = workbook([["WBS", "Name", "Start"], ["1", "A", "soon"], ["1.1.1", "B", None]])
    response = client.post("/api/v1/imports/excel", {"file": upload(bad), "code": "XL-ERR"})
    assert response.status_code == 422
    assert [d["loc"] for d in response.json()["detail"]] == [["file", 2, "Start"], ["file", 3, "WBS"]]
    assert not Project.objects.filter(code="XL-ERR").exists()
    broken = client.post("/api/v1/imports/excel", {"file": upload(b"not a workbook"), "code": "XL-ERR"})
    assert broken.status_code == 422
    options = client.post("/api/v1/imports/excel", {"file": upload(bad), "code": "XL-ERR", "options": "{"})
    assert options.status_code == 422


# --- pages ------------------------------------------------------------------------------------------------


def test_page_flow_upload_map_preview_create(world):
    """Upload → mapping prefilled from detection with a preview → create the project."""
    client = Client()
    client.force_login(world.pm)
    page = client.post(
        "/projects/import/excel/", {"step": "upload", "file": upload(levels_sheet(), "計画.xlsx")}
    )
    assert page.status_code == 200, page.content.decode()[:2000]
    html = page.content.decode()
    assert "画面設計" in html and 'value="levels" selected' in html
    token = page.context["token"]
    mapped = client.post(
        "/projects/import/excel/",
        {
            "step": "map",
            "upload": token,
            "shown_sheet": "WBS",
            "shown_row": "3",
            "sheet": "WBS",
            "header_row": "3",
            "hierarchy": "levels",
            "level_1": "大項目",
            "level_2": "中項目",
            "level_3": "小項目",
            "col_owner": "担当",
            "col_start": "予定開始",
            "col_finish": "予定終了",
            "col_work": "工数(人日)",
            "col_predecessors": "先行",
            "work_unit": "days",
            "hours_per_day": "8",
            "references": "wbs",
            "save_as": "SI layout",
        },
    )
    assert mapped.status_code == 200, mapped.content.decode()[:3000]
    assert ImportMapping.objects.filter(name="SI layout").exists()
    created = client.post("/projects/import/excel/", {"step": "create", "upload": token, "code": "XL-WEB"})
    assert created.status_code == 302, created.content.decode()[:3000]
    assert Task.objects.filter(project__code="XL-WEB").count() == 6


def test_page_reimport_diff_and_apply(world):
    """Update from Excel: the diff with IDs, then applied in one go."""
    client = Client()
    client.force_login(world.pm)
    book = load_workbook(io.BytesIO(project_export_xlsx(actor=world.pm, project=world.project)))
    book.active.cell(3, 3).value = "Screens v2"
    out = io.BytesIO()
    book.save(out)
    page = client.post(
        f"/projects/{world.project.code}/import/excel/", {"step": "upload", "file": upload(out.getvalue())}
    )
    assert page.status_code == 200 and "Screens v2" in page.content.decode()
    applied = client.post(f"/projects/{world.project.code}/import/excel/", {"token": page.context["token"]})
    assert applied.status_code == 302
    assert world.project.tasks.filter(name="Screens v2").exists()


def test_page_shows_the_report_and_writes_nothing(world):
    """A sheet with problems: the table of row, column and message; nothing created."""
    client = Client()
    client.force_login(world.pm)
    bad = workbook([["WBS", "Name", "Start"], ["1", "A", "soon"], ["1.1.1", "B", None]])
    page = client.post("/projects/import/excel/", {"step": "upload", "file": upload(bad)})
    assert page.status_code == 422
    assert [(p.row, p.column) for p in page.context["problems"]] == [(2, "Start"), (3, "WBS")]


def test_mappings_page_rename_and_delete(world):
    """The mappings page lists, renames and deletes."""
    mapping = import_mapping_save(actor=world.pm, kind="excel_wbs", name="old", options=OPTIONS)
    client = Client()
    client.force_login(world.pm)
    assert "old" in client.get("/projects/import/mappings/").content.decode()
    client.post("/projects/import/mappings/", {"action": "rename", "pk": mapping.pk, "name": "new"})
    mapping.refresh_from_db()
    assert mapping.name == "new"
    client.post("/projects/import/mappings/", {"action": "delete", "pk": mapping.pk})
    assert not ImportMapping.objects.exists()


def _state() -> tuple[int, int, int, int]:
    return (
        Project.objects.count(),
        Task.objects.count(),
        Dependency.objects.count(),
        ImportMapping.objects.count(),
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=st.one_of(
        st.binary(max_size=500),
        st.builds(lambda at, v: _mutate(levels_sheet(), at, v), st.integers(0, 6000), st.integers(0, 255)),
    ),
    step=st.sampled_from(["upload", "map", "create", ""]),
    extra=st.dictionaries(
        st.sampled_from(
            ["sheet", "header_row", "hierarchy", "col_name", "upload", "code", "token", "level_1"]
        ),
        st.text(max_size=8),
        max_size=4,
    ),
)
def test_fuzz_pages_never_fail(world, data, step, extra):
    """Random files and form values on both import pages: never a 500, nothing written when refused."""
    client = Client()
    client.force_login(world.pm)
    before = _state()
    for url in ("/projects/import/excel/", f"/projects/{world.project.code}/import/excel/"):
        response = client.post(url, {"step": step, "file": upload(data), **extra})
        assert response.status_code in (200, 302, 404, 422), response.status_code
        if response.status_code != 302:
            assert _state() == before


def _mutate(data: bytes, at: int, value: int) -> bytes:
    out = bytearray(data)
    out[at % len(out)] = value
    return bytes(out)


def test_import_keeps_history_of_every_row(world, imported):
    """The bulk import writes a "created" history record per task, link and assignment, by the importer."""
    tasks = Task.history.filter(project=imported)
    assert tasks.count() == imported.tasks.count()
    assert set(tasks.values_list("history_type", "history_user")) == {("+", world.pm.pk)}
    links = Dependency.history.filter(successor__project=imported)
    assert links.count() == 2 and {h.history_user_id for h in links} == {world.pm.pk}
    assert (
        Assignment.history.filter(task__project=imported).count()
        == Assignment.objects.filter(task__project=imported).count()
        > 0
    )


def test_round_trip_keeps_uneven_effort_and_actual_times(world, imported):
    """A task's own split of effort among its people, and actual dates at the end of a day, survive an
    export and re-import of the unedited sheet (a sheet has one total and one date per row)."""
    from datetime import datetime, time

    from django.utils import timezone

    task = imported.tasks.get(name="画面設計")
    first, second = Assignment.objects.filter(task=task).order_by("pk")
    Assignment.objects.filter(pk=first.pk).update(work_minutes=1600, units=100)
    Assignment.objects.filter(pk=second.pk).update(work_minutes=800, units=50)
    evening = timezone.make_aware(datetime.combine(date(2027, 4, 5), time(18, 0)))
    Task.objects.filter(pk=task.pk).update(actual_start=evening)
    data = project_export_xlsx(actor=world.pm, project=imported)
    diff = project_update_excel(actor=world.pm, project=imported, data=data, options=None, dry_run=True)
    assert diff.is_empty, diff


# --- Review fixes ---------------------------------------------------------------------------------------


def _tasks_unchanged(diff) -> bool:
    # The project's own planned start (unset in the fixture) is another fix's concern.
    return not (
        diff.added
        or diff.changed
        or diff.removed
        or diff.links_added
        or diff.links_changed
        or diff.links_removed
        or diff.assignments
    )


@pytest.mark.parametrize("day", ["0001/01/01", "9999/12/31", "1899/12/31"])
def test_dates_outside_the_years_are_refused_by_row_and_column(world, day):
    """A year outside 1900–2999 is a row error naming the cell, and nothing is written (not a 500)."""
    before = _state()
    data = workbook([["WBS", "タスク名", "予定開始"], ["1", "a", day], ["2", "b", "2027/04/01"]])
    with pytest.raises(ValidationError) as caught:
        project_import_excel(actor=world.pm, data=data, options=None, code="XL-Y", name="x")
    assert caught.value.message_dict["file"][0].startswith("Row 2, column “予定開始”")
    assert _state() == before


def _assignees(world):
    from kuroko.projects.services.assignments import assignment_set, placeholder_create

    review = world.project.tasks.get(name="Review")
    role = placeholder_create(actor=world.admin, project=world.project, data={"name": "SE/PG"})
    assignment_set(actor=world.admin, task=review, placeholder=role, units=50)
    assignment_set(actor=world.admin, task=review, person=world.pm.person, units=50)
    return review


def test_reimport_keeps_the_owner_when_the_row_lists_the_assignees(world):
    """Assignees written by the export (no owner; SE/PG a placeholder) change neither owner nor work."""
    review = _assignees(world)
    data = project_export_xlsx(actor=world.pm, project=world.project)
    diff = project_update_excel(actor=world.pm, project=world.project, data=data, options=None, dry_run=True)
    assert _tasks_unchanged(diff), diff
    review.owner = world.member.person
    review.save(update_fields=["owner"])
    book = load_workbook(io.BytesIO(data))
    row = next(r for r in book.active.iter_rows(min_row=2) if r[2].value == "Review")
    names = [world.pm.person.full_name, "SE/PG", world.member.person.full_name]
    row[3].value = ", ".join(names)  # the owner among the names, not first
    Assignment.objects.create(task=review, person=world.member.person, units=50)
    out = io.BytesIO()
    book.save(out)
    diff = project_update_excel(
        actor=world.pm, project=world.project, data=out.getvalue(), options=None, dry_run=True
    )
    assert not diff.changed, diff.changed


def test_a_repeated_owner_gets_the_whole_effort(world):
    """山田、山田 with 8 h is one assignment of 8 h, not 4 h."""
    data = workbook([["WBS", "タスク名", "担当", "工数"], ["1", "a", "山田、 山田", 8]])
    project_import_excel(actor=world.pm, data=data, options=None, code="XL-D", name="x")
    found = Assignment.objects.filter(task__project__code="XL-D")
    assert list(found.values_list("placeholder__name", "work_minutes")) == [("山田", 480)]


def test_notes_with_newlines_round_trip_unchanged(world):
    """Notes ending in a newline, or starting with spaces, are not changed by export → re-import."""
    world.project.tasks.filter(name="Review").update(notes="  line1\nline2\n")
    data = project_export_xlsx(actor=world.pm, project=world.project)
    diff = project_update_excel(actor=world.pm, project=world.project, data=data, options=None, dry_run=True)
    assert _tasks_unchanged(diff), diff


def test_levels_mapping_with_a_name_column_round_trips_and_a_shallow_one_is_refused(world):
    """Export in a levels mapping with a name column → re-import: empty diff; a mapping with fewer
    level columns than the project has levels is refused with a message, never flattened."""
    deep = world.project.tasks.get(name="Review")
    from kuroko.projects import services

    services.task_create(actor=world.admin, project=world.project, parent=deep, data={"name": "Check"})
    mapping = import_mapping_save(
        actor=world.pm,
        kind="excel_wbs",
        name="lv",
        options={
            "hierarchy": "levels",
            "levels": ["大項目", "中項目"],
            "columns": {"id": "ID", "name": "作業名", "predecessors": "先行"},
            "references": "id",
        },
    )
    data = project_export_xlsx(actor=world.pm, project=world.project, mapping=mapping)
    diff = project_update_excel(actor=world.pm, project=world.project, data=data, options=mapping.options)
    assert _tasks_unchanged(diff), diff
    shallow = import_mapping_save(
        actor=world.pm, kind="excel_wbs", name="lv2", options={**mapping.options, "columns": {"id": "ID"}}
    )
    with pytest.raises(ValidationError) as caught:
        project_export_xlsx(actor=world.pm, project=world.project, mapping=shallow)
    assert "3 levels deep" in caught.value.message_dict["mapping"][0]


def test_page_create_uses_the_mapping_of_its_own_upload(world):
    """A later upload (here one with problems) never runs with the mapping checked for an earlier one."""
    client = Client()
    client.force_login(world.pm)
    good = client.post("/projects/import/excel/", {"step": "upload", "file": upload(levels_sheet())})
    assert good.status_code == 200
    bad = workbook([["WBS", "Name", "Start"], ["1", "A", "soon"]])
    page = client.post("/projects/import/excel/", {"step": "upload", "file": upload(bad)})
    assert page.status_code == 422
    before = _state()
    created = client.post(
        "/projects/import/excel/", {"step": "create", "upload": page.context["token"], "code": "XL-TAB"}
    )
    assert created.status_code == 422 and _state() == before
