"""Display of earned-value figures: amounts rounded half up (四捨五入) to the unit's places, indices to two
decimals, and the colour class of an index."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from kuroko.engine.evm import round_half_up
from kuroko.tracking.selectors.evm import index_colour

register = template.Library()


@register.filter
def evm_amount(value: float | None, places: int = 0) -> str:
    """An amount with thousands separators, or "—" when undefined."""
    if value is None:
        return "—"
    return str(number_format(round_half_up(value, int(places)), int(places), force_grouping=True))


@register.filter
def evm_index(value: float | None) -> str:
    """An index (SPI, CPI, TCPI …) to two decimals, or "—"."""
    return "—" if value is None else str(number_format(round_half_up(value, 2), 2))


@register.filter
def evm_days(value: float | None) -> str:
    """Working days to one decimal, or "—"."""
    return "—" if value is None else str(number_format(round_half_up(value, 1), 1, force_grouping=True))


@register.filter
def index_class(value: float | None, inverse: Any = False) -> str:
    """idx-red, idx-amber or idx-green for an index (see tracking.selectors.evm.index_colour)."""
    colour = index_colour(value, inverse=bool(inverse))
    return f"idx-{colour}" if colour else ""
