"""The assignment problem: maximum matching first, least cost second; rectangular; forbidden pairs."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kuroko.engine.assignment import Matching, solve_assignment

INF = math.inf


def brute_force(cost: list[list[float]]) -> tuple[int, float]:
    """(most pairs, least cost among matchings of that many pairs) by trying every partial matching."""
    n = len(cost)
    m = len(cost[0]) if n else 0
    best: tuple[int, float] = (0, 0.0)
    for k in range(1, min(n, m) + 1):
        for rows in itertools.combinations(range(n), k):
            for cols in itertools.permutations(range(m), k):
                total = sum(cost[r][c] for r, c in zip(rows, cols, strict=True))
                if math.isinf(total):
                    continue
                if k > best[0] or (k == best[0] and total < best[1]):
                    best = (k, total)
    return best


def check(matching: Matching, cost: list[list[float]]) -> None:
    """The matching is a real one: pairs allowed, each row and column once, the rest listed as unpaired."""
    n = len(cost)
    m = len(cost[0]) if n else 0
    rows = [r for r, _c in matching.pairs]
    cols = [c for _r, c in matching.pairs]
    assert len(set(rows)) == len(rows) and len(set(cols)) == len(cols)
    assert all(math.isfinite(cost[r][c]) for r, c in matching.pairs)
    assert rows == sorted(rows)
    assert set(matching.unassigned_rows) == set(range(n)) - set(rows)
    assert set(matching.unassigned_columns) == set(range(m)) - set(cols)
    assert matching.cost == pytest.approx(sum(cost[r][c] for r, c in matching.pairs))


def test_square_textbook_example():
    """A 3 × 3 matrix whose optimum (5) needs every row away from its own cheapest column but one."""
    cost = [[4, 1, 3], [2, 0, 5], [3, 2, 2]]
    result = solve_assignment(cost)
    assert result.pairs == ((0, 1), (1, 0), (2, 2))
    assert result.cost == 5
    assert result.column_of(1) == 0 and len(result) == 3


def test_the_example_of_the_documentation():
    """docs/engine/assignment.md: both fillable slots are filled (not greedy A–X), C stays open."""
    result = solve_assignment([[1, 9], [2, INF], [INF, INF]])
    assert result.pairs == ((0, 1), (1, 0)) and result.cost == 11 and result.unassigned_rows == (2,)


def test_more_rows_than_columns():
    """Three slots, two people: the two cheapest-together rows get them, one row stays open."""
    cost = [[10, 10], [1, 8], [8, 1]]
    result = solve_assignment(cost)
    assert result.pairs == ((1, 0), (2, 1))
    assert result.unassigned_rows == (0,)
    assert result.unassigned_columns == ()


def test_more_columns_than_rows():
    """Two slots, four people: the two cheapest people, two left over."""
    cost = [[5, 3, 9, 1], [5, 2, 9, 4]]
    result = solve_assignment(cost)
    assert result.pairs == ((0, 3), (1, 1))
    assert result.cost == 3
    assert result.unassigned_columns == (0, 2)


def test_forbidden_pairs_are_never_used_and_matching_is_maximum_first():
    """Row 0 is cheap on column 0 but only row 0 can take column 1: both rows are filled, at a higher cost."""
    cost = [[1, 100], [2, INF]]
    result = solve_assignment(cost)
    assert result.pairs == ((0, 1), (1, 0))
    assert result.cost == 102


def test_forbidden_mask_and_infinite_cost_both_forbid():
    """A True in the mask forbids a pair as surely as +inf does."""
    mask = np.array([[False, True], [False, False]])
    result = solve_assignment([[1, 0], [1, 5]], forbidden=mask)
    assert (0, 1) not in result.pairs
    assert result.pairs == ((0, 0), (1, 1))


def test_everything_forbidden_gives_no_pairs():
    """No allowed pair: an empty matching, everything unpaired."""
    result = solve_assignment([[INF, INF], [INF, INF]])
    assert result.pairs == () and result.cost == 0
    assert result.unassigned_rows == (0, 1) and result.unassigned_columns == (0, 1)


def test_a_row_that_only_one_column_suits_wins_it_over_a_cheaper_row():
    """Max cardinality before cost: B takes X (its only option) even though A is cheaper there."""
    #       X    Y
    cost = [[1, 50], [40, INF]]  # A, B
    assert solve_assignment(cost).pairs == ((0, 1), (1, 0))


def test_cheaper_of_two_rows_wins_when_only_one_can_be_paired():
    """Two rows want one column: the cheaper row gets it (the matching size is the same)."""
    assert solve_assignment([[10], [1]]).pairs == ((1, 0),)
    assert solve_assignment([[1, 1, 1], [INF, INF, INF]]).unassigned_rows == (1,)


def test_negative_costs_are_fine():
    """Costs may be negative (a benefit); the least total still wins."""
    result = solve_assignment([[-5, -1], [-2, -7]])
    assert result.pairs == ((0, 0), (1, 1)) and result.cost == -12


@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0)])
def test_empty_matrices(shape):
    """No rows or no columns: nothing to pair."""
    result = solve_assignment(np.zeros(shape))
    assert result.pairs == ()
    assert len(result.unassigned_rows) == shape[0] and len(result.unassigned_columns) == shape[1]


@pytest.mark.parametrize(
    ("cost", "forbidden", "message"),
    [
        ([1, 2, 3], None, "two dimensions"),  # a vector, not a matrix
        ([[[1]]], None, "two dimensions"),  # three dimensions
        ([[1, math.nan]], None, r"cost\[0, 1\] is NaN"),  # NaN named by position
        ([[1], [-INF]], None, r"cost\[1, 0\] is −∞"),  # minus infinity is not a cost
        ([["a", 1]], None, "numbers only"),  # text
        ([[1, 2], [3]], None, "numbers only"),  # ragged rows
        ([[1, 2]], [[True]], "shape"),  # mask of another shape
        ([[1, 2]], [[1, 0]], "booleans"),  # mask of integers
    ],
)
def test_bad_input_is_refused_with_a_clear_message(cost, forbidden, message):
    """Bad matrices and masks raise ValueError saying what is wrong."""
    with pytest.raises(ValueError, match=message):
        solve_assignment(cost, forbidden=forbidden)


def test_input_is_not_mutated_and_result_is_deterministic():
    """The caller's matrix is untouched; the same input gives the same matching."""
    cost = np.array([[1.0, 1.0], [1.0, 1.0], [1.0, 1.0]])
    copy = cost.copy()
    first = solve_assignment(cost)
    assert np.array_equal(cost, copy)
    assert all(solve_assignment(cost) == first for _ in range(3))


def test_matching_refuses_a_column_used_twice():
    """The result type itself guards its rule."""
    with pytest.raises(ValueError, match="at most once"):
        Matching(pairs=((0, 1), (1, 1)), cost=0, unassigned_rows=(), unassigned_columns=())


def test_larger_random_matrix_against_the_row_permutation_optimum():
    """7 × 7 (5,040 permutations): the square optimum from brute force."""
    rng = np.random.default_rng(7)
    cost = rng.integers(0, 100, size=(7, 7)).astype(float)
    best = min(sum(cost[i, p[i]] for i in range(7)) for p in itertools.permutations(range(7)))
    assert solve_assignment(cost).cost == best


cells = st.one_of(
    st.integers(-20, 50).map(float),
    st.floats(-10, 10, allow_nan=False, allow_infinity=False),
    st.just(INF),
)


@st.composite
def matrices(draw: st.DrawFn) -> list[list[float]]:
    n = draw(st.integers(0, 5))
    m = draw(st.integers(0, 5))
    return [[draw(cells) for _ in range(m)] for _ in range(n)]


@settings(max_examples=400, deadline=None)
@given(matrices())
def test_property_equals_brute_force(cost):
    """On random matrices up to 5 × 5 with forbidden pairs: as many pairs as brute force finds, at the
    same least cost, and a valid matching."""
    n = len(cost)
    m = len(cost[0]) if n else 0
    result = solve_assignment(np.array(cost, dtype=float).reshape(n, m))
    check(result, cost)
    size, total = brute_force(cost)
    assert len(result) == size
    assert result.cost == pytest.approx(total, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(matrices())
def test_property_transposing_gives_the_same_cost(cost):
    """Rows and columns play symmetric roles: the transposed problem has the same size and cost."""
    n = len(cost)
    m = len(cost[0]) if n else 0
    a = np.array(cost, dtype=float).reshape(n, m)
    one, other = solve_assignment(a), solve_assignment(a.T)
    assert len(one) == len(other)
    assert one.cost == pytest.approx(other.cost, abs=1e-9)
