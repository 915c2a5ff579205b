"""WBS numbering: outline codes (1, 1.1, 1.1.2 …) and display order from a parent/position tree, and the
values summary elements roll up from the leaves below them. See ``docs/engine/wbs.md``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Node:
    """One WBS element as the numbering sees it."""

    id: Hashable
    parent: Hashable | None
    position: int

    def __post_init__(self) -> None:
        if self.id is None:
            raise ValueError("A WBS element needs an id; None means “no parent”.")


@dataclass(frozen=True, slots=True)
class Numbered:
    """The derived place of a WBS element: code, outline level, pre-order row and sibling position."""

    id: Hashable
    code: str
    level: int
    row: int
    position: int
    has_children: bool


class TreeError(ValueError):
    """The parent links do not form a tree (a cycle, a repeated id, or a parent that is not in the set).

    `elements` holds the ids involved, so callers can name them: the repeated id, the element with the
    unknown parent, or the cycle as ``(a, b, …, a)`` where each element is the child of the next.
    """

    def __init__(self, message: str, elements: Iterable[Hashable] = ()) -> None:
        super().__init__(message)
        self.elements: tuple[Hashable, ...] = tuple(elements)


class _Element(Protocol):
    @property
    def id(self) -> Hashable: ...

    @property
    def parent(self) -> Hashable | None: ...


def _children_of[E: _Element](items: Sequence[E]) -> dict[Hashable | None, list[E]]:
    """Children lists keyed by parent id (None for the roots), in the given order; checks the links."""
    ids: set[Hashable] = set()
    for item in items:
        if item.id in ids:
            raise TreeError(f"Element {item.id!r} appears more than once.", [item.id])
        ids.add(item.id)
    children: dict[Hashable | None, list[E]] = defaultdict(list)
    for item in items:
        if item.parent is not None and item.parent not in ids:
            raise TreeError(
                f"Element {item.id!r} has parent {item.parent!r}, which does not exist.", [item.id]
            )
        children[item.parent].append(item)
    return children


def _cycle_error(items: Sequence[_Element], reached: set[Hashable]) -> TreeError:
    """The error for elements not reachable from a root: each of them has a known, non-empty parent, so
    following parents from one of them must come back round; name that loop."""
    parent_of = {item.id: item.parent for item in items}
    node = next(item.id for item in items if item.id not in reached)
    order: dict[Hashable, int] = {}
    while node not in order:
        order[node] = len(order)
        node = parent_of[node]
    loop = [*list(order)[order[node] :], node]
    names = " → ".join(repr(i) for i in loop)
    return TreeError(f"The parent links form a cycle: {names} (→ means “is a child of”).", loop)


def _pre_order[E: _Element](items: Sequence[E], children: dict[Hashable | None, list[E]]) -> list[E]:
    """Every element in pre-order (parents before children, siblings in list order)."""
    order: list[E] = []
    # Iterative walk: deep WBS trees must not hit the recursion limit.
    stack = list(reversed(children.get(None, [])))
    while stack:
        item = stack.pop()
        order.append(item)
        stack.extend(reversed(children.get(item.id, [])))
    if len(order) != len(items):
        raise _cycle_error(items, {item.id for item in order})
    return order


def number_tree(nodes: Iterable[Node]) -> list[Numbered]:
    """Number a forest in pre-order: codes 1, 1.1, 1.2, 2 … and rows 0, 1, 2 … in outline order.

    Siblings are ordered by `position`, ties keeping the order given; positions are then renumbered
    0..k-1 per parent, so gaps and ties left by edits disappear. O(n log n) for n elements.

    Parameters
    ----------
    nodes
        Every element of the tree, each with its parent's id (None for a top-level element).

    Returns
    -------
    list[Numbered]
        One entry per element, in pre-order (``result[i].row == i``).

    Raises
    ------
    TreeError
        If an id repeats, a parent is unknown, or the parent links contain a cycle (naming the elements
        in the cycle).
    """
    items = list(nodes)
    children = _children_of(items)
    for siblings in children.values():
        siblings.sort(key=lambda n: n.position)  # stable: ties keep the given order
    order = _pre_order(items, children)
    place: dict[Hashable, tuple[str, int, int]] = {}  # id -> (code, level, position)
    for position, root in enumerate(children.get(None, [])):
        place[root.id] = (str(position + 1), 1, position)
    result: list[Numbered] = []
    for row, node in enumerate(order):
        code, level, position = place[node.id]
        kids = children.get(node.id, [])
        for i, kid in enumerate(kids):
            place[kid.id] = (f"{code}.{i + 1}", level + 1, i)
        result.append(Numbered(node.id, code, level, row, position, bool(kids)))
    return result


@dataclass(frozen=True, slots=True)
class Leaf:
    """What a summary rolls up from one element: its weight (duration), progress and dates."""

    id: Hashable
    parent: Hashable | None
    duration_minutes: int
    percent_complete: int
    start: date | None
    finish: date | None

    def __post_init__(self) -> None:
        if self.id is None:
            raise ValueError("A WBS element needs an id; None means “no parent”.")
        if self.duration_minutes < 0:
            raise ValueError(f"Element {self.id!r}: a duration cannot be negative.")
        if not 0 <= self.percent_complete <= 100:
            raise ValueError(f"Element {self.id!r}: % complete must be between 0 and 100.")
        if self.start is not None and self.finish is not None and self.finish < self.start:
            raise ValueError(f"Element {self.id!r}: the finish cannot be before the start.")


@dataclass(frozen=True, slots=True)
class Rollup:
    """The values a summary element takes from everything below it."""

    id: Hashable
    percent_complete: int
    start: date | None
    finish: date | None


def weighted_percent(items: Iterable[tuple[int, int]]) -> float:
    """Duration-weighted % complete of (duration, percent) pairs, as MS Project rolls up summaries.

    Parameters
    ----------
    items
        ``(duration, percent complete)`` pairs; durations must not be negative.

    Returns
    -------
    float
        ``sum(d * p) / sum(d)``; the plain average of the percents when every duration is zero
        (milestones only); 0.0 for no items.

    Raises
    ------
    ValueError
        If a duration is negative.
    """
    pairs = list(items)
    if any(d < 0 for d, _ in pairs):
        raise ValueError("A duration cannot be negative.")
    if not pairs:
        return 0.0
    total = sum(d for d, _ in pairs)
    if total == 0:
        return sum(p for _, p in pairs) / len(pairs)
    return sum(d * p for d, p in pairs) / total


def _round_percent(numerator: int, denominator: int) -> int:
    """numerator/denominator rounded half up, except that a value strictly between 0 and 1 gives 1 and
    one strictly between 99 and 100 gives 99: rounding never finishes or un-starts a summary."""
    value = (2 * numerator + denominator) // (2 * denominator)
    if value == 0 and numerator > 0:
        return 1
    if value == 100 and numerator < 100 * denominator:
        return 99
    return value


@dataclass(slots=True)
class _Totals:
    """Running sums over the leaves below one element."""

    leaves: int = 0
    duration: int = 0
    weighted: int = 0  # sum of duration * percent
    percents: int = 0  # sum of percent, for the all-milestones average
    start: date | None = None
    finish: date | None = None

    def add(self, other: _Totals) -> None:
        self.leaves += other.leaves
        self.duration += other.duration
        self.weighted += other.weighted
        self.percents += other.percents
        if other.start is not None and (self.start is None or other.start < self.start):
            self.start = other.start
        if other.finish is not None and (self.finish is None or other.finish > self.finish):
            self.finish = other.finish


def roll_up(elements: Iterable[Leaf]) -> list[Rollup]:
    """Summary values for every element that has children.

    % complete is `weighted_percent` of the leaves (elements without children) below the summary,
    computed exactly and rounded half up, except that rounding never gives 100 unless the exact value
    is 100, nor 0 unless it is 0. Start is the earliest leaf start, finish the latest leaf finish
    (None if no leaf below has one). The summaries' own values are ignored. O(n) for n elements.

    Parameters
    ----------
    elements
        Every element of the tree, summaries and leaves, with their parent ids.

    Returns
    -------
    list[Rollup]
        One entry per summary, in the order the elements were given.

    Raises
    ------
    TreeError
        If an id repeats, a parent is unknown, or the parent links contain a cycle.
    """
    items = list(elements)
    children = _children_of(items)
    totals: dict[Hashable, _Totals] = {}
    # Reversed pre-order visits every child before its parent.
    for item in reversed(_pre_order(items, children)):
        kids = children.get(item.id)
        if kids:
            total = _Totals()
            for kid in kids:
                total.add(totals[kid.id])
        else:
            d, p = item.duration_minutes, item.percent_complete
            total = _Totals(1, d, d * p, p, item.start, item.finish)
        totals[item.id] = total
    result: list[Rollup] = []
    for item in items:
        if not children.get(item.id):
            continue
        t = totals[item.id]
        if t.duration:
            percent = _round_percent(t.weighted, t.duration)
        else:
            percent = _round_percent(t.percents, t.leaves)
        result.append(Rollup(item.id, percent, t.start, t.finish))
    return result
