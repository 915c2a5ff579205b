"""Escalation rules (PMO) and their evaluation.

`escalations_check(today=…)` looks at every active rule: open issues of at least the rule's severity open
longer than its days, open risks of at least its level whose review is overdue by more than its days, and
open action items overdue by more than its days. Each such item below the rule's level rises to it (issues
and actions keep their level; a risk's is the highest of its escalation events), an EscalationEvent is
recorded, and the PMO (level 1) or the executives (level 2), the project manager and the item's owner are
notified. An item already at or above the level is left alone, so running the check twice escalates
nothing the second time. `kuroko escalate`, the background task and the "Check now" button run it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kuroko.core.permissions import require
from kuroko.core.services import apply_changes, save_validated
from kuroko.raid import permissions as perms
from kuroko.raid.models import (
    LEVEL_RANK,
    OPEN_ACTION_STATUSES,
    OPEN_ISSUE_STATUSES,
    OPEN_RISK_STATUSES,
    SEVERITY_RANK,
    ActionItem,
    EscalationEvent,
    EscalationLevel,
    EscalationRule,
    Issue,
    Register,
    Risk,
    RiskLevel,
    Severity,
)
from kuroko.raid.services.registers import record_escalation

RULE_FIELDS = ("name", "register", "severity", "risk_level", "days", "escalate_to", "active")

# The rules an organisation starts with (names in the catalogue, so they read in each user's language).
DEFAULT_RULES = [
    (gettext_noop("Critical issue open more than 3 days → PMO"), "issue", "critical", "", 3),
    (gettext_noop("High issue open more than 7 days → PMO"), "issue", "high", "", 7),
    (gettext_noop("Action overdue by 7 days → PMO"), "action", "", "", 7),
    (gettext_noop("Critical risk review overdue by 7 days → PMO"), "risk", "", "critical", 7),
]


def ensure_default_rules() -> None:
    """Create the default rules the first time rules are used (never again once any rule has existed, so
    rules the PMO deleted stay deleted)."""
    if EscalationRule.objects.exists() or EscalationRule.history.exists():
        return
    for name, register, severity, level, days in DEFAULT_RULES:
        EscalationRule.objects.create(
            name=name,
            register=register,
            severity=severity,
            risk_level=level,
            days=days,
            escalate_to=EscalationLevel.PMO,
        )


def describe(rule: EscalationRule) -> str:
    """The rule in words, in the active language."""
    target = EscalationLevel(rule.escalate_to).label
    if rule.register == Register.ISSUE:
        return _(
            "An issue of severity %(severity)s or worse open more than %(days)s days goes to %(to)s."
        ) % {
            "severity": Severity(rule.severity).label if rule.severity in Severity.values else rule.severity,
            "days": rule.days,
            "to": target,
        }
    if rule.register == Register.RISK:
        return _(
            "A risk of level %(level)s or higher whose review is overdue by more than %(days)s days goes to "
            "%(to)s."
        ) % {
            "level": RiskLevel(rule.risk_level).label if rule.risk_level in RiskLevel.values else "",
            "days": rule.days,
            "to": target,
        }
    return _("An action item overdue by more than %(days)s days goes to %(to)s.") % {
        "days": rule.days,
        "to": target,
    }


def _check_rule(rule: EscalationRule) -> None:
    if rule.register == Register.ISSUE:
        if rule.severity not in Severity.values:
            raise ValidationError(
                {
                    "severity": _(
                        "Choose the lowest severity the rule applies to (critical, high, medium, low)."
                    )
                }
            )
        rule.risk_level = ""
    elif rule.register == Register.RISK:
        if rule.risk_level not in RiskLevel.values:
            raise ValidationError({"risk_level": _("Choose the lowest risk level the rule applies to.")})
        rule.severity = ""
    else:
        rule.severity = rule.risk_level = ""


@transaction.atomic
def escalation_rule_save(
    *, actor: Any, data: Mapping[str, Any], rule: EscalationRule | None = None
) -> EscalationRule:
    """Add a rule, or change one (also to switch it off with `active`). The PMO only. An empty name is
    replaced by the rule in words."""
    require(perms.can_configure_raid(actor))
    rule = rule or EscalationRule()
    apply_changes(rule, dict(data), RULE_FIELDS)
    _check_rule(rule)
    rule.name = (rule.name or "").strip() or describe(rule)[:200]
    save_validated(rule, actor=actor)
    return rule


def _days_since(day: date, today: date) -> int:
    return (today - day).days


@transaction.atomic
def escalations_check(*, today: date, actor: Any = None) -> list[EscalationEvent]:
    """Apply every active rule as of `today` (see the module docstring); returns the events recorded.
    With an `actor` (the "Check now" button) only the PMO may run it."""
    if actor is not None:
        require(perms.can_configure_raid(actor))
    ensure_default_rules()
    rules = list(EscalationRule.objects.filter(active=True).order_by("-escalate_to", "days", "pk"))
    events: list[EscalationEvent] = []
    done: set[tuple[str, int]] = set()
    for rule in rules:
        for register, item in _due(rule, today):
            if (register, item.pk) in done:
                continue
            done.add((register, item.pk))
            events.append(_escalate(rule, register, item, today))
    return events


def _due(rule: EscalationRule, today: date) -> list[tuple[str, Any]]:
    """The items the rule applies to that are below its level."""
    cutoff = today - timedelta(days=rule.days)
    level = rule.escalate_to
    if rule.register == Register.ISSUE:
        rank = SEVERITY_RANK.get(Severity(rule.severity), 0) if rule.severity in Severity.values else 0
        severities = [s for s, r in SEVERITY_RANK.items() if r >= rank]
        issues = (
            Issue.objects.select_for_update(of=("self",))
            .select_related("project__manager__user", "owner__user")
            .filter(
                status__in=OPEN_ISSUE_STATUSES,
                severity__in=severities,
                raised_on__lt=cutoff,
                escalation_level__lt=level,
            )
            .order_by("project_id", "number")
        )
        return [(Register.ISSUE, i) for i in issues]
    if rule.register == Register.ACTION:
        actions = (
            ActionItem.objects.select_for_update(of=("self",))
            .select_related("project__manager__user", "owner__user")
            .filter(status__in=OPEN_ACTION_STATUSES, due_date__lt=cutoff, escalation_level__lt=level)
            .order_by("project_id", "number")
        )
        return [(Register.ACTION, a) for a in actions]
    rank = LEVEL_RANK.get(RiskLevel(rule.risk_level), 0) if rule.risk_level in RiskLevel.values else 0
    levels = [lv for lv, r in LEVEL_RANK.items() if r >= rank]
    # Locked like issues and actions: two checks at once (the button and the background task) must not
    # both find a risk unescalated and notify twice.
    risks = list(
        Risk.objects.select_for_update(of=("self",))
        .select_related("project__manager__user", "owner__user")
        .filter(status__in=OPEN_RISK_STATUSES, level__in=levels, next_review__lt=cutoff)
        .order_by("project_id", "number")
    )
    reached = dict(
        EscalationEvent.objects.filter(register=Register.RISK, item_id__in=[r.pk for r in risks])
        .values_list("item_id")
        .annotate(top=Max("level"))
        .values_list("item_id", "top")
    )
    return [(Register.RISK, r) for r in risks if reached.get(r.pk, 0) < level]


def _escalate(rule: EscalationRule, register: str, item: Any, today: date) -> EscalationEvent:
    name = rule.name

    def body() -> str:
        return _("Escalated by the rule “%(rule)s”: %(what)s") % {"rule": _(name), "what": describe(rule)}

    if register in (Register.ISSUE, Register.ACTION):
        item.escalation_level = rule.escalate_to
        fields = ["escalation_level"]
        if register == Register.ISSUE:
            item.escalated_at = timezone.now()
            fields.append("escalated_at")
        item.version += 1
        item._history_user = None
        item.save(update_fields=[*fields, "version", "updated_at"])
    return record_escalation(
        actor=None, register=register, item=item, level=rule.escalate_to, message=body(), rule=rule, body=body
    )
