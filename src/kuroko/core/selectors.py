"""Reads shared by every app."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

# simple_history's own labels are not translated into Japanese.
HISTORY_TYPES = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


def history(obj: Any, limit: int = 50) -> list[dict[str, Any]]:
    """The change history of a versioned row: who, when, and which fields changed from what to what."""
    records = list(
        obj.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    out = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field_obj = obj._meta.get_field(change.field)
                if not field_obj.editable or change.field == "version":
                    continue
                old, new = change.old, change.new
                if field_obj.is_relation:
                    old, new = _related_name(field_obj, old), _related_name(field_obj, new)
                changes.append({"field": str(field_obj.verbose_name), "old": old, "new": new})
        out.append(
            {
                "date": record.history_date,
                "user": record.history_user,
                "type": HISTORY_TYPES.get(record.history_type, record.history_type),
                "changes": changes,
            }
        )
    return out


def _related_name(field: Any, pk: Any) -> Any:
    """What a foreign key pointed at, by name rather than id (or the id if the row is gone)."""
    if pk is None:
        return None
    obj = field.related_model._default_manager.filter(pk=pk).first()
    return str(obj) if obj is not None else f"#{pk}"
