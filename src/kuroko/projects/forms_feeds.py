"""The form that asks for a new calendar feed URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuroko.projects.models import FeedToken, Project


class FeedTokenForm(forms.Form):
    """Kind of feed, the project of a project feed (among those the user may read) and a label."""

    kind = forms.ChoiceField(label=_("Feed"), choices=FeedToken.Kind.choices, initial=FeedToken.Kind.PERSON)
    project = forms.ModelChoiceField(
        label=_("Project"),
        queryset=Project.objects.none(),
        required=False,
        empty_label="—",
        to_field_name="code",
        help_text=_("For a project's milestones."),
    )
    name = forms.CharField(
        label=_("Label"),
        max_length=100,
        required=False,
        help_text=_("To tell your URLs apart, e.g. “phone” or “Outlook at work”."),
    )

    def __init__(self, *args: Any, projects: Any, **kwargs: Any) -> None:
        # No colon after labels, like the rest of the forms.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == FeedToken.Kind.PROJECT and not data.get("project"):
            self.add_error("project", _("Choose the project whose milestones the feed shows."))
        if data.get("kind") == FeedToken.Kind.PERSON:
            data["project"] = None
        return data
