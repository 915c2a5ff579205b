"""Resource load pages: the heatmap (day, week or month) with its drill-down, load by team and by skill,
and the utilisation report (稼働率) with its CSV and Excel exports."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.people.models import Person, Skill, Team
from kuroko.projects import permissions as perms
from kuroko.projects import selectors
from kuroko.projects.models import Project


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return default


def _load_query(request: HttpRequest) -> tuple[selectors.LoadQuery, dict[str, list[str]]]:
    """The heatmap's query from the address: forgiving, as a page should be. Periods are clamped to the
    scale's range; an unknown team, skill or project is dropped and reported next to the filters."""
    get = request.GET
    scale = get.get("scale") or "week"
    scale = scale if scale in selectors.SCALES else "week"
    periods = _int(get.get("periods")) or (_int(get.get("weeks")) if scale == "week" else None)
    periods = min(max(periods, 1), selectors.MAX_PERIODS[scale]) if periods else None
    params: dict[str, Any] = {
        "start": _date(get.get("start"), timezone.localdate()),
        "scale": scale,
        "periods": periods,
        "team": _int(get.get("team")),
        "skill": _int(get.get("skill")),
        "min_level": min(max(_int(get.get("min_level")) or 1, 1), 5),
        "project": get.get("project") or None,
    }
    try:
        return selectors.load_query(request.user, **params), {}
    except ValidationError as exc:
        errors = exc.message_dict
        for name in errors:
            params[name] = None
        return selectors.load_query(request.user, **params), errors


def _filter_choices(user: Any) -> dict[str, Any]:
    return {
        "teams": Team.objects.order_by("code"),
        "skills": Skill.objects.select_related("category").order_by("category__name", "name"),
        "projects": perms.visible_projects(user, Project.objects.order_by("code")).only("code", "name"),
    }


@login_required
def resource_heatmap(request: HttpRequest) -> HttpResponse:
    """People × days, weeks or months: each person's work on all projects as % of their capacity, with
    the over-allocation list (by week) of the same people below."""
    from datetime import timedelta

    query, errors = _load_query(request)
    grid = selectors.load_grid(request.user, query)
    # The over-allocation list stays weekly: the weeks that cover the heatmap's range (at most 52).
    monday = query.start - timedelta(days=query.start.weekday())
    weeks = min(max(-(-(grid.bounds[-1] - monday).days // 7), 1), 52)
    over = selectors.over_allocations(request.user, start=query.start, weeks=weeks, people=query.filter)
    f = query.filter
    return render(
        request,
        "projects/resource_heatmap.html",
        {
            "grid": grid,
            "rows": grid.rows,
            "over": over,
            "query": query,
            "errors": errors,
            "start": query.start,
            "scale": query.scale,
            "scales": [("day", _("Days")), ("week", _("Weeks")), ("month", _("Months"))],
            "periods": query.periods,
            "max_periods": selectors.MAX_PERIODS[query.scale],
            "team": f.team.pk if f.team else None,
            "skill": f.skill.pk if f.skill else None,
            "min_level": f.min_level,
            "project": f.project,
            "levels": range(1, 6),
            **_filter_choices(request.user),
            "units": selectors.duration_units(),
            "nav": "resources",
            "tab": "load",
        },
    )


@login_required
def resource_cell(request: HttpRequest) -> HttpResponse:
    """The tasks behind one heatmap cell (an htmx fragment of the heatmap page)."""
    person_id = _int(request.GET.get("person"))
    if person_id is None:
        raise Http404
    person = get_object_or_404(Person, pk=person_id)
    try:
        start = date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Give the cell's start as YYYY-MM-DD."))
    try:
        cell = selectors.load_cell(
            request.user, person=person, start=start, scale=request.GET.get("scale", "week")
        )
    except ValidationError as exc:
        return HttpResponseBadRequest(" ".join(exc.messages))
    return render(
        request,
        "projects/resource_heatmap.html#cell",
        {"cell": cell, "units": selectors.duration_units()},
    )


def _months(request: HttpRequest) -> tuple[date, int]:
    """The first month and the number of months from the address (this month and 6 by default)."""
    try:
        month_from = selectors.parse_month(request.GET.get("month_from", ""))
    except ValueError:
        month_from = timezone.localdate().replace(day=1)
    months = _int(request.GET.get("months")) or 6
    return month_from, min(max(months, 1), selectors.MAX_MONTHS)


@login_required
def resource_groups(request: HttpRequest) -> HttpResponse:
    """Per month: each team's capacity against its demand, and each skill's demand against the capacity
    of the people who have it."""
    month_from, months = _months(request)
    teams = selectors.utilisation(request.user, month_from=month_from, months=months, group="team")
    skills = selectors.skill_load(request.user, month_from=month_from, months=months)
    return render(
        request,
        "projects/resource_groups.html",
        {
            "teams": teams,
            "skills": skills,
            "month_from": month_from,
            "months": months,
            "max_months": selectors.MAX_MONTHS,
            "nav": "resources",
            "tab": "groups",
        },
    )


def _group(request: HttpRequest) -> str:
    return "team" if request.GET.get("group") == "team" else "person"


@login_required
def resource_utilisation(request: HttpRequest) -> HttpResponse:
    """The utilisation report (稼働率): capacity, planned and tentative hours per person or team and month."""
    month_from, months = _months(request)
    group = _group(request)
    table = selectors.utilisation(request.user, month_from=month_from, months=months, group=group)
    return render(
        request,
        "projects/resource_utilisation.html",
        {
            "table": table,
            "group": group,
            "month_from": month_from,
            "months": months,
            "max_months": selectors.MAX_MONTHS,
            "query": request.GET.urlencode(),
            "nav": "resources",
            "tab": "utilisation",
        },
    )


def _export_rows(table: selectors.MonthTable, group: str) -> tuple[list[str], list[list[Any]]]:
    """One row per person (or team) and month: the long form, ready for a pivot table."""
    header = [_("Person"), _("Team")] if group == "person" else [_("Team")]
    header += [_("Month"), _("Capacity (h)"), _("Planned (h)"), _("Tentative (h)"), _("Utilisation (%)")]
    rows = []
    for row in table.rows:
        lead: list[Any] = [row.label, row.team.name if row.team else ""] if group == "person" else [row.label]
        for cell in row.cells:
            percent = cell.percent
            rows.append(
                [
                    *lead,
                    cell.month.strftime("%Y-%m"),
                    round(cell.capacity_hours, 2),
                    round(cell.planned_hours, 2),
                    round(cell.tentative_hours, 2),
                    None if percent is None else round(percent, 1),
                ]
            )
    return header, rows


@login_required
def resource_utilisation_export(request: HttpRequest, kind: str) -> HttpResponse:
    """The utilisation report as CSV (UTF-8 with a BOM, for Excel) or as an Excel workbook."""
    from kuroko.formats.tabular import to_csv, to_xlsx

    month_from, months = _months(request)
    group = _group(request)
    table = selectors.utilisation(request.user, month_from=month_from, months=months, group=group)
    header, rows = _export_rows(table, group)
    name = f"utilisation-{group}-{month_from:%Y-%m}-{months}m"
    if kind == "csv":
        response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    else:
        lead = 2 if group == "person" else 1
        body = to_xlsx(
            _("Utilisation"),
            header,
            rows,
            number_formats=[None] * (lead + 1) + ["0.0", "0.0", "0.0", "0.0"],
            widths=[24] * lead + [10, 14, 14, 14, 14],
        )
        response = HttpResponse(
            body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
