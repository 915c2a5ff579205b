"""What the demo organisation contains: Kuroko Systems (黒子システムズ), a Japanese system-integration
company with a banking client, a retail client and its own digital transformation.

The projects are in :mod:`kuroko.demo.project_specs`.
"""

from __future__ import annotations

from dataclasses import dataclass

ORGANISATION_NAME = "Kuroko Systems (黒子システムズ)"
COMPANY_DOMAIN = "kuroko-systems.example"


@dataclass(frozen=True, slots=True)
class TeamSpec:
    code: str
    name: str
    parent: str | None


TEAMS: list[TeamSpec] = [
    TeamSpec("SI", "SI Business Division (SI事業本部)", None),
    TeamSpec("SI-FIN", "Financial Systems Dept. (金融システム部)", "SI"),
    TeamSpec("SI-FIN-1", "Core Banking Team (勘定系チーム)", "SI-FIN"),
    TeamSpec("SI-FIN-2", "Channels & Interfaces Team (チャネル・接続チーム)", "SI-FIN"),
    TeamSpec("SI-RET", "Retail & E-commerce Dept. (流通・ECシステム部)", "SI"),
    TeamSpec("SI-RET-1", "EC Web Team (ECウェブチーム)", "SI-RET"),
    TeamSpec("SI-RET-2", "Mobile & Data Team (モバイル・データチーム)", "SI-RET"),
    TeamSpec("SI-INF", "Infrastructure Dept. (基盤技術部)", "SI"),
    TeamSpec("SI-INF-1", "Cloud Platform Team (クラウド基盤チーム)", "SI-INF"),
    TeamSpec("SI-INF-2", "Operations Team (運用チーム)", "SI-INF"),
    TeamSpec("CORP", "Corporate Division (コーポレート本部)", None),
    TeamSpec("CORP-PMO", "PMO Office (PMO室)", "CORP"),
    TeamSpec("CORP-DX", "Digital Transformation Dept. (DX推進部)", "CORP"),
    TeamSpec("CORP-DX-1", "Business Applications Team (業務アプリチーム)", "CORP-DX"),
]


@dataclass(frozen=True, slots=True)
class KeyPerson:
    """A named person the demo refers to (project managers, sponsors, the demo logins' people)."""

    key: str
    name: str  # "family given", a name of kuroko.demo.names
    team: str
    title: str


KEY_PEOPLE: list[KeyPerson] = [
    KeyPerson("exec", "松本 浩一", "SI", "執行役員 SI事業本部長"),
    KeyPerson("corp_head", "長谷川 隆", "CORP", "取締役 コーポレート本部長"),
    KeyPerson("fin_head", "石川 聡", "SI-FIN", "金融システム部長"),
    KeyPerson("ret_head", "岡田 修", "SI-RET", "流通・ECシステム部長"),
    KeyPerson("inf_head", "上田 剛", "SI-INF", "基盤技術部長"),
    KeyPerson("dx_head", "森田 智子", "CORP-DX", "DX推進部長"),
    KeyPerson("admin", "黒田 綾", "CORP-PMO", "PMO室長"),
    KeyPerson("pmo", "小野寺 健", "CORP-PMO", "PMO"),
    KeyPerson("pmo_expert", "西村 千尋", "CORP-PMO", "PMO(標準化・品質)"),
    KeyPerson("pmo_clerk", "三浦 由美", "CORP-PMO", "PMO(事務局)"),
    KeyPerson("pm", "高橋 誠", "SI-FIN-1", "プロジェクトマネージャー"),
    KeyPerson("pm_channels", "佐々木 大輔", "SI-FIN-2", "プロジェクトマネージャー"),
    KeyPerson("pm_ec", "Smith Emily", "SI-RET-1", "Project manager"),
    KeyPerson("pm_orders", "中村 陽子", "SI-RET-1", "プロジェクトマネージャー"),
    KeyPerson("pm_mobile", "Brown James", "SI-RET-2", "Project manager"),
    KeyPerson("pm_dx", "井上 直樹", "CORP-DX-1", "プロジェクトマネージャー"),
    KeyPerson("pm_workflow", "藤田 恵", "CORP-DX-1", "プロジェクトマネージャー"),
    KeyPerson("member", "山本 美咲", "SI-FIN-1", "アプリケーションエンジニア"),
]


@dataclass(frozen=True, slots=True)
class StaffGroup:
    """Generated people of one team: how many, employed how, and which e-mail domain they use."""

    team: str
    count: int
    employment: str = "employee"  # EmploymentType value
    domain: str = COMPANY_DOMAIN
    foreign_share: float = 0.0
    inactive: int = 0  # of them, people who have left


STAFF: list[StaffGroup] = [
    StaffGroup("SI-FIN-1", 7, inactive=0),
    StaffGroup("SI-FIN-1", 3, "partner", "nishi-soft.example"),
    StaffGroup("SI-FIN-2", 5, inactive=1),
    StaffGroup("SI-FIN-2", 2, "partner", "nishi-soft.example"),
    StaffGroup("SI-RET-1", 5, foreign_share=0.3, inactive=1),
    StaffGroup("SI-RET-1", 1, "contractor"),
    StaffGroup("SI-RET-1", 2, "partner", "mekong-dev.example", foreign_share=1.0),
    StaffGroup("SI-RET-2", 4, foreign_share=0.3),
    StaffGroup("SI-RET-2", 1, "contractor"),
    StaffGroup("SI-INF-1", 4, foreign_share=0.2),
    StaffGroup("SI-INF-1", 1, "contractor"),
    StaffGroup("SI-INF-2", 3),
    StaffGroup("SI-INF-2", 1, "partner", "nishi-soft.example"),
    StaffGroup("CORP-DX-1", 4, inactive=1),
    StaffGroup("CORP-DX-1", 1, "contractor"),
]


@dataclass(frozen=True, slots=True)
class ProgramSpec:
    code: str
    name: str
    description: str


PROGRAMS: list[ProgramSpec] = [
    ProgramSpec(
        "CBR",
        "Core banking renewal (勘定系システム刷新)",
        "星空銀行様の勘定系システムをメインフレームからオープン系へ全面刷新する3か年プログラム。"
        "勘定系本体、外部接続、データ移行、インターネットバンキングの4プロジェクトで構成する。",
    ),
    ProgramSpec(
        "ECP",
        "E-commerce platform (ECプラットフォーム刷新)",
        "Renewal of Marukawa Retail's (丸川リテール) online shop: a new EC site, order management, a "
        "mobile app and personalised recommendations, on a shared cloud platform.",
    ),
    ProgramSpec(
        "DX",
        "Internal DX (社内DX推進)",
        "黒子システムズ社内の業務デジタル化。勤怠・工数管理、ワークフロー電子化、データ分析基盤と、"
        "社内システムの運用保守を一体で推進する。",
    ),
]
