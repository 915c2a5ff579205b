"""Budgets, expenses and planned labour cost of a project (issue 5, first part)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.people import services as people_services
from kuroko.projects import services as project_services
from kuroko.projects.models import Task
from kuroko.tracking import selectors, services
from kuroko.tracking.models import BudgetLine, Expense
from tests.api.test_api import Api

pytestmark = pytest.mark.django_db

APRIL, MAY = date(2027, 4, 1), date(2027, 5, 1)


@pytest.fixture
def costed(world):
    """ALPHA from Thursday 1 April 2027; the member (6,000/h) full time on Screens, 5 working days from
    Thursday 1 to Wednesday 7 April."""
    project = project_services.project_update(
        actor=world.admin, project=world.project, data={"planned_start": APRIL}, expected_version=None
    )
    people_services.rate_card_add(
        actor=world.admin,
        person=world.member.person,
        data={"effective_from": date(2027, 1, 1), "cost_rate": 6000},
    )
    screens = Task.objects.get(pk=world.owned_task.pk)
    project_services.assignment_set(actor=world.pm, task=screens, person=world.member.person)
    return project, screens


def test_budget_lines_are_set_changed_and_removed_with_history(world, costed):
    project, screens = costed
    line = services.budget_set(
        actor=world.pm, project=project, category="labour", month=date(2027, 4, 17), amount=1000000
    )
    assert line.month == APRIL and line.amount == Decimal(1000000)
    services.budget_set(actor=world.pm, project=project, category="labour", month=APRIL, amount="1200000")
    services.budget_set(
        actor=world.pm, project=project, category="expenses", month=MAY, amount=50000, task=screens
    )
    table = selectors.project_budget(project)
    assert table.total() == Decimal(1250000) and table.total("labour") == Decimal(1200000)
    assert table.months == [APRIL, MAY]
    line.refresh_from_db()
    assert [h.amount for h in line.history.order_by("history_date")] == [Decimal(1000000), Decimal(1200000)]
    assert (
        services.budget_set(actor=world.pm, project=project, category="labour", month=APRIL, amount=0) is None
    )
    assert BudgetLine.objects.count() == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"amount": -1}, "amount"),
        ({"amount": 10**13}, "amount"),  # more digits than the column holds
        ({"amount": "lots"}, "amount"),
        ({"category": "snacks"}, "category"),
    ],
)
def test_bad_budget_input_names_the_field_and_changes_nothing(world, costed, kwargs, field):
    project, _screens = costed
    args = {"category": "labour", "month": APRIL, "amount": 100, **kwargs}
    with pytest.raises(ValidationError) as info:
        services.budget_set(actor=world.pm, project=project, **args)
    assert field in info.value.message_dict
    assert not BudgetLine.objects.exists()


def test_a_task_of_another_project_and_outsiders_are_refused(world, costed):
    project, _screens = costed
    with pytest.raises(ValidationError) as info:
        services.budget_set(
            actor=world.admin,
            project=project,
            category="labour",
            month=APRIL,
            amount=1,
            task=world.other_task,
        )
    assert "task" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.budget_set(actor=world.member, project=project, category="labour", month=APRIL, amount=1)
    assert not BudgetLine.objects.exists()


def test_expenses(world, costed):
    project, screens = costed
    expense = services.expense_add(
        actor=world.pm,
        project=project,
        data={"date": date(2027, 4, 9), "category": "expenses", "amount": "12000", "description": "Licence"},
        task=screens,
    )
    assert expense.created_by == world.pm
    assert selectors.actual_expenses(project).total() == Decimal(12000)
    for data, field in (
        ({"date": APRIL, "category": "expenses", "amount": 0, "description": "x"}, "amount"),
        ({"date": APRIL, "category": "expenses", "amount": 5, "description": " "}, "description"),
        ({"category": "expenses", "amount": 5, "description": "x"}, "date"),
    ):
        with pytest.raises(ValidationError) as info:
            services.expense_add(actor=world.pm, project=project, data=data)
        assert field in info.value.message_dict
    with pytest.raises(PermissionDenied):
        services.expense_remove(actor=world.member, expense=expense)
    services.expense_remove(actor=world.pm, expense=expense)
    assert not Expense.objects.exists()


def test_planned_labour_is_work_times_the_rate_of_each_day(world, costed):
    """5 days × 8 h at 6,000/h = 240,000, all in April; a person without a rate is counted and said."""
    project, _screens = costed
    table, missing = selectors.planned_labour(project)
    assert table.rows == {"labour": {APRIL: Decimal(240000)}} and missing == 0
    review = Task.objects.get(pk=world.plain_task.pk)
    project_services.assignment_set(actor=world.pm, task=review, person=world.pm.person)
    assert selectors.planned_labour(project)[1] == 1


def test_page_and_forms(world, costed, client):
    _project, screens = costed
    client.force_login(world.pm)
    assert b"Costs" in client.get("/projects/ALPHA/").content
    client.post(
        "/projects/ALPHA/costs/budget/",
        {"month": "2027-04-10", "category": "labour", "amount": "300000", "task": ""},
    )
    client.post(
        "/projects/ALPHA/costs/expenses/add/",
        {
            "date": "2027-04-09",
            "category": "expenses",
            "amount": "12000",
            "description": "Licence",
            "task": str(screens.pk),
        },
    )
    page = client.get("/projects/ALPHA/costs/").content.decode()
    assert "300,000" in page or "300000" in page
    assert "240000" in page or "240,000" in page
    assert "Licence" in page
    client.post(
        "/projects/ALPHA/costs/budget/", {"month": "2027-04-10", "category": "labour", "amount": "-5"}
    )
    assert BudgetLine.objects.get().amount == Decimal(300000)
    client.force_login(world.member)
    assert client.get("/projects/ALPHA/costs/").status_code == 200
    assert client.post(f"/expenses/{Expense.objects.get().pk}/delete/").status_code == 403


def test_api(world, costed):
    _project, _screens = costed
    pm = Api(world.pm)
    put = pm.put("/projects/ALPHA/budget", {"category": "labour", "month": "2027-04-20", "amount": "500000"})
    assert put.status_code == 200 and put.json()["month"] == "2027-04-01"
    assert [r["amount"] for r in pm.get("/projects/ALPHA/budget").json()] == ["500000.00"]
    bad = pm.put(
        "/projects/ALPHA/budget",
        {"category": "labour", "month": "2027-04-20", "amount": "5", "task_id": world.other_task.pk},
    )
    assert bad.status_code == 422 and "task_id" in bad.content.decode()
    assert (
        pm.put(
            "/projects/ALPHA/budget", {"category": "labour", "month": "2027-04-01", "amount": "0"}
        ).status_code
        == 204
    )
    added = pm.post(
        "/projects/ALPHA/expenses", {"date": "2027-04-09", "amount": "12000", "description": "Licence"}
    )
    assert added.status_code == 201 and added.json()["category"] == "expenses"
    assert (
        Api(world.member)
        .post("/projects/ALPHA/expenses", {"date": "2027-04-09", "amount": "1", "description": "x"})
        .status_code
        == 403
    )
    assert pm.delete(f"/expenses/{added.json()['id']}").status_code == 204
