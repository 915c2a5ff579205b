"""Templates in a real browser: a project created from a template version (a person for one role, the
other left as a placeholder) has the template's WBS and phases; the PMO saves it back as a template draft
and sees it in the editor."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from kuroko.governance.models import Phase, ProjectTemplate
from kuroko.projects.models import Project, Task
from tests.browser.conftest import Site
from tests.factories import published_template

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_from_template_then_saved_as_template(site: Site, world) -> None:
    """From-template form → project page with the WBS; phases on their summaries; save as a new draft."""
    template = published_template(versions=2)
    site.login(world.pmo)
    page = site.goto("/")
    page.get_by_role("link", name="From a template").click()
    page.locator("#id_version").select_option(label="Template WF · v2 (System integration)")
    # Choosing a version swaps the form in (htmx) with that version's roles; wait for the swap, or
    # the fields filled next are wiped by it and the form is posted empty.
    expect(page.locator("#from-template a[href$='/v2/']")).to_be_visible()
    expect(page.locator("#id_role_se")).to_be_visible()
    page.locator("#id_code").fill("TPL-1")
    page.locator("#id_name").fill("From the template")
    page.locator("#id_start").fill("2026-04-06")
    page.locator("#id_role_se").select_option(label=str(world.member.person))
    page.locator("#from-template button[type=submit]").click()
    # Creating and scheduling the project takes a moment on a busy machine.
    expect(page.locator("h1")).to_contain_text("From the template", timeout=30_000)
    expect(page.get_by_text("Security review").first).to_be_visible()
    project = Project.objects.get(code="TPL-1")
    names = list(Task.objects.filter(project=project).order_by("row").values_list("name", flat=True))
    assert names[:3] == ["Requirements", "Business requirements", "Requirements complete"]
    assert [(p.name, p.task.name) for p in Phase.objects.filter(project=project)] == [
        ("Requirements", "Requirements"),
        ("Design", "Design"),
    ]

    page.get_by_role("link", name="Template", exact=True).click()
    expect(page.locator("#upgrade-none")).to_be_visible()

    page = site.goto("/projects/TPL-1/save-as-template/")
    page.locator("#id_code").fill("TPL-COPY")
    page.locator("#id_name").fill("Copy of TPL-1")
    page.locator("#id_project_type").select_option(label=template.project_type.name)
    page.get_by_role("button", name="Save as template draft").click()
    expect(page.locator("#wbs-table input[name=task-name]").first).to_have_value("Requirements")
    expect(page.locator("#phases-table input[name=phase-name]").nth(1)).to_have_value("Design")
    assert ProjectTemplate.objects.get(code="TPL-COPY").versions.get().status == "draft"
