"""Permission-matrix cases and fixture rows of the governance templates part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, api, page  # noqa: F401

CASES: list[Case] = []


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """Rows the cases above need, as ids for their paths (`world` is the matrix fixture's world)."""
    return {}
