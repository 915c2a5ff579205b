"""Programs, projects, members, the WBS (tasks) and dependencies."""

from __future__ import annotations

import hashlib
import re
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kuroko.core.versioning import Versioned
from kuroko.people.models import Person, WorkCalendar

StrOrPromise = Any  # a str or a lazy translation

# MS Project keeps a baseline and Baseline1–10.
BASELINE_COUNT = 11


class PlannedDatesMixin:
    """Shared rule of rows with planned_start and planned_finish: the finish is not before the start.

    A check constraint guards the database; clean() names the field for the person fixing it.
    """

    planned_start: Any
    planned_finish: Any

    def clean(self) -> None:
        if self.planned_start and self.planned_finish and self.planned_finish < self.planned_start:
            raise ValidationError({"planned_finish": _("The finish cannot be before the start.")})


class Program(Versioned):
    """A group of related projects."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("program")
        verbose_name_plural = _("programs")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ProjectType(models.Model):
    """A kind of project (waterfall system integration, agile, maintenance…) whose standards — template,
    audit rules, quality bands — the PMO sets once for every project of the kind."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("project type")
        verbose_name_plural = _("project types")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ON_HOLD = "on_hold", _("On hold")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class Rag(models.TextChoices):
    """Red/amber/green status; blank means not assessed."""

    GREEN = "green", _("Green")
    AMBER = "amber", _("Amber")
    RED = "red", _("Red")


RAG_DIMENSIONS: list[tuple[str, StrOrPromise]] = [
    ("overall", _("Overall")),
    ("schedule", _("Schedule")),
    ("cost", _("Cost")),
    ("scope", _("Scope")),
    ("quality", _("Quality")),
    ("risk", _("Risk")),
]


def _rag_field(label: StrOrPromise) -> models.CharField[str, str]:
    return models.CharField(label, max_length=5, choices=Rag.choices, blank=True)


def _reason_field(label: StrOrPromise) -> models.TextField[str, str]:
    return models.TextField(label, blank=True)


class ProgressMethod(models.TextChoices):
    """Who sets a task's % complete: the PM, or the hours logged against the work planned."""

    MANUAL = "manual", _("Set by the PM")
    EFFORT = "effort", _("From logged effort")


class EvMethodChoice(models.TextChoices):
    """How tasks earn their budget (kuroko.engine.evm.EvMethod)."""

    PERCENT_COMPLETE = "percent_complete", _("Percent complete")
    PHYSICAL_PERCENT_COMPLETE = "physical_percent_complete", _("Physical percent complete")
    ZERO_HUNDRED = "0/100", _("0/100")
    FIFTY_FIFTY = "50/50", _("50/50")
    MILESTONES = "milestones", _("Weighted milestones")


CODE_PATTERN = re.compile(r"[\w-]+")


class Project(PlannedDatesMixin, Versioned):
    """A project in the portfolio, with its RAG status and the reason for each colour."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    program = models.ForeignKey(
        Program,
        verbose_name=_("program"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    manager = models.ForeignKey(
        Person,
        verbose_name=_("project manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
    )
    sponsor = models.ForeignKey(
        Person,
        verbose_name=_("sponsor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sponsored_projects",
    )
    project_type = models.ForeignKey(
        ProjectType,
        verbose_name=_("project type"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=500,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text=_("0–1000 as in MS Project; higher is more important."),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    budget = models.DecimalField(
        _("budget"), max_digits=16, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    # Rolled up from leaf tasks by the task services (duration-weighted, as MS Project does).
    percent_complete = models.DecimalField(
        # xgettext:no-python-format
        _("% complete"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
    )
    rag_overall = _rag_field(_("overall RAG"))
    rag_overall_reason = _reason_field(_("overall RAG reason"))
    rag_schedule = _rag_field(_("schedule RAG"))
    rag_schedule_reason = _reason_field(_("schedule RAG reason"))
    rag_cost = _rag_field(_("cost RAG"))
    rag_cost_reason = _reason_field(_("cost RAG reason"))
    rag_scope = _rag_field(_("scope RAG"))
    rag_scope_reason = _reason_field(_("scope RAG reason"))
    rag_quality = _rag_field(_("quality RAG"))
    rag_quality_reason = _reason_field(_("quality RAG reason"))
    rag_risk = _rag_field(_("risk RAG"))
    rag_risk_reason = _reason_field(_("risk RAG reason"))
    calendar = models.ForeignKey(
        WorkCalendar,
        verbose_name=_("calendar"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        help_text=_("Empty: the organisation's default calendar."),
    )
    # MS Project's project options: scheduled from the finish (every task as late as it can be, ending by
    # the planned finish), and how little float makes a task critical.
    schedule_from_finish = models.BooleanField(
        _("schedule from the finish"),
        default=False,
        help_text=_("Tasks are placed as late as possible so that the project ends on its planned finish."),
    )
    critical_float_days = models.DecimalField(
        _("critical if float is at most (days)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("0"),
        validators=[MinValueValidator(0)],
    )
    # Progress is measured up to the status date; unfinished work is scheduled after it.
    status_date = models.DateField(_("status date"), null=True, blank=True)
    progress_method = models.CharField(
        _("progress"),
        max_length=10,
        choices=ProgressMethod.choices,
        default=ProgressMethod.MANUAL,
        help_text=_(
            # xgettext:no-python-format
            "Effort-based: % complete follows actual work ÷ (actual + remaining work) from timesheets."
        ),
    )
    ev_method = models.CharField(
        _("earned value method"),
        max_length=30,
        choices=EvMethodChoice.choices,
        default=EvMethodChoice.PERCENT_COMPLETE,
    )
    # Which baseline (0–10) the Gantt and the variance columns compare against.
    compared_baseline = models.PositiveSmallIntegerField(
        _("compared baseline"), default=0, validators=[MaxValueValidator(BASELINE_COUNT - 1)]
    )
    # Computed by the scheduling engine (projects.services.project_reschedule).
    scheduled_start = models.DateTimeField(_("scheduled start"), null=True, blank=True, editable=False)
    scheduled_finish = models.DateTimeField(_("scheduled finish"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["scheduled_start", "scheduled_finish"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(planned_finish__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_finish__gte=F("planned_start")),
                name="project_finish_after_start",
            )
        ]
        indexes = [models.Index(fields=["status", "code"]), models.Index(fields=["priority"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        return reverse("project-detail", args=[self.code])

    def clean(self) -> None:
        super().clean()
        # The code is part of URLs and of exported file names: letters, digits, - and _ only (so no
        # slash or dot can lead a path elsewhere).
        if self.code and not CODE_PATTERN.fullmatch(self.code):
            raise ValidationError(
                {"code": _("Use only letters, digits, - and _ in a project code (such as CBR-01).")}
            )
        if self.schedule_from_finish and self.planned_finish is None:
            raise ValidationError(
                {"planned_finish": _("A project scheduled from its finish needs a planned finish.")}
            )

    def rags(self) -> list[tuple[str, str, str, str]]:
        """(dimension key, label, colour, reason) for each RAG dimension."""
        return [
            (key, str(label), getattr(self, f"rag_{key}"), getattr(self, f"rag_{key}_reason"))
            for key, label in RAG_DIMENSIONS
        ]


class ProjectRole(models.TextChoices):
    PROJECT_MANAGER = "project_manager", _("Project manager")
    DEPUTY_MANAGER = "deputy_manager", _("Deputy project manager")
    TEAM_LEAD = "team_lead", _("Team lead")
    MEMBER = "member", _("Member")
    REVIEWER = "reviewer", _("Reviewer")
    STAKEHOLDER = "stakeholder", _("Stakeholder")


class ProjectMember(models.Model):
    """A person's membership of a project, with their role in it."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(
        _("project role"), max_length=20, choices=ProjectRole.choices, default=ProjectRole.MEMBER
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project member")
        verbose_name_plural = _("project members")
        constraints = [models.UniqueConstraint(fields=["project", "person"], name="member_once_per_project")]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"


# Task fields the scheduling engine computes (stored by projects.services.project_reschedule).
COMPUTED_SCHEDULE_FIELDS = (
    "start",
    "finish",
    "early_start",
    "early_finish",
    "late_start",
    "late_finish",
    "total_float_minutes",
    "free_float_minutes",
    "critical",
)


class ConstraintType(models.TextChoices):
    """MS Project's date constraints (the engine's `ConstraintType`)."""

    ASAP = "ASAP", _("As soon as possible")
    ALAP = "ALAP", _("As late as possible")
    SNET = "SNET", _("Start no earlier than")
    SNLT = "SNLT", _("Start no later than")
    FNET = "FNET", _("Finish no earlier than")
    FNLT = "FNLT", _("Finish no later than")
    MSO = "MSO", _("Must start on")
    MFO = "MFO", _("Must finish on")


DATED_CONSTRAINTS = frozenset({"SNET", "SNLT", "FNET", "FNLT", "MSO", "MFO"})


class TaskKind(models.TextChoices):
    SUMMARY = "summary", _("Summary task")
    TASK = "task", _("Task")
    MILESTONE = "milestone", _("Milestone")


class Task(PlannedDatesMixin, Versioned):
    """A WBS element. `wbs_code`, `outline_level` and `row` are derived from the tree by the services."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tasks"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    position = models.PositiveIntegerField(_("position among siblings"), default=0, editable=False)
    wbs_code = models.CharField(_("WBS code"), max_length=60, blank=True, editable=False)
    outline_level = models.PositiveSmallIntegerField(_("outline level"), default=1, editable=False)
    row = models.PositiveIntegerField(_("row"), default=0, editable=False)
    kind = models.CharField(_("type"), max_length=10, choices=TaskKind.choices, default=TaskKind.TASK)
    name = models.CharField(_("name"), max_length=255)
    duration_minutes = models.PositiveIntegerField(_("duration (working minutes)"), default=0)
    # An elapsed duration (3ed) runs through nights, weekends and holidays: minutes of calendar time.
    duration_elapsed = models.BooleanField(_("elapsed duration"), default=False)
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_finish = models.DateField(_("planned finish"), null=True, blank=True)
    percent_complete = models.PositiveSmallIntegerField(
        # xgettext:no-python-format
        _("% complete"),
        default=0,
        validators=[MaxValueValidator(100)],
    )
    owner = models.ForeignKey(
        Person,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tasks",
    )
    notes = models.TextField(_("notes"), blank=True)
    constraint_type = models.CharField(
        _("constraint"), max_length=4, choices=ConstraintType.choices, default=ConstraintType.ASAP
    )
    constraint_date = models.DateTimeField(_("constraint date"), null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    actual_start = models.DateTimeField(_("actual start"), null=True, blank=True)
    actual_finish = models.DateTimeField(_("actual finish"), null=True, blank=True)
    # MS Project's "manually scheduled": the task starts at manual_start whatever its links say.
    manual = models.BooleanField(_("manually scheduled"), default=False)
    manual_start = models.DateTimeField(_("manual start"), null=True, blank=True)
    # Computed by the scheduling engine on every change (projects.services.project_reschedule); kept out
    # of the change history, which records what people changed.
    start = models.DateTimeField(_("start"), null=True, blank=True, editable=False)
    finish = models.DateTimeField(_("finish"), null=True, blank=True, editable=False)
    early_start = models.DateTimeField(_("early start"), null=True, blank=True, editable=False)
    early_finish = models.DateTimeField(_("early finish"), null=True, blank=True, editable=False)
    late_start = models.DateTimeField(_("late start"), null=True, blank=True, editable=False)
    late_finish = models.DateTimeField(_("late finish"), null=True, blank=True, editable=False)
    total_float_minutes = models.IntegerField(
        _("total float (minutes)"), null=True, blank=True, editable=False
    )
    free_float_minutes = models.IntegerField(_("free float (minutes)"), null=True, blank=True, editable=False)
    critical = models.BooleanField(_("critical"), default=False, editable=False)
    # The task's UID in the MS Project XML file it was imported from (empty for tasks added in Kuroko);
    # updating the project from a later version of the file matches tasks by it.
    source_uid = models.CharField(_("MS Project UID"), max_length=40, null=True, blank=True, editable=False)
    # Resource levelling: which tasks give way first (MS Project's 0–1000; 1000 is never delayed), and
    # the "not before" an applied levelling proposal set (cleared by "Clear levelling").
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=500,
        validators=[MinValueValidator(0), MaxValueValidator(1000)],
        help_text=_("0–1000 as in MS Project; levelling delays lower priorities first, never 1000."),
    )
    # Hours logged on timesheets (kuroko.tracking), kept here so that plans, load and progress read them
    # without summing entries.
    actual_work_minutes = models.PositiveIntegerField(_("actual work (minutes)"), default=0, editable=False)
    level_start = models.DateTimeField(_("levelled start"), null=True, blank=True, editable=False)
    # How many times and when scheduling last moved the planned dates (without an edit of the task, so
    # without a new version): calendar feeds raise an event's SEQUENCE and LAST-MODIFIED by them.
    dates_revision = models.PositiveIntegerField(_("dates revision"), default=0, editable=False)
    dates_changed_at = models.DateTimeField(_("dates changed at"), null=True, blank=True, editable=False)
    # The planned dates are the scheduled ones, written by the engine; what people typed is kept as the
    # constraint fields.
    history = HistoricalRecords(
        excluded_fields=[
            *COMPUTED_SCHEDULE_FIELDS,
            "planned_start",
            "planned_finish",
            "actual_work_minutes",
            "dates_revision",
            "dates_changed_at",
        ]
    )

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["project", "row"]
        indexes = [
            models.Index(fields=["project", "row"]),
            models.Index(fields=["project", "parent", "position"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(percent_complete__lte=100), name="task_percent_max_100"),
            models.CheckConstraint(
                condition=Q(planned_finish__isnull=True)
                | Q(planned_start__isnull=True)
                | Q(planned_finish__gte=F("planned_start")),
                name="task_finish_after_start",
            ),
            models.CheckConstraint(
                condition=Q(actual_finish__isnull=True)
                | Q(actual_start__isnull=True)
                | Q(actual_finish__gte=F("actual_start")),
                name="task_actual_finish_after_start",
            ),
            models.UniqueConstraint(
                fields=["project", "source_uid"],
                condition=Q(source_uid__isnull=False),
                name="task_source_uid_once_per_project",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wbs_code} {self.name}".strip()

    def clean(self) -> None:
        super().clean()
        if self.constraint_type in DATED_CONSTRAINTS and self.constraint_date is None:
            raise ValidationError({"constraint_date": _("This constraint needs a date.")})
        if self.actual_start and self.actual_finish and self.actual_finish < self.actual_start:
            raise ValidationError(
                {"actual_finish": _("The actual finish cannot be before the actual start.")}
            )


class DependencyType(models.TextChoices):
    FS = "FS", _("Finish-to-start")
    SS = "SS", _("Start-to-start")
    FF = "FF", _("Finish-to-finish")
    SF = "SF", _("Start-to-finish")


class Dependency(models.Model):
    """A link between two tasks, possibly of different projects, with a lag in working minutes."""

    predecessor = models.ForeignKey(
        Task, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="successor_links"
    )
    successor = models.ForeignKey(
        Task, verbose_name=_("successor"), on_delete=models.CASCADE, related_name="predecessor_links"
    )
    type = models.CharField(
        _("type"), max_length=2, choices=DependencyType.choices, default=DependencyType.FS
    )
    lag_minutes = models.IntegerField(_("lag (working minutes)"), default=0)
    lag_elapsed = models.BooleanField(_("elapsed lag"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("dependency")
        verbose_name_plural = _("dependencies")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="dependency_once"),
            models.CheckConstraint(condition=~Q(predecessor=F("successor")), name="dependency_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.type})"


class Baseline(models.Model):
    """A saved copy of a project's schedule (MS Project's Baseline, Baseline1–10) to compare against."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="baselines"
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MaxValueValidator(BASELINE_COUNT - 1)])
    name = models.CharField(_("name"), max_length=100, blank=True)
    captured_at = models.DateTimeField(_("captured at"))
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("captured by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    finish = models.DateTimeField(_("finish"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="baseline_number_once"),
            models.CheckConstraint(condition=Q(number__lte=BASELINE_COUNT - 1), name="baseline_number_max"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        default = _("Baseline") if self.number == 0 else _("Baseline %(n)d") % {"n": self.number}
        return f"{default} — {self.name}" if self.name else str(default)


class BaselineTask(models.Model):
    """One task's dates and duration in a baseline."""

    baseline = models.ForeignKey(
        Baseline, verbose_name=_("baseline"), on_delete=models.CASCADE, related_name="tasks"
    )
    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="baseline_rows"
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    finish = models.DateTimeField(_("finish"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("duration (working minutes)"), default=0)
    # The budget of earned value: planned work and its cost when the baseline was taken (empty in
    # baselines taken before these were recorded).
    work_minutes = models.PositiveIntegerField(_("work (minutes)"), null=True, blank=True)
    cost = models.DecimalField(_("cost"), max_digits=14, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("baseline task")
        verbose_name_plural = _("baseline tasks")
        constraints = [models.UniqueConstraint(fields=["baseline", "task"], name="baseline_task_once")]

    def __str__(self) -> str:
        return f"{self.baseline} · {self.task_id}"


class Contour(models.TextChoices):
    """How an assignment's work spreads over its task (MS Project's work contours)."""

    FLAT = "flat", _("Flat")
    FRONT = "front", _("Front-loaded")
    BACK = "back", _("Back-loaded")


class Booking(models.TextChoices):
    """Whether the person is firmly booked (hard) or pencilled in (soft)."""

    CONFIRMED = "confirmed", _("Confirmed")
    TENTATIVE = "tentative", _("Tentative")


class Placeholder(models.Model):
    """A generic resource of a project, to plan with before names exist: "Java developer, level ≥ 3, ×2"."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="placeholders"
    )
    name = models.CharField(_("name"), max_length=200)
    skill = models.ForeignKey(
        "people.Skill",
        verbose_name=_("skill"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    min_level = models.PositiveSmallIntegerField(
        _("minimum level"), default=1, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    quantity = models.PositiveSmallIntegerField(_("how many"), default=1, validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("placeholder resource")
        verbose_name_plural = _("placeholder resources")
        ordering = ["project", "name"]
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="placeholder_name_once")]

    def __str__(self) -> str:
        return self.name


class Assignment(models.Model):
    """A person or a placeholder assigned to a task: units (% of their time) and work, as in MS Project."""

    task = models.ForeignKey(
        Task, verbose_name=_("task"), on_delete=models.CASCADE, related_name="assignments"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    placeholder = models.ForeignKey(
        Placeholder,
        verbose_name=_("placeholder"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    units = models.PositiveSmallIntegerField(
        _("units (%)"), default=100, validators=[MinValueValidator(1), MaxValueValidator(1000)]
    )
    work_minutes = models.PositiveIntegerField(_("work (minutes)"), default=0)
    actual_work_minutes = models.PositiveIntegerField(_("actual work (minutes)"), default=0, editable=False)
    contour = models.CharField(
        _("work contour"), max_length=10, choices=Contour.choices, default=Contour.FLAT
    )
    booking = models.CharField(
        _("booking"), max_length=10, choices=Booking.choices, default=Booking.CONFIRMED
    )
    history = HistoricalRecords(excluded_fields=["actual_work_minutes"])

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(placeholder__isnull=True))
                | (Q(person__isnull=True) & Q(placeholder__isnull=False)),
                name="assignment_person_or_placeholder",
            ),
            models.UniqueConstraint(
                fields=["task", "person"], condition=Q(person__isnull=False), name="assignment_person_once"
            ),
            models.UniqueConstraint(
                fields=["task", "placeholder"],
                condition=Q(placeholder__isnull=False),
                name="assignment_placeholder_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task} ← {self.person or self.placeholder} {self.units}%"


class LevelingRun(models.Model):
    """A levelling proposal: computed in the background, reviewed, then applied or discarded.

    `project` is the project levelled, or None for the portfolio (`options["projects"]` lists the pks).
    `result` holds the moves with their reasons and the summary (see projects.services.leveling).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        READY = "ready", _("Ready to review")
        APPLIED = "applied", _("Applied")
        DISCARDED = "discarded", _("Discarded")
        FAILED = "failed", _("Failed")

    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="leveling_runs",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    options = models.JSONField(_("options"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("computed at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applied or discarded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("applied or discarded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("levelling proposal")
        verbose_name_plural = _("levelling proposals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.project.code if self.project else _('portfolio')}"

    @property
    def open(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING, self.Status.READY)


class ImportMapping(models.Model):
    """A saved column mapping for importing a kind of file (an Excel WBS layout, a tracker's CSV export),
    chosen by name next time so that the columns are mapped once.

    `options` holds what the importer of that kind needs: the sheet and header row, the hierarchy mode,
    the column of each field (by header text), units and options. Each importer validates it when used.
    """

    class Kind(models.TextChoices):
        EXCEL_WBS = "excel_wbs", _("Excel WBS")
        TRACKER_CSV = "tracker_csv", _("Tracker CSV")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    options = models.JSONField(_("settings"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["kind", "name"], name="import_mapping_name_once")]

    def __str__(self) -> str:
        return self.name


class FeedToken(models.Model):
    """A private, revocable calendar feed URL: a person's own tasks and milestones, or one project's
    milestones. Only the SHA-256 hash of the secret in the URL is stored; `hint` (its last four
    characters) tells the URLs apart on the list."""

    class Kind(models.TextChoices):
        PERSON = "person", _("My tasks and milestones")
        PROJECT = "project", _("Project milestones")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.CASCADE,
        related_name="feed_tokens",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="feed_tokens",
    )
    name = models.CharField(_("label"), max_length=100, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    hint = models.CharField(_("ends with"), max_length=4, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="person") & Q(project__isnull=True))
                | (Q(kind="project") & Q(project__isnull=False)),
                name="feed_token_project_iff_project_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} …{self.hint}"

    @staticmethod
    def hash_secret(secret: str) -> str:
        """The SHA-256 hex digest of a feed URL's secret: what is stored and looked up."""
        return hashlib.sha256(secret.encode()).hexdigest()
