"""The notification inbox: the page, opening a notification, marking all read, the unread badge
on every page and the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from kuroko.core.models import Notification
from kuroko.core.notifications import notify
from tests.api.test_api import Api
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(world):
    """Three notifications for the member (one read, the newest linked to ALPHA) and one for the PM."""
    older = notify(users=[world.member], kind="test", title="Older news")[0]
    read = notify(users=[world.member], kind="test", title="Read news")[0]
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())
    newest = notify(users=[world.member], kind="test", title="Newest news", url="/projects/ALPHA/")[0]
    theirs = notify(users=[world.pm], kind="test", title="For the PM")[0]
    return {"older": older, "read": read, "newest": newest, "theirs": theirs}


def test_inbox_lists_own_notifications_newest_first_unread_in_bold(world, notes):
    """Newest first, unread titles in <strong>, nobody else's."""
    page = signed_in(world.member).get("/inbox/").content.decode()
    assert page.index("Newest news") < page.index("Read news") < page.index("Older news")
    assert "<strong>Newest news</strong>" in page and "<strong>Read news</strong>" not in page
    assert "For the PM" not in page
    unread = signed_in(world.member).get("/inbox/?unread=1").content.decode()
    assert "Read news" not in unread and "Older news" in unread


def test_the_badge_counts_unread_notifications_on_every_page(world, notes):
    """Two unread for the member, shown in the top bar; none for the executive."""
    page = signed_in(world.member).get("/").content.decode()
    assert '<span class="chip chip-red" id="unread-count">2</span>' in page
    assert 'id="unread-count"' not in signed_in(world.executive).get("/").content.decode()


def test_opening_marks_read_and_goes_to_the_item(world, notes):
    """Open → read and sent to its link; someone else's is not found; without a link, back to the inbox."""
    client = signed_in(world.member)
    response = client.get(f"/inbox/{notes['newest'].pk}/open/")
    assert response.status_code == 302 and response["Location"] == "/projects/ALPHA/"
    assert Notification.objects.get(pk=notes["newest"].pk).read_at is not None
    assert client.get(f"/inbox/{notes['theirs'].pk}/open/").status_code == 404
    assert Notification.objects.get(pk=notes["theirs"].pk).read_at is None
    assert client.get(f"/inbox/{notes['older'].pk}/open/")["Location"] == "/inbox/"


def test_an_outside_link_is_not_followed(world):
    """A notification pointing off-site opens the inbox instead (no open redirect)."""
    note = notify(users=[world.member], kind="test", title="Phish", url="https://evil.example/")[0]
    assert signed_in(world.member).get(f"/inbox/{note.pk}/open/")["Location"] == "/inbox/"


def test_mark_all_read(world, notes):
    """All of the member's notifications read; the PM's untouched."""
    response = signed_in(world.member).post("/inbox/read-all/", follow=True).content.decode()
    assert "2 notifications marked read." in response
    assert not Notification.objects.filter(recipient=world.member, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=notes["theirs"].pk).read_at is None


def test_api_notifications(world, notes):
    """List (own only, unread filter), mark one read (404 for someone else's), mark all read."""
    api = Api(world.member)
    titles = [n["title"] for n in api.get("/notifications").json()["items"]]
    assert titles == ["Newest news", "Read news", "Older news"]
    assert [n["title"] for n in api.get("/notifications", unread="true").json()["items"]] == [
        "Newest news",
        "Older news",
    ]
    marked = api.post(f"/notifications/{notes['older'].pk}/read")
    assert marked.status_code == 200 and marked.json()["read_at"] is not None
    assert api.post(f"/notifications/{notes['theirs'].pk}/read").status_code == 404
    assert api.post("/notifications/read-all").json() == {"marked": 1, "unread": 0}
