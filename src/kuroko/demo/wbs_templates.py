"""WBS templates of the demo: a waterfall system-integration project (要件定義 → リリース), a maintenance
project with monthly work packages, and an agile project with sprints of user stories.

Each template appends to a :class:`~kuroko.demo.plan.Plan` and returns the indices of its named
milestones and tasks ("anchors"), which the demo uses for links between projects.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import date
from itertools import cycle

from kuroko.demo.plan import Plan, Pred, ff, ss
from kuroko.demo.workdays import WorkCalendar


class Staff:
    """The people who own a project's tasks (person pks), handed out in rotation so that every lead
    and member gets work."""

    def __init__(
        self, manager: int, *, leads: Sequence[int], members: Sequence[int], reviewers: Sequence[int]
    ) -> None:
        self.manager = manager
        self._leads = cycle(list(leads) or [manager])
        self._members = cycle(list(members) or list(leads) or [manager])
        self._reviewers = cycle(list(reviewers) or list(leads) or [manager])

    def lead(self) -> int:
        return next(self._leads)

    def member(self) -> int:
        return next(self._members)

    def reviewer(self) -> int:
        return next(self._reviewers)


# --- System integration (waterfall) -------------------------------------------------------------

SI_TEXT: dict[str, tuple[str, str]] = {
    "req": ("要件定義", "Requirements"),
    "asis": ("現行業務・システム調査", "As-is business and system analysis"),
    "busreq": ("業務要件定義", "Business requirements"),
    "funcreq": ("機能要件定義", "Functional requirements"),
    "nfr": ("非機能要件定義", "Non-functional requirements"),
    "reqreview": ("要件定義書レビュー", "Requirements specification review"),
    "signoff": ("要件定義書 顧客承認", "Customer sign-off of the requirements"),
    "req_done": ("要件定義完了", "Requirements complete"),
    "basic": ("基本設計", "Basic design"),
    "arch": ("方式設計(システム基盤)", "Architecture design"),
    "common": ("共通部品設計", "Common components design"),
    "screen": ("画面設計", "Screen design"),
    "ifdesign": ("帳票・外部IF設計", "Report and interface design"),
    "basicdoc": ("基本設計書作成", "Basic design document"),
    "basicreview": ("基本設計レビュー", "Basic design review"),
    "basic_done": ("基本設計完了", "Basic design complete"),
    "detail": ("詳細設計", "Detailed design"),
    "progdesign": ("プログラム設計", "Program design"),
    "dbdesign": ("DB物理設計", "Physical database design"),
    "ddreview": ("詳細設計レビュー", "Detailed design review"),
    "dd_done": ("詳細設計完了", "Detailed design complete"),
    "build": ("製造", "Build"),
    "devenv": ("開発環境構築", "Development environment setup"),
    "coding": ("コーディング", "Coding"),
    "unittest": ("単体テスト", "Unit test"),
    "codereview": ("コードレビュー", "Code review"),
    "build_done": ("製造完了", "Build complete"),
    "test": ("テスト", "Test"),
    "itplan": ("結合テスト計画・仕様書作成", "Integration test plan and cases"),
    "it": ("結合テスト", "Integration test"),
    "extif": ("外部システム連携テスト", "External interface test"),
    "st": ("総合テスト", "System test"),
    "perf": ("性能テスト", "Performance test"),
    "uat": ("受入テスト支援", "User acceptance test support"),
    "test_done": ("テスト完了", "Test complete"),
    "release": ("リリース", "Release"),
    "migplan": ("移行計画書作成", "Migration plan"),
    "rehearsal": ("移行リハーサル", "Migration rehearsal"),
    "handover": ("運用引継ぎ", "Operations handover"),
    "cutover": ("本番移行", "Production cutover"),
    "golive": ("本番稼働", "Go-live"),
    "hypercare": ("初期稼働支援", "Hypercare"),
    "accepted": ("検収完了", "Final acceptance"),
    "gate": ("工程完了判定会議で判定(PMO同席)", "Phase gate review with the customer; PMO attends."),
}


def si_project(
    plan: Plan,
    rng: random.Random,
    staff: Staff,
    *,
    lang: str,
    modules: Sequence[str],
    not_before: Mapping[str, int] | None = None,
) -> dict[str, int]:
    """A system-integration project: six phases with a milestone at each end, one group of tasks per
    module in the design and build phases, staggered starts (SS with lag), reviews tied to the work
    they review (FF with lag). `not_before` holds earliest starts for the anchors "extif" and
    "rehearsal" (links from other projects)."""
    col = 0 if lang == "ja" else 1
    limits = not_before or {}

    def t(key: str) -> str:
        return SI_TEXT[key][col]

    def per(key: str, module: str) -> str:
        return f"{module} {t(key)}" if lang == "ja" else f"{t(key)} – {module}"

    def days(low: int, high: int) -> int:
        return rng.randint(low, high)

    def stagger(previous: int | None) -> list[Pred]:
        return [] if previous is None else [ss(previous, rng.randint(1, 3))]

    pm = staff.manager
    a: dict[str, int] = {}

    req = plan.summary(t("req"), owner=pm)
    asis = plan.task(t("asis"), days(8, 12), req, owner=staff.lead())
    bus = plan.task(t("busreq"), days(10, 15), req, preds=[asis], owner=staff.lead())
    func = plan.task(t("funcreq"), days(10, 15), req, preds=[ss(bus, 5)], owner=staff.lead())
    nfr = plan.task(t("nfr"), days(5, 10), req, preds=[ss(func, 3)], owner=staff.lead())
    review = plan.task(t("reqreview"), days(3, 5), req, preds=[bus, func, nfr], owner=staff.reviewer())
    plan.task(t("signoff"), days(1, 2), req, preds=[review], owner=pm)
    a["requirements_done"] = plan.milestone(
        t("req_done"), req, preds=plan.open_ends(req), owner=pm, notes=t("gate")
    )

    basic = plan.summary(t("basic"), owner=pm)
    plan.link(req, basic)
    arch = plan.task(t("arch"), days(8, 12), basic, preds=[a["requirements_done"]], owner=staff.lead())
    plan.task(t("common"), days(5, 8), basic, preds=[ss(arch, 3)], owner=staff.lead())
    previous: int | None = None
    for module in modules:
        group = plan.summary(module, basic, owner=staff.lead())
        who = staff.member()
        screen = plan.task(
            per("screen", module),
            days(3, 8),
            group,
            preds=[a["requirements_done"], *stagger(previous)],
            owner=who,
        )
        design = plan.task(per("ifdesign", module), days(3, 6), group, preds=[screen], owner=who)
        plan.task(per("basicdoc", module), days(2, 5), group, preds=[design], owner=who)
        previous = screen
    review = plan.task(
        t("basicreview"), days(3, 5), basic, preds=plan.open_ends(basic), owner=staff.reviewer()
    )
    a["basic_design_done"] = plan.milestone(t("basic_done"), basic, preds=[review], owner=pm, notes=t("gate"))

    detail = plan.summary(t("detail"), owner=pm)
    plan.link(basic, detail)
    reviewed: dict[str, int] = {}
    previous = None
    for module in modules:
        group = plan.summary(module, detail, owner=staff.lead())
        who = staff.member()
        program = plan.task(
            per("progdesign", module),
            days(5, 10),
            group,
            preds=[a["basic_design_done"], *stagger(previous)],
            owner=who,
        )
        db = plan.task(per("dbdesign", module), days(2, 4), group, preds=[ss(program, 2)], owner=who)
        reviewed[module] = plan.task(
            per("ddreview", module), days(1, 2), group, preds=[program, db], owner=staff.reviewer()
        )
        previous = program
    a["detailed_design_done"] = plan.milestone(
        t("dd_done"), detail, preds=plan.open_ends(detail), owner=pm, notes=t("gate")
    )

    build = plan.summary(t("build"), owner=pm)
    env = plan.task(t("devenv"), days(3, 5), build, preds=[a["basic_design_done"]], owner=staff.lead())
    previous = None
    for module in modules:
        group = plan.summary(module, build, owner=staff.lead())
        who = staff.member()
        coding = plan.task(
            per("coding", module),
            days(8, 15),
            group,
            preds=[reviewed[module], env, *stagger(previous)],
            owner=who,
        )
        unit = plan.task(per("unittest", module), days(4, 8), group, preds=[coding], owner=who)
        plan.task(
            per("codereview", module),
            days(2, 4),
            group,
            preds=[ss(coding, 3), ff(unit, 1)],
            owner=staff.reviewer(),
        )
        previous = coding
    a["build_done"] = plan.milestone(
        t("build_done"), build, preds=plan.open_ends(build), owner=pm, notes=t("gate")
    )

    test = plan.summary(t("test"), owner=pm)
    it_plan = plan.task(t("itplan"), days(5, 8), test, preds=[a["detailed_design_done"]], owner=staff.lead())
    it_group = plan.summary(t("it"), test, owner=staff.lead())
    previous = None
    for module in modules:
        previous = plan.task(
            per("it", module),
            days(4, 8),
            it_group,
            preds=[a["build_done"], it_plan, *stagger(previous)],
            owner=staff.member(),
        )
    a["extif"] = plan.task(
        t("extif"),
        days(5, 10),
        test,
        preds=plan.open_ends(it_group),
        not_before=limits.get("extif"),
        owner=staff.lead(),
    )
    system = plan.task(t("st"), days(10, 20), test, preds=[a["extif"]], owner=staff.lead())
    plan.task(t("perf"), days(5, 8), test, preds=[ss(system, 5)], owner=staff.member())
    uat = plan.task(t("uat"), days(10, 15), test, preds=[system], owner=staff.lead())
    a["test_done"] = plan.milestone(
        t("test_done"), test, preds=plan.open_ends(test), owner=pm, notes=t("gate")
    )

    release = plan.summary(t("release"), owner=pm)
    migration = plan.task(t("migplan"), days(3, 5), release, preds=[a["build_done"]], owner=staff.lead())
    a["rehearsal"] = plan.task(
        t("rehearsal"),
        days(3, 5),
        release,
        preds=[migration, system],
        not_before=limits.get("rehearsal"),
        owner=staff.lead(),
    )
    handover = plan.task(t("handover"), days(3, 5), release, preds=[uat], owner=staff.lead())
    cutover = plan.task(
        t("cutover"), days(1, 2), release, preds=[a["test_done"], a["rehearsal"], handover], owner=pm
    )
    a["go_live"] = plan.milestone(t("golive"), release, preds=[cutover], owner=pm)
    hypercare = plan.task(t("hypercare"), days(10, 20), release, preds=[a["go_live"]], owner=staff.lead())
    a["accepted"] = plan.milestone(t("accepted"), release, preds=[hypercare], owner=pm)
    return a


# --- Maintenance (monthly work packages) ----------------------------------------------------------


def maintenance_project(
    plan: Plan,
    rng: random.Random,
    staff: Staff,
    calendar: WorkCalendar,
    *,
    first_month: date,
    months: int = 12,
) -> dict[str, int]:
    """An application-maintenance contract: a work package per month (meeting, inquiries, incidents,
    patching, monthly report) plus yearly planning and a disaster-recovery drill (Japanese)."""
    a: dict[str, int] = {}
    start = calendar.index(first_month)
    setup = plan.summary("年間保守計画・体制整備", owner=staff.manager)
    kickoff = plan.task("年間保守計画書作成", 5, setup, not_before=start, owner=staff.manager)
    plan.task("保守体制・連絡網の見直し", 2, setup, preds=[ss(kickoff, 1)], owner=staff.lead())
    a["plan_agreed"] = plan.milestone(
        "年間保守計画 合意", setup, preds=plan.open_ends(setup), owner=staff.manager
    )
    report_done = a["plan_agreed"]
    for number in range(months):
        year = first_month.year + (first_month.month - 1 + number) // 12
        month = (first_month.month - 1 + number) % 12 + 1
        begin = calendar.index(date(year, month, 1))
        end = calendar.index(date(year + month // 12, month % 12 + 1, 1))
        length = end - begin
        package = plan.summary(f"{year}年{month}月 運用保守", owner=staff.lead())
        plan.task(f"問合せ対応({month}月)", length, package, not_before=begin, owner=staff.member())
        plan.task(
            f"障害対応・一次切り分け({month}月)", length, package, not_before=begin, owner=staff.member()
        )
        plan.task(
            f"月次定例会({month}月)",
            1,
            package,
            preds=[report_done],
            not_before=begin + 3,
            owner=staff.manager,
        )
        patch = plan.task(
            f"月次パッチ適用({month}月)", 2, package, not_before=begin + 8, owner=staff.member()
        )
        if month == 10:
            plan.task(
                "年次DR(災害復旧)訓練",
                3,
                package,
                preds=[patch],
                owner=staff.lead(),
                notes="バックアップサイトへの切替を実施し、RTO 4時間以内を確認する。",
            )
        report = plan.task(
            f"稼働状況レポート作成({month}月)",
            2,
            package,
            preds=[patch],
            not_before=end - 4,
            owner=staff.lead(),
        )
        report_done = plan.milestone(f"月次報告({month}月)", package, preds=[report], owner=staff.manager)
    a["last_report"] = report_done
    close = plan.summary("年度末対応", owner=staff.manager)
    review = plan.task(
        "年間保守実績レビュー・次年度契約更新判断", 3, close, preds=[report_done], owner=staff.manager
    )
    a["renewal"] = plan.milestone("次年度保守契約 更新", close, preds=[review], owner=staff.manager)
    return a


# --- Agile (sprints of user stories) -------------------------------------------------------------

STORY_AREAS: list[tuple[str, list[str]]] = [
    (
        "Search",
        [
            "Keyword search with suggestions",
            "Filter by size, colour and price",
            "Sort search results",
            "Barcode scan search",
            "Recent searches",
            "Zero-result recommendations",
        ],
    ),
    (
        "Product",
        [
            "Product detail page",
            "Image gallery with zoom",
            "Size guide",
            "Stock by store",
            "Share product link",
            "Recently viewed items",
        ],
    ),
    (
        "Cart",
        [
            "Add to cart from list",
            "Edit quantities in cart",
            "Save cart across devices",
            "Cart price recalculation",
            "Gift wrapping option",
        ],
    ),
    (
        "Checkout",
        [
            "Guest checkout",
            "Saved addresses",
            "Credit card payment (3-D Secure)",
            "Apple Pay and Google Pay",
            "Convenience-store payment",
            "Delivery date and time slot",
            "Order confirmation screen",
        ],
    ),
    (
        "Account",
        [
            "Sign up with email",
            "Sign in with Apple/Google",
            "Password reset",
            "Profile and preferences",
            "Delete account (privacy)",
        ],
    ),
    ("Orders", ["Order history", "Order tracking", "Cancel an order", "Return request", "Digital receipt"]),
    ("Loyalty", ["Points balance", "Earn points on purchase", "Use points at checkout", "Member rank badge"]),
    ("Coupons", ["Coupon wallet", "Apply coupon at checkout", "Birthday coupon"]),
    (
        "Notifications",
        [
            "Push notification opt-in",
            "Price-drop alerts",
            "Back-in-stock alerts",
            "Order status notifications",
        ],
    ),
    ("Stores", ["Store locator map", "Store opening hours", "Click and collect"]),
    ("Reviews", ["Write a review", "Review photos", "Helpful votes on reviews"]),
    ("Home", ["Personalised home feed", "Campaign banners", "Category navigation", "Time-sale countdown"]),
    ("Wish list", ["Add to wish list", "Share a wish list", "Wish-list price alerts"]),
    (
        "Settings",
        ["Language switch (Japanese/English)", "Notification settings", "Terms and privacy consent"],
    ),
    ("Support", ["In-app FAQ", "Chat support", "Contact form with order reference"]),
    (
        "Platform",
        [
            "Crash reporting and analytics",
            "Accessibility audit fixes",
            "Dark mode",
            "Offline product cache",
            "App start-up performance",
            "Feature flags",
        ],
    ),
]


def agile_project(
    plan: Plan, rng: random.Random, staff: Staff, *, sprints: int, lanes: int = 3
) -> dict[str, int]:
    """A mobile-app project (English): an inception phase, then two-week sprints in which developer
    lanes work through user stories of the backlog, each sprint closed by a review; a release
    milestone every four sprints."""
    a: dict[str, int] = {}
    backlog = [f"{area}: {story}" for area, stories in STORY_AREAS for story in stories]
    inception = plan.summary("Inception", owner=staff.manager)
    vision = plan.task("Product vision workshop", 2, inception, owner=staff.manager)
    refine = plan.task("Initial backlog and story mapping", 4, inception, preds=[vision], owner=staff.lead())
    plan.task(
        "Architecture spike (BFF and API gateway)", 5, inception, preds=[ss(refine, 1)], owner=staff.lead()
    )
    plan.task("CI/CD pipeline and test devices", 4, inception, preds=[vision], owner=staff.member())
    gate = plan.milestone(
        "Inception complete", inception, preds=plan.open_ends(inception), owner=staff.manager
    )
    story_number = 101
    for number in range(1, sprints + 1):
        sprint = plan.summary(f"Sprint {number}", owner=staff.lead())
        sprint_start = plan.items[gate].finish
        ends: list[int] = []
        for _lane in range(lanes):
            developer = staff.member()
            budget = 9
            previous = gate
            while budget >= 2 and backlog:
                size = min(budget, rng.choice([2, 3, 3, 4, 5]))
                points = {2: 2, 3: 3, 4: 5, 5: 8}[size]
                previous = plan.task(
                    f"US-{story_number} {backlog.pop(0)}",
                    size,
                    sprint,
                    preds=[previous],
                    owner=developer,
                    notes=f"Story points: {points}",
                )
                story_number += 1
                budget -= size
            if previous != gate:
                ends.append(previous)
        review = plan.task(
            f"Sprint {number} review and retrospective",
            1,
            sprint,
            preds=ends or [gate],
            not_before=sprint_start + 9,
            owner=staff.manager,
        )
        gate = plan.milestone(f"Sprint {number} done", sprint, preds=[review], owner=staff.manager)
        if number % 4 == 0 or number == sprints:
            version = f"{(number + 3) // 4}.0"
            a[f"release_{version}"] = plan.milestone(
                f"Release {version} to App Store and Google Play", None, preds=[gate], owner=staff.manager
            )
    a["last_sprint"] = gate
    return a
