"""Forms of the tracker CSV import pages (Redmine, Jira, Backlog): the upload, the column mapping (built
from the file's header) and the new project's code and name."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kuroko.formats.tracker_csv import DEFAULT_UNITS, TRACKERS
from kuroko.projects.models import ImportMapping
from kuroko.projects.services.imports import MAX_IMPORT_BYTES

# The fields a tracker file maps to tasks, and to RAID issues, with their labels.
TASK_FIELDS: dict[str, Any] = {
    "key": _("Issue number or key"),
    "name": _("Subject"),
    "parent": _("Parent issue"),
    "status": _("Status"),
    "owner": _("Assignee"),
    "start": _("Start date"),
    "finish": _("Due date"),
    "percent_complete": _("% complete"),
    "estimate": _("Estimated time"),
    "description": _("Description"),
    "relations": _("Related issues (Redmine)"),
    "blocks": _("Blocks (Jira outward links)"),
    "blocked_by": _("Is blocked by (Jira inward links)"),
    "closed_on": _("Closed on"),
    "issue_id": _("Issue id (Jira)"),
}
ISSUE_FIELDS: dict[str, Any] = {
    "key": _("Issue number or key"),
    "name": _("Subject"),
    "description": _("Description"),
    "status": _("Status"),
    "priority": _("Priority"),
    "severity": _("Severity"),
    "owner": _("Assignee"),
    "finish": _("Due date"),
    "created": _("Created"),
}
TRACKER_CHOICES = [("redmine", "Redmine"), ("jira", "Jira"), ("backlog", "Backlog")]
UNIT_CHOICES = [
    ("hours", _("hours")),
    ("seconds", _("seconds (Jira)")),
    ("minutes", _("minutes")),
    ("days", _("days")),
]
assert [c for c, _label in TRACKER_CHOICES] == list(TRACKERS) and set(DEFAULT_UNITS) == set(TRACKERS)


class _Form(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TrackerUploadForm(_Form):
    """The CSV file, and optionally a saved mapping to start from."""

    file = forms.FileField(
        label=_("CSV export of Redmine, Jira or Backlog"),
        help_text=_("UTF-8 or Shift_JIS; comma, tab or semicolon separated; at most 20 MB."),
    )
    mapping = forms.ModelChoiceField(
        label=_("Saved mapping"),
        queryset=ImportMapping.objects.filter(kind=ImportMapping.Kind.TRACKER_CSV),
        required=False,
        empty_label=_("Detect from the file"),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise ValidationError(_("The file is larger than 20 MB."))
        return upload


class TrackerMappingForm(_Form):
    """Which header holds each field, the tracker, how dates and estimates are written, and optionally a
    name to save the mapping under."""

    tracker = forms.ChoiceField(label=_("Tracker"), choices=TRACKER_CHOICES)
    date_format = forms.CharField(
        label=_("Date format"),
        max_length=40,
        required=False,
        help_text=_(
            "Only for unusual dates, e.g. %d/%m/%Y. Left empty, 2026-04-01, 2026/04/01, 2026年4月1日 "
            "and Jira's 01/Apr/26 are read."
        ),
    )
    estimate_unit = forms.ChoiceField(label=_("Estimates are in"), choices=UNIT_CHOICES)
    hours_per_day = forms.DecimalField(
        label=_("Hours per day"),
        min_value=1,
        max_value=24,
        max_digits=4,
        decimal_places=2,
        required=False,
        initial=8,
        help_text=_("For estimates in days and the delays of Redmine relations; empty: 8."),
    )
    closed_statuses = forms.CharField(
        label=_("Statuses that mean done"),
        max_length=500,
        required=False,
        help_text=_(
            "Separated by commas. Left empty: Closed, Done, Rejected, 終了, 完了, 却下 and the like."
        ),
    )
    mapping_name = forms.CharField(
        label=_("Save this mapping as"),
        max_length=100,
        required=False,
        help_text=_("Optional: choose it by name when you import the next file."),
    )

    def __init__(self, *args: Any, header: tuple[str, ...], fields: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "percent_complete" not in fields:  # RAID issues: no progress, no estimates or delays
            del self.fields["hours_per_day"], self.fields["closed_statuses"]
        choices = [("", "—")] + [(h, h) for h in dict.fromkeys(h for h in header if h)]
        self.column_names = list(fields)
        for name, label in fields.items():
            self.fields[f"col_{name}"] = forms.ChoiceField(label=label, choices=choices, required=False)

    @property
    def column_fields(self) -> list[Any]:
        return [self[f"col_{name}"] for name in self.column_names]

    @property
    def other_fields(self) -> list[Any]:
        names = (
            "tracker",
            "date_format",
            "estimate_unit",
            "hours_per_day",
            "closed_statuses",
            "mapping_name",
        )
        return [self[name] for name in names if name in self.fields]

    @classmethod
    def initial_from(cls, options: dict[str, Any]) -> dict[str, Any]:
        initial = {k: options.get(k, "") for k in ("tracker", "date_format", "estimate_unit")}
        initial["hours_per_day"] = options.get("hours_per_day") or 8
        closed = options.get("closed_statuses")
        initial["closed_statuses"] = ", ".join(str(w) for w in closed) if isinstance(closed, list) else ""
        for name, header in dict(options.get("columns") or {}).items():
            initial[f"col_{name}"] = header
        return initial

    def options(self) -> dict[str, Any]:
        data = self.cleaned_data
        options: dict[str, Any] = {
            "tracker": data["tracker"],
            "columns": {name: data.get(f"col_{name}") or "" for name in self.column_names},
            "date_format": data.get("date_format") or "",
            "estimate_unit": data["estimate_unit"],
        }
        if data.get("hours_per_day") is not None:
            options["hours_per_day"] = format(data["hours_per_day"].normalize(), "f")  # JSON: the session
        words = [w.strip() for w in re.split(r"[,、\n]", data.get("closed_statuses") or "") if w.strip()]
        if words:
            options["closed_statuses"] = words
        return options


class TrackerCreateForm(_Form):
    """The new project's code and name."""

    code = forms.CharField(label=_("Code of the new project"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=200)
