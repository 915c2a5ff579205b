"""The permission matrix's case type and constructors, shared by tests/test_permission_matrix.py and the
per-part case tables (tests/governance/matrix_*.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

ROLES = ("admin", "pmo", "pm", "member", "executive", "outsider", "anonymous")


@dataclass(frozen=True)
class Case:
    """One request and the status code each role in ROLES order must get."""

    key: str  # URL name for HTML routes; "METHOD /api/v1/…" (OpenAPI path) for API operations
    method: str
    path: str  # str.format template over the ids of the `matrix` fixture
    expect: tuple[int, int, int, int, int, int, int]
    data: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    api: bool = False
    writes: bool | None = None  # None: writes unless GET
    label: str = ""
    marks: tuple[Any, ...] = field(default=())
    json_body: bool = False  # an HTML route that takes a JSON body (the Gantt's edits)

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}{' ' + self.label if self.label else ''}"


def page(expect: tuple, key: str, method: str, path: str, data: Any = None, **kw: Any) -> Case:
    """An HTML route, keyed by its URL name."""
    return Case(key, method, path, expect, data, api=False, **kw)


def api(
    expect: tuple,
    method: str,
    route: str,
    data: Any = None,
    *,
    query: str = "",
    label: str = "",
    marks: tuple[Any, ...] = (),
    writes: bool | None = None,
    **fill: str,
) -> Case:
    """An API operation, keyed by its OpenAPI path; `fill` puts `matrix` ids into the path parameters."""
    path = route.format(**{name: f"{{{value}}}" for name, value in fill.items()}) if fill else route
    return Case(
        f"{method} /api/v1{route}",
        method,
        f"/api/v1{path}{'?' + query if query else ''}",
        expect,
        data,
        api=True,
        label=label,
        marks=marks,
        writes=writes,
    )
