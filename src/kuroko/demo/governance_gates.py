"""Demo data of the governance gates part (issue 8)."""

from __future__ import annotations

from datetime import date


def build(*, seed: int, today: date) -> None:
    """Add the gates part's demo rows (called by kuroko.demo.generator.build_demo, in part order)."""
