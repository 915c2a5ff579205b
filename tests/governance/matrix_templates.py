"""Permission-matrix cases and fixture rows of the governance templates part
(see tests/test_permission_matrix.py).

Roles in order: admin, pmo, pm (PM of ALPHA), member (of ALPHA), executive, outsider, anonymous.
"""

from __future__ import annotations

from typing import Any

from tests.permission_cases import Case, api, page

READ = (200, 200, 200, 200, 200, 200, 302)
PMO_PAGE = (200, 200, 403, 403, 403, 403, 302)
PMO_POST = (302, 302, 403, 403, 403, 403, 302)
API_READ = (200, 200, 200, 200, 200, 200, 401)
API_PMO = (200, 200, 403, 403, 403, 403, 401)
API_DRAFT = (200, 200, 404, 404, 404, 404, 401)
PMO_PAGE_404 = (200, 200, 404, 404, 404, 404, 302)
API_PMO_CREATE = (201, 201, 403, 403, 403, 403, 401)


def _draft_rows(ids: dict[str, Any]) -> dict[str, Any]:
    """The draft editor's tables: one phase and two tasks."""
    return {"number": ids["tpl_draft"], "action": "save", "notes": "",
            "phase-key": ["p1"], "phase-name": ["Design"], "phase-summary_task": ["a"],
            "task-key": ["a", "b"], "task-level": ["1", "2"], "task-name": ["Design", "Screens"],
            "task-duration_days": ["0", "3"], "task-offset_days": ["", ""], "task-predecessors": ["", ""],
            "task-role": ["", ""], "task-work_hours": ["", ""], "task-notes": ["", ""]}  # fmt: skip


def _from_template(ids: dict[str, Any]) -> dict[str, Any]:
    return {"version": ids["tpl_v2"], "code": "FROMTPL", "name": "From a template", "start": "2026-04-06",
            "manager": "", "role_se": "", "role_pg": ""}  # fmt: skip


def _document(ids: dict[str, Any]) -> dict[str, Any]:
    from tests.factories import template_content

    content = template_content(security_review=True)
    content["risks"] = []
    return {"content": content, "number": ids["tpl_draft"]}


# fmt: off
CASES: list[Case] = [
    page(READ, "project-types", "GET", "/governance/project-types/"),
    page(PMO_POST, "project-types", "POST", "/governance/project-types/",
         lambda ids: {"action": "add", "new-code": "NEWTYPE", "new-name": "New type", "new-description": ""}),
    page(READ, "templates", "GET", "/governance/templates/"),
    page(PMO_PAGE, "template-create", "GET", "/governance/templates/new/"),
    page(PMO_POST, "template-create", "POST", "/governance/templates/new/",
         lambda ids: {"code": "NEWTPL", "name": "New", "project_type": ids["tpl_type"], "description": ""}),
    page(READ, "template-detail", "GET", "/governance/templates/WF/"),
    page(PMO_PAGE, "template-draft", "GET", "/governance/templates/WF/draft/"),
    page(PMO_POST, "template-draft", "POST", "/governance/templates/WF/draft/", _draft_rows),
    page(PMO_POST, "template-publish", "POST", "/governance/templates/WF/publish/",
         lambda ids: {"number": ids["tpl_draft"]}),
    page(READ, "template-version", "GET", "/governance/templates/WF/v2/?compare=1", label="diff"),
    page(PMO_PAGE_404, "template-version", "GET", "/governance/templates/WF/v3/", label="draft"),
    page(PMO_POST, "template-retire", "POST", "/governance/templates/WF/v1/retire/", lambda ids: {}),
    page((200, 200, 200, 403, 403, 403, 302), "project-create-from-template", "GET",
         "/projects/new/from-template/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-create-from-template", "POST",
         "/projects/new/from-template/", _from_template),
    page(PMO_PAGE, "project-save-as-template", "GET", "/projects/ALPHA/save-as-template/"),
    page(PMO_POST, "project-save-as-template", "POST", "/projects/ALPHA/save-as-template/",
         lambda ids: {"template": "", "code": "ALPHATPL", "name": "Alpha as template",
                      "project_type": ids["tpl_type"]}),
    page((200, 200, 200, 200, 200, 403, 302), "project-template", "GET", "/projects/ALPHA/template/"),
    page((302, 302, 302, 403, 403, 403, 302), "project-template", "POST", "/projects/ALPHA/template/",
         lambda ids: {"to_version": 2, "from_version": 1}),
    api(API_READ, "GET", "/project-types"),
    api(API_PMO_CREATE, "POST", "/project-types", lambda ids: {"code": "NEWTYPE", "name": "New type"}),
    api(API_PMO, "PATCH", "/project-types/{code}", lambda ids: {"name": "Renamed"}, code="tpl_spare"),
    api((204, 204, 403, 403, 403, 403, 401), "DELETE", "/project-types/{code}", code="tpl_spare"),
    api((409, 409, 403, 403, 403, 403, 401), "DELETE", "/project-types/{code}", code="tpl_si", label="in use",
        writes=False),
    api(API_READ, "GET", "/templates"),
    api(API_PMO_CREATE, "POST", "/templates",
        lambda ids: {"code": "NEWTPL", "name": "New", "project_type": "SI"}),
    api(API_READ, "GET", "/templates/{code}", code="tpl_code"),
    api(API_READ, "GET", "/templates/{code}/versions/{number}", code="tpl_code", number="tpl_one"),
    api(API_DRAFT, "GET", "/templates/{code}/draft", code="tpl_code"),
    api(API_DRAFT, "GET", "/templates/{code}/versions/{number}", code="tpl_code", number="tpl_draft",
        label="draft"),
    api(API_PMO, "PUT", "/templates/{code}/draft", _document, code="tpl_code"),
    api(API_PMO, "POST", "/templates/{code}/publish", lambda ids: {"number": ids["tpl_draft"]},
        code="tpl_code"),
    api((201, 201, 201, 403, 403, 403, 401), "POST", "/projects/from-template",
        lambda ids: {"template": "WF", "code": "FROMTPL", "name": "From a template", "start": "2026-04-06"}),
    api((201, 201, 403, 403, 403, 403, 401), "POST", "/projects/{code}/save-as-template",
        lambda ids: {"code": "ALPHATPL", "name": "Alpha", "project_type": "SI"}, code="tpl_alpha"),
    api((200, 200, 200, 200, 200, 403, 401), "GET", "/projects/{code}/template", code="tpl_alpha"),
    api((200, 200, 200, 403, 403, 403, 401), "POST", "/projects/{code}/template/apply",
        lambda ids: {"to_version": 2, "from_version": 1}, code="tpl_alpha"),
]
# fmt: on


def matrix_ids(world: Any, ids: dict[str, Any]) -> dict[str, Any]:
    """Rows the cases above need, as ids for their paths (`world` is the matrix fixture's world)."""
    from kuroko.governance.models import TemplateUse, TemplateVersion
    from kuroko.projects.models import ProjectType
    from tests.factories import published_template, template_content

    template = published_template(code="WF", versions=2)
    ProjectType.objects.create(code="SPARE", name="Spare type")
    content = template_content(security_review=True)
    content["tasks"][1]["duration_days"] = 9  # the draft differs from v2, so it can be published
    draft = TemplateVersion.objects.create(template=template, number=3, content=content)
    TemplateUse.objects.create(project=world.project, version=template.versions.get(number=1), task_keys={})
    return {
        "tpl_type": template.project_type.pk,
        "tpl_v2": template.versions.get(number=2).pk,
        "tpl_draft": draft.number,
        "tpl_code": "WF",
        "tpl_spare": "SPARE",
        "tpl_si": "SI",
        "tpl_one": 1,
        "tpl_alpha": "ALPHA",
    }
