"""Demo data of status reporting: weekly status reports (週報) of the active projects for
the last six weeks and this week.

The facts of each week are gathered from the demo's data as the weekly job would (one batch per week);
the past weeks are submitted by the project's manager on Friday and mostly reviewed by the PMO on Monday,
with Japanese narratives; a couple of colours are overridden with a justification, one report is
returned with a PMO comment, last week's reports of a few projects wait for review, and this week's
reports are drafts. The projects' own RAG fields take last submitted week's colours. Deterministic: its
own random stream from the seed.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kuroko.core.models import Role, User
from kuroko.projects.models import Project, Status
from kuroko.reporting import rag
from kuroko.reporting.models import ReportComment, ReportStatus, StatusReport
from kuroko.reporting.selectors.status import rule_settings
from kuroko.reporting.selectors.status_facts import facts_for
from kuroko.reporting.weeks import week_start

WEEKS = 6

ACCOMPLISHMENTS = [
    "画面設計レビューを完了し、指摘事項{n}件を反映しました。",
    "結合テスト第{n}サイクルを実施し、不具合を起票しました。",
    "顧客との定例会議で仕様変更の影響範囲を合意しました。",
    "詳細設計書のレビューを{n}本完了しました。",
    "移行リハーサルの手順書を作成しました。",
    "性能テスト環境の構築が完了しました。",
]
NEXT_STEPS = [
    "残りの設計書レビューを来週水曜までに完了させます。",
    "不具合の修正と再テストを優先して進めます。",
    "変更要求の見積りを作成し、顧客に提示します。",
    "要員の追加投入について PMO と調整します。",
    "フェーズゲートの判定資料を準備します。",
]
HELP = [
    "",
    "",
    "テスト環境の追加確保について支援をお願いします。",
    "顧客側の承認遅延について、上位者からの働きかけをお願いします。",
]
SUMMARIES = {
    "green": ["計画どおり進捗しています。", "大きな問題はなく、予定どおりです。"],
    "amber": ["一部に遅れがありますが、リカバリ策を実施中です。", "課題対応のため注意が必要な状況です。"],
    "red": ["重大な遅れが発生しており、対策が必要です。", "コストと納期の両面でリスクが顕在化しています。"],
}
OVERRIDES = [
    ("cost", "amber", "追加要員の費用は顧客負担で合意済みのため、実質的な予算超過は限定的です。"),
    ("schedule", "amber", "クリティカルパス外のタスクの遅れであり、マイルストーンへの影響はありません。"),
]
RETURN_COMMENT = "リスク対応策の記載が不足しています。高リスク案件の対策と期限を追記して再提出してください。"
REVIEW_COMMENT = "確認しました。引き続きよろしくお願いします。"


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def build(*, seed: int, today: date) -> None:
    """Add this part's demo rows (called by the demo generator after governance)."""
    rnd = random.Random(f"{seed}-reporting-status")
    projects = list(
        Project.objects.filter(status=Status.ACTIVE)
        .select_related("manager__user", "program", "project_type")
        .order_by("code")
    )
    if not projects:
        return
    pmo = User.objects.filter(role=Role.PMO_MEMBER, is_active=True).order_by("pk").first()
    settings = rule_settings({p.project_type_id for p in projects})
    current = week_start(today)
    weeks = [current - timedelta(days=7 * n) for n in range(WEEKS, -1, -1)]
    returned = projects[rnd.randrange(len(projects))].pk
    chosen = rnd.sample(projects, k=min(2, len(projects)))
    overridden = {p.pk: OVERRIDES[i % len(OVERRIDES)] for i, p in enumerate(chosen)}
    waiting = {p.pk for p in rnd.sample(projects, k=min(3, len(projects)))}
    previous: dict[int, dict[str, Any]] = {}
    reports: list[StatusReport] = []
    comments: list[tuple[StatusReport, Any, str, datetime]] = []
    latest: dict[int, tuple[StatusReport, dict[str, dict[str, Any]]]] = {}
    for week in weeks:
        friday = week + timedelta(days=4)
        facts = facts_for(projects, week, today=min(friday, today), previous=previous)
        previous = {pid: f.to_dict() for pid, f in facts.items()}
        for p in projects:
            f = facts[p.pk]
            report = StatusReport(
                project=p, week=week, facts=f.to_dict(), drafted_at=_at(min(friday, today), 8)
            )
            report.computed = rag.computed_colours(f, settings[p.project_type_id])
            last_week = week == weeks[-2]
            if p.pk in overridden and last_week:
                dimension, colour, why = overridden[p.pk]
                report.overrides = {dimension: {"rag": colour, "justification": why}}
            colours = rag.effective_colours(report.computed, report.overrides, settings[p.project_type_id])
            report.computed["overall"] = {"rag": colours["overall"]["computed"],
                                          "reasons": colours["overall"]["reasons"]}  # fmt: skip
            for d in rag.ALL_DIMENSIONS:
                setattr(report, f"rag_{d}", colours[d]["rag"])
            overall = colours["overall"]["rag"] or "green"
            report.summary = rnd.choice(SUMMARIES[overall])
            report.accomplishments = rnd.choice(ACCOMPLISHMENTS).format(n=rnd.randint(2, 12))
            report.next_steps = rnd.choice(NEXT_STEPS)
            report.help_needed = rnd.choice(HELP) if overall != "green" else ""
            pm_user = p.manager.user if p.manager is not None and p.manager.user_id else None
            if week == current:
                report.status = ReportStatus.DRAFT
                report.summary = report.accomplishments = report.next_steps = report.help_needed = ""
            else:
                report.status = ReportStatus.SUBMITTED
                report.submitted_at = _at(friday, 17)
                report.submitted_by = pm_user
                monday = week + timedelta(days=7)
                if last_week and p.pk == returned:
                    report.status = ReportStatus.RETURNED
                    report.reviewed_at, report.reviewed_by = _at(monday, 10), pmo
                    comments.append((report, pmo, RETURN_COMMENT, _at(monday, 10)))
                elif not (last_week and p.pk in waiting):
                    report.status = ReportStatus.REVIEWED
                    report.reviewed_at, report.reviewed_by = _at(monday, 10), pmo
                    if rnd.random() < 0.15:
                        comments.append((report, pmo, REVIEW_COMMENT, _at(monday, 10)))
                latest[p.pk] = (report, colours)
            reports.append(report)
    bulk_create_with_history(reports, StatusReport, batch_size=500)
    # bulk_create_with_history may not set primary keys on every database: read them back.
    pks = {(r.project_id, r.week): r.pk for r in StatusReport.objects.filter(week__in=weeks)}
    created = ReportComment.objects.bulk_create(
        [
            ReportComment(report_id=pks[(r.project_id, r.week)], author=author, text=text)
            for r, author, text, _when in comments
        ]
    )
    for row, (_r, _author, _text, when) in zip(created, comments, strict=True):
        ReportComment.objects.filter(pk=row.pk).update(created_at=when)  # auto_now_add on create
    # The projects' status fields show the last submitted week, as submitting does.
    changed = []
    for p in projects:
        if p.pk not in latest:
            continue
        _report, colours = latest[p.pk]
        for d in rag.ALL_DIMENSIONS:
            setattr(p, f"rag_{d}", colours[d]["rag"])
            setattr(p, f"rag_{d}_reason", rag.worded(colours[d])[:2000])
        changed.append(p)
    fields = [f"rag_{d}" for d in rag.ALL_DIMENSIONS] + [f"rag_{d}_reason" for d in rag.ALL_DIMENSIONS]
    Project.objects.bulk_update(changed, fields)
