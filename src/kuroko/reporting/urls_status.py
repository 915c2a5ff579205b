from django.urls import URLPattern, URLResolver, path

from kuroko.reporting.views import status as views

W = "projects/<str:code>/status-reports/<str:week>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("projects/<str:code>/status-reports/", views.project_status_reports, name="project-status-reports"),
    path(
        "projects/<str:code>/status-reports/compare/",
        views.status_report_compare,
        name="status-report-compare",
    ),
    path(W, views.status_report, name="status-report"),
    path(W + "narrative/", views.status_report_narrative, name="status-report-narrative"),
    path(W + "override/", views.status_report_override, name="status-report-override"),
    path(W + "refresh/", views.status_report_refresh, name="status-report-refresh"),
    path(W + "submit/", views.status_report_submit, name="status-report-submit"),
    path(W + "review/", views.status_report_review, name="status-report-review"),
    path(W + "comment/", views.status_report_comment, name="status-report-comment"),
    path("status-reports/", views.status_reports_week, name="status-reports-week"),
    path("status-reports/rules/", views.status_rag_rules, name="status-rag-rules"),
    path("status-reports/levels/", views.status_report_levels, name="status-report-levels"),
]
