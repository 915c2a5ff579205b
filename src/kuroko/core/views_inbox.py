"""The notification inbox (the user's notifications newest first, filtered by unread and kind; opening one
marks it read and goes to its item; marking one or all read) and the notification preferences page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.inbox import (
    InboxFilter,
    digest_kinds,
    inbox_filtered,
    kind_choices,
    notification_get,
    preferences,
)
from kuroko.core.models import Delivery
from kuroko.core.notifications import KINDS, kind_label, notification_mark_read, notification_preferences_set
from kuroko.core.scheduler import PERIODIC, Periodic

PAGE_SIZE = 50


def _filter(request: HttpRequest) -> InboxFilter:
    try:
        return InboxFilter.parse(unread=request.GET.get("unread", ""), kind=request.GET.get("kind", ""))
    except ValidationError:  # a stale bookmark of a kind no longer registered: show every kind
        return InboxFilter.parse(unread=request.GET.get("unread", ""))


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    f = _filter(request)
    page = Paginator(inbox_filtered(request.user, f), PAGE_SIZE).get_page(request.GET.get("page"))
    for note in page.object_list:
        note.kind_label = kind_label(note.kind)  # type: ignore[attr-defined]
    return render(
        request,
        "core/inbox.html#results" if request.htmx and not request.htmx.boosted else "core/inbox.html",
        {
            "page": page,
            "filter": f,
            "unread_only": f.unread,
            "query": f.query(),
            "kinds": kind_choices(),
            "all_query": f"kind={f.kind}" if f.kind else "",
            "unread_query": "unread=1" + (f"&kind={f.kind}" if f.kind else ""),
        },
    )


@login_required
def notification_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark the notification read and go to its item (the inbox if it has no link)."""
    note = notification_get(request.user, pk)
    if note is None:
        raise Http404
    notification_mark_read(user=request.user, pk=note.pk)
    target = note.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("inbox")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notification read without opening it (htmx: the entry and the bell are redrawn)."""
    note = notification_get(request.user, pk)
    if note is None:
        raise Http404
    notification_mark_read(user=request.user, pk=note.pk)
    note.refresh_from_db()
    if request.htmx:
        note.kind_label = kind_label(note.kind)  # type: ignore[attr-defined]
        return render(request, "core/inbox.html#entry", {"note": note, "oob_bell": True})
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("inbox")


@login_required
@require_POST
def inbox_read_all(request: HttpRequest) -> HttpResponse:
    count = notification_mark_read(user=request.user)
    messages.success(
        request,
        ngettext("%(n)d notification marked read.", "%(n)d notifications marked read.", count) % {"n": count},
    )
    return redirect("inbox")


@login_required
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """One row per kind of notification with the delivery the user chose (or the default); saving sets
    them all at once."""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        choices = {key: request.POST.get(f"delivery-{key}", "") for key in KINDS}
        choices = {key: value for key, value in choices.items() if value}
        try:
            notification_preferences_set(user=request.user, choices=choices)
        except ValidationError as exc:
            errors = exc.message_dict
        else:
            messages.success(request, _("Notification preferences saved."))
            return redirect("notification-preferences")
    rows = preferences(request.user)
    groups: dict[str, list[object]] = {}
    for row in rows:
        groups.setdefault(row.group, []).append(row)
    digest = PERIODIC.get("core.digest")
    return render(
        request,
        "core/notification_preferences.html",
        {
            "groups": groups,
            "digest_rows": digest_kinds(rows),
            "digest_at": digest.at if isinstance(digest, Periodic) else None,
            "deliveries": Delivery.choices,
            "errors": errors,
            "inbox_url": reverse("inbox"),
        },
        status=422 if errors else 200,
    )
