"""The Excel framework (export_rows / import_rows) and the risk register's import and export: headers in
English or Japanese, formulas read as values, errors naming row and column, the size limit, the import
preview and its all-or-nothing write, and a round trip that changes nothing."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from kuroko.raid import excel, services
from kuroko.raid.models import Risk
from kuroko.raid.services.risks import ImportRefused
from tests.conftest import signed_in

SPEC = [
    excel.Column("name", "Name", lambda r: r["name"], excel.read_text, required=True),
    excel.Column("count", "Count", lambda r: r["count"], excel.read_int(0, 10)),
    excel.Column("due", "Due date", lambda r: r["due"], excel.read_date),
    excel.Column("score", "Score", lambda r: r["count"] * 2, None),
]


def workbook(*rows: list) -> bytes:
    book = Workbook()
    ws = book.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_export_writes_header_frozen_dates_and_widths():
    """The header is bold and frozen, dates are dates, and every item is a row."""
    data = excel.export_rows(SPEC, [{"name": "A", "count": 2, "due": date(2026, 5, 1)}], sheet="Things")
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Things"
    assert [c.value for c in ws[1]] == ["Name", "Count", "Due date", "Score"]
    assert ws["A1"].font.bold and ws.freeze_panes == "B2"
    assert ws["C2"].value.date() == date(2026, 5, 1) and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["D2"].value == 4


def test_import_reads_values_formulas_and_skips_blank_rows():
    """Headers in any order (and case), a formula's cached value, blank rows skipped, computed columns
    ignored."""
    book = Workbook()
    ws = book.active
    ws.append(["due DATE", "name", "Count", "Unknown"])
    ws.append([date(2026, 5, 1), "A", 3, "x"])
    ws.append([None, None, None, None])
    ws.append(["2026/06/02", " B ", "=1+1", None])
    buffer = io.BytesIO()
    book.save(buffer)
    rows, errors = excel.import_rows(SPEC, buffer.getvalue())
    assert errors == []
    assert [r.number for r in rows] == [2, 4]
    assert rows[0].values == {"name": "A", "count": 3, "due": date(2026, 5, 1)}
    # openpyxl stores no cached value for a formula it wrote: data_only reads None, not the formula text.
    assert rows[1].values["count"] is None and rows[1].values["name"] == "B"


BAD_CELLS = [
    # not a number
    (["A", "many", None], 2, "Count", "is not a whole number"),
    # outside the range
    (["A", 11, None], 2, "Count", "outside"),
    # not a date
    (["A", 1, "tomorrow"], 2, "Due date", "is not a date"),
    # required value missing
    ([None, 1, None], 2, "Name", "A value is required"),
]


@pytest.mark.parametrize(("row", "number", "column", "text"), BAD_CELLS)
def test_import_errors_name_row_and_column(row, number, column, text):
    """Each bad cell gives an error with its row number, column header and message."""
    rows, errors = excel.import_rows(SPEC, workbook(["Name", "Count", "Due date"], row))
    assert rows == []
    assert (errors[0].row, errors[0].column) == (number, column)
    assert text in errors[0].message
    assert str(errors[0]).startswith(f"Row {number}, {column}:")


def test_import_refuses_missing_header_not_a_workbook_and_too_large():
    """A required column missing, a file that is not .xlsx, or one over the size limit: one error."""
    _rows, errors = excel.import_rows(SPEC, workbook(["Count"], [1]))
    assert errors[0].column == "Name" and "missing" in errors[0].message
    _rows, errors = excel.import_rows(SPEC, b"not a zip")
    assert errors[0].row == 0 and "not an Excel workbook" in errors[0].message
    _rows, errors = excel.import_rows(SPEC, workbook(["Name"], ["A"]), max_bytes=10)
    assert "larger than" in errors[0].message


@pytest.mark.django_db
def test_japanese_headers_and_labels_are_accepted(world, settings):
    """A workbook exported in Japanese imports back in an English session (headers and choice labels)."""
    from django.utils import translation

    services.risk_create(
        actor=world.pm, project=world.project, data={"title": "要件の追加変更", "category": "scope"}
    )
    spec = excel.risk_columns(world.project)
    with translation.override("ja"):
        data = excel.export_rows(spec, Risk.objects.all())
        header = [c.value for c in load_workbook(io.BytesIO(data)).active[1]]
    assert "タイトル" in header or "件名" in header or header[1] != "Title"
    rows, errors = excel.import_rows(excel.risk_columns(world.project), data)
    assert errors == []
    assert rows[0].values["category"] == "scope" and rows[0].values["code"] == "R-001"


def full_risk(world):
    return services.risk_create(
        actor=world.pm,
        project=world.project,
        data={
            "title": "Vendor late",
            "kind": "threat",
            "category": "supplier",
            "owner": world.member.person,
            "cause": "One vendor",
            "event": "Late",
            "effect": "Slip",
            "probability": 4,
            "impact_cost": 2,
            "impact_schedule": 5,
            "impact_quality": 1,
            "proximity": "near",
            "strategy": "mitigate",
            "response": "Second vendor",
            "trigger": "No delivery",
            "residual_probability": 2,
            "residual_impact": 3,
            "probability_percent": Decimal("35.5"),
            "cost_min": 100,
            "cost_most_likely": Decimal("250.50"),
            "cost_max": 900,
            "schedule_min_minutes": 240,
            "schedule_most_likely_minutes": 960,
            "schedule_max_minutes": 2400,
        },
        tasks=[world.owned_task.pk, world.plain_task.pk],
    )


@pytest.mark.django_db
def test_round_trip_changes_nothing(world):
    """Export → import: every row is 'unchanged' and nothing is written."""
    full_risk(world)
    services.risk_create(actor=world.pm, project=world.project, data={"title": "Bare"})
    closed = services.risk_create(actor=world.pm, project=world.project, data={"title": "Done"})
    services.risk_update(actor=world.pm, risk=closed, data={"status": "closed"}, expected_version=None)
    body = signed_in(world.pm).get("/projects/ALPHA/risks/export/").content
    rows, errors = excel.import_rows(excel.risk_columns(world.project), body)
    assert errors == []
    versions = list(Risk.objects.order_by("pk").values_list("version", flat=True))
    result = services.risks_import(actor=world.pm, project=world.project, rows=rows, dry_run=False)
    assert [(line.code, line.action, line.changes) for line in result.lines] == [
        ("R-001", "unchanged", []),
        ("R-002", "unchanged", []),
        ("R-003", "unchanged", []),
    ]
    assert list(Risk.objects.order_by("pk").values_list("version", flat=True)) == versions


@pytest.mark.django_db
def test_import_preview_then_apply_adds_and_updates(world):
    """The page previews add and update rows without writing; confirming writes them in one go."""
    risk = full_risk(world)
    data = workbook(
        ["No.", "Title", "Probability", "Schedule impact", "Affected tasks"],
        ["R-001", "Vendor very late", 5, 5, "1.1"],
        [None, "New risk", 2, 1, None],
    )
    client = signed_in(world.pm)
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("r.xlsx", data)
    preview = client.post("/projects/ALPHA/risks/import/", {"file": upload, "action": "preview"})
    body = preview.content.decode()
    assert preview.status_code == 200 and 'id="import-preview"' in body
    assert "Vendor very late" in body and "New risk" in body
    assert Risk.objects.count() == 1 and Risk.objects.get().title == "Vendor late"
    token = preview.context["token"]
    applied = client.post("/projects/ALPHA/risks/import/", {"action": "apply", "token": token})
    assert applied.status_code == 302
    risk.refresh_from_db()
    assert (risk.title, risk.probability, risk.score) == ("Vendor very late", 5, 25)
    assert [t.wbs_code for t in risk.tasks.all()] == ["1.1"]
    assert Risk.objects.get(number=2).title == "New risk"


@pytest.mark.django_db
def test_import_with_a_bad_row_writes_nothing(world):
    """One bad row (a strategy not for threats; an unknown R-number) and nothing is written; the
    preview lists every row with its error and offers no confirmation."""
    rows, errors = excel.import_rows(
        excel.risk_columns(world.project),
        workbook(
            ["No.", "Title", "Probability", "Response strategy"],
            [None, "Good", 2, "Mitigate"],
            [None, "Bad", 2, "Exploit"],
            ["R-009", "Missing", 2, None],
        ),
    )
    assert errors == []
    with pytest.raises(ImportRefused) as caught:
        services.risks_import(actor=world.pm, project=world.project, rows=rows, dry_run=False)
    actions = [(line.row, line.action) for line in caught.value.result.lines]
    assert actions == [(2, "add"), (3, "error"), (4, "error")]
    assert "Response strategy" in caught.value.result.lines[1].errors[0]
    assert not Risk.objects.exists()
    client = signed_in(world.pm)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = workbook(["Title", "Probability", "Response strategy"], ["Bad", 2, "Exploit"])
    response = client.post("/projects/ALPHA/risks/import/", {"file": SimpleUploadedFile("r.xlsx", data)})
    assert response.status_code == 422 and 'id="import-apply"' not in response.content.decode()
    assert not Risk.objects.exists()


@pytest.mark.django_db
def test_import_cell_errors_and_cancel(world):
    """A file whose cells cannot be read shows each problem; cancel drops the upload; members cannot
    import."""
    client = signed_in(world.pm)
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = workbook(["Title", "Probability", "Owner"], ["A", "high", "Nobody Known"])
    response = client.post("/projects/ALPHA/risks/import/", {"file": SimpleUploadedFile("r.xlsx", data)})
    body = response.content.decode()
    assert response.status_code == 422
    assert "Row 2, Probability" in body and "Row 2, Owner" in body
    assert client.post("/projects/ALPHA/risks/import/", {"action": "cancel"}).status_code == 302
    stale = client.post("/projects/ALPHA/risks/import/", {"action": "apply", "token": "x" * 32})
    assert stale.status_code == 422
    assert signed_in(world.member).get("/projects/ALPHA/risks/import/").status_code == 403


@pytest.mark.django_db
def test_empty_cells_of_a_new_row_take_the_defaults(world):
    """A new row with empty type, category, status and impacts adds an open 'other' threat with no
    impact; a message that names its field is not prefixed with the name twice."""
    spec = excel.risk_columns(world.project)
    header = ["Title", "Type", "Category", "Status", "Probability", "Cost impact", "Quality impact"]
    rows, errors = excel.import_rows(spec, workbook(header, ["Bare", None, None, None, 2, None, None]))
    assert errors == []
    result = services.risks_import(actor=world.pm, project=world.project, rows=rows, dry_run=False)
    assert result.counts["add"] == 1
    risk = Risk.objects.get()
    assert (risk.kind, risk.category, risk.status, risk.impact, risk.score) == (
        "threat",
        "other",
        "open",
        0,
        0,
    )
    rows, _errors = excel.import_rows(spec, workbook(header, ["Too big", None, None, None, 2, 9, None]))
    with pytest.raises(ImportRefused) as caught:
        services.risks_import(actor=world.pm, project=world.project, rows=rows)
    assert caught.value.result.lines[0].errors == ["Cost impact must be between 0 and 5."]
