"""The assignment problem: `solve_assignment(cost, *, forbidden=None) -> Matching`.

Rows (slots to fill, say) and columns (people) with a cost for each pair; some pairs may be forbidden.
`solve_assignment` pairs rows with columns, each used at most once, so that

1. as many pairs as possible are made (a maximum matching among the allowed pairs), and
2. among all such matchings, the total cost is the least.

The matrix may be rectangular either way. The method is successive shortest augmenting paths with
node potentials (the Hungarian method in the Jonker–Volgenant form, generalised to rectangular matrices
and missing edges as a minimum-cost maximum flow): each round finds, by Dijkstra's algorithm on reduced
costs, the cheapest way to grow the matching by one pair — possibly re-pairing earlier rows — and the
matching after *k* rounds is the cheapest of all matchings of *k* pairs. No big-M penalty stands in for
forbidden pairs, so large costs do not swallow small ones. See docs/engine/assignment.md.

Only numpy is needed (no scipy or OR-Tools).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Matching", "solve_assignment"]


@dataclass(frozen=True, slots=True)
class Matching:
    """The result of `solve_assignment`.

    Attributes
    ----------
    pairs
        (row, column) pairs, sorted by row; no row or column appears twice.
    cost
        Sum of the costs of the pairs.
    unassigned_rows, unassigned_columns
        Rows and columns in no pair, ascending.
    """

    pairs: tuple[tuple[int, int], ...]
    cost: float
    unassigned_rows: tuple[int, ...]
    unassigned_columns: tuple[int, ...]

    def __post_init__(self) -> None:
        rows = [r for r, _c in self.pairs]
        columns = [c for _r, c in self.pairs]
        if len(set(rows)) != len(rows) or len(set(columns)) != len(columns):
            raise ValueError("A matching uses each row and each column at most once.")

    def column_of(self, row: int) -> int | None:
        """The column paired with `row`, or None."""
        return next((c for r, c in self.pairs if r == row), None)

    def __len__(self) -> int:
        return len(self.pairs)


def _validated(cost: ArrayLike, forbidden: ArrayLike | None) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """The cost matrix as floats and the mask of allowed pairs; ValueError naming what is wrong."""
    try:
        matrix = np.array(cost, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"The cost matrix must hold numbers only: {exc}.") from exc
    if matrix.ndim != 2:
        raise ValueError(f"The cost matrix must have two dimensions (rows × columns), not {matrix.ndim}.")
    nan = np.argwhere(np.isnan(matrix))
    if len(nan):
        r, c = (int(x) for x in nan[0])
        raise ValueError(f"cost[{r}, {c}] is NaN; give a number, or forbid the pair.")
    minus = np.argwhere(np.isneginf(matrix))
    if len(minus):
        r, c = (int(x) for x in minus[0])
        raise ValueError(f"cost[{r}, {c}] is −∞; costs must be finite (+∞ forbids a pair).")
    allowed = np.isfinite(matrix)
    if forbidden is not None:
        mask = np.asarray(forbidden)
        if mask.shape != matrix.shape:
            raise ValueError(
                f"The forbidden mask has shape {mask.shape}, the cost matrix {matrix.shape}; they must match."
            )
        if mask.dtype != np.bool_:
            raise ValueError("The forbidden mask must be of booleans (True = the pair is not allowed).")
        allowed &= ~mask
    return np.where(allowed, matrix, 0.0), allowed


def solve_assignment(cost: ArrayLike, *, forbidden: ArrayLike | None = None) -> Matching:
    """Pair rows with columns: as many pairs as the allowed ones permit, then the least total cost.

    Parameters
    ----------
    cost
        An n × m matrix of finite costs (any sign; n and m may differ, either may be 0). ``+inf`` marks a
        pair that is not allowed.
    forbidden
        Optional n × m boolean mask; True forbids the pair whatever its cost.

    Returns
    -------
    Matching
        The pairs (sorted by row), their total cost, and the rows and columns left unpaired. Ties are
        broken the same way every time: the same input always gives the same matching.

    Raises
    ------
    ValueError
        The matrix is not two-dimensional, holds NaN, −∞ or non-numbers, or the mask's shape or type
        does not match.

    Notes
    -----
    Time O(k · n · m) for k pairs found (k ≤ min(n, m)), memory O(n · m).
    """
    matrix, allowed = _validated(cost, forbidden)
    n, m = matrix.shape
    # Work with no more rows than columns: each round's Dijkstra then scans at most k + 1 rows.
    transposed = n > m
    if transposed:
        matrix, allowed = matrix.T.copy(), allowed.T.copy()
        n, m = m, n
    row_match, col_match = _augment_all(matrix, allowed)
    pairs = [(i, int(row_match[i])) for i in range(n) if row_match[i] >= 0]
    total = float(sum(matrix[i, j] for i, j in pairs))
    if transposed:
        pairs = [(j, i) for i, j in pairs]
        n, m = m, n
        row_match, col_match = col_match, row_match
    pairs.sort()
    return Matching(
        pairs=tuple(pairs),
        cost=total,
        unassigned_rows=tuple(i for i in range(n) if row_match[i] < 0),
        unassigned_columns=tuple(j for j in range(m) if col_match[j] < 0),
    )


def _augment_all(
    cost: NDArray[np.float64], allowed: NDArray[np.bool_]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Successive shortest augmenting paths from all free rows at once; returns (row → col, col → row),
    -1 where unpaired.

    The flow network is source → every row → allowed columns → sink. Potentials `u` (rows) and `v`
    (columns) keep every residual edge's reduced cost non-negative, so each round is a Dijkstra search.
    Rows enter the search from the source (distance 0 if free) or through the column they are paired
    with (the backward edge of that pair, reduced cost 0). A round ends by augmenting along the path to
    the free column of least *true* distance, which is what keeps the matching cheapest for its size.
    """
    n, m = cost.shape
    inf = np.inf
    edges = np.where(allowed, cost, inf)
    row_match = np.full(n, -1, dtype=np.int64)
    col_match = np.full(m, -1, dtype=np.int64)
    u = np.zeros(n)
    # Every edge leaves a row: v[j] = the cheapest allowed cost into column j makes them all >= 0.
    v = edges.min(axis=0, initial=inf)
    v[~np.isfinite(v)] = 0.0
    columns = np.arange(m)
    for _round in range(min(n, m)):
        free_rows = np.flatnonzero(row_match < 0)
        if len(free_rows) == 0:
            break
        # dist[j]: reduced distance from the source to column j; via[j]: the row the path comes from.
        reduced = edges[free_rows] + u[free_rows, None] - v[None, :]
        best = reduced.argmin(axis=0)
        dist = reduced[best, columns]
        via = free_rows[best]
        row_dist = np.full(n, inf)
        row_dist[free_rows] = 0.0
        settled = np.zeros(m, dtype=bool)
        paired = col_match >= 0
        while True:
            # The closest unsettled paired column leads on to its row; free columns are dead ends.
            open_ = np.flatnonzero(~settled & paired & np.isfinite(dist))
            if len(open_) == 0:
                break
            j = int(open_[np.argmin(dist[open_])])
            settled[j] = True
            i = int(col_match[j])
            row_dist[i] = dist[j]  # the backward edge of the pair has reduced cost 0
            through = dist[j] + edges[i] + u[i] - v
            through[j] = inf  # (i, j) is the pair itself, not a forward edge
            better = (through < dist) & ~settled
            dist = np.where(better, through, dist)
            via = np.where(better, i, via)
        ends = np.flatnonzero(~paired & np.isfinite(dist))
        if len(ends) == 0:
            break  # no augmenting path: the matching is maximum
        # True distance = reduced distance + v[j] (the source's potential stays 0).
        target = int(ends[np.argmin(dist[ends] + v[ends])])
        # Potentials: reached nodes move by their distance, the others by the largest distance reached,
        # which keeps every residual edge's reduced cost non-negative for the next round.
        reached_rows = np.isfinite(row_dist)
        reached_cols = np.isfinite(dist)
        cap = max(float(dist[reached_cols].max(initial=0.0)), float(row_dist[reached_rows].max()))
        v = v + np.where(reached_cols, dist, cap)
        u = u + np.where(reached_rows, row_dist, cap)
        # Augment: walk back from the target column, re-pairing the rows along the path.
        j = target
        while True:
            i = int(via[j])
            previous = int(row_match[i])
            row_match[i], col_match[j] = j, i
            if previous < 0:
                break
            j = previous
    return row_match, col_match
