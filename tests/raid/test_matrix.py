"""The risk matrix: saving re-scores every risk in one transaction, a new scale moves risks to it, the
quantitative bounds suggest levels, bad settings are refused naming the field, PMO only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.engine.duration import DurationUnits
from kuroko.raid import services
from kuroko.raid.models import Risk, RiskMatrix, default_cells
from kuroko.raid.selectors.risks import matrix_info
from kuroko.raid.services.risks import rescale
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


def add(world, **data):
    return services.risk_create(
        actor=world.pm, project=world.project, data={"title": "R", "probability": 3, **data}
    )


def test_saving_cells_rescores_every_risk_with_history(world):
    """Making every cell critical re-scores the risks (level changes, history record added)."""
    risk = add(world, impact_cost=1)
    assert risk.level == "low"
    records = risk.history.count()
    cells = [["critical"] * 5 for _ in range(5)]
    _matrix, changed = services.risk_matrix_save(actor=world.pmo, data={"cells": cells})
    assert changed == 1
    risk.refresh_from_db()
    assert risk.level == "critical" and risk.score == 3
    assert risk.history.count() == records + 1


def test_smaller_scale_moves_risks_by_the_middle_of_their_band(world):
    """5 → 3 maps 1,2,3,4,5 to 1,1,2,3,3 (0 stays 0) and resets the cells to the defaults."""
    assert [rescale(v, 5, 3) for v in range(6)] == [0, 1, 1, 2, 3, 3]
    assert [rescale(v, 5, 7) for v in range(6)] == [0, 1, 3, 4, 5, 7]
    risk = add(world, probability=5, impact_cost=4, impact_schedule=0)
    matrix, changed = services.risk_matrix_save(actor=world.admin, data={"size": 3})
    assert (matrix.size, changed, matrix.cells) == (3, 1, default_cells(3))
    risk.refresh_from_db()
    assert (risk.probability, risk.impact_cost, risk.impact_schedule, risk.score) == (3, 3, 0, 9)
    assert risk.level == "critical"


BAD = [
    # scale outside 3…7
    ({"size": 8}, "size"),
    # a label per level needed
    ({"probability_labels": ["a", "b"]}, "probability_labels"),
    # bounds must end at 100
    ({"probability_percents": [10, 20, 30, 40, 90]}, "probability_percents"),
    # impact bounds: size − 1 ascending numbers
    ({"cost_thresholds": [5, 1, 2, 3]}, "cost_thresholds"),
    # a cell with an unknown level
    ({"cells": [["low"] * 5] * 4 + [["extreme"] * 5]}, "cells"),
    # review interval of zero days
    ({"review_days": 0}, "review_days"),
]


@pytest.mark.parametrize(("data", "field"), BAD)
def test_bad_matrix_is_refused_naming_the_field(world, data, field):
    """Bad settings raise a ValidationError on the field and change nothing."""
    add(world, impact_cost=2)
    with pytest.raises(ValidationError) as caught:
        services.risk_matrix_save(actor=world.admin, data=data)
    assert field in caught.value.message_dict
    assert RiskMatrix.current().size == 5 and Risk.objects.get().level == "medium"  # 3 × 2


def test_only_pmo_configures(world):
    """A project manager cannot save the matrix."""
    with pytest.raises(PermissionDenied):
        services.risk_matrix_save(actor=world.pm, data={"review_days": 7})


def test_suggestion_from_quantitative_fields(world):
    """Probability % and the most likely cost and schedule impact suggest levels from the bounds."""
    services.risk_matrix_save(
        actor=world.admin,
        data={
            "probability_percents": [10, 30, 50, 70, 100],
            "cost_thresholds": [100, 500, 1000, 5000],
            "schedule_threshold_days": [1, 5, 10, 20],
        },
    )
    info = matrix_info()
    units = DurationUnits()
    suggest = info.suggest(
        probability_percent=Decimal(45), cost=Decimal(600), schedule_minutes=12 * 480, units=units
    )
    assert suggest == {"probability": 3, "impact_cost": 3, "impact_schedule": 4}
    edge = info.suggest(probability_percent=100, cost=9000, schedule_minutes=0, units=units)
    assert edge == {"probability": 5, "impact_cost": 5, "impact_schedule": 0}
    none = matrix_info(RiskMatrix(size=5)).suggest(
        probability_percent=None, cost=600, schedule_minutes=None, units=units
    )
    assert none == {"probability": None, "impact_cost": None, "impact_schedule": None}


def test_matrix_page_saves_and_rescores(world):
    """The settings page saves the grid and reports how many risks were re-scored."""
    add(world, impact_cost=1)
    client = signed_in(world.pmo)
    data = {"size": 5, "probability_labels": "", "impact_labels": "", "probability_percents": "",
            "cost_thresholds": "1000, 5000, 10000, 50000", "schedule_threshold_days": "",
            "review_days": 30}  # fmt: skip
    for p in range(1, 6):
        for i in range(1, 6):
            data[f"cell_{p}_{i}"] = "high"
    response = client.post("/raid/matrix/", data, follow=True)
    assert "1 risks re-scored" in response.content.decode()
    assert Risk.objects.get().level == "high"
    assert RiskMatrix.current().cost_thresholds == [1000, 5000, 10000, 50000]
    bad = client.post("/raid/matrix/", {**data, "cost_thresholds": "1, 2"})
    assert bad.status_code == 422 and "Give 4 numbers." in bad.content.decode()
