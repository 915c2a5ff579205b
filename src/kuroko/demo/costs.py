"""The demo's costs: rate grades (単価区分) with a raise from April, people's grades, contractors' own
rates, monthly budgets of the active projects (labour a little above the planned labour cost, plus
expenses) and a few expenses already spent, so the Costs page and the staffing costs show something.
Deterministic: its own random stream from the seed. Runs after the schedules are stored."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from kuroko.demo.store import bulk_insert
from kuroko.people.models import EmploymentType, Person, RateCard, RateRole
from kuroko.projects.models import Project
from kuroko.tracking.models import BudgetLine, CostCategory, Expense
from kuroko.tracking.selectors import planned_labour

# (code, name, cost per hour, bill rate per hour, share of the employees)
GRADES: list[tuple[str, str, int, int, int]] = [
    ("PM", "プロジェクトマネージャ", 9000, 15000, 10),
    ("SSE", "上級SE", 7500, 12000, 25),
    ("SE", "SE", 6000, 9500, 40),
    ("PG", "プログラマ", 4500, 7000, 25),
]
EXPENSES = [
    ("ライセンス費用", 120000),
    ("出張旅費", 45000),
    ("検証環境クラウド利用料", 80000),
    ("Training course", 60000),
    ("Test devices", 150000),
]


def _round(amount: Decimal) -> Decimal:
    """To the nearest 10,000 yen, as budgets are written (at least 10,000)."""
    return max((amount / 10000).quantize(Decimal(1)), Decimal(1)) * 10000


def build(*, seed: int, today: date) -> int:
    """Create the demo's rates, budgets and expenses; returns how many rows were written."""
    rng = random.Random(f"{seed}-costs")
    since = date(today.year - 2, 4, 1)
    raise_day = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    roles = bulk_insert([RateRole(code=c, name=n) for c, n, *_ in GRADES], RateRole, history=True)
    cards = []
    for role, (_c, _n, cost, bill, _share) in zip(roles, GRADES, strict=True):
        cards.append(
            RateCard(role=role, effective_from=since, cost_rate=Decimal(cost), bill_rate=Decimal(bill))
        )
        # The yearly raise: 3 % from April.
        cards.append(
            RateCard(
                role=role,
                effective_from=raise_day,
                cost_rate=(Decimal(cost) * Decimal("1.03")).quantize(Decimal(10)),
                bill_rate=Decimal(bill),
            )
        )
    people = list(Person.objects.order_by("pk"))
    weights = [share for *_x, share in GRADES]
    for person in people:
        if person.employment_type == EmploymentType.EMPLOYEE:
            person.rate_role = rng.choices(roles, weights)[0]
        else:  # contractors and partners: a rate agreed with them
            cards.append(
                RateCard(
                    person=person,
                    effective_from=since,
                    cost_rate=Decimal(rng.choice((7000, 8000, 8500))),
                    note="契約単価",
                )
            )
    Person.objects.bulk_update(people, ["rate_role"])
    bulk_insert(cards, RateCard, history=True)
    lines: list[BudgetLine] = []
    spent: list[Expense] = []
    for project in Project.objects.filter(status__in=["active", "on_hold"]).order_by("code"):
        labour, _missing = planned_labour(project)
        margin = Decimal(rng.choice(("1.00", "1.05", "1.10")))
        for month, amount in labour.rows.get(CostCategory.LABOUR.value, {}).items():
            lines.append(
                BudgetLine(
                    project=project,
                    category=CostCategory.LABOUR,
                    month=month,
                    amount=_round(amount * margin),
                )
            )
            lines.append(
                BudgetLine(
                    project=project,
                    category=CostCategory.EXPENSES,
                    month=month,
                    amount=_round(amount * Decimal("0.03")),
                )
            )
        for _i in range(rng.randint(2, 5)):
            what, price = rng.choice(EXPENSES)
            spent.append(
                Expense(
                    project=project,
                    date=today - timedelta(days=rng.randint(1, 120)),
                    category=CostCategory.EXPENSES,
                    amount=Decimal(price),
                    description=what,
                )
            )
    bulk_insert(lines, BudgetLine, history=True)
    bulk_insert(spent, Expense, history=True)
    return len(roles) + len(cards) + len(lines) + len(spent)
