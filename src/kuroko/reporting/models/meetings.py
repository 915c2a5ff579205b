"""Meetings: recurring series (weekly progress meeting, steering committee, gate review, risk review) with
their attendees, and each meeting with its agenda, minutes, attendance and the decisions and actions it
recorded in the project's RAID logs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from kuroko.core.versioning import Versioned
from kuroko.projects.models import Program, Project
from kuroko.raid.models import ActionItem, Decision


class MeetingKind(models.TextChoices):
    PROGRESS = "progress", _("Weekly progress meeting")
    STEERING = "steering", _("Steering committee")
    GATE_REVIEW = "gate_review", _("Gate review")
    RISK_REVIEW = "risk_review", _("Risk review")
    OTHER = "other", pgettext_lazy("meeting kind", "Other")


class Frequency(models.TextChoices):
    ONCE = "once", _("Once")
    WEEKLY = "weekly", _("Weekly")
    BIWEEKLY = "biweekly", _("Every two weeks")
    MONTHLY = "monthly", _("Monthly")


class MeetingSeries(models.Model):
    """A recurring meeting: its kind, project (or program, or the whole portfolio), when it recurs and
    who attends. Its meetings are created ahead from the schedule."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices, default="progress")
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_series",
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    frequency = models.CharField(_("repeats"), max_length=10, choices=Frequency.choices, default="weekly")
    first_date = models.DateField(_("first meeting"))
    until = models.DateField(_("until"), null=True, blank=True)
    start_time = models.TimeField(_("starts at"))
    duration_minutes = models.PositiveIntegerField(_("duration (minutes)"), default=60)
    location = models.CharField(_("location"), max_length=200, blank=True)
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="+"
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("attendees"), blank=True, related_name="meeting_series"
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("meeting series")
        verbose_name_plural = _("meeting series")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", pgettext_lazy("meeting status", "Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class Meeting(Versioned):
    """One meeting: when and where, its agenda and minutes; the minutes are distributed once it is held."""

    series = models.ForeignKey(
        MeetingSeries,
        verbose_name=_("meeting series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=MeetingKind.choices, default="progress")
    title = models.CharField(_("title"), max_length=200)
    project = models.ForeignKey(
        Project,
        verbose_name=_("project"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    program = models.ForeignKey(
        Program, verbose_name=_("program"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=MeetingStatus.choices, default="planned")
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("organizer"), on_delete=models.PROTECT, related_name="+"
    )
    notes = models.TextField(_("general notes"), blank=True)
    # The iCalendar SEQUENCE: raised each time the invitation is re-sent with a change.
    sequence = models.PositiveIntegerField(_("invitation revision"), default=0)
    agenda_built_at = models.DateTimeField(_("agenda built"), null=True, blank=True)
    minutes_sent_at = models.DateTimeField(_("minutes distributed"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-start", "-pk"]
        indexes = [models.Index(fields=["project", "start"], name="meeting_project_start")]

    def __str__(self) -> str:
        return self.title


class AgendaItem(models.Model):
    """An agenda item, built from the data (an overdue action, a risk due for review …) or added by hand,
    with the notes taken on it and the decisions and actions it produced."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    # Where an automatic item came from (e.g. "action_overdue") and the item's page; empty when typed.
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_ref = models.CharField(_("reference"), max_length=40, blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    duration_minutes = models.PositiveIntegerField(_("minutes allotted"), null=True, blank=True)
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("presenter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    notes = models.TextField(_("notes"), blank=True)
    decisions = models.ManyToManyField(Decision, verbose_name=_("decisions"), blank=True, related_name="+")
    actions = models.ManyToManyField(ActionItem, verbose_name=_("actions"), blank=True, related_name="+")

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Attendance(models.TextChoices):
    UNKNOWN = "unknown", _("Not recorded")
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    APOLOGIES = "apologies", _("Sent apologies")


class MeetingAttendee(models.Model):
    """An invited person of one meeting and whether they attended."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendees"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("attendee"), on_delete=models.CASCADE, related_name="+"
    )
    required = models.BooleanField(_("required"), default=True)
    attendance = models.CharField(
        _("attendance"), max_length=10, choices=Attendance.choices, default="unknown"
    )

    class Meta:
        verbose_name = _("attendee")
        verbose_name_plural = _("attendees")
        ordering = ["meeting", "pk"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="meeting_attendee_once")]

    def __str__(self) -> str:
        return str(self.user)
