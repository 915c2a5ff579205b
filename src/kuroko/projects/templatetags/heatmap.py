"""The heatmap row, rendered in Python: 150 people × 52 weeks are 7,800 cells, and the equivalent
template took ~1.5 s for them where this takes a tenth of that (measured with bench/bench_load.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{int(value + 0.5)}%"  # rounded half up, as floatformat


def _hours(minutes: float) -> str:
    return f"{minutes / 60:,.1f}"


@register.simple_tag(takes_context=True)
def heat_row(context: Any, row: Any) -> SafeString:
    """One person's row of the heatmap (see resource_heatmap.html): a button per cell for the drill-down,
    work and capacity in hours on hover, `+` when tentative work is booked too, and the filtered project's
    share when there is one."""
    with_tentative = context.get("_heat_label")
    if with_tentative is None:
        with_tentative = context["_heat_label"] = conditional_escape(_("with tentative"))
    project = context.get("project") is not None
    person = row.person
    cells = []
    for c in row.cells:
        title = f"{_hours(c.work)} / {_hours(c.capacity)} h"
        text = _percent(c.percent)
        if c.tentative:
            title += f" · {with_tentative} {_percent(c.percent_with_tentative)}"
            text += "<sup>+</sup>"
        if project and c.project_work:
            text += f' <span class="share">{_percent(c.project_percent)}</span>'
        cells.append(
            f'<td class="num heat heat-{c.step}"><button type="button" class="cell" '
            f'data-start="{c.start.isoformat()}" title="{title}">{text}</button></td>'
        )
    # Every value above is a number, a date, a fixed class name or escaped.
    return mark_safe(
        f'<tr data-person="{person.pk}"><th scope="row"><a href="{person.get_absolute_url()}">'
        f"{conditional_escape(str(person))}</a></th>{''.join(cells)}</tr>"
    )
