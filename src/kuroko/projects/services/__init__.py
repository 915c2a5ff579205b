"""Writes to programs, projects, members, tasks and dependencies. Each function is one transaction
and checks the actor's permission before it changes anything."""

from kuroko.projects.services.assignments import assignment_remove, assignment_set, placeholder_create
from kuroko.projects.services.baselines import baseline_capture, baseline_clear
from kuroko.projects.services.dependencies import (
    dependency_create,
    dependency_delete,
    dependency_update,
    task_set_predecessors,
)
from kuroko.projects.services.excel_wbs import (
    import_mapping_delete,
    import_mapping_save,
    project_export_xlsx,
    project_import_excel,
    project_update_excel,
)
from kuroko.projects.services.fields import PROGRAM_FIELDS, PROGRESS_FIELDS, PROJECT_FIELDS, TASK_FIELDS
from kuroko.projects.services.gantt import GanttEdit, gantt_edit
from kuroko.projects.services.imports import (
    ImportDiff,
    project_export_mspdi,
    project_import_mspdi,
    project_import_source,
)
from kuroko.projects.services.mspdi_update import project_update_mspdi, project_update_source
from kuroko.projects.services.portfolio import (
    member_add,
    member_remove,
    program_create,
    program_delete,
    program_update,
    project_create,
    project_delete,
    project_update,
)
from kuroko.projects.services.tasks import (
    renumber,
    task_create,
    task_delete,
    task_indent,
    task_move,
    task_outdent,
    task_update,
)
from kuroko.projects.services.tracker_csv import (
    project_import_tracker,
    project_update_tracker,
    tracker_mapping_save,
)

__all__ = [
    "PROGRAM_FIELDS",
    "PROGRESS_FIELDS",
    "PROJECT_FIELDS",
    "TASK_FIELDS",
    "GanttEdit",
    "ImportDiff",
    "assignment_remove",
    "assignment_set",
    "baseline_capture",
    "baseline_clear",
    "dependency_create",
    "dependency_delete",
    "dependency_update",
    "gantt_edit",
    "import_mapping_delete",
    "import_mapping_save",
    "member_add",
    "member_remove",
    "placeholder_create",
    "program_create",
    "program_delete",
    "program_update",
    "project_create",
    "project_delete",
    "project_export_mspdi",
    "project_export_xlsx",
    "project_import_excel",
    "project_import_mspdi",
    "project_import_source",
    "project_import_tracker",
    "project_update",
    "project_update_excel",
    "project_update_mspdi",
    "project_update_source",
    "project_update_tracker",
    "renumber",
    "task_create",
    "task_delete",
    "task_indent",
    "task_move",
    "task_outdent",
    "task_set_predecessors",
    "task_update",
    "tracker_mapping_save",
]
