"""Calendar feed URLs: create one (the secret is returned once and only its hash is kept) and revoke one."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.models import Role
from kuroko.core.permissions import require, role_of
from kuroko.projects import permissions as perms
from kuroko.projects.models import FeedToken, Project

# A feed URL is the only key to the calendar: 32 random bytes, like an API token.
SECRET_BYTES = 32


@transaction.atomic
def feed_token_create(
    *, actor: Any, kind: str, project: Project | None = None, name: str = ""
) -> tuple[FeedToken, str]:
    """A new feed URL of `actor`: their own tasks and milestones (kind "person") or the milestones of a
    project they may read (kind "project"). Returns the row and the secret, which is not kept."""
    require(role_of(actor) is not None)
    if kind == FeedToken.Kind.PERSON:
        if project is not None:
            raise ValidationError({"project": _("A feed of your own tasks is not for one project.")})
    elif kind == FeedToken.Kind.PROJECT:
        if project is None:
            raise ValidationError({"project": _("Choose the project whose milestones the feed shows.")})
        require(
            perms.can_view_project(actor, project),
            _("You are not a member of project %(code)s.") % {"code": project.code},
        )
    else:
        raise ValidationError({"kind": _("A feed is of your tasks (person) or of a project (project).")})
    name = name.strip()
    if len(name) > 100:
        raise ValidationError({"name": _("A label has at most 100 characters.")})
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = FeedToken.objects.create(
        owner=actor,
        kind=kind,
        project=project,
        name=name,
        token_hash=FeedToken.hash_secret(secret),
        hint=secret[-4:],
    )
    return token, secret


@transaction.atomic
def feed_token_revoke(*, actor: Any, pk: int) -> FeedToken:
    """Revoke a feed URL: its owner or a PMO administrator may; anyone else gets 404 (the URL's existence
    is not disclosed). Revoking twice changes nothing."""
    token = FeedToken.objects.select_for_update().filter(pk=pk).first()
    if token is None or role_of(actor) is None:
        raise Http404(_("No calendar feed with id %(id)s.") % {"id": pk})
    if token.owner_id != actor.pk and role_of(actor) != Role.PMO_ADMIN:
        raise Http404(_("No calendar feed with id %(id)s.") % {"id": pk})
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def feed_token_used(*, token: FeedToken, now: datetime) -> None:
    """Note that a calendar client fetched the feed; written at most once a minute per URL, so that
    frequent polling does not turn every read into a write."""
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        FeedToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
