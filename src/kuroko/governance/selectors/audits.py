"""Reads of audit findings, rule settings and health scores."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kuroko.projects.models import Project


@dataclass(frozen=True, slots=True)
class HealthCell:
    """A project's health for the portfolio."""

    score: Decimal | None  # None: never audited
    live: int  # open and waived findings
    worst: str  # the severity of the worst open finding, "" when none
    url: str  # the project's findings page


def health_summary(projects: list[Project]) -> dict[int, HealthCell]:
    """The health cell of each project (project id → cell), in a fixed number of queries."""
    return {}
