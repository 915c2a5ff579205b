"""Governance pages shared by every part: the hub, and the portfolio's gate and health cells."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from kuroko.governance import permissions as perms
from kuroko.governance.selectors.audits import health_summary
from kuroko.governance.selectors.gates import gate_status
from kuroko.projects.permissions import visible_projects

MAX_CODES = 200  # one portfolio page


@login_required
@require_GET
def governance_home(request: HttpRequest) -> HttpResponse:
    """The PMO's standards at a glance: templates, audit rules, findings, quality bands, lessons."""
    context = {"nav": "governance", "can_configure": perms.can_configure_standards(request.user)}
    return render(request, "governance/home.html", context)


@login_required
@require_GET
def portfolio_cells(request: HttpRequest) -> HttpResponse:
    """Out-of-band gate and health cells for the projects (`?code=…`) of one portfolio page."""
    codes = request.GET.getlist("code")[:MAX_CODES]
    projects = list(visible_projects(request.user).filter(code__in=codes))
    gates = gate_status(projects, today=timezone.localdate())
    health = health_summary(projects)
    rows = [(p, gates.get(p.pk), health.get(p.pk)) for p in projects]
    return render(request, "governance/portfolio_cells.html", {"rows": rows})
