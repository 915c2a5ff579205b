"""Template filters of the schedule risk pages: ISO dates from stored results, probabilities as percent,
signed differences."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def isodate(value: Any) -> date | None:
    """A date from the ISO text stored in results ("2027-03-31" or a date-time); None when empty."""
    if isinstance(value, date):
        return value
    if not value:
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


@register.filter
def percent(value: Any, places: int = 0) -> str:
    """0.8234 → "82%" (in the active language's number format); None → "—"."""
    if value is None or value == "":
        return "—"
    return f"{number_format(float(value) * 100, decimal_pos=int(places))}%"


@register.filter
def sim_amount(value: Any) -> str:
    """A simulated amount with grouping and no decimals; None → "—"."""
    if value is None or value == "":
        return "—"
    return number_format(round(float(value)), decimal_pos=0, use_l10n=True, force_grouping=True)
