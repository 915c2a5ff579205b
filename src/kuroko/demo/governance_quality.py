"""Demo data of the governance quality part (issue 8): quality records per phase of the SI projects,
defect registers whose cumulative curves follow a Gompertz shape in the test phase (DX-01 converged,
CBR-02 not yet), indicator bands for the waterfall type and for all projects, and lessons learned.

Phases come from the templates part; a project without phases gets one per top-level summary task."""

from __future__ import annotations

import math
import random
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from kuroko.governance.models import (
    Defect,
    DefectStatus,
    Lesson,
    Phase,
    ProjectTemplate,
    QualityIndicator,
    QualityRecord,
)
from kuroko.projects.models import Project, ProjectType, Task

# Projects with a defect curve: code → (estimated total, days of testing shown, Gompertz b, c).
CURVES = {
    "DX-01": (260, 75, 8.0, 0.085),  # a finished project: the curve has flattened (converged)
    "CBR-02": (420, 46, 9.0, 0.075),  # in integration test: still climbing (not converged)
}
SIZE_KLOC = {"DX-01": 48, "CBR-02": 75, "CBR-01": 60, "ECP-01": 35, "ECP-02": 40, "CBR-03": 55, "DX-04": 30}

MODULES = [
    "口座照会",
    "振込",
    "帳票出力",
    "バッチ日次処理",
    "外部IF",
    "ログイン認証",
    "権限管理",
    "マスタ保守",
    "検索画面",
    "通知",
]
SYMPTOMS = [
    "で桁あふれが発生する",
    "で全角スペースを含む入力がエラーになる",
    "の画面遷移時にセッションが切れる",
    "で月末日の判定を誤る",
    "で排他制御が効かず二重更新される",
    "の応答が性能要件(3秒)を超える",
    "でエラーメッセージの文言が仕様と異なる",
    "で祝日の営業日計算を誤る",
    "の CSV 取込で文字化けする",
    "でタイムアウト時のリトライが行われない",
    "で端数処理(四捨五入)が仕様と異なる",
    "のログに個人情報が出力される",
]

LESSONS: list[dict[str, Any]] = [
    {"title": "結合テスト前に外部IF仕様の凍結日を決める", "category": "scope", "positive": False,
     "situation": "結合テスト中に接続先の電文仕様が3回変わり、テストのやり直しが発生した。",
     "cause": "外部IF仕様の凍結日を合意しておらず、接続先の変更管理に乗っていなかった。",
     "recommendation": "基本設計完了時に外部IF仕様の凍結日を接続先と合意し、以降の変更は変更要求として扱う。",
     "tags": "外部IF, 変更管理", "phase": "結合テスト", "project": "CBR-02"},
    {"title": "設計レビューに観点表を使い指摘密度を平準化", "category": "quality", "positive": True,
     "situation": "基本設計レビューの指摘密度がチームにより 0.2〜3.5 件/頁とばらついた。",
     "cause": "レビュー観点が個人任せで、レビューアにより見る範囲が違った。",
     "recommendation": "工程別のレビュー観点表を用意し、指摘を観点で分類して密度の偏りを確認する。",
     "tags": "レビュー, 観点表", "phase": "基本設計", "project": "DX-01"},
    {"title": "信頼度成長曲線で収束を判定してから総合テストへ", "category": "quality", "positive": True,
     "situation": "結合テストの終盤に不具合の検出が落ち着いたことを成長曲線で確認し、総合テストの手戻りが少なかった。",  # noqa: E501
     "cause": "",
     "recommendation": "工程完了判定の基準に、ゴンペルツ曲線の推定総数に対する検出率 95% 以上を入れる。",
     "tags": "信頼度成長曲線, 工程完了判定", "phase": "結合テスト", "project": "DX-01"},
    {"title": "性能テストを総合テストの最後に置かない", "category": "technical", "positive": False,
     "situation": "総合テスト最終週の性能テストで応答時間が要件を超え、リリースが2週間延びた。",
     "cause": "性能テスト環境の準備が遅れ、後ろに寄せた。",
     "recommendation": "性能テストは結合テストと並行して早期に一度実施し、ボトルネックを先に潰す。",
     "tags": "性能, テスト計画", "phase": "総合テスト", "project": "DX-01"},
    {"title": "要件定義書の顧客承認を工程完了の条件にする", "category": "scope", "positive": True,
     "situation": "承認済み要件定義書を基準に変更要求を管理でき、追加要望の費用交渉がスムーズだった。",
     "cause": "",
     "recommendation": "要件定義の工程完了判定で、顧客の押印または電子承認を必須の成果物とする。",
     "tags": "要件定義, 承認", "phase": "要件定義", "project": "CBR-01"},
    {"title": "協力会社の要員交代は2週間の並走期間を確保", "category": "vendor", "positive": False,
     "situation": "協力会社の主要メンバーが製造途中で交代し、引継ぎ不足から不具合が増えた。",
     "cause": "契約上の交代通知が1週間前で、引継ぎ期間が取れなかった。",
     "recommendation": "契約に要員交代時の並走期間(2週間以上)を明記し、交代時はコードレビューを強化する。",
     "tags": "協力会社, 要員", "phase": "製造", "project": "ECP-02"},
    {"title": "週次の進捗会議で課題の期限を必ず決める", "category": "communication", "positive": True,
     "situation": "課題一覧に担当と期限を必ず入れる運用にしてから、滞留課題が半減した。",
     "cause": "",
     "recommendation": "進捗会議の議事録テンプレートに課題ごとの担当・期限欄を設け、期限超過はPMOへエスカレーションする。",  # noqa: E501
     "tags": "会議, 課題管理", "phase": "", "project": "CBR-01"},
    {"title": "見積りに移行リハーサル2回分の工数を入れる", "category": "cost", "positive": False,
     "situation": "本番移行のリハーサルが1回では不足し、追加リハーサルの工数が予算外になった。",
     "cause": "見積り時に移行リハーサルの回数を1回としていた。",
     "recommendation": "移行を伴う案件では、リハーサル2回と切戻し手順の検証を標準見積りに含める。",
     "tags": "見積り, 移行", "phase": "リリース", "project": "DX-01"},
    {"title": "テストデータの個人情報はマスキング済みのものだけを使う", "category": "risk", "positive": False,
     "situation": "本番データのコピーをテスト環境で使い、監査で指摘を受けた。",
     "cause": "マスキング手順が整備されていなかった。",
     "recommendation": "テスト計画書にテストデータの作成方法とマスキング手順を必須項目として記載する。",
     "tags": "個人情報, テストデータ", "phase": "結合テスト", "project": "CBR-02"},
    {"title": "画面設計はプロトタイプで顧客と合意", "category": "scope", "positive": True,
     "situation": "画面のプロトタイプを早期に見せたことで、結合テストでの画面仕様変更がほぼなかった。",
     "cause": "",
     "recommendation": "基本設計で主要画面のプロトタイプを作り、顧客レビューの記録を成果物に含める。",
     "tags": "画面設計, プロトタイプ", "phase": "基本設計", "project": "ECP-01"},
    {"title": "クリティカルパス上のタスクに兼務者を置かない", "category": "schedule", "positive": False,
     "situation": "クリティカルパス上の方式設計担当が他案件と兼務で、2週間の遅れが出た。",
     "cause": "要員計画で稼働率を確認していなかった。",
     "recommendation": "要員計画時にクリティカルパス上のタスク担当の稼働率を確認し、兼務は80%以下に抑える。",
     "tags": "要員計画, クリティカルパス", "phase": "基本設計", "project": "CBR-03"},
    {"title": "単体テストのカバレッジ基準を製造開始前に決める", "category": "quality", "positive": True,
     "situation": "C1カバレッジ80%を製造開始前に合意し、結合テストでのロジック不具合が少なかった。",
     "cause": "",
     "recommendation": "製造の開始条件に単体テストのカバレッジ基準と測定方法の合意を含める。",
     "tags": "単体テスト, カバレッジ", "phase": "製造", "project": "DX-01"},
    {"title": "不具合の作り込み工程を必ず記録する", "category": "quality", "positive": True,
     "situation": "作り込み工程を記録したことで、詳細設計起因の不具合が多いと分かり、対策レビューを追加できた。",  # noqa: E501
     "cause": "",
     "recommendation": "不具合票に検出工程と作り込み工程を必須入力とし、工程別マトリクスで偏りを見る。",
     "tags": "不具合分析, 工程別", "phase": "結合テスト", "project": "DX-01"},
    {"title": "リスク登録簿の見直しを隔週で実施", "category": "risk", "positive": True,
     "situation": "隔週のリスク見直しで、外部ベンダーの納期遅延リスクを1か月前に顕在化前に対処できた。",
     "cause": "",
     "recommendation": "リスクの見直し間隔を2週間とし、見直し期限超過はダッシュボードで赤表示にする。",
     "tags": "リスク管理", "phase": "", "project": "ECP-01"},
    {"title": "顧客側の意思決定者を体制図に明記", "category": "people", "positive": False,
     "situation": "仕様の決定者が不明確で、決定待ちの課題が平均10日滞留した。",
     "cause": "プロジェクト体制図に顧客側の決定権限が書かれていなかった。",
     "recommendation": "キックオフ時に顧客側の決定者と決定期限のルールを体制図と会議体に明記する。",
     "tags": "体制, 意思決定", "phase": "要件定義", "project": "CBR-01"},
    {"title": "保守案件の問い合わせは一次切り分けの手順書を用意", "category": "communication", "positive": True,  # noqa: E501
     "situation": "一次切り分け手順書を整備し、保守問い合わせの平均応答時間が40%短縮した。",
     "cause": "",
     "recommendation": "保守開始時に問い合わせ種別ごとの一次切り分け手順とエスカレーション先を定める。",
     "tags": "保守, 問い合わせ", "phase": "", "project": "DX-02"},
    {"title": "バッチの再実行性を設計レビューの観点に入れる", "category": "technical", "positive": False,
     "situation": "日次バッチが異常終了した際に再実行できず、手作業でのデータ補正が必要になった。",
     "cause": "詳細設計レビューの観点に再実行性・冪等性がなかった。",
     "recommendation": "バッチ設計のレビュー観点に再実行性・冪等性・リカバリ手順を加える。",
     "tags": "バッチ, 設計レビュー", "phase": "詳細設計", "project": "CBR-02"},
    {"title": "アジャイル案件でもリリース判定基準を明文化", "category": "quality", "positive": True,
     "situation": "スプリントごとの完了の定義(DoD)を明文化し、リリース後の不具合が減った。",
     "cause": "",
     "recommendation": "DoD にテスト自動化率と重大不具合ゼロを含め、スプリントレビューで確認する。",
     "tags": "アジャイル, DoD", "phase": "", "project": "ECP-03"},
    {"title": "見積り前提条件を提案書と契約書で一致させる", "category": "cost", "positive": False,
     "situation": "提案書の前提条件が契約書に反映されず、対象外作業の費用負担で揉めた。",
     "cause": "提案から契約への引継ぎでチェックリストがなかった。",
     "recommendation": "契約締結前に提案書の前提条件・対象外事項を契約書と突き合わせるチェックを PMO が行う。",  # noqa: E501
     "tags": "契約, 見積り", "phase": "要件定義", "project": "DX-03"},
    {"title": "本番稼働後1か月の初期稼働支援体制を計画に入れる", "category": "schedule", "positive": True,
     "situation": "初期稼働支援の体制を事前に確保し、稼働直後の問い合わせに即応できた。",
     "cause": "",
     "recommendation": "WBS テンプレートのリリース工程に初期稼働支援(1か月)を標準タスクとして含める。",
     "tags": "リリース, 初期稼働", "phase": "リリース", "project": "DX-01"},
]  # fmt: skip


def _day(value: Any) -> date | None:
    if value is None:
        return None
    day: date = value.date() if hasattr(value, "date") else value
    return day


def _phases(project: Project) -> list[Phase]:
    """The project's phases; one per top-level summary task when the templates part made none."""
    phases = list(Phase.objects.filter(project=project).select_related("task").order_by("number", "pk"))
    if phases:
        return phases
    tops = Task.objects.filter(project=project, outline_level=1, kind="summary").order_by("row")
    phases = [Phase(project=project, number=n, name=t.name, task=t) for n, t in enumerate(tops, start=1)]
    Phase.objects.bulk_create(phases)
    return list(Phase.objects.filter(project=project).select_related("task").order_by("number", "pk"))


def _find(phases: list[Phase], *words: str) -> Phase | None:
    return next((p for p in phases if any(w in p.name for w in words)), None)


def _span(phase: Phase | None) -> tuple[date | None, date | None]:
    if phase is None or phase.task is None:
        return None, None
    return _day(phase.task.start), _day(phase.task.finish)


def _records(rng: random.Random, project: Project, phases: list[Phase], today: date) -> None:
    kloc = SIZE_KLOC.get(project.code, 40)
    rows: list[QualityRecord] = []
    for phase in phases:
        start, _finish = _span(phase)
        if start is not None and start > today:
            continue  # not started: no figures yet
        rec = QualityRecord(project=project, phase=phase)
        done = phase.task is not None and phase.task.percent_complete >= 100
        share = 1.0 if done else max(0.3, (phase.task.percent_complete if phase.task else 50) / 100)
        if _find([phase], "要件", "Requirement"):
            rec.size_pages = Decimal(rng.randint(90, 160))
        elif _find([phase], "基本設計", "Basic design"):
            rec.size_pages = Decimal(rng.randint(300, 480))
        elif _find([phase], "詳細設計", "Detailed design"):
            rec.size_pages = Decimal(rng.randint(450, 700))
        elif _find([phase], "製造", "Build"):
            rec.size_kloc = Decimal(kloc)
        elif _find([phase], "テスト", "Test"):
            planned = int(kloc * rng.uniform(36, 52))
            rec.tests_planned = planned
            rec.tests_executed = int(planned * (1.0 if done else share))
            rec.tests_passed = int(rec.tests_executed * rng.uniform(0.955, 0.99))
        else:
            continue
        if rec.size_pages is not None:
            pages = float(rec.size_pages) * share
            rec.size_pages = Decimal(round(pages))
            rec.review_hours = Decimal(round(pages * rng.uniform(0.25, 0.4), 1))
            rec.review_findings = round(pages * rng.uniform(0.6, 1.8))
            rec.reviews_planned = rng.randint(8, 14)
            rec.reviews_done = rec.reviews_planned if done else round(rec.reviews_planned * share)
        if rec.size_kloc is not None:
            rec.review_hours = Decimal(round(kloc * rng.uniform(2.5, 4.0), 1))
            rec.review_findings = round(kloc * rng.uniform(4, 9))
            rec.reviews_planned = rng.randint(10, 20)
            rec.reviews_done = rec.reviews_planned if done else round(rec.reviews_planned * share)
        rows.append(rec)
    QualityRecord.objects.bulk_create(rows)


def _defects(rng: random.Random, project: Project, phases: list[Phase], today: date) -> None:
    total, days, b, c = CURVES[project.code]
    test = _find(phases, "結合テスト", "Integration test") or _find(phases, "テスト", "Test")
    start, _finish = _span(test)
    # A finished project's curve runs `days` days from its test phase's start; a running project is in
    # the middle of testing: its curve ends today.
    if project.status != "closed" or start is None or start + timedelta(days=days) > today:
        start = today - timedelta(days=days - 1)
    injected = [
        (p, w)
        for p, w in (
            (_find(phases, "要件", "Requirement"), 6),
            (_find(phases, "基本設計", "Basic design"), 34),
            (_find(phases, "詳細設計", "Detailed design"), 32),
            (_find(phases, "製造", "Build"), 28),
        )
        if p is not None
    ]
    build = _find(phases, "製造", "Build")
    rows: list[Defect] = []
    made = 0
    for d in range(days):
        target = round(total * math.exp(-b * math.exp(-c * d)))
        count = max(0, target - made + rng.choice((-1, 0, 0, 1))) if d < days - 1 else max(0, target - made)
        for _ in range(count):
            found = start + timedelta(days=d)
            severity = rng.choices((1, 2, 3, 4), weights=(4, 18, 52, 26))[0]
            fix_days = rng.randint(1, 4 if severity <= 2 else 9)
            fix_day = found + timedelta(days=fix_days)
            fixed: date | None = fix_day if fix_day <= today else None
            status = DefectStatus.OPEN
            if fixed is not None:
                status = DefectStatus.CLOSED if fixed + timedelta(days=5) <= today else DefectStatus.FIXED
            phase_injected = (
                rng.choices([p for p, _w in injected], weights=[w for _p, w in injected])[0]
                if injected
                else None
            )
            rows.append(
                Defect(
                    project=project,
                    key=f"BUG-{made + 1:04d}",
                    title=rng.choice(MODULES) + rng.choice(SYMPTOMS),
                    severity=severity,
                    status=status,
                    phase_found=test,
                    phase_injected=phase_injected,
                    found_on=found,
                    fixed_on=fixed,
                )
            )
            made += 1
    # A few defects found earlier, in unit test (製造), for the phase matrix.
    if build is not None:
        for n in range(rng.randint(12, 20)):
            # Unit test, in the last two weeks before integration test.
            found = start - timedelta(days=rng.randint(1, 14))
            rows.append(
                Defect(
                    project=project,
                    key=f"UT-{n + 1:03d}",
                    title=rng.choice(MODULES) + rng.choice(SYMPTOMS),
                    severity=rng.choice((2, 3, 3, 4)),
                    status=DefectStatus.CLOSED,
                    phase_found=build,
                    phase_injected=rng.choice([build, _find(phases, "詳細設計", "Detailed design") or build]),
                    found_on=found,
                    fixed_on=found + timedelta(days=rng.randint(1, 3)),
                )
            )
    Defect.objects.bulk_create(rows)


def _bands() -> None:
    """Bands for the waterfall SI type (the templates part's, else one made here) and for all projects."""
    si = Project.objects.filter(code__in=list(CURVES), project_type__isnull=False).first()
    waterfall = si.project_type if si is not None else None
    if waterfall is None:
        waterfall, _created = ProjectType.objects.get_or_create(
            code="waterfall", defaults={"name": "ウォーターフォール型SI"}
        )
        Project.objects.filter(code__in=[*CURVES, *SIZE_KLOC], project_type__isnull=True).update(
            project_type=waterfall
        )
    typed = {
        "defect_density_kloc": ("3", "8"),
        "review_findings_per_page": ("0.5", "2.0"),
        "tests_per_kloc": ("30", "60"),
        "review_coverage": ("90", None),
        "test_pass_rate": ("95", None),
        "open_defects_sev1": (None, "0"),
    }
    default = {
        "defect_density_kloc": ("2", "10"),
        "review_findings_per_page": ("0.3", "3.0"),
        "review_coverage": ("80", None),
        "open_defects_sev1": (None, "0"),
    }
    rows = [
        QualityIndicator(
            project_type=kind,
            metric=key,
            lower=Decimal(low) if low else None,
            upper=Decimal(high) if high else None,
        )
        for kind, bands in ((waterfall, typed), (None, default))
        for key, (low, high) in bands.items()
    ]
    QualityIndicator.objects.bulk_create(rows, ignore_conflicts=True)


def _lessons(rng: random.Random) -> None:
    projects = {p.code: p for p in Project.objects.filter(code__in={lesson["project"] for lesson in LESSONS})}
    templates = list(ProjectTemplate.objects.order_by("code")[:3])
    from kuroko.core.models import User

    authors = list(User.objects.filter(username__in=["pmo", "pm", "member"]).order_by("username"))
    for n, spec in enumerate(LESSONS):
        project = projects.get(spec["project"])
        lesson = Lesson.objects.create(
            title=spec["title"],
            category=spec["category"],
            situation=spec["situation"],
            cause=spec["cause"],
            recommendation=spec["recommendation"],
            positive=spec["positive"],
            project=project,
            phase_name=spec["phase"],
            tags=spec["tags"],
            created_by=authors[n % len(authors)] if authors else None,
        )
        if templates and spec["category"] in ("quality", "schedule", "scope"):
            lesson.templates.set([rng.choice(templates)])


def build(*, seed: int, today: date) -> None:
    """Add the quality part's demo rows (called by kuroko.demo.generator.build_demo, in part order)."""
    rng = random.Random(seed * 31 + 8)
    for project in Project.objects.filter(code__in=list(SIZE_KLOC)).order_by("code"):
        phases = _phases(project)
        if not phases:
            continue
        _records(rng, project, phases, today)
        if project.code in CURVES:
            _defects(rng, project, phases, today)
    _bands()
    _lessons(rng)
