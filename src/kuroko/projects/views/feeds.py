"""Calendar feeds: the .ics a calendar client fetches (no login: the secret URL is the key), and the page
where a user creates, copies and revokes their feed URLs."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.projects import selectors
from kuroko.projects.forms_feeds import FeedTokenForm
from kuroko.projects.models import FeedToken
from kuroko.projects.selectors import feeds as feed_selectors
from kuroko.projects.services import feeds as feed_services


def feed_url(request: HttpRequest, secret: str) -> str:
    """The absolute URL of a feed, as calendar clients need it."""
    return request.build_absolute_uri(reverse("feed_ics", args=[secret]))


@require_safe  # calendar clients may check with HEAD
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The iCalendar feed behind a secret URL; 404 when it is unknown, revoked or no longer allowed."""
    feed = feed_selectors.feed_for_secret(token)
    if feed is None:
        raise Http404(_("No such calendar feed."))
    now = timezone.now()
    feed_services.feed_token_used(token=feed, now=now)
    body = feed_selectors.feed_ics(
        feed,
        base_url=request.build_absolute_uri("/"),
        now=now,
        today=timezone.localdate(now),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="kuroko.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def _page(request: HttpRequest, form: FeedTokenForm, new: dict[str, object] | None = None) -> HttpResponse:
    response = render(
        request,
        "projects/feed_tokens.html",
        {
            "form": form,
            "tokens": feed_selectors.feed_tokens(request.user),
            "new": new,
            "has_person": getattr(request.user, "person", None) is not None,
        },
        status=422 if form.errors else 200,
    )
    if new is not None:
        response["Cache-Control"] = "no-store"  # the secret URL stays out of every cache
    return response


def _created(request: HttpRequest, token: FeedToken, secret: str) -> HttpResponse:
    """The feed page with the new URL, answered to the POST that made it: shown this once and kept
    nowhere (not in the session, not in a cache); only its hash remains."""
    new = {"url": feed_url(request, secret), "pk": token.pk}
    projects = feed_selectors.feed_projects(request.user)
    return _page(request, FeedTokenForm(projects=projects), new)


@login_required
@require_http_methods(["GET", "POST"])
def feed_tokens(request: HttpRequest) -> HttpResponse:
    """GET: the user's feed URLs and the form for a new one. POST: create one and show its URL once."""
    projects = feed_selectors.feed_projects(request.user)
    form = FeedTokenForm(request.POST or None, projects=projects)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            token, secret = feed_services.feed_token_create(
                actor=request.user, kind=data["kind"], project=data["project"], name=data["name"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return _created(request, token, secret)
    return _page(request, form)


@login_required
@require_POST
def feed_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the user's feed URLs: calendars subscribed to it stop updating."""
    token = feed_services.feed_token_revoke(actor=request.user, pk=pk)
    messages.success(request, _("Feed URL …%(hint)s revoked.") % {"hint": token.hint})
    return redirect(reverse("feed_tokens") + "#feeds")


@login_required
@require_POST
def project_feed_create(request: HttpRequest, code: str) -> HttpResponse:
    """ "Subscribe to milestones" on the project page: a new feed of the project's milestones."""
    project = selectors.project_get(request.user, code)
    token, secret = feed_services.feed_token_create(
        actor=request.user, kind=FeedToken.Kind.PROJECT, project=project
    )
    return _created(request, token, secret)
