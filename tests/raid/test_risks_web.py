"""Risk register pages: the register (filters, heat-map cell, query count), adding a risk, inline edit
with 422 and 409, the detail page, review, delete, the portfolio page and the Excel export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kuroko.raid import services
from kuroko.raid.models import Risk
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def add(world, **data):
    values = {"title": "Vendor late", "probability": 3, "impact_schedule": 4, **data}
    return services.risk_create(actor=world.pm, project=world.project, data=values)


def row_form(risk, **changes):
    """The inline row's fields as the page posts them."""
    data = {
        "version": risk.version,
        "title": risk.title,
        "category": risk.category,
        "owner": risk.owner_id or "",
        "probability": risk.probability,
        "impact_cost": risk.impact_cost,
        "impact_schedule": risk.impact_schedule,
        "impact_quality": risk.impact_quality,
        "status": risk.status,
        "next_review": risk.next_review.isoformat() if risk.next_review else "",
    }
    data.update(changes)
    return data


def test_register_lists_filters_and_shows_heat_map(world):
    """The register lists open risks with the heat map; a cell filters to its risks (htmx partial)."""
    high = add(world, title="Vendor late", probability=5, impact_cost=5)
    add(world, title="Printer jam", probability=1, impact_schedule=1)
    client = signed_in(world.pm)
    page = client.get("/projects/ALPHA/risks/").content.decode()
    assert "Vendor late" in page and "Printer jam" in page
    assert 'data-cell="5-5"' in page and "raid/_tabs.html" not in page
    cell = client.get("/projects/ALPHA/risks/?probability=5&impact=5", headers={"HX-Request": "true"})
    body = cell.content.decode()
    assert cell.status_code == 200 and body.lstrip().startswith('<div id="results"')
    assert "Vendor late" in body and "Printer jam" not in body
    assert f'id="risk-{high.pk}"' in body
    assert 'id="cell-filter"' in body


def test_register_query_count_does_not_grow_with_risks(world, django_assert_max_num_queries):
    """The register costs the same number of queries for 2 risks as for 30."""
    client = signed_in(world.pm)
    for n in range(2):
        add(world, title=f"Risk {n}", owner=world.member.person)
    client.get("/projects/ALPHA/risks/")  # matrix and organisation rows created on first use
    with django_assert_max_num_queries(20) as few:
        client.get("/projects/ALPHA/risks/")
    for n in range(28):
        add(world, title=f"More {n}", owner=world.member.person)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/projects/ALPHA/risks/")
    assert response.content.decode().count('class="level-chip') >= 30


def test_add_risk(world):
    """The add form creates R-001 and redirects to the register; a bad form answers 422 naming the field."""
    client = signed_in(world.member)
    response = client.post(
        "/projects/ALPHA/risks/add/",
        {"title": "Flaky CI", "kind": "threat", "category": "technical", "probability": 4,
         "impact_cost": 0, "impact_schedule": 3, "impact_quality": 2},
    )  # fmt: skip
    assert response.status_code == 302
    risk = Risk.objects.get()
    assert (risk.code, risk.score, risk.raised_by) == ("R-001", 12, world.member.person)
    bad = client.post(
        "/projects/ALPHA/risks/add/",
        {"title": "", "kind": "threat", "category": "technical", "probability": 9,
         "impact_cost": 0, "impact_schedule": 0, "impact_quality": 0},
    )  # fmt: skip
    assert bad.status_code == 422
    assert "This field is required" in bad.content.decode()
    assert Risk.objects.count() == 1
    assert signed_in(world.executive).post("/projects/ALPHA/risks/add/", {"title": "x"}).status_code == 403


def test_inline_edit_saves_and_returns_the_row(world):
    """GET gives the row as a form; POST saves and answers with the row and the heat map out of band."""
    risk = add(world)
    client = signed_in(world.pm)
    form = client.get(f"/risks/{risk.pk}/row/edit/")
    assert form.status_code == 200 and 'class="editing"' in form.content.decode()
    saved = client.post(
        f"/risks/{risk.pk}/row/edit/", row_form(risk, probability=5, title="Vendor very late")
    )
    body = saved.content.decode()
    assert saved.status_code == 200
    assert "Vendor very late" in body and "<strong>20</strong>" in body
    assert 'hx-swap-oob="true"' in body
    risk.refresh_from_db()
    assert (risk.score, risk.version) == (20, 2)


def test_inline_edit_bad_input_is_422_and_stale_version_409(world):
    """An impact off the scale: 422 with the message in the row; a stale version: 409 with the conflict."""
    risk = add(world)
    client = signed_in(world.pm)
    bad = client.post(f"/risks/{risk.pk}/row/edit/", row_form(risk, impact_cost=9))
    assert bad.status_code == 422 and 'class="editing"' in bad.content.decode()
    services.risk_update(actor=world.admin, risk=risk, data={"title": "Changed"}, expected_version=None)
    stale = client.post(f"/risks/{risk.pk}/row/edit/", row_form(risk, probability=1))
    body = stale.content.decode()
    assert stale.status_code == 409
    assert "was changed by" in body and "Changed" in body
    risk.refresh_from_db()
    assert risk.probability == 3


def test_inline_edit_refused_for_readers(world):
    """The executive reads the register but cannot open a row for editing."""
    risk = add(world)
    assert signed_in(world.executive).get(f"/risks/{risk.pk}/row/edit/").status_code == 403
    assert signed_in(world.outsider).get(f"/risks/{risk.pk}/row/").status_code == 403


def test_detail_page_saves_every_group(world):
    """The detail form saves description, response, residual and quantitative fields (3d → minutes)."""
    risk = add(world)
    client = signed_in(world.pm)
    page = client.get(f"/risks/{risk.pk}/")
    assert page.status_code == 200 and 'id="mark-reviewed"' in page.content.decode()
    data = {
        "version": risk.version, "title": "Vendor late", "kind": "threat", "category": "supplier",
        "owner": world.member.person.pk, "raised_on": risk.raised_on.isoformat(), "cause": "One vendor",
        "event": "They are late", "effect": "Test slips", "probability": 4, "impact_cost": 2,
        "impact_schedule": 4, "impact_quality": 0, "proximity": "near", "strategy": "mitigate",
        "response": "Second vendor", "trigger": "No delivery", "residual_probability": 2,
        "residual_impact": 2, "status": "responding", "next_review": "", "probability_percent": "40",
        "cost_min": "100", "cost_most_likely": "200", "cost_max": "400", "schedule_min": "1d",
        "schedule_most_likely": "3d", "schedule_max": "4h", "tasks": [world.owned_task.pk],
    }  # fmt: skip
    bad = client.post(f"/risks/{risk.pk}/", data)
    assert bad.status_code == 422
    assert "The maximum must not be below the most likely value." in bad.content.decode()
    data["schedule_max"] = "5d"
    response = client.post(f"/risks/{risk.pk}/", data)
    assert response.status_code == 302
    risk.refresh_from_db()
    assert (risk.score, risk.residual_score, risk.strategy) == (16, 4, "mitigate")
    assert risk.schedule_most_likely_minutes == 3 * 8 * 60
    assert list(risk.tasks.values_list("pk", flat=True)) == [world.owned_task.pk]
    assert "Score history" in client.get(f"/risks/{risk.pk}/").content.decode()


def test_detail_read_only_for_executive(world):
    """The executive sees the risk with disabled fields and no Save or Mark reviewed."""
    risk = add(world)
    body = signed_in(world.executive).get(f"/risks/{risk.pk}/").content.decode()
    assert "disabled" in body and 'id="mark-reviewed"' not in body
    assert signed_in(world.executive).post(f"/risks/{risk.pk}/", {"title": "x"}).status_code == 403


def test_review_and_delete(world):
    """Mark reviewed moves the next review; delete removes the risk (project editors only)."""
    risk = add(world)
    client = signed_in(world.pm)
    assert client.post(f"/risks/{risk.pk}/review/", {"version": risk.version}).status_code == 302
    risk.refresh_from_db()
    assert risk.last_reviewed == timezone.localdate()
    assert risk.next_review == timezone.localdate() + timedelta(days=14)
    assert signed_in(world.member).post(f"/risks/{risk.pk}/delete/").status_code == 403
    assert client.post(f"/risks/{risk.pk}/delete/").status_code == 302
    assert not Risk.objects.exists()


def test_portfolio_page_shows_top_due_trend_and_cell(world):
    """The portfolio page lists top risks, overdue reviews, the trend spec and a clicked cell's risks."""
    add(world, title="Vendor late", probability=5, impact_cost=5)
    late = add(world, title="Old review", probability=1, impact_cost=1)
    Risk.objects.filter(pk=late.pk).update(next_review=timezone.localdate() - timedelta(days=3))
    client = signed_in(world.pm)
    body = client.get("/raid/risks/").content.decode()
    assert "Vendor late" in body and 'id="due-risks"' in body and "Old review" in body
    assert 'id="spec-trend"' in body
    cell = client.get("/raid/risks/?probability=5&impact=5&project=ALPHA").content.decode()
    assert 'id="cell-risks"' in cell
    assert "Old review" in signed_in(world.admin).get("/raid/risks/?program=PG1").content.decode()
    assert "Vendor late" not in signed_in(world.outsider).get("/raid/risks/").content.decode()


def test_matrix_page_is_pmo_only(world):
    """The PMO opens the matrix settings; a PM gets 403."""
    assert signed_in(world.pmo).get("/raid/matrix/").status_code == 200
    assert signed_in(world.pm).get("/raid/matrix/").status_code == 403


def test_export_downloads_a_workbook(world):
    """The export is an .xlsx named after the project."""
    add(world)
    response = signed_in(world.member).get("/projects/ALPHA/risks/export/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="ALPHA-risks-' in response["Content-Disposition"]
    assert response.content[:2] == b"PK"
