"""The template document format (pure: no database)."""

from __future__ import annotations

import json
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.formats.project_template import (
    TemplateDocument,
    TemplateError,
    document_diff,
    document_from_json,
    document_to_json,
)
from tests.factories import template_content


def _paths(obj) -> list[str]:
    with pytest.raises(TemplateError) as raised:
        document_from_json(obj, metrics={"spi", "cpi"})
    return [path for path, _message in raised.value.errors]


def test_reads_the_sample():
    """The sample document reads with its phases, criteria, tasks, links and roles."""
    doc = document_from_json(template_content(), metrics={"spi"})
    assert [p.key for p in doc.phases] == ["p_req", "p_design"]
    assert [c.kind for _p, c in doc.criteria()] == ["checklist", "deliverable", "metric"]
    assert str(doc.phases[0].criteria[2].threshold) == "0.9"
    assert doc.children()["req"] == ["busreq", "req_done"]


def test_round_trip_is_exact():
    """Writing and reading again gives the same document and the same JSON."""
    doc = document_from_json(template_content(security_review=True))
    data = document_to_json(doc)
    assert document_from_json(json.loads(json.dumps(data))) == doc
    assert document_to_json(document_from_json(data)) == data


BAD = [
    # not an object at all
    ([], [""]),
    # an unknown top-level part
    ({"extra": 1}, ["extra"]),
    # tasks must be a list
    ({"tasks": {}}, ["tasks"]),
    # negative duration
    ({"tasks": [{"key": "a", "name": "A", "duration_days": -1}]}, ["tasks[0].duration_days"]),
    # a duration with more than two decimals
    ({"tasks": [{"key": "a", "name": "A", "duration_days": 1.555}]}, ["tasks[0].duration_days"]),
    # a boolean is not a number
    ({"tasks": [{"key": "a", "name": "A", "offset_days": True}]}, ["tasks[0].offset_days"]),
    # missing key and name
    ({"tasks": [{}]}, ["tasks[0].key", "tasks[0].name"]),
    # repeated key
    ({"tasks": [{"key": "a", "name": "A"}, {"key": "a", "name": "B"}]}, ["tasks[1].key"]),
    # unknown parent
    ({"tasks": [{"key": "a", "name": "A", "parent": "zz"}]}, ["tasks[0].parent"]),
    # parent cycle
    (
        {"tasks": [{"key": "a", "name": "A", "parent": "b"}, {"key": "b", "name": "B", "parent": "a"}]},
        ["tasks[0].parent", "tasks[1].parent"],
    ),
    # child before its parent (outline order)
    ({"tasks": [{"key": "a", "name": "A", "parent": "b"}, {"key": "b", "name": "B"}]}, ["tasks[0].parent"]),
    # a subtree interrupted by another top-level task
    (
        {
            "tasks": [
                {"key": "p", "name": "P"},
                {"key": "q", "name": "Q"},
                {"key": "c", "name": "C", "parent": "p"},
            ]
        },
        ["tasks[2].parent"],
    ),
    # a milestone with a duration
    (
        {"tasks": [{"key": "m", "name": "M", "milestone": True, "duration_days": 2}]},
        ["tasks[0].duration_days"],
    ),
    # unknown role
    ({"tasks": [{"key": "a", "name": "A", "role": "pm"}]}, ["tasks[0].role"]),
    # link to an unknown task and a wrong type
    (
        {
            "tasks": [{"key": "a", "name": "A"}],
            "links": [{"predecessor": "a", "successor": "b", "type": "XX"}],
        },
        ["links[0].type", "links[0].successor"],
    ),
    # link cycle
    (
        {
            "tasks": [{"key": "a", "name": "A"}, {"key": "b", "name": "B"}],
            "links": [{"predecessor": "a", "successor": "b"}, {"predecessor": "b", "successor": "a"}],
        },
        ["links"],
    ),
    # a task linked to itself
    ({"tasks": [{"key": "a", "name": "A"}], "links": [{"predecessor": "a", "successor": "a"}]}, ["links[0]"]),
    # deliverable of an unknown phase
    ({"deliverables": [{"key": "d", "phase": "p", "name": "D"}]}, ["deliverables[0].phase"]),
    # metric criterion: unknown metric, bad operator, no threshold
    (
        {
            "phases": [
                {
                    "key": "p",
                    "name": "P",
                    "criteria": [
                        {"key": "c", "kind": "metric", "text": "x", "metric": "nope", "operator": "!"}
                    ],
                }
            ]
        },
        ["phases[0].criteria[0].metric", "phases[0].criteria[0].operator", "phases[0].criteria[0].threshold"],
    ),
    # deliverable criterion naming no deliverable; phase summary task unknown
    (
        {
            "phases": [
                {
                    "key": "p",
                    "name": "P",
                    "summary_task": "x",
                    "criteria": [{"key": "c", "kind": "deliverable", "text": "x", "deliverable": "d"}],
                }
            ]
        },
        ["phases[0].criteria[0].deliverable", "phases[0].summary_task"],
    ),
    # a risk's probability out of range
    ({"risks": [{"key": "r", "title": "R", "probability": 6}]}, ["risks[0].probability"]),
    # report is not an object
    ({"report": [1]}, ["report"]),
]


@pytest.mark.parametrize(("obj", "paths"), BAD)
def test_invalid_documents_name_every_path(obj, paths):
    """Each problem is reported with its path, all at once."""
    assert sorted(_paths(obj)) == sorted(paths)


def test_error_message_names_the_path():
    """The message reads "tasks[0].offset_days: must be a whole number ≥ 0"."""
    with pytest.raises(TemplateError) as raised:
        document_from_json({"tasks": [{"key": "a", "name": "A", "offset_days": -2}]})
    assert raised.value.messages() == ["tasks[0].offset_days: must be a whole number ≥ 0"]


def test_fractional_days_and_a_deliverable_without_phase_read_and_write_back():
    """0.25 days (two hours) and a deliverable with phase "" read, and are written back as they were."""
    data = {
        "tasks": [
            {"key": "a", "name": "A", "duration_days": 0.25},
            {"key": "b", "name": "B", "duration_days": 3},
        ],
        "deliverables": [{"key": "d", "phase": "", "name": "Loose"}],
    }
    doc = document_from_json(data)
    assert [t.duration_days for t in doc.tasks] == [0.25, 3] and not doc.tasks[0].milestone
    assert doc.deliverables[0].phase == ""
    assert document_from_json(document_to_json(doc)) == doc
    assert document_to_json(doc)["tasks"][1]["duration_days"] == 3


def test_diff_by_key():
    """The diff lists added, changed (field → old, new) and removed elements per kind."""
    old = document_from_json(template_content())
    changed = template_content(security_review=True)
    changed["tasks"][1]["duration_days"] = 7
    del changed["risks"][0]
    new = document_from_json(changed)
    diff = document_diff(old, new)
    assert diff.of("tasks").added == ("secreview",)
    assert diff.of("tasks").changed[0].fields == (("duration_days", 5, 7),)
    assert diff.of("risks").removed == ("r1",)
    assert diff.of("deliverables").added == ("secreport",)
    assert not diff.is_empty and document_diff(old, old).is_empty


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=10,
)
FIELD = st.sampled_from(["key", "name", "parent", "duration_days", "milestone", "role", "kind", "phase"])
ELEMENT = st.dictionaries(FIELD, JSON | st.sampled_from(["a", "b", "c", 0, 1, True]), max_size=6)
SHAPED = st.fixed_dictionaries(
    {},
    optional={
        kind: st.lists(ELEMENT, max_size=4)
        for kind in ("phases", "tasks", "links", "roles", "deliverables", "risks")
    },
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(JSON | SHAPED)
def test_random_json_raises_only_template_error(obj):
    """Whatever JSON comes in, the reader returns a document or raises TemplateError."""
    try:
        doc = document_from_json(obj)
    except TemplateError as exc:
        assert exc.errors
    else:
        assert isinstance(doc, TemplateDocument)


KEYS = st.sampled_from(["a", "b", "c", "d", "e"])


@st.composite
def documents(draw):
    """Valid documents: nested tasks in outline order, links along the list (no cycles), a report."""
    keys = draw(st.lists(KEYS, unique=True, max_size=5))
    tasks: list[dict] = []
    chain: list[str] = []  # the ancestors of the previous task, itself included
    for key in keys:
        parent = draw(st.sampled_from(["", *chain]))
        chain = [*chain[: chain.index(parent) + 1], key] if parent else [key]
        milestone = draw(st.booleans())
        tasks.append(
            {
                "key": key,
                "name": key.upper(),
                "parent": parent,
                "duration_days": 0 if milestone else draw(st.integers(0, 30)),
                "offset_days": draw(st.integers(0, 10)),
                "milestone": milestone,
                "work_hours": draw(st.integers(0, 80)) / 2,
            }
        )
    links = [
        {
            "predecessor": a,
            "successor": b,
            "type": draw(st.sampled_from(["FS", "SS", "FF", "SF"])),
            "lag_days": draw(st.integers(-3, 3)),
        }
        for a, b in pairwise(keys)
        if draw(st.booleans())
    ]
    phases = [
        {
            "key": "p",
            "name": "P",
            "summary_task": keys[0] if keys else "",
            "criteria": [
                {
                    "key": "c",
                    "kind": "metric",
                    "text": "SPI",
                    "metric": "spi",
                    "operator": ">=",
                    "threshold": draw(st.decimals(min_value=0, max_value=10, places=2).map(str)),
                }
            ],
        }
    ]
    report = draw(st.dictionaries(st.text(max_size=4), st.integers() | st.text(max_size=3), max_size=3))
    return {"phases": phases, "tasks": tasks, "links": links, "report": report}


@given(documents())
def test_to_json_after_from_json_is_identity(obj):
    """Reading a valid document and writing it gives data that reads back to the same document."""
    doc = document_from_json(obj)
    data = document_to_json(doc)
    assert document_from_json(data) == doc
    assert document_to_json(document_from_json(data)) == data
