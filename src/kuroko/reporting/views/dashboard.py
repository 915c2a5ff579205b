"""The home page: the dashboard of the user's role, with tabs for the other roles' views where the role
may read them (the PMO sees every view)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.formats import charts
from kuroko.reporting.selectors import dashboard as selectors
from kuroko.reporting.selectors import dashboard_charts
from kuroko.reporting.weeks import week_start


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The board of the tab asked for (`?view=pmo|pm|member|executive`), else the user's own."""
    tabs = selectors.dashboard_tabs(request.user)
    tab = request.GET.get("view", "") or tabs[0]
    if tab not in selectors.TABS:
        messages.error(request, _("%(value)r is not a dashboard; showing yours.") % {"value": tab[:40]})
        tab = tabs[0]
    today = timezone.localdate()
    context: dict[str, object] = {
        "nav": "dashboard",
        "tab": tab,
        "tabs": [(t, selectors.tab_label(t)) for t in tabs],
        "today": today,
        "week": week_start(today),
        "chart_version": charts.bundle_version(),
    }
    if tab == "pmo":
        pmo = selectors.pmo_board(request.user, today=today)
        context["board"] = pmo
        context["charts"] = dashboard_charts.pmo_charts(request.user, today=today, load=pmo.load)
    elif tab == "pm":
        context["board"] = selectors.pm_board(request.user, today=today)
        context["charts"] = dashboard_charts.pm_charts(request.user, today=today)
    elif tab == "member":
        context["board"] = selectors.member_board(request.user, today=today)
        context["charts"] = dashboard_charts.member_charts(request.user, today=today)
    else:
        context["board"] = selectors.executive_board(request.user, today=today)
        context["charts"] = dashboard_charts.executive_charts(request.user, today=today)
    return render(request, "reporting/dashboard.html", context)
