"""Template filters of the attendance pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def hm(minutes: Any, signed: str = "") -> str:
    """Minutes as hours and minutes, 510 → 8:30; with `"signed"`, a sign in front (+0:30, −1:15)."""
    if minutes in (None, ""):
        return ""
    value = round(float(minutes))
    sign = "−" if value < 0 else ("+" if signed and value > 0 else "")
    hours, rest = divmod(abs(value), 60)
    return f"{sign}{hours}:{rest:02d}"


@register.filter
def hours1(value: Any) -> str:
    """Hours with at most one decimal (81.5, 45)."""
    if value in (None, ""):
        return ""
    number = round(float(value), 1)
    return f"{number:g}" if number == int(number) else f"{number:.1f}"
