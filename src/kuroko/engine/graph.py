"""Graph checks on dependency networks."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable


def find_cycle(edges: Iterable[tuple[Hashable, Hashable]]) -> list[Hashable] | None:
    """One cycle of the directed graph, or None if it has none.

    Iterative depth-first search (no recursion limit), O(nodes + edges). Deterministic: nodes are tried
    in the order they first appear as a source, successors in edge order.

    Parameters
    ----------
    edges
        ``(source, target)`` pairs; repeated edges and self-loops are allowed.

    Returns
    -------
    list or None
        ``[a, b, …, a]``: each consecutive pair is an edge and only the first and last node repeat
        (a self-loop gives ``[a, a]``); None if the graph is acyclic.
    """
    graph: dict[Hashable, list[Hashable]] = defaultdict(list)
    for source, target in edges:
        graph[source].append(target)
    end = object()
    WHITE, GREY, BLACK = 0, 1, 2
    colour: dict[Hashable, int] = defaultdict(int)
    for start in list(graph):
        if colour[start] != WHITE:
            continue
        path: list[Hashable] = [start]
        iterators = [iter(graph[start])]
        colour[start] = GREY
        while iterators:
            nxt = next(iterators[-1], end)
            if nxt is end:
                colour[path.pop()] = BLACK
                iterators.pop()
                continue
            if colour[nxt] == GREY:
                return [*path[path.index(nxt) :], nxt]
            if colour[nxt] == WHITE:
                colour[nxt] = GREY
                path.append(nxt)
                iterators.append(iter(graph.get(nxt, ())))
    return None


def find_path(
    edges: Iterable[tuple[Hashable, Hashable]], start: Hashable, goal: Hashable
) -> list[Hashable] | None:
    """A shortest path from `start` to `goal` along the directed edges.

    Breadth-first search, O(nodes + edges).

    Parameters
    ----------
    edges
        ``(source, target)`` pairs.
    start, goal
        The two ends; they need not appear in any edge.

    Returns
    -------
    list or None
        ``[start, …, goal]`` with the fewest edges, each consecutive pair an edge (``[start]`` when
        ``start == goal``); None if `goal` cannot be reached from `start`.
    """
    graph: dict[Hashable, list[Hashable]] = defaultdict(list)
    for source, target in edges:
        graph[source].append(target)
    previous: dict[Hashable, Hashable] = {}
    frontier = [start]
    seen = {start}
    while frontier:
        following: list[Hashable] = []
        for node in frontier:
            if node == goal:
                path = [goal]
                while path[-1] != start:
                    path.append(previous[path[-1]])
                return path[::-1]
            for nxt in graph.get(node, ()):
                if nxt not in seen:
                    seen.add(nxt)
                    previous[nxt] = node
                    following.append(nxt)
        frontier = following
    return None
