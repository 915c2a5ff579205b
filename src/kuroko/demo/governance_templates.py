"""Demo data of the governance templates part (issue 8): four project types with a published template
each — the waterfall system-development one in two versions (v2 adds a security design review and its
document, so the upgrade preview has something to show) — and, on the demo's system-integration
projects, the template in use (v1), phases on their top-level summary tasks, deliverables with a status
that follows the schedule, and gate criteria."""

from __future__ import annotations

import copy
import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from kuroko.demo.project_specs import PROJECTS
from kuroko.demo.wbs_templates import SI_TEXT
from kuroko.formats.project_template import document_from_json
from kuroko.governance.models import Deliverable, ProjectTemplate, TemplateUse, TemplateVersion
from kuroko.governance.services.templates import add_phases
from kuroko.projects.models import Project, ProjectType, Task

TYPES = (
    ("WF", "ウォーターフォール型システム開発", "要件定義から本番稼働まで工程を順に進める受託システム開発。"),
    ("AGILE", "アジャイル開発", "スプリントを繰り返してプロダクトを段階的に提供する開発。"),
    ("MAINT", "保守・運用", "稼働中システムの保守、問合せ対応、定期リリース。"),
    ("INFRA", "インフラ構築", "サーバー、ネットワーク、クラウド基盤の設計・構築・移行。"),
)
TYPE_OF_SPEC = {"si": "WF", "agile": "AGILE", "maintenance": "MAINT"}


def _moment(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(9)))


def _ja(key: str) -> str:
    return SI_TEXT[key][0]


def _task(key: str, parent: str, days: int, role: str = "", name: str = "", **extra: Any) -> dict[str, Any]:
    return {
        "key": key,
        "name": name or _ja(key),
        "parent": parent,
        "duration_days": days,
        "milestone": days == 0 and parent != "",
        "role": role if days else "",
        **extra,
    }


def _metric(
    key: str, text: str, metric: str, operator: str, threshold: str, required: bool = True
) -> dict[str, Any]:
    return {
        "key": key,
        "kind": "metric",
        "text": text,
        "metric": metric,
        "operator": operator,
        "threshold": threshold,
        "required": required,
    }


def _check(key: str, text: str, required: bool = True) -> dict[str, Any]:
    return {"key": key, "kind": "checklist", "text": text, "required": required}


def _doc(key: str, text: str, deliverable: str) -> dict[str, Any]:
    return {"key": key, "kind": "deliverable", "text": text, "deliverable": deliverable}


def waterfall_v1() -> dict[str, Any]:
    """The waterfall SI template: seven phases with their documents and gate criteria."""
    tasks = [
        _task("req", "", 0),
        _task("asis", "req", 10, "se"),
        _task("busreq", "req", 12, "se"),
        _task("funcreq", "req", 12, "se"),
        _task("nfr", "req", 7, "se"),
        _task("reqreview", "req", 4, "pm"),
        _task("signoff", "req", 2, "pm"),
        _task("req_done", "req", 0),
        _task("basic", "", 0),
        _task("arch", "basic", 10, "se"),
        _task("common", "basic", 6, "se"),
        _task("screen", "basic", 8, "se"),
        _task("ifdesign", "basic", 6, "se"),
        _task("basicdoc", "basic", 5, "se"),
        _task("basicreview", "basic", 4, "pm"),
        _task("basic_done", "basic", 0),
        _task("detail", "", 0),
        _task("progdesign", "detail", 10, "pg"),
        _task("dbdesign", "detail", 4, "se"),
        _task("ddreview", "detail", 3, "se"),
        _task("dd_done", "detail", 0),
        _task("build", "", 0, name="製造・単体テスト"),
        _task("devenv", "build", 4, "infra"),
        _task("coding", "build", 15, "pg"),
        _task("unittest", "build", 8, "pg"),
        _task("codereview", "build", 4, "se"),
        _task("build_done", "build", 0),
        _task("it", "", 0, name="結合テスト"),
        _task("itplan", "it", 6, "tester"),
        _task("it_run", "it", 12, "tester", name="結合テスト実施"),
        _task("extif", "it", 8, "se"),
        _task("it_done", "it", 0, name="結合テスト完了"),
        _task("test", "", 0, name="総合テスト"),
        _task("st", "test", 15, "tester"),
        _task("perf", "test", 6, "infra"),
        _task("uat", "test", 12, "se"),
        _task("test_done", "test", 0),
        _task("release", "", 0, name="移行・本番稼働"),
        _task("migplan", "release", 4, "se"),
        _task("rehearsal", "release", 4, "infra"),
        _task("handover", "release", 5, "se"),
        _task("cutover", "release", 2, "infra"),
        _task("golive", "release", 0),
        _task("hypercare", "release", 10, "se"),
        _task("accepted", "release", 0),
    ]
    for task in tasks:
        if task["key"] in {
            "req_done",
            "basic_done",
            "dd_done",
            "build_done",
            "it_done",
            "test_done",
            "golive",
            "accepted",
        }:
            task["notes"] = _ja("gate") if task["key"] != "golive" else ""
        if task["duration_days"] and task["role"]:
            task["work_hours"] = task["duration_days"] * 8
    chain = [
        ("asis", "busreq"),
        ("busreq", "funcreq"),
        ("funcreq", "nfr"),
        ("nfr", "reqreview"),
        ("reqreview", "signoff"),
        ("signoff", "req_done"),
        ("req_done", "arch"),
        ("arch", "common"),
        ("common", "screen"),
        ("screen", "ifdesign"),
        ("ifdesign", "basicdoc"),
        ("basicdoc", "basicreview"),
        ("basicreview", "basic_done"),
        ("basic_done", "progdesign"),
        ("progdesign", "dbdesign"),
        ("dbdesign", "ddreview"),
        ("ddreview", "dd_done"),
        ("basic_done", "devenv"),
        ("dd_done", "coding"),
        ("devenv", "coding"),
        ("coding", "unittest"),
        ("unittest", "codereview"),
        ("codereview", "build_done"),
        ("dd_done", "itplan"),
        ("build_done", "it_run"),
        ("itplan", "it_run"),
        ("it_run", "extif"),
        ("extif", "it_done"),
        ("it_done", "st"),
        ("st", "uat"),
        ("uat", "test_done"),
        ("build_done", "migplan"),
        ("migplan", "rehearsal"),
        ("st", "rehearsal"),
        ("rehearsal", "handover"),
        ("test_done", "cutover"),
        ("handover", "cutover"),
        ("cutover", "golive"),
        ("golive", "hypercare"),
        ("hypercare", "accepted"),
    ]
    links: list[dict[str, Any]] = [{"predecessor": a, "successor": b} for a, b in chain]
    links.append({"predecessor": "st", "successor": "perf", "type": "SS", "lag_days": 5})
    links.append({"predecessor": "perf", "successor": "test_done"})
    deliverables = [
        ("reqdoc", "p_req", "要件定義書", "業務要件・機能要件・非機能要件を記載し、顧客承認を得たもの。"),
        ("basicdoc", "p_basic", "基本設計書", "方式設計、画面・帳票・外部インタフェース設計を含む。"),
        ("detaildoc", "p_detail", "詳細設計書", "プログラム設計とDB物理設計。"),
        ("source", "p_build", "ソースコード", "レビュー済みで構成管理に登録されたもの。"),
        ("utspec", "p_build", "単体テスト仕様書・成績書", "テストケースと実施結果、不具合の記録。"),
        ("itspec", "p_it", "結合テスト仕様書・成績書", "外部システム連携を含む結合テストの仕様と結果。"),
        ("stspec", "p_st", "総合テスト仕様書・成績書", "性能・受入支援を含む総合テストの仕様と結果。"),
        ("migplan", "p_release", "移行計画書", "移行手順、リハーサル結果、切戻し判断基準。"),
    ]
    phases = [
        (
            "p_req",
            "要件定義",
            "req",
            [
                _doc("c_req_doc", "要件定義書が承認されている", "reqdoc"),
                _check("c_req_review", "顧客レビュー完了"),
                _check("c_req_nfr", "非機能要件(性能・可用性・セキュリティ)の合意", required=False),
                _metric("c_req_spi", "SPI ≥ 0.9", "spi", ">=", "0.9"),
            ],
        ),
        (
            "p_basic",
            "基本設計",
            "basic",
            [
                _doc("c_basic_doc", "基本設計書が承認されている", "basicdoc"),
                _check("c_basic_review", "顧客レビュー完了"),
                _metric("c_basic_cov", "レビュー実施率 100 %", "review_coverage", ">=", "100"),
                _metric("c_basic_spi", "SPI ≥ 0.9", "spi", ">=", "0.9"),
            ],
        ),
        (
            "p_detail",
            "詳細設計",
            "detail",
            [
                _doc("c_detail_doc", "詳細設計書が承認されている", "detaildoc"),
                _metric("c_detail_cov", "レビュー実施率 100 %", "review_coverage", ">=", "100"),
                _metric("c_detail_cpi", "CPI ≥ 0.9", "cpi", ">=", "0.9", required=False),
            ],
        ),
        (
            "p_build",
            "製造・単体テスト",
            "build",
            [
                _doc("c_build_src", "ソースコードがレビュー済み", "source"),
                _doc("c_build_ut", "単体テスト成績書が承認されている", "utspec"),
                _metric("c_build_sev1", "重大度1の未解決不具合 = 0", "open_defects_sev1", "=", "0"),
                _metric("c_build_exec", "テスト実施率 100 %", "test_execution_rate", ">=", "100"),
            ],
        ),
        (
            "p_it",
            "結合テスト",
            "it",
            [
                _doc("c_it_doc", "結合テスト成績書が承認されている", "itspec"),
                _metric("c_it_pass", "テスト合格率 ≥ 95 %", "test_pass_rate", ">=", "95"),
                _metric("c_it_sev1", "重大度1の未解決不具合 = 0", "open_defects_sev1", "=", "0"),
            ],
        ),
        (
            "p_st",
            "総合テスト",
            "test",
            [
                _doc("c_st_doc", "総合テスト成績書が承認されている", "stspec"),
                _metric("c_st_sev12", "重大度1・2の未解決不具合 = 0", "open_defects_sev12", "=", "0"),
                _check("c_st_perf", "性能要件を満たすことを確認"),
                _check("c_st_uat", "受入テストで顧客の合意を得た"),
            ],
        ),
        (
            "p_release",
            "移行・本番稼働",
            "release",
            [
                _doc("c_rel_plan", "移行計画書が承認されている", "migplan"),
                _check("c_rel_rehearsal", "移行リハーサル完了・切戻し手順確認"),
                _check("c_rel_ops", "運用部門への引継ぎ完了"),
                _metric("c_rel_risks", "未対応の高リスク = 0", "open_high_risks", "=", "0", required=False),
            ],
        ),
    ]
    return {
        "phases": [
            {"key": key, "name": name, "summary_task": summary, "criteria": criteria}
            for key, name, summary, criteria in phases
        ],
        "tasks": tasks,
        "links": links,
        "roles": [
            {"key": "pm", "name": "プロジェクトマネージャー", "skill": "", "units_percent": 50},
            {"key": "se", "name": "SE", "skill": "", "units_percent": 100},
            {"key": "pg", "name": "プログラマー", "skill": "", "units_percent": 100},
            {"key": "tester", "name": "テスター", "skill": "", "units_percent": 100},
            {"key": "infra", "name": "インフラエンジニア", "skill": "", "units_percent": 50},
        ],
        "deliverables": [
            {"key": key, "phase": phase, "name": name, "description": text, "required": True}
            for key, phase, name, text in deliverables
        ],
        "risks": [
            {
                "key": "r_scope",
                "title": "要件の後出し・仕様変更の多発",
                "category": "scope",
                "probability": 4,
                "impact": 4,
                "response": "要件定義完了時に凍結し、以降は変更管理手続きで扱う。",
            },
            {
                "key": "r_skill",
                "title": "要員のスキル不足・立ち上がり遅延",
                "category": "resource",
                "probability": 3,
                "impact": 3,
                "response": "キーマンを早期に確保し、OJT計画を立てる。",
            },
            {
                "key": "r_ext",
                "title": "外部システム側の対応遅延",
                "category": "supplier",
                "probability": 3,
                "impact": 4,
                "response": "接続仕様を基本設計で合意し、接続試験日程を確保する。",
            },
        ],
        "report": {"status_report": "weekly", "language": "ja"},
    }


def waterfall_v2() -> dict[str, Any]:
    """v2: a security design review in basic design, with its report as a required deliverable."""
    content = copy.deepcopy(waterfall_v1())
    at = next(n for n, t in enumerate(content["tasks"]) if t["key"] == "basicreview")
    content["tasks"].insert(
        at + 1,
        {
            "key": "secreview",
            "name": "セキュリティ設計レビュー",
            "parent": "basic",
            "duration_days": 3,
            "milestone": False,
            "role": "se",
            "work_hours": 24,
            "notes": "情報セキュリティ部門が参加する。",
        },
    )
    content["links"] = [
        link
        for link in content["links"]
        if (link["predecessor"], link["successor"]) != ("basicreview", "basic_done")
    ]
    content["links"] += [
        {"predecessor": "basicreview", "successor": "secreview"},
        {"predecessor": "secreview", "successor": "basic_done"},
    ]
    content["deliverables"].insert(
        2,
        {
            "key": "secdoc",
            "phase": "p_basic",
            "name": "セキュリティ設計書",
            "description": "脅威分析と対策、脆弱性診断の計画。",
            "required": True,
        },
    )
    basic = next(p for p in content["phases"] if p["key"] == "p_basic")
    basic["criteria"].insert(1, _doc("c_basic_sec", "セキュリティ設計レビュー完了", "secdoc"))
    return content


def agile() -> dict[str, Any]:
    """Scrum: an inception, three sprints and a release, with a Definition of Done as the gate."""
    tasks: list[dict[str, Any]] = [
        {"key": "inception", "name": "インセプション"},
        {
            "key": "vision",
            "name": "プロダクトビジョン・バックログ作成",
            "parent": "inception",
            "duration_days": 5,
            "role": "po",
        },
        {
            "key": "arch",
            "name": "アーキテクチャ・開発環境準備",
            "parent": "inception",
            "duration_days": 5,
            "role": "dev",
        },
    ]
    links = [{"predecessor": "vision", "successor": "arch", "type": "SS", "lag_days": 2}]
    previous = "arch"
    for n in range(1, 4):
        key = f"s{n}"
        tasks += [
            {"key": key, "name": f"スプリント{n}"},
            {"key": f"{key}_plan", "name": "スプリント計画", "parent": key, "duration_days": 1, "role": "sm"},
            {"key": f"{key}_dev", "name": "開発・テスト", "parent": key, "duration_days": 8, "role": "dev"},
            {
                "key": f"{key}_review",
                "name": "スプリントレビュー・振り返り",
                "parent": key,
                "duration_days": 1,
                "role": "po",
            },
        ]
        links += [
            {"predecessor": previous, "successor": f"{key}_plan"},
            {"predecessor": f"{key}_plan", "successor": f"{key}_dev"},
            {"predecessor": f"{key}_dev", "successor": f"{key}_review"},
        ]
        previous = f"{key}_review"
    tasks += [
        {"key": "release", "name": "リリース"},
        {"key": "release_go", "name": "本番リリース", "parent": "release", "milestone": True},
    ]
    links.append({"predecessor": previous, "successor": "release_go"})
    return {
        "phases": [
            {
                "key": "p_inception",
                "name": "インセプション",
                "summary_task": "inception",
                "criteria": [
                    _doc("c_backlog", "プロダクトバックログが優先順位付けされている", "backlog"),
                    _check("c_dod", "完成の定義(DoD)に合意"),
                ],
            },
            {
                "key": "p_release",
                "name": "リリース",
                "summary_task": "release",
                "criteria": [
                    _metric("c_sev1", "重大度1の未解決不具合 = 0", "open_defects_sev1", "=", "0"),
                    _check("c_po", "プロダクトオーナーの受入れ"),
                ],
            },
        ],
        "tasks": tasks,
        "links": links,
        "roles": [
            {"key": "po", "name": "プロダクトオーナー", "units_percent": 50},
            {"key": "sm", "name": "スクラムマスター", "units_percent": 50},
            {"key": "dev", "name": "開発者", "units_percent": 100},
        ],
        "deliverables": [
            {"key": "backlog", "phase": "p_inception", "name": "プロダクトバックログ"},
            {"key": "relnote", "phase": "p_release", "name": "リリースノート"},
        ],
        "risks": [
            {
                "key": "r_po",
                "title": "プロダクトオーナーの関与不足",
                "category": "customer",
                "probability": 3,
                "impact": 3,
                "response": "スプリントレビューへの出席を契約で定める。",
            },
        ],
    }


def maintenance() -> dict[str, Any]:
    """Maintenance and operations: a quarter of monthly releases."""
    tasks: list[dict[str, Any]] = [{"key": "setup", "name": "保守体制立上げ"}]
    tasks += [
        {
            "key": "handover",
            "name": "運用手順書・引継ぎ確認",
            "parent": "setup",
            "duration_days": 5,
            "role": "lead",
        },
        {
            "key": "sla",
            "name": "SLA・問合せ窓口の合意",
            "parent": "setup",
            "duration_days": 3,
            "role": "lead",
        },
    ]
    links = [{"predecessor": "handover", "successor": "sla"}]
    for n in range(1, 4):
        key = f"m{n}"
        tasks += [
            {"key": key, "name": f"{n}か月目 定期保守"},
            {
                "key": f"{key}_fix",
                "name": "障害対応・問合せ対応",
                "parent": key,
                "duration_days": 18,
                "role": "eng",
                "offset_days": 8 + (n - 1) * 20,
            },
            {"key": f"{key}_rel", "name": "定期リリース", "parent": key, "duration_days": 2, "role": "eng"},
            {
                "key": f"{key}_report",
                "name": "月次保守報告",
                "parent": key,
                "duration_days": 1,
                "role": "lead",
            },
        ]
        links += [
            {"predecessor": f"{key}_fix", "successor": f"{key}_rel"},
            {"predecessor": f"{key}_rel", "successor": f"{key}_report"},
        ]
    return {
        "phases": [
            {
                "key": "p_setup",
                "name": "保守体制立上げ",
                "summary_task": "setup",
                "criteria": [
                    _check("c_sla", "SLAが合意されている"),
                    _doc("c_manual", "運用手順書が承認されている", "manual"),
                ],
            }
        ],
        "tasks": tasks,
        "links": links,
        "roles": [
            {"key": "lead", "name": "保守リーダー", "units_percent": 50},
            {"key": "eng", "name": "保守担当", "units_percent": 100},
        ],
        "deliverables": [
            {"key": "manual", "phase": "p_setup", "name": "運用手順書"},
            {"key": "monthly", "phase": "p_setup", "name": "月次保守報告書", "required": False},
        ],
        "risks": [
            {
                "key": "r_key",
                "title": "特定担当者への属人化",
                "category": "resource",
                "probability": 3,
                "impact": 3,
                "response": "手順書を整備し、担当をローテーションする。",
            }
        ],
    }


def infrastructure() -> dict[str, Any]:
    """Infrastructure build: design, build, test and migration of servers and network."""
    steps = [
        ("design", "基盤設計", [("req", "基盤要件定義", 8), ("param", "パラメータシート作成", 6)]),
        ("build", "基盤構築", [("server", "サーバー構築", 10), ("network", "ネットワーク構築", 8)]),
        ("test", "基盤テスト", [("unit", "単体・結合テスト", 6), ("failover", "障害・切替試験", 4)]),
        ("migrate", "移行", [("cutover", "本番切替", 2)]),
    ]
    tasks: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    previous = ""
    for key, name, children in steps:
        tasks.append({"key": key, "name": name})
        for child, child_name, days in children:
            tasks.append(
                {"key": child, "name": child_name, "parent": key, "duration_days": days, "role": "infra"}
            )
            if previous:
                links.append({"predecessor": previous, "successor": child})
            previous = child
    return {
        "phases": [
            {
                "key": "p_design",
                "name": "基盤設計",
                "summary_task": "design",
                "criteria": [_doc("c_param", "パラメータシートが承認されている", "paramsheet")],
            },
            {
                "key": "p_test",
                "name": "基盤テスト",
                "summary_task": "test",
                "criteria": [
                    _check("c_failover", "障害・切替試験に合格"),
                    _metric("c_spi", "SPI ≥ 0.9", "spi", ">=", "0.9"),
                ],
            },
        ],
        "tasks": tasks,
        "links": links,
        "roles": [{"key": "infra", "name": "インフラエンジニア", "units_percent": 100}],
        "deliverables": [
            {"key": "paramsheet", "phase": "p_design", "name": "パラメータシート"},
            {"key": "testreport", "phase": "p_test", "name": "基盤テスト成績書"},
        ],
        "risks": [
            {
                "key": "r_hw",
                "title": "機器の納期遅延",
                "category": "supplier",
                "probability": 2,
                "impact": 4,
                "response": "発注を前倒しし、代替機種を確保する。",
            }
        ],
    }


TEMPLATES = (
    (
        "WF-SI",
        "ウォーターフォール型システム開発 標準テンプレート",
        "WF",
        (waterfall_v1, waterfall_v2),
        (
            "初版。",
            "基本設計にセキュリティ設計レビューとセキュリティ設計書を追加(情報セキュリティ規程改訂への対応)。",
        ),
    ),
    ("AGILE-SCRUM", "スクラム開発 標準テンプレート", "AGILE", (agile,), ("初版。",)),
    ("MAINT-STD", "保守・運用 標準テンプレート", "MAINT", (maintenance,), ("初版。",)),
    ("INFRA-STD", "インフラ構築 標準テンプレート", "INFRA", (infrastructure,), ("初版。",)),
)


def build(*, seed: int, today: date) -> None:
    """Add the templates part's demo rows (called by kuroko.demo.generator.build_demo, in part order)."""
    rng = random.Random(f"{seed}:governance-templates")
    types = {
        code: ProjectType.objects.create(code=code, name=name, description=text) for code, name, text in TYPES
    }
    published = _moment(today - timedelta(days=400))
    versions: dict[str, list[TemplateVersion]] = {}
    for code, name, kind, contents, notes in TEMPLATES:
        template = ProjectTemplate.objects.create(code=code, name=name, project_type=types[kind])
        versions[code] = []
        for number, (content, note) in enumerate(zip(contents, notes, strict=True), start=1):
            data = content()
            document_from_json(data)  # the demo's documents are valid
            versions[code].append(
                TemplateVersion.objects.create(
                    template=template,
                    number=number,
                    status="published",
                    content=data,
                    notes=note,
                    published_at=published + timedelta(days=200 * (number - 1)),
                )
            )
    specs = {spec.code: spec for spec in PROJECTS}
    for spec in PROJECTS:
        Project.objects.filter(code=spec.code).update(project_type=types[TYPE_OF_SPEC[spec.template]])
    waterfall = versions["WF-SI"][0]
    document = document_from_json(waterfall.content)
    for project in Project.objects.filter(
        code__in=[c for c, s in specs.items() if s.template == "si"]
    ).order_by("code"):
        _apply(project, waterfall, document, lang=specs[project.code].lang, today=today, rng=rng)


def _apply(
    project: Project, version: TemplateVersion, document: Any, *, lang: str, today: date, rng: random.Random
) -> None:
    """The template in use on a demo SI project: its tasks matched by name, phases on the top-level
    summaries, deliverables with a status that follows the schedule."""
    column = 0 if lang == "ja" else 1
    rows = list(
        Task.objects.filter(project=project)
        .order_by("row")
        .only("pk", "name", "parent_id", "kind", "planned_finish", "percent_complete")
    )
    by_name: dict[str, Task] = {}
    for row in rows:
        by_name.setdefault(row.name, row)
    names = {key: text[column] for key, text in SI_TEXT.items()}
    # The demo plans put integration and system test in one summary (テスト); 結合テスト is its group.
    names.update(
        {
            "it": SI_TEXT["it"][column],
            "test": SI_TEXT["test"][column],
            "build": SI_TEXT["build"][column],
            "release": SI_TEXT["release"][column],
        }
    )
    keys = {
        t.key: by_name[names[t.key]] for t in document.tasks if t.key in names and names[t.key] in by_name
    }
    TemplateUse.objects.create(project=project, version=version, task_keys={k: t.pk for k, t in keys.items()})
    add_phases(
        project=project,
        document=document,
        rows=keys,
        phases=list(document.phases),
        deliverables=list(document.deliverables),
        criteria=document.criteria(),
    )
    if lang != "ja":
        english = {
            "要件定義": "Requirements",
            "基本設計": "Basic design",
            "詳細設計": "Detailed design",
            "製造・単体テスト": "Build and unit test",
            "結合テスト": "Integration test",
            "総合テスト": "System test",
            "移行・本番稼働": "Migration and go-live",
        }
        for phase in project.phases.all():
            phase.name = english.get(phase.name, phase.name)
            phase.save(update_fields=["name"])
    # Deliverables follow the schedule: approved once their phase is over, submitted or pending in the
    # current phase, pending later; due when the phase ends.
    changed = []
    for deliverable in Deliverable.objects.filter(project=project).select_related("phase__task"):
        task = deliverable.phase.task if deliverable.phase else None
        finish = task.planned_finish if task else None
        done = task is not None and task.percent_complete >= 100
        deliverable.due = finish
        if done or (finish and finish < today - timedelta(days=10)):
            deliverable.status = "approved"
            deliverable.submitted_at = _moment(finish or today)
        elif task is not None and task.percent_complete > 50 and rng.random() < 0.6:
            deliverable.status = "submitted"
            deliverable.submitted_at = _moment(today - timedelta(days=rng.randint(1, 6)))
        deliverable.reference = f"https://docs.kuroko.example/{project.code}/{deliverable.template_key}"
        changed.append(deliverable)
    Deliverable.objects.bulk_update(changed, ["due", "status", "submitted_at", "reference"])
