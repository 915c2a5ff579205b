"""Uniform numbers (Latin Hypercube or plain random) and the inverse CDFs that turn them into durations.

Every function works on whole blocks: rows are inputs (tasks, risk events), columns are iterations.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from scipy.special import betaincinv, ndtr, ndtri

from kuroko.engine.risk.model import Distribution

Floats = npt.NDArray[np.float64]

# The smallest and largest uniform handed to an inverse CDF: the normal quantile of 0 or 1 is infinite.
_U_MIN = 1e-12
_U_MAX = 1 - 1e-12

# PERT-beta quantile tables: the quantile function of Beta(1 + 4m, 1 + 4(1 − m)) for the mode's relative
# position m on a grid of _MODES steps, each tabulated at _GRID points t in [0, 1] with u = (1 − cos πt)/2
# (points crowd towards u = 0 and 1, where the quantile is steepest). A sample interpolates linearly in t
# and in m. docs/engine/monte-carlo.md gives the interpolation error measured against `betaincinv`.
_MODES = 64
_GRID = 1025
_GRID_U = (1 - np.cos(np.pi * np.linspace(0.0, 1.0, _GRID))) / 2
_TABLES: dict[int, Floats] = {}


def uniforms(rng: np.random.Generator, rows: int, columns: int, *, lhs: bool) -> tuple[Floats, Floats | None]:
    """`rows` × `columns` uniforms in (0, 1), and with `lhs` the strata they fall in.

    Latin Hypercube: each row is one independent permutation of the `columns` strata [k/n, (k+1)/n) with
    a uniform jitter inside each, so every row covers its range evenly. The strata (0 … n−1, as floats)
    are each sample's rank within its row.
    """
    u = rng.random((rows, columns))
    if not lhs:
        np.maximum(u, _U_MIN, out=u)  # random() is in [0, 1): only 0 needs moving
        return u, None
    strata = rng.permuted(np.broadcast_to(np.arange(columns, dtype=np.float64), (rows, columns)), axis=1)
    u += strata
    u *= 1 / columns
    np.maximum(u, _U_MIN, out=u)
    np.minimum(u, _U_MAX, out=u)
    return u, strata


def _table(m: int) -> Floats:
    """The tabulated PERT-beta quantile for mode position m / _MODES (cached)."""
    table = _TABLES.get(m)
    if table is None:
        mode = m / _MODES
        table = np.asarray(betaincinv(1 + 4 * mode, 1 + 4 * (1 - mode), _GRID_U), dtype=np.float64)
        table[0], table[-1] = 0.0, 1.0
        _TABLES[m] = table
    return table


# Rows sampled at once: the temporaries of a block of 128 rows × 1,000 iterations stay in the cache.
_BLOCK = 128


class Pert:
    """The PERT quantile functions of some rows (low, mode, high per row), ready to sample.

    Each row interpolates bilinearly in the shared tables (`_table`): linearly in t between grid points
    and linearly in the mode's position between the two tabulated shapes around it.
    """

    def __init__(self, low: Floats, mode: Floats, high: Floats) -> None:
        span = high - low
        position = np.divide(mode - low, span, out=np.zeros_like(span), where=span > 0) * _MODES
        below = np.minimum(position.astype(np.int64), _MODES - 1)
        self.low, self.span = low[:, None], span[:, None]
        self.weight = (position - below)[:, None]
        self.base = (below * _GRID)[:, None]
        self.shared = np.stack([_table(m) for m in range(_MODES + 1)]).ravel()

    def sample(self, u: Floats) -> Floats:
        """Minutes at the uniforms u (rows × iterations)."""
        out = np.empty_like(u)
        table = self.shared
        for first in range(0, len(u), _BLOCK):
            rows = slice(first, first + _BLOCK)
            t = np.arccos(1 - 2 * u[rows]) * ((_GRID - 1) / np.pi)
            cell = np.minimum(t.astype(np.int64), _GRID - 2)
            t -= cell
            cell += self.base[rows]
            lower = table[cell]
            lower += t * (table[cell + 1] - lower)
            cell += _GRID
            upper = table[cell]
            upper += t * (table[cell + 1] - upper)
            upper -= lower
            upper *= self.weight[rows]
            upper += lower
            upper *= self.span[rows]
            upper += self.low[rows]
            out[rows] = upper
        return out


def triangular_quantile(low: Floats, mode: Floats, high: Floats, u: Floats) -> Floats:
    """The triangular distribution's inverse CDF (closed form); low, mode, high per row."""
    a, c, b = low[:, None], mode[:, None], high[:, None]
    span = b - a
    split = np.divide(c - a, span, out=np.zeros_like(span), where=span > 0)
    rising = a + np.sqrt(u * span * (c - a))
    falling = b - np.sqrt((1 - u) * span * (b - c))
    out: Floats = np.where(u < split, rising, falling)
    return out


def uniform_quantile(low: Floats, high: Floats, u: Floats) -> Floats:
    out: Floats = low[:, None] + (high - low)[:, None] * u
    return out


def lognormal_parameters(low: Floats, mode: Floats, high: Floats) -> tuple[Floats, Floats]:
    """μ and σ of the lognormal whose mean and standard deviation are the PERT ones: mean (a + 4m + b)/6,
    sd (b − a)/6. Its support starts at 0 (it is not shifted to the minimum)."""
    mean = (low + 4 * mode + high) / 6
    sd = (high - low) / 6
    ratio = np.divide(sd, mean, out=np.zeros_like(mean), where=mean > 0)
    sigma2 = np.log1p(ratio * ratio)
    mu = np.log(np.where(mean > 0, mean, 1.0)) - sigma2 / 2
    return mu, np.sqrt(sigma2)


def lognormal_quantile(low: Floats, mode: Floats, high: Floats, u: Floats) -> Floats:
    mu, sigma = lognormal_parameters(low, mode, high)
    mean = (low + 4 * mode + high) / 6
    out: Floats = np.where(mean[:, None] > 0, np.exp(mu[:, None] + sigma[:, None] * ndtri(u)), 0.0)
    return out


def quantiles(
    distributions: list[Distribution], low: Floats, mode: Floats, high: Floats, u: Floats
) -> Floats:
    """Samples of rows with various distributions: row k has `distributions[k]` with (low, mode, high)."""
    out = np.empty_like(u)
    kinds = np.asarray([str(d) for d in distributions])
    for kind in Distribution:
        rows = np.flatnonzero(kinds == kind.value)
        if not len(rows):
            continue
        a, c, b, v = low[rows], mode[rows], high[rows], u[rows]
        if kind == Distribution.PERT:
            out[rows] = Pert(a, c, b).sample(v)
        elif kind == Distribution.TRIANGULAR:
            out[rows] = triangular_quantile(a, c, b, v)
        elif kind == Distribution.UNIFORM:
            out[rows] = uniform_quantile(a, b, v)
        else:
            out[rows] = lognormal_quantile(a, c, b, v)
    return out


def correlate(u: Floats, factor: Floats, rho: float) -> Floats:
    """One-factor Gaussian copula: the uniforms u (rows of one group) made to correlate through the
    group's factor uniforms: z = √ρ·Φ⁻¹(factor) + √(1−ρ)·Φ⁻¹(u), returned as Φ(z) (still uniform)."""
    z = np.sqrt(rho) * ndtri(factor)[None, :] + np.sqrt(1 - rho) * ndtri(u)
    out: Floats = np.clip(ndtr(z), _U_MIN, _U_MAX)
    return out
