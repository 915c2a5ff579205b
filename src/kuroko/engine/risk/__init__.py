"""Monte Carlo schedule and cost risk: `simulate(plan, model) -> Forecast` (docs/engine/monte-carlo.md).

Three-point estimates (triangular, PERT-beta, uniform, lognormal), risk events with schedule and cost
impacts, correlation groups and task costs are sampled by Latin Hypercube (or plainly at random) with a
seed; every iteration is scheduled forward with the CPM engine's own rules, vectorised across
iterations. The forecast gives the distribution of the project finish and of each milestone, the cost
distribution, each task's criticality index and its sensitivity (Spearman's rho with the finish).
"""

from kuroko.engine.risk.model import (
    PERCENTILES,
    Correlation,
    CostDistribution,
    DateDistribution,
    Distribution,
    Estimate,
    Forecast,
    RiskEvent,
    RiskInputError,
    RiskModel,
    Samples,
    TaskCost,
)
from kuroko.engine.risk.simulation import MAX_ITERATIONS, simulate

__all__ = [
    "MAX_ITERATIONS",
    "PERCENTILES",
    "Correlation",
    "CostDistribution",
    "DateDistribution",
    "Distribution",
    "Estimate",
    "Forecast",
    "RiskEvent",
    "RiskInputError",
    "RiskModel",
    "Samples",
    "TaskCost",
    "simulate",
]
