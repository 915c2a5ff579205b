"""Template filters of the status-report pages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template

from kuroko.reporting.weeks import week_label

register = template.Library()


@register.filter
def iso_week(day: date | None) -> str:
    """The Monday of a week → "2026-W47"."""
    return week_label(day) if day else ""


@register.filter
def ratio(value: Any) -> str:
    """An index such as SPI with two decimals; — for None."""
    return "—" if value is None else f"{float(value):.2f}"


@register.filter
def quality_label(fact: Any) -> str:
    """A quality fact's indicator name in the reader's language."""
    from kuroko.reporting.levels import quality_label as label

    return label(fact.indicator, fact.label)


@register.filter
def quality_unit(fact: Any) -> str:
    """A quality fact's unit in the reader's language."""
    from kuroko.reporting.levels import quality_unit as unit

    return unit(fact.indicator, fact.unit)


@register.filter
def finding_text(fact: Any) -> str:
    """A stored audit finding in the reader's language."""
    from kuroko.reporting.levels import finding_text as text

    return text(fact.rule, fact.message)
