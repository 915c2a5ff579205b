"""Phases, deliverables and phase gates (工程完了判定).

A project's phases come from its template (or are added by hand). Each phase ends with a gate: criteria
(checklist items, required deliverables, metric thresholds such as SPI ≥ 0.9), and gate reviews in which the
criteria are evaluated — automatically where Kuroko has the data, by the reviewers otherwise — and named
approvers decide go, conditional go (with actions) or no-go.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kuroko.people.models import Person
from kuroko.projects.models import Project, Task
from kuroko.raid.models import ActionItem


class Phase(models.Model):
    """A phase of a project (要件定義, 基本設計…), ended by its gate."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="phases"
    )
    number = models.PositiveSmallIntegerField(_("order"), default=1)
    name = models.CharField(_("name"), max_length=200)
    # The summary task that spans the phase; the gate is due when it finishes.
    task = models.ForeignKey(
        Task,
        verbose_name=_("summary task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    gate_date = models.DateField(
        _("gate date"), null=True, blank=True, help_text=_("Empty: the finish of the phase's summary task.")
    )
    # The template element it came from ("" when added by hand).
    template_key = models.CharField(_("template key"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["project", "number", "pk"]

    def __str__(self) -> str:
        return self.name


class DeliverableStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("deliverable status", "Pending")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Deliverable(models.Model):
    """A deliverable or document required in a phase (要件定義書, テスト仕様書…)."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="deliverables"
    )
    phase = models.ForeignKey(
        Phase,
        verbose_name=_("phase"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deliverables",
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required = models.BooleanField(_("required"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DeliverableStatus.choices, default=DeliverableStatus.PENDING
    )
    reference = models.CharField(
        _("location"), max_length=500, blank=True, help_text=_("Where the document is: a URL or a file path.")
    )
    due = models.DateField(_("due"), null=True, blank=True)
    owner = models.ForeignKey(
        Person, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    template_key = models.CharField(_("template key"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        ordering = ["project", "phase__number", "pk"]

    def __str__(self) -> str:
        return self.name


class CriterionKind(models.TextChoices):
    CHECKLIST = "checklist", _("Checklist item")
    DELIVERABLE = "deliverable", _("Required deliverable")
    METRIC = "metric", _("Metric threshold")


class Operator(models.TextChoices):
    GE = ">=", "≥"
    GT = ">", ">"
    LE = "<=", "≤"
    LT = "<", "<"
    EQ = "=", "="


class GateCriterion(models.Model):
    """One criterion of a phase's gate: a checklist question, a deliverable that must be approved, or a
    metric (`kuroko.governance.metrics`) compared with a threshold."""

    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="criteria"
    )
    number = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind"), max_length=12, choices=CriterionKind.choices)
    text = models.CharField(_("criterion"), max_length=300)
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("deliverable"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    metric = models.CharField(_("metric"), max_length=40, blank=True)
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=12, decimal_places=4, null=True, blank=True)
    # A criterion that is not required is reported but does not by itself stop a "go".
    required = models.BooleanField(_("required"), default=True)
    template_key = models.CharField(_("template key"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("gate criterion")
        verbose_name_plural = _("gate criteria")
        ordering = ["phase", "number", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="metric") | (~Q(metric="") & ~Q(operator="") & Q(threshold__isnull=False)),
                name="gate_metric_criterion_complete",
            ),
            models.CheckConstraint(
                condition=~Q(kind="deliverable") | Q(deliverable__isnull=False),
                name="gate_deliverable_criterion_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class GateReviewStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("gate review status", "Open")
    DECIDED = "decided", _("Decided")
    CANCELLED = "cancelled", _("Cancelled")


class GateDecision(models.TextChoices):
    GO = "go", _("Go")
    CONDITIONAL = "conditional", _("Conditional go")
    NO_GO = "no_go", _("No-go")


class GateReview(models.Model):
    """A review of a phase's gate: the criteria as evaluated, the approvers' votes and the decision."""

    phase = models.ForeignKey(
        Phase, verbose_name=_("phase"), on_delete=models.CASCADE, related_name="reviews"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=GateReviewStatus.choices, default=GateReviewStatus.OPEN
    )
    planned_date = models.DateField(_("review date"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=12, choices=GateDecision.choices, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    # The actions a conditional go asks for, tracked in the project's action log.
    actions = models.ManyToManyField(
        ActionItem, verbose_name=_("actions"), blank=True, related_name="gate_reviews"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate review")
        verbose_name_plural = _("gate reviews")
        ordering = ["phase", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["phase"], condition=Q(status="open"), name="gate_one_open_review"
            ),
            models.CheckConstraint(
                condition=~Q(status="decided") | ~Q(decision=""), name="gate_decided_has_decision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phase} · {self.get_status_display()}"


class ResultChoice(models.TextChoices):
    PASS = "pass", _("Met")
    FAIL = "fail", _("Not met")
    NOT_APPLICABLE = "na", _("Not applicable")
    UNKNOWN = "unknown", _("Not answered")


class GateReviewAnswer(models.Model):
    """A criterion as evaluated in a review: the value found and the result, with its evidence."""

    review = models.ForeignKey(
        GateReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="answers"
    )
    criterion = models.ForeignKey(
        GateCriterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="answers"
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4, null=True, blank=True)
    result = models.CharField(
        _("result"), max_length=8, choices=ResultChoice.choices, default=ResultChoice.UNKNOWN
    )
    automatic = models.BooleanField(_("evaluated automatically"), default=False)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate review answer")
        verbose_name_plural = _("gate review answers")
        ordering = ["review", "criterion__number", "criterion__pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="gate_answer_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} · {self.get_result_display()}"


class GateApproval(models.Model):
    """A named approver of a gate review and their decision."""

    review = models.ForeignKey(
        GateReview, verbose_name=_("review"), on_delete=models.CASCADE, related_name="approvals"
    )
    person = models.ForeignKey(Person, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=12, choices=GateDecision.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        verbose_name = _("gate approval")
        verbose_name_plural = _("gate approvals")
        ordering = ["review", "pk"]
        constraints = [models.UniqueConstraint(fields=["review", "person"], name="gate_approver_once")]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_decision_display() or '—'}"
