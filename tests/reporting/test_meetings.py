"""Meetings: recurrence, series created ahead and edited, the agenda built from the data, minutes into the
RAID logs, invitations and distribution (services and selectors)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import pairwise

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.core.versioning import ConflictError
from kuroko.raid.models import ActionItem, Decision
from kuroko.raid.services.registers import Refused
from kuroko.reporting.models import AgendaItem, Meeting, MeetingSeries
from kuroko.reporting.services import meetings as services
from kuroko.reporting.services import meetings_minutes as minutes

TODAY = date(2026, 6, 8)  # a Monday


def _emails(world):
    for role in ("admin", "pmo", "pm", "member", "executive", "outsider"):
        user = world.user(role)
        user.email = f"{role}@example.com"
        user.save(update_fields=["email"])


def _series(world, actor=None, **extra):
    data = {
        "title": "ALPHA 定例会議",
        "kind": "progress",
        "project": world.project,
        "frequency": "weekly",
        "first_date": TODAY + timedelta(days=2),
        "start_time": time(10, 0),
        "duration_minutes": 60,
        "location": "会議室A",
        "attendees": [world.member, world.pm],
        **extra,
    }
    return services.series_create(actor=actor or world.pm, data=data, today=TODAY)


# --- Recurrence ---------------------------------------------------------------------------------------


def test_monthly_recurs_on_the_same_weekday_of_the_month():
    """Monthly: the second Tuesday stays the second Tuesday; a 5th weekday becomes the last one."""
    second_tuesday = services.occurrence_dates(
        frequency="monthly", first_date=date(2026, 6, 9), until=None, count=3
    )
    assert second_tuesday == [date(2026, 6, 9), date(2026, 7, 14), date(2026, 8, 11)]
    last_friday = services.occurrence_dates(
        frequency="monthly", first_date=date(2026, 1, 30), until=None, count=3
    )
    assert last_friday == [date(2026, 1, 30), date(2026, 2, 27), date(2026, 3, 27)]


def test_once_and_until_bound_the_dates():
    """A one-off series has one date; `until` ends a weekly series."""
    assert services.occurrence_dates(frequency="once", first_date=TODAY, until=None, count=8) == [TODAY]
    dates = services.occurrence_dates(
        frequency="weekly", first_date=TODAY, until=TODAY + timedelta(days=14), count=8
    )
    assert dates == [TODAY, TODAY + timedelta(days=7), TODAY + timedelta(days=14)]


@given(
    frequency=st.sampled_from(["weekly", "biweekly", "monthly"]),
    first=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
    skip=st.integers(min_value=0, max_value=400),
    count=st.integers(min_value=1, max_value=12),
)
@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
def test_occurrences_keep_the_weekday_and_are_recognised(frequency, first, skip, count):
    """Every date is later than `after`, in order, on the first meeting's weekday, and is_occurrence."""
    after = first + timedelta(days=skip)
    dates = services.occurrence_dates(
        frequency=frequency, first_date=first, until=None, after=after, count=count
    )
    assert len(dates) == count
    assert all(d > after for d in dates)
    assert dates == sorted(set(dates))
    assert {d.weekday() for d in dates} == {first.weekday()}
    assert all(
        services.is_occurrence(frequency=frequency, first_date=first, until=None, day=d) for d in dates
    )


# --- Series -------------------------------------------------------------------------------------------


def test_series_creates_eight_meetings_and_invites(world, django_capture_on_commit_callbacks):
    """A weekly series has its next eight meetings with attendees; each attendee gets one e-mail with an
    .ics per meeting (not the organiser)."""
    _emails(world)
    with django_capture_on_commit_callbacks(execute=True):
        series = _series(world)
    meetings = list(series.meetings.order_by("start"))
    assert len(meetings) == services.AHEAD
    assert timezone.localtime(meetings[0].start).date() == TODAY + timedelta(days=2)
    assert timezone.localtime(meetings[0].start).time() == time(10, 0)
    assert {a.user_id for a in meetings[0].attendees.all()} == {world.pm.pk, world.member.pk}
    assert [m.to for m in mail.outbox] == [["member@example.com"]]
    attachments = mail.outbox[0].attachments
    assert len(attachments) == services.AHEAD
    assert "METHOD:REQUEST" in attachments[0][1]
    assert world.member.notifications.filter(kind="meeting").count() == 1


def test_series_top_up_is_idempotent(world):
    """The daily top-up keeps eight meetings ahead and creates nothing more on the same day."""
    series = _series(world)
    later = TODAY + timedelta(days=22)
    created = services.series_top_up(series=series, today=later)
    assert len(created) == 3
    assert services.series_top_up(series=series, today=later) == []
    assert services.meetings_top_up(today=later) == 0


@pytest.mark.parametrize(
    ("actor", "extra"),
    [
        ("member", {}),  # a team member does not organise the project's meetings
        ("executive", {}),  # nor does an executive
        ("pm", {"project": None}),  # a PM does not organise portfolio meetings
    ],
)
def test_who_may_organise(world, actor, extra):
    """Only the project's PM and the PMO create project series; only the PMO portfolio ones."""
    with pytest.raises(PermissionDenied):
        _series(world, actor=world.user(actor), **extra)


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"title": "  "}, "title"),  # blank title
        ({"until": TODAY}, "until"),  # ends before the first meeting
        ({"duration_minutes": 2}, "duration_minutes"),  # too short
        ({"attendees": [999999]}, "attendees"),  # unknown person
        ({"program": 1}, "program"),  # project and program both
    ],
)
def test_invalid_series_names_the_field(world, extra, field):
    """Bad input names its field and writes nothing."""
    if field == "program":
        extra = {"program": world.project.program}
    with pytest.raises(ValidationError) as caught:
        _series(world, **extra)
    assert field in caught.value.message_dict
    assert not MeetingSeries.objects.exists()


def test_series_update_changes_future_planned_meetings_only(world, django_capture_on_commit_callbacks):
    """A new time moves the planned meetings from today on (SEQUENCE raised, re-sent); a held meeting
    keeps its time; a new weekday cancels the meetings off the schedule and creates new ones."""
    _emails(world)
    series = _series(world)
    first = series.meetings.order_by("start").first()
    services.meeting_hold(actor=world.pm, meeting=first, expected_version=first.version)
    before = set(series.meetings.filter(status="planned").values_list("pk", flat=True))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_update(
            actor=world.pm, series=series, data={"start_time": time(14, 0)}, today=TODAY + timedelta(days=3)
        )
    first.refresh_from_db()
    assert timezone.localtime(first.start).time() == time(10, 0)
    planned = list(series.meetings.filter(status="planned"))
    assert {timezone.localtime(m.start).time() for m in planned} == {time(14, 0)}
    assert {m.pk for m in planned if m.sequence == 1} == before  # the new one (topped up) is revision 0
    assert len(planned) == len(before) + 1
    assert len(mail.outbox) == 1
    services.series_update(
        actor=world.pm,
        series=series,
        data={"first_date": TODAY + timedelta(days=3)},
        today=TODAY + timedelta(days=3),
    )
    assert series.meetings.filter(status="cancelled").count() == len(planned)
    thursdays = series.meetings.filter(status="planned")
    assert {timezone.localtime(m.start).weekday() for m in thursdays} == {3}


# --- One meeting ------------------------------------------------------------------------------------------


def test_update_raises_sequence_and_refuses_stale_version(world):
    """Moving a planned meeting raises its SEQUENCE; an edit with an old version is a conflict."""
    meeting = _series(world).meetings.order_by("start").first()
    version = meeting.version
    updated = services.meeting_update(
        actor=world.pm, meeting=meeting, data={"location": "Teams"}, expected_version=version
    )
    assert updated.sequence == 1
    with pytest.raises(ConflictError):
        services.meeting_update(
            actor=world.pm, meeting=meeting, data={"location": "B"}, expected_version=version
        )


def test_cancel_sends_method_cancel_and_cannot_cancel_held(world, django_capture_on_commit_callbacks):
    """Cancelling e-mails METHOD:CANCEL; a held meeting cannot be cancelled."""
    _emails(world)
    meetings = list(_series(world).meetings.order_by("start"))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=world.pm, meeting=meetings[0], expected_version=meetings[0].version)
    assert "METHOD:CANCEL" in mail.outbox[0].attachments[0][1]
    held = services.meeting_hold(actor=world.pm, meeting=meetings[1], expected_version=meetings[1].version)
    with pytest.raises(Refused):
        services.meeting_cancel(actor=world.pm, meeting=held, expected_version=held.version)


# --- Agenda -------------------------------------------------------------------------------------------


def _raid_data(world, day):
    from kuroko.raid.services.actions import action_create
    from kuroko.raid.services.decisions import decision_create
    from kuroko.raid.services.issues import issue_create

    overdue = action_create(
        actor=world.pm,
        project=world.project,
        data={"title": "議事録の承認", "due_date": day - timedelta(days=3)},
    )
    action_create(
        actor=world.pm, project=world.project, data={"title": "later", "due_date": day + timedelta(days=9)}
    )
    issue_create(
        actor=world.pm,
        project=world.project,
        data={"title": "結合環境が不安定", "due_date": day + timedelta(days=2)},
    )
    decision_create(actor=world.pm, project=world.project, data={"title": "リリース日"})
    return overdue


def test_agenda_built_from_the_data_and_rebuilt_keeping_edits(world):
    """The progress agenda lists the overdue action, the issue due and the pending decision; a rebuild
    drops what no longer applies unless annotated, keeps typed items and adds nothing twice."""
    from kuroko.raid.services.actions import action_update

    meeting = _series(world).meetings.order_by("start").first()
    day = timezone.localdate(meeting.start)
    overdue = _raid_data(world, day)
    items = services.agenda_build(actor=world.pm, meeting=meeting)
    sources = [i.source for i in items]
    assert sources == ["action_overdue", "issue_due", "decision_pending"]
    assert items[0].url == f"/actions/{overdue.pk}/"
    typed = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "その他"})
    services.agenda_item_move(actor=world.pm, item=typed, position=1)
    assert services.agenda_build(actor=world.pm, meeting=meeting)[0].pk == typed.pk
    action_update(actor=world.pm, action=overdue, data={"status": "done"}, expected_version=overdue.version)
    issue_item = AgendaItem.objects.get(meeting=meeting, source="issue_due")
    services.agenda_item_update(actor=world.pm, item=issue_item, data={"notes": "来週再確認"})
    rebuilt = services.agenda_build(actor=world.pm, meeting=meeting)
    assert [i.source for i in rebuilt] == ["", "issue_due", "decision_pending"]
    assert [i.position for i in rebuilt] == [1, 2, 3]


def test_agenda_of_a_risk_review_lists_risks_due_for_review(world):
    """A risk review lists the open risks whose review is overdue."""
    from tests.factories import RiskFactory

    RiskFactory(project=world.project, title="要員離脱", next_review=TODAY - timedelta(days=1))
    RiskFactory(project=world.project, title="fine", next_review=TODAY + timedelta(days=30))
    meeting = services.meeting_create(
        actor=world.pm,
        data={"title": "リスクレビュー", "kind": "risk_review", "project": world.project,
              "start": timezone.make_aware(datetime.combine(TODAY, time(15))),
              "end": timezone.make_aware(datetime.combine(TODAY, time(16)))},
    )  # fmt: skip
    items = services.agenda_build(actor=world.pm, meeting=meeting)
    assert [i.source for i in items] == ["risk_review"]
    assert "要員離脱" in items[0].title


# --- Minutes --------------------------------------------------------------------------------------------


def test_minutes_record_decisions_actions_and_attendance(world):
    """Decisions and actions recorded on an item go into the project's logs, linked to the item."""
    meeting = _series(world).meetings.order_by("start").first()
    item = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "リリース判定"})
    decision = minutes.minutes_decision_add(actor=world.pm, item=item, title="6月末リリース")
    action = minutes.minutes_action_add(
        actor=world.pm, item=item, title="移行手順書", owner=world.member.person.pk, due_date=TODAY
    )
    assert Decision.objects.get(pk=decision.pk).status == "decided"
    assert ActionItem.objects.get(pk=action.pk).owner_id == world.member.person.pk
    assert list(item.decisions.all()) == [decision] and list(item.actions.all()) == [action]
    saved = minutes.minutes_save(
        actor=world.pm, meeting=meeting, expected_version=meeting.version, notes="全員出席",
        item_notes={item.pk: "承認"}, attendance={world.member.pk: "present"},
    )  # fmt: skip
    assert saved.attendees.get(user=world.member).attendance == "present"
    with pytest.raises(ValidationError) as caught:
        minutes.minutes_save(
            actor=world.pm,
            meeting=saved,
            expected_version=saved.version,
            attendance={world.outsider.pk: "present"},
        )
    assert "attendance" in caught.value.message_dict


def test_portfolio_meeting_asks_for_the_project(world):
    """A decision of a portfolio meeting needs the project it belongs to."""
    meeting = services.meeting_create(
        actor=world.pmo,
        data={"title": "ステアリングコミッティ", "kind": "steering",
              "start": timezone.make_aware(datetime.combine(TODAY, time(9))),
              "end": timezone.make_aware(datetime.combine(TODAY, time(10)))},
    )  # fmt: skip
    item = services.agenda_item_add(actor=world.pmo, meeting=meeting, data={"title": "予算"})
    with pytest.raises(ValidationError) as caught:
        minutes.minutes_decision_add(actor=world.pmo, item=item, title="増額承認")
    assert "project" in caught.value.message_dict
    decision = minutes.minutes_decision_add(
        actor=world.pmo, item=item, title="増額承認", project=world.other.pk
    )
    assert decision.project_id == world.other.pk


def test_distribute_after_held_emails_the_pdf(world, django_capture_on_commit_callbacks):
    """Minutes go out only once held: each attendee with an address but the sender gets text and PDF."""
    _emails(world)
    meeting = _series(world).meetings.order_by("start").first()
    services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "進捗報告"})
    with pytest.raises(Refused):
        minutes.minutes_distribute(actor=world.pm, meeting=meeting)
    meeting = services.meeting_hold(actor=world.pm, meeting=meeting, expected_version=meeting.version)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = minutes.minutes_distribute(actor=world.pm, meeting=meeting)
    assert sent == 1
    assert [m.to for m in mail.outbox] == [["member@example.com"]]
    message = next(m for m in mail.outbox if m.to == ["member@example.com"])
    _name, content, mime = message.attachments[0]
    assert mime == "application/pdf" and content.startswith(b"%PDF")
    assert "進捗報告" in message.body
    assert Meeting.objects.get(pk=meeting.pk).minutes_sent_at is not None


def test_project_feed_lists_meetings_as_timed_events(world):
    """The project's calendar feed includes its (not cancelled) meetings."""
    from kuroko.projects.selectors.feeds import FeedContext
    from kuroko.reporting.selectors.meetings import meeting_feed_events

    meetings = list(_series(world).meetings.order_by("start"))
    services.meeting_cancel(actor=world.pm, meeting=meetings[0], expected_version=meetings[0].version)
    context = FeedContext(
        owner=world.pm, base_url="https://pmo.example.com", host="pmo.example.com", today=TODAY
    )
    events = list(meeting_feed_events(world.project, context))
    assert len(events) == len(meetings) - 1
    assert events[0].uid == f"meeting-{meetings[1].pk}@pmo.example.com"
    assert events[0].start == meetings[1].start


# --- Series edits keep the schedule whole ---------------------------------------------------------------


def _planned(series):
    starts = series.meetings.filter(status="planned").values_list("start", flat=True)
    return sorted(timezone.localdate(s) for s in starts)


def test_series_off_and_on_plans_its_cancelled_meetings_again(world):
    """Turning a series off then on plans the same meetings again (REQUEST, SEQUENCE raised), no gap."""
    series = _series(world)
    before = _planned(series)
    services.series_update(actor=world.pm, series=series, data={"active": False}, today=TODAY)
    assert _planned(series) == []
    services.series_update(actor=world.pm, series=series, data={"active": True}, today=TODAY)
    assert _planned(series) == before
    assert series.meetings.count() == 8
    assert set(series.meetings.values_list("sequence", flat=True)) == {2}


def test_series_frequency_back_to_weekly_leaves_no_gap(world):
    """Weekly → biweekly → weekly: every week is planned again."""
    series = _series(world)
    services.series_update(actor=world.pm, series=series, data={"frequency": "biweekly"}, today=TODAY)
    services.series_update(actor=world.pm, series=series, data={"frequency": "weekly"}, today=TODAY)
    planned = _planned(series)
    assert {(b - a).days for a, b in pairwise(planned)} == {7}
    assert len(planned) >= 8


def test_series_until_shortened_then_cleared_plans_the_weeks_again(world):
    """Taking the end date back and clearing it again leaves meetings every week."""
    series = _series(world)
    services.series_update(
        actor=world.pm, series=series, data={"until": TODAY + timedelta(days=2)}, today=TODAY
    )
    assert len(_planned(series)) == 1
    services.series_update(actor=world.pm, series=series, data={"until": None}, today=TODAY)
    planned = _planned(series)
    assert planned == [TODAY + timedelta(days=2 + 7 * n) for n in range(8)]


def test_meeting_cancelled_on_its_own_stays_cancelled_after_series_edits(world):
    """A meeting cancelled one by one is neither planned again nor replaced by a series edit."""
    series = _series(world)
    second = series.meetings.order_by("start")[1]
    services.meeting_cancel(actor=world.pm, meeting=second, expected_version=second.version)
    services.series_update(actor=world.pm, series=series, data={"active": False}, today=TODAY)
    services.series_update(actor=world.pm, series=series, data={"active": True}, today=TODAY)
    second.refresh_from_db()
    assert second.status == "cancelled"
    assert timezone.localdate(second.start) not in _planned(series)


def test_moved_meeting_survives_series_edits_and_top_up(world):
    """A meeting moved on its own keeps its new time at a series edit; its old date gets no new meeting."""
    series = _series(world)
    third = series.meetings.order_by("start")[2]
    slot = timezone.localdate(third.start)
    moved = third.start + timedelta(days=1, hours=2)
    services.meeting_update(
        actor=world.pm, meeting=third, data={"start": moved, "end": moved + timedelta(hours=1)},
        expected_version=third.version,
    )  # fmt: skip
    services.series_update(actor=world.pm, series=series, data={"location": "会議室B"}, today=TODAY)
    third.refresh_from_db()
    assert (third.status, third.start, third.location) == ("planned", moved, "会議室B")
    assert services.series_top_up(series=series, today=TODAY + timedelta(days=7)) != []
    assert slot not in _planned(series)
    assert series.meetings.filter(start__date=slot).count() == 0


def test_series_edit_leaves_a_meeting_earlier_today_alone(world):
    """A meeting that took place earlier today (not marked held) is not changed by a series edit."""
    today = timezone.localdate()
    now = timezone.localtime()
    if now.hour == 0 and now.minute < 10:
        pytest.skip("needs a meeting earlier today")
    series = services.series_create(
        actor=world.pm,
        data={"title": "T", "kind": "progress", "project": world.project, "frequency": "weekly",
              "first_date": today, "start_time": time(0, 0), "duration_minutes": 5,
              "attendees": [world.member]},
        today=today,
    )  # fmt: skip
    first = series.meetings.order_by("start").first()
    assert first.start < timezone.now()
    services.series_update(actor=world.pm, series=series, data={"start_time": time(23, 30)}, today=today)
    after = Meeting.objects.get(pk=first.pk)
    assert (after.start, after.sequence) == (first.start, first.sequence)


# --- Who is told, and how -------------------------------------------------------------------------------


def test_digest_users_get_no_meeting_email_at_once(world, django_capture_on_commit_callbacks):
    """With the daily digest for meetings, invitations and minutes wait for the digest."""
    from kuroko.core import notifications as N

    _emails(world)
    N.notification_preferences_set(user=world.member, choices={"meeting": "digest"})
    with django_capture_on_commit_callbacks(execute=True):
        series = _series(world)
    assert [m for m in mail.outbox if "member@example.com" in m.to] == []
    assert N.digest_pending(timezone.now()).filter(recipient=world.member).exists()
    meeting = series.meetings.order_by("start").first()
    meeting = services.meeting_hold(actor=world.pm, meeting=meeting, expected_version=meeting.version)
    with django_capture_on_commit_callbacks(execute=True):
        assert minutes.minutes_distribute(actor=world.pm, meeting=meeting) == 0


def test_series_edit_by_an_attendee_does_not_invite_themselves(world, django_capture_on_commit_callbacks):
    """A PMO attendee who changes a PM's series gets no invitation of their own change."""
    from kuroko.core.models import Notification

    _emails(world)
    series = _series(world, attendees=[world.member, world.pmo])
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_update(actor=world.pmo, series=series, data={"location": "B"}, today=TODAY)
    assert not Notification.objects.filter(recipient=world.pmo).exists()
    assert Notification.objects.filter(recipient=world.member).count() == 1
    assert not [m for m in mail.outbox if "pmo@example.com" in m.to]


def test_distributing_minutes_does_not_notify_the_sender(world):
    """The person who sends the minutes is not notified of them."""
    from kuroko.core.models import Notification

    meeting = _series(world).meetings.order_by("start").first()
    meeting = services.meeting_hold(actor=world.pm, meeting=meeting, expected_version=meeting.version)
    Notification.objects.all().delete()
    minutes.minutes_distribute(actor=world.pm, meeting=meeting)
    assert list(Notification.objects.values_list("recipient", flat=True)) == [world.member.pk]


def test_removed_attendee_gets_one_grouped_cancellation(world, django_capture_on_commit_callbacks):
    """Taking someone off a series sends them one e-mail (all the CANCELs) and one inbox entry."""
    from kuroko.core.models import Notification

    _emails(world)
    series = _series(world, attendees=[world.member, world.pmo])
    Notification.objects.all().delete()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.series_update(actor=world.pm, series=series, data={"attendees": [world.member]}, today=TODAY)
    mails = [m for m in mail.outbox if "pmo@example.com" in m.to]
    assert len(mails) == 1 and len(mails[0].attachments) == 8
    assert all("method=CANCEL" in mime for _name, _data, mime in mails[0].attachments)
    # RFC 5546 §3.2.5: the CANCEL names the people removed, not those who stay.
    ics = str(mails[0].attachments[0][1]).replace("\r\n ", "")
    attendees = [line for line in ics.splitlines() if line.startswith("ATTENDEE")]
    assert len(attendees) == 1 and "pmo@example.com" in attendees[0]
    assert Notification.objects.filter(recipient=world.pmo).count() == 1


def test_invitation_url_is_absolute_or_left_out(world, settings):
    """The .ics URL is the page's full address with KUROKO_BASE_URL, and absent without one."""
    meeting = _series(world).meetings.order_by("start").first()
    settings.KUROKO_BASE_URL = ""
    assert "URL" not in [line.split(":")[0] for line in services.meeting_ics(meeting).decode().splitlines()]
    settings.KUROKO_BASE_URL = "https://pmo.example.com/"
    assert f"URL:https://pmo.example.com/meetings/{meeting.pk}/" in services.meeting_ics(meeting).decode()


def test_attendees_must_read_the_project(world):
    """Someone who cannot read the project is refused as an attendee, named in the message."""
    with pytest.raises(ValidationError) as caught:
        _series(world, attendees=[world.member, world.outsider])
    assert "attendees" in caught.value.message_dict
    assert services.display_name(world.outsider) in caught.value.message_dict["attendees"][0]
    series = _series(world)
    with pytest.raises(ValidationError):
        services.series_update(
            actor=world.pm, series=series, data={"attendees": [world.outsider]}, today=TODAY
        )
    meeting = series.meetings.order_by("start").first()
    with pytest.raises(ValidationError):
        services.meeting_update(
            actor=world.pm, meeting=meeting, data={"attendees": [world.outsider]},
            expected_version=meeting.version,
        )  # fmt: skip


# --- Input checks ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(document.cookie)", "JavaScript:alert(1)", "//evil.example.com/x", "/\\evil.com",
     "data:text/html,x", "http://", "x" * 600, "/" + "a" * 500, "https://a.example.com/ b"],
)  # fmt: skip
def test_agenda_item_link_is_a_site_page_or_web_address(world, url):
    """An agenda item's link is refused unless a site path or an http(s) address of at most 500 chars."""
    meeting = _series(world).meetings.order_by("start").first()
    with pytest.raises(ValidationError) as caught:
        services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "x", "url": url})
    assert "url" in caught.value.message_dict
    assert not AgendaItem.objects.exists()


def test_agenda_item_link_accepts_site_paths_and_web_addresses(world):
    """Site paths and http(s) addresses are kept as given."""
    meeting = _series(world).meetings.order_by("start").first()
    for url in ("/projects/ALPHA/", "https://example.com/a?b=1", "HTTP://example.com"):
        item = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "x", "url": url})
        assert item.url == url


def test_naive_meeting_times_are_read_as_local_time(world):
    """A start or end without a time zone is local time (no error in the .ics)."""
    start = datetime(2026, 6, 10, 10, 0)
    meeting = services.meeting_create(
        actor=world.pm,
        data={"title": "x", "project": world.project, "start": start,
              "end": timezone.make_aware(datetime(2026, 6, 10, 11, 0)), "attendees": [world.member]},
    )  # fmt: skip
    assert meeting.start == timezone.make_aware(start)
    assert b"BEGIN:VEVENT" in services.meeting_ics(meeting)


def test_far_dates_are_refused_naming_the_field(world):
    """Years after 2100 are refused (first_date, until, start) instead of overflowing the calendar."""
    for field, value in (("first_date", date(9999, 12, 20)), ("until", date(9999, 12, 31))):
        with pytest.raises(ValidationError) as caught:
            _series(world, **{field: value})
        assert field in caught.value.message_dict
    start = timezone.make_aware(datetime(9999, 12, 31, 10, 0))
    with pytest.raises(ValidationError) as caught:
        services.meeting_create(
            actor=world.pm, data={"title": "x", "project": world.project, "start": start, "end": start}
        )
    assert "start" in caught.value.message_dict
    last = services.occurrence_dates(frequency="weekly", first_date=date(2100, 12, 20), until=None, count=8)
    assert last == [date(2100, 12, 20), date(2100, 12, 27)]


def test_minutes_action_reads_akushon_in_japanese(world):
    """In the minutes an action is アクション (not the import page's 処理)."""
    from django.utils import translation

    meeting = _series(world).meetings.order_by("start").first()
    item = services.agenda_item_add(actor=world.pm, meeting=meeting, data={"title": "議題"})
    minutes.minutes_action_add(actor=world.pm, item=item, title="資料を送る")
    with translation.override("ja"):
        text = minutes.minutes_text(Meeting.objects.get(pk=meeting.pk))
    assert "アクション" in text and "処理" not in text


def test_agenda_of_an_early_week_meeting_lists_last_weeks_report(world):
    """A Wednesday 定例 lists the report submitted the Friday before (last week's), one per project."""
    from kuroko.reporting.models import StatusReport

    monday = TODAY  # the meeting is on Wednesday TODAY + 2
    StatusReport.objects.create(project=world.project, week=monday - timedelta(weeks=1), status="submitted")
    StatusReport.objects.create(project=world.project, week=monday - timedelta(weeks=2), status="submitted")
    meeting = _series(world).meetings.order_by("start").first()
    titles = [
        i.title
        for i in services.agenda_build(actor=world.pm, meeting=meeting)
        if i.source == "report_submitted"
    ]
    assert len(titles) == 1 and (monday - timedelta(weeks=1)).isoformat() in titles[0]
    StatusReport.objects.create(project=world.project, week=monday, status="submitted")
    titles = [
        i.title
        for i in services.agenda_build(actor=world.pm, meeting=meeting)
        if i.source == "report_submitted"
    ]
    assert len(titles) == 1 and monday.isoformat() in titles[0]
