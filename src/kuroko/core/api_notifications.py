"""REST endpoints of the notification inbox: the caller's notifications (filtered by unread and kind), marking
one or all read, the unread count, and the caller's notification preferences."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from kuroko.core.inbox import InboxFilter, inbox_filtered, notification_get, preferences
from kuroko.core.notifications import (
    kind_label,
    notification_mark_read,
    notification_preferences_set,
    unread_count,
)

router = Router(tags=["notifications"])


class NotificationOut(Schema):
    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return kind_label(obj.kind)


class MarkedOut(Schema):
    marked: int
    unread: int


class UnreadOut(Schema):
    unread: int


class PreferenceOut(Schema):
    kind: str
    group: str
    label: str
    description: str
    default: str
    delivery: str


class PreferenceIn(Schema):
    kind: str
    delivery: str


class PreferencesIn(Schema):
    preferences: list[PreferenceIn]


def _preferences(user: Any) -> list[dict[str, str]]:
    return [
        {
            "kind": r.key,
            "group": r.group,
            "label": r.label,
            "description": r.description,
            "default": r.default,
            "delivery": r.delivery,
        }
        for r in preferences(user)
    ]


@router.get("/notifications", response=list[NotificationOut])
@paginate
def list_notifications(request: HttpRequest, unread: bool = False, kind: str = "") -> Any:
    """The caller's notifications, newest first (`unread=true`: only those not read yet; `kind`: only one
    kind, e.g. `raid.action_overdue` — see the preferences for the kinds)."""
    return inbox_filtered(request.user, InboxFilter.parse(unread=unread, kind=kind))


@router.get("/notifications/unread-count", response=UnreadOut)
def notifications_unread_count(request: HttpRequest) -> Any:
    """How many of the caller's notifications are unread (the number on the bell)."""
    return {"unread": unread_count(request.user)}


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
def mark_all_read(request: HttpRequest, kind: str = "") -> Any:
    """Mark all the caller's notifications read (`kind`: only those of one kind)."""
    f = InboxFilter.parse(kind=kind)
    marked = notification_mark_read(user=request.user, kind=f.kind)
    return {"marked": marked, "unread": unread_count(request.user)}


@router.get("/notifications/preferences", response=list[PreferenceOut])
def get_preferences(request: HttpRequest) -> Any:
    """Every kind of notification with its label, description, default delivery and the caller's
    delivery: `immediate` (inbox and e-mail at once), `digest` (inbox and the daily digest e-mail) or
    `inbox` (inbox only)."""
    return _preferences(request.user)


@router.put("/notifications/preferences", response=list[PreferenceOut])
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> Any:
    """Set the caller's delivery of the kinds listed (the others keep theirs); an unknown kind or delivery
    is refused with 422 naming the kind, and nothing is saved."""
    notification_preferences_set(user=request.user, choices={p.kind: p.delivery for p in payload.preferences})
    return _preferences(request.user)
