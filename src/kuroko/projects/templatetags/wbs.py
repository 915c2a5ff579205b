"""The WBS table row, rendered in Python: a 2,000-task project page must render in well under half a
second, and the equivalent template costs ~0.4 ms a row (measured with bench/bench_foundation.py)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kuroko.core.templatetags.kuroko import duration, progress, task_duration

register = template.Library()


def _labels() -> dict[str, str]:
    return {
        "edit": _("Edit"),
        "outdent": _("Outdent"),
        "indent": _("Indent"),
        "up": _("Move up"),
        "down": _("Move down"),
        "insert": _("Insert a task below"),
        "delete": _("Delete"),
        "history": _("History"),
        "confirm": _("Delete this task and all its subtasks?"),
        "float": _("Total float"),
        "critical": _("Critical"),
    }


@register.simple_tag(takes_context=True)
def wbs_row(context: Any, row: Any) -> SafeString:
    """One read-only row of the WBS table (see project_detail.html)."""
    labels = context.get("_wbs_labels")
    if labels is None:
        labels = context["_wbs_labels"] = {k: conditional_escape(v) for k, v in _labels().items()}
    t = row.task
    pk = t.pk
    name = conditional_escape(t.name)
    kind = t.kind
    icon = (
        '<span class="icon" aria-hidden="true">▾</span>'
        if kind == "summary"
        else '<span class="icon ms" aria-hidden="true">◆</span>'
        if kind == "milestone"
        else ""
    )
    dur = "" if kind == "summary" and not t.duration_minutes else task_duration(t, context.get("units"))
    start = t.planned_start.isoformat() if t.planned_start else ""
    finish = t.planned_finish.isoformat() if t.planned_finish else ""
    owner = conditional_escape(str(t.owner)) if t.owner_id else ""
    flash = " flash" if context.get("flash") == pk else ""
    # The engine's stored result: critical tasks are marked, and every name shows its total float.
    critical = " critical" if t.critical else ""
    float_title = ""
    if t.total_float_minutes is not None:
        float_text = duration(t.total_float_minutes, context.get("units"))
        marker = f" — {labels['critical']}" if t.critical else ""
        float_title = f' title="{labels["float"]}: {float_text}{marker}"'

    can_edit = context.get("can_edit")
    actions = []
    if can_edit or row.can_progress:
        actions.append(
            f'<button type="button" class="icon-btn" hx-get="/tasks/{pk}/edit/" hx-target="closest tr" '
            f'title="{labels["edit"]}" aria-label="{labels["edit"]} {name}">✎</button>'
        )
    if can_edit:
        for action, url, glyph in (
            ("outdent", "outdent/", "⇤"),
            ("indent", "indent/", "⇥"),
            ("up", "move/up/", "↑"),
            ("down", "move/down/", "↓"),
        ):
            actions.append(
                f'<button type="button" class="icon-btn" hx-post="/tasks/{pk}/{url}" '
                f'title="{labels[action]}" aria-label="{labels[action]} {name}">{glyph}</button>'
            )
        actions.append(
            f'<button type="button" class="icon-btn" hx-post="/tasks/{pk}/insert-below/" '
            f'hx-vals=\'{{"edit": "1"}}\' '
            f'title="{labels["insert"]}" aria-label="{labels["insert"]} {name}">+</button>'
            f'<button type="button" class="icon-btn danger" hx-post="/tasks/{pk}/delete/" '
            f'hx-confirm="{labels["confirm"]} {name}" title="{labels["delete"]}" '
            f'aria-label="{labels["delete"]} {name}">×</button>'
            f'<a class="icon-btn" href="/tasks/{pk}/history/" title="{labels["history"]}" '
            f'aria-label="{labels["history"]} {name}">◷</a>'
        )
    # hx-vals on the row is inherited by its buttons: every structure change carries the version read.
    return mark_safe(
        f'<tr id="task-{pk}" class="kind-{kind}{flash}{critical}" hx-vals=\'{{"version": "{t.version}"}}\'>'
        f'<td class="wbs">{conditional_escape(t.wbs_code)}</td>'
        f'<td class="name lvl" style="--lvl:{t.outline_level}"{float_title}>{icon}'
        f'<span class="task-name">{name}</span></td>'
        f'<td class="num">{dur}</td><td>{start}</td><td>{finish}</td>'
        f'<td class="num">{progress(t.percent_complete)}</td><td>{owner}</td>'
        f'<td class="preds">{conditional_escape(row.predecessors)}</td>'
        f'<td class="actions-col">{"".join(actions)}</td></tr>'
    )


@register.simple_tag(takes_context=True)
def wbs_body(context: Any, rows: Any) -> SafeString:
    """All rows of the WBS table; the row being edited (`editing`) is rendered as its inline form."""
    editing = context.get("editing")
    parts = []
    for row in rows:
        if editing is not None and row.task.pk == editing:
            with context.push(task=row.task):
                parts.append(
                    context.template.engine.get_template("projects/_task_edit_inline.html").render(context)
                )
        else:
            parts.append(wbs_row(context, row))
    return mark_safe("".join(parts))
