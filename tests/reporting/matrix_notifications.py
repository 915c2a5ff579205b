"""Permission-matrix cases and fixture rows of the reporting notifications part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case

CASES: list[Case] = []


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """The rows this part's cases need, by name (added to the table's ids)."""
    return {}
