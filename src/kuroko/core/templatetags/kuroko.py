"""Template helpers: RAG chips, progress bars, money, sortable headers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from kuroko.engine.duration import format_duration, format_span

register = template.Library()

CURRENCY_SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "KRW": "₩"}
# Chip texts: the overall chip shows the colour's letter, the others the dimension's short name.
COLOUR_LETTERS = {
    "green": pgettext_lazy("RAG colour letter", "G"),
    "amber": pgettext_lazy("RAG colour letter", "A"),
    "red": pgettext_lazy("RAG colour letter", "R"),
}
DIMENSION_SHORT = {
    "schedule": pgettext_lazy("RAG dimension, short", "Sch"),
    "cost": pgettext_lazy("RAG dimension, short", "Cst"),
    "scope": pgettext_lazy("RAG dimension, short", "Scp"),
    "quality": pgettext_lazy("RAG dimension, short", "Qlt"),
    "risk": pgettext_lazy("RAG dimension, short", "Rsk"),
}


@register.filter
def get(mapping: Any, key: Any) -> Any:
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.simple_tag(takes_context=True)
def money(context: Any, value: Any) -> str:
    """An amount in the organisation's currency, without decimals for JPY."""
    org = context.get("ORG")
    currency = getattr(org, "currency", "JPY") if org is not None else "JPY"
    if value is None:
        return "—"
    amount = Decimal(value)
    digits = 0 if currency in {"JPY", "KRW"} else 2
    text = f"{amount:,.{digits}f}"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


@register.simple_tag
def rag_chip(colour: str, label: str, reason: str = "", key: str = "") -> str:
    """A coloured chip whose tooltip and accessible name carry the dimension, colour and reason."""
    colour_name = {"green": _("Green"), "amber": _("Amber"), "red": _("Red")}.get(colour, _("Not assessed"))
    title = f"{label}: {colour_name}" + (f" — {reason}" if reason else "")
    return format_html(
        '<span class="chip chip-{} rag-{}" title="{}" aria-label="{}">{}</span>',
        colour or "grey",
        key,
        title,
        title,
        COLOUR_LETTERS.get(colour, "–") if key == "overall" else DIMENSION_SHORT.get(key, label[:3]),
    )


@register.simple_tag
def progress(value: Any) -> str:
    pct = max(0.0, min(100.0, float(value or 0)))
    return format_html(
        '<span class="progress" role="img" aria-label="{}%"><span class="track"><span class="bar" '
        'style="width:{}%"></span></span><span class="pct">{}%</span></span>',
        f"{pct:.0f}",
        f"{pct:.1f}",
        f"{pct:.0f}",
    )


@register.simple_tag
def sortlink(key: str, label: str, current: str, query: str) -> str:
    """A column header link that sorts by `key`, toggling the direction when already sorted by it."""
    params = QueryDict(query, mutable=True)
    new = f"-{key}" if current == key else key
    params["sort"] = new
    arrow = "▲" if current == key else "▼" if current == f"-{key}" else ""
    aria = "ascending" if current == key else "descending" if current == f"-{key}" else "none"
    href = "?" + urlencode(list(params.lists()), doseq=True)
    return format_html(
        '<a href="{}" hx-get="{}" hx-target="#results" hx-swap="outerHTML" hx-push-url="true" '
        'aria-sort="{}">{} <span aria-hidden="true">{}</span></a>',
        href,
        href,
        aria,
        label,
        arrow,
    )


def _unit_suffixes() -> dict[str, str]:
    # Elapsed units first: "3emo" must not be read as ending in "mo".
    return {
        "emo": pgettext("duration unit suffix", "emo"),
        "ew": pgettext("duration unit suffix", "ew"),
        "ed": pgettext("duration unit suffix", "ed"),
        "eh": pgettext("duration unit suffix", "eh"),
        "em": pgettext("duration unit suffix", "em"),
        "mo": pgettext("duration unit suffix", "mo"),
        "w": pgettext("duration unit suffix", "w"),
        "d": pgettext("duration unit suffix", "d"),
        "h": pgettext("duration unit suffix", "h"),
        "m": pgettext("duration unit suffix", "m"),
    }


@register.filter
def duration(minutes: int | None, units: Any = None) -> str:
    """Working minutes as 5d / 1.5h (5日 / 1.5時間 in Japanese), in the organisation's units.

    Every suffix shown is one the duration parser accepts, so a value can be edited and saved unchanged.
    """
    if minutes is None:
        return ""
    return localise_duration(format_duration(int(minutes), units))


@register.filter
def hours(minutes: float | None) -> str:
    """Minutes as hours with one decimal (480 → 8.0), for load and utilisation figures."""
    if minutes is None:
        return ""
    return f"{minutes / 60:,.1f}"


@register.filter
def task_duration(task: Any, units: Any = None) -> str:
    """A task's duration as typed: working (5d) or elapsed (3ed, 3経過日 in Japanese)."""
    return localise_duration(format_span(int(task.duration_minutes), bool(task.duration_elapsed), units))


def localise_duration(text: str) -> str:
    for suffix, local in _unit_suffixes().items():
        if text.endswith(suffix):
            return text[: -len(suffix)] + local
    return text


@register.filter
def signed(value: Any) -> str:
    """+3, −2, 0 (a difference, in the active language's number format); None → "—"."""
    if value is None or value == "":
        return "—"
    number = float(value)
    text = number_format(
        abs(number), decimal_pos=0 if number == int(number) else 2, use_l10n=True, force_grouping=True
    )
    return f"+{text}" if number > 0 else f"−{text}" if number < 0 else "0"
