"""Reads of the tracking app, one module per capability; the names are re-exported here."""

from kuroko.tracking.selectors.costs import (
    CostTable,
    actual_expenses,
    budget_lines,
    month_of,
    planned_labour,
    project_budget,
    project_expenses,
)
from kuroko.tracking.selectors.evm import (
    PortfolioEvm,
    ProjectEvm,
    index_colour,
    portfolio_evm,
    project_evm,
    project_snapshots,
)

__all__ = [
    "CostTable",
    "PortfolioEvm",
    "ProjectEvm",
    "actual_expenses",
    "budget_lines",
    "index_colour",
    "month_of",
    "planned_labour",
    "portfolio_evm",
    "project_budget",
    "project_evm",
    "project_expenses",
    "project_snapshots",
]
