from django.urls import path, re_path

from kuroko.projects import views
from kuroko.projects.views import excel_wbs as excel_views
from kuroko.projects.views import feeds as feed_views
from kuroko.projects.views import leveling as leveling_views
from kuroko.projects.views import mspdi_update
from kuroko.projects.views import resources as resource_views
from kuroko.projects.views import schedule as schedule_views
from kuroko.projects.views import staffing as staffing_views
from kuroko.projects.views import timeline as timeline_views
from kuroko.projects.views import tracker as tracker_views

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("timeline/", timeline_views.portfolio_timeline, name="portfolio-timeline"),
    path("timeline.svg", timeline_views.portfolio_timeline_svg, name="portfolio-timeline-svg"),
    path("portfolio/schedule/", schedule_views.portfolio_schedule, name="portfolio-schedule"),
    path("resources/leveling/", leveling_views.leveling_list, name="leveling-list"),
    path("resources/leveling/new/", leveling_views.leveling_start, name="leveling-start"),
    path("resources/leveling/<int:pk>/", leveling_views.leveling_run, name="leveling-run"),
    re_path(
        r"^resources/leveling/(?P<pk>[0-9]+)/(?P<action>apply|discard)/$",
        leveling_views.leveling_decide,
        name="leveling-decide",
    ),
    path("resources/", resource_views.resource_heatmap, name="resource-heatmap"),
    path("resources/cell/", resource_views.resource_cell, name="resource-cell"),
    path("resources/teams-skills/", resource_views.resource_groups, name="resource-groups"),
    path("resources/utilisation/", resource_views.resource_utilisation, name="resource-utilisation"),
    re_path(
        r"^resources/utilisation\.(?P<kind>csv|xlsx)$",
        resource_views.resource_utilisation_export,
        name="resource-utilisation-export",
    ),
    path("portfolio/schedule/reschedule/", schedule_views.portfolio_reschedule, name="portfolio-reschedule"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/import/", views.project_import, name="project-import"),
    path("projects/import/tracker/", tracker_views.project_import_tracker, name="project_import_tracker"),
    path(
        "projects/<str:code>/import/tracker/",
        tracker_views.project_reimport_tracker,
        name="project_reimport_tracker",
    ),
    path("projects/import/excel/", excel_views.project_import_excel, name="project_import_excel"),
    path("projects/import/mappings/", excel_views.import_mappings, name="import_mappings"),
    path(
        "projects/<str:code>/import/excel/", excel_views.project_reimport_excel, name="project_reimport_excel"
    ),
    path("projects/<str:code>/export/xlsx/", excel_views.project_export_xlsx, name="project_export_xlsx"),
    path("projects/<str:code>/", views.project_detail, name="project-detail"),
    path("projects/<str:code>/edit/", views.project_edit, name="project-edit"),
    path("projects/<str:code>/delete/", views.project_delete, name="project-delete"),
    path("projects/<str:code>/history/", views.project_history, name="project-history"),
    path("projects/<str:code>/schedule/", views.project_schedule, name="project-schedule"),
    path("projects/<str:code>/schedule.xml", views.project_mspdi, name="project-mspdi"),
    path(
        "projects/<str:code>/update-from-xml/",
        mspdi_update.project_import_update,
        name="project-import-update",
    ),
    path("projects/<str:code>/level/", leveling_views.project_level, name="project-level"),
    path("projects/<str:code>/level/clear/", leveling_views.project_level_clear, name="project-level-clear"),
    path("projects/<str:code>/gantt/", schedule_views.project_gantt, name="project-gantt"),
    path("projects/<str:code>/gantt.json", schedule_views.project_gantt_data, name="project-gantt-data"),
    path("projects/<str:code>/gantt/edit/", schedule_views.project_gantt_edit, name="project-gantt-edit"),
    path("projects/<str:code>/gantt.svg", schedule_views.project_gantt_svg, name="project-gantt-svg"),
    path("projects/<str:code>/baselines/", schedule_views.project_baselines, name="project-baselines"),
    re_path(
        r"^projects/(?P<code>[^/]+)/baselines/(?P<number>[0-9]|10)/(?P<action>capture|clear|compare)/$",
        schedule_views.baseline_action,
        name="baseline-action",
    ),
    path("projects/<str:code>/tasks/add/", views.task_add, name="task-add"),
    path("projects/<str:code>/members/add/", views.member_add, name="member-add"),
    path("projects/<str:code>/members/<int:pk>/remove/", views.member_remove, name="member-remove"),
    path("tasks/<int:pk>/", views.task_row, name="task-row"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/indent/", views.task_structure, {"action": "indent"}, name="task-indent"),
    path("tasks/<int:pk>/outdent/", views.task_structure, {"action": "outdent"}, name="task-outdent"),
    re_path(r"^tasks/(?P<pk>[0-9]+)/move/(?P<action>up|down)/$", views.task_structure, name="task-move"),
    path("tasks/<int:pk>/delete/", views.task_structure, {"action": "delete"}, name="task-delete"),
    path(
        "tasks/<int:pk>/insert-below/",
        views.task_structure,
        {"action": "insert-below"},
        name="task-insert-below",
    ),
    path("tasks/<int:pk>/history/", views.task_history, name="task-history"),
    path("tasks/<int:pk>/driving-path.json", schedule_views.task_driving_path, name="task-driving-path"),
    path("people/<int:pk>/", views.person_detail, name="person-detail"),
    path("people/<int:pk>/history/", views.person_history, name="person-history"),
    path("resources/free/", staffing_views.who_is_free, name="who-is-free"),
    path("projects/<str:code>/staffing/", staffing_views.project_staffing, name="project-staffing"),
    path(
        "projects/<str:code>/staffing/proposal/",
        staffing_views.project_staffing_proposal,
        name="project-staffing-proposal",
    ),
    path(
        "projects/<str:code>/staffing/apply/",
        staffing_views.project_staffing_apply,
        name="project-staffing-apply",
    ),
    path("feeds/<str:token>.ics", feed_views.feed_ics, name="feed_ics"),
    path("accounts/feeds/", feed_views.feed_tokens, name="feed_tokens"),
    path("accounts/feeds/<int:pk>/revoke/", feed_views.feed_token_revoke, name="feed_token_revoke"),
    path("projects/<str:code>/feed/", feed_views.project_feed_create, name="project_feed_create"),
]
