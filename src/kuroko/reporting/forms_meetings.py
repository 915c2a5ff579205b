"""Forms of the meeting pages: series, one-off meeting, agenda item, decision, action and the list filter.
They parse input; the services check the rules (the organiser check is also a form error, so that a
refused scope keeps what was typed)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kuroko.core.models import User
from kuroko.people.models import Person
from kuroko.projects import permissions as project_perms
from kuroko.projects.models import Program, Project
from kuroko.reporting import permissions as perms
from kuroko.reporting.models import Frequency, MeetingKind, MeetingSeries
from kuroko.reporting.selectors.meetings import MeetingFilter
from kuroko.reporting.services.meetings import LAST_YEAR, display_name


class UserChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return display_name(obj)


class PresenterField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return display_name(obj)


def _users() -> Any:
    return (
        User.objects.filter(is_active=True)
        .select_related("person")
        .order_by("person__family_name", "username")
    )


class _ScopeMixin(forms.Form):
    def _scope(self, user: Any) -> None:
        self._user = user
        self.fields["project"].queryset = project_perms.visible_projects(user).order_by("code")  # type: ignore[attr-defined]
        self.fields["program"].queryset = Program.objects.order_by("code")  # type: ignore[attr-defined]
        self.fields["attendees"].queryset = _users()  # type: ignore[attr-defined]

    def _check_organiser(self, cleaned: dict[str, Any]) -> None:
        """A scope the user may not organise is a form error on that field (not a refused page that loses
        what was typed); the service refuses it too."""
        project, program = cleaned.get("project"), cleaned.get("program")
        if self.errors.get("project") or self.errors.get("program") or (project and program):
            return
        refusal = perms.organise_refusal(self._user, project)
        if refusal is not None:
            self.add_error("program" if project is None and program is not None else "project", refusal)


class SeriesForm(_ScopeMixin, forms.ModelForm):  # type: ignore[type-arg]
    """A meeting series: what, for which project (or program, or the portfolio), when and who."""

    attendees = UserChoiceField(label=_("Attendees"), queryset=User.objects.none(), required=False,
                                widget=forms.SelectMultiple(attrs={"size": 8}))  # fmt: skip

    class Meta:
        model = MeetingSeries
        fields = [
            "title", "kind", "project", "program", "frequency", "first_date", "until", "start_time",
            "duration_minutes", "location", "attendees", "active",
        ]  # fmt: skip
        labels = {"location": _("Place")}
        widgets = {
            "first_date": forms.DateInput(attrs={"type": "date"}),
            "until": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._scope(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_organiser(cleaned)
        return cleaned

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["attendees"] = list(data.get("attendees") or [])
        return data


class MeetingForm(_ScopeMixin, forms.Form):
    """A one-off meeting, or one meeting of a series changed on its own."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.none(), required=False)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), min_value=5, max_value=720, initial=60
    )
    location = forms.CharField(label=_("Place"), max_length=200, required=False)
    attendees = UserChoiceField(label=_("Attendees"), queryset=User.objects.none(), required=False,
                                widget=forms.SelectMultiple(attrs={"size": 8}))  # fmt: skip
    notes = forms.CharField(
        label=_("General notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, meeting: Any = None, **kwargs: Any) -> None:
        if meeting is not None and "initial" not in kwargs:
            start = timezone.localtime(meeting.start)
            kwargs["initial"] = {
                "title": meeting.title, "kind": meeting.kind, "project": meeting.project_id,
                "program": meeting.program_id, "date": start.date(), "start_time": start.time(),
                "duration_minutes": int((meeting.end - meeting.start).total_seconds() // 60),
                "location": meeting.location, "notes": meeting.notes,
                "attendees": [a.user_id for a in meeting.attendees.all()],
            }  # fmt: skip
        super().__init__(*args, **kwargs)
        self._scope(user)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._check_organiser(cleaned)
        return cleaned

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if day is not None and day.year > LAST_YEAR:
            raise forms.ValidationError(
                _("Choose a date up to the year %(year)s."), params={"year": LAST_YEAR}
            )
        return day

    def data_for_service(self) -> dict[str, Any]:
        d = self.cleaned_data
        start = timezone.make_aware(datetime.combine(d["date"], d["start_time"]))
        return {
            "title": d["title"], "kind": d["kind"], "project": d["project"], "program": d["program"],
            "start": start, "end": start + timedelta(minutes=d["duration_minutes"]),
            "location": d["location"], "notes": d["notes"], "attendees": list(d["attendees"]),
        }  # fmt: skip


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    duration_minutes = forms.IntegerField(
        label=_("Minutes allotted"), min_value=1, max_value=720, required=False
    )
    presenter = PresenterField(label=_("Presenter"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = _users()  # type: ignore[attr-defined]


class DecisionForm(forms.Form):
    title = forms.CharField(label=_("Decision"), max_length=255)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = _projects_of(meeting)  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=255)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=Person.objects.none(), required=False)
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    project = forms.ModelChoiceField(label=_("Project"), queryset=Project.objects.none(), required=False)

    def __init__(self, *args: Any, meeting: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = Person.objects.filter(is_active=True).order_by("family_name", "given_name")
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        self.fields["project"].queryset = _projects_of(meeting)  # type: ignore[attr-defined]


def _projects_of(meeting: Any) -> Any:
    if meeting.project_id is not None:
        return Project.objects.filter(pk=meeting.project_id)
    qs = Project.objects.exclude(status__in=("closed", "cancelled")).order_by("code")
    return qs.filter(program_id=meeting.program_id) if meeting.program_id is not None else qs


def owner_choices() -> list[tuple[int, str]]:
    """(id, name) of the people an action may be given to (one query)."""
    people = Person.objects.filter(is_active=True).order_by("family_name", "given_name")
    return [(p.pk, str(p)) for p in people]


def project_choices(meeting: Any) -> list[tuple[int, str]]:
    """(id, code and name) of the projects a decision or action of this meeting may belong to."""
    return [(p.pk, f"{p.code} {p.name}") for p in _projects_of(meeting)]


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *MeetingKind.choices], required=False
    )
    project = forms.CharField(label=_("Project"), required=False, max_length=30)
    when = forms.ChoiceField(
        label=_("When"),
        choices=[("upcoming", _("Upcoming")), ("recent", _("Recent")), ("all", _("All"))],
        required=False,
    )
    mine = forms.BooleanField(label=_("Only mine"), required=False)

    def filters(self) -> MeetingFilter:
        if not self.is_valid():
            return MeetingFilter(when="upcoming")
        d = self.cleaned_data
        return MeetingFilter(
            kind=d["kind"], project=d["project"].strip(), when=d["when"] or "upcoming", mine=d["mine"]
        )


FREQUENCIES = Frequency.choices
