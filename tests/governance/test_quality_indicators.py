"""Quality indicator bands and results (the interface the audits part calls)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from kuroko.governance.metrics import metric_value
from kuroko.governance.models import Defect, Phase, QualityIndicator, QualityRecord
from kuroko.governance.selectors.quality import band_state, effective_bands, quality_indicator_results
from kuroko.projects.models import ProjectType
from tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("value", "lower", "upper", "state"),
    [
        (None, Decimal(1), Decimal(2), "no_data"),  # no value: grey
        (Decimal("0.9"), Decimal(1), Decimal(2), "low"),  # below the band
        (Decimal(1), Decimal(1), Decimal(2), "ok"),  # lower bound is inside
        (Decimal(2), Decimal(1), Decimal(2), "ok"),  # upper bound is inside
        (Decimal("2.1"), Decimal(1), Decimal(2), "high"),  # above the band
        (Decimal(99), None, Decimal(100), "ok"),  # open lower end
        (Decimal(5), Decimal(6), None, "low"),  # open upper end
    ],
)
def test_band_state(value, lower, upper, state):
    """A value is ok inside its band (bounds included), low or high outside, no_data without a value."""
    assert band_state(value, lower, upper) == state


def test_type_band_overrides_default():
    """The project type's band replaces the organisation default for that metric only."""
    waterfall = ProjectType.objects.create(code="WF", name="Waterfall")
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=1, upper=10)
    QualityIndicator.objects.create(metric="tests_per_kloc", lower=20, upper=80)
    QualityIndicator.objects.create(project_type=waterfall, metric="defect_density_kloc", lower=3, upper=8)
    bands = effective_bands(waterfall)
    assert (bands["defect_density_kloc"].lower, bands["defect_density_kloc"].upper) == (3, 8)
    assert bands["tests_per_kloc"].project_type_id is None
    assert effective_bands(None)["defect_density_kloc"].upper == 10


def test_results_for_project_and_phases():
    """Each banded metric is judged for the whole project and for every phase with data."""
    waterfall = ProjectType.objects.create(code="WF", name="Waterfall")
    project = ProjectFactory(project_type=waterfall)
    it = Phase.objects.create(project=project, number=5, name="結合テスト")
    Phase.objects.create(project=project, number=6, name="総合テスト")  # no data: not listed
    QualityIndicator.objects.create(project_type=waterfall, metric="defect_density_kloc", lower=3, upper=8)
    QualityIndicator.objects.create(metric="test_pass_rate", lower=95)
    QualityRecord.objects.create(project=project, phase=it, size_kloc=2, tests_planned=10)
    for day in range(20):
        Defect.objects.create(
            project=project, title=f"d{day}", phase_found=it, found_on=date(2026, 6, 1 + day)
        )
    results = quality_indicator_results(project, as_of=AS_OF)
    got = {(r.metric, r.phase.name if r.phase else None): (r.value, r.state) for r in results}
    assert got == {
        ("defect_density_kloc", None): (Decimal(10), "high"),
        ("test_pass_rate", None): (None, "no_data"),
        ("defect_density_kloc", "結合テスト"): (Decimal(10), "high"),
        ("test_pass_rate", "結合テスト"): (None, "no_data"),
    }
    assert results[0].label == "Defects per KLOC"
    assert quality_indicator_results(project, as_of=date(2026, 6, 10))[0].state == "ok"  # 10 defects / 2 KLOC


def test_no_bands_no_results():
    """A project whose type and organisation have no bands has no indicator results."""
    assert quality_indicator_results(ProjectFactory(), as_of=AS_OF) == []


def test_ratios_only_over_records_with_both_figures():
    """A phase with reviews held or tests executed but nothing planned does not push a share above 100 %."""
    project = ProjectFactory()
    a = Phase.objects.create(project=project, number=1, name="A")
    b = Phase.objects.create(project=project, number=2, name="B")
    QualityRecord.objects.create(
        project=project, phase=a, reviews_planned=10, reviews_done=8, tests_planned=100, tests_executed=90,
        review_findings=30, size_pages=10,
    )  # fmt: skip
    # B measured only the done side of each ratio (and findings without pages).
    QualityRecord.objects.create(
        project=project, phase=b, reviews_done=10, tests_executed=50, review_findings=99
    )
    assert metric_value(project, "review_coverage", as_of=AS_OF) == Decimal(80)
    assert metric_value(project, "test_execution_rate", as_of=AS_OF) == Decimal(90)
    assert metric_value(project, "review_findings_per_page", as_of=AS_OF) == Decimal(3)
    assert metric_value(project, "review_coverage", phase=b, as_of=AS_OF) is None


def test_density_of_zero_without_tests_is_no_data():
    """0 defects before any test case is executed says nothing: no_data, not below the band."""
    project = ProjectFactory()
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=3, upper=8)
    record = QualityRecord.objects.create(project=project, size_kloc=10)
    [result] = quality_indicator_results(project, as_of=AS_OF)
    assert (result.value, result.state) == (Decimal(0), "no_data")
    record.tests_planned = record.tests_executed = 20
    record.save()
    assert quality_indicator_results(project, as_of=AS_OF)[0].state == "low"


def test_results_without_phases():
    """phases=False gives the whole-project results only."""
    project = ProjectFactory()
    it = Phase.objects.create(project=project, number=1, name="IT")
    QualityIndicator.objects.create(metric="defect_density_kloc", lower=3, upper=8)
    QualityRecord.objects.create(project=project, phase=it, size_kloc=2, tests_executed=5, tests_planned=5)
    assert [r.phase for r in quality_indicator_results(project, as_of=AS_OF, phases=False)] == [None]


def test_as_of_is_bounded():
    """A day before 1900 or more than a year ahead is refused naming as_of."""
    project = ProjectFactory()
    for day in (date(1899, 12, 31), date(9999, 12, 28)):
        with pytest.raises(ValidationError) as exc:
            quality_indicator_results(project, as_of=day)
        assert "as_of" in exc.value.message_dict
