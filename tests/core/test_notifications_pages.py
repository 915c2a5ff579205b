"""The inbox's filters, marking one read, the preferences page and the notifications API."""

from __future__ import annotations

import pytest

from kuroko.core.models import Notification, NotificationPreference
from kuroko.core.notifications import notify
from tests.api.test_api import Api
from tests.conftest import signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def notes(world):
    """The member's notifications: an escalation, two overdue actions (one read), and one of the PM."""
    esc = notify(users=[world.member], kind="raid.escalation", title="Escalated item", url="/issues/1/")[0]
    due = notify(users=[world.member], kind="raid.action_overdue", title="Overdue A", url="/actions/1/")[0]
    done = notify(users=[world.member], kind="raid.action_overdue", title="Overdue B", url="/actions/2/")[0]
    Notification.objects.filter(pk=done.pk).update(read_at=done.created_at)
    theirs = notify(users=[world.pm], kind="raid.escalation", title="For the PM")[0]
    return {"esc": esc, "due": due, "done": done, "theirs": theirs}


def test_inbox_filters_by_kind_and_unread(world, notes):
    """Kind and unread filters combine; each entry shows its kind; an unknown kind shows every kind."""
    client = signed_in(world.member)
    page = client.get("/inbox/?kind=raid.action_overdue").content.decode()
    assert "Overdue A" in page and "Overdue B" in page and "Escalated item" not in page
    assert "My action item is overdue" in page
    page = client.get("/inbox/?kind=raid.action_overdue&unread=1").content.decode()
    assert "Overdue A" in page and "Overdue B" not in page
    assert "Escalated item" in client.get("/inbox/?kind=bogus").content.decode()


def test_inbox_fragment_and_bounded_queries(world, notes, django_assert_max_num_queries):
    """The htmx request gets the results partial only; the page's queries do not grow with its rows."""
    for i in range(30):
        notify(users=[world.member], kind="meeting", title=f"Meeting {i}")
    client = signed_in(world.member)
    fragment = client.get("/inbox/?kind=meeting", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<div id="results">') and "Meeting 29" in fragment
    with django_assert_max_num_queries(12):
        client.get("/inbox/")


def test_mark_one_read_updates_the_entry_and_the_bell(world, notes):
    """htmx: the entry comes back read with the bell's new count out of band; someone else's is not found."""
    client = signed_in(world.member)
    response = client.post(f"/inbox/{notes['due'].pk}/read/", headers={"HX-Request": "true"}).content.decode()
    assert 'class="read"' in response and 'hx-swap-oob="true"' in response
    assert '<span class="chip chip-red" id="unread-count">1</span>' in response
    assert Notification.objects.get(pk=notes["due"].pk).read_at is not None
    assert client.post(f"/inbox/{notes['theirs'].pk}/read/").status_code == 404
    plain = client.post(f"/inbox/{notes['esc'].pk}/read/", {"next": "/inbox/?unread=1"})
    assert plain.status_code == 302 and plain["Location"] == "/inbox/?unread=1"


def test_preferences_page_saves_and_summarises_the_digest(world):
    """Each kind has a row with its default; saving stores the choice and the digest summary lists it."""
    client = signed_in(world.pm)
    page = client.get("/accounts/notifications/").content.decode()
    assert 'name="delivery-raid.escalation" value="immediate" checked' in page
    assert "My task is overdue" in page and "Every morning at 07:00" in page
    response = client.post(
        "/accounts/notifications/", {"delivery-raid.escalation": "digest", "delivery-meeting": "inbox"}
    )
    assert response.status_code == 302
    prefs = dict(NotificationPreference.objects.filter(user=world.pm).values_list("kind", "delivery"))
    assert prefs == {"raid.escalation": "digest", "meeting": "inbox"}
    page = client.get("/accounts/notifications/").content.decode()
    summary = page[page.index('id="digest-summary"') : page.index('id="preferences-form"')]
    assert "Escalation" in summary and "Meetings" not in summary


def test_preferences_page_refuses_a_bad_delivery(world):
    """A delivery that is not one of the three is shown as an error naming it; nothing saved."""
    response = signed_in(world.pm).post("/accounts/notifications/", {"delivery-meeting": "hourly"})
    assert response.status_code == 422 and "“hourly” is not a delivery" in response.content.decode()
    assert not NotificationPreference.objects.exists()


def test_the_user_menu_links_to_the_preferences(world):
    """The profile menu of every page has the preferences link."""
    assert 'href="/accounts/notifications/"' in signed_in(world.member).get("/inbox/").content.decode()


def test_api_filters_counts_and_marks(world, notes):
    """List by kind and unread, the unread count, mark all of one kind read."""
    api = Api(world.member)
    items = api.get("/notifications", kind="raid.action_overdue").json()["items"]
    assert [n["title"] for n in items] == ["Overdue B", "Overdue A"]
    assert items[0]["kind_label"] == "My action item is overdue"
    assert api.get("/notifications/unread-count").json() == {"unread": 2}
    marked = api.post("/notifications/read-all?kind=raid.action_overdue").json()
    assert marked == {"marked": 1, "unread": 1}
    bad = api.get("/notifications", kind="nope")
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"][-1] == "kind"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"preferences": [{"kind": "nope", "delivery": "digest"}]}, "nope"),  # an unknown kind
        ({"preferences": [{"kind": "meeting", "delivery": "weekly"}]}, "meeting"),  # an unknown delivery
        ({"preferences": [{"kind": "meeting"}]}, "delivery"),  # the delivery missing
    ],
)
def test_api_preferences_refuse_bad_input(world, body, field):
    """422 naming the kind or the missing field; nothing saved."""
    response = Api(world.member).put("/notifications/preferences", body)
    assert response.status_code == 422
    assert field in str(response.json()["detail"])
    assert not NotificationPreference.objects.exists()


def test_api_preferences_get_and_put(world):
    """Every kind with label, default and delivery; a put changes only the kinds it names."""
    api = Api(world.member)
    rows = {r["kind"]: r for r in api.get("/notifications/preferences").json()}
    assert rows["projects.task_overdue"]["default"] == "digest" and rows["meeting"]["delivery"] == "immediate"
    response = api.put(
        "/notifications/preferences", {"preferences": [{"kind": "meeting", "delivery": "inbox"}]}
    )
    rows = {r["kind"]: r for r in response.json()}
    assert rows["meeting"]["delivery"] == "inbox" and rows["raid.escalation"]["delivery"] == "immediate"
