"""Writes of a meeting's minutes: notes per agenda item and attendance, decisions and actions recorded in
the project's RAID logs (through the RAID services), the minutes as a document and PDF, and their
distribution by e-mail."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kuroko.core.notifications import notify
from kuroko.core.permissions import require
from kuroko.people.models import Person
from kuroko.projects.models import Project
from kuroko.raid.models import DecisionStatus
from kuroko.raid.services.actions import action_create
from kuroko.raid.services.decisions import decision_create
from kuroko.raid.services.registers import Refused
from kuroko.reporting import permissions as perms
from kuroko.reporting.models import AgendaItem, Attendance, Meeting, MeetingAttendee, MeetingStatus
from kuroko.reporting.services.meetings import (
    NOTIFY_KIND,
    _deliver,
    _locked,
    _missing,
    _wants_email,
    _when,
    display_name,
)

# --- Minutes ------------------------------------------------------------------------------------------


@transaction.atomic
def minutes_save(
    *,
    actor: Any,
    meeting: Meeting,
    expected_version: int | None,
    notes: str | None = None,
    item_notes: Mapping[int, str] | None = None,
    attendance: Mapping[int, str] | None = None,
) -> Meeting:
    """Save the minutes: general notes, notes per agenda item (by item id) and attendance (by user id)."""
    require(perms.can_manage_meeting(actor, meeting))
    meeting = _locked(meeting, expected_version)
    if meeting.status == MeetingStatus.CANCELLED:
        raise Refused(_("This meeting was cancelled."))
    items = {i.pk: i for i in meeting.agenda_items.all()}
    for pk in item_notes or {}:
        if pk not in items:
            raise ValidationError(
                {"item_notes": _("Agenda item %(id)s is not on this meeting's agenda.") % {"id": pk}}
            )
    people = {a.user_id: a for a in meeting.attendees.all()}
    for user_id, value in (attendance or {}).items():
        if user_id not in people:
            raise ValidationError(
                {"attendance": _("User %(id)s is not invited to this meeting.") % {"id": user_id}}
            )
        if value not in Attendance.values:
            raise ValidationError({"attendance": _("“%(value)s” is not an attendance.") % {"value": value}})
    changed_items = []
    for pk, text in (item_notes or {}).items():
        if items[pk].notes != text:
            items[pk].notes = text
            changed_items.append(items[pk])
    AgendaItem.objects.bulk_update(changed_items, ["notes"])
    changed_people = []
    for user_id, value in (attendance or {}).items():
        if people[user_id].attendance != value:
            people[user_id].attendance = value
            changed_people.append(people[user_id])
    MeetingAttendee.objects.bulk_update(changed_people, ["attendance"])
    if notes is not None and notes != meeting.notes:
        meeting.notes = notes
    meeting.version += 1
    meeting._history_user = actor  # type: ignore[attr-defined]
    meeting.save()
    return meeting


def _item_project(item: AgendaItem, project: Any) -> Project:
    """The project a decision or action of this item belongs to: the meeting's, or for a program or
    portfolio meeting the one chosen (of the program)."""
    meeting = item.meeting
    if meeting.project_id is not None:
        if project is not None and getattr(project, "pk", project) != meeting.project_id:
            raise ValidationError({"project": _("A project meeting records into its own project.")})
        return Project.objects.get(pk=meeting.project_id)
    if project is None or project == "":
        raise ValidationError({"project": _("Choose the project this belongs to.")})
    chosen: Project = (
        project
        if isinstance(project, Project)
        else Project.objects.filter(pk=project).first() or _missing("project")
    )
    if meeting.program_id is not None and chosen.program_id != meeting.program_id:
        raise ValidationError({"project": _("Choose a project of the meeting's program.")})
    return chosen


def _minutes_item(actor: Any, item: AgendaItem) -> None:
    require(perms.can_manage_meeting(actor, item.meeting))
    if item.meeting.status == MeetingStatus.CANCELLED:
        raise Refused(_("This meeting was cancelled."))


@transaction.atomic
def minutes_decision_add(
    *, actor: Any, item: AgendaItem, title: str, description: str = "", project: Any = None
) -> Any:
    """Record a decision taken on an agenda item: it goes into the project's decision log (decided on
    the meeting's date, by the meeting) and is linked to the item."""
    _minutes_item(actor, item)
    target = _item_project(item, project)
    if not (description or "").strip():
        description = title
    decision = decision_create(
        actor=actor,
        project=target,
        data={
            "title": (title or "").strip(),
            "description": description,
            "status": DecisionStatus.DECIDED,
            "decided_on": timezone.localdate(item.meeting.start),
            "decided_by": item.meeting.title[:200],
        },
    )
    item.decisions.add(decision)
    return decision


@transaction.atomic
def minutes_action_add(
    *,
    actor: Any,
    item: AgendaItem,
    title: str,
    owner: Any = None,
    due_date: date | None = None,
    project: Any = None,
) -> Any:
    """Record an action agreed on an agenda item, with its owner and due date, in the project's action
    log (the owner is notified), linked to the item."""
    _minutes_item(actor, item)
    target = _item_project(item, project)
    if owner is not None and not isinstance(owner, Person):
        owner = Person.objects.filter(pk=owner).first() or _missing("owner")
    action = action_create(
        actor=actor,
        project=target,
        data={"title": (title or "").strip(), "owner": owner, "due_date": due_date},
    )
    item.actions.add(action)
    return action


# --- Minutes as a document, and their distribution ---------------------------------------------------------


def minutes_document(meeting: Meeting) -> Any:
    """The minutes as a report document (texts in the current language)."""
    from kuroko.formats.report_doc import Bullets, Document, KeyValues, Section, Table, Text

    items = list(meeting.agenda_items.prefetch_related("decisions", "actions", "actions__owner"))
    attendees = list(meeting.attendees.select_related("user", "user__person"))
    facts = KeyValues(
        (
            (_("Meeting"), meeting.get_kind_display()),
            (_("Date"), _when(meeting)),
            (_("Place"), meeting.location or "—"),
            (_("Project"), f"{meeting.project.code} {meeting.project.name}" if meeting.project else
             str(meeting.program) if meeting.program else _("Portfolio")),
            (_("Organizer"), display_name(meeting.organizer)),
            (_("Status"), meeting.get_status_display()),
        )
    )  # fmt: skip
    people = Table(
        (_("Attendee"), pgettext("meeting", "Attendance")),
        tuple((display_name(a.user), a.get_attendance_display()) for a in attendees),
        empty=_("No attendees."),
    )
    sections = [Section(_("Meeting"), (facts,)), Section(pgettext("meeting", "Attendance"), (people,))]
    if meeting.notes:
        sections.append(Section(_("General notes"), (Text(meeting.notes),)))
    agenda_blocks: list[Any] = []
    for item in items:
        agenda_blocks.append(Text(f"{item.position}. {item.title}", style="lead"))
        if item.notes:
            agenda_blocks.append(Text(item.notes))
    if not agenda_blocks:
        agenda_blocks.append(Text(_("No agenda items."), style="muted"))
    sections.append(Section(_("Agenda and notes"), tuple(agenda_blocks)))
    decisions = [d for i in items for d in i.decisions.all()]
    actions = [a for i in items for a in i.actions.all()]
    sections.append(
        Section(
            _("Decisions"),
            (
                Bullets(
                    tuple(
                        f"{d.code} {d.title}"
                        + (f": {d.description}" if d.description and d.description != d.title else "")
                        for d in decisions
                    )
                ),
            )
            if decisions
            else (Text(_("No decisions recorded."), style="muted"),),
        )
    )
    sections.append(
        Section(
            pgettext("meeting", "Actions"),
            (
                Table(
                    (pgettext("meeting", "Action"), _("Owner"), _("Due date")),
                    tuple((f"{a.code} {a.title}", str(a.owner or "—"), a.due_date) for a in actions),
                    empty=_("No actions recorded."),
                ),
            ),
        )
    )
    subtitle = _("Minutes") + f" · {_when(meeting)}"
    return Document(
        title=meeting.title,
        subtitle=subtitle,
        sections=tuple(sections),
        generated_at=timezone.localtime(),
        language=translation.get_language() or "en",
        labels={
            "page": _("Page {page} of {pages}"),
            "generated": _("Generated {when}"),
        },
        base_url=settings.KUROKO_BASE_URL,
    )


def minutes_pdf(meeting: Meeting) -> bytes:
    """The minutes as PDF."""
    from kuroko.formats.report_pdf import render_pdf

    return render_pdf(minutes_document(meeting))


@transaction.atomic
def minutes_distribute(*, actor: Any, meeting: Meeting) -> int:
    """E-mail the minutes of a held meeting to its attendees but the sender (a text body and the minutes
    as PDF, in each recipient's language; only to those whose meeting delivery is "immediate") and notify
    them; returns how many were e-mailed."""
    require(perms.can_manage_meeting(actor, meeting))
    meeting = (
        Meeting.objects.select_for_update(of=("self",))
        .select_related("organizer", "project", "program")
        .get(pk=meeting.pk)
    )
    if meeting.status != MeetingStatus.HELD:
        raise Refused(_("Mark the meeting held before distributing its minutes."))
    recipients = [  # not the sender: nobody is told of what they just did
        a.user
        for a in meeting.attendees.select_related("user", "user__person")
        if a.user.is_active and a.user.pk != actor.pk
    ]
    sent = 0
    url = reverse("meeting", args=[meeting.pk])
    pdfs: dict[str, bytes] = {}
    for user in recipients:
        language = user.language or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = _("Minutes: %(title)s (%(when)s)") % {"title": meeting.title, "when": _when(meeting)}
            body = minutes_text(meeting)
            if _wants_email(user):
                if language not in pdfs:
                    pdfs[language] = minutes_pdf(meeting)
                message = EmailMessage(subject=subject, body=body, to=[user.email])
                message.attach(f"minutes-{meeting.pk}.pdf", pdfs[language], "application/pdf")
                transaction.on_commit(partial(_deliver, message))
                sent += 1
        notify(users=[user], kind=NOTIFY_KIND, title=subject, body=body, url=url, email=False)
    meeting.minutes_sent_at = timezone.now()
    meeting.save(update_fields=["minutes_sent_at"])
    return sent


def minutes_text(meeting: Meeting) -> str:
    """The minutes as plain text (the e-mail's body), in the current language."""
    lines = [meeting.title, _when(meeting)]
    if meeting.location:
        lines.append(_("Place") + f": {meeting.location}")
    lines.append("")
    present = [display_name(a.user) for a in meeting.attendees.all() if a.attendance == Attendance.PRESENT]
    if present:
        lines += [_("Present") + ": " + ", ".join(present), ""]
    if meeting.notes:
        lines += [meeting.notes, ""]
    for item in meeting.agenda_items.prefetch_related("decisions", "actions", "actions__owner"):
        lines.append(f"{item.position}. {item.title}")
        if item.notes:
            lines += ["   " + line for line in item.notes.splitlines()]
        for d in item.decisions.all():
            lines.append("   " + _("Decision") + f" {d.code}: {d.title}")
        for a in item.actions.all():
            due = a.due_date.isoformat() if a.due_date else "—"
            lines.append(
                "   " + pgettext("meeting", "Action") + f" {a.code}: {a.title} ({a.owner or '—'}, {due})"
            )
    return "\n".join(lines)
