"""Timesheets (工数): the hours each person logs per day on tasks or on indirect work, the weekly
submission, its approval by the PM of each project, and the month-end close that locks a period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from kuroko.people.models import Person
from kuroko.projects.models import Project, Task

MINUTES_PER_DAY = 24 * 60


class IndirectCategory(models.TextChoices):
    """Work that belongs to no project."""

    MEETINGS = "meetings", _("Meetings")
    TRAINING = "training", _("Training")
    ADMINISTRATION = "administration", _("Administration")
    LEAVE = "leave", _("Leave")
    OTHER = "other", _("Other indirect work")


class TimeEntry(models.Model):
    """The minutes one person worked on one day on one task (or on one indirect category), with a
    comment for the daily log (日報)."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="time_entries"
    )
    date = models.DateField(_("date"))
    # The project is kept with the entry (not only through the task) so that per-project sums, approvals
    # and locks read one table, and so that hours stay on the project if the task is deleted.
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="time_entries",
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="time_entries",
    )
    category = models.CharField(
        _("indirect work"), max_length=20, choices=IndirectCategory.choices, blank=True
    )
    minutes = models.PositiveIntegerField(_("time (minutes)"))
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    # Labour cost at the person's cost rate in force on the day (people.RateCard); kept with the entry
    # so that actual cost sums in the database. Recomputed when rate cards change.
    cost = models.DecimalField(
        _("cost"), max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ["person", "date", "pk"]
        indexes = [
            models.Index(fields=["person", "date"], name="time_entry_person_date"),
            models.Index(fields=["project", "date"], name="time_entry_project_date"),
            models.Index(fields=["task", "date"], name="time_entry_task_date"),
            # Covers the actual-cost sums of earned value (per project up to a status date) without
            # reading the table's rows: the portfolio table sums a million entries.
            models.Index(fields=["project", "date", "cost", "minutes"], name="time_entry_project_cost"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(minutes__gt=0, minutes__lte=MINUTES_PER_DAY), name="time_entry_minutes_in_day"
            ),
            # Project work or indirect work, never both.
            models.CheckConstraint(
                condition=(Q(project__isnull=False) & Q(category=""))
                | (Q(project__isnull=True) & Q(task__isnull=True) & ~Q(category="")),
                name="time_entry_project_or_indirect",
            ),
            models.UniqueConstraint(
                fields=["person", "date", "task"],
                condition=Q(task__isnull=False),
                name="time_entry_once_per_task",
            ),
            models.UniqueConstraint(
                fields=["person", "date", "category"],
                condition=Q(project__isnull=True),
                name="time_entry_once_per_category",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.date} {self.task_id or self.category} {self.minutes}m"


class TimesheetStatus(models.TextChoices):
    OPEN = "open", _("Open")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")


class Timesheet(models.Model):
    """One person's week (Monday to Sunday): open while they fill it in, submitted for approval, approved
    when the PM of every project in it has approved. The history is the audit trail of submissions,
    rejections and reopenings."""

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="timesheets"
    )
    week_start = models.DateField(_("week starting"), help_text=_("A Monday."))
    status = models.CharField(
        _("status"), max_length=10, choices=TimesheetStatus.choices, default=TimesheetStatus.OPEN
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True, help_text=_("Why it was reopened."))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("timesheet")
        verbose_name_plural = _("timesheets")
        ordering = ["person", "-week_start"]
        constraints = [
            models.UniqueConstraint(fields=["person", "week_start"], name="timesheet_once_per_week")
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.week_start}"


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class TimesheetApproval(models.Model):
    """The decision of one project's PM on a submitted week's hours for that project (a person in a matrix
    organisation has one per project)."""

    timesheet = models.ForeignKey(
        Timesheet, verbose_name=_("timesheet"), on_delete=models.CASCADE, related_name="approvals"
    )
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="timesheet_approvals"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    # What was approved (a digest of the project's entries), so that a resubmission keeps an approval whose
    # hours did not change.
    digest = models.CharField(max_length=64, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("timesheet approval")
        verbose_name_plural = _("timesheet approvals")
        ordering = ["timesheet", "project"]
        constraints = [
            models.UniqueConstraint(
                fields=["timesheet", "project"], name="timesheet_approval_once_per_project"
            )
        ]

    def __str__(self) -> str:
        return f"{self.timesheet} {self.project_id} {self.status}"


class PeriodClose(models.Model):
    """A closed month (月次締め): no time entry in it may be added, changed or removed. Reopening deletes
    the row; the history keeps who closed and reopened it."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("closed by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    closed_at = models.DateTimeField(_("closed"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("closed month")
        verbose_name_plural = _("closed months")
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"
