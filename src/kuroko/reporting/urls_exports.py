from django.urls import URLPattern, URLResolver, path

from kuroko.reporting.views import exports as views

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", views.reports_home, name="reports-home"),
    path("reports/export/<str:fmt>/", views.portfolio_export, name="portfolio-export"),
    path("reports/archive/", views.archive, name="report-archive"),
    path("reports/archive/<int:pk>/download/", views.archive_download, name="report-archive-download"),
    path("reports/schedules/", views.schedules, name="report-schedules"),
    path("reports/schedules/new/", views.schedule_create, name="report-schedule-create"),
    path("reports/schedules/<int:pk>/", views.schedule_edit, name="report-schedule-edit"),
    path("reports/schedules/<int:pk>/delete/", views.schedule_delete, name="report-schedule-delete"),
    path("reports/schedules/<int:pk>/run/", views.schedule_run, name="report-schedule-run"),
    path(
        "projects/<str:code>/status-reports/<str:week>/export/<str:fmt>/",
        views.project_report_export,
        name="project-status-report-export",
    ),
]
