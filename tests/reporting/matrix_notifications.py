"""Permission-matrix cases and fixture rows of the reporting notifications part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, api, page

_ALL = (200, 200, 200, 200, 200, 200, 302)  # everyone signed in (pages)
_ALL_API = (200, 200, 200, 200, 200, 200, 401)  # everyone signed in (API)

CASES: list[Case] = [
    # Marking one notification read: only its recipient (the member); anyone else's is not found.
    page((404, 404, 404, 302, 404, 404, 302), "notification-read", "POST", "/inbox/{member_note}/read/"),
    # The inbox filtered by kind (a kind no longer registered shows every kind).
    page(_ALL, "inbox", "GET", "/inbox/?unread=1&kind=raid.escalation", label="filtered"),
    page(_ALL, "inbox", "GET", "/inbox/?kind=no.such.kind", label="unknown kind"),
    # Preferences: each signed-in user reads and saves their own.
    page(_ALL, "notification-preferences", "GET", "/accounts/notifications/"),
    page((302, 302, 302, 302, 302, 302, 302), "notification-preferences", "POST", "/accounts/notifications/",
         lambda ids: {"delivery-meeting": "digest", "delivery-raid.action_overdue": "inbox"}),
    page((422, 422, 422, 422, 422, 422, 302), "notification-preferences", "POST", "/accounts/notifications/",
         lambda ids: {"delivery-meeting": "weekly"}, label="bad delivery"),
    # --- API -------------------------------------------------------------------------------------------
    api(_ALL_API, "GET", "/notifications/unread-count"),
    api(_ALL_API, "GET", "/notifications", query="unread=true&kind=raid.escalation", label="filtered"),
    api((422, 422, 422, 422, 422, 422, 401), "GET", "/notifications", query="kind=no.such.kind",
        label="unknown kind"),
    api(_ALL_API, "GET", "/notifications/preferences"),
    api(_ALL_API, "PUT", "/notifications/preferences",
        lambda ids: {"preferences": [{"kind": "meeting", "delivery": "digest"}]}),
    api((422, 422, 422, 422, 422, 422, 401), "PUT", "/notifications/preferences",
        lambda ids: {"preferences": [{"kind": "no.such.kind", "delivery": "digest"}]}, label="unknown kind"),
]  # fmt: skip


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """The rows this part's cases need, by name (added to the table's ids): none beyond `member_note`."""
    return {}
