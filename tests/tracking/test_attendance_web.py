"""Attendance pages and API: the month page with the clock and htmx editing, the import in two steps,
reconciliation, overtime, contracts and statement exports; JSON errors naming the field or row."""

from __future__ import annotations

import io
import json
from datetime import date, time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from kuroko.people.models import EmploymentType
from kuroko.tracking.models import AttendanceDay, AttendanceMapping, Contract, TimeEntry
from kuroko.tracking.services import attendance as svc
from tests.api.test_api import Api
from tests.conftest import signed_in
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

JUNE = "2026-06"


def test_month_page_lists_days_and_edits_a_day_with_htmx(world):
    """The month page shows the days; the edit form comes as a fragment and saving returns the row."""
    client = signed_in(world.member)
    person = world.member.person
    page = client.get(f"/attendance/{JUNE}/")
    assert page.status_code == 200 and b"2026-06" in page.content and b'id="clock-in"' in page.content
    url = f"/attendance/day/{person.pk}/2026-06-02/"
    form = client.get(url, headers={"HX-Request": "true"})
    assert form.status_code == 200 and b'name="clock_in"' in form.content
    saved = client.post(
        url, {"clock_in": "9:00", "clock_out": "18:30", "break_minutes": "60"}, headers={"HX-Request": "true"}
    )
    assert saved.status_code == 200 and b"8:30" in saved.content
    bad = client.post(url, {"clock_in": "9:00", "clock_out": "late"}, headers={"HX-Request": "true"})
    assert bad.status_code == 422 and b'role="alert"' in bad.content
    assert AttendanceDay.objects.get(person=person).worked_minutes == 510


def test_pm_reads_a_members_month_but_gets_no_edit_form(world):
    """A PM sees a project member's month read-only; an outsider's person is not found."""
    client = signed_in(world.pm)
    page = client.get(f"/attendance/{JUNE}/?person={world.member.person.pk}")
    assert page.status_code == 200 and b"only the person and the PMO change it" in page.content
    assert client.get(f"/attendance/day/{world.member.person.pk}/2026-06-02/").status_code == 403
    assert client.get(f"/attendance/{JUNE}/?person={world.outsider.person.pk}").status_code == 404


def test_clock_buttons(world):
    """Clock in, then out, through the page's buttons."""
    client = signed_in(world.member)
    assert client.post("/attendance/clock/in/").status_code == 302
    assert client.post("/attendance/clock/out/").status_code == 302
    row = AttendanceDay.objects.get(person=world.member.person)
    assert row.clock_in is not None and row.clock_out is not None


def test_import_page_upload_map_preview_import(world):
    """Upload → map columns (guessed from the headers) and save the mapping → preview → import."""
    client = signed_in(world.pmo)
    email = world.member.person.email
    data = f"メール,日付,出勤,退勤,休憩\r\n{email},2026/06/01,9:00,18:00,60\r\n".encode("cp932")
    first = client.post("/attendance/import/", {"file": SimpleUploadedFile("kintai.csv", data)})
    assert first.status_code == 200 and b'id="mapping-form"' in first.content
    token = first.context["token"]
    assert first.context["columns"]["person"] == "メール"
    form = {"token": token, "col_person": "メール", "col_date": "日付", "col_clock_in": "出勤",
            "col_clock_out": "退勤", "col_break_minutes": "休憩", "person_key": "email",
            "date_format": "%Y/%m/%d", "save_as": "Kintai"}  # fmt: skip
    preview = client.post("/attendance/import/", form | {"action": "preview"})
    assert preview.status_code == 200 and b'id="import"' in preview.content
    assert not AttendanceDay.objects.exists() and AttendanceMapping.objects.get().name == "Kintai"
    done = client.post("/attendance/import/", form | {"action": "import"})
    assert done.status_code == 302
    assert AttendanceDay.objects.get().worked_minutes == 480


def test_import_page_shows_row_errors_and_writes_nothing(world):
    """A saved mapping, a file with a bad row: the preview lists it with row and column (422)."""
    svc.attendance_mapping_save(
        actor=world.pmo, name="M", columns={"person": "email", "date": "date", "leave": "leave"}
    )
    mapping = AttendanceMapping.objects.get()
    data = f"email,date,leave\r\n{world.member.person.email},2026-06-01,holiday\r\n".encode()
    page = signed_in(world.pmo).post(
        "/attendance/import/", {"file": SimpleUploadedFile("a.csv", data), "mapping": mapping.pk}
    )
    assert page.status_code == 422 and b'id="import-issues"' in page.content and b"holiday" in page.content
    assert not AttendanceDay.objects.exists()
    assert signed_in(world.member).get("/attendance/import/").status_code == 403


def test_reconciliation_and_overtime_pages(world):
    """Both pages answer, the reconciliation flags a day with hours logged but no attendance."""
    TimeEntry.objects.create(
        person=world.member.person,
        date=date(2026, 6, 2),
        project=world.project,
        task=world.plain_task,
        minutes=240,
    )
    page = signed_in(world.pmo).get(f"/attendance/reconciliation/{JUNE}/")
    assert page.status_code == 200 and b'data-flag="no_attendance"' in page.content
    assert signed_in(world.member).get("/attendance/overtime/").status_code == 200
    assert signed_in(world.pmo).get("/attendance/overtime/rules/").status_code == 200


def test_contract_pages_and_statement_exports(world):
    """Add a contract on the page; the month's statement is exported as CSV with a BOM and as Excel."""
    contractor = PersonFactory(
        family_name="佐藤", given_name="一郎", employment_type=EmploymentType.CONTRACTOR
    )
    client = signed_in(world.pmo)
    added = client.post(
        "/attendance/contracts/",
        {"person": contractor.pk, "vendor": "ACME", "start": "2026-04-01", "monthly_fee": "500000",
         "lower_hours": "140", "upper_hours": "180", "deduction_rate": "3571", "excess_rate": "2777"},
    )  # fmt: skip
    assert added.status_code == 302 and Contract.objects.get().vendor == "ACME"
    TimeEntry.objects.create(person=contractor, date=date(2026, 6, 1), project=world.project, minutes=600)
    page = client.get(f"/attendance/contracts/{JUNE}/")
    assert page.status_code == 200 and "佐藤 一郎" in page.content.decode()
    csv = client.get(f"/attendance/contracts/{JUNE}/statements.csv")
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff") and "佐藤 一郎" in text and "ACME" in text
    xlsx = client.get(f"/attendance/contracts/{JUNE}/statements.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(2, 2).value == "ACME" and sheet.cell(2, 4).value == 10
    # 10 h against 140: 130 h short × 3,571.
    assert sheet.cell(2, 11).value == 130 * 3571


# --- API ----------------------------------------------------------------------------------------------------


def test_api_days_put_and_get(world):
    """PUT sets a day, GET lists the month; a bad time is a 422 naming the field."""
    api = Api(world.member)
    person = world.member.person
    put = api.put(
        f"/attendance/days/{person.pk}/2026-06-01",
        {"clock_in": "9:00", "clock_out": "18:00", "break_minutes": 60},
    )
    assert put.status_code == 200 and put.json()["worked_minutes"] == 480
    got = api.get("/attendance/days", month=JUNE)
    assert [d["date"] for d in got.json()] == ["2026-06-01"]
    bad = api.put(f"/attendance/days/{person.pk}/2026-06-02", {"clock_in": "nine"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "clock_in"]
    assert api.put(f"/attendance/days/{person.pk}/2026-06-01", {}).status_code == 204
    assert api.get("/attendance/days", month="June").status_code == 422


def test_api_import_dry_run_and_row_errors(world):
    """A dry run counts; a bad row answers 422 with file, row and column in `loc`."""
    api = Api(world.pmo)
    email = world.member.person.email
    columns = json.dumps({"person": "email", "date": "date", "clock_in": "in", "clock_out": "out"})
    good = f"email,date,in,out\r\n{email},2026-06-01,9:00,18:00\r\n".encode()
    from tests.api.test_api import _CLIENT

    def post(data: bytes, **extra: str):
        body = {"file": SimpleUploadedFile("a.csv", data), "columns": columns, **extra}
        return _CLIENT.post("/api/v1/attendance/imports", body, headers=api.headers)

    dry = post(good, dry_run="true")
    assert dry.status_code == 200 and dry.json()["created"] == 1 and not AttendanceDay.objects.exists()
    assert post(good).status_code == 200 and AttendanceDay.objects.get().clock_in == time(9)
    bad = post(good + b"x@example.com,2026-06-02,9:00,18:00\r\n")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["file", 3, "email"]


def test_api_overtime_reconciliation_contracts(world):
    """Overtime lists the member only for themselves; contracts are the PMO's (403 for others)."""
    overtime = Api(world.member).get("/attendance/overtime", year=2026).json()
    assert [p["person_id"] for p in overtime["people"]] == [world.member.person.pk]
    assert {f["rule"] for f in overtime["people"][0]["findings"]} >= {"monthly", "special_average"}
    assert Api(world.pmo).get("/attendance/reconciliation", month=JUNE).status_code == 200
    assert Api(world.member).get("/contracts").status_code == 403
    created = Api(world.pmo).post(
        "/contracts",
        {"person_id": world.outsider.person.pk, "vendor": "ACME", "start": "2026-04-01", "monthly_fee": "1",
         "lower_hours": "180", "upper_hours": "140", "deduction_rate": "1", "excess_rate": "1"},
    )  # fmt: skip
    assert created.status_code == 422 and created.json()["detail"][0]["loc"] == ["body", "upper_hours"]
