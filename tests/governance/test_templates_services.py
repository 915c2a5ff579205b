"""Services of the templates part: drafts, publishing, projects from templates, saving and upgrading."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from kuroko.formats.project_template import document_from_json
from kuroko.governance.models import Deliverable, GateCriterion, Phase, TemplateUse, VersionStatus
from kuroko.governance.services import templates as services
from kuroko.projects.models import Assignment, Dependency, Placeholder, ProjectType, Task
from kuroko.raid.models import Risk
from tests.factories import published_template, template_content

START = date(2026, 4, 6)  # a Monday


def _create(world, version, code="NEW", people=None):
    return services.project_create_from_template(
        actor=world.pmo,
        version=version,
        code=code,
        name="From template",
        start=START,
        people=people or {},
        manager=world.pm.person,
        today=START,
    )


def test_create_from_template_builds_wbs_phases_and_use(world):
    """A project from a version has the WBS, links, assignments, phases, deliverables, criteria and risks."""
    template = published_template()
    version = template.versions.get(number=1)
    project = _create(world, version, people={"se": world.member.person})
    tasks = {t.name: t for t in Task.objects.filter(project=project)}
    assert list(Task.objects.filter(project=project).order_by("row").values_list("wbs_code", flat=True)) == [
        "1",
        "1.1",
        "1.2",
        "2",
        "2.1",
    ]
    assert tasks["Requirements"].kind == "summary" and tasks["Requirements complete"].kind == "milestone"
    assert tasks["Business requirements"].duration_minutes == 5 * 480
    assert tasks["Screen design"].planned_start == date(2026, 4, 14)  # Mon–Fri, then FS+1d
    assert Dependency.objects.filter(successor__project=project).count() == 2
    assert Assignment.objects.get(task=tasks["Business requirements"]).person == world.member.person
    screens = Assignment.objects.get(task=tasks["Screen design"])
    assert (
        screens.placeholder.name == "Programmer" and screens.work_minutes == 24 * 60 and screens.units == 50
    )
    assert project.project_type.code == "SI"
    phases = list(Phase.objects.filter(project=project))
    assert [(p.name, p.task.name) for p in phases] == [("Requirements", "Requirements"), ("Design", "Design")]
    assert Deliverable.objects.filter(project=project).count() == 2
    criteria = GateCriterion.objects.filter(phase__project=project)
    assert {c.kind for c in criteria} == {"checklist", "deliverable", "metric"}
    assert Risk.objects.get(project=project).title == "Requirements change late"
    use = TemplateUse.objects.get(project=project)
    assert use.version == version and use.task_keys["screens"] == tasks["Screen design"].pk


def test_create_from_template_offset_sets_snet(world):
    """A task without predecessors and with an offset starts that many working days after the start."""
    template = published_template()
    content = template_content()
    content["tasks"][4]["offset_days"] = 3
    content["links"] = content["links"][:1]
    version = template.versions.get(number=1)
    version.content = content
    version.save()
    project = _create(world, version)
    screens = Task.objects.get(project=project, name="Screen design")
    assert screens.constraint_type == "SNET" and screens.planned_start == date(2026, 4, 9)


def test_create_from_template_refuses_a_draft_and_unknown_roles(world):
    """Only a published version is used; a person for a role the template lacks is refused."""
    template = published_template()
    draft = services.template_draft_open(actor=world.pmo, template=template)
    with pytest.raises(ValidationError):
        _create(world, draft)
    with pytest.raises(ValidationError):
        _create(world, template.versions.get(number=1), people={"nobody": world.member.person})


def test_member_cannot_create_from_template(world):
    """Who may not create projects may not create one from a template."""
    version = published_template().versions.get(number=1)
    with pytest.raises(PermissionDenied):
        services.project_create_from_template(
            actor=world.member, version=version, code="X", name="X", start=START
        )


def test_draft_save_reports_every_problem_and_saves_nothing(world):
    """An invalid document names each problem by path; the draft keeps its content."""
    template = services.template_create(
        actor=world.pmo, code="T1", name="T1", project_type=ProjectType.objects.create(code="X", name="X")
    )
    bad = {"tasks": [{"key": "a", "name": "A", "duration_days": -1}, {"key": "a", "name": ""}]}
    with pytest.raises(ValidationError) as raised:
        services.template_draft_save(actor=world.pmo, template=template, content=bad)
    text = " ".join(raised.value.messages)
    assert "tasks[0].duration_days" in text and "tasks[1].key" in text and "tasks[1].name" in text
    assert template.versions.get().content["tasks"] == []


def test_publish_freezes_and_next_draft_starts_from_it(world):
    """Publishing numbers the version; a new draft copies it; an unchanged draft is refused."""
    kind = ProjectType.objects.create(code="X", name="X")
    template = services.template_create(actor=world.pmo, code="T1", name="T1", project_type=kind)
    with pytest.raises(ValidationError):  # empty draft
        services.template_publish(actor=world.pmo, template=template)
    services.template_draft_save(actor=world.pmo, template=template, content=template_content())
    v1 = services.template_publish(actor=world.pmo, template=template)
    assert (v1.number, v1.status) == (1, VersionStatus.PUBLISHED)
    draft = services.template_draft_open(actor=world.pmo, template=template)
    assert draft.number == 2 and draft.content == v1.content
    with pytest.raises(ValidationError):  # same as v1
        services.template_publish(actor=world.pmo, template=template)
    services.template_draft_save(
        actor=world.pmo, template=template, content=template_content(security_review=True)
    )
    v2 = services.template_publish(actor=world.pmo, template=template)
    v1.refresh_from_db()
    assert v2.number == 2 and v1.status == VersionStatus.PUBLISHED


def test_pm_cannot_edit_templates(world):
    """Only the PMO edits templates and project types."""
    with pytest.raises(PermissionDenied):
        services.project_type_create(actor=world.pm, data={"code": "A", "name": "A"})


def test_project_type_delete_refused_while_used(world):
    """A project type used by a template cannot be deleted."""
    template = published_template()
    with pytest.raises(services.InUse):
        services.project_type_delete(actor=world.pmo, project_type=template.project_type)


def test_save_as_template_round_trips_the_plan(world):
    """A project saved as a template gives a draft that creates the same WBS again."""
    version = published_template().versions.get(number=1)
    project = _create(world, version)
    draft = services.project_save_as_template(
        actor=world.pmo, project=project, code="COPY", name="Copy", project_type=project.project_type
    )
    document = document_from_json(draft.content)
    original = document_from_json(version.content)
    assert [(t.key, t.parent, t.duration_days, t.milestone) for t in document.tasks] == [
        (t.key, t.parent, t.duration_days, t.milestone) for t in original.tasks
    ]
    assert {(x.predecessor, x.successor, x.lag_days) for x in document.links} == {
        (x.predecessor, x.successor, x.lag_days) for x in original.links
    }
    assert [p.key for p in document.phases] == ["p_req", "p_design"]
    assert {r.name for r in document.roles} == {"Programmer", "Systems engineer"} or len(document.roles) == 2
    assert [r.title for r in document.risks] == ["Requirements change late"]


def test_save_as_template_keeps_short_tasks_and_loose_deliverables(world):
    """A 2-hour task saves as 0.25 days (not a milestone), 12 hours as 1.5; a deliverable without a phase
    is kept, and a project from the draft gets them back as they were."""
    from kuroko.governance.services import gates
    from kuroko.projects import services as project_services

    for name, minutes in (("Kickoff call", 120), ("Half and a bit", 720)):
        project_services.task_create(
            actor=world.admin, project=world.project, parent=world.summary,
            data={"name": name, "duration_minutes": minutes},
        )  # fmt: skip
    gates.deliverable_create(actor=world.pm, project=world.project, data={"name": "Loose doc"})
    draft = services.project_save_as_template(
        actor=world.pmo, project=world.project, code="RT", name="RT",
        project_type=ProjectType.objects.create(code="Z", name="Z"),
    )  # fmt: skip
    document = document_from_json(draft.content)
    tasks = {t.name: t for t in document.tasks}
    assert (tasks["Kickoff call"].duration_days, tasks["Kickoff call"].milestone) == (0.25, False)
    assert tasks["Half and a bit"].duration_days == 1.5
    assert [(d.name, d.phase) for d in document.deliverables] == [("Loose doc", "")]
    draft.status, draft.content = VersionStatus.PUBLISHED, draft.content
    draft.save()
    copy = _create(world, draft, code="RT2")
    kickoff = Task.objects.get(project=copy, name="Kickoff call")
    assert (kickoff.kind, kickoff.duration_minutes) == ("task", 120)
    assert Task.objects.get(project=copy, name="Half and a bit").duration_minutes == 720
    assert Deliverable.objects.get(project=copy, name="Loose doc").phase is None


def test_save_as_template_needs_pmo(world):
    """A project manager cannot save a project as a template."""
    with pytest.raises(PermissionDenied):
        services.project_save_as_template(actor=world.pm, project=world.project, code="C", name="C")


def test_upgrade_preview_and_apply(world):
    """Upgrading adds the new task, link and deliverable, keeps the PM's renamed task, moves the use."""
    template = published_template(versions=2)
    project = _create(world, template.versions.get(number=1))
    renamed = Task.objects.get(project=project, name="Screen design")
    renamed.name = "Screens (our way)"
    renamed.save()
    v2 = template.versions.get(number=2)
    preview = services.template_upgrade_preview(project, to_version=v2)
    assert (preview.from_number, preview.to_number) == (1, 2)
    assert [i.key for i in preview.of("add") if i.kind == "tasks"] == ["secreview"]
    assert [i.key for i in preview.of("add") if i.kind == "deliverables"] == ["secreport"]
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=v2, from_number=1)
    added = Task.objects.get(project=project, name="Security review")
    assert added.parent.name == "Design" and added.wbs_code == "2.2"
    assert Assignment.objects.get(task=added).placeholder.name == "Systems engineer"
    assert Dependency.objects.filter(predecessor=renamed, successor=added).exists()
    assert Deliverable.objects.filter(project=project, template_key="secreport").exists()
    assert TemplateUse.objects.get(project=project).version == v2
    with pytest.raises(ValidationError):  # the preview was of version 1 → 2; the project is on 2 now
        services.template_upgrade_apply(actor=world.pm, project=project, to_version=v2, from_number=1)


def test_upgrade_conflict_keeps_the_pm_value(world):
    """A template change to a field the PM changed is shown as a conflict and not applied."""
    template = published_template(versions=1)
    project = _create(world, template.versions.get(number=1))
    content = template_content()
    content["tasks"][1]["duration_days"] = 8
    content["tasks"][4]["duration_days"] = 6
    from kuroko.governance.models import TemplateVersion

    v2 = TemplateVersion.objects.create(template=template, number=2, status="published", content=content)
    task = Task.objects.get(project=project, name="Screen design")
    task.duration_minutes = 10 * 480
    task.save()
    preview = services.template_upgrade_preview(project, to_version=v2)
    assert [i.key for i in preview.of("conflict")] == ["screens"]
    assert [i.key for i in preview.of("change")] == ["busreq"]
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=v2)
    assert Task.objects.get(pk=task.pk).duration_minutes == 10 * 480
    assert Task.objects.get(project=project, name="Business requirements").duration_minutes == 8 * 480


def test_upgrade_needs_edit_rights(world):
    """Who cannot edit the project cannot apply a newer version."""
    template = published_template(versions=2)
    project = _create(world, template.versions.get(number=1))
    with pytest.raises(PermissionDenied):
        services.template_upgrade_apply(
            actor=world.outsider, project=project, to_version=template.versions.get(number=2)
        )


def test_large_template_creates_quickly(world, django_assert_max_num_queries):
    """A 300-task template creates with a bounded number of queries (no query per task)."""
    tasks = [{"key": f"p{p}", "name": f"Phase {p}"} for p in range(3)]
    content = {"tasks": []}
    for p in range(3):
        content["tasks"].append(tasks[p])
        for n in range(99):
            content["tasks"].append(
                {"key": f"t{p}-{n}", "name": f"Task {n}", "parent": f"p{p}", "duration_days": 2}
            )
    content["links"] = [
        {"predecessor": f"t{p}-{n}", "successor": f"t{p}-{n + 1}"} for p in range(3) for n in range(98)
    ]
    template = published_template()
    version = template.versions.get(number=1)
    version.content = content
    version.save()
    with django_assert_max_num_queries(200):
        project = _create(world, version)
    assert Task.objects.filter(project=project).count() == 300
    assert not Placeholder.objects.filter(project=project).exists()


def _v2(template, content):
    from django.utils import timezone

    from kuroko.governance.models import TemplateVersion

    return TemplateVersion.objects.create(
        template=template, number=2, status="published", content=content, published_at=timezone.now()
    )


def test_upgrade_keeps_a_removed_summary_whose_subtask_has_progress(world):
    """A removed summary task stays (with a warning) when its removed subtask has progress: both kept."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    child = Task.objects.get(project=project, name="Screen design")
    Task.objects.filter(pk=child.pk).update(percent_complete=50)
    content = template_content()
    content["tasks"] = [t for t in content["tasks"] if t["key"] not in ("design", "screens")]
    content["links"] = content["links"][:1]
    content["phases"][1].pop("summary_task")
    v2 = _v2(template, content)
    preview = services.template_upgrade_preview(project, to_version=v2)
    assert {i.key for i in preview.of("warning") if i.kind == "tasks"} == {"design", "screens"}
    assert not [i for i in preview.of("remove") if i.kind == "tasks"]
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=v2)
    assert Task.objects.filter(pk=child.pk, parent__name="Design").exists()


def test_upgrade_changes_a_criterion_from_metric_to_checklist(world):
    """A criterion whose kind changes in the template gets the new kind (metric fields cleared)."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    content = template_content()
    content["phases"][0]["criteria"][2] = {"key": "c3", "kind": "checklist", "text": "SPI reviewed"}
    content["phases"][0]["criteria"][0] = {"key": "c1", "kind": "deliverable", "deliverable": "designdoc",
                                           "text": "Design approved"}  # fmt: skip
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=_v2(template, content))
    metric = GateCriterion.objects.get(phase__project=project, template_key="c3")
    assert (metric.kind, metric.text, metric.metric, metric.threshold) == (
        "checklist",
        "SPI reviewed",
        "",
        None,
    )
    check = GateCriterion.objects.get(phase__project=project, template_key="c1")
    assert check.kind == "deliverable" and check.deliverable.template_key == "designdoc"


def test_upgrade_refuses_a_criterion_it_cannot_apply_and_writes_nothing(world):
    """A deliverable criterion whose deliverable the PM deleted is a 422-style error naming the criterion."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    Deliverable.objects.filter(project=project, template_key="designdoc").delete()
    content = template_content()
    content["phases"][0]["criteria"][0] = {"key": "c1", "kind": "deliverable", "deliverable": "designdoc",
                                           "text": "Design approved"}  # fmt: skip
    content["tasks"][1]["name"] = "Renamed by v2"
    with pytest.raises(ValidationError) as caught:
        services.template_upgrade_apply(actor=world.pm, project=project, to_version=_v2(template, content))
    assert "c1" in str(caught.value.message_dict["deliverable"])
    assert not Task.objects.filter(project=project, name="Renamed by v2").exists()
    assert TemplateUse.objects.get(project=project).version.number == 1


def test_upgrade_link_change_to_a_deleted_task_is_skipped(world):
    """A changed link to a task the PM deleted is a warning in the preview and is not written."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    deleted = Task.objects.get(project=project, name="Screen design")
    deleted_pk = deleted.pk
    deleted.delete()
    content = template_content()
    content["links"][1]["lag_days"] = 3
    v2 = _v2(template, content)
    preview = services.template_upgrade_preview(project, to_version=v2)
    assert [i.kind for i in preview.of("warning")] == ["links"]
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=v2)
    assert not Dependency.objects.filter(successor_id=deleted_pk).exists()
    assert "screens" not in TemplateUse.objects.get(project=project).task_keys


def test_upgrade_refuses_a_link_that_closes_a_cycle(world):
    """A template link that would close a cycle with the PM's own link is refused, naming the cycle."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    busreq = Task.objects.get(project=project, name="Business requirements")
    screens = Task.objects.get(project=project, name="Screen design")
    Dependency.objects.create(predecessor=screens, successor=busreq)
    content = template_content(security_review=False)
    content["links"].append({"predecessor": "busreq", "successor": "screens"})
    with pytest.raises(ValidationError) as caught:
        services.template_upgrade_apply(actor=world.pm, project=project, to_version=_v2(template, content))
    assert "cycle" in str(caught.value)
    assert TemplateUse.objects.get(project=project).version.number == 1


def test_upgrade_moves_criteria_and_deliverables_to_their_new_phase(world):
    """A criterion or deliverable moved to another phase in the template moves in the project too."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    content = template_content()
    content["phases"][1]["criteria"].append(content["phases"][0]["criteria"].pop(0))
    content["deliverables"][0]["phase"] = "p_design"
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=_v2(template, content))
    moved = GateCriterion.objects.get(phase__project=project, template_key="c1")
    assert moved.phase.template_key == "p_design" and moved.number == 1
    assert Deliverable.objects.get(project=project, template_key="reqdoc").phase.template_key == "p_design"
    left = GateCriterion.objects.filter(phase__project=project, phase__template_key="p_req")
    assert sorted(left.values_list("number", flat=True)) == [1, 2]


def test_upgrade_numbers_an_added_phase_in_template_order(world):
    """A phase added first in the template becomes phase 1; the others move down, no number twice."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    content = template_content()
    content["phases"].insert(0, {"key": "p0", "name": "Planning", "criteria": []})
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=_v2(template, content))
    phases = Phase.objects.filter(project=project).order_by("number")
    assert list(phases.values_list("template_key", "number")) == [("p0", 1), ("p_req", 2), ("p_design", 3)]


def test_upgrade_keeps_governance_fields_the_pm_changed(world):
    """A deliverable, criterion or phase field the PM changed is a conflict and kept; the others apply."""
    template = published_template()
    project = _create(world, template.versions.get(number=1))
    Deliverable.objects.filter(project=project, template_key="reqdoc").update(name="Our spec")
    GateCriterion.objects.filter(phase__project=project, template_key="c1").update(text="Our review")
    Phase.objects.filter(project=project, template_key="p_design").update(name="Our design")
    content = template_content()
    content["deliverables"][0].update(name="Spec v2", required=False)
    content["phases"][0]["criteria"][0].update(text="Review v2", required=False)
    content["phases"][1]["name"] = "Design v2"
    content["phases"][0]["name"] = "Requirements v2"
    v2 = _v2(template, content)
    preview = services.template_upgrade_preview(project, to_version=v2)
    assert sorted((i.kind, i.key) for i in preview.of("conflict")) == [
        ("criteria", "c1"), ("deliverables", "reqdoc"), ("phases", "p_design")
    ]  # fmt: skip
    services.template_upgrade_apply(actor=world.pm, project=project, to_version=v2)
    spec = Deliverable.objects.get(project=project, template_key="reqdoc")
    assert (spec.name, spec.required) == ("Our spec", False)
    check = GateCriterion.objects.get(phase__project=project, template_key="c1")
    assert (check.text, check.required) == ("Our review", False)
    names = dict(Phase.objects.filter(project=project).values_list("template_key", "name"))
    assert names == {"p_req": "Requirements v2", "p_design": "Our design"}
