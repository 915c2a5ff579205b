"""MS Project XML, fuzzed: real files mutated at random (elements cut out, values replaced, text
spliced) either import as a project and update one, or are refused with a message on the file — never
another exception, and a refused file leaves the database as it was."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kuroko.projects.models import Assignment, Dependency, Project, Task
from kuroko.projects.services import project_import_mspdi, project_update_mspdi
from tests.projects.test_import import mspdi

pytestmark = pytest.mark.django_db

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "mspdi"
SOURCES = [mspdi()] + ([p.read_bytes() for p in sorted(SHARED.glob("*.xml"))[:4]] if SHARED.is_dir() else [])
VALUE = re.compile(rb">([^<>]{1,40})</")

# Values an MS Project file may be mutated to: empty, huge, negative, not a number, not a date.
ODD = [b"", b"-1", b"999999999999", b"NaN", b"PT-8H0M0S", b"2026-13-45T25:61:00", b"\xff\xfe", b"&amp;", b"0"]


def counts() -> tuple[int, int, int, int]:
    return (
        Project.objects.count(),
        Task.objects.count(),
        Dependency.objects.count(),
        Assignment.objects.count(),
    )


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    """A source file with one to three mutations: a value replaced, a slice removed, or a slice
    duplicated somewhere else."""
    data = draw(st.sampled_from(SOURCES))
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["value", "cut", "splice"]))
        if kind == "value":
            found = list(VALUE.finditer(data))
            if not found:
                continue
            match = draw(st.sampled_from(found))
            new = draw(st.one_of(st.sampled_from(ODD), st.binary(max_size=12)))
            data = data[: match.start(1)] + new + data[match.end(1) :]
        else:
            start = draw(st.integers(0, len(data)))
            end = draw(st.integers(start, min(len(data), start + 400)))
            if kind == "cut":
                data = data[:start] + data[end:]
            else:
                at = draw(st.integers(0, len(data)))
                data = data[:at] + data[start:end] + data[at:]
    return data


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_mutated_files_import_or_are_refused_without_writing(world, data) -> None:
    """A mutated file becomes a project, or a ValidationError on `file` with the database unchanged."""
    before = counts()
    try:
        project = project_import_mspdi(actor=world.admin, data=data, code="FUZZ")
    except ValidationError as exc:
        assert "file" in exc.message_dict, exc
        assert counts() == before
        return
    project.delete()


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=mutated())
def test_mutated_updates_apply_or_are_refused_without_writing(world, data) -> None:
    """A mutated later version of a file updates the project, or is refused and changes nothing."""
    project = Project.objects.filter(code="BASE").first() or project_import_mspdi(
        actor=world.admin, data=mspdi(), code="BASE"
    )
    before = counts()
    try:
        project_update_mspdi(actor=world.admin, project=project, data=data, dry_run=True)
    except ValidationError as exc:
        assert "file" in exc.message_dict, exc
    assert counts() == before  # a dry run never writes
