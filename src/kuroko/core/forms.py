"""What the pages' forms share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


def add_errors(form: Any, exc: ValidationError, *, word: Callable[[str], str] = str) -> None:
    """A service's errors onto the form: next to their field where the form has it, else at the top.
    `word` rewrites each message (e.g. a path in a document made readable)."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, word(message))
        return
    for field, messages in exc.message_dict.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, word(message))
