"""The RAID registers of a project: risks, issues, action items, decisions and change requests.

Every item has a number per project and register (R-001, I-001, A-001, D-001, CR-001) given by the
services, a version checked on every update, and a change history (the risk score trend is read from it).
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kuroko.core.versioning import Versioned
from kuroko.people.models import Person
from kuroko.projects.models import Baseline, Project, Task
from kuroko.raid.models.config import EscalationLevel, RiskLevel


class RaidItem(Versioned):
    """Fields every register item has."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="+"
    )
    number = models.PositiveIntegerField(_("number"), editable=False)
    title = models.CharField(_("title"), max_length=255)
    owner = models.ForeignKey(
        Person, verbose_name=_("owner"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    PREFIX = ""

    class Meta:
        abstract = True

    @property
    def code(self) -> str:
        """The item's reference, e.g. R-007."""
        return f"{self.PREFIX}-{self.number:03d}"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# Risks ----------


class RiskKind(models.TextChoices):
    THREAT = "threat", _("Threat")
    OPPORTUNITY = "opportunity", _("Opportunity")


class RiskCategory(models.TextChoices):
    TECHNICAL = "technical", _("Technical")
    SCHEDULE = "schedule", _("Schedule")
    COST = "cost", _("Cost")
    RESOURCE = "resource", _("Resources")
    SCOPE = "scope", _("Scope and requirements")
    QUALITY = "quality", _("Quality")
    SUPPLIER = "supplier", _("Suppliers and contracts")
    CUSTOMER = "customer", _("Customer")
    ORGANISATION = "organisation", _("Organisation")
    EXTERNAL = "external", _("External")
    OTHER = "other", _("Other")


class Proximity(models.TextChoices):
    """How soon the risk could happen."""

    IMMINENT = "imminent", _("Imminent (within a month)")
    NEAR = "near", _("Near (1–3 months)")
    MEDIUM = "medium", _("Medium term (3–6 months)")
    FAR = "far", _("Far (beyond 6 months)")


class Strategy(models.TextChoices):
    """Response strategies: avoid, mitigate, transfer, accept for threats; exploit, enhance, share (and
    accept) for opportunities; escalate for risks outside the project's authority."""

    AVOID = "avoid", _("Avoid")
    MITIGATE = "mitigate", _("Mitigate")
    TRANSFER = "transfer", _("Transfer")
    ACCEPT = "accept", _("Accept")
    EXPLOIT = "exploit", _("Exploit")
    ENHANCE = "enhance", _("Enhance")
    SHARE = "share", _("Share")
    ESCALATE = "escalate", _("Escalate")


THREAT_STRATEGIES = ("avoid", "mitigate", "transfer", "accept", "escalate")
OPPORTUNITY_STRATEGIES = ("exploit", "enhance", "share", "accept", "escalate")


class RiskStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("register status", "Open")
    RESPONDING = "responding", _("Response in progress")
    CLOSED = "closed", _("Closed")
    OCCURRED = "occurred", _("Occurred (now an issue)")


OPEN_RISK_STATUSES = (RiskStatus.OPEN, RiskStatus.RESPONDING)


class Risk(RaidItem):
    """A risk: cause → event → effect, assessed on the matrix (probability × the largest impact gives the
    score and the cell's level), with its response and, for Monte Carlo, quantitative impacts on tasks."""

    PREFIX = "R"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="risks"
    )
    kind = models.CharField(_("type"), max_length=12, choices=RiskKind.choices, default=RiskKind.THREAT)
    category = models.CharField(
        _("category"), max_length=20, choices=RiskCategory.choices, default=RiskCategory.OTHER
    )
    cause = models.TextField(_("cause"), blank=True)
    event = models.TextField(_("risk event"), blank=True)
    effect = models.TextField(_("effect"), blank=True)
    raised_by = models.ForeignKey(
        Person,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_on = models.DateField(_("raised on"))
    probability = models.PositiveSmallIntegerField(
        _("probability"), default=3, validators=[MinValueValidator(1)]
    )
    impact_cost = models.PositiveSmallIntegerField(_("cost impact"), default=0)
    impact_schedule = models.PositiveSmallIntegerField(_("schedule impact"), default=0)
    impact_quality = models.PositiveSmallIntegerField(_("quality impact"), default=0)
    # Stored so that registers sort and filter in the database: set by the services from the matrix.
    score = models.PositiveSmallIntegerField(_("score"), default=0, editable=False)
    level = models.CharField(
        _("level"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.LOW, editable=False
    )
    proximity = models.CharField(_("proximity"), max_length=10, choices=Proximity.choices, blank=True)
    strategy = models.CharField(_("response strategy"), max_length=10, choices=Strategy.choices, blank=True)
    response = models.TextField(_("response actions"), blank=True)
    trigger = models.TextField(_("trigger"), blank=True)
    residual_probability = models.PositiveSmallIntegerField(_("residual probability"), null=True, blank=True)
    residual_impact = models.PositiveSmallIntegerField(_("residual impact"), null=True, blank=True)
    residual_score = models.PositiveSmallIntegerField(
        _("residual score"), null=True, blank=True, editable=False
    )
    residual_level = models.CharField(
        _("residual level"), max_length=10, choices=RiskLevel.choices, blank=True, editable=False
    )
    status = models.CharField(_("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    next_review = models.DateField(_("next review"), null=True, blank=True)
    last_reviewed = models.DateField(_("last reviewed"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Quantitative analysis (Monte Carlo): the chance it happens and its three-point impacts.
    probability_percent = models.DecimalField(
        _("probability (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    cost_min = models.DecimalField(
        _("cost impact (min)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_most_likely = models.DecimalField(
        _("cost impact (most likely)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    cost_max = models.DecimalField(
        _("cost impact (max)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    schedule_min_minutes = models.IntegerField(
        _("schedule impact (min, working minutes)"), null=True, blank=True
    )
    schedule_most_likely_minutes = models.IntegerField(
        _("schedule impact (most likely, working minutes)"), null=True, blank=True
    )
    schedule_max_minutes = models.IntegerField(
        _("schedule impact (max, working minutes)"), null=True, blank=True
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("affected tasks"), blank=True, related_name="risks")
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[tasks])

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="raid_risk_number")]
        indexes = [models.Index(fields=["status", "level"], name="raid_risk_status_level")]

    @property
    def impact(self) -> int:
        """The largest of the three impacts (what the matrix reads)."""
        return max(self.impact_cost, self.impact_schedule, self.impact_quality)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_RISK_STATUSES


# Issues ----------


class Severity(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_RANK = {Severity.LOW: 1, Severity.MEDIUM: 2, Severity.HIGH: 3, Severity.CRITICAL: 4}


class Priority(models.TextChoices):
    URGENT = "urgent", _("Urgent")
    HIGH = "high", _("High")
    NORMAL = "normal", _("Normal")
    LOW = "low", _("Low")


class IssueStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("register status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")


OPEN_ISSUE_STATUSES = (IssueStatus.OPEN, IssueStatus.IN_PROGRESS)


class Issue(RaidItem):
    """A problem that has happened and needs resolving (課題), possibly a risk that occurred."""

    PREFIX = "I"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="issues"
    )
    description = models.TextField(_("description"), blank=True)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    priority = models.CharField(
        _("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL
    )
    raised_by = models.ForeignKey(
        Person,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    raised_on = models.DateField(_("raised on"))
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=IssueStatus.choices, default=IssueStatus.OPEN
    )
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.PROJECT
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_on = models.DateField(_("resolved on"), null=True, blank=True)
    risk = models.ForeignKey(
        Risk,
        verbose_name=_("from risk"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="issues",
    )
    tasks = models.ManyToManyField(Task, verbose_name=_("affected tasks"), blank=True, related_name="issues")
    # The issue's number or key in the tracker it was imported from (Redmine, Jira, Backlog), so that a
    # later export updates it.
    external_key = models.CharField(_("tracker key"), max_length=40, blank=True, db_index=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="raid_issue_number"),
            models.UniqueConstraint(
                fields=["project", "external_key"],
                condition=~models.Q(external_key=""),
                name="raid_issue_external_key_once",
            ),
        ]
        indexes = [models.Index(fields=["status", "severity"], name="raid_issue_status_severity")]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ISSUE_STATUSES


# Decisions ----------


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DECIDED = "decided", _("Decided")
    SUPERSEDED = "superseded", _("Superseded")


class Decision(RaidItem):
    """A decision (決定事項): what was decided, when and by whom, the options weighed and why."""

    PREFIX = "D"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="decisions"
    )
    description = models.TextField(_("decision"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    due_date = models.DateField(_("decision needed by"), null=True, blank=True)
    options = models.TextField(_("options considered"), blank=True)
    rationale = models.TextField(_("rationale"), blank=True)
    risks = models.ManyToManyField(
        Risk, verbose_name=_("related risks"), blank=True, related_name="decisions"
    )
    issues = models.ManyToManyField(
        Issue, verbose_name=_("related issues"), blank=True, related_name="decisions"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="raid_decision_number")]


# Change requests ----------


class ChangeStatus(models.TextChoices):
    """The approval workflow: a draft is submitted, then approved or rejected, and an approved change is
    implemented (usually with a new baseline). A draft or submitted request can be withdrawn."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", pgettext_lazy("change request", "Rejected")
    IMPLEMENTED = "implemented", _("Implemented")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class ChangeRequest(RaidItem):
    """A request to change the project's scope, schedule or cost (変更要求), approved before it changes the
    baseline."""

    PREFIX = "CR"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="change_requests"
    )
    description = models.TextField(_("description"), blank=True)
    reason = models.TextField(_("reason"), blank=True)
    requested_by = models.ForeignKey(
        Person,
        verbose_name=_("requested by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_on = models.DateField(_("requested on"))
    scope_impact = models.TextField(_("scope impact"), blank=True)
    schedule_impact_minutes = models.IntegerField(_("schedule impact (working minutes)"), default=0)
    cost_impact = models.DecimalField(_("cost impact"), max_digits=14, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Person,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)
    implemented_at = models.DateTimeField(_("implemented at"), null=True, blank=True)
    baseline = models.ForeignKey(
        Baseline,
        verbose_name=_("baseline it changes"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="change_requests",
    )
    decisions = models.ManyToManyField(
        Decision, verbose_name=_("related decisions"), blank=True, related_name="change_requests"
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="raid_change_number")]


# Action items ----------


class ActionStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("register status", "Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ActionItem(RaidItem):
    """Something someone must do by a date (アクションアイテム), from a risk response, an issue, a decision, a
    change request or a meeting."""

    PREFIX = "A"

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(
        _("escalation level"), choices=EscalationLevel.choices, default=EscalationLevel.PROJECT
    )
    risk = models.ForeignKey(
        Risk, verbose_name=_("risk"), null=True, blank=True, on_delete=models.SET_NULL, related_name="actions"
    )
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("issue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    decision = models.ForeignKey(
        Decision,
        verbose_name=_("decision"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    change_request = models.ForeignKey(
        ChangeRequest,
        verbose_name=_("change request"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="raid_action_number")]
        indexes = [models.Index(fields=["status", "due_date"], name="raid_action_status_due")]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_ACTION_STATUSES
