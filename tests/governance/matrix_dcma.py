"""Permission-matrix cases and fixture rows of the governance dcma part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, api, page


def _plan_upload() -> Any:
    """A fresh upload of a small MS Project XML file (an upload can be read once)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.projects.test_import import mspdi

    return SimpleUploadedFile("plan.xml", mspdi(), content_type="application/xml")


# Who reads the project sees its report (HTML, Excel, API); any signed-in user may assess a file.
CASES: list[Case] = [
    page((200, 200, 200, 200, 200, 403, 302), "project-dcma", "GET", "/projects/ALPHA/dcma/"),
    page((200, 200, 200, 200, 200, 403, 302), "project-dcma-export", "GET", "/projects/ALPHA/dcma.xlsx"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/dcma", code="alpha"),
    api(
        (200, 200, 200, 200, 200, 200, 401),
        "POST",
        "/dcma",
        lambda ids: {"file": _plan_upload()},
        writes=False,
    ),
]


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """Rows the cases above need, as ids for their paths (`world` is the matrix fixture's world)."""
    return {}
