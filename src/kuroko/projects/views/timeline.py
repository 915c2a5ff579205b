"""The portfolio timeline: every visible project on one time axis, with cross-project links."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.projects import selectors
from kuroko.projects.forms import PortfolioFilterForm
from kuroko.projects.models import DependencyType, Rag, Status

# Query parameters of the chart itself, not of the project filter.
CHART_PARAMS = ("zoom", "phases", "colour")


def _filter(request: HttpRequest) -> tuple[PortfolioFilterForm, selectors.ProjectFilter]:
    form = PortfolioFilterForm(request.GET or None, managers=selectors.managers_for_filter(request.user))
    return form, form.to_filter()


def _labels() -> dict[str, Any]:
    """The words the timeline script shows, translated here so the script holds no text of its own."""
    return {
        "project": _("Project"),
        "no_program": _("No program"),
        "start": _("Start"),
        "finish": _("Finish"),
        "complete": _("Complete"),
        "status": _("Status"),
        "rag": _("Overall RAG"),
        "manager": _("Project manager"),
        "phase": _("Phase"),
        "milestone": _("Milestone"),
        "critical": _("Critical"),
        "not_scheduled": _("Not scheduled"),
        "not_assessed": _("Not assessed"),
        "today": _("Today"),
        "link": _("Cross-project dependency"),
        "broken": _("Broken: the successor is scheduled before the predecessor allows."),
        "open_gantt": _("Click to open the Gantt chart."),
        "statuses": {s.value: str(s.label) for s in Status},
        "rags": {r.value: str(r.label) for r in Rag},
        "link_types": {t.value: str(t.label) for t in DependencyType},
        # The Gantt address of a project, with "__code__" standing for its code.
        "gantt_url": reverse("project-gantt", args=["__code__"]),
    }


@login_required
def portfolio_timeline(request: HttpRequest) -> HttpResponse:
    """Projects, their phases and milestones, and cross-project links on one time axis."""
    form, project_filter = _filter(request)
    data = selectors.portfolio_timeline(request.user, project_filter, today=timezone.localdate())
    query = request.GET.copy()
    for name in CHART_PARAMS:
        query.pop(name, None)
    fields = data["link_fields"]
    context = {
        "form": form,
        "filter": project_filter,
        "statuses": Status.choices,
        "query": query.urlencode(),
        "timeline": data,
        "project_count": len(data["projects"]),
        "link_count": len(data["links"]),
        "broken_count": sum(1 for link in data["links"] if link[fields.index("broken")]),
        "timeline_labels": _labels(),
    }
    template = "projects/portfolio_timeline.html"
    return render(request, f"{template}#results" if request.htmx else template, context)


@login_required
def portfolio_timeline_svg(request: HttpRequest) -> HttpResponse:
    """The timeline drawn on the server as one SVG document, for printing (?phases=0 leaves out phases)."""
    from kuroko.formats.timeline_svg import render_timeline_svg
    from kuroko.projects.mapping import timeline_chart

    _form, project_filter = _filter(request)
    today = timezone.localdate()
    data = selectors.portfolio_timeline(request.user, project_filter, today=today)
    chart = timeline_chart(
        data,
        {"project": _("Project"), "no_program": _("No program")},
        title=_("Portfolio timeline, %(date)s") % {"date": today.isoformat()},
        show_phases=request.GET.get("phases") != "0",
    )
    return HttpResponse(render_timeline_svg(chart), content_type="image/svg+xml")
