"""RAG rules of weekly status reports: each rule's thresholds, settings inheritance and the overall colour."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuroko.reporting import rag
from kuroko.reporting.facts import MilestoneFact, ProjectFacts, QualityFact

WEEK = date(2026, 11, 16)


def facts(**extra) -> ProjectFacts:
    base = dict(
        project_id=1, code="A", name="A", manager="", program="", project_type="", currency="JPY", week=WEEK,
        status_date=date(2026, 11, 20), percent_complete=50.0, planned_percent=50.0, start=None, finish=None,
        baseline_finish=None, finish_variance_days=None,
    )  # fmt: skip
    base.update(extra)
    return ProjectFacts(**base)


DEFAULTS = rag.effective_settings(None, [])


def colour(f: ProjectFacts, dimension: str) -> dict:
    return rag.computed_colours(f, DEFAULTS)[dimension]


def test_quiet_project_is_green():
    """No rule fires on a project without problems: every dimension and overall are green."""
    computed = rag.computed_colours(facts(spi=1.0, cpi=1.0), DEFAULTS)
    assert {d: c["rag"] for d, c in computed.items()} == dict.fromkeys(rag.DIMENSIONS, "green")
    assert rag.effective_colours(computed, {}, DEFAULTS)["overall"]["rag"] == "green"


@pytest.mark.parametrize(
    ("extra", "dimension", "expected", "code"),
    [
        ({"spi": 0.9}, "schedule", "amber", "spi_low"),  # below 0.95
        ({"spi": 0.8}, "schedule", "red", "spi_low"),  # below 0.85
        ({"spi": 0.95}, "schedule", "green", None),  # exactly the amber threshold is not below it
        ({"cpi": 0.82}, "cost", "red", "cpi_low"),
        ({"finish_variance_days": 6}, "schedule", "amber", "finish_late"),  # from 5
        ({"finish_variance_days": 15}, "schedule", "red", "finish_late"),  # from 15
        ({"eac": 1_070_000.0, "budget": 1_000_000.0}, "cost", "amber", "eac_over_budget"),  # 7 % over
        ({"eac": 1_200_000.0, "budget": 1_000_000.0}, "cost", "red", "eac_over_budget"),  # 20 % over
        ({"change_requests_pending": 2}, "scope", "amber", "change_requests_pending"),
        ({"severe_defects": 5}, "quality", "red", "severe_defects"),
        ({"high_risks": 1}, "risk", "amber", "high_risks"),
        ({"escalated_issues": 2}, "risk", "red", "escalated_issues"),
        ({"gate": {"phase": "基本設計", "status": "failed"}}, "schedule", "red", "gate_failed"),
        ({"gate": {"phase": "基本設計", "status": "overdue"}}, "schedule", "amber", "gate_overdue"),
    ],
)
def test_rule_thresholds(extra, dimension, expected, code):
    """Each rule fires at its documented default thresholds, with its reason code."""
    result = colour(facts(**extra), dimension)
    assert result["rag"] == expected
    assert [r["code"] for r in result["reasons"]][:1] == ([code] if code else [])


def test_milestone_slip_reason_is_worded():
    """The worst milestone slip names the milestone and the working days, in the reader's language."""
    ms = [
        MilestoneFact(1, "1.1", "要件定義完了", date(2026, 11, 2), date(2026, 11, 4), None, 2, "missed"),
        MilestoneFact(2, "1.2", "基本設計完了", date(2026, 11, 18), date(2026, 11, 26), None, 6, "due"),
    ]
    result = colour(facts(milestones_this_week=ms), "schedule")
    assert result["rag"] == "red"
    assert rag.reason_text(result["reasons"][0]) == "Milestone 基本設計完了 slipped 6 working days"


def test_quality_bands():
    """Indicators outside their band colour quality; indicators without data do not."""
    q = [
        QualityFact("defect_density", "Defect density", 12.0, "/KLOC", "red"),
        QualityFact("x", "X", None, "", ""),
    ]
    assert colour(facts(quality=q), "quality")["rag"] == "amber"


def test_settings_inherit_type_over_all_over_default():
    """A type's row beats the all-projects row, which beats the default; missing thresholds are inherited."""
    rows = [
        SimpleNamespace(project_type_id=None, rule="cost.cpi", enabled=True, params={"amber_below": 0.9}),
        SimpleNamespace(project_type_id=7, rule="cost.cpi", enabled=True, params={"red_below": 0.7}),
        SimpleNamespace(project_type_id=7, rule="risk.high_risks", enabled=False, params={}),
        SimpleNamespace(project_type_id=8, rule="cost.cpi", enabled=False, params={}),
    ]
    typed = rag.effective_settings(7, rows)
    assert typed["cost.cpi"].params == {"amber_below": 0.9, "red_below": 0.7}
    assert typed["cost.cpi"].source == "type"
    assert not typed["risk.high_risks"].enabled
    untyped = rag.effective_settings(None, rows)
    assert untyped["cost.cpi"].params == {"amber_below": 0.9, "red_below": 0.85}
    assert untyped["risk.high_risks"].enabled
    assert untyped["schedule.spi"].source == "default"
    # A disabled rule does not fire.
    assert rag.computed_colours(facts(high_risks=9), typed)["risk"]["rag"] == "green"


def test_override_changes_overall():
    """Overriding a dimension changes the overall colour; the computed colour stays beside it."""
    computed = rag.computed_colours(facts(cpi=0.8), DEFAULTS)
    overrides = {"cost": {"rag": "amber", "justification": "顧客負担で合意済み"}}
    result = rag.effective_colours(computed, overrides, DEFAULTS)
    assert result["cost"] == {**result["cost"], "rag": "amber", "computed": "red", "overridden": True}
    assert result["overall"]["rag"] == "amber"
    assert rag.worded(result["cost"]).startswith("顧客負担で合意済み; CPI 0.80")


COLOURS = st.sampled_from(["green", "amber", "red"])


@given(st.fixed_dictionaries({d: COLOURS for d in rag.DIMENSIONS}), st.integers(0, 5))
def test_overall_is_never_better_than_worst_dimension(colours, limit):
    """Overall is never better than the worst dimension, and amber unless enough ambers make it red."""
    settings = rag.effective_settings(
        None, [SimpleNamespace(project_type_id=None, rule="overall.combine", enabled=True,
                               params={"amber_to_red": limit})]
    )  # fmt: skip
    dims = {d: {"rag": c, "reasons": [{"code": "x", "params": {"d": d}}]} for d, c in colours.items()}
    result = rag.combine(dims, settings)
    overall = result["rag"]
    worst = max(colours.values(), key=lambda c: rag.RANK[c])
    assert rag.RANK[overall] >= rag.RANK[worst]
    ambers = sum(1 for c in colours.values() if c == "amber")
    if worst == "amber" and not (limit and ambers >= limit):
        assert overall == "amber"
    # Its reasons are those of the dimensions that made it: the reds, else the ambers (after the count).
    made_it = [d for d in rag.DIMENSIONS if colours[d] == "red"] or [
        d for d in rag.DIMENSIONS if colours[d] == "amber"
    ]
    own = [r["params"]["d"] for r in result["reasons"] if r["code"] == "x"]
    assert own == made_it
    assert [r["code"] for r in result["reasons"] if r["code"] != "x"] == (
        ["ambers"] if overall == "red" and "red" not in colours.values() else []
    )


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("3", True),  # a whole number
        ("-1", False),  # below the minimum
        ("2.5", False),  # not whole
        ("abc", False),  # not a number
        ("nan", False),  # NaN
        ("100000", False),  # above the maximum
    ],
)
def test_param_parse(value, ok):
    """Thresholds are numbers within their bounds; others are refused with a sentence."""
    param = rag.RULES["risk.high_risks"].params["amber_at"]
    if ok:
        assert param.parse(value) == 3
    else:
        with pytest.raises(ValueError, match=r"."):
            param.parse(value)


def test_unknown_reason_code_shows_code():
    """A reason of a rule since removed shows its code instead of failing."""
    assert rag.reason_text({"code": "gone", "params": {}}) == "gone"


def test_counted_reasons_agree_with_their_count():
    """A reason with a count reads "1 action overdue" and "3 actions overdue", and is worded in Japanese."""
    from django.utils import translation

    from kuroko.reporting.rag import reason_text

    with translation.override("en"):
        assert reason_text({"code": "overdue_actions", "params": {"count": 1}}) == "1 action overdue"
        assert reason_text({"code": "overdue_actions", "params": {"count": 3}}) == "3 actions overdue"
    with translation.override("ja"):
        assert reason_text({"code": "overdue_actions", "params": {"count": 3}}) == "期限超過のアクション 3 件"


def test_threshold_labels_follow_the_readers_language():
    """A count rule's threshold labels are worded when shown, in the reader's language."""
    from django.utils import translation

    label = rag.RULES["risk.high_risks"].params["amber_at"].label
    with translation.override("ja"):
        ja = str(label)
    with translation.override("en"):
        en = str(label)
    assert en == "Amber from (risks)"
    assert ja != en and "risks" not in ja


def test_stored_overall_is_read_as_stored():
    """A stored overall is read as it is: a later change of the combining rule does not recolour it."""
    dims = {d: {"rag": "amber", "reasons": []} for d in ("schedule", "cost", "scope")}
    stored = {**dims, "overall": {"rag": "red", "reasons": [{"code": "ambers", "params": {"count": 3}}]}}
    off = rag.effective_settings(
        None, [SimpleNamespace(project_type_id=None, rule="overall.combine", enabled=True,
                               params={"amber_to_red": 0})]
    )  # fmt: skip
    assert rag.effective_colours(dims, {}, off)["overall"]["rag"] == "amber"
    assert rag.effective_colours(stored, {}, off)["overall"]["rag"] == "red"
