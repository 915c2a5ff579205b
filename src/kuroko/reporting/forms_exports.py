"""Forms of the exports part: the portfolio summary's filters, the archive's filters and a report schedule
(the page and the API parse a schedule with the same form)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuroko.core.models import User
from kuroko.projects.models import Program
from kuroko.projects.permissions import visible_projects
from kuroko.reporting.models import Audience, ReportFormat, ReportKind
from kuroko.reporting.services.exports import SCHEDULE_KINDS

WEEKDAYS = (
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
)


class PortfolioFilterForm(forms.Form):
    week = forms.CharField(label=_("Week"), required=False, widget=forms.TextInput(attrs={"type": "week"}))
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("name"),
        to_field_name="code",
        required=False,
        empty_label=_("All programs"),
    )


class ArchiveFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Report"), required=False, choices=[("", _("All reports")), *ReportKind.choices]
    )
    format = forms.ChoiceField(
        label=_("Format"), required=False, choices=[("", _("All formats")), *ReportFormat.choices]
    )
    project = forms.CharField(label=_("Project code"), required=False, max_length=30)
    week = forms.CharField(label=_("Week"), required=False, widget=forms.TextInput(attrs={"type": "week"}))


class ScheduleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(
        label=_("Report"), choices=[(k.value, k.label) for k in SCHEDULE_KINDS], initial=ReportKind.PORTFOLIO
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"), choices=ReportFormat.choices, widget=forms.CheckboxSelectMultiple, initial=["pdf"]
    )
    audience = forms.ChoiceField(label=_("Audience"), choices=Audience.choices, initial=Audience.PMO)
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=visible_projects(None),
        to_field_name="code",
        required=False,
        help_text=_("For a project report."),
    )
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("name"),
        to_field_name="code",
        required=False,
        help_text=_("Leave empty to cover every project the recipient may read."),
    )
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int, initial=4)
    at = forms.TimeField(label=_("Time"), initial="17:00", widget=forms.TimeInput(attrs={"type": "time"}))
    subscribers = forms.ModelMultipleChoiceField(
        label=_("Subscribers"),
        queryset=User.objects.filter(is_active=True).order_by("username"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Each receives the files by e-mail in their own language; nobody means the owner."),
    )
    enabled = forms.BooleanField(label=_("Enabled"), required=False, initial=True)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        project_field = self.fields["project"]
        assert isinstance(project_field, forms.ModelChoiceField)
        project_field.queryset = visible_projects(user).order_by("code")


def schedule_initial(schedule: Any) -> dict[str, Any]:
    """A schedule's values as the form's initial data."""
    return {
        "name": schedule.name,
        "kind": schedule.kind,
        "formats": schedule.formats,
        "audience": schedule.audience,
        "project": schedule.project.code if schedule.project else "",
        "program": schedule.program.code if schedule.program else "",
        "weekday": schedule.weekday,
        "at": schedule.at,
        "subscribers": list(schedule.subscribers.values_list("pk", flat=True)),
        "enabled": schedule.enabled,
    }
