"""Uploaded files waiting between the steps of an import (upload and preview, then map columns or
confirm): kept in the data directory under a random token that only the uploader's session knows, and
deleted when used, when replaced by another upload for the same purpose, or after a day. Files of up to
20 MB are too large to send back through a confirmation form."""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

from django.conf import settings

STALE_SECONDS = 24 * 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
_PURPOSE = re.compile(r"^[a-z0-9-]{1,60}$")


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def _path(token: str) -> Path | None:
    return upload_dir() / f"upload-{token}.bin" if _TOKEN.match(token) else None


def _session_key(purpose: str) -> str:
    if not _PURPOSE.match(purpose):
        raise ValueError(f"Not an upload purpose: {purpose!r}")
    return f"upload-{purpose}"


def keep_upload(
    request: Any, purpose: str, data: bytes, name: str = "", *, options: dict[str, str] | None = None
) -> str:
    """Store the upload for a later step; returns its token (also kept in the session under `purpose`,
    e.g. "excel-new" or "excel-update-12", with the file's name and the `options` chosen with it, such
    as a saved mapping's name: read them back with `upload_options`)."""
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    now = time.time()
    for old in folder.glob("upload-*.bin"):  # uploads never confirmed
        try:
            if now - old.stat().st_mtime > STALE_SECONDS:
                old.unlink(missing_ok=True)
        except FileNotFoundError:  # another request swept it away meanwhile
            continue
    discard_upload(request, purpose)
    token = secrets.token_urlsafe(24)
    path = _path(token)
    assert path is not None
    path.write_bytes(data)
    request.session[_session_key(purpose)] = {"token": token, "name": name, "options": dict(options or {})}
    return token


def upload_options(request: Any, purpose: str) -> dict[str, str]:
    """The options kept with the session's upload for `purpose` (empty when there is none)."""
    kept = request.session.get(_session_key(purpose)) or {}
    options = kept.get("options") or {}
    return {str(key): str(value) for key, value in options.items()}


def load_upload(request: Any, purpose: str, token: str) -> tuple[bytes, str] | None:
    """The bytes and name of the upload kept under `token`, if it is this session's upload for `purpose`
    and still there; else None."""
    kept = request.session.get(_session_key(purpose)) or {}
    path = _path(token)
    if not token or kept.get("token") != token or path is None or not path.is_file():
        return None
    return path.read_bytes(), str(kept.get("name", ""))


def discard_upload(request: Any, purpose: str) -> None:
    """Delete the session's upload for `purpose` (after it is applied, or replaced)."""
    kept = request.session.pop(_session_key(purpose), None) or {}
    path = _path(str(kept.get("token", "")))
    if path is not None:
        path.unlink(missing_ok=True)
