"""REST endpoints for calendar feed URLs: list yours, create one (its URL is returned once), revoke one."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema
from ninja import Status as HttpStatus

from kuroko.projects import selectors
from kuroko.projects.models import FeedToken
from kuroko.projects.selectors import feeds as feed_selectors
from kuroko.projects.services import feeds as feed_services

router = Router(tags=["calendar feeds"])


class FeedIn(Schema):
    kind: Literal["person", "project"] = Field(
        description="person: your own tasks and milestones; project: a project's milestones"
    )
    project: str | None = Field(None, description="Project code (kind project only)")
    name: str = Field("", max_length=100, description="A label to tell your URLs apart")


class FeedOut(Schema):
    id: int
    kind: str
    project: str | None = Field(description="Project code; null for a person feed")
    name: str
    hint: str = Field(description="The last four characters of the URL's secret")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None

    @staticmethod
    def resolve_project(token: FeedToken) -> str | None:
        return token.project.code if token.project else None


class FeedCreatedOut(FeedOut):
    url: str = Field(description="The feed's URL: returned only now, never again")


@router.get("/feeds", response=list[FeedOut])
def feed_list(request: HttpRequest) -> Any:
    """Your calendar feed URLs (never their secrets), newest first."""
    return list(feed_selectors.feed_tokens(request.user))


@router.post("/feeds", response={201: FeedCreatedOut})
def feed_create(request: HttpRequest, payload: FeedIn) -> Any:
    """A new feed URL. The response carries the URL once; only a hash of its secret is kept."""
    project = selectors.project_get(request.user, payload.project) if payload.project else None
    token, secret = feed_services.feed_token_create(
        actor=request.user, kind=payload.kind, project=project, name=payload.name
    )
    url = request.build_absolute_uri(reverse("feed_ics", args=[secret]))
    token.url = url  # type: ignore[attr-defined]
    return HttpStatus(201, token)


@router.delete("/feeds/{feed_id}", response=FeedOut)
def feed_revoke(request: HttpRequest, feed_id: int) -> Any:
    """Revoke a feed URL (its owner, or a PMO administrator); calendars subscribed to it stop updating."""
    return feed_services.feed_token_revoke(actor=request.user, pk=feed_id)
