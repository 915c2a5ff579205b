"""REST endpoints of the notification inbox: the caller's notifications, marking one or all read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from kuroko.core.inbox import inbox, notification_get
from kuroko.core.notifications import notification_mark_read, unread_count

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


class MarkedOut(Schema):
    marked: int
    unread: int


@router.get("/notifications", response=list[NotificationOut])
@paginate
def list_notifications(request: HttpRequest, unread: bool = False) -> Any:
    """The caller's notifications, newest first (`unread=true`: only those not read yet)."""
    return inbox(request.user, unread_only=unread)


@router.post("/notifications/{notification_id}/read", response=NotificationOut)
def mark_read(request: HttpRequest, notification_id: int) -> Any:
    """Mark one of the caller's notifications read (someone else's is not found)."""
    note = notification_get(request.user, notification_id)
    if note is None:
        raise Http404
    notification_mark_read(user=request.user, pk=note.pk)
    note.refresh_from_db()
    return note


@router.post("/notifications/read-all", response=MarkedOut)
def mark_all_read(request: HttpRequest) -> Any:
    marked = notification_mark_read(user=request.user)
    return {"marked": marked, "unread": unread_count(request.user)}
