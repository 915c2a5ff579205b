"""RAID issues from tracker CSV exports: new keys raise issues, known keys update them, status and
priority words in English and Japanese, unknown words reported by row, all rows or none; the page and the
API."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from kuroko.raid.models import Issue
from kuroko.raid.services.registers_excel import ImportRefused
from kuroko.raid.services.tracker_import import issues_import_tracker
from tests.conftest import signed_in
from tests.formats.test_tracker_csv import BACKLOG_JA

REDMINE = (
    "#,Tracker,Status,Priority,Subject,Assignee,Due date,Created,Description\r\n"
    "12,Bug,New,Urgent,Login fails,Admin Example,2027-04-09,2027-03-30 10:00,Error 500 on login\r\n"
    "13,Bug,In Progress,Normal,Slow search,,,2027-03-31 09:00,\r\n"
    "14,Bug,Rejected,Low,Typo,,,2027-04-01 09:00,\r\n"
)


def test_import_adds_then_updates(world):
    """New keys raise numbered issues with the tracker's dates; a later export updates them by key."""
    result = issues_import_tracker(
        actor=world.pm, project=world.project, data=REDMINE.encode(), options=None, dry_run=False
    )
    assert result.counts == {"add": 3, "update": 0, "unchanged": 0, "error": 0}
    login = Issue.objects.get(external_key="12")
    assert login.code == "I-001" and login.priority == "urgent" and login.severity == "high"
    assert login.due_date == date(2027, 4, 9) and login.raised_on == date(2027, 3, 30)
    assert login.description == "Error 500 on login" and login.history.count() == 1
    typo = Issue.objects.get(external_key="14")
    assert typo.status == "closed" and "Rejected" in typo.resolution
    assert any("Admin Example" in w for w in result.warnings)  # no such person: no owner
    later = REDMINE.replace("12,Bug,New,Urgent", "12,Bug,Resolved,Urgent").replace(
        "Slow search", "Slow search page"
    )
    result = issues_import_tracker(
        actor=world.pm, project=world.project, data=later.encode(), options=None, dry_run=False
    )
    assert result.counts == {"add": 0, "update": 2, "unchanged": 1, "error": 0}
    login.refresh_from_db()
    assert login.status == "resolved" and login.resolution == "Resolved in the tracker (12)."
    assert Issue.objects.count() == 3


def test_japanese_words_and_owner_by_name(world):
    """Backlog's Japanese status and priority words; the assignee is matched to a person by name."""
    world.member.person.family_name, world.member.person.given_name = "山田", "太郎"
    world.member.person.save()
    name = world.member.person.full_name
    data = BACKLOG_JA.replace("山田 太郎", name).encode("cp932")
    issues_import_tracker(actor=world.pm, project=world.project, data=data, options=None, dry_run=False)
    first = Issue.objects.get(external_key="KIKAN-1")
    assert first.status == "in_progress" and first.priority == "normal" and first.owner == world.member.person
    assert Issue.objects.get(external_key="KIKAN-3").status == "closed"


def test_dry_run_and_unknown_words_write_nothing(world):
    """A dry run writes nothing; an unknown priority is an error on its row, and nothing is written."""
    issues_import_tracker(actor=world.pm, project=world.project, data=REDMINE.encode(), options=None)
    assert not Issue.objects.exists()
    bad = REDMINE.replace("In Progress,Normal", "In Progress,Whenever")
    with pytest.raises(ImportRefused) as caught:
        issues_import_tracker(
            actor=world.pm, project=world.project, data=bad.encode(), options=None, dry_run=False
        )
    [line] = caught.value.result.errors
    assert line.row == 3 and "Whenever" in line.errors[0]
    assert not Issue.objects.exists()


@pytest.mark.parametrize(
    "word, status",
    [
        ("Selected for Development", "open"),  # Jira Software's board column
        ("Waiting for support", "open"),  # Jira Service Management
        ("Waiting for customer", "in_progress"),  # Jira Service Management
        ("Pending", "in_progress"),  # Jira Service Management
        ("Escalated", "in_progress"),  # Jira Service Management
        ("Declined", "closed"),  # Jira Service Management: rejected
        ("保留中", "in_progress"),  # Japanese
    ],
)
def test_common_jira_statuses(world, word, status):
    """Jira's and Jira Service Management's usual statuses are read without a warning."""
    data = REDMINE.replace("In Progress,Normal", f"{word},Normal").encode()
    result = issues_import_tracker(
        actor=world.pm, project=world.project, data=data, options=None, dry_run=False
    )
    assert Issue.objects.get(external_key="13").status == status
    assert not [w for w in result.warnings if "status" in w]


def test_unknown_statuses_import_as_open_with_a_warning(world):
    """A custom status does not refuse the file: new issues are open, imported ones keep their status,
    and each unknown word is one warning naming its rows (in the preview too)."""
    custom = (
        REDMINE.replace("New,Urgent", "Waiting for vendor,Urgent")
        .replace("In Progress,Normal", "Waiting for vendor,Normal")
        .replace("Rejected,Low", "QA sign-off,Low")
    )
    preview = issues_import_tracker(actor=world.pm, project=world.project, data=custom.encode(), options=None)
    assert preview.counts == {"add": 3, "update": 0, "unchanged": 0, "error": 0}
    unknown = [w for w in preview.warnings if "Unknown status" in w]
    assert len(unknown) == 2
    assert "Waiting for vendor" in unknown[0] and "2, 3" in unknown[0] and "QA sign-off" in unknown[1]
    issues_import_tracker(
        actor=world.pm, project=world.project, data=REDMINE.encode(), options=None, dry_run=False
    )
    assert Issue.objects.get(external_key="13").status == "in_progress"
    issues_import_tracker(
        actor=world.pm, project=world.project, data=custom.encode(), options=None, dry_run=False
    )
    assert Issue.objects.get(external_key="13").status == "in_progress"  # kept
    client = signed_in(world.pm)
    step = client.post(
        "/projects/ALPHA/issues/import-tracker/",
        {"step": "upload", "file": SimpleUploadedFile("i.csv", custom.encode(), content_type="text/csv")},
    )
    form = step.context["mapping"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(step="preview", token=step.context["token"])
    page = client.post("/projects/ALPHA/issues/import-tracker/", data).content.decode()
    assert "Unknown status “Waiting for vendor”" in page and 'id="import-apply"' in page


def test_external_key_is_unique_per_project(world):
    """Two issues of one project cannot share a tracker key (other projects and blank keys may)."""
    issues_import_tracker(
        actor=world.pm, project=world.project, data=REDMINE.encode(), options=None, dry_run=False
    )
    issues_import_tracker(
        actor=world.admin, project=world.other, data=REDMINE.encode(), options=None, dry_run=False
    )
    assert Issue.objects.filter(external_key="12").count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Issue.objects.filter(project=world.project, external_key="13").update(external_key="12")


def test_who_may_import(world):
    """Only who manages the project imports issues."""
    for user in (world.member, world.executive, world.outsider):
        with pytest.raises(PermissionDenied):
            issues_import_tracker(actor=user, project=world.project, data=REDMINE.encode(), options=None)


def test_page_and_api(world):
    """The issue register links to the import; upload → mapping → preview → import; the API too."""
    client = signed_in(world.pm)
    assert 'id="issues-import-tracker"' in client.get("/projects/ALPHA/issues/").content.decode()
    assert (
        'id="issues-import-tracker"'
        not in signed_in(world.member).get("/projects/ALPHA/issues/").content.decode()
    )
    url = "/projects/ALPHA/issues/import-tracker/"
    step = client.post(url, {"step": "upload", "file": SimpleUploadedFile("r.csv", REDMINE.encode())})
    assert step.status_code == 200 and step.context["mapping"]["col_priority"].value() == "Priority"
    form = step.context["mapping"]
    data = {name: form[name].value() or "" for name in form.fields}
    preview = client.post(url, {**data, "step": "preview", "token": step.context["token"]})
    assert preview.status_code == 200 and 'id="import-preview"' in preview.content.decode()
    assert not Issue.objects.exists()
    done = client.post(url, {"step": "apply", "token": preview.context["token"]})
    assert done.status_code == 302 and Issue.objects.count() == 3
    answer = client.post(
        "/api/v1/projects/ALPHA/issues/import-tracker",
        {
            "file": SimpleUploadedFile("r.csv", REDMINE.replace("Typo", "Typo fix").encode()),
            "dry_run": "true",
        },
    )
    assert answer.status_code == 200 and answer.json()["counts"]["update"] == 1
    bad = client.post(
        "/api/v1/projects/ALPHA/issues/import-tracker",
        {"file": SimpleUploadedFile("r.csv", REDMINE.replace("New,Urgent", "New,Nope").encode())},
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["row"] == 2
    assert Issue.objects.get(external_key="14").title == "Typo"


@pytest.mark.django_db
class TestFuzzIssueImport(HypothesisTestCase):
    """Random and mutated uploads to the issue import (page and API): 200 or 422, never 500, and a
    refused file leaves the register as it was."""

    def setUp(self) -> None:
        from kuroko.core.models import Role
        from kuroko.projects import services
        from tests.factories import PersonFactory, UserFactory

        self.user = UserFactory(username="fuzz-pmo", role=Role.PMO_MEMBER)
        PersonFactory(family_name="Fuzz", user=self.user)
        self.project = services.project_create(actor=self.user, data={"code": "FZI", "name": "Fuzz"})

    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        st.one_of(
            st.binary(max_size=600),
            st.tuples(st.sampled_from([REDMINE, BACKLOG_JA]), st.integers(0, 300), st.binary(max_size=8)).map(
                lambda t: t[0].encode()[: t[1]] + t[2] + t[0].encode()[t[1] + len(t[2]) :]
            ),
        )
    )
    def test_fuzz_issue_import(self, data: bytes) -> None:
        """Upload, preview with the prefilled mapping, and the API without a dry run."""
        client = signed_in(self.user)
        url = "/projects/FZI/issues/import-tracker/"
        step = client.post(url, {"step": "upload", "file": SimpleUploadedFile("f.csv", data)})
        assert step.status_code in (200, 422)
        if step.status_code == 200:
            form = step.context["mapping"]
            fields = {name: form[name].value() or "" for name in form.fields}
            preview = client.post(url, {**fields, "step": "preview", "token": step.context["token"]})
            assert preview.status_code in (200, 422)
        assert not Issue.objects.exists()
        answer = client.post(
            "/api/v1/projects/FZI/issues/import-tracker", {"file": SimpleUploadedFile("f.csv", data)}
        )
        assert answer.status_code in (200, 422), answer.content
        if answer.status_code == 422:
            assert not Issue.objects.exists()
