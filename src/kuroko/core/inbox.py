"""Reads of the notification inbox (the page and the API share them)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from kuroko.core.models import Notification


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's notifications, newest first (nobody reads anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-pk")


def notification_get(user: Any, pk: int) -> Notification | None:
    """One of the user's notifications, or None (someone else's is not found either)."""
    return inbox(user).filter(pk=pk).first()
