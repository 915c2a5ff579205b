"""The demo's issues, action items, decisions and change requests: on each active project 3–10 issues
(some escalated, one raised from a risk when the project has risks), 5–20 action items (some overdue, some
done), 2–6 decisions and 1–4 change requests in different states, in the project's language; the default
escalation rules; and a few notifications for the demo's pm, pmo and member so their inboxes are not
empty. Deterministic: its own random stream from the seed. Runs after the schedules and baselines."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from kuroko.core.models import Notification, User
from kuroko.demo.store import bulk_insert
from kuroko.people.models import Person
from kuroko.projects.models import Baseline, Project, ProjectMember, Task, TaskKind
from kuroko.raid.models import (
    ActionItem,
    ChangeRequest,
    Decision,
    EscalationEvent,
    EscalationLevel,
    Issue,
    Risk,
)
from kuroko.raid.services.escalation import ensure_default_rules

# (Japanese, English)
ISSUES = [
    ("結合テスト環境が不安定で試験が進まない", "Integration test environment keeps failing"),
    ("顧客側のレビュー回答が遅延している", "Customer review answers are late"),
    ("性能要件（応答3秒以内）を満たしていない", "Response time misses the 3-second requirement"),
    ("外部API仕様の変更が通知された", "The vendor changed its API specification"),
    ("要員1名が長期休暇に入る", "A developer is on long leave"),
    ("データ移行で文字化けが発生", "Garbled characters in the data migration"),
    ("セキュリティ診断で指摘事項が出た", "The security assessment found vulnerabilities"),
    ("ライセンス費用が見積もりを超過", "Licence costs exceed the estimate"),
    ("帳票レイアウトの仕様が未確定", "Report layouts are still undecided"),
    ("本番環境の構築が遅れている", "The production environment build is late"),
    ("障害件数が収束しない", "The defect count is not converging"),
    ("協力会社の作業品質にばらつき", "Uneven quality from a subcontractor"),
]
RESOLUTIONS = [
    ("環境を再構築し、監視を追加した", "Rebuilt the environment and added monitoring"),
    ("定例会で回答期限を合意した", "Agreed answer deadlines in the weekly meeting"),
    ("インデックスを追加し性能を改善した", "Added indexes; response time now within target"),
]
ACTIONS = [
    ("顧客へ回答期限を再確認する", "Confirm the answer deadline with the customer"),
    ("代替要員をアサインする", "Assign a replacement developer"),
    ("ベンダーに影響範囲を問い合わせる", "Ask the vendor for the impact"),
    ("性能測定を再実施する", "Re-run the performance measurement"),
    ("移行リハーサルの手順書を更新する", "Update the migration rehearsal procedure"),
    ("指摘事項の対応方針をまとめる", "Write up how each finding will be fixed"),
    ("見積もりを再提出する", "Resubmit the estimate"),
    ("レビュー会を設定する", "Schedule the review meeting"),
    ("テストデータを準備する", "Prepare the test data"),
    ("議事録を共有する", "Share the minutes"),
    ("リスク対応策の進捗を確認する", "Check progress of the risk responses"),
    ("運用手順書のドラフトを作成する", "Draft the operations manual"),
]
DECISIONS = [
    ("認証方式はSAML連携とする", "Use SAML single sign-on", "SAML / 独自ID管理", "SAML / own user store"),
    ("帳票はPDF出力に統一する", "All reports are PDF", "PDF / Excel / 両方", "PDF / Excel / both"),
    ("リリースを2段階に分割する", "Release in two stages", "一括 / 2段階", "One release / two stages"),
    (
        "クラウドはマネージドDBを採用する",
        "Use a managed database",
        "マネージド / 自前構築",
        "Managed / self-hosted",
    ),
    (
        "テスト自動化ツールを導入する",
        "Introduce a test automation tool",
        "導入 / 手動継続",
        "Adopt / stay manual",
    ),
    ("移行は週末に実施する", "Migrate over a weekend", "週末 / 平日夜間", "Weekend / weeknights"),
]
CHANGES = [
    ("帳票を3種類追加する", "Add three reports", "帳票3種の追加", "Three new reports"),
    ("モバイル対応を追加する", "Add mobile support", "スマートフォン画面の追加", "Phone screens"),
    (
        "外部API仕様変更への対応",
        "Follow the vendor's API change",
        "連携部分の改修",
        "Rework of the interface",
    ),
    ("リリース日を2週間延期する", "Move the release two weeks", "スコープ変更なし", "No scope change"),
]
OPEN = ("open", "in_progress")
CHANGE_STATES = ["draft", "submitted", "approved", "implemented", "rejected"]


def _text(lang: str, pair: tuple[str, ...], index: int = 0) -> str:
    return pair[index] if lang == "ja" else pair[index + 1]


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _risks_occurred(occurred: list[tuple[int, date]]) -> None:
    """Mark the risks that became issues as occurred, with a history record dated when the issue was
    raised (not before the risk's last recorded change), so the risk trend of past weeks stays right."""
    if not occurred:
        return
    pks = [pk for pk, _raised in occurred]
    Risk.objects.filter(pk__in=pks).update(status="occurred")
    history = Risk.history.filter(id__in=pks).values("id")
    latest = dict(history.annotate(last=Max("history_date")).values_list("id", "last"))
    risks = Risk.objects.in_bulk(pks)
    for pk, raised in occurred:
        when = max(_moment(raised), latest[pk] + timedelta(minutes=1)) if pk in latest else _moment(raised)
        Risk.history.bulk_history_create([risks[pk]], update=True, default_date=when)


def build(*, seed: int, today: date) -> int:
    """Create the demo's registers; returns how many items were written."""
    rng = random.Random(f"{seed}-raid-registers")
    ensure_default_rules()
    projects = list(Project.objects.filter(status="active").select_related("manager").order_by("code"))
    pmo_user = User.objects.filter(username="pmo").select_related("person").first()
    pmo_person = getattr(pmo_user, "person", None) if pmo_user else None
    # The demo's team member owns a few action items of their projects, so "Mine" and the inbox show some.
    member_pk = Person.objects.filter(user__username="member").values_list("pk", flat=True).first()
    issues: list[Issue] = []
    actions: list[ActionItem] = []
    decisions: list[Decision] = []
    changes: list[ChangeRequest] = []
    occurred: list[tuple[int, date]] = []
    issue_tasks: list[tuple[int, list[int]]] = []  # (index in issues, task ids)
    for project in projects:
        lang = "en" if project.name.isascii() else "ja"
        people = list(
            ProjectMember.objects.filter(project=project)
            .select_related("person")
            .order_by("person_id")
            .values_list("person_id", flat=True)
        ) or ([project.manager_id] if project.manager_id else [])
        leaves = list(
            Task.objects.filter(project=project)
            .exclude(kind=TaskKind.SUMMARY)
            .order_by("row")
            .values_list("pk", flat=True)
        )
        risks = list(
            Risk.objects.filter(project=project, status__in=["open", "responding"]).order_by("number")
        )
        for n, pair in enumerate(rng.sample(ISSUES, rng.randint(3, 10)), start=1):
            raised = today - timedelta(days=rng.randint(1, 60))
            status = rng.choice(["open", "open", "in_progress", "in_progress", "resolved", "closed"])
            resolved = status in ("resolved", "closed")
            severity = rng.choice(["critical", "high", "high", "medium", "medium", "low"])
            level = (
                0 if resolved else rng.choice([0, 0, 0, 1, 1, 2]) if severity in ("critical", "high") else 0
            )
            risk = risks[0] if n == 1 and risks else None
            issue = Issue(
                project=project,
                number=n,
                title=risk.title if risk else _text(lang, pair),
                description=(risk.effect if risk else ""),
                severity=severity,
                priority=rng.choice(["urgent", "high", "normal", "normal", "low"]),
                owner_id=rng.choice(people) if people else None,
                raised_by_id=project.manager_id,
                raised_on=raised,
                due_date=raised + timedelta(days=rng.randint(7, 30)),
                status=status,
                escalation_level=level,
                escalated_at=_moment(raised + timedelta(days=3)) if level else None,
                resolution=_text(lang, rng.choice(RESOLUTIONS)) if resolved else "",
                resolved_on=min(today, raised + timedelta(days=rng.randint(3, 20))) if resolved else None,
                risk=risk,
            )
            if risk is not None:
                occurred.append((risk.pk, raised))
            issues.append(issue)
            if leaves:
                issue_tasks.append((len(issues) - 1, rng.sample(leaves, min(len(leaves), rng.randint(0, 2)))))
        for n, pair in enumerate(rng.sample(ACTIONS, rng.randint(5, min(12, len(ACTIONS)))), start=1):
            due = today + timedelta(days=rng.randint(-25, 20))
            status = rng.choice(["open", "open", "in_progress", "done", "done", "cancelled"])
            if due > today and status == "done":
                status = "in_progress"
            owner = rng.choice(people) if people else None
            actions.append(
                ActionItem(
                    project=project,
                    number=n,
                    title=_text(lang, pair),
                    owner_id=member_pk if n <= 2 and member_pk in people else owner,
                    due_date=due,
                    status=status,
                    completed_on=min(today, due) if status == "done" else None,
                    escalation_level=1
                    if status in ("open", "in_progress") and due < today - timedelta(7)
                    else 0,
                )
            )
        for n, row in enumerate(rng.sample(DECISIONS, rng.randint(2, 6)), start=1):
            status = rng.choice(["decided", "decided", "pending", "superseded"])
            on = today - timedelta(days=rng.randint(5, 90))
            decisions.append(
                Decision(
                    project=project,
                    number=n,
                    title=_text(lang, row),
                    description=_text(lang, row) if status != "pending" else "",
                    status=status,
                    decided_on=on if status != "pending" else None,
                    decided_by=("ステアリングコミッティ" if lang == "ja" else "Steering committee")
                    if status != "pending"
                    else "",
                    due_date=today + timedelta(days=rng.randint(3, 20)) if status == "pending" else None,
                    options=_text(lang, row, 2),
                    rationale=(
                        "費用と期間のバランスから判断" if lang == "ja" else "Best balance of cost and time"
                    ),
                    owner_id=project.manager_id,
                )
            )
        baseline = Baseline.objects.filter(project=project).order_by("number").first()
        for n, row in enumerate(rng.sample(CHANGES, rng.randint(1, 4)), start=1):
            status = CHANGE_STATES[(n - 1 + len(changes)) % len(CHANGE_STATES)]
            requested = today - timedelta(days=rng.randint(10, 60))
            decided = status in ("approved", "implemented", "rejected")
            done = status == "implemented"
            changes.append(
                ChangeRequest(
                    project=project,
                    number=n,
                    title=_text(lang, row),
                    scope_impact=_text(lang, row, 2),
                    reason=("顧客要望" if lang == "ja" else "Customer request"),
                    requested_by_id=project.manager_id,
                    requested_on=requested,
                    schedule_impact_minutes=480 * rng.choice([0, 2, 5, 10]),
                    cost_impact=Decimal(rng.choice([0, 300000, 800000, 1500000])),
                    status=status,
                    submitted_at=_moment(requested + timedelta(days=2)) if status != "draft" else None,
                    decided_by_id=pmo_person.pk if decided and pmo_person else None,
                    decided_at=_moment(requested + timedelta(days=5)) if decided else None,
                    decision_note=("予算内のため承認" if lang == "ja" else "Within budget")
                    if status in ("approved", "implemented")
                    else ("今期は見送り" if lang == "ja" else "Not this release")
                    if status == "rejected"
                    else "",
                    implemented_at=_moment(requested + timedelta(days=9)) if done else None,
                    baseline=baseline,
                )
            )
    bulk_insert(issues, Issue, history=True)
    bulk_insert(actions, ActionItem, history=True)
    bulk_insert(decisions, Decision, history=True)
    bulk_insert(changes, ChangeRequest, history=True)
    _risks_occurred(occurred)
    through = Issue.tasks.through
    through.objects.bulk_create(
        through(issue_id=issues[i].pk, task_id=t) for i, tasks in issue_tasks for t in tasks
    )
    # Link some actions to their project's first issue, and some decisions to change requests.
    first_issue = {i.project_id: i for i in reversed(issues)}
    linked = [a for a in actions if a.number % 3 == 1 and a.project_id in first_issue]
    for action in linked:
        action.issue = first_issue[action.project_id]
    ActionItem.objects.bulk_update(linked, ["issue"])
    events = [
        EscalationEvent(
            register="issue",
            item_id=i.pk,
            project_id=i.project_id,
            level=i.escalation_level,
            message="重大度の高い課題が期限内に解決しないため"
            if not i.project.name.isascii()
            else "Unresolved for too long",
        )
        for i in issues
        if i.escalation_level
    ]
    EscalationEvent.objects.bulk_create(events)
    _notifications(today, issues, actions, changes)
    return len(issues) + len(actions) + len(decisions) + len(changes)


def _notifications(
    today: date, issues: list[Issue], actions: list[ActionItem], changes: list[ChangeRequest]
) -> None:
    """A few unread (and read) notifications for the demo's pm, pmo and member, worded as the services
    word them, in each user's language."""
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["pm", "pmo", "member"]).select_related("person")
    }
    notes: list[Notification] = []

    def add(
        username: str, message: str, item: Any, url: str, *, kind: str, read: bool = False, **extra: Any
    ) -> None:
        user = users.get(username)
        if user is None:
            return
        with translation.override(user.language or settings.LANGUAGE_CODE):
            text = _(message) % {"code": f"{item.project.code} {item.code}", "title": item.title, **extra}
        read_at = timezone.now() if read else None
        notes.append(Notification(recipient=user, kind=kind, title=text[:255], url=url, read_at=read_at))

    def person_pk(username: str) -> int | None:
        user = users.get(username)
        return getattr(getattr(user, "person", None), "pk", None)

    mine = [a for a in actions if a.owner_id is not None and a.owner_id == person_pk("member")]
    for a in (mine or actions)[:3]:
        add(
            "member",
            gettext_noop("Action %(code)s assigned to you: %(title)s"),
            a,
            f"/actions/{a.pk}/",
            kind="raid.action_assigned",
        )
    for c in [c for c in changes if c.status == "submitted"][:2]:
        add(
            "pmo",
            gettext_noop("Change request %(code)s waits for your decision: %(title)s"),
            c,
            f"/changes/{c.pk}/",
            kind="raid.change_submit",
        )
    escalated = [i for i in issues if i.escalation_level]
    escalation = gettext_noop("%(code)s escalated to %(level)s: %(title)s")
    for i in escalated[:3]:
        add(
            "pmo",
            escalation,
            i,
            f"/issues/{i.pk}/",
            kind="raid.escalation",
            level=EscalationLevel(i.escalation_level).label,
        )
    approved = [
        c for c in changes if c.status in ("approved", "implemented") and c.requested_by_id == person_pk("pm")
    ]
    for c in approved[:2]:
        add(
            "pm",
            gettext_noop("Change request %(code)s approved: %(title)s"),
            c,
            f"/changes/{c.pk}/",
            kind="raid.change_approve",
        )
    for i in escalated[3:5]:
        add(
            "pm",
            escalation,
            i,
            f"/issues/{i.pk}/",
            kind="raid.escalation",
            read=True,
            level=EscalationLevel(i.escalation_level).label,
        )
    Notification.objects.bulk_create(notes)
