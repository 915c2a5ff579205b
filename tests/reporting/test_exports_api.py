"""REST endpoints of the exports part: the portfolio summary, exports, the archive and schedules."""

from __future__ import annotations

import json

import pytest

from kuroko.reporting.models import GeneratedReport, ReportSchedule
from tests.conftest import signed_in
from tests.reporting.test_exports import WEEK, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _archive_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


def test_portfolio_summary_json(world):
    """The summary's JSON has every readable project's colours and the week's lists."""
    make_report(world.project)
    body = signed_in(world.pmo).get("/api/v1/reports/portfolio?week=2026-W47").json()
    assert body["week"] == "2026-W47"
    alpha = next(p for p in body["projects"] if p["project"] == "ALPHA")
    assert alpha["reported"] and alpha["rags"]["overall"] == "red"
    assert body["top_risks"][0]["code"] == "R-001"
    assert body["totals"]["variance"] == -1_000_000.0


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/reports/portfolio?week=2026-W77", "week"),  # no such week
        ("/api/v1/reports/portfolio?program=NOPE", "program"),  # unknown program
        ("/api/v1/reports/portfolio/export/docx", "format"),  # unknown format
        ("/api/v1/reports/portfolio/export/pdf?lang=fr", "lang"),  # unknown language
        ("/api/v1/projects/ALPHA/status-reports/2026-W99/export/pdf", "week"),  # bad week in the path
        ("/api/v1/reports/portfolio?week=0001-01-01", "week"),  # before the years reported
        ("/api/v1/reports/portfolio?week=9999-W52", "week"),  # after them
        ("/api/v1/reports/portfolio/export/pdf?week=9999-12-31", "week"),
        ("/api/v1/projects/ALPHA/status-reports/9999-W52/export/pdf", "week"),
    ],
)
def test_bad_input_is_422_naming_the_field(world, url, field):
    """Bad parameters answer 422 with a detail naming the field; nothing is archived."""
    response = signed_in(world.pmo).get(url)
    assert response.status_code == 422, response.content
    assert field in json.dumps(response.json()["detail"])
    assert GeneratedReport.objects.count() == 0


def test_exports_and_archive_download(world):
    """A project export returns the file; the archive lists it and downloads it again."""
    make_report(world.project)
    client = signed_in(world.pm)
    response = client.get("/api/v1/projects/ALPHA/status-reports/2026-W47/export/pptx?lang=ja")
    assert response.status_code == 200 and b"".join(response.streaming_content)[:2] == b"PK"
    listed = client.get("/api/v1/reports/archive?format=pptx").json()
    assert [(g["project"], g["language"], g["week"]) for g in listed] == [("ALPHA", "ja", WEEK.isoformat())]
    again = client.get(listed[0]["download"])
    assert again.status_code == 200 and again["Content-Type"].endswith("presentationml.presentation")


def test_schedule_crud(world):
    """Create, read, change (partially), run and delete a schedule; errors name their field."""
    client = signed_in(world.pm)
    wrong = {"name": "x", "kind": "project", "formats": ["doc"], "project": "ALPHA"}
    bad = client.post("/api/v1/reports/schedules", wrong, content_type="application/json")
    assert bad.status_code == 422 and "formats" in json.dumps(bad.json())
    created = client.post(
        "/api/v1/reports/schedules",
        {"name": "ALPHA 週報", "kind": "project", "formats": ["pdf"], "project": "ALPHA",
         "subscribers": [world.member.pk]},
        content_type="application/json",
    ).json()  # fmt: skip
    assert (
        created["owner"] == "pm" and created["weekday"] == 4 and created["subscribers"] == [world.member.pk]
    )
    url = f"/api/v1/reports/schedules/{created['id']}"
    changed = client.put(
        url, {"weekday": 0, "formats": ["xlsx", "pdf"]}, content_type="application/json"
    ).json()
    assert (
        changed["weekday"] == 0 and changed["formats"] == ["pdf", "xlsx"] and changed["name"] == "ALPHA 週報"
    )
    assert signed_in(world.member).get(url).status_code == 200
    assert (
        signed_in(world.member).put(url, {"weekday": 1}, content_type="application/json").status_code == 403
    )
    assert client.delete(url).status_code == 204
    assert not ReportSchedule.objects.exists()
