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
