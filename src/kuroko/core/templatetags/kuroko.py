"""Template helpers: RAG chips, progress bars, money, sortable headers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django import template
from django.http import QueryDict
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

CURRENCY_SYMBOLS = {"JPY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "CNY": "¥", "KRW": "₩"}
RAG_LABELS = {"green": "G", "amber": "A", "red": "R", "": "–"}


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
        label[:1] if key != "overall" else RAG_LABELS.get(colour, "–"),
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


@register.filter
def duration(minutes: int | None, units: Any = None) -> str:
    """Working minutes as 5d / 1.5h, in the organisation's units."""
    from kuroko.engine.duration import format_duration

    if minutes is None:
        return ""
    return format_duration(int(minutes), units)
