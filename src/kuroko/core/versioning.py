"""Optimistic concurrency: every editable row carries a version that each save increments."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class Versioned(models.Model):
    """Abstract base: a `version` counter checked by services before every update."""

    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    class Meta:
        abstract = True


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    label: str
    theirs: Any
    yours: Any = None


class ConflictError(Exception):
    """A save was based on a stale version; `changes` says what changed meanwhile."""

    def __init__(self, obj: models.Model, expected: int, changes: list[FieldChange], changed_by: str):
        self.obj = obj
        self.expected = expected
        self.current = getattr(obj, "version", None)
        self.changes = changes
        self.changed_by = changed_by
        names = ", ".join(str(c.label) for c in changes) or str(_("(no visible field)"))
        super().__init__(
            _(
                "%(object)s was changed by %(who)s after you opened it "
                "(your version %(yours)s, now %(now)s): %(fields)s. Review the current values and save again."
            )
            % {
                "object": obj,
                "who": changed_by or _("someone"),
                "yours": expected,
                "now": self.current,
                "fields": names,
            }
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "detail": str(self),
            "code": "conflict",
            "your_version": self.expected,
            "current_version": self.current,
            "changed_by": self.changed_by,
            "changes": [{"field": c.field, "current": _jsonable(c.theirs)} for c in self.changes],
        }


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return str(value)


def check_version(obj: models.Model, expected: int | None) -> None:
    """Raise ConflictError when `expected` is given and differs from the row's current version.

    The changed fields are found by comparing the history record of the expected version with the
    current row, so the message can say what changed meanwhile and who changed it.
    """
    current = getattr(obj, "version")  # noqa: B009
    if expected is None or expected == current:
        return
    changes: list[FieldChange] = []
    changed_by = ""
    history = getattr(obj, "history", None)
    if history is not None:
        old = history.filter(version=expected).order_by("-history_date").first()
        latest = history.order_by("-history_date").first()
        if latest is not None and latest.history_user is not None:
            who = latest.history_user
            person = getattr(who, "person", None)
            changed_by = str(person) if person is not None else who.get_full_name() or who.get_username()
        if old is not None:
            for field in obj._meta.concrete_fields:
                if field.name in {"version", "id"} or not field.editable or not hasattr(old, field.attname):
                    continue  # derived fields are kept out of the history
                before = getattr(old, field.attname, None)
                after = getattr(obj, field.attname)
                if before != after:
                    display = getattr(obj, field.name) if field.is_relation else after
                    changes.append(FieldChange(field.name, str(field.verbose_name), display))
    raise ConflictError(obj, expected, changes, changed_by)
