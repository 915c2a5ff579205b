"""Defects found in review of the RAID registers (issue 6), each kept fixed by a test that failed before."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from kuroko.projects import services as project_services
from kuroko.raid import services
from kuroko.raid.excel import Column, export_rows
from kuroko.raid.models import ActionItem, ChangeRequest
from tests.api.test_api import Api

pytestmark = pytest.mark.django_db


def test_exported_text_starting_with_equals_stays_text():
    """A title like =HYPERLINK(…) is written as text, not as a live formula in everyone's export."""
    spec = [Column(key="title", header="Title", write=lambda item: item)]
    book = load_workbook(io.BytesIO(export_rows(spec, ['=HYPERLINK("http://evil","click")'])))
    cell = book.active["A2"]
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://evil","click")'


def test_a_link_to_another_projects_item_leaks_neither_title_nor_existence(world):
    """Linking an action to an issue of a project the user cannot read gives the same message as an id
    that does not exist, without the issue's title."""
    secret = services.issue_create(actor=world.admin, project=world.other, data={"title": "SECRET merger"})
    messages = []
    for issue_id in (secret.pk, 999_999):
        with pytest.raises(ValidationError) as refused:
            services.action_create(
                actor=world.pm, project=world.project, data={"title": "Follow up", "issue": issue_id}
            )
        text = " ".join(refused.value.message_dict["issue"])
        assert "SECRET" not in text
        messages.append(text.replace(str(issue_id), "ID"))
    assert messages[0] == messages[1]
    assert not ActionItem.objects.filter(title="Follow up").exists()


def test_a_sponsor_cannot_approve_their_own_request_by_renaming_the_requester(world):
    """The PM sponsoring the project submits a request; changing "requested by" afterwards is refused and
    the submitter still cannot approve it (a PMO decides)."""
    project_services.project_update(
        actor=world.admin, project=world.project, data={"sponsor": world.pm.person}, expected_version=None
    )
    world.project.refresh_from_db()
    change = services.change_request_create(actor=world.pm, project=world.project, data={"title": "Scope+"})
    change = services.change_request_transition(actor=world.pm, change=change, action="submit")
    with pytest.raises(ValidationError) as refused:
        services.change_request_update(
            actor=world.pm,
            change=change,
            data={"requested_by": world.member.person},
            expected_version=change.version,
        )
    assert "requested_by" in refused.value.message_dict
    with pytest.raises(PermissionDenied):
        services.change_request_transition(actor=world.pm, change=change, action="approve")
    assert ChangeRequest.objects.get(pk=change.pk).status == "submitted"


@pytest.mark.parametrize("path", ["/issues", "/actions"])
def test_unknown_status_filter_is_a_422(world, path):
    """A status the register does not have is refused, not answered with an empty list."""
    response = Api(world.admin).get(path, status="zz")
    assert response.status_code == 422


def test_notifications_are_emailed_after_commit_to_active_users_with_an_address(
    world, django_capture_on_commit_callbacks
):
    """`notify` e-mails each recipient with an address once the transaction commits (MAILERS' default
    mailer; the test runner swaps in the memory backend); inactive accounts get nothing."""
    from django.core import mail

    from kuroko.core.notifications import notify

    world.pm.email = "pm@example.com"
    world.pm.save()
    world.member.email = "member@example.com"
    world.member.is_active = False
    world.member.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(users=[world.pm, world.member], kind="test", title="Risk R-001 escalated", url="/risks/1/")
    assert [m.to for m in mail.outbox] == [["pm@example.com"]]
    assert mail.outbox[0].subject == "Risk R-001 escalated" and "/risks/1/" in mail.outbox[0].body
