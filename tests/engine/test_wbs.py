"""Tests for kuroko.engine.wbs: outline numbering and summary roll-ups."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date, timedelta
from fractions import Fraction
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kuroko.engine.wbs import Leaf, Node, Numbered, Rollup, TreeError, number_tree, roll_up, weighted_percent

# --- number_tree: examples ----------------------------------------------------------------------

# The worked example of docs/engine/wbs.md: (id, parent, position, minutes, % complete, start, finish).
D = date(2025, 4, 1)
EXAMPLE_ROWS: list[tuple[str, str | None, int, int, int, date | None, date | None]] = [
    ("design", None, 0, 0, 0, None, None),
    ("review", "design", 0, 960, 100, D, D + timedelta(days=1)),
    ("build", None, 5, 0, 0, None, None),  # position 5: gaps left by deleted siblings
    ("ui", "build", 2, 2400, 0, D + timedelta(days=13), D + timedelta(days=17)),
    ("api", "build", 1, 0, 0, None, None),
    ("db", "api", 0, 2400, 100, D + timedelta(days=2), D + timedelta(days=8)),
    ("auth", "api", 1, 4800, 25, D + timedelta(days=9), D + timedelta(days=22)),
    ("handover", None, 9, 0, 0, D + timedelta(days=23), D + timedelta(days=23)),
]
EXAMPLE = [Node(i, parent, position) for i, parent, position, *_ in EXAMPLE_ROWS]


def test_number_tree_example() -> None:
    """The docs example gets pre-order rows, outline codes and renumbered positions."""
    assert number_tree(EXAMPLE) == [
        Numbered("design", "1", 1, 0, 0, True),
        Numbered("review", "1.1", 2, 1, 0, False),
        Numbered("build", "2", 1, 2, 1, True),
        Numbered("api", "2.1", 2, 3, 0, True),
        Numbered("db", "2.1.1", 3, 4, 0, False),
        Numbered("auth", "2.1.2", 3, 5, 1, False),
        Numbered("ui", "2.2", 2, 6, 1, False),
        Numbered("handover", "3", 1, 7, 2, False),
    ]


def test_number_tree_empty() -> None:
    """No elements give no rows."""
    assert number_tree([]) == []


def test_number_tree_ties_keep_given_order() -> None:
    """Siblings with the same position keep the order in which they were given."""
    nodes = [Node("b", None, 0), Node("a", None, 0), Node("c", None, -1)]
    assert [(n.id, n.code) for n in number_tree(nodes)] == [("c", "1"), ("b", "2"), ("a", "3")]


def test_number_tree_double_digit_codes() -> None:
    """Codes count past 9 (1.10 follows 1.9), positions need not be contiguous."""
    nodes = [Node(0, None, 0), *(Node(i, 0, 10 * i) for i in range(1, 12))]
    codes = [n.code for n in number_tree(nodes)]
    assert codes[-3:] == ["1.9", "1.10", "1.11"]


def test_number_tree_deep_chain() -> None:
    """A chain deeper than the recursion limit is numbered without recursion."""
    depth = 5000
    nodes = [Node(0, None, 0), *(Node(i, i - 1, 0) for i in range(1, depth))]
    last = number_tree(nodes)[-1]
    assert (last.id, last.level, last.row) == (depth - 1, depth, depth - 1)
    assert last.code == ".".join(["1"] * depth)


def test_number_tree_does_not_mutate_input() -> None:
    """The given list keeps its order (the engine never mutates inputs)."""
    nodes = list(EXAMPLE)
    number_tree(nodes)
    assert nodes == EXAMPLE


@pytest.mark.parametrize(
    ("nodes", "elements", "message"),
    [
        # the parent is not among the elements
        ([Node(1, None, 0), Node(2, 99, 0)], (2,), "parent 99, which does not exist"),
        # the same id twice
        ([Node(1, None, 0), Node(1, None, 1)], (1,), "appears more than once"),
        # an element that is its own parent
        ([Node(1, None, 0), Node(2, 2, 0)], (2, 2), "cycle: 2 → 2"),
        # two elements that are each other's parent
        ([Node("a", "b", 0), Node("b", "a", 0)], ("a", "b", "a"), "cycle: 'a' → 'b' → 'a'"),
        # a cycle of three below which hangs a child: only the cycle is named
        (
            [Node(1, None, 0), Node(2, 4, 0), Node(3, 2, 0), Node(4, 3, 0), Node(5, 3, 0)],
            (2, 4, 3, 2),
            "cycle: 2 → 4 → 3 → 2",
        ),
        # no root at all
        ([Node(1, 1, 0)], (1, 1), "cycle"),
    ],
)
def test_number_tree_rejects(nodes: list[Node], elements: tuple[Hashable, ...], message: str) -> None:
    """Links that are not a forest raise TreeError naming the elements involved."""
    with pytest.raises(TreeError, match=message) as info:
        number_tree(nodes)
    assert info.value.elements == elements


def test_node_needs_an_id() -> None:
    """None cannot be an id, since it means 'no parent'."""
    with pytest.raises(ValueError, match="needs an id"):
        Node(None, None, 0)


# --- number_tree: properties --------------------------------------------------------------------


@st.composite
def forests(draw: st.DrawFn, max_size: int = 30) -> list[Node]:
    """A random forest in random order, with positions that have gaps and ties."""
    size = draw(st.integers(0, max_size))
    parents = [draw(st.one_of(st.none(), st.integers(0, i - 1))) if i else None for i in range(size)]
    # Relabel so that ids do not reveal the tree order.
    labels = draw(st.permutations(range(size)))
    nodes = [
        Node(labels[i], None if p is None else labels[p], draw(st.integers(-3, 3)))
        for i, p in enumerate(parents)
    ]
    return draw(st.permutations(nodes))


def reference_numbering(nodes: list[Node]) -> list[tuple[Hashable, str, int, int, bool]]:
    """A recursive restatement of the numbering rules, used as the oracle."""
    index = {n.id: i for i, n in enumerate(nodes)}

    def kids(parent: Hashable | None) -> list[Node]:
        return sorted((n for n in nodes if n.parent == parent), key=lambda n: (n.position, index[n.id]))

    out: list[tuple[Hashable, str, int, int, bool]] = []

    def visit(parent: Hashable | None, prefix: str, level: int) -> None:
        for i, node in enumerate(kids(parent)):
            code = f"{prefix}{i + 1}"
            out.append((node.id, code, level, i, bool(kids(node.id))))
            visit(node.id, f"{code}.", level + 1)

    visit(None, "", 1)
    return out


@given(forests())
def test_number_tree_matches_reference(nodes: list[Node]) -> None:
    """number_tree agrees with a direct recursive statement of the rules."""
    result = number_tree(nodes)
    assert [(n.id, n.code, n.level, n.position, n.has_children) for n in result] == reference_numbering(nodes)


@given(forests())
def test_number_tree_invariants(nodes: list[Node]) -> None:
    """Codes are unique, rows are 0..n-1, children extend their parent's code and follow it."""
    result = number_tree(nodes)
    by_id = {n.id: n for n in result}
    parent_of = {n.id: n.parent for n in nodes}
    assert len(by_id) == len(nodes)
    assert [n.row for n in result] == list(range(len(nodes)))
    assert len({n.code for n in result}) == len(result)
    for n in result:
        parent = parent_of[n.id]
        if parent is None:
            assert n.code == str(n.position + 1)
            assert n.level == 1
        else:
            p = by_id[parent]
            assert n.code == f"{p.code}.{n.position + 1}"
            assert n.level == p.level + 1
            assert n.row > p.row
            assert p.has_children
    # Pre-order: the rows of a subtree are contiguous and start right after its root.
    sizes = {n.id: 1 for n in result}
    for n in reversed(result):
        if parent_of[n.id] is not None:
            sizes[parent_of[n.id]] += sizes[n.id]
    for n in result:
        descendants = [m for m in result if m.code.startswith(n.code + ".")]
        assert sorted(m.row for m in descendants) == list(range(n.row + 1, n.row + sizes[n.id]))
    # Positions are 0..k-1 for each parent.
    siblings: dict[Hashable | None, list[int]] = {}
    for n in result:
        siblings.setdefault(parent_of[n.id], []).append(n.position)
    for positions in siblings.values():
        assert positions == list(range(len(positions)))


@given(forests(), st.data())
def test_number_tree_cycle_is_named(nodes: list[Node], data: st.DataObject) -> None:
    """Re-parenting an element under itself or a descendant raises TreeError naming a real cycle."""
    if not nodes:
        return
    parent_of = {n.id: n.parent for n in nodes}
    victim = data.draw(st.sampled_from([n.id for n in nodes]))
    below = [n.id for n in nodes if _is_ancestor(parent_of, victim, n.id)]
    new_parent = data.draw(st.sampled_from([victim, *below]))
    broken = [Node(n.id, new_parent, n.position) if n.id == victim else n for n in nodes]
    parent_of[victim] = new_parent
    with pytest.raises(TreeError) as info:
        number_tree(broken)
    loop = info.value.elements
    assert loop[0] == loop[-1]
    assert len(set(loop)) == len(loop) - 1
    assert all(parent_of[child] == parent for child, parent in pairwise(loop))
    assert victim in loop
    for element in loop:
        assert repr(element) in str(info.value)


def _is_ancestor(parent_of: dict[Hashable, Hashable | None], ancestor: Hashable, node: Hashable) -> bool:
    """Whether `ancestor` is a strict ancestor of `node` in an acyclic parent map."""
    current = parent_of[node]
    while current is not None:
        if current == ancestor:
            return True
        current = parent_of[current]
    return False


# --- weighted_percent ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([], 0.0),  # nothing to roll up
        ([(10, 50)], 50.0),  # a single item
        ([(30, 100), (10, 0)], 75.0),  # weighted by duration, not averaged
        ([(0, 100), (0, 0)], 50.0),  # milestones only: plain average
        ([(0, 100), (10, 20)], 20.0),  # a milestone carries no weight beside real work
    ],
)
def test_weighted_percent(pairs: list[tuple[int, int]], expected: float) -> None:
    """Percent complete is weighted by duration, averaged when all durations are zero."""
    assert weighted_percent(pairs) == pytest.approx(expected)


def test_weighted_percent_refuses_negative_durations() -> None:
    """A negative weight would let the result leave the range of its inputs."""
    with pytest.raises(ValueError, match="negative"):
        weighted_percent([(10, 50), (-5, 100)])


@given(st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 100)), min_size=1))
def test_weighted_percent_between_min_and_max(pairs: list[tuple[int, int]]) -> None:
    """The weighted percent lies between the smallest and largest input percents."""
    value = weighted_percent(pairs)
    assert min(p for _, p in pairs) - 1e-9 <= value <= max(p for _, p in pairs) + 1e-9


# --- roll_up ------------------------------------------------------------------------------------


def test_roll_up_example() -> None:
    """The docs example: percent weighted by leaf durations, dates from the leaves below."""
    leaves = [Leaf(i, parent, d, p, s, f) for i, parent, _, d, p, s, f in EXAMPLE_ROWS]
    assert roll_up(leaves) == [
        Rollup("design", 100, D, D + timedelta(days=1)),
        Rollup("build", 38, D + timedelta(days=2), D + timedelta(days=22)),  # 360000 / 9600 = 37.5
        Rollup("api", 50, D + timedelta(days=2), D + timedelta(days=22)),  # 360000 / 7200 = 50
    ]


def test_roll_up_ignores_summary_values() -> None:
    """A summary's own duration, progress and dates do not count, only its leaves'."""
    leaves = [
        Leaf(1, None, 999_999, 100, D - timedelta(days=100), D + timedelta(days=100)),
        Leaf(2, 1, 60, 40, D, D),
    ]
    assert roll_up(leaves) == [Rollup(1, 40, D, D)]


def test_roll_up_no_dates() -> None:
    """With no leaf dates, the summary has none."""
    assert roll_up([Leaf(1, None, 0, 0, None, None), Leaf(2, 1, 60, 0, None, None)]) == [
        Rollup(1, 0, None, None)
    ]


def test_roll_up_milestones_only() -> None:
    """When every leaf below has zero duration, the plain average is used."""
    leaves = [Leaf(1, None, 0, 0, None, None), Leaf(2, 1, 0, 100, D, D), Leaf(3, 1, 0, 0, D, D)]
    assert roll_up(leaves) == [Rollup(1, 50, D, D)]


@pytest.mark.parametrize(
    ("leaves", "percent"),
    [
        # 99.5 exactly: rounding half up would claim the summary is complete
        ([(199, 100), (1, 0)], 99),
        # 99.95: still not complete
        ([(1999, 100), (1, 0)], 99),
        # 0.5: rounding would claim the summary has not started
        ([(199, 0), (1, 100)], 1),
        # 0.05: started, however little
        ([(1999, 0), (1, 100)], 1),
        # 12.5 rounds half up (not to even)
        ([(7, 0), (1, 100)], 13),
        # 2.5 rounds half up (Python's round would give 2)
        ([(39, 0), (1, 100)], 3),
        # exactly 100 stays 100
        ([(5, 100), (0, 0)], 100),
        # exactly 0 stays 0
        ([(5, 0), (0, 100)], 0),
    ],
)
def test_roll_up_rounding(leaves: list[tuple[int, int]], percent: int) -> None:
    """Percent rounds half up, but never to 100 unless complete nor to 0 unless not started."""
    elements = [Leaf("s", None, 0, 0, None, None)]
    elements += [Leaf(i, "s", d, p, None, None) for i, (d, p) in enumerate(leaves)]
    assert roll_up(elements)[0].percent_complete == percent


def test_roll_up_deep_chain() -> None:
    """A chain deeper than the recursion limit rolls up in one pass."""
    depth = 5000
    leaves = [Leaf(0, None, 0, 0, None, None)]
    leaves += [Leaf(i, i - 1, 60, 30, D, D) for i in range(1, depth)]
    result = roll_up(leaves)
    assert len(result) == depth - 1
    assert {r.percent_complete for r in result} == {30}


@pytest.mark.parametrize(
    ("leaves", "message"),
    [
        # the parent is not among the elements
        ([Leaf(1, None, 0, 0, None, None), Leaf(2, 3, 0, 0, None, None)], "does not exist"),
        # the same id twice
        ([Leaf(1, None, 0, 0, None, None), Leaf(1, None, 0, 0, None, None)], "more than once"),
        # a parent cycle (which used to loop forever)
        ([Leaf(1, 2, 60, 0, None, None), Leaf(2, 1, 60, 0, None, None)], "cycle"),
    ],
)
def test_roll_up_rejects(leaves: list[Leaf], message: str) -> None:
    """Links that are not a forest raise TreeError instead of looping or guessing."""
    with pytest.raises(TreeError, match=message):
        roll_up(leaves)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"id": None}, "needs an id"),  # None means 'no parent'
        ({"duration_minutes": -1}, "duration cannot be negative"),  # negative weight
        ({"percent_complete": -1}, "between 0 and 100"),  # below 0 %
        ({"percent_complete": 101}, "between 0 and 100"),  # above 100 %
        ({"start": D, "finish": D - timedelta(days=1)}, "finish cannot be before"),  # reversed dates
    ],
)
def test_leaf_validates(kwargs: dict[str, Any], message: str) -> None:
    """A Leaf refuses values the database constraints also refuse."""
    values: dict[str, Any] = {
        "id": 1,
        "parent": None,
        "duration_minutes": 60,
        "percent_complete": 0,
        "start": None,
        "finish": None,
    }
    with pytest.raises(ValueError, match=message):
        Leaf(**(values | kwargs))


@st.composite
def leaf_forests(draw: st.DrawFn) -> list[Leaf]:
    """A random forest of Leaf values with random durations, progress and (optional) dates."""
    nodes = draw(forests(max_size=25))
    leaves = []
    for node in nodes:
        start = draw(st.one_of(st.none(), st.dates(D, D + timedelta(days=60))))
        finish = draw(st.one_of(st.none(), st.dates(start or D, D + timedelta(days=90))))
        duration = draw(st.one_of(st.just(0), st.integers(0, 10_000)))
        leaves.append(Leaf(node.id, node.parent, duration, draw(st.integers(0, 100)), start, finish))
    return leaves


def _leaves_below(items: list[Leaf], summary: Hashable) -> list[Leaf]:
    """Leaves whose ancestor chain contains `summary`, found by walking up from every leaf."""
    parent_of = {i.id: i.parent for i in items}
    has_children = {i.parent for i in items}
    below = []
    for item in items:
        if item.id in has_children:
            continue
        current = item.parent
        while current is not None and current != summary:
            current = parent_of[current]
        if current == summary:
            below.append(item)
    return below


@given(leaf_forests())
def test_roll_up_matches_brute_force(items: list[Leaf]) -> None:
    """Every summary's values equal a direct computation over the leaves below it."""
    result = roll_up(items)
    summaries = [i.id for i in items if any(j.parent == i.id for j in items)]
    assert [r.id for r in result] == summaries
    for r in result:
        leaves = _leaves_below(items, r.id)
        assert leaves
        total = sum(leaf.duration_minutes for leaf in leaves)
        if total:
            exact = Fraction(sum(leaf.duration_minutes * leaf.percent_complete for leaf in leaves), total)
        else:
            exact = Fraction(sum(leaf.percent_complete for leaf in leaves), len(leaves))
        assert abs(r.percent_complete - exact) <= Fraction(1, 2) or r.percent_complete in (1, 99)
        assert (r.percent_complete == 100) == (exact == 100)
        assert (r.percent_complete == 0) == (exact == 0)
        assert min(leaf.percent_complete for leaf in leaves) <= r.percent_complete
        assert r.percent_complete <= max(leaf.percent_complete for leaf in leaves)
        starts = [leaf.start for leaf in leaves if leaf.start is not None]
        finishes = [leaf.finish for leaf in leaves if leaf.finish is not None]
        assert r.start == (min(starts) if starts else None)
        assert r.finish == (max(finishes) if finishes else None)
