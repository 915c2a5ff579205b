"""Helpers shared by the RAID services: numbering items per project and scoring risks on the matrix."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Max

from kuroko.projects.models import Project
from kuroko.raid.models import Risk, RiskMatrix


def next_number(model: type[models.Model], project: Project) -> int:
    """The next free number of `model` in `project` (R-001, R-002 …).

    Call inside the transaction that inserts the item, after locking the project row
    (`Project.objects.select_for_update().get(pk=…)`), so two people adding at once get different numbers.
    """
    manager: Any = model._default_manager
    current = manager.filter(project=project).aggregate(top=Max("number"))["top"]
    return int(current or 0) + 1


def lock_project(project: Project) -> Project:
    """Lock the project row for the rest of the transaction (serialises numbering)."""
    return Project.objects.select_for_update().get(pk=project.pk)


def risk_score(risk: Risk, matrix: RiskMatrix | None = None) -> None:
    """Set the stored score and level (and residual ones) of `risk` from its probability and impacts on
    the organisation's matrix. Score = probability × the largest impact; level = the cell's level."""
    matrix = matrix or RiskMatrix.current()
    impact = risk.impact
    risk.score = risk.probability * impact
    risk.level = matrix.level_of(risk.probability, impact)
    if risk.residual_probability is not None and risk.residual_impact is not None:
        risk.residual_score = risk.residual_probability * risk.residual_impact
        risk.residual_level = matrix.level_of(risk.residual_probability, risk.residual_impact)
    else:
        risk.residual_score = None
        risk.residual_level = ""
