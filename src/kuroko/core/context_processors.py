from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from kuroko import __version__
from kuroko.core import permissions
from kuroko.core.models import Organisation
from kuroko.core.notifications import unread_count


def kuroko(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    url_name = match.url_name if match is not None else ""
    if url_name and url_name.startswith("calendar"):
        nav = "calendars"
    elif url_name and url_name.startswith(("people", "person")):
        nav = "people"
    elif url_name and url_name.startswith("portfolio-timeline"):
        nav = "timeline"
    elif url_name and url_name.startswith(("portfolio", "project", "task", "member")):
        nav = "portfolio"
    else:
        nav = ""
    return {
        "nav": nav,
        "DEMO_MODE": settings.DEMO_MODE,
        "KUROKO_VERSION": __version__,
        # Lazy: one query, and only on pages that show money or the organisation's name.
        "ORG": SimpleLazyObject(Organisation.current),
        "user_role": permissions.role_of(user),
        "user_is_pmo": permissions.is_pmo(user),
        # Lazy: the top bar's unread count is one COUNT query, run only where the page shows it.
        "unread_notifications": SimpleLazyObject(lambda: unread_count(user)),
    }
