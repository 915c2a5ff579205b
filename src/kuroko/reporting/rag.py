"""RAG rules of weekly status reports and the wording of their reasons.

A reason is stored as a code and parameters ({"code": "milestone_slipped", "params": {"name": …,
"days": 6}}) and worded when shown, in the reader's language, from `REASONS` (English templates marked
for translation). The status-report part registers the rules and their reason texts here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

# code → message template with %(name)s parameters (marked with gettext_noop where defined).
REASONS: dict[str, str] = {}


def reason_text(reason: Mapping[str, Any]) -> str:
    """A stored reason in the active language; an unknown code (a rule since removed) shows its code."""
    code = str(reason.get("code", ""))
    template = REASONS.get(code)
    params = reason.get("params") or {}
    if template is None:
        return code
    try:
        return gettext(template) % params
    except (KeyError, TypeError, ValueError):
        return gettext(template)
