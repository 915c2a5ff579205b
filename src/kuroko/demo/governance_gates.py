"""Demo data of the governance gates part (issue 8): phase gates (工程完了判定) of the demo projects.

Projects whose phases the templates part did not create get one phase per top-level summary task. Each
phase gets its standard deliverables and gate criteria when it has none. Finished phases have decided
reviews — mostly go, one conditional go with two actions, one no-go followed by a go — and the current
phase of some projects an open review with two approvers, one of whom has voted. Deliverable statuses
follow progress. Deterministic: its own random stream from the seed; rows are written directly (no
metric is computed: the evidence is as recorded).
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from kuroko.core.models import User
from kuroko.governance.models import (
    CriterionKind,
    Deliverable,
    DeliverableStatus,
    GateApproval,
    GateCriterion,
    GateDecision,
    GateReview,
    GateReviewAnswer,
    GateReviewStatus,
    Phase,
    ResultChoice,
)
from kuroko.governance.services.gates import compare
from kuroko.projects.models import Project, Status, Task, TaskKind
from kuroko.raid.models import ActionItem

# Deliverables by phase (Japanese, English), matched on the phase's name.
DELIVERABLES: list[tuple[tuple[str, ...], list[tuple[str, str]]]] = [
    (
        ("要件", "Requirement"),
        [
            ("要件定義書", "Requirements specification"),
            ("非機能要件一覧", "Non-functional requirements list"),
        ],
    ),
    (
        ("基本設計", "Basic design"),
        [("基本設計書", "Basic design document"), ("画面・帳票一覧", "Screen and report list")],
    ),
    (("詳細設計", "Detailed design"), [("詳細設計書", "Detailed design document")]),
    (
        ("製造", "開発", "Build", "Development", "Construction"),
        [("ソースコード", "Source code"), ("単体テスト報告書", "Unit test report")],
    ),
    (("テスト", "試験", "Test"), [("テスト計画書", "Test plan"), ("テスト結果報告書", "Test report")]),
    (
        ("移行", "リリース", "Release", "Migration", "Cutover"),
        [("移行計画書", "Migration plan"), ("運用手順書", "Operations manual")],
    ),
]
GENERIC = [("%s 成果物", "%s deliverables")]
CHECKLIST = [
    ("顧客レビューで指摘事項がすべてクローズしている", "Every customer review finding is closed"),
    ("次工程の要員と体制が確定している", "People and roles of the next phase are confirmed"),
]
NO_GO_COMMENT = (
    "設計書レビューの指摘が未解決のため差し戻し",
    "Review findings are still open: back to the team",
)
CONDITIONS = ("性能検証を次工程の前半で完了すること", "Finish the performance check early in the next phase")
CONDITION_ACTIONS = [
    ("性能検証の計画を作成する", "Plan the performance check"),
    ("指摘事項の残件を解消する", "Close the remaining review findings"),
]


def _ja(project: Project, first_task: Task | None) -> bool:
    text = first_task.name if first_task is not None else project.name
    return any(ord(ch) > 0x3000 for ch in text)


def _text(ja: bool, pair: tuple[str, str]) -> str:
    return pair[0] if ja else pair[1]


def _deliverables_for(name: str) -> list[tuple[str, str]]:
    for keys, rows in DELIVERABLES:
        if any(k.lower() in name.lower() for k in keys):
            return rows
    return [(GENERIC[0][0] % name, GENERIC[0][1] % name)]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _phases(project: Project) -> list[Phase]:
    phases = list(Phase.objects.filter(project=project).select_related("task").order_by("number", "pk"))
    if phases:
        return phases
    tops = list(
        Task.objects.filter(project=project, parent__isnull=True, kind=TaskKind.SUMMARY).order_by("row")
    )
    if len(tops) < 2:
        return []
    Phase.objects.bulk_create(
        [Phase(project=project, number=n, name=t.name, task=t) for n, t in enumerate(tops, start=1)]
    )
    return list(Phase.objects.filter(project=project).select_related("task").order_by("number", "pk"))


def _gate_day(phase: Phase) -> date | None:
    if phase.gate_date is not None:
        return phase.gate_date
    return phase.task.planned_finish if phase.task is not None else None


def _standards(phase: Phase, ja: bool, owners: list[int], rng: random.Random) -> None:
    """Deliverables and criteria of a phase that has none (written in two bulk inserts)."""
    deliverables = list(phase.deliverables.order_by("pk"))
    if not deliverables:
        day = _gate_day(phase)
        deliverables = Deliverable.objects.bulk_create(
            [
                Deliverable(
                    project_id=phase.project_id,
                    phase=phase,
                    name=_text(ja, pair),
                    owner_id=rng.choice(owners) if owners else None,
                    due=day - timedelta(days=5) if day else None,
                    reference=f"\\\\fileserver\\{phase.project.code}\\{phase.number:02}\\",
                )
                for pair in _deliverables_for(phase.name)
            ]
        )
    if phase.criteria.exists():
        return
    rows = [
        GateCriterion(
            phase=phase,
            kind=CriterionKind.DELIVERABLE,
            deliverable=d,
            text=(f"{d.name} 承認済み" if ja else f"{d.name} approved"),
            required=d.required,
        )
        for d in deliverables
    ]
    rows += [
        GateCriterion(phase=phase, kind=CriterionKind.CHECKLIST, text=_text(ja, pair))
        for pair in CHECKLIST[: 1 + phase.number % 2]
    ]
    rows.append(
        GateCriterion(
            phase=phase,
            kind=CriterionKind.METRIC,
            metric="spi",
            operator=">=",
            threshold=Decimal("0.9"),
            text="SPI ≥ 0.9",
        )
    )
    if any(k in phase.name for k in ("テスト", "試験", "Test")):
        rows.append(
            GateCriterion(
                phase=phase,
                kind=CriterionKind.METRIC,
                metric="open_defects_sev1",
                operator="=",
                threshold=Decimal(0),
                text="重大度1の未解決不具合 = 0" if ja else "Open severity-1 defects = 0",
            )
        )
    for number, row in enumerate(rows, start=1):
        row.number = number
    GateCriterion.objects.bulk_create(rows)


def _metric_value(c: GateCriterion, *, passing: bool, rng: random.Random) -> Decimal:
    """A plausible recorded value of a metric criterion that meets it (or misses it)."""
    threshold = c.threshold if c.threshold is not None else Decimal(0)
    if c.metric == "spi":
        value = Decimal(rng.randint(92, 104)) / 100
        if compare(value, c.operator, threshold) == passing:
            return value
    above = c.operator in (">=", ">")
    below = c.operator in ("<=", "<")
    step = Decimal("0.05") if threshold < 10 else Decimal(5)
    if passing:
        return (
            threshold + step
            if c.operator == ">"
            else max(Decimal(0), threshold - step)
            if c.operator == "<"
            else threshold
        )
    if above:
        return max(Decimal(0), threshold - step)
    if below:
        return threshold + step
    return threshold + step  # "=": any other value misses it


def _answers(
    review: GateReview, *, day: date, passing: bool, reviewer: Any, rng: random.Random, ja: bool
) -> None:
    rows = []
    for c in review.phase.criteria.select_related("deliverable", "deliverable__owner").order_by("number"):
        a = GateReviewAnswer(review=review, criterion=c)
        if c.kind == CriterionKind.DELIVERABLE and c.deliverable is not None:
            status = DeliverableStatus.APPROVED if passing else DeliverableStatus.SUBMITTED
            a.result = ResultChoice.PASS if passing else ResultChoice.FAIL
            a.automatic = True
            a.evidence = {"deliverable": c.deliverable.name, "status": str(status),
                          "owner": str(c.deliverable.owner or ""), "as_of": day.isoformat(),
                          "due": c.deliverable.due.isoformat() if c.deliverable.due else None}  # fmt: skip
        elif c.kind == CriterionKind.METRIC:
            value = _metric_value(c, passing=passing, rng=rng)
            a.value = value
            a.automatic = True
            ok = c.threshold is not None and compare(value, c.operator, c.threshold)
            a.result = ResultChoice.PASS if ok else ResultChoice.FAIL
            a.evidence = {
                "metric": c.metric,
                "value": f"{value.normalize():f}",
                "operator": c.operator,
                "threshold": f"{(c.threshold or Decimal(0)).normalize():f}",
                "as_of": day.isoformat(),
            }
        else:
            a.result = ResultChoice.PASS if passing else ResultChoice.FAIL
            a.comment = "" if passing else _text(ja, NO_GO_COMMENT)
            a.answered_by = reviewer
            a.answered_at = _at(day, 9)
        rows.append(a)
    GateReviewAnswer.objects.bulk_create(rows)


def build(*, seed: int, today: date) -> None:
    """Add the gates part's demo rows (called by kuroko.demo.generator.build_demo, in part order)."""
    rng = random.Random(seed * 7 + 8)
    users = {u.username: u for u in User.objects.filter(username__in=["pmo", "exec", "pm", "admin"])}
    people = {name: getattr(u, "person", None) for name, u in users.items()}
    pmo, executive = people.get("pmo"), people.get("exec")
    if pmo is None or executive is None:
        return
    conditional_done = no_go_done = overdue_done = False
    projects = Project.objects.filter(status__in=[Status.ACTIVE, Status.CLOSED, Status.ON_HOLD]).order_by(
        "code"
    )
    for index, project in enumerate(projects.select_related("manager", "sponsor")):
        phases = _phases(project)
        if not phases:
            continue
        ja = _ja(project, phases[0].task)
        owners = list(
            Task.objects.filter(project=project, owner__isnull=False)
            .values_list("owner_id", flat=True)
            .distinct()[:6]
        )
        for phase in phases:
            _standards(phase, ja, owners, rng)
        reviewer = project.manager.user if project.manager and project.manager.user_id else users["pm"]
        sponsor = project.sponsor if project.sponsor_id and project.sponsor_id != pmo.pk else executive
        current_seen = False
        for phase in phases:
            day = _gate_day(phase)
            finished = phase.task is not None and phase.task.percent_complete >= 100
            deliverables = list(phase.deliverables.all())
            if finished and day is not None and day <= today:
                Deliverable.objects.filter(pk__in=[d.pk for d in deliverables]).update(
                    status=DeliverableStatus.APPROVED,
                    submitted_at=_at(day - timedelta(days=4)),
                    approved_by=reviewer,
                )
                if phase.reviews.exists():
                    continue
                if not no_go_done and phase.number == 1 and index % 2 == 1:
                    no_go_done = True
                    _decided(
                        phase, day - timedelta(days=7), GateDecision.NO_GO, pmo, sponsor, reviewer, rng, ja
                    )
                    _decided(
                        phase,
                        min(day + timedelta(days=2), today),
                        GateDecision.GO,
                        pmo,
                        sponsor,
                        reviewer,
                        rng,
                        ja,
                    )
                elif not conditional_done and phase.number >= 2:
                    conditional_done = True
                    _decided(
                        phase, day, GateDecision.CONDITIONAL, pmo, sponsor, reviewer, rng, ja, today=today
                    )
                else:
                    _decided(phase, day, GateDecision.GO, pmo, sponsor, reviewer, rng, ja)
                continue
            if current_seen:
                continue  # later phases: their deliverables wait
            current_seen = True
            progress = phase.task.percent_complete if phase.task is not None else 0
            done = round(len(deliverables) * progress / 100)
            for n, d in enumerate(deliverables):
                if n < done:
                    d.status, d.approved_by = DeliverableStatus.APPROVED, reviewer
                    d.submitted_at = _at(today - timedelta(days=3 + n))
                elif n == done and progress >= 30:
                    d.status, d.submitted_at = DeliverableStatus.SUBMITTED, _at(today - timedelta(days=1))
                d.save()
            if progress >= 60 and index % 3 == 0 and not phase.reviews.exists():
                _open(phase, day or today, pmo, executive, reviewer, rng, ja, today=today)
            elif not overdue_done and progress >= 30 and index % 3 == 2 and not phase.reviews.exists():
                # The gate was planned before the work slipped: it is overdue.
                overdue_done = True
                Phase.objects.filter(pk=phase.pk).update(gate_date=today - timedelta(days=4))


def _decided(
    phase: Phase,
    day: date,
    decision: str,
    pmo: Any,
    sponsor: Any,
    reviewer: Any,
    rng: random.Random,
    ja: bool,
    *,
    today: date | None = None,
) -> GateReview:
    review = GateReview.objects.create(
        phase=phase,
        planned_date=day,
        status=GateReviewStatus.DECIDED,
        decision=decision,
        requested_by=reviewer,
        decided_at=_at(day, 16),
    )
    GateReview.objects.filter(pk=review.pk).update(requested_at=_at(day - timedelta(days=3)))
    _answers(review, day=day, passing=decision != GateDecision.NO_GO, reviewer=reviewer, rng=rng, ja=ja)
    votes = [
        (pmo, decision if decision != GateDecision.CONDITIONAL else GateDecision.GO),
        (sponsor, decision),
    ]
    comment: dict[str, str] = {
        GateDecision.NO_GO: _text(ja, NO_GO_COMMENT),
        GateDecision.CONDITIONAL: _text(ja, CONDITIONS),
    }
    GateApproval.objects.bulk_create(
        [
            GateApproval(
                review=review, person=p, decision=d, comment=comment.get(d, ""), decided_at=_at(day, 15)
            )
            for p, d in votes
            if p is not None
        ]
    )
    if decision == GateDecision.CONDITIONAL:
        review.conditions = _text(ja, CONDITIONS)
        review.save(update_fields=["conditions"])
        top = ActionItem.objects.filter(project=phase.project).aggregate(top=Max("number"))["top"] or 0
        for n, pair in enumerate(CONDITION_ACTIONS, start=1):
            due = day + timedelta(days=7 * n)
            done = today is not None and due < today and n == 1
            action = ActionItem.objects.create(
                project=phase.project,
                number=top + n,
                title=_text(ja, pair),
                owner=phase.project.manager,
                due_date=due,
                status="done" if done else "open",
                completed_on=due if done else None,
                description=_text(ja, ("工程完了判定の条件", "Condition of the phase gate")),
            )
            review.actions.add(action)
    return review


def _open(
    phase: Phase,
    day: date,
    pmo: Any,
    executive: Any,
    reviewer: Any,
    rng: random.Random,
    ja: bool,
    *,
    today: date,
) -> None:
    Deliverable.objects.filter(phase=phase).update(
        status=DeliverableStatus.APPROVED, approved_by=reviewer, submitted_at=_at(today - timedelta(days=2))
    )
    review = GateReview.objects.create(phase=phase, planned_date=max(day, today), requested_by=reviewer)
    GateReview.objects.filter(pk=review.pk).update(requested_at=_at(today - timedelta(days=2)))
    _answers(review, day=today, passing=True, reviewer=reviewer, rng=rng, ja=ja)
    GateApproval.objects.bulk_create(
        [
            GateApproval(
                review=review,
                person=pmo,
                decision=GateDecision.GO,
                comment=_text(ja, ("判定基準をすべて満たしている", "Every criterion is met")),
                decided_at=_at(today - timedelta(days=1), 11),
            ),
            GateApproval(review=review, person=executive),
        ]
    )
