"""The demo's risk registers: 6–12 risks on each active project (Japanese SI risks on the Japanese
projects, English ones on the English projects), spread over the matrix, some with responses and a
residual assessment, some with quantitative impacts on open tasks (so that schedule risk analysis has
events), a few overdue for review and a few closed — each with a change history dated in the past, so
that the portfolio's score trend moves over the last weeks.

Deterministic: its own random stream from the seed; dates relative to `today`. Runs after the schedules
are stored (risks point at open leaf tasks).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from kuroko.demo.project_specs import PROJECTS
from kuroko.projects.models import Project, ProjectMember, Task, TaskKind
from kuroko.raid.models import Risk, RiskMatrix, RiskStatus
from kuroko.raid.services.common import risk_score

# (title, category, cause, event, effect, strategy, response, trigger, cost (yen, most likely),
#  schedule (days, most likely))
JA: list[tuple[str, str, str, str, str, str, str, str, int, int]] = [
    (
        "要件の追加変更",
        "scope",
        "業務部門の要件が確定していない",
        "設計工程で要件の追加・変更が多発する",
        "設計・製造の手戻りでスケジュールが遅延する",
        "mitigate",
        "変更管理委員会を週次で開催し、変更要求を影響評価のうえ承認制にする",
        "週5件を超える変更要求",
        6_000_000,
        10,
    ),
    (
        "外注先の要員不足",
        "supplier",
        "協力会社の要員が他案件と兼務している",
        "製造工程で必要な要員を確保できない",
        "製造の進捗が遅れ、結合テスト開始が遅延する",
        "transfer",
        "契約に要員確保条項を追加し、代替要員のリストを事前に提出させる",
        "要員充足率 80% 未満",
        4_000_000,
        15,
    ),
    (
        "性能未達",
        "technical",
        "データ量の見積りが本番想定より小さい",
        "性能テストで応答時間の目標を満たせない",
        "チューニングとインフラ増強の追加コストが発生する",
        "mitigate",
        "早期にプロトタイプで性能検証を行い、ボトルネックを特定する",
        "性能検証で目標値の 1.5 倍超",
        8_000_000,
        12,
    ),
    (
        "テスト環境の遅延",
        "resource",
        "インフラ部門の構築作業が他案件と重なっている",
        "テスト環境の提供が遅れる",
        "結合テストの開始が遅れる",
        "mitigate",
        "クラウド上に暫定環境を用意する",
        "環境提供日の 2 週間前に未着手",
        2_000_000,
        8,
    ),
    (
        "キーマンの離脱",
        "resource",
        "業務知識が特定メンバーに集中している",
        "キーマンが異動・退職する",
        "設計判断が滞り品質が低下する",
        "mitigate",
        "ペア作業とドキュメント化で知識を共有する",
        "異動の内示",
        3_000_000,
        10,
    ),
    (
        "移行データの品質不良",
        "quality",
        "旧システムのデータにコード体系の揺れがある",
        "移行リハーサルでエラーが多発する",
        "本番移行が延期になる",
        "mitigate",
        "データクレンジングを先行実施し、移行リハーサルを 3 回に増やす",
        "リハーサルのエラー率 1% 超",
        5_000_000,
        10,
    ),
    (
        "顧客レビューの遅れ",
        "customer",
        "顧客側レビュー担当者が繁忙期にある",
        "設計書の承認が遅れる",
        "後続工程の着手が遅れる",
        "escalate",
        "ステアリングコミッティで承認期限を合意する",
        "承認期限の超過",
        1_000_000,
        5,
    ),
    (
        "法改正への対応",
        "external",
        "関連法令の改正が予定されている",
        "稼働直前に仕様変更が必要になる",
        "追加開発が発生する",
        "accept",
        "法改正の動向を月次で確認する",
        "改正案の公布",
        7_000_000,
        20,
    ),
    (
        "パッケージのバージョンアップ",
        "technical",
        "採用パッケージの保守期限が近い",
        "開発途中でバージョンアップが必要になる",
        "再テストの工数が増える",
        "avoid",
        "保守期限の長い最新版で開発を開始する",
        "ベンダーからの保守終了通知",
        3_000_000,
        6,
    ),
    (
        "セキュリティ診断での指摘",
        "quality",
        "外部公開機能が多い",
        "第三者診断で重大な脆弱性が指摘される",
        "修正と再診断でリリースが遅れる",
        "mitigate",
        "設計段階でセキュアコーディング規約をレビューする",
        "診断で高リスク指摘",
        2_500_000,
        7,
    ),
    (
        "予算超過",
        "cost",
        "見積り時の前提が楽観的",
        "追加工数が予算を超過する",
        "追加予算の承認が必要になる",
        "mitigate",
        "月次で EVM を確認し、CPI 0.95 未満で是正計画を作る",
        "CPI 0.95 未満",
        10_000_000,
        0,
    ),
    (
        "クラウド費用の削減余地",
        "cost",
        "リザーブドインスタンスが使える",
        "インフラ費用を削減できる",
        "運用コストが下がる",
        "exploit",
        "利用実績を分析して購入する",
        "利用実績 3 か月",
        3_000_000,
        0,
    ),
]
EN: list[tuple[str, str, str, str, str, str, str, str, int, int]] = [
    ("Scope creep from new requirements", "scope", "Business owners have not signed off the requirements",
     "Many changes arrive during design", "Rework delays build and test", "mitigate",
     "Weekly change board; every change request is assessed before approval", "More than 5 changes a week",
     6_000_000, 10),
    ("Vendor staff shortage", "supplier", "The vendor's developers also work on another programme",
     "The vendor cannot staff the build phase", "Build slips and integration test starts late", "transfer",
     "Staffing clause in the contract; named back-up developers", "Staffing below 80 %", 4_000_000, 15),
    ("Performance targets missed", "technical", "Data volumes were estimated below production",
     "Response times miss the target in performance test", "Tuning and extra infrastructure cost money",
     "mitigate", "Prototype the critical transactions early", "Prototype 1.5× over target", 8_000_000, 12),
    ("Test environment late", "resource", "The infrastructure team is booked on another release",
     "The integration test environment is delivered late", "Integration test starts late", "mitigate",
     "A temporary cloud environment as a fallback", "Not started 2 weeks before the date", 2_000_000, 8),
    ("Partner bank test slots", "external", "Partner banks offer few test windows",
     "A partner bank cancels its test window", "End-to-end test slips a month", "escalate",
     "Agree the windows at the steering committee", "A window is cancelled", 3_000_000, 20),
    ("Key person leaves", "resource", "Domain knowledge sits with two people", "A key person leaves",
     "Design decisions stall", "mitigate", "Pairing and written design notes", "A resignation",
     3_000_000, 10),
    ("Data migration quality", "quality", "The legacy data has inconsistent codes",
     "Migration rehearsals fail", "Cut-over is postponed", "mitigate",
     "Cleanse data first; three rehearsals instead of two", "Rehearsal error rate above 1 %", 5_000_000, 10),
    ("Security findings", "quality", "Many public endpoints", "The penetration test finds critical issues",
     "Fixes and a re-test delay go-live", "mitigate", "Threat modelling in design", "A critical finding",
     2_500_000, 7),
    ("Regulatory change", "external", "A regulation change is expected", "Rules change just before go-live",
     "Extra development", "accept", "Monthly regulatory watch", "The change is published", 7_000_000, 20),
    ("Budget overrun", "cost", "Estimates assumed a stable team", "Extra effort exceeds the budget",
     "A budget increase needs approval", "mitigate", "Monthly EVM review; recovery plan below CPI 0.95",
     "CPI below 0.95", 10_000_000, 0),
    ("Reuse the card gateway", "technical", "A sister project built a card gateway",
     "We can reuse its components", "Build effort drops", "exploit", "Agree reuse with the sister project",
     "Its code review passes", 4_000_000, 0),
]  # fmt: skip

MATRIX_COST = [1_000_000, 3_000_000, 6_000_000, 10_000_000]
MATRIX_SCHEDULE_DAYS = [2, 5, 10, 20]
MINUTES_PER_DAY = 8 * 60


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def build(*, seed: int, today: date) -> int:
    """Create the demo's risk registers; returns how many risks were written."""
    rng = random.Random(f"{seed}-risks")
    matrix = RiskMatrix.current()
    matrix.cost_thresholds = MATRIX_COST
    matrix.schedule_threshold_days = MATRIX_SCHEDULE_DAYS
    matrix.save()
    historical = Risk.history.model
    languages = {spec.code: spec.lang for spec in PROJECTS}
    count = 0
    for project in Project.objects.filter(status="active").order_by("code"):
        catalogue = list(JA if languages.get(project.code, "ja") == "ja" else EN)
        rng.shuffle(catalogue)
        people = [
            m.person_id
            for m in ProjectMember.objects.filter(project=project).order_by("person_id")
            if m.person_id is not None
        ] or ([project.manager_id] if project.manager_id else [])
        open_tasks = list(
            Task.objects.filter(project=project, kind=TaskKind.TASK, percent_complete__lt=100)
            .order_by("row")
            .values_list("pk", flat=True)
        )
        for number, spec in enumerate(catalogue[: rng.randint(6, min(12, len(catalogue)))], start=1):
            title, category, cause, event, effect, strategy, response, trigger, cost, days = spec
            opportunity = strategy in ("exploit", "enhance", "share")
            raised = today - timedelta(days=rng.randint(20, 170))
            # First assessment (as raised), then the current one after the response started.
            first_p, first_i = rng.randint(2, 5), rng.randint(2, 5)
            risk = Risk(
                project=project,
                number=number,
                title=title,
                kind="opportunity" if opportunity else "threat",
                category=category,
                cause=cause,
                event=event,
                effect=effect,
                owner_id=rng.choice(people) if people else None,
                raised_by_id=project.manager_id,
                raised_on=raised,
                probability=first_p,
                impact_cost=first_i if cost else 0,
                impact_schedule=first_i if days else rng.randint(0, 2),
                impact_quality=rng.randint(0, first_i),
                status=RiskStatus.OPEN,
                next_review=raised + timedelta(days=14),
            )
            risk_score(risk, matrix)
            risk.save()
            changed = raised + timedelta(days=rng.randint(5, max(6, (today - raised).days - 3)))
            fate = rng.random()
            if fate < 0.15:
                risk.status = RiskStatus.CLOSED
                risk.closed_on = changed
                risk.next_review = None
            elif fate < 0.75:
                risk.status = RiskStatus.RESPONDING
                risk.strategy = strategy
                risk.response = response
                risk.trigger = trigger
            risk.probability = max(1, min(5, first_p + rng.choice((-2, -1, -1, 0, 1))))
            if risk.status == RiskStatus.RESPONDING:
                risk.residual_probability = max(1, risk.probability - 1)
                risk.residual_impact = max(1, risk.impact - rng.randint(0, 2))
            if risk.status != RiskStatus.CLOSED:
                reviewed = changed if rng.random() < 0.8 else raised
                risk.last_reviewed = reviewed
                # A few are overdue: their next review has passed.
                risk.next_review = (
                    today - timedelta(days=rng.randint(1, 20))
                    if rng.random() < 0.2
                    else today + timedelta(days=rng.randint(1, 14))
                )
            if open_tasks and (days or cost) and rng.random() < 0.6:
                risk.probability_percent = Decimal(rng.choice((10, 20, 30, 40, 50, 60, 70)))
                risk.cost_min = Decimal(cost // 2)
                risk.cost_most_likely = Decimal(cost)
                risk.cost_max = Decimal(cost * 2)
                if days:
                    risk.schedule_min_minutes = max(1, days // 2) * MINUTES_PER_DAY
                    risk.schedule_most_likely_minutes = days * MINUTES_PER_DAY
                    risk.schedule_max_minutes = days * 2 * MINUTES_PER_DAY
                linked = rng.sample(open_tasks, k=min(len(open_tasks), rng.randint(1, 3)))
            else:
                linked = []
            risk_score(risk, matrix)
            risk.version += 1
            risk.save()
            if linked:
                risk.tasks.set(linked)
            # Date the history: the first record the day it was raised, later ones the day it changed.
            records = list(historical.objects.filter(id=risk.pk).order_by("history_id"))
            for index, record in enumerate(records):
                record.history_date = _moment(raised if index == 0 else changed, 10 + min(index, 8))
            historical.objects.bulk_update(records, ["history_date"])
            count += 1
    return count
