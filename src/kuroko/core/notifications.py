"""Notifications: a message in each recipient's inbox, in their language, and by e-mail where they have an
address. Services of every app call `notify` after their transaction commits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation

from kuroko.core.models import Notification, User

log = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: Callable[[], str] | str,
    body: Callable[[], str] | str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Put a notification in the inbox of each user (once per user) and e-mail it.

    `title` and `body` may be callables returning text, so that each recipient reads it in their own
    language (they are called under `translation.override(user.language)`). The e-mail is sent after the
    surrounding transaction commits; a failing mail server is logged, never raised.
    """
    created: list[Notification] = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = title() if callable(title) else title
            message = body() if callable(body) else body
        created.append(
            Notification.objects.create(recipient=user, kind=kind, title=text[:255], body=message, url=url)
        )
    if email:
        for note in created:
            if note.recipient.email:
                transaction.on_commit(partial(_send, note))
    return created


def _send(note: Notification) -> None:
    text = note.body
    if note.url:
        text = f"{text}\n\n{note.url}" if text else note.url
    try:
        send_mail(note.title, text, None, [note.recipient.email])
    except OSError:  # an unreachable mail server must not break the action that notified
        log.warning("Could not e-mail notification %s to %s", note.pk, note.recipient.email, exc_info=True)


def notification_mark_read(*, user: Any, pk: int | None = None) -> int:
    """Mark one notification of `user` (or all of them when pk is None) as read; returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    return qs.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def users_with_roles(*roles: str) -> list[User]:
    """Active accounts with any of the given organisation roles (e.g. the PMO, to notify escalations)."""
    return list(User.objects.filter(is_active=True, role__in=roles))
