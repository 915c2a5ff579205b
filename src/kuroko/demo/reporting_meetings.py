"""Demo data of meetings: a weekly 定例会議 for the active demo projects (the
past five held, with minutes, decisions, actions and attendance; the next ones planned, the next one with
its agenda built from the data), a monthly ステアリングコミッティ of the largest program and a biweekly
リスクレビュー. Nothing is e-mailed while the demo is built."""

from __future__ import annotations

import random
from datetime import date, time, timedelta
from typing import Any

from django.db.models import Count, Q
from django.test.utils import override_settings
from django.utils import timezone, translation

from kuroko.core.models import User
from kuroko.projects.models import Program, Project, ProjectMember, Status

PROJECTS = 8  # active projects with a weekly progress meeting
PAST_WEEKS = 5
ROOMS = ("本社 5F 会議室A", "本社 5F 会議室B", "本社 7F 大会議室", "Teams", "お客様先 会議室")
STANDING = (
    ("前回アクションの確認", 10),
    ("進捗報告（WBS・出来高）", 15),
)
CLOSING = ("その他・連絡事項", 5)
NOTES = (
    "予定どおり進捗。遅延タスクなし。",
    "一部タスクで2日の遅れ。週内にリカバリ予定。",
    "SPI 0.95。要員の追加投入で来週中に回復見込み。",
    "結合テストの準備が先行している。",
    "お客様レビューの指摘12件、うち9件対応済み。",
)
DECISIONS = (
    ("結合テスト開始を1週間後ろ倒しする", "環境構築の遅れを踏まえ、品質を優先する。"),
    ("追加要員1名を来月から投入する", "PMO経由で要員を確保する。"),
    ("仕様変更の取り込みは次リリースとする", "今回リリースのスコープは凍結する。"),
    ("週次の課題棚卸しを継続する", ""),
)
ACTIONS = (
    "影響範囲を洗い出し、再見積もりを提出する",
    "お客様へ調整結果を連絡する",
    "テスト環境の増強を手配する",
    "移行手順書のレビューを依頼する",
    "リスク対応策の進捗を確認する",
)


def _users() -> dict[str, User]:
    names = ["admin", "pmo", "pm", "member", "exec"]
    return {u.username: u for u in User.objects.filter(username__in=names).select_related("person")}


def _organizer(project: Project, users: dict[str, User]) -> User:
    manager = project.manager
    if manager is not None and manager.user_id is not None:
        return manager.user  # type: ignore[return-value]
    return users["pmo"]


def _attendees(project: Project, organizer: User, users: dict[str, User]) -> list[User]:
    people = set(
        ProjectMember.objects.filter(
            project=project, person__user__isnull=False, person__user__is_active=True
        ).values_list("person__user", flat=True)[:6]
    )
    people.update({organizer.pk, users["pmo"].pk})
    return list(User.objects.filter(pk__in=people).order_by("pk"))


def _hold_past(meeting: Any, organizer: User, rng: random.Random, *, record: bool) -> None:
    """Agenda, minutes, attendance of a past meeting (written in bulk: the demo must build fast);
    decisions and actions through the services when `record`, so they are in the RAID logs."""
    from kuroko.reporting.models import AgendaItem, MeetingAttendee, MeetingStatus
    from kuroko.reporting.services import meetings_minutes as minutes

    notes = (
        "前回アクションは全件完了。",
        rng.choice(NOTES),
        "新規課題2件を登録。高リスクの対応状況を確認した。",
        "",
    )
    items = AgendaItem.objects.bulk_create(
        [
            AgendaItem(meeting=meeting, position=n, title=t, duration_minutes=m, notes=notes[n - 1])
            for n, (t, m) in enumerate((*STANDING, ("課題・リスクの確認", 15), CLOSING), start=1)
        ]
    )
    attendees = list(meeting.attendees.select_related("user__person"))
    for attendee in attendees:
        present = attendee.user_id == organizer.pk or rng.random() < 0.8
        attendee.attendance = "present" if present else "apologies"
    MeetingAttendee.objects.bulk_update(attendees, ["attendance"])
    if record:
        item = AgendaItem.objects.select_related("meeting", "meeting__project").get(pk=items[2].pk)
        title, text = rng.choice(DECISIONS)
        minutes.minutes_decision_add(actor=organizer, item=item, title=title, description=text)
        owners = [a.user.person for a in attendees if hasattr(a.user, "person")]
        for _ in range(2):
            minutes.minutes_action_add(
                actor=organizer,
                item=item,
                title=rng.choice(ACTIONS),
                owner=rng.choice(owners) if owners else None,
                due_date=timezone.localdate(meeting.start) + timedelta(days=rng.choice([7, 10, 14])),
            )
    type(meeting).objects.filter(pk=meeting.pk).update(
        status=MeetingStatus.HELD,
        notes="出席者は議事録のとおり。",
        minutes_sent_at=meeting.end + timedelta(hours=3),
    )


def _series(
    *,
    title: str,
    kind: str,
    project: Project | None,
    program: Program | None,
    frequency: str,
    first: date,
    at: time,
    minutes: int,
    location: str,
    organizer: User,
    attendees: list[User],
    today: date,
    rng: random.Random,
    records: int,
) -> None:
    """A series from `first` (in the past): its past meetings held with minutes (the last `records` with
    decisions and actions), the next one with its agenda built from the data."""
    from kuroko.reporting.models import MeetingSeries, MeetingStatus
    from kuroko.reporting.services import meetings as services

    series = MeetingSeries.objects.create(
        title=title,
        kind=kind,
        project=project,
        program=program,
        frequency=frequency,
        first_date=first,
        start_time=at,
        duration_minutes=minutes,
        location=location,
        organizer=organizer,
    )
    series.attendees.set(attendees)
    services.series_top_up(series=series, today=first)
    services.series_top_up(series=series, today=today)
    now = timezone.now()
    meetings = list(series.meetings.order_by("start"))
    past = [m for m in meetings if m.end < now]
    for index, meeting in enumerate(past):
        _hold_past(meeting, organizer, rng, record=index >= len(past) - records)
    upcoming = [m for m in meetings if m.end >= now and m.status == MeetingStatus.PLANNED]
    if upcoming:
        nxt = upcoming[0]
        for text, mins in STANDING:
            services.agenda_item_add(
                actor=organizer, meeting=nxt, data={"title": text, "duration_minutes": mins}
            )
        services.agenda_build(actor=organizer, meeting=nxt)
        services.agenda_item_add(
            actor=organizer, meeting=nxt, data={"title": CLOSING[0], "duration_minutes": CLOSING[1]}
        )


def build(*, seed: int, today: date) -> None:
    """Add this part's demo rows (called by the demo generator after governance)."""
    users = _users()
    if "pmo" not in users:
        return
    rng = random.Random(seed * 13 + 3)
    # Agenda titles are written in the builder's language: the demo's meetings are held in Japanese.
    dummy = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
    with override_settings(MAILERS=dummy), translation.override("ja"):
        _build(users, rng, today)


def _build(users: dict[str, User], rng: random.Random, today: date) -> None:
    monday = today - timedelta(days=today.weekday())
    projects = list(
        Project.objects.filter(status=Status.ACTIVE)
        .select_related("manager", "manager__user", "program")
        .order_by("-manager__user", "code")[:PROJECTS]
    )
    for index, project in enumerate(projects):
        organizer = _organizer(project, users)
        weekday = index % 4  # Monday to Thursday
        first = monday - timedelta(weeks=PAST_WEEKS) + timedelta(days=weekday)
        _series(
            title=f"{project.name} 定例会議",
            kind="progress",
            project=project,
            program=None,
            frequency="weekly",
            first=first,
            at=time(10 + index % 3 * 3, 0),
            minutes=60,
            location=ROOMS[index % len(ROOMS)],
            organizer=organizer,
            attendees=_attendees(project, organizer, users),
            today=today,
            rng=rng,
            records=2,
        )
    program = (
        Program.objects.annotate(n=Count("projects", filter=Q(projects__status=Status.ACTIVE)))
        .order_by("-n", "code")
        .first()
    )
    if program is not None:
        members: list[User] = [users[name] for name in ("pmo", "exec", "admin") if name in users]
        managers: list[User] = list(
            User.objects.filter(
                person__managed_projects__program=program, person__managed_projects__status=Status.ACTIVE
            ).distinct()
        )
        first = _second_tuesday(today - timedelta(days=62))
        _series_program(program, first, [*members, *managers], users, today, rng)
    if projects:
        project = projects[0]
        organizer = _organizer(project, users)
        _series(
            title=f"{project.name} リスクレビュー",
            kind="risk_review",
            project=project,
            program=None,
            frequency="biweekly",
            first=monday - timedelta(weeks=4) + timedelta(days=3),
            at=time(16, 0),
            minutes=45,
            location="Teams",
            organizer=organizer,
            attendees=_attendees(project, organizer, users),
            today=today,
            rng=rng,
            records=0,
        )


def _second_tuesday(day: date) -> date:
    first = day.replace(day=1)
    return first + timedelta(days=(1 - first.weekday()) % 7 + 7)


def _series_program(
    program: Program,
    first: date,
    attendees: list[User],
    users: dict[str, User],
    today: date,
    rng: random.Random,
) -> None:
    """The program's monthly steering committee; its decisions go to the program's first project."""
    from kuroko.reporting.models import MeetingSeries, MeetingStatus
    from kuroko.reporting.services import meetings as services
    from kuroko.reporting.services import meetings_minutes as minutes

    pmo = users["pmo"]
    series = MeetingSeries.objects.create(
        title=f"{program.name} ステアリングコミッティ",
        kind="steering",
        program=program,
        frequency="monthly",
        first_date=first,
        start_time=time(14, 0),
        duration_minutes=90,
        location=ROOMS[2],
        organizer=pmo,
    )
    unique: dict[int, User] = {u.pk: u for u in attendees}
    series.attendees.set([unique[pk] for pk in sorted(unique)])
    services.series_top_up(series=series, today=first)
    services.series_top_up(series=series, today=today)
    target = Project.objects.filter(program=program, status=Status.ACTIVE).order_by("code").first()
    now = timezone.now()
    for meeting in series.meetings.order_by("start"):
        if meeting.end < now:
            items = [
                services.agenda_item_add(actor=pmo, meeting=meeting, data={"title": t, "duration_minutes": m})
                for t, m in (
                    ("プログラム全体の状況（RAG）", 20),
                    ("予算・要員の調整", 30),
                    ("意思決定事項", 30),
                )
            ]
            if target is not None:
                minutes.minutes_decision_add(
                    actor=pmo,
                    item=items[2],
                    title="要員の再配置を承認する",
                    project=target,
                    description="プログラム内で要員2名を再配置し、クリティカルな案件を優先する。",
                )
            attendance = {a.user_id: "present" for a in meeting.attendees.all()}
            saved = minutes.minutes_save(
                actor=pmo,
                meeting=meeting,
                expected_version=meeting.version,
                notes=rng.choice(NOTES),
                attendance=attendance,
            )
            held = services.meeting_hold(actor=pmo, meeting=saved, expected_version=saved.version)
            type(held).objects.filter(pk=held.pk).update(minutes_sent_at=held.end + timedelta(hours=5))
        elif meeting.status == MeetingStatus.PLANNED:
            services.agenda_build(actor=pmo, meeting=meeting)
            break
