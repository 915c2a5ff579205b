"""The MS Project XML files shared by the team (../shared/data/mspdi), as pytest parameters."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).parents[3] / "shared" / "data" / "mspdi"


def shared_files() -> list[object]:
    """One parameter per shared file, or a single skipped one naming the missing directory."""
    if not SHARED.is_dir():
        reason = f"{SHARED} is absent: the shared MS Project XML files are not on this machine"
        return [pytest.param(None, marks=pytest.mark.skip(reason=reason), id="no-shared-files")]
    return [pytest.param(path, id=path.stem) for path in sorted(SHARED.glob("*.xml"))]


def shared(name: str) -> Path:
    """A shared file by name; skips the test when it is absent."""
    path = SHARED / name
    if not path.is_file():
        pytest.skip(f"{path} is absent: the shared MS Project XML files are not on this machine")
    return path
