"""Quality services: what they refuse (naming the field) and how a defect's status moves its fix date."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from kuroko.governance.models import Defect, Phase, QualityRecord
from kuroko.governance.services import quality as services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"reviews_planned": 5, "reviews_done": 50}, "reviews_done"),  # reviews held above planned
        ({"tests_planned": 10, "tests_executed": 11}, "tests_executed"),  # executed above planned
        ({"tests_executed": 5, "tests_passed": 6}, "tests_passed"),  # passed above executed
        ({"size_kloc": -1}, "size_kloc"),  # negative size
        ({"colour": 1}, "colour"),  # not a record field
    ],
)
def test_record_refusals(world, values, field):
    """A bad record is refused with the field named, and nothing is written."""
    with pytest.raises(ValidationError) as exc:
        services.quality_record_save(user=world.pm, project=world.project, phase=None, values=values)
    assert field in exc.value.message_dict
    assert not QualityRecord.objects.exists()


def test_database_refuses_more_reviews_held_than_planned(world):
    """The CheckConstraint holds even when the service is bypassed."""
    with pytest.raises(IntegrityError), transaction.atomic():
        QualityRecord.objects.create(project=world.project, reviews_planned=5, reviews_done=6)


def test_record_of_another_projects_phase(world):
    """A phase of another project is refused."""
    phase = Phase.objects.create(project=world.other, name="X")
    with pytest.raises(ValidationError, match="another project"):
        services.quality_record_save(user=world.admin, project=world.project, phase=phase, values={})


JUNE_5 = date(2026, 6, 5)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        # fixed before it was found
        ({"title": "x", "found_on": JUNE_5, "status": "fixed", "fixed_on": date(2026, 6, 1)}, "fixed_on"),
        ({"title": "", "found_on": JUNE_5}, "title"),  # no title
        ({"title": "x", "severity": 9, "found_on": JUNE_5}, "severity"),  # unknown severity
        (
            {"title": "x", "found_on": JUNE_5, "fixed_on": date(2026, 6, 6)},
            "fixed_on",
        ),  # open with a fix date
    ],
)
def test_defect_refusals(world, values, field):
    """A bad defect is refused with the field named."""
    with pytest.raises(ValidationError) as exc:
        services.defect_create(user=world.member, project=world.project, values=values)
    assert field in exc.value.message_dict
    assert not Defect.objects.exists()


def test_duplicate_key_refused(world):
    """Two defects of a project cannot share a key."""
    values = {"key": "B-1", "title": "x", "found_on": date(2026, 6, 1)}
    services.defect_create(user=world.member, project=world.project, values=values)
    with pytest.raises(ValidationError) as exc:
        services.defect_create(user=world.member, project=world.project, values=values)
    assert "key" in exc.value.message_dict


def test_status_moves_fix_date(world):
    """Fixed sets today's fix date, closed keeps it, reopening clears it."""
    defect = services.defect_create(
        user=world.member, project=world.project, values={"title": "x", "found_on": date(2026, 6, 1)}
    )
    today = date(2026, 6, 4)
    defect = services.defect_update(user=world.pm, defect=defect, values={"status": "fixed"}, today=today)
    assert defect.fixed_on == today
    defect = services.defect_update(
        user=world.pm, defect=defect, values={"status": "closed"}, today=date(2026, 6, 9)
    )
    assert defect.fixed_on == today
    defect = services.defect_update(user=world.pm, defect=defect, values={"status": "open"}, today=today)
    assert defect.fixed_on is None


def test_who_edits_a_defect(world):
    """The recorder and project editors edit; another member and executives cannot."""
    defect = services.defect_create(
        user=world.pm, project=world.project, values={"title": "x", "found_on": date(2026, 6, 1)}
    )
    for user in (world.member, world.executive, world.outsider):
        with pytest.raises(PermissionDenied):
            services.defect_update(user=user, defect=defect, values={"title": "y"})
    with pytest.raises(PermissionDenied):
        services.defect_delete(user=world.member, defect=defect)
