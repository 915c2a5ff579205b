"""Forms of the Excel WBS pages: the upload, the column mapping (choices from the sheet's headers), the new
project's code and name, and renaming a saved mapping."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuroko.formats import excel_wbs as fmt
from kuroko.projects.models import ImportMapping

MAX_LEVELS = 5

FIELD_LABELS = {
    "id": _("ID"),
    "wbs": _("WBS code (outline number)"),
    "level": _("Outline level"),
    "name": _("Task name"),
    "owner": _("Owner"),
    "start": _("Planned start"),
    "finish": _("Planned finish"),
    "duration": _("Duration"),
    "actual_start": _("Actual start"),
    "actual_finish": _("Actual finish"),
    "progress": _("Progress %"),
    "work": _("Effort"),
    "predecessors": _("Predecessors"),
    "notes": _("Notes"),
    "milestone": _("Milestone"),
}
HIERARCHY_CHOICES = [
    ("outline", _("Outline numbers in the WBS column (1, 1.1, 1.1.1)")),
    ("indent", _("Indented task names")),
    ("levels", _("Level columns (大項目, 中項目, 小項目 …)")),
    ("level", _("An outline level column (1, 2, 3)")),
]


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def mapping_choices(user: Any) -> list[tuple[str, Any]]:
    from kuroko.projects.selectors.import_mappings import import_mappings

    return [("", _("Detect the layout"))] + [
        (str(m.pk), m.name) for m in import_mappings(user, kind=ImportMapping.Kind.EXCEL_WBS)
    ]


class ExcelUploadForm(_Form):
    file = forms.FileField(
        label=_("Excel WBS file (.xlsx)"),
        help_text=_("The sheet, header row and columns are detected; you check them in the next step."),
    )
    mapping = forms.ChoiceField(label=_("Saved mapping"), required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mapping"].choices = mapping_choices(user)  # type: ignore[attr-defined]


class ExcelMappingForm(_Form):
    """Where the WBS is and which header holds each field; choices are the sheet's headers."""

    sheet = forms.ChoiceField(label=_("Sheet"))
    header_row = forms.IntegerField(label=_("Header row"), min_value=1, max_value=1000)
    hierarchy = forms.ChoiceField(label=_("Hierarchy"), choices=HIERARCHY_CHOICES)
    work_unit = forms.ChoiceField(
        label=_("Effort is in"), choices=[("hours", _("hours")), ("days", _("person-days"))]
    )
    hours_per_day = forms.DecimalField(
        label=_("Hours per person-day"), min_value=1, max_value=24, decimal_places=2, initial=8
    )
    references = forms.ChoiceField(
        label=_("Predecessors refer to"), choices=[("wbs", _("WBS codes")), ("id", _("IDs"))]
    )
    save_as = forms.CharField(
        label=_("Save as mapping"),
        max_length=100,
        required=False,
        help_text=_("A name to choose this mapping next time (optional)."),
    )

    def __init__(
        self, *args: Any, sheets: Sequence[str] = (), headers: Sequence[str] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = list(headers)
        self.fields["sheet"].choices = [(s, s) for s in sheets]  # type: ignore[attr-defined]
        choices = [("", "—")] + [(h, h) for h in headers if h]
        for name in fmt.FIELDS:
            self.fields[f"col_{name}"] = forms.ChoiceField(
                label=FIELD_LABELS[name], choices=choices, required=False
            )
        for depth in range(1, MAX_LEVELS + 1):
            self.fields[f"level_{depth}"] = forms.ChoiceField(
                label=_("Level %(n)s column") % {"n": depth}, choices=choices, required=False
            )

    @staticmethod
    def initial_from(options: dict[str, Any]) -> dict[str, Any]:
        initial = {k: options.get(k) for k in ("sheet", "header_row", "hierarchy", "work_unit", "references")}
        initial["hours_per_day"] = options.get("hours_per_day", 8)
        for name, header in (options.get("columns") or {}).items():
            initial[f"col_{name}"] = header
        for depth, header in enumerate(options.get("levels") or [], start=1):
            initial[f"level_{depth}"] = header
        return initial

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "sheet": data["sheet"],
            "header_row": data["header_row"],
            "hierarchy": data["hierarchy"],
            # In the sheet's order, so that an export in this layout has its columns where the file had them.
            "columns": dict(
                sorted(
                    ((name, data[f"col_{name}"]) for name in fmt.FIELDS if data.get(f"col_{name}")),
                    key=lambda item: self.headers.index(item[1]) if item[1] in self.headers else 999,
                )
            ),
            "levels": [data[f"level_{d}"] for d in range(1, MAX_LEVELS + 1) if data.get(f"level_{d}")],
            "work_unit": data["work_unit"],
            "hours_per_day": float(data["hours_per_day"]),
            "references": data["references"],
        }

    def field_rows(self) -> list[Any]:
        return [self[f"col_{name}"] for name in fmt.FIELDS]

    def level_rows(self) -> list[Any]:
        return [self[f"level_{d}"] for d in range(1, MAX_LEVELS + 1)]


class ExcelCreateForm(_Form):
    code = forms.CharField(label=_("Code of the new project"), max_length=30)
    name = forms.CharField(
        label=_("Name"), max_length=200, required=False, help_text=_("Leave empty to use the sheet's name.")
    )


class MappingRenameForm(_Form):
    name = forms.CharField(label=_("Name"), max_length=100)
