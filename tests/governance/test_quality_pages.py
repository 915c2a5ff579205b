"""Quality pages and API: records, defects, convergence, bands and lessons."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from kuroko.governance.models import Defect, Lesson, Phase, QualityIndicator, QualityRecord
from kuroko.governance.selectors.quality import defect_convergence, defect_matrices
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def phases(world):
    """Two phases of ALPHA."""
    return (
        Phase.objects.create(project=world.project, number=1, name="基本設計"),
        Phase.objects.create(project=world.project, number=2, name="結合テスト"),
    )


def _gompertz_defects(project, phase, start, days, total=120.0, b=6.0, c=0.15):
    """Defects found along a Gompertz curve, one row per defect."""
    import math

    made = 0
    for day in range(days):
        target = round(total * math.exp(-b * math.exp(-c * day)))
        for _ in range(target - made):
            Defect.objects.create(
                project=project, title=f"D{made}", phase_found=phase, found_on=start + timedelta(days=day)
            )
            made += 1
    return made


def test_quality_page_shows_records_indicators_chart(world, phases):
    """The page lists phases, colours indicators and draws the convergence chart with its words."""
    _design, it = phases
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=3, upper=8)
    QualityRecord.objects.create(project=world.project, phase=it, size_kloc=10, tests_planned=400)
    _gompertz_defects(world.project, it, date.today() - timedelta(days=59), 60)
    response = signed_in(world.pm).get("/projects/ALPHA/quality/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "結合テスト" in html and "基本設計" in html
    assert "q-cell-high" in html  # ~120 defects / 10 KLOC is above 8
    assert "spec-convergence" in html
    assert "Estimated total" in html and "converged" in html


def test_record_inline_edit_and_validation(world, phases):
    """Saving a record row stores it; passed above executed is refused naming the field."""
    _design, it = phases
    client = signed_in(world.pm)
    url = f"/projects/ALPHA/quality/records/{it.pk}/"
    assert client.get(url, headers={"HX-Request": "true"}).status_code == 200
    ok = client.post(
        url,
        {"size_kloc": "12.5", "tests_planned": "500", "tests_executed": "300", "tests_passed": "290"},
        headers={"HX-Request": "true"},
    )
    assert ok.status_code == 200 and 'class="flash"' in ok.content.decode()
    assert QualityRecord.objects.get(phase=it).tests_passed == 290
    bad = client.post(
        url,
        {"tests_planned": "10", "tests_executed": "5", "tests_passed": "6"},
        headers={"HX-Request": "true"},
    )
    assert "cannot exceed those executed" in bad.content.decode()
    assert QualityRecord.objects.get(phase=it).tests_passed == 290
    whole = client.post(
        "/projects/ALPHA/quality/records/0/", {"size_pages": "300"}, headers={"HX-Request": "true"}
    )
    assert whole.status_code == 200
    assert QualityRecord.objects.get(project=world.project, phase=None).size_pages == 300


def test_defect_register_add_filter_edit_export(world, phases, django_assert_max_num_queries):
    """A member records a defect; the register filters; fixing sets the fix date; the export keeps text."""
    _design, it = phases
    member = signed_in(world.member)
    response = member.post(
        "/projects/ALPHA/defects/",
        {
            "key": "BUG-1",
            "title": "=SUM(A1)",
            "severity": "2",
            "status": "open",
            "phase_found": it.pk,
            "found_on": "2026-06-01",
        },
    )
    assert response.status_code == 302
    defect = Defect.objects.get(key="BUG-1")
    assert defect.created_by == world.member
    Defect.objects.create(project=world.project, title="Typo", severity=4, found_on=date(2026, 6, 2))
    for n in range(20):
        Defect.objects.create(
            project=world.project, title=f"Other {n}", severity=3, found_on=date(2026, 6, 3)
        )
    pm = signed_in(world.pm)
    with django_assert_max_num_queries(20):
        listing = pm.get(
            "/projects/ALPHA/defects/?severity=2", headers={"HX-Request": "true", "HX-Target": "results"}
        )
    assert "=SUM(A1)" in listing.content.decode() and "Typo" not in listing.content.decode()
    saved = pm.post(
        f"/defects/{defect.pk}/row/",
        {"key": "BUG-1", "title": "=SUM(A1)", "severity": "2", "status": "fixed", "found_on": "2026-06-01"},
        headers={"HX-Request": "true"},
    )
    assert saved.status_code == 200
    defect.refresh_from_db()
    assert defect.status == "fixed" and defect.fixed_on is not None
    reopened = pm.post(
        f"/defects/{defect.pk}/",
        {"key": "BUG-1", "title": "=SUM(A1)", "severity": "2", "status": "open", "found_on": "2026-06-01"},
    )
    assert reopened.status_code == 302
    defect.refresh_from_db()
    assert defect.fixed_on is None
    export = pm.get("/projects/ALPHA/defects/export/")
    sheet = load_workbook(io.BytesIO(export.content)).active
    titles = [row[1].value for row in sheet.iter_rows(min_row=2)]
    assert "=SUM(A1)" in titles
    assert next(r for r in sheet.iter_rows(min_row=2) if r[1].value == "=SUM(A1)")[1].data_type == "s"


def test_convergence_by_week(world, phases):
    """Weekly convergence adds days into weeks and fits the curve."""
    _design, it = phases
    start = date(2026, 1, 5)
    _gompertz_defects(world.project, it, start, 84, total=200, c=0.1)
    c = defect_convergence(world.project, as_of=start + timedelta(days=83), by="week")
    assert len(c.points) == 12
    assert c.points[-1].found == Defect.objects.count()
    assert c.fit is not None and c.fit.a >= c.found


def test_convergence_without_enough_data(world):
    """Fewer than four periods: no fit, and the reason says so."""
    Defect.objects.create(project=world.project, title="x", found_on=date(2026, 1, 1))
    c = defect_convergence(world.project, as_of=date(2026, 1, 2))
    assert c.fit is None and "At least 4" in c.reason


def test_bands_page_pmo_saves_others_read(world):
    """The PMO saves bands for all projects; a bad number is refused and nothing is saved."""
    pmo = signed_in(world.pmo)
    assert (
        pmo.post(
            "/governance/quality-indicators/",
            {"defect_density_kloc-lower": "3", "defect_density_kloc-upper": "8"},
        ).status_code
        == 302
    )
    assert QualityIndicator.objects.get(metric="defect_density_kloc").upper == 8
    bad = pmo.post(
        "/governance/quality-indicators/",
        {"defect_density_kloc-lower": "9", "defect_density_kloc-upper": "8", "tests_per_kloc-lower": "x"},
    )
    assert bad.status_code == 422
    assert QualityIndicator.objects.get(metric="defect_density_kloc").lower == 3
    assert signed_in(world.member).get("/governance/quality-indicators/").status_code == 200
    assert signed_in(world.member).post("/governance/quality-indicators/", {}).status_code == 403


def test_lessons_search_and_edit(world):
    """Lessons are found by any word of their text; the author edits, others cannot."""
    member = signed_in(world.member)
    response = member.post(
        "/lessons/",
        {
            "title": "結合テスト前のレビュー強化",
            "category": "quality",
            "situation": "結合テストで設計起因の不具合が多発",
            "cause": "設計レビューの観点不足",
            "recommendation": "観点表を使う",
            "project": world.project.pk,
            "tags": "レビュー",
        },
    )
    assert response.status_code == 302
    lesson = Lesson.objects.get()
    hit = member.get("/lessons/?q=観点表", headers={"HX-Request": "true", "HX-Target": "results"})
    assert lesson.title in hit.content.decode()
    miss = member.get("/lessons/?q=予算", headers={"HX-Request": "true", "HX-Target": "results"})
    assert lesson.title not in miss.content.decode()
    assert signed_in(world.pm).post(f"/lessons/{lesson.pk}/", {"action": "delete"}).status_code == 403
    assert signed_in(world.pmo).post(f"/lessons/{lesson.pk}/", {"action": "delete"}).status_code == 302


def test_api_flow(world, phases):
    """Records, defects, bands and lessons through the API, with 422 naming the field."""
    _design, it = phases
    client = signed_in(world.pm)
    put = client.put(
        "/api/v1/projects/ALPHA/quality/records",
        {"phase": it.pk, "tests_planned": 5, "tests_executed": 6},
        content_type="application/json",
    )
    assert put.status_code == 422 and put.json()["detail"][0]["loc"][-1] == "tests_executed"
    assert (
        client.put(
            "/api/v1/projects/ALPHA/quality/records",
            {"phase": it.pk, "size_kloc": "4"},
            content_type="application/json",
        ).status_code
        == 200
    )
    created = client.post(
        "/api/v1/projects/ALPHA/defects",
        {"title": "Crash", "severity": 1, "phase_found": it.pk, "found_on": "2026-05-01"},
        content_type="application/json",
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    bad_phase = client.post(
        "/api/v1/projects/ALPHA/defects",
        {"title": "x", "phase_found": 999999},
        content_type="application/json",
    )
    assert bad_phase.status_code == 422 and bad_phase.json()["detail"][0]["loc"][-1] == "phase_found"
    fixed = client.patch(
        f"/api/v1/defects/{pk}",
        {"status": "fixed", "fixed_on": "2026-05-03"},
        content_type="application/json",
    )
    assert fixed.json()["fixed_on"] == "2026-05-03"
    early = client.patch(f"/api/v1/defects/{pk}", {"fixed_on": "2026-04-01"}, content_type="application/json")
    assert early.status_code == 422 and early.json()["detail"][0]["loc"][-1] == "fixed_on"
    assert client.get("/api/v1/projects/ALPHA/defects?severity=1").json()[0]["id"] == pk
    overview = client.get("/api/v1/projects/ALPHA/quality").json()
    assert {r["phase_name"] for r in overview["records"]} >= {"結合テスト"}
    pmo = signed_in(world.pmo)
    band = pmo.put(
        "/api/v1/quality-indicators",
        {"metric": "defect_density_kloc", "lower": 3, "upper": 8},
        content_type="application/json",
    )
    assert band.status_code == 200
    assert (
        pmo.put(
            "/api/v1/quality-indicators", {"metric": "spi", "lower": 1}, content_type="application/json"
        ).status_code
        == 422
    )
    assert client.get("/api/v1/quality-indicators").json()[0]["metric"] == "defect_density_kloc"
    lesson = client.post(
        "/api/v1/lessons",
        {"title": "T", "category": "risk", "situation": "S", "recommendation": "R", "project": "ALPHA"},
        content_type="application/json",
    )
    assert lesson.status_code == 201
    assert client.get("/api/v1/lessons?q=R&project=ALPHA").json()[0]["title"] == "T"
    assert client.delete(f"/api/v1/defects/{pk}").status_code == 204


def test_matrices_key_phases_by_id(world):
    """Two phases of the same name and a phase named "(none)" each keep their own column."""
    a = Phase.objects.create(project=world.project, number=1, name="Test")
    Phase.objects.create(project=world.project, number=2, name="Test")
    Phase.objects.create(project=world.project, number=3, name="(none)")
    for _ in range(3):
        Defect.objects.create(
            project=world.project, title="d", severity=2, found_on=date(2026, 6, 1), phase_found=a
        )
    Defect.objects.create(project=world.project, title="n", severity=2, found_on=date(2026, 6, 1))
    by_severity, by_phase = defect_matrices(world.project)
    assert by_severity.total == by_phase.total == 4
    assert by_severity.columns == ["Test", "Test", "(none)", "(none)"]
    assert by_severity.cells[1] == [3, 0, 0, 1]  # severity 2 (major): three in the first "Test", one without
    assert by_phase.cells[3] == [3, 0, 0, 1]  # injected nowhere


def test_api_as_of_out_of_range_is_422(world):
    """A far-future or ancient as_of answers 422 naming as_of, not a server error."""
    Defect.objects.create(project=world.project, title="x", severity=2, found_on=date(2026, 6, 1))
    client = signed_in(world.pm)
    for day in ("9999-12-28", "1800-01-01"):
        response = client.get(f"/api/v1/projects/ALPHA/quality?by=week&as_of={day}")
        assert response.status_code == 422
        assert response.json()["detail"][0]["loc"][-1] == "as_of"


def test_convergence_caps_the_periods(world):
    """Over MAX_PERIODS days from the first defect: no points, and the reason says to choose weeks."""
    Defect.objects.create(project=world.project, title="x", found_on=date(2000, 1, 1))
    c = defect_convergence(world.project, as_of=date(2026, 6, 1), by="day")
    assert c.points == [] and c.fit is None and "Too many periods" in c.reason
    assert len(defect_convergence(world.project, as_of=date(2026, 6, 1), by="week").points) == 1379


@pytest.mark.parametrize(
    ("method", "url", "body", "field"),
    [
        ("get", "/api/v1/projects/ALPHA/defects?phase_found=99999999999999999999", None, "phase_found"),
        ("get", "/api/v1/projects/ALPHA/defects?phase_injected=0", None, "phase_injected"),
        ("post", "/api/v1/projects/ALPHA/defects", {"title": "x", "task": 2**63}, "task"),
        ("put", "/api/v1/projects/ALPHA/quality/records", {"phase": 2**64}, "phase"),
    ],
)
def test_api_ids_out_of_range_are_422(world, method, url, body, field):
    """An id beyond 64 bits (or below 1) in a filter or a body is a 422 naming the field."""
    client = signed_in(world.pm)
    client.raise_request_exception = False
    kwargs = {"data": body, "content_type": "application/json"} if body is not None else {}
    response = getattr(client, method)(url, **kwargs)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == field


def test_api_patch_with_a_huge_id_is_422(world):
    """PATCH of a defect with a phase id beyond 64 bits: 422, the defect unchanged."""
    defect = Defect.objects.create(
        project=world.project, title="x", found_on=date(2026, 6, 1), created_by=world.pm
    )
    response = signed_in(world.pm).patch(
        f"/api/v1/defects/{defect.pk}", {"phase_found": 2**63}, content_type="application/json"
    )
    assert response.status_code == 422 and response.json()["detail"][0]["loc"][-1] == "phase_found"


def test_lessons_page_has_no_english_empty_choice(world, settings):
    """The lesson form's category reads "—" for its empty choice, not Django's English placeholder."""
    settings.LANGUAGE_CODE = "ja"
    html = signed_in(world.member).get("/lessons/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "Select an option" not in html
    assert '<option value="" selected>—</option>' in html


def test_quality_page_queries_do_not_grow_with_phases(world):
    """The quality page runs as many queries with ten phases as with two."""
    for metric in ("defect_density_kloc", "review_coverage", "open_defects_sev1", "test_pass_rate"):
        QualityIndicator.objects.create(metric=metric, lower=0, upper=1000)
    client = signed_in(world.pm)

    def add_phases(numbers):
        for n in numbers:
            phase = Phase.objects.create(project=world.project, number=n, name=f"P{n}")
            QualityRecord.objects.create(project=world.project, phase=phase, size_kloc=10, reviews_planned=3)
            Defect.objects.create(
                project=world.project, title="d", phase_found=phase, found_on=date(2026, 6, n)
            )

    add_phases(range(1, 3))
    with CaptureQueriesContext(connection) as two:
        assert client.get("/projects/ALPHA/quality/").status_code == 200
    add_phases(range(3, 11))
    with CaptureQueriesContext(connection) as ten:
        assert client.get("/projects/ALPHA/quality/").status_code == 200
    assert len(ten) == len(two)


def test_no_past_date_when_not_converged(world):
    """When the curve reached its share already but too many defects still come, the page says fewer are
    needed instead of "expected around" a day in the past."""
    today = date.today()
    cumulative = [5, 20, 50, 80, 95, 99, 100, 100, 100, 104]
    start = today - timedelta(days=len(cumulative) - 1)
    made = 0
    for i, n in enumerate(cumulative):
        for _ in range(n - made):
            Defect.objects.create(
                project=world.project, title="d", severity=3, found_on=start + timedelta(days=i)
            )
        made = n
    c = defect_convergence(world.project, as_of=today)
    assert c.fit is not None and not c.fit.converged
    assert c.estimated_finish is None and c.needs_fewer_new
    html = signed_in(world.pm).get("/projects/ALPHA/quality/").content.decode()
    summary = html[html.index('id="convergence-summary"') :].split("</p>")[0]
    assert "expected around" not in summary
    assert "fewer new defects per period are needed" in summary
