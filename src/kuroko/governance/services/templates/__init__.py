"""Writes of project types and methodology templates: drafts, publishing, projects created from a template
version, projects saved as templates, and bringing a project up to a later version.

Every function checks the actor's permission first and is one transaction.
"""

from kuroko.governance.services.templates.projects import (
    add_phases,
    project_create_from_template,
    project_document,
    project_save_as_template,
)
from kuroko.governance.services.templates.upgrades import (
    UpgradeDiff,
    UpgradeItem,
    template_upgrade_apply,
    template_upgrade_preview,
)
from kuroko.governance.services.templates.versions import (
    InUse,
    check_document,
    project_type_create,
    project_type_delete,
    project_type_update,
    template_create,
    template_draft_open,
    template_draft_save,
    template_publish,
    template_update,
    template_version_retire,
)

__all__ = [
    "InUse",
    "UpgradeDiff",
    "UpgradeItem",
    "add_phases",
    "check_document",
    "project_create_from_template",
    "project_document",
    "project_save_as_template",
    "project_type_create",
    "project_type_delete",
    "project_type_update",
    "template_create",
    "template_draft_open",
    "template_draft_save",
    "template_publish",
    "template_update",
    "template_upgrade_apply",
    "template_upgrade_preview",
    "template_version_retire",
]
