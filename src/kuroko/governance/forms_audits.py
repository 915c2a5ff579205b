"""Forms of the audit pages: the findings filter, a finding's owner and due date, a waiver, a rule
setting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kuroko.governance.audit.registry import PACKS, Rule
from kuroko.governance.models import Severity
from kuroko.governance.selectors.audits import STATUS_LABELS, FindingFilter
from kuroko.people.models import Person
from kuroko.projects.models import Program, ProjectType

STATUS_CHOICES = [("live", _("Open and waived")), *STATUS_LABELS.items(), ("all", _("All"))]


class FindingFilterForm(forms.Form):
    pack = forms.ChoiceField(label=_("Rule pack"), required=False)
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices]
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_CHOICES)
    project_type = forms.ModelChoiceField(
        label=_("Project type"),
        required=False,
        queryset=ProjectType.objects.order_by("code"),
        empty_label=_("All"),
    )
    program = forms.ModelChoiceField(
        label=_("Program"), required=False, queryset=Program.objects.order_by("code"), empty_label=_("All")
    )
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=Person.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args: Any, owners: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        packs = [("", _("All")), *((k, p.title) for k, p in PACKS.items())]
        self.fields["pack"].choices = packs  # type: ignore[attr-defined]
        if owners is not None:
            self.fields["owner"].queryset = owners  # type: ignore[attr-defined]

    def to_filter(self) -> FindingFilter:
        if not self.is_bound or not self.is_valid():
            return FindingFilter()
        d = self.cleaned_data
        status = d.get("status") or "live"
        return FindingFilter(
            pack=d.get("pack") or "",
            severity=d.get("severity") or "",
            status="" if status == "all" else status,
            project_type=d["project_type"].pk if d.get("project_type") else None,
            program=d["program"].pk if d.get("program") else None,
            owner=d["owner"].pk if d.get("owner") else None,
        )


class FindingEditForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=Person.objects.order_by("family_name", "given_name")
    )
    due = forms.DateField(label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, can_assign: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_assign:
            del self.fields["owner"]


class WaiveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for waiving"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


SEVERITY_CHOICES = [("", _("Rule default")), *Severity.choices]


class RuleSettingForm(forms.Form):
    """One rule's setting: enabled, severity and a field per threshold (blank: inherited)."""

    enabled = forms.BooleanField(label=_("Enabled"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=SEVERITY_CHOICES)

    def __init__(self, *args: Any, rule: Rule, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rule = rule
        for name, param in rule.params.items():
            self.fields[name] = forms.CharField(
                label=param.label,
                required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )
