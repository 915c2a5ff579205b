"""Reads of the notification inbox and of the notification preferences (the pages and the API share them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from kuroko.core.models import Delivery, Notification
from kuroko.core.notifications import GROUPS, KINDS, effective_deliveries


@dataclass(frozen=True, slots=True)
class InboxFilter:
    """What the inbox shows: only unread notifications, only one kind (empty: every kind)."""

    unread: bool = False
    kind: str = ""

    @classmethod
    def parse(cls, *, unread: Any = False, kind: Any = "") -> InboxFilter:
        """The filter from a query string's values; an unknown kind is refused naming `kind`."""
        kind = (kind or "").strip()
        if kind and kind not in KINDS:
            raise ValidationError({"kind": _("There is no notification kind “%(kind)s”.") % {"kind": kind}})
        flag = unread if isinstance(unread, bool) else str(unread).lower() in {"1", "true", "on", "yes"}
        return cls(unread=flag, kind=kind)

    def query(self) -> str:
        """The filter as a query string (for the pagination links)."""
        parts = []
        if self.unread:
            parts.append("unread=1")
        if self.kind:
            parts.append(f"kind={self.kind}")
        return "&".join(parts)


def inbox(user: Any, *, unread_only: bool = False, kind: str = "") -> QuerySet[Notification]:
    """The user's notifications, newest first (nobody reads anyone else's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    qs = Notification.objects.filter(recipient=user)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-pk")


def inbox_filtered(user: Any, f: InboxFilter) -> QuerySet[Notification]:
    return inbox(user, unread_only=f.unread, kind=f.kind)


def notification_get(user: Any, pk: int) -> Notification | None:
    """One of the user's notifications, or None (someone else's is not found either)."""
    return inbox(user).filter(pk=pk).first()


def kind_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The registered kinds by group, labelled in the active language (for the inbox's kind filter)."""
    return [
        (str(label), [(k.key, str(k.label)) for k in KINDS.values() if k.group == group])
        for group, label in GROUPS.items()
    ]


@dataclass(frozen=True, slots=True)
class PreferenceRow:
    """One kind on the preferences page: its label and description, the default and the user's delivery."""

    key: str
    group: str
    label: str
    description: str
    default: str
    delivery: str

    @property
    def is_default(self) -> bool:
        return self.delivery == self.default


def preferences(user: Any) -> list[PreferenceRow]:
    """Every registered kind with the user's delivery, in the registry's order (one query)."""
    chosen = effective_deliveries(user)
    return [
        PreferenceRow(
            key=k.key,
            group=str(GROUPS[k.group]),
            label=str(k.label),
            description=str(k.description),
            default=str(k.default),
            delivery=chosen[k.key],
        )
        for k in KINDS.values()
    ]


def digest_kinds(rows: list[PreferenceRow]) -> list[PreferenceRow]:
    """The rows the user receives in the daily digest (for the page's summary)."""
    return [r for r in rows if r.delivery == Delivery.DIGEST]
