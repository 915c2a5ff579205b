from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from kuroko.projects.models import Assignment, Dependency, Placeholder, Program, Project, ProjectMember, Task


@admin.register(Program)
class ProgramAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")


class ProjectMemberInline(admin.TabularInline):
    model = ProjectMember
    autocomplete_fields = ("person",)
    extra = 0


@admin.register(Project)
class ProjectAdmin(SimpleHistoryAdmin):
    list_display = (
        "code",
        "name",
        "program",
        "manager",
        "status",
        "priority",
        "planned_start",
        "planned_finish",
        "budget",
        "percent_complete",
        "rag_overall",
    )
    list_filter = ("status", "program", "rag_overall", "rag_schedule", "rag_cost")
    search_fields = ("code", "name", "description")
    autocomplete_fields = ("program", "manager", "sponsor")
    list_select_related = ("program", "manager")
    inlines = [ProjectMemberInline]
    readonly_fields = ("percent_complete",)


@admin.register(ProjectMember)
class ProjectMemberAdmin(SimpleHistoryAdmin):
    list_display = ("project", "person", "role")
    list_filter = ("role",)
    search_fields = ("project__code", "person__family_name", "person__given_name")
    autocomplete_fields = ("project", "person")
    list_select_related = ("project", "person")


@admin.register(Task)
class TaskAdmin(SimpleHistoryAdmin):
    list_display = (
        "project",
        "wbs_code",
        "name",
        "kind",
        "planned_start",
        "planned_finish",
        "percent_complete",
        "owner",
    )
    list_filter = ("kind", "project__status", "project")
    search_fields = ("name", "wbs_code", "project__code")
    autocomplete_fields = ("project", "parent", "owner")
    list_select_related = ("project", "owner")
    readonly_fields = ("wbs_code", "outline_level", "row")
    ordering = ("project", "row")


@admin.register(Dependency)
class DependencyAdmin(SimpleHistoryAdmin):
    list_display = ("predecessor", "successor", "type", "lag_minutes")
    list_filter = ("type",)
    search_fields = ("predecessor__name", "successor__name", "successor__project__code")
    autocomplete_fields = ("predecessor", "successor")
    list_select_related = ("predecessor", "successor")


@admin.register(Placeholder)
class PlaceholderAdmin(SimpleHistoryAdmin):
    list_display = ("name", "project", "skill", "min_level", "quantity")
    list_filter = ("project",)
    search_fields = ("name",)


@admin.register(Assignment)
class AssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("task", "person", "placeholder", "units", "work_minutes", "contour", "booking")
    list_filter = ("booking", "contour")
    raw_id_fields = ("task", "person", "placeholder")
