from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.people import selectors
from kuroko.people.models import EmploymentType

PAGE_SIZE = 50


@login_required
def directory(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    team = request.GET.get("team", "")
    employment_type = request.GET.get("employment_type", "")
    show_inactive = request.GET.get("inactive") == "1"
    people = selectors.person_list(
        request.user,
        q=q,
        team=int(team) if team.isdigit() else None,
        employment_type=employment_type if employment_type in EmploymentType.values else "",
        active=None if show_inactive else True,
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "q": q,
        "team": team,
        "employment_type": employment_type,
        "show_inactive": show_inactive,
        "teams": selectors.team_list(request.user),
        "employment_types": EmploymentType.choices,
        "query": query.urlencode(),
    }
    template = "people/directory.html#results" if request.htmx else "people/directory.html"
    return render(request, template, context)
