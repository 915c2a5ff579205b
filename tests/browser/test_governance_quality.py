"""Quality management in a real browser: record a defect, see the convergence chart and the indicator
colours, search a lesson."""

from __future__ import annotations

import math
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from kuroko.governance.models import Defect, Lesson, Phase, QualityIndicator, QualityRecord
from tests.browser.conftest import Site

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_defect_chart_indicators_and_lesson_search(site: Site, world) -> None:
    """A member records a defect; the quality page draws the curve and colours; a lesson is found."""
    it = Phase.objects.create(project=world.project, number=1, name="結合テスト")
    QualityRecord.objects.create(project=world.project, phase=it, size_kloc=10, tests_planned=400)
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=3, upper=8)
    QualityIndicator.objects.create(metric="tests_per_kloc", lower=30, upper=60)
    start = date.today() - timedelta(days=39)
    made = 0
    for day in range(40):
        target = round(60 * math.exp(-6 * math.exp(-0.15 * day)))
        for _ in range(target - made):
            Defect.objects.create(
                project=world.project, title=f"D{made}", phase_found=it, found_on=start + timedelta(days=day)
            )
            made += 1
    Lesson.objects.create(
        title="観点表でレビュー",
        category="quality",
        situation="指摘がばらついた",
        recommendation="観点表を使う",
        created_by=world.pmo,
    )
    site.login(world.member)
    page = site.goto("/projects/ALPHA/defects/")
    page.locator("#add-defect #id_title").fill("帳票出力で桁あふれ")
    page.locator("#add-defect #id_severity").select_option("2")
    page.locator("#add-defect #id_phase_found").select_option(str(it.pk))
    page.locator("#add-defect button[type=submit]").click()
    expect(page.locator("#defect-table")).to_contain_text("帳票出力で桁あふれ")
    page = site.goto("/projects/ALPHA/quality/")
    expect(page.locator("#chart-convergence")).to_have_attribute("data-rendered", "true")
    expect(page.locator("#chart-convergence svg")).to_be_visible()
    expect(page.locator("#convergence-summary")).to_contain_text("Estimated total")
    expect(page.locator("#indicator-table td.q-cell-ok").first).to_be_visible()  # 61 defects / 10 KLOC
    expect(page.locator("#indicator-table td.q-cell-ok")).to_have_count(4)
    page = site.goto("/lessons/")
    site.mark()
    page.locator("#id_q").fill("観点表")
    expect(page.locator("#results")).to_contain_text("観点表でレビュー")
    page.locator("#id_q").fill("予算超過")
    expect(page.locator("#results")).to_contain_text("No lessons match.")
    site.assert_same_document()
