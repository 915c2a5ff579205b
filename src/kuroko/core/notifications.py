"""Notifications: a message in each recipient's inbox, in their language, and by e-mail where they have an
address and want it. Services of every app call `notify` inside their transaction; the e-mail leaves
only once it commits.

Every kind of notification the code raises is registered in `KINDS` with a label, a description and a
default delivery; each user may choose another delivery per kind (`NotificationPreference`): at once by
e-mail, in the daily digest e-mail, or in the inbox only. The inbox always gets the notification.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from kuroko.core.models import Delivery, Notification, NotificationPreference, User

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Kind:
    """A kind of notification: its key (stored in `Notification.kind`), the group it is listed under, a
    label and a description for the preferences page, and the delivery of users who chose none."""

    key: str
    group: str
    label: Promise | str
    description: Promise | str
    default: Delivery = Delivery.IMMEDIATE


# Groups in the order the preferences page and the inbox filter list them.
GROUPS: dict[str, Promise | str] = {
    "assignment": _("Assignments"),
    "approval": _("Approvals"),
    "overdue": _("Overdue items"),
    "escalation": pgettext_lazy("notification group", "Escalations"),
    "report": _("Status reports"),
    "gate_review": _("Gate reviews"),
    "meeting": _("Meetings"),
    "audit": _("Audits"),
}

KINDS: dict[str, Kind] = {
    k.key: k
    for k in (
        Kind(
            "projects.task_assigned",
            "assignment",
            _("Task assigned to me"),
            _("You are assigned to a task or made its owner."),
        ),
        Kind(
            "projects.team_added",
            "assignment",
            _("Added to a project team"),
            _("You become a member of a project's team."),
        ),
        Kind(
            "raid.action_assigned",
            "assignment",
            _("Action item assigned to me"),
            _("An action item of a project's RAID log is given to you."),
        ),
        Kind(
            "tracking.timesheet_submitted",
            "approval",
            _("Timesheet waits for my approval"),
            _("Someone submitted the hours of a week on a project you manage."),
        ),
        Kind(
            "tracking.timesheet_rejected",
            "approval",
            _("My timesheet rejected"),
            _("A project manager rejected hours of your week; it is open again for you to correct."),
        ),
        Kind(
            "raid.change_submit",
            "approval",
            _("Change request waits for my decision"),
            _("A change request was submitted to the PMO or to the project's sponsor."),
        ),
        Kind(
            "raid.change_approve",
            "approval",
            _("Change request approved"),
            _("A change request you raised, or of your project, was approved."),
        ),
        Kind(
            "raid.change_reject",
            "approval",
            _("Change request rejected"),
            _("A change request you raised, or of your project, was rejected."),
        ),
        Kind(
            "raid.change_withdraw",
            "approval",
            _("Change request withdrawn"),
            _("A change request waiting for a decision was withdrawn."),
            Delivery.DIGEST,
        ),
        Kind(
            "raid.change_implement",
            "approval",
            _("Change request implemented"),
            _("An approved change request was implemented."),
            Delivery.DIGEST,
        ),
        Kind(
            "projects.task_overdue",
            "overdue",
            _("My task is overdue"),
            _("A task you own passed its finish date without being complete (told once)."),
            Delivery.DIGEST,
        ),
        Kind(
            "raid.action_overdue",
            "overdue",
            _("My action item is overdue"),
            _("An open action item you own passed its due date (told once)."),
            Delivery.DIGEST,
        ),
        Kind(
            "raid.escalation",
            "escalation",
            _("Escalation"),
            _("An issue, risk or action item was escalated to the PMO or to the executives."),
        ),
        Kind(
            "report_due",
            "report",
            _("Status report due"),
            _("The weekly status report of a project you manage is not submitted yet."),
        ),
        Kind(
            "report_submitted",
            "report",
            _("Status report submitted"),
            _("A project manager submitted a weekly status report for review."),
            Delivery.DIGEST,
        ),
        Kind(
            "report_reviewed",
            "report",
            _("Status report reviewed"),
            _("The PMO accepted your weekly status report."),
        ),
        Kind(
            "report_returned",
            "report",
            _("Status report returned"),
            _("The PMO returned your weekly status report with comments."),
        ),
        Kind(
            "governance.gate_review_opened",
            "gate_review",
            _("Gate review asks for my decision"),
            _("A phase gate review names you as an approver."),
        ),
        Kind(
            "governance.gate_decided",
            "gate_review",
            _("Gate decided"),
            _("A phase gate of your project was decided."),
        ),
        Kind(
            "meeting",
            "meeting",
            _("Meetings"),
            _("Invitations, changes and minutes of meetings you attend."),
        ),
        Kind(
            "audit",
            "audit",
            _("Urgent audit findings"),
            _("The audit found new urgent problems in a project you are responsible for."),
        ),
    )
}

DIGEST_WINDOW = timedelta(days=7)  # a digest lists at most a week of notifications (older are in the inbox)


def kind_label(key: str) -> str:
    """The translated label of a kind (the key itself for a kind not registered)."""
    kind = KINDS.get(key)
    return str(kind.label) if kind else key


def deliveries(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's delivery of `kind` (their preference, else the kind's default), in one query."""
    ids = list(user_ids)
    default = KINDS[kind].default if kind in KINDS else Delivery.IMMEDIATE
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "delivery")
    )
    return {pk: chosen.get(pk, default) for pk in ids}


def notify(
    *,
    users: Iterable[Any],
    kind: str,
    title: Callable[[], str] | str,
    body: Callable[[], str] | str = "",
    url: str = "",
    email: bool = True,
) -> list[Notification]:
    """Put a notification in the inbox of each user (once per user) and e-mail it to those who want it.

    `title` and `body` may be callables returning text, so that each recipient reads it in their own
    language (they are called under `translation.override(user.language)`). Each recipient's delivery of
    `kind` decides the e-mail: immediate → sent after the surrounding transaction commits (a failing mail
    server is logged, never raised); digest → listed in the next daily digest; inbox → none.
    """
    recipients: list[Any] = []
    seen: set[int] = set()
    for user in users:
        if user is None or user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        recipients.append(user)
    if not recipients:
        return []
    delivery = deliveries(seen, kind)
    created: list[Notification] = []
    for user in recipients:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = title() if callable(title) else title
            message = body() if callable(body) else body
        created.append(
            Notification.objects.create(recipient=user, kind=kind, title=text[:255], body=message, url=url)
        )
    if email:
        for note in created:
            if note.recipient.email and delivery[note.recipient.pk] == Delivery.IMMEDIATE:
                transaction.on_commit(partial(_send, note))
    return created


def notify_others(
    *,
    actor: Any,
    users: Iterable[Any],
    kind: str,
    title: Callable[[], str] | str,
    body: Callable[[], str] | str = "",
    url: str = "",
) -> list[Notification]:
    """`notify` every user but the one who acted (nobody needs telling what they just did)."""
    actor_pk = getattr(actor, "pk", None) if getattr(actor, "is_authenticated", False) else None
    return notify(
        users=[u for u in users if u is not None and u.pk != actor_pk],
        kind=kind,
        title=title,
        body=body,
        url=url,
    )


def absolute(url: str) -> str:
    """A link of the site as an address an e-mail reader can open (`KUROKO_BASE_URL` + path)."""
    base = getattr(settings, "KUROKO_BASE_URL", "").rstrip("/")
    return f"{base}{url}" if base and url.startswith("/") else url


def _send(note: Notification) -> None:
    text = note.body
    if note.url:
        link = absolute(note.url)
        text = f"{text}\n\n{link}" if text else link
    try:
        send_mail(note.title, text, None, [note.recipient.email])
    except OSError:  # an unreachable mail server must not break the action that notified
        log.warning("Could not e-mail notification %s to %s", note.pk, note.recipient.email, exc_info=True)


def notified_at(kind: str, recipient_urls: Iterable[tuple[int, str]]) -> dict[tuple[int, str], datetime]:
    """When each (recipient id, url) was last notified of `kind`, for the pairs that were (one query): lets
    a daily check tell each item once."""
    pairs = set(recipient_urls)
    if not pairs:
        return {}
    rows = (
        Notification.objects.filter(
            kind=kind, recipient_id__in={r for r, _u in pairs}, url__in={u for _r, u in pairs}
        )
        .values("recipient_id", "url")
        .annotate(last=Max("created_at"))
    )
    return {(r["recipient_id"], r["url"]): r["last"] for r in rows if (r["recipient_id"], r["url"]) in pairs}


def notification_mark_read(*, user: Any, pk: int | None = None, kind: str = "") -> int:
    """Mark one notification of `user` (or all of them when pk is None, only of `kind` if given) as read;
    returns how many."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if pk is not None:
        qs = qs.filter(pk=pk)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.update(read_at=timezone.now())


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def users_with_roles(*roles: str) -> list[User]:
    """Active accounts with any of the given organisation roles (e.g. the PMO, to notify escalations)."""
    return list(User.objects.filter(is_active=True, role__in=roles))


# --- Preferences -----------------------------------------------------------------------------------


@transaction.atomic
def notification_preferences_set(*, user: Any, choices: Mapping[str, Any]) -> dict[str, str]:
    """Set the user's delivery of the kinds in `choices` ({kind: "immediate"|"digest"|"inbox"}); kinds not
    named keep theirs. A choice equal to the kind's default is stored as no row (the default applies).
    Unknown kinds and deliveries are refused together, each naming the kind; nothing is saved then.
    Returns the user's delivery of every kind."""
    if not getattr(user, "is_authenticated", False):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    allowed = set(Delivery.values)
    errors: dict[str, str] = {}
    for key, value in choices.items():
        if key not in KINDS:
            errors[str(key)] = gettext("There is no notification kind “%(kind)s”.") % {"kind": key}
        elif value not in allowed:
            errors[key] = gettext("“%(value)s” is not a delivery; choose %(choices)s.") % {
                "value": value,
                "choices": ", ".join(sorted(allowed)),
            }
    if errors:
        raise ValidationError(errors)
    for key, value in choices.items():
        if value == KINDS[key].default:
            NotificationPreference.objects.filter(user=user, kind=key).delete()
        else:
            NotificationPreference.objects.update_or_create(user=user, kind=key, defaults={"delivery": value})
    return effective_deliveries(user)


def effective_deliveries(user: Any) -> dict[str, str]:
    """The user's delivery of every registered kind (their choice, else the default)."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {key: chosen.get(key, kind.default) for key, kind in KINDS.items()}


# --- Daily digest ----------------------------------------------------------------------------------


def _digest_kinds_q() -> Q:
    """Notifications of a kind the recipient receives in the digest (their choice, else the default)."""
    prefs = NotificationPreference.objects.filter(user_id=OuterRef("recipient_id"), kind=OuterRef("kind"))
    default_digest = [k for k, kind in KINDS.items() if kind.default == Delivery.DIGEST]
    return Q(Exists(prefs.filter(delivery=Delivery.DIGEST))) | (
        Q(kind__in=default_digest) & ~Q(Exists(prefs))
    )


def digest_pending(now: datetime | None = None) -> Any:
    """Unread notifications of digest kinds not yet sent in a digest, of the last `DIGEST_WINDOW`."""
    now = now or timezone.now()
    return Notification.objects.filter(
        _digest_kinds_q(),
        read_at__isnull=True,
        digested_at__isnull=True,
        created_at__gte=now - DIGEST_WINDOW,
        created_at__lte=now,
        recipient__is_active=True,
    )


def digest_text(notes: list[Notification]) -> tuple[str, str]:
    """The digest e-mail's subject and body of a user's notifications (in the active language), grouped
    by kind in the registry's order, each notification with its link."""
    by_kind: dict[str, list[Notification]] = defaultdict(list)
    for note in notes:
        by_kind[note.kind].append(note)
    order = {key: i for i, key in enumerate(KINDS)}
    lines = [gettext("Good morning. These notifications are waiting in your inbox:"), ""]
    for key in sorted(by_kind, key=lambda k: (order.get(k, len(order)), k)):
        group = by_kind[key]
        lines.append(f"{kind_label(key)} ({len(group)})")
        for note in group:
            lines.append(f"  - {note.title}")
            if note.url:
                lines.append(f"    {absolute(note.url)}")
        lines.append("")
    from django.urls import reverse

    lines.append(
        gettext("Choose what reaches you and how: %(url)s")
        % {"url": absolute(reverse("notification-preferences"))}
    )
    subject = ngettext(
        "Kuroko daily digest: %(n)s notification", "Kuroko daily digest: %(n)s notifications", len(notes)
    ) % {"n": len(notes)}
    return subject, "\n".join(lines)


def digest_send(*, now: datetime | None = None) -> int:
    """Send each user one e-mail listing their pending digest notifications (`digest_pending`) in their
    language, and mark them digested; users without one get nothing. Returns how many e-mails were sent.
    A user whose mail fails keeps their notifications for the next digest."""
    now = now or timezone.now()
    notes = list(digest_pending(now).select_related("recipient").order_by("recipient_id", "created_at", "pk"))
    by_user: dict[int, list[Notification]] = defaultdict(list)
    for note in notes:
        by_user[note.recipient_id].append(note)
    sent = 0
    for group in by_user.values():
        user = group[0].recipient
        if not user.email:
            continue
        with translation.override(user.language or settings.LANGUAGE_CODE):
            subject, text = digest_text(group)
        try:
            send_mail(subject, text, None, [user.email])
        except OSError:
            log.warning("Could not e-mail the daily digest to %s", user.email, exc_info=True)
            continue
        Notification.objects.filter(pk__in=[n.pk for n in group], digested_at__isnull=True).update(
            digested_at=now
        )
        sent += 1
    return sent
