"""Reliability growth curves (信頼度成長曲線): how many defects a system holds in total, judged from the
cumulative count found over test time.

`fit_growth(times, cumulative, model=...)` fits one of the two curves of Japanese SI quality practice by
least squares and returns a `GrowthFit`:

- Gompertz: N(t) = a · exp(−b · exp(−c · t))
- logistic: N(t) = a / (1 + b · exp(−c · t))

`a` is the asymptote — the estimated total number of defects — so `a − found` are the latent defects still
in the system. A fit whose inflection point lies at or after the last observation is refused (the count
has not started to flatten). The fit is *converged* (収束) when the defects found reach `converged_ratio`
of the estimate, the last period found few new ones and the curve fits well (see `GrowthFit.converged`).
The method, the judgement and a worked example are in docs/engine/reliability-growth.md.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

Model = Literal["gompertz", "logistic"]
ModelChoice = Literal["gompertz", "logistic", "best"]
MODELS: tuple[Model, ...] = ("gompertz", "logistic")

FloatArray = npt.NDArray[np.float64]

# The asymptote is searched up to this multiple of the defects found: a curve that needs more has not
# bent yet, and its total cannot be estimated.
_A_LIMIT = 20.0


def _gompertz(t: FloatArray, a: float, b: float, c: float) -> FloatArray:
    result: FloatArray = a * np.exp(-b * np.exp(-c * t))
    return result


def _logistic(t: FloatArray, a: float, b: float, c: float) -> FloatArray:
    result: FloatArray = a / (1.0 + b * np.exp(-c * t))
    return result


_CURVES: dict[Model, Callable[[FloatArray, float, float, float], FloatArray]] = {
    "gompertz": _gompertz,
    "logistic": _logistic,
}


@dataclass(frozen=True, slots=True)
class GrowthFit:
    """A fitted reliability growth curve and what it says about the defects left.

    Attributes
    ----------
    model
        "gompertz" or "logistic".
    a, b, c
        The curve's parameters (a: the estimated total number of defects; c per unit of `times`).
    r_squared
        The coefficient of determination of the fit on the cumulative counts (1 is a perfect fit).
    found
        The last cumulative count.
    last_increment
        Defects found in the last period (the last cumulative count minus the one before).
    converged_ratio, increment_ratio, min_r_squared
        The thresholds of the convergence judgement.
    """

    model: Model
    a: float
    b: float
    c: float
    r_squared: float
    found: float
    last_increment: float
    converged_ratio: float = 0.95
    increment_ratio: float = 0.02
    min_r_squared: float = 0.9

    def __post_init__(self) -> None:
        if self.model not in MODELS:
            raise ValueError(f"The model must be one of {', '.join(MODELS)}, not {self.model!r}.")
        for name in ("a", "b", "c", "r_squared", "found", "last_increment"):
            if not math.isfinite(getattr(self, name)):
                raise ValueError(f"The fit's {name} must be a finite number.")
        if self.a <= 0 or self.b <= 0 or self.c <= 0:
            raise ValueError("The curve's parameters a, b and c must be positive.")
        if not 0 < self.converged_ratio <= 1:
            raise ValueError("The converged ratio must be above 0 and at most 1.")
        if not 0 <= self.increment_ratio < 1:
            raise ValueError("The increment ratio must be at least 0 and below 1.")
        if not 0 <= self.min_r_squared <= 1:
            raise ValueError("The minimum R² must be between 0 and 1.")

    @property
    def latent(self) -> float:
        """Defects estimated to remain: a − found, never below 0."""
        return max(0.0, self.a - self.found)

    @property
    def ratio(self) -> float:
        """The share of the estimated total found so far (found / a, at most 1)."""
        return min(1.0, self.found / self.a)

    @property
    def converged(self) -> bool:
        """True when `ratio ≥ converged_ratio`, the last period found at most `increment_ratio · a`
        defects and the curve fits with `r_squared ≥ min_r_squared`: most defects are found, the count
        has flattened, and the estimate is trustworthy."""
        return (
            self.ratio >= self.converged_ratio
            and self.last_increment <= self.increment_ratio * self.a
            and self.r_squared >= self.min_r_squared
        )

    @property
    def inflection(self) -> float:
        """The time of the curve's inflection point (steepest growth), ln(b) / c for both models: the
        curve flattens only after it."""
        return math.log(self.b) / self.c

    def value(self, t: float) -> float:
        """The fitted cumulative count at time `t`."""
        return float(_CURVES[self.model](np.array([t], dtype=np.float64), self.a, self.b, self.c)[0])

    def curve(self, times: Sequence[float]) -> tuple[float, ...]:
        """The fitted cumulative counts at `times` (for a chart)."""
        values = _CURVES[self.model](np.asarray(times, dtype=np.float64), self.a, self.b, self.c)
        return tuple(float(v) for v in values)

    def t_at(self, ratio: float) -> float:
        """The time at which the curve reaches `ratio` of the estimated total (0 < ratio < 1): the
        forecast of when that share of the defects will have been found (may lie in the past)."""
        if not 0 < ratio < 1:
            raise ValueError("The ratio must be above 0 and below 1.")
        if self.model == "gompertz":
            # r = exp(−b·e^(−ct))  ⇒  t = −ln(−ln r / b) / c
            return -math.log(-math.log(ratio) / self.b) / self.c
        # r = 1 / (1 + b·e^(−ct))  ⇒  t = −ln((1/r − 1) / b) / c
        return -math.log((1.0 / ratio - 1.0) / self.b) / self.c


def _check(times: Sequence[float], cumulative: Sequence[float]) -> tuple[FloatArray, FloatArray]:
    if len(times) != len(cumulative):
        raise ValueError("Times and cumulative counts must have the same length.")
    if len(times) < 4:
        raise ValueError("At least 4 points are needed to fit a growth curve.")
    t = np.asarray(times, dtype=np.float64)
    y = np.asarray(cumulative, dtype=np.float64)
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(y))):
        raise ValueError("Times and cumulative counts must be finite numbers.")
    if np.any(np.diff(t) <= 0):
        raise ValueError("Times must be strictly increasing.")
    if np.any(y < 0):
        raise ValueError("Cumulative counts cannot be negative.")
    if np.any(np.diff(y) < 0):
        raise ValueError("Cumulative counts cannot decrease.")
    if y[-1] <= y[0]:
        raise ValueError("The cumulative count does not grow: there is no curve to fit.")
    return t, y


def _fit_one(model: Model, s: FloatArray, y: FloatArray) -> tuple[float, float, float, float] | None:
    """Least-squares fit of `model` on scaled times `s` (0…1): (a, b, c_scaled, sse) of the best start,
    or None when no start converges."""
    from scipy.optimize import OptimizeWarning, curve_fit

    found = float(y[-1])
    first = max(float(y[0]), found * 1e-3)
    fn = _CURVES[model]
    best: tuple[float, float, float, float] | None = None
    lower = (found, 1e-9, 1e-6)
    upper = (found * _A_LIMIT, 1e9, 1e3)
    for a0 in (found * 1.05, found * 1.5, found * 3.0):
        b0 = -math.log(first / a0) if model == "gompertz" else a0 / first - 1.0
        b0 = min(max(b0, 1e-3), 1e8)
        for c0 in (1.0, 4.0, 12.0):
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore", OptimizeWarning)
                warnings.simplefilter("ignore", RuntimeWarning)
                try:
                    params, _ = curve_fit(
                        fn, s, y, p0=(a0, b0, c0), bounds=(lower, upper), method="trf", maxfev=4000
                    )
                except (RuntimeError, ValueError, np.linalg.LinAlgError):
                    continue
            a, b, c = (float(p) for p in params)
            residual = fn(s, a, b, c) - y
            sse = float(np.dot(residual, residual))
            if not all(math.isfinite(v) for v in (a, b, c, sse)) or min(a, b, c) <= 0:
                continue
            if best is None or sse < best[3]:
                best = (a, b, c, sse)
    return best


def fit_growth(
    times: Sequence[float],
    cumulative: Sequence[float],
    *,
    model: ModelChoice = "best",
    converged_ratio: float = 0.95,
    increment_ratio: float = 0.02,
    min_r_squared: float = 0.9,
) -> GrowthFit:
    """Fit a reliability growth curve to cumulative defect counts.

    Parameters
    ----------
    times
        Strictly increasing times of the observations (e.g. days or weeks since testing began).
    cumulative
        The cumulative number of defects found by each time (non-decreasing, growing overall).
    model
        "gompertz", "logistic", or "best": both are fitted and the one with the smaller sum of squared
        residuals is returned.
    converged_ratio
        The share of the estimated total that must have been found to call the curve converged.
    increment_ratio
        The largest share of the estimated total the last period may add for the curve to be converged.
    min_r_squared
        The smallest coefficient of determination for the curve to be called converged.

    Returns
    -------
    GrowthFit
        The parameters, goodness of fit, latent defects and the convergence judgement.

    Raises
    ------
    ValueError
        Fewer than 4 points, times not increasing, decreasing or flat counts, thresholds out of range, or
        no fit (the least-squares search failed, or the curve has not bent yet: its total would exceed
        20 times the defects found, or its inflection point lies at or after the last time, so that
        the count is still growing straight or faster).
    """
    if model not in (*MODELS, "best"):
        raise ValueError(f"The model must be gompertz, logistic or best, not {model!r}.")
    if not 0 < converged_ratio <= 1:
        raise ValueError("The converged ratio must be above 0 and at most 1.")
    if not 0 <= increment_ratio < 1:
        raise ValueError("The increment ratio must be at least 0 and below 1.")
    if not 0 <= min_r_squared <= 1:
        raise ValueError("The minimum R² must be between 0 and 1.")
    t, y = _check(times, cumulative)
    # Fit on times scaled to 0…1 from the first observation: the same starting values then suit any unit
    # and span. With s = (t − t0) / span, c = c_s / span and b absorbs the shift (b·e^(c·t0)).
    t0, span = float(t[0]), float(t[-1] - t[0])
    s = (t - t0) / span
    candidates: list[tuple[Model, tuple[float, float, float, float]]] = []
    for name in MODELS if model == "best" else (model,):
        fitted = _fit_one(name, s, y)
        if fitted is not None:
            candidates.append((name, fitted))
    found = float(y[-1])
    # Usable: an asymptote below the search limit, and an inflection point (ln b / c, at s = ln b_s / c_s
    # on the scaled times) before the last observation (s = 1) — else the curve has not started to
    # flatten and its total is a guess.
    usable = [
        (m, f) for m, f in candidates if f[0] < found * _A_LIMIT * 0.999 and math.log(f[1]) / f[2] < 1.0
    ]
    if not usable:
        if candidates:
            raise ValueError(
                "The fit did not converge: the curve has not bent yet (it has not started to flatten), "
                "so the total cannot be estimated."
            )
        raise ValueError("The fit did not converge.")
    name, (a, b_s, c_s, sse) = min(usable, key=lambda item: item[1][3])
    c = c_s / span
    try:
        b = b_s * math.exp(c * t0)
    except OverflowError:
        b = math.inf
    if not (math.isfinite(b) and b > 0 and math.isfinite(c) and c > 0):
        raise ValueError("The fit did not converge.")
    sst = float(np.sum((y - y.mean()) ** 2))
    r_squared = 1.0 - sse / sst if sst > 0 else 1.0
    return GrowthFit(
        model=name,
        a=a,
        b=b,
        c=c,
        r_squared=r_squared,
        found=found,
        last_increment=float(y[-1] - y[-2]),
        converged_ratio=converged_ratio,
        increment_ratio=increment_ratio,
        min_r_squared=min_r_squared,
    )
