"""The demo's projects: what each one is, its state, its people and its RAG status with reasons.

Text is Japanese or English per project, as in a bilingual company. Placement in time is relative to the
day the demo is built (see `ProjectSpec.elapsed`), so the demo always looks current.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GREEN = ("green", "")


@dataclass(frozen=True, slots=True)
class ProjectSpec:
    """One demo project. `elapsed` is the share of its planned duration that lies before today (negative:
    it starts later, above 1: it finished earlier; the maintenance project follows the fiscal year
    instead); `stopped` is in working days from today."""

    code: str
    program: str
    name: str
    description: str
    lang: str  # "ja" or "en": the language of the project's task names and status text
    template: str  # "si", "maintenance" or "agile"
    status: str  # Status value
    priority: int
    budget: int  # JPY
    elapsed: float
    manager: str  # KeyPerson keys
    deputy: str | None
    sponsor: str
    stakeholders: tuple[str, ...]
    reviewers: tuple[str, ...]
    teams: tuple[str, ...]  # teams the leads and members come from
    leads: int
    members: int
    rag: dict[str, tuple[str, str]]
    modules: tuple[str, ...] = ()
    sprints: int = 0
    extra_members: tuple[str, ...] = ()
    slip: int = 0  # working days behind plan
    stopped: int | None = None  # on hold or cancelled since
    # anchor of this project -> (other project, its anchor) that must finish first
    after: dict[str, tuple[str, str]] = field(default_factory=dict)


# Ordered so that a project comes after the projects its links depend on.
PROJECTS: list[ProjectSpec] = [
    ProjectSpec(
        "CBR-02",
        "CBR",
        "External interface hub",
        "A new interface hub between the core banking system and the outside world: the Zengin network, "
        "card networks, partner banks and the bank's public API. Replaces 40 point-to-point links.",
        "en",
        "si",
        "active",
        850,
        150_000_000,
        0.72,
        "pm_channels",
        None,
        "exec",
        ("fin_head",),
        ("pmo_expert",),
        ("SI-FIN-2", "SI-INF-1"),
        2,
        6,
        {
            "overall": (
                "red",
                "Go-live at risk: integration test is 9 working days late and defect density is "
                "well above target. A recovery plan with 3 extra testers goes to the steering "
                "committee next week.",
            ),
            "schedule": (
                "red",
                "Integration test started 9 working days late; 2 of 5 partner-bank interfaces "
                "still have no test environment.",
            ),
            "cost": (
                "amber",
                "Extra test-environment rental (¥4.2M) is outside the budget; change request "
                "CR-021 awaits approval.",
            ),
            "scope": GREEN,
            "quality": (
                "red",
                "Integration-test defect density is 2.1/KLOC against a target of 0.8; "
                "14 severity-1 defects are open.",
            ),
            "risk": (
                "amber",
                "The Zengin network connection-test slot is not yet confirmed by the operator.",
            ),
        },
        modules=(
            "Zengin network gateway",
            "Card network interface",
            "Bank API gateway",
            "Batch file transfer",
            "Fraud monitoring feed",
            "Partner bank links",
        ),
        extra_members=("member",),
        slip=9,
    ),
    ProjectSpec(
        "CBR-01",
        "CBR",
        "勘定系システム更改",
        "星空銀行様の勘定系(預金・融資・為替)をメインフレームからオープン系へ移行する中核プロジェクト。"
        "ピーク時要員80名、協力会社3社体制。本番稼働は連休中の切替を予定。",
        "ja",
        "si",
        "active",
        900,
        480_000_000,
        0.48,
        "pm",
        "pm_channels",
        "exec",
        ("fin_head",),
        ("pmo_expert", "pmo"),
        ("SI-FIN-1", "SI-INF-1"),
        3,
        8,
        {
            "overall": (
                "amber",
                "製造工程が計画比6営業日遅延。要員2名の追加投入(来月から2か月)で回復見込みだが、"
                "総合テスト開始日は要監視。",
            ),
            "schedule": (
                "amber",
                "融資・外国為替の詳細設計で仕様変更3件の手戻りが発生し、製造着手が6営業日遅延。",
            ),
            "cost": GREEN,
            "scope": (
                "amber",
                "変更要求CR-014(金利計算ロジックの改定)の取込み可否が未決定。"
                "次回ステアリングコミッティで判断予定。",
            ),
            "quality": GREEN,
            "risk": (
                "amber",
                "移行リハーサル用の本番相当環境の調達が遅れており、リハーサル1回目の日程が未確定。",
            ),
        },
        modules=(
            "預金",
            "融資",
            "内国為替",
            "外国為替",
            "顧客情報(CIF)",
            "手数料",
            "利息計算",
            "日次バッチ",
            "月次・年次バッチ",
            "帳票",
            "口座開設",
            "税務",
            "勘定照合",
            "共通基盤",
            "運用管理",
        ),
        extra_members=("member",),
        slip=6,
        after={"extif": ("CBR-02", "build_done")},
    ),
    ProjectSpec(
        "CBR-03",
        "CBR",
        "勘定系データ移行",
        "現行勘定系から新勘定系への顧客・口座・取引履歴データの移行。データクレンジング、移行ツール開発、"
        "移行リハーサル3回を含む。",
        "ja",
        "si",
        "active",
        800,
        95_000_000,
        0.3,
        "pm",
        None,
        "exec",
        ("fin_head",),
        ("pmo",),
        ("SI-FIN-1", "SI-INF-2"),
        2,
        5,
        {
            "overall": ("amber", "データ品質問題への対応方針が未決定。スケジュールへの影響は現時点でなし。"),
            "schedule": GREEN,
            "cost": GREEN,
            "scope": GREEN,
            "quality": (
                "amber",
                "現行データのプロファイリングで名寄せ不一致が約3%(約12万件)判明。"
                "クレンジング方針を業務部門と協議中。",
            ),
            "risk": (
                "amber",
                "クレンジング工数の追加見積り(約8人月)が未承認。承認が遅れると移行リハーサル1回目に影響。",
            ),
        },
        modules=("顧客データ", "口座・残高データ", "取引履歴", "融資契約データ"),
        extra_members=("member",),
        after={"rehearsal": ("CBR-01", "build_done")},
    ),
    ProjectSpec(
        "CBR-04",
        "CBR",
        "Internet banking UI refresh",
        "Redesign of the bank's internet banking screens on top of the new core banking APIs: "
        "responsive layout, passkey login and a simpler transfer flow.",
        "en",
        "si",
        "proposed",
        500,
        60_000_000,
        -0.3,
        "pm_channels",
        None,
        "exec",
        ("fin_head",),
        ("pmo_expert",),
        ("SI-FIN-2",),
        1,
        3,
        {
            "overall": GREEN,
            "schedule": GREEN,
            "cost": GREEN,
            "scope": (
                "amber",
                "Whether the smartphone app is in scope is still open; the business case assumes web only.",
            ),
            "quality": GREEN,
            "risk": (
                "amber",
                "Depends on the core banking renewal's API freeze; a slip there moves our start.",
            ),
        },
        modules=("Login and security", "Account overview", "Transfers"),
    ),
    ProjectSpec(
        "ECP-02",
        "ECP",
        "受注管理システム再構築",
        "丸川リテール様の受注・在庫引当・出荷指示を担う受注管理システムの再構築。"
        "ECサイト刷新と同時期の稼働を目指し、店舗受注も統合する。",
        "ja",
        "si",
        "active",
        700,
        130_000_000,
        0.32,
        "pm_orders",
        None,
        "ret_head",
        ("exec",),
        ("pmo_expert",),
        ("SI-RET-1", "SI-INF-2"),
        2,
        6,
        {
            "overall": (
                "amber",
                "基本設計の遅れを詳細設計の並行着手で吸収する計画。次回定例で回復状況を確認。",
            ),
            "schedule": ("amber", "基本設計レビューが6営業日遅延。設計担当8名中2名が休職・休暇中。"),
            "cost": GREEN,
            "scope": GREEN,
            "quality": GREEN,
            "risk": GREEN,
        },
        modules=("受注", "在庫引当", "出荷指示", "返品・キャンセル", "請求"),
        slip=4,
    ),
    ProjectSpec(
        "ECP-01",
        "ECP",
        "EC site renewal",
        "Rebuild of Marukawa Retail's online shop on a headless commerce platform with a new search, "
        "checkout and CMS. Target: +15% conversion and page loads under 1.5 s.",
        "en",
        "si",
        "active",
        750,
        220_000_000,
        0.45,
        "pm_ec",
        "pm_orders",
        "ret_head",
        ("exec",),
        ("pmo_expert", "pmo"),
        ("SI-RET-1", "SI-INF-1"),
        2,
        7,
        {
            "overall": (
                "amber",
                "On schedule, but cost and scope pressure from two change requests; decision "
                "due at the next steering committee.",
            ),
            "schedule": GREEN,
            "cost": (
                "amber",
                "Cloud cost estimate revised up 12% after load-test sizing (¥6.5M above the baseline).",
            ),
            "scope": (
                "amber",
                "Change request CR-07 adds gift wrapping and B2B pricing; impact on Build under assessment.",
            ),
            "quality": GREEN,
            "risk": (
                "amber",
                "The payment gateway vendor retires API v2 during our test window; migration to "
                "v3 is not yet planned.",
            ),
        },
        modules=(
            "Catalogue",
            "Search",
            "Cart and checkout",
            "Payments",
            "Member accounts",
            "Promotions",
            "CMS",
            "Analytics",
        ),
        slip=1,
        after={"extif": ("ECP-02", "build_done")},
    ),
    ProjectSpec(
        "ECP-03",
        "ECP",
        "Mobile shopping app",
        "Native iOS and Android shopping app for Marukawa Retail, built in two-week sprints with the "
        "client's product owner. Releases to the app stores every four sprints.",
        "en",
        "agile",
        "active",
        650,
        85_000_000,
        0.6,
        "pm_mobile",
        None,
        "ret_head",
        (),
        ("pmo_expert",),
        ("SI-RET-2",),
        1,
        4,
        {
            "overall": GREEN,
            "schedule": GREEN,
            "cost": GREEN,
            "scope": GREEN,
            "quality": (
                "amber",
                "Crash-free sessions 99.2% in the beta against a 99.5% target; the Android "
                "camera crash fix is planned for the next sprint.",
            ),
            "risk": GREEN,
        },
        sprints=9,
    ),
    ProjectSpec(
        "ECP-04",
        "ECP",
        "Recommendation engine PoC",
        "Proof of concept of personalised product recommendations from purchase history and browsing data.",
        "en",
        "si",
        "cancelled",
        300,
        30_000_000,
        0.6,
        "pm_mobile",
        None,
        "ret_head",
        (),
        ("pmo_expert",),
        ("SI-RET-2",),
        1,
        2,
        {
            "overall": (
                "red",
                "Cancelled by the steering committee: the PoC showed a 0.4% conversion uplift "
                "against the 3% target. The remaining budget moved to the EC site renewal.",
            ),
            "schedule": GREEN,
            "cost": GREEN,
            "scope": ("red", "PoC success criterion (3% conversion uplift) not met."),
            "quality": GREEN,
            "risk": GREEN,
        },
        modules=("Data pipeline", "Recommendation model"),
        stopped=-70,
    ),
    ProjectSpec(
        "DX-01",
        "DX",
        "勤怠・工数管理システム導入",
        "紙とExcelで運用していた勤怠・工数管理をクラウドサービスへ移行。36協定の上限管理と"
        "勤怠乖離チェックを自動化した。",
        "ja",
        "si",
        "closed",
        600,
        45_000_000,
        1.5,
        "pm_dx",
        None,
        "corp_head",
        ("dx_head",),
        ("pmo_clerk",),
        ("CORP-DX-1",),
        1,
        3,
        {
            "overall": GREEN,
            "schedule": GREEN,
            "cost": ("amber", "最終原価が予算比4%超過(追加の受入テスト1回分)。教訓として登録済み。"),
            "scope": GREEN,
            "quality": GREEN,
            "risk": GREEN,
        },
        modules=("勤怠打刻", "工数入力", "人事給与連携"),
    ),
    ProjectSpec(
        "DX-02",
        "DX",
        "社内システム運用保守",
        "社内業務システム(勤怠・経費・文書管理)の年間運用保守。月次で問合せ・障害対応、"
        "パッチ適用、稼働状況報告を行う。",
        "ja",
        "maintenance",
        "active",
        550,
        36_000_000,
        0.0,
        "pm_dx",
        None,
        "corp_head",
        ("dx_head",),
        ("pmo_clerk",),
        ("CORP-DX-1", "SI-INF-2"),
        1,
        3,
        {
            "overall": GREEN,
            "schedule": GREEN,
            "cost": GREEN,
            "scope": GREEN,
            "quality": GREEN,
            "risk": (
                "amber",
                "保守担当2名のうち1名が来月から育児休業。引継ぎ計画を作成中で、協力会社からの補充を調整中。",
            ),
        },
    ),
    ProjectSpec(
        "DX-03",
        "DX",
        "Data analytics platform",
        "A company-wide data platform: a data lake on the cloud, ETL from the business systems and "
        "self-service BI dashboards for management.",
        "en",
        "si",
        "on_hold",
        400,
        110_000_000,
        0.4,
        "pm_mobile",
        None,
        "corp_head",
        ("dx_head",),
        ("pmo_expert",),
        ("CORP-DX-1", "SI-INF-1"),
        1,
        3,
        {
            "overall": (
                "amber",
                "On hold since the mid-year budget review; restart depends on next fiscal "
                "year's budget approval.",
            ),
            "schedule": (
                "red",
                "On hold for six weeks; the planned finish will move by at least two months "
                "after the restart.",
            ),
            "cost": GREEN,
            "scope": ("amber", "Data governance scope to be re-planned with the new data office."),
            "quality": GREEN,
            "risk": (
                "amber",
                "The lead data engineer was reassigned to the EC site renewal during the hold.",
            ),
        },
        modules=("Data lake", "ETL pipelines", "BI dashboards", "Data governance"),
        stopped=-30,
    ),
    ProjectSpec(
        "DX-04",
        "DX",
        "ワークフロー電子化(稟議・経費精算)",
        "紙の稟議書と経費精算をワークフローシステムへ移行し、電子帳簿保存法に対応する。",
        "ja",
        "si",
        "active",
        600,
        52_000_000,
        0.12,
        "pm_workflow",
        None,
        "corp_head",
        ("dx_head",),
        ("pmo_clerk", "pmo"),
        ("CORP-DX-1",),
        1,
        3,
        {
            "overall": GREEN,
            "schedule": GREEN,
            "cost": GREEN,
            "scope": GREEN,
            "quality": GREEN,
            "risk": ("amber", "電子帳簿保存法の要件確認に法務部レビューが必要。レビュー枠を来週確保予定。"),
        },
        modules=("稟議", "経費精算", "電子帳簿保存"),
    ),
]
