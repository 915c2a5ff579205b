"""Permission-matrix cases and fixture rows of the reporting dashboard part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.

Every signed-in user has a home page (their role's board). The PMO opens every role's board; executives
the PMO's and their own; project managers theirs and the team member's; everyone else the team member's.
Another board is a 403.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, page

# fmt: off
CASES: list[Case] = [
    page((200, 200, 200, 200, 200, 200, 302), "dashboard", "GET", "/home/"),
    page((200, 200, 403, 403, 200, 403, 302), "dashboard", "GET", "/home/?view=pmo", label="pmo"),
    page((200, 200, 200, 403, 403, 403, 302), "dashboard", "GET", "/home/?view=pm", label="pm"),
    page((200, 200, 200, 200, 403, 200, 302), "dashboard", "GET", "/home/?view=member", label="member"),
    page((200, 200, 403, 403, 200, 403, 302), "dashboard", "GET", "/home/?view=executive",
         label="executive"),
]
# fmt: on


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """The rows this part's cases need, by name (added to the table's ids): none."""
    return {}
