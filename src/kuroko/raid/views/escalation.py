"""Escalation rules (the PMO): the rules with an add form, editing (or switching off) one, "Check now",
and the log of escalations."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kuroko.core.http import HtmxHttpRequest as HttpRequest
from kuroko.core.permissions import require
from kuroko.raid import permissions as perms
from kuroko.raid import selectors, services
from kuroko.raid.forms_registers import EscalationRuleForm
from kuroko.raid.models import EscalationRule
from kuroko.raid.services.escalation import describe
from kuroko.raid.services.registers import today
from kuroko.raid.views.registers import add_errors


@login_required
@require_http_methods(["GET", "POST"])
def escalation_rules(request: HttpRequest) -> HttpResponse:
    """The rules and the latest escalations; POST adds a rule."""
    rules = list(selectors.escalation_rules(request.user))
    form = EscalationRuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rule = services.escalation_rule_save(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Rule “%(name)s” added.") % {"name": rule.name})
            return redirect("escalation-rules")
    return render(
        request,
        "raid/escalation_rules.html",
        {
            "rules": [(rule, describe(rule)) for rule in rules],
            "form": form,
            "events": selectors.escalation_events(request.user, limit=100),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def escalation_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(perms.can_configure_raid(request.user))
    rule = get_object_or_404(EscalationRule, pk=pk)
    form = EscalationRuleForm(request.POST or None, instance=rule)
    if request.method == "POST" and form.is_valid():
        try:
            services.escalation_rule_save(actor=request.user, rule=rule, data=form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("escalation-rules")
    return render(
        request,
        "raid/escalation_rule_form.html",
        {"form": form, "rule": rule},
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def escalation_check(request: HttpRequest) -> HttpResponse:
    """Apply the rules now (as the daily run does) and say what was escalated."""
    events = services.escalations_check(today=today(), actor=request.user)
    if events:
        messages.success(
            request,
            ngettext("%(n)d item escalated.", "%(n)d items escalated.", len(events)) % {"n": len(events)},
        )
    else:
        messages.info(request, _("Nothing to escalate: every item is within its rule."))
    return redirect("escalation-rules")
