"""Tests for kuroko.engine.graph: cycle detection and shortest paths on dependency networks."""

from __future__ import annotations

from collections.abc import Hashable
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuroko.engine.graph import find_cycle, find_path

Edges = list[tuple[int, int]]


def assert_is_cycle(cycle: list[Hashable], edges: Edges) -> None:
    """The list is [a, …, a], every step is an edge and no node but the first repeats."""
    edge_set = set(edges)
    assert len(cycle) >= 2
    assert cycle[0] == cycle[-1]
    assert len(set(cycle)) == len(cycle) - 1
    assert all((a, b) in edge_set for a, b in pairwise(cycle))


def is_acyclic(edges: Edges) -> bool:
    """Kahn's algorithm: a graph is acyclic exactly when repeatedly removing sources empties it."""
    nodes = {n for edge in edges for n in edge}
    indegree = dict.fromkeys(nodes, 0)
    for _, target in edges:
        indegree[target] += 1
    sources = [n for n in nodes if indegree[n] == 0]
    removed = 0
    while sources:
        node = sources.pop()
        removed += 1
        for source, target in edges:
            if source == node:
                indegree[target] -= 1
                if indegree[target] == 0:
                    sources.append(target)
    return removed == len(nodes)


def distances(edges: Edges, nodes: range) -> dict[tuple[int, int], int]:
    """All-pairs shortest edge counts by Floyd–Warshall (missing pairs are unreachable)."""
    dist = {(n, n): 0 for n in nodes}
    for a, b in edges:
        if a != b:
            dist[a, b] = 1
    for k in nodes:
        for i in nodes:
            for j in nodes:
                if (i, k) in dist and (k, j) in dist:
                    through = dist[i, k] + dist[k, j]
                    if through < dist.get((i, j), through + 1):
                        dist[i, j] = through
    return dist


# --- find_cycle ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edges", "expected"),
    [
        ([], None),  # no edges
        ([(1, 2), (2, 3), (1, 3)], None),  # a diamond-like DAG
        ([(1, 1)], [1, 1]),  # a self-loop
        ([(1, 2), (2, 1)], [1, 2, 1]),  # two tasks waiting for each other
        ([(0, 1), (1, 2), (2, 3), (3, 1)], [1, 2, 3, 1]),  # the lead-in (0) is not part of the cycle
        ([(1, 2), (1, 2), (2, 3)], None),  # a repeated edge is not a cycle
    ],
)
def test_find_cycle_examples(edges: Edges, expected: list[int] | None) -> None:
    """Known graphs give the expected cycle, or None when acyclic."""
    assert find_cycle(edges) == expected


def test_find_cycle_accepts_an_iterator() -> None:
    """Edges may come from a one-shot iterator, such as a database cursor."""
    assert find_cycle(iter([("a", "b"), ("b", "c"), ("c", "a")])) == ["a", "b", "c", "a"]


def test_find_cycle_long_chain() -> None:
    """A chain far deeper than the recursion limit is searched without recursion."""
    n = 20_000
    edges = [(i, i + 1) for i in range(n)]
    assert find_cycle(edges) is None
    cycle = find_cycle([*edges, (n, 0)])
    assert cycle is not None
    assert len(cycle) == n + 2


small_graphs = st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7)), max_size=20)


@given(small_graphs)
def test_find_cycle_agrees_with_kahn(edges: Edges) -> None:
    """A real cycle is returned exactly when Kahn's topological sort cannot order every node."""
    cycle = find_cycle(edges)
    assert (cycle is None) == is_acyclic(edges)
    if cycle is not None:
        assert_is_cycle(cycle, edges)


@given(st.lists(st.integers(0, 30), min_size=2, max_size=30, unique=True), st.data())
def test_find_cycle_in_a_dag_plus_back_edge(order: list[int], data: st.DataObject) -> None:
    """Edges that follow a topological order have no cycle; one edge backwards along a path makes one."""
    forward = [(a, b) for i, a in enumerate(order) for b in order[i + 1 :] if data.draw(st.booleans())]
    assert find_cycle(forward) is None
    path = find_path(forward, order[0], order[-1])
    if path is not None and len(path) > 1:
        cycle = find_cycle([*forward, (order[-1], order[0])])
        assert cycle is not None
        assert_is_cycle(cycle, [*forward, (order[-1], order[0])])


# --- find_path ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("edges", "start", "goal", "expected"),
    [
        ([], 1, 1, [1]),  # start is goal: the empty path, even without edges
        ([], 1, 2, None),  # no edges at all
        ([(1, 2)], 2, 1, None),  # edges are directed
        ([(1, 2), (2, 3), (3, 4), (1, 4)], 1, 4, [1, 4]),  # the shortest of two paths
        ([(1, 2), (2, 3), (3, 1)], 1, 3, [1, 2, 3]),  # a cycle on the way does not trap the search
        ([(1, 2), (3, 4)], 1, 4, None),  # two components
    ],
)
def test_find_path_examples(edges: Edges, start: int, goal: int, expected: list[int] | None) -> None:
    """Known graphs give the shortest path, or None when the goal is unreachable."""
    assert find_path(edges, start, goal) == expected


@given(small_graphs, st.integers(0, 7), st.integers(0, 7))
def test_find_path_agrees_with_floyd_warshall(edges: Edges, start: int, goal: int) -> None:
    """A valid shortest path is returned exactly when Floyd–Warshall says the goal is reachable."""
    path = find_path(edges, start, goal)
    dist = distances(edges, range(8))
    if (start, goal) not in dist:
        assert path is None
        return
    assert path is not None
    assert path[0] == start
    assert path[-1] == goal
    assert all((a, b) in set(edges) for a, b in pairwise(path))
    assert len(path) - 1 == dist[start, goal]


def test_docs_example() -> None:
    """The worked example of docs/engine/graph.md."""
    edges = [("Design", "Build"), ("Build", "Test"), ("Design", "Test"), ("Test", "Release")]
    assert find_cycle(edges) is None
    assert find_path(edges, "Design", "Release") == ["Design", "Test", "Release"]
    closing = [*edges, ("Release", "Design")]
    assert find_cycle(closing) == ["Design", "Build", "Test", "Release", "Design"]
