"""Report levels and the words of stored facts shown in the reader's language."""

from __future__ import annotations

from django.utils import translation

from kuroko.governance.metrics import METRICS
from kuroko.reporting.levels import quality_label, quality_unit


def test_quality_label_is_worded_for_the_reader_not_the_drafter():
    """A fact drafted in English shows the indicator's Japanese name to a Japanese reader."""
    with translation.override("ja"):
        expected = str(METRICS["review_coverage"].label)
        assert quality_label("review_coverage", "Review coverage") == expected
        assert expected != "Review coverage"
        assert quality_unit("review_coverage", "stored") == str(METRICS["review_coverage"].unit)


def test_quality_label_of_a_metric_no_longer_registered_keeps_the_stored_name():
    """An indicator that is not registered any more shows the name the facts kept."""
    assert quality_label("retired_metric", "Old metric") == "Old metric"
    assert quality_unit("retired_metric", "pages") == "pages"


def test_quality_reason_names_follow_the_reader():
    """The quality reason names its indicators in the reader's language, not the drafter's."""
    from kuroko.reporting.rag import reason_text

    reason = {
        "code": "quality_out_of_band",
        "params": {"count": 1, "names": "Open severity-1 defects", "metrics": ["open_defects_sev1"]},
    }
    with translation.override("ja"):
        text = reason_text(reason)
        assert str(METRICS["open_defects_sev1"].label) in text and "Open severity-1" not in text


def test_finding_is_worded_for_the_reader():
    """A finding stored in the organisation's language shows the rule's title to a reader of another."""
    from kuroko.governance.audit.registry import RULES
    from kuroko.reporting.levels import finding_text

    stored = "3 tasks have no predecessor"
    with translation.override("en"):
        assert finding_text("dcma.logic", stored) == stored
    with translation.override("ja"):
        assert finding_text("dcma.logic", stored) == str(RULES["dcma.logic"].title)
    assert finding_text("gone.rule", stored) == stored


def test_quality_facts_are_drafted_in_the_organisations_language(world):
    """Two weeks drafted by readers of different languages store the same indicator name."""
    from datetime import date, timedelta

    from kuroko.governance.models import QualityIndicator
    from kuroko.reporting.services import status as services

    QualityIndicator.objects.create(project_type=None, metric="open_defects_sev1", upper=0)
    week = date(2026, 11, 16)
    with translation.override("en"):
        a = services.report_get_or_draft(project=world.project, week=week, actor=world.pm)
    with translation.override("ja"):
        b = services.report_get_or_draft(project=world.project, week=week - timedelta(days=7), actor=world.pm)
    assert a.facts["quality"][0]["label"] == b.facts["quality"][0]["label"]
