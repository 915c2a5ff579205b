"""Reads of phases, deliverables and gate reviews."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from kuroko.projects.models import Project


@dataclass(frozen=True, slots=True)
class GateCell:
    """A project's gate status for the portfolio: its current (next undecided, else last decided) gate."""

    phase: str  # the phase the gate closes
    # passed | conditional | failed (no-go) | in_review | overdue | upcoming
    state: str
    label: Any  # the state in words, translated
    date: date | None  # the gate date, or the decision date once decided
    url: str  # the project's gates page


def gate_status(projects: list[Project], *, today: date) -> dict[int, GateCell]:
    """The gate cell of each project that has phases (project id → cell), in a fixed number of queries."""
    return {}
