"""Forms of the status-report pages (parse input only; the services decide)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kuroko.projects.models import Rag
from kuroko.reporting.models import Dimension, ReportStatus

TEXT = {"rows": 4, "maxlength": 10000}


class NarrativeForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    summary = forms.CharField(
        label=pgettext_lazy("status report", "Summary"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    accomplishments = forms.CharField(
        label=_("Accomplishments this week"), required=False, widget=forms.Textarea(attrs=TEXT)
    )
    next_steps = forms.CharField(label=_("Next steps"), required=False, widget=forms.Textarea(attrs=TEXT))
    help_needed = forms.CharField(label=_("Help needed"), required=False, widget=forms.Textarea(attrs=TEXT))


class OverrideForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    dimension = forms.ChoiceField(label=_("Dimension"), choices=Dimension.choices)
    rag = forms.ChoiceField(
        label=_("Colour"),
        choices=[("", _("As computed (remove the override)")), *Rag.choices],
        required=False,
    )
    justification = forms.CharField(
        label=_("Justification"), required=False, widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000})
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)


class ReviewForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("return", _("Return for rework"))]
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3, "maxlength": 10000})
    )


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3, "maxlength": 10000}))


class WeekFilterForm(forms.Form):
    week = forms.CharField(
        label=_("Week"), required=False, widget=forms.TextInput(attrs={"placeholder": "2026-W47", "size": 9})
    )
    program = forms.CharField(label=_("Program"), required=False)
    type = forms.CharField(label=_("Project type"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), *ReportStatus.choices, ("missing", _("Missing"))],
    )
