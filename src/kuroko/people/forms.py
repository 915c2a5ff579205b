"""Forms for working calendars: parse what people type; the services validate and write."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuroko.people import hours
from kuroko.people.models import (
    CalendarException,
    CalendarKind,
    RecurrenceKind,
    WorkCalendar,
    holiday_countries,
)

DAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any):
        super().__init__(format="%Y-%m-%d", **kwargs)


class QuietForm(forms.Form):
    """No colon after labels, like the rest of the forms."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def country_choices() -> list[tuple[str, Any]]:
    return [("", _("None")), *((code, f"{code} — {name}") for code, name in holiday_countries().items())]


class CalendarForm(QuietForm):
    """A calendar's settings and its working week, one line of hours per weekday."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarKind.choices)
    holiday_country = forms.ChoiceField(label=_("Public holidays of"), required=False, choices=())
    base = forms.ModelChoiceField(
        label=_("Base calendar"), queryset=WorkCalendar.objects.none(), required=False, empty_label=_("None")
    )
    is_default = forms.BooleanField(label=_("Default organisation calendar"), required=False)
    inherit_week = forms.BooleanField(label=_("Work the base calendar's week"), required=False)
    mon = forms.CharField(label=hours.WEEKDAY_NAMES[0], required=False)
    tue = forms.CharField(label=hours.WEEKDAY_NAMES[1], required=False)
    wed = forms.CharField(label=hours.WEEKDAY_NAMES[2], required=False)
    thu = forms.CharField(label=hours.WEEKDAY_NAMES[3], required=False)
    fri = forms.CharField(label=hours.WEEKDAY_NAMES[4], required=False)
    sat = forms.CharField(label=hours.WEEKDAY_NAMES[5], required=False)
    sun = forms.CharField(label=hours.WEEKDAY_NAMES[6], required=False)

    def __init__(self, *args: Any, bases: Any, **kwargs: Any):
        kwargs.setdefault("auto_id", "cal_%s")
        super().__init__(*args, **kwargs)
        self.fields["base"].queryset = bases  # type: ignore[attr-defined]
        self.fields["holiday_country"].choices = country_choices()  # type: ignore[attr-defined]

    @property
    def day_fields(self) -> list[Any]:
        return [self[name] for name in DAY_FIELDS]

    @classmethod
    def initial_for(cls, calendar: WorkCalendar, week: Any) -> dict[str, Any]:
        return {
            "version": calendar.version,
            "name": calendar.name,
            "kind": calendar.kind,
            "holiday_country": calendar.holiday_country,
            "base": calendar.base_id,
            "is_default": calendar.is_default,
            "inherit_week": calendar.week is None,
            **{name: hours.format_intervals(day) for name, day in zip(DAY_FIELDS, week, strict=True)},
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("inherit_week"):
            for index, name in enumerate(DAY_FIELDS):
                try:
                    data[name] = hours.parse_intervals(data.get(name) or "", str(hours.WEEKDAY_NAMES[index]))
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        return data

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        week = None if data["inherit_week"] else [data[name] for name in DAY_FIELDS]
        return {
            "name": data["name"],
            "kind": data["kind"],
            "holiday_country": data["holiday_country"],
            "base": data["base"],
            "is_default": data["is_default"],
            "week": week,
        }


class NewCalendarForm(QuietForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=CalendarKind.choices)
    base = forms.ModelChoiceField(
        label=_("Base calendar"), queryset=WorkCalendar.objects.all(), required=False, empty_label=_("None")
    )


NTH_CHOICES = [
    ("", "—"),
    ("1", _("first")),
    ("2", _("second")),
    ("3", _("third")),
    ("4", _("fourth")),
    ("-1", _("last")),
]
MONTH_CHOICES = [("", "—")] + [(str(m), str(m)) for m in range(1, 13)]


class ExceptionForm(QuietForm):
    """One exception: dates, working hours (empty: not worked) and an optional recurrence."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    start = forms.DateField(label=_("Start"), widget=DateInput())
    finish = forms.DateField(label=_("Finish"), widget=DateInput(), required=False)
    intervals = forms.CharField(
        label=_("Working hours"), required=False, help_text=_("Empty: not worked (holiday, leave).")
    )
    recurrence_kind = forms.ChoiceField(
        label=_("Repeats"), required=False, choices=[("", _("Does not repeat")), *RecurrenceKind.choices]
    )
    recurrence_interval = forms.IntegerField(
        label=_("Every"), min_value=1, max_value=999, initial=1, required=False
    )
    recurrence_weekdays = forms.TypedMultipleChoiceField(
        label=_("On"),
        required=False,
        coerce=int,
        choices=[(i, name) for i, name in enumerate(hours.WEEKDAY_NAMES)],
        widget=forms.CheckboxSelectMultiple,
    )
    recurrence_day = forms.IntegerField(
        label=_("Day of the month"), min_value=1, max_value=31, required=False
    )
    recurrence_nth = forms.TypedChoiceField(
        label=_("Week of the month"), choices=NTH_CHOICES, coerce=int, empty_value=None, required=False
    )
    recurrence_month = forms.TypedChoiceField(
        label=_("Month"), choices=MONTH_CHOICES, coerce=int, empty_value=None, required=False
    )
    recurrence_occurrences = forms.IntegerField(
        label=_("Occurrences"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("Empty: until the finish."),
    )

    @classmethod
    def initial_for(cls, row: CalendarException) -> dict[str, Any]:
        return {
            "version": row.version,
            "name": row.name,
            "start": row.start,
            "finish": row.finish,
            "intervals": hours.format_intervals(row.intervals),
            "recurrence_kind": row.recurrence_kind,
            "recurrence_interval": row.recurrence_interval,
            "recurrence_weekdays": row.recurrence_weekdays,
            "recurrence_day": row.recurrence_day,
            "recurrence_nth": row.recurrence_nth,
            "recurrence_month": row.recurrence_month,
            "recurrence_occurrences": row.recurrence_occurrences,
        }

    def clean_intervals(self) -> list[list[int]]:
        return hours.parse_intervals(self.cleaned_data.get("intervals") or "", str(_("Working hours")))

    def changes(self) -> dict[str, Any]:
        data = self.cleaned_data
        repeats = bool(data["recurrence_kind"])
        return {
            "name": data["name"],
            "start": data["start"],
            "finish": data["finish"] or data["start"],
            "intervals": data["intervals"],
            "recurrence_kind": data["recurrence_kind"],
            "recurrence_interval": (data["recurrence_interval"] or 1) if repeats else 1,
            "recurrence_weekdays": list(data["recurrence_weekdays"]) if repeats else [],
            "recurrence_day": data["recurrence_day"] if repeats else None,
            "recurrence_nth": data["recurrence_nth"] if repeats else None,
            "recurrence_month": data["recurrence_month"] if repeats else None,
            "recurrence_occurrences": data["recurrence_occurrences"] if repeats else None,
        }


class RateForm(forms.Form):
    """A cost rate from a day on (person page)."""

    effective_from = forms.DateField(label=_("Effective from"))
    cost_rate = forms.DecimalField(label=_("Cost per hour"), min_value=0, max_digits=12, decimal_places=2)
    bill_rate = forms.DecimalField(
        label=_("Bill rate per hour"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
