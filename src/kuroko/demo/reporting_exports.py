"""Demo data of the reporting exports part (issue 9)."""

from __future__ import annotations

from datetime import date


def build(*, seed: int, today: date) -> None:
    """Add this part's demo rows (called by the demo generator after governance)."""
