"""The daily overdue check of action items: each open item's owner is told once when it passes its due
date (again if the due date moved later and it passed that too)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kuroko.core.notifications import notified_at, notify
from kuroko.projects.models import Status
from kuroko.raid.models import OPEN_ACTION_STATUSES, ActionItem

KIND = "raid.action_overdue"


def actions_overdue_notify(*, today: date) -> int:
    """Notify the owners of open action items of active projects due before `today`, each item once;
    returns how many were told."""
    actions = list(
        ActionItem.objects.filter(
            project__status=Status.ACTIVE,
            status__in=OPEN_ACTION_STATUSES,
            due_date__lt=today,
            owner__user__isnull=False,
            owner__user__is_active=True,
        )
        .select_related("project", "owner__user")
        .order_by("project_id", "number")
    )
    urls = {a.pk: reverse("action-detail", args=[a.pk]) for a in actions}
    told_at = notified_at(KIND, {(a.owner.user.pk, urls[a.pk]) for a in actions if a.owner and a.owner.user})
    told = 0
    for action in actions:
        user: Any = action.owner.user if action.owner else None
        due = action.due_date
        assert due is not None
        last = told_at.get((user.pk, urls[action.pk]))
        # Told already, unless the due date moved past that notification and has been missed again.
        if last is not None and timezone.localtime(last).date() > due:
            continue
        _tell(user, action, due, urls[action.pk])
        told += 1
    return told


def _tell(user: Any, action: ActionItem, due: date, url: str) -> None:
    ref, title = f"{action.project.code} {action.code}", action.title
    notify(
        users=[user],
        kind=KIND,
        title=lambda: _("Action %(code)s is overdue: %(title)s") % {"code": ref, "title": title},
        body=lambda: _("It was due on %(date)s.") % {"date": due.isoformat()},
        url=url,
    )
